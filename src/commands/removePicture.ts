import * as vscode from 'vscode';
import { inert, logTarget } from '../common/serviceText';
import { confirmRemove } from '../ui/confirm';
import { BACK } from '../ui/quickPick';
import { connectToCustomer } from './chooseCustomer';
import type { CommandContext, PictureTarget } from './context';
import { readCurrentPicture } from './currentPicture';
import { keepBeforeChange, keepingReplaced } from './keeping';

/** `bcPictures.removePicture`: pick company and customer, show the picture's type and size, ask, delete. True when removed. */
export async function removePicture(services: CommandContext, target?: PictureTarget): Promise<boolean> {
  // A customer the caller named was never picked: there is no picker to go back to.
  const canGoBack = !target?.customerId && !target?.customerNumber;
  for (let asked = target; ; ) {
    const chosen = await connectToCustomer(services, asked);
    if (!chosen) return false;
    const { connection, recent, company, customer } = chosen;
    const current = await readCurrentPicture(connection, company, customer, services.log, { download: keepingReplaced() });
    if (!current) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} ({1}) has no picture in Business Central: there is nothing to remove.', inert(customer.displayName), inert(customer.number)));
      return false;
    }
    const answer = await confirmRemove(customer, current, { canGoBack });
    // Back: the customer picker of the same company again.
    if (answer === BACK) {
      asked = { companyId: company.id };
      continue;
    }
    if (!answer) return false;
    const kept = await keepBeforeChange(services, connection, company, customer, current, 'remove');
    if (kept === 'stop') return false;
    services.log.info(`Removing the picture of ${logTarget(company, customer)}`);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Removing the picture of {0} ({1})', inert(customer.displayName), inert(customer.number)) },
      () => connection.service.deletePicture(company.id, customer.id),
    );
    services.pictures.forget(company.id, customer.id);
    await recent.remember(company, customer);
    const message = vscode.l10n.t('Picture of {0} ({1}) removed.', inert(customer.displayName), inert(customer.number));
    services.log.info(message);
    const undo = vscode.l10n.t('Undo');
    void vscode.window.showInformationMessage(message, ...(kept ? [undo] : [])).then((action) =>
      action === undo && kept ? vscode.commands.executeCommand('bcPictures.restorePicture', { companyId: company.id, customerId: customer.id, keptId: kept.id }) : undefined,
    );
    return true;
  }
}
