import * as vscode from 'vscode';
import { hasPicture } from '../api/picture';
import { inert, logTarget } from '../common/serviceText';
import { confirmRemove } from '../ui/confirm';
import { connectToCustomer } from './chooseCustomer';
import type { CommandContext, PictureTarget } from './context';

/** `bcPictures.removePicture`: pick company and customer, show the picture's size and type, ask, delete. True when removed. */
export async function removePicture(services: CommandContext, target?: PictureTarget): Promise<boolean> {
  const chosen = await connectToCustomer(services, target);
  if (!chosen) return false;
  const { connection, recent, company, customer } = chosen;
  const current = await connection.service.getPicture(company.id, customer.id);
  if (!hasPicture(current)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} ({1}) has no picture in Business Central: there is nothing to remove.', inert(customer.displayName), inert(customer.number)));
    return false;
  }
  if (!(await confirmRemove(customer, current))) return false;
  services.log.info(`Removing the picture of ${logTarget(company, customer)}`);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Removing the picture of {0} ({1})', inert(customer.displayName), inert(customer.number)) },
    () => connection.service.deletePicture(company.id, customer.id),
  );
  services.pictures.forget(company.id, customer.id);
  await recent.remember(company, customer);
  const message = vscode.l10n.t('Picture of {0} ({1}) removed.', inert(customer.displayName), inert(customer.number));
  services.log.info(message);
  void vscode.window.showInformationMessage(message);
  return true;
}
