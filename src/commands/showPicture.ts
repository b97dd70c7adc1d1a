import * as vscode from 'vscode';
import { hasPicture } from '../api/picture';
import { cancellableRead } from '../ui/progress';
import { inert, logTarget } from '../common/serviceText';
import { connectToCustomer } from './chooseCustomer';
import { pictureUri } from './pictureFileSystem';
import type { CommandContext, PictureTarget } from './context';

/** `bcPictures.showPicture`: pick company and customer, download the picture, open it in VS Code's image preview. */
export async function showPicture(services: CommandContext, target?: PictureTarget): Promise<vscode.Uri | undefined> {
  const chosen = await connectToCustomer(services, target);
  if (!chosen) return undefined;
  const { connection, recent, company, customer } = chosen;
  services.log.info(`Showing the picture of ${logTarget(company, customer)}`);
  const picture = await connection.service.getPicture(company.id, customer.id);
  const bytes = hasPicture(picture)
    ? await cancellableRead(vscode.l10n.t('Downloading the picture of {0} ({1})', inert(customer.displayName), inert(customer.number)), (signal) =>
        connection.service.downloadPicture(company.id, customer.id, { signal }), connection.prompts,
      )
    : undefined;
  await recent.remember(company, customer);
  if (!bytes) {
    const add = vscode.l10n.t('Add Picture…');
    const message = vscode.l10n.t('{0} ({1}) has no picture in Business Central.', inert(customer.displayName), inert(customer.number));
    // One click to give it one: the add command, with this customer already chosen.
    void vscode.window.showInformationMessage(message, add).then((action) =>
      action === add ? vscode.commands.executeCommand('bcPictures.addPicture', undefined, undefined, { companyId: company.id, customerId: customer.id }) : undefined,
    );
    return undefined;
  }
  // Image code loads with the first command that needs it, never at activation.
  const { pictureFileName, pictureFolderName } = await import('../images/pictureFileName');
  const uri = pictureUri(connection.settings.environment, pictureFolderName(company), pictureFileName(customer, picture.contentType), {
    companyId: company.id,
    customerId: customer.id,
  });
  services.pictures.keep(uri, bytes);
  await vscode.commands.executeCommand('vscode.openWith', uri, 'imagePreview.previewEditor');
  return uri;
}
