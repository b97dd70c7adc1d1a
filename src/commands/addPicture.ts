import * as vscode from 'vscode';
import { reportWaiting, withCancellation } from '../ui/progress';
import { inert, logTarget } from '../common/serviceText';
import type { Company, Customer, Picture } from '../api/types';
import { chooseImages } from '../ui/chooseImage';
import { inspectImage, pictureToSend, type PictureToSend } from '../ui/inspectImage';
import { RecentChoices } from '../local/recent';
import { confirmPictureWithPreview, type Replacement } from './pictureConfirmation';
import { BACK } from '../ui/quickPick';
import type { ImageInfo } from '../images';
import { pictureSet, readCurrentPicture } from './currentPicture';
import { isCancellation } from '../ui/failures';
import { customerCardUrl } from '../api/webClient';
import { chooseCustomer } from './chooseCustomer';
import type { Connection } from './connection';
import type { BulkResult, CommandContext, PictureResult, PictureTarget } from './context';
import { keepBeforeChange, keepingReplaced } from './keeping';
import type { KeptPicture } from '../local/keptPictures';

/** `bcPictures.addPicture`: inspect the image, pick company and customer, confirm a replacement, upload. */
export async function addPicture(
  services: CommandContext,
  clicked?: vscode.Uri,
  selected?: vscode.Uri[],
  target?: PictureTarget,
): Promise<PictureResult | BulkResult | undefined> {
  const images = await chooseImages(clicked, selected);
  if (!images) return undefined;
  // Several images: each goes to the customer whose number is its name.
  if (images.length > 1) return vscode.commands.executeCommand<BulkResult | undefined>('bcPictures.addPicturesByNumber', clicked, selected);
  const image = images[0];
  // One picture keeps the bytes it inspected (non-`file:` images), so exactly those are sent.
  const inspected = await inspectImage(image, services.log);
  if (!inspected) return undefined;

  // Prepared while the company and the customer are picked: the confirmation can then say exactly what is sent.
  const sending = pictureToSend(image, inspected.info, services.preparing, { inspectedBytes: inspected.bytes });
  sending.catch(() => undefined);
  const connection = await services.connections.get();
  const recent = new RecentChoices(services.context.globalState, connection.scope);
  const chosen = await customerToReplace(services, connection, recent, target, { image, inspected, sending });
  if (!chosen) return undefined;
  const { company, customer, kept } = chosen;

  services.log.info(`Setting the picture of ${logTarget(company, customer)} from ${image.toString(true)}`);
  const stored = await upload(services.log, connection, company, customer, inspected.info, chosen.sending);
  if (!stored) return undefined;
  const result = await pictureSet(services, recent, company, customer, stored);
  void announce(services, connection, company, customer, stored, kept);
  return result;
}

/**
 * The customer to set the picture of and what to send: picked (or named by `target`), and confirmed beside a preview
 * where it already has a picture, or where its first picture is not square (the user may send a square of the picture
 * instead); a replaced one is kept first (`kept`). Back in the confirmation goes back to the customer picker of the same company.
 */
async function customerToReplace(
  services: CommandContext,
  connection: Connection,
  recent: RecentChoices,
  target: PictureTarget | undefined,
  replacement: Replacement,
): Promise<{ company: Company; customer: Customer; kept?: KeptPicture; sending: Promise<PictureToSend> } | undefined> {
  // A customer the caller named was never picked: there is no picker to go back to.
  const canGoBack = !target?.customerId && !target?.customerNumber;
  for (let asked = target; ; ) {
    const chosen = await chooseCustomer(connection, recent, asked);
    if (!chosen) return undefined;
    // Downloaded once, for the preview and, where pictures are kept, to keep: the same bytes give the confirmation its size.
    const current = await readCurrentPicture(connection, chosen.company, chosen.customer, services.log, { download: true });
    const answer = await confirmPictureWithPreview(services.preparing, services.log, chosen.customer, current, replacement, { canGoBack });
    if (answer === BACK) {
      asked = { companyId: chosen.company.id };
      continue;
    }
    if (!answer) return undefined;
    if (!current) return { ...chosen, sending: answer.sending };
    const kept = keepingReplaced() ? await keepBeforeChange(services, connection, chosen.company, chosen.customer, current, 'replace') : undefined;
    return kept === 'stop' ? undefined : { ...chosen, kept, sending: answer.sending };
  }
}

/** The upload with a cancellable progress notification; undefined when the user cancelled it. */
async function upload(
  log: vscode.LogOutputChannel,
  connection: Connection,
  company: Company,
  customer: Customer,
  file: ImageInfo,
  sending: Promise<PictureToSend>,
): Promise<Picture | undefined> {
  return withCancellation(
    vscode.l10n.t('Setting the picture of {0} ({1})', inert(customer.displayName), inert(customer.number)),
    async (progress, signal) => {
      let reported = 0;
      const { formatBytes } = await import('../images');
      const { describeChanges } = await import('../images/preparation');
      // Said only while a picture is still being prepared: one streamed as it is was ready long before.
      const preparing = setTimeout(() => progress.report({ message: vscode.l10n.t('Preparing the picture…') }), 200);
      const { source, changes } = await sending.finally(() => clearTimeout(preparing));
      if (changes.length > 0) log.info(`Prepared ${file.fileName}: ${describeChanges(changes)}`);
      try {
        return await connection.service.uploadPicture(company.id, customer.id, source, {
          signal,
          onWaiting: reportWaiting(progress),
          onProgress: (sent, total) => {
            const percent = total > 0 ? (sent / total) * 100 : 100;
            // A retried attempt starts again from 0: the bar only moves forward.
            const increment = Math.max(0, percent - reported);
            reported = Math.max(reported, percent);
            progress.report({ increment, message: vscode.l10n.t('{0} of {1} sent', formatBytes(sent), formatBytes(total)) });
          },
        });
      } catch (error) {
        // A cancel after the last byte is not quiet: the picture may have been set, and the error says so.
        if (signal.aborted && isCancellation(error)) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Upload cancelled: the picture of {0} ({1}) did not change.', inert(customer.displayName), inert(customer.number)));
          return undefined;
        }
        throw error;
      }
    },
  );
}

async function announce(services: CommandContext, connection: Connection, company: Company, customer: Customer, stored: Picture, kept: KeptPicture | undefined): Promise<void> {
  const showPicture = vscode.l10n.t('Show Picture');
  const undo = vscode.l10n.t('Undo');
  const showInBc = vscode.l10n.t('Show in Business Central');
  const showLog = vscode.l10n.t('Show Log');
  const url = customerCardUrl(connection.settings, company, customer);
  const message = vscode.l10n.t(
    'Picture of {0} ({1}) in {2} set — {3}×{4} {5}',
    inert(customer.displayName),
    inert(customer.number),
    inert(company.displayName),
    stored.width,
    stored.height,
    stored.contentType,
  );
  services.log.info(message);
  const action = await vscode.window.showInformationMessage(message, showPicture, ...(kept ? [undo] : []), ...(url ? [showInBc] : []), showLog);
  // The picture it had, put back (and the one set now kept in turn, so the undo can be undone).
  if (action === undo && kept) await vscode.commands.executeCommand('bcPictures.restorePicture', { companyId: company.id, customerId: customer.id, keptId: kept.id });
  // The picture as Business Central now has it, in VS Code's image preview.
  if (action === showPicture) await vscode.commands.executeCommand('bcPictures.showPicture', { companyId: company.id, customerId: customer.id });
  if (action === showInBc && url) await vscode.env.openExternal(vscode.Uri.parse(url));
  if (action === showLog) services.log.show();
}
