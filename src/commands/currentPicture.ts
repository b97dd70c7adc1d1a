import * as vscode from 'vscode';
import { hasPicture } from '../api/picture';
import { inert } from '../common/serviceText';
import type { Company, Customer, Picture } from '../api/types';
import { cancellableRead } from '../ui/progress';
import { failureMessage } from '../ui/failures';
import type { ShownPicture } from '../ui/confirm';
import type { RecentChoices } from '../local/recent';
import type { Connection } from './connection';
import type { CommandContext, PictureResult } from './context';

/** Past this the confirmation shows without the bytes: counting them can mean downloading the whole picture. */
const BYTE_SIZE_BUDGET_MS = 5_000;

/**
 * The customer's picture as the replace and remove confirmations show it, or undefined when there is none: type and
 * pixels from the service, bytes from its content (Content-Length; counted where there is none, within a budget).
 * With `download`, the content is downloaded instead, once, for the confirmation's size, the preview and to be kept
 * before it changes; where that fails, `keepFailure` says why.
 */
export async function readCurrentPicture(
  connection: Connection,
  company: Company,
  customer: Customer,
  log: vscode.LogOutputChannel,
  options: { readonly download?: boolean } = {},
): Promise<ShownPicture | undefined> {
  return cancellableRead(vscode.l10n.t('Reading the picture of {0} ({1})…', inert(customer.displayName), inert(customer.number)), async (signal) => {
    const picture: Picture = await connection.service.getPicture(company.id, customer.id, { signal });
    if (!hasPicture(picture)) return undefined;
    if (options.download) {
      try {
        const bytes = await connection.service.downloadPicture(company.id, customer.id, { signal, picture });
        // The service listed a picture but served none: nothing to keep, and nothing that would be lost.
        return bytes ? { ...picture, byteSize: bytes.byteLength, bytes } : picture;
      } catch (error) {
        if (signal.aborted) throw error;
        log.warn(`The current picture could not be downloaded to keep it (${failureMessage(error)}).`);
        return { ...picture, keepFailure: failureMessage(error) };
      }
    }
    const budget = AbortSignal.any([signal, AbortSignal.timeout(BYTE_SIZE_BUDGET_MS)]);
    try {
      return { ...picture, byteSize: await connection.service.pictureByteSize(company.id, customer.id, picture, { signal: budget }) };
    } catch (error) {
      if (signal.aborted) throw error;
      log.warn(`The size of the current picture could not be read (${failureMessage(error)}); the confirmation shows it without.`);
      return picture;
    }
  });
}

/**
 * What follows a picture set for one customer, by an upload or a restore: open previews show the new one, the
 * walkthrough is told, the customer becomes a recent choice; gives what the command returns.
 */
export async function pictureSet(services: CommandContext, recent: RecentChoices, company: Company, customer: Customer, stored: Picture): Promise<PictureResult> {
  services.pictures.forget(company.id, customer.id, vscode.FileChangeType.Changed);
  services.walkthrough.pictureAdded();
  await recent.remember(company, customer);
  return { companyId: company.id, customerId: customer.id, width: stored.width, height: stored.height, contentType: stored.contentType };
}
