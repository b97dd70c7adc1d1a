import * as vscode from 'vscode';
import { inert, logTarget } from '../common/serviceText';
import type { Company, Customer, Picture } from '../api/types';
import type { KeptPicture } from '../local/keptPictures';
import { pickKeptPicture } from '../ui/keptPicker';
import { connectToCustomer } from './chooseCustomer';
import type { CommandContext, PictureResult, PictureTarget } from './context';
import { pictureSet, readCurrentPicture } from './currentPicture';
import { keepBeforeChange, keepingReplaced, readKept } from './keeping';

/** A restore's target: the customer, and (from an *Undo*) the kept picture to put back without asking which. */
export interface RestoreTarget extends PictureTarget {
  readonly keptId?: string;
}

/** Commands take anything as their first argument; only a non-empty string is a kept picture's id. */
export function asKeptId(value: unknown): string | undefined {
  const keptId = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).keptId : undefined;
  return typeof keptId === 'string' && keptId.trim() ? keptId.trim() : undefined;
}

/**
 * `bcPictures.restorePicture`: pick company and customer, then one of the customer's kept pictures (newest first),
 * and put it back: the kept bytes uploaded, the picture they replace kept first. *Undo* passes the kept picture's id.
 */
export async function restorePicture(services: CommandContext, target?: RestoreTarget): Promise<PictureResult | undefined> {
  const chosen = await connectToCustomer(services, target);
  if (!chosen) return undefined;
  const { connection, recent, company, customer } = chosen;
  const keeping = keepingReplaced();
  let previous: KeptPicture | undefined;
  if (target?.keptId) {
    const found = await services.kept.find(target.keptId);
    // Only this customer's own picture, from this service and environment.
    previous = found && found.scope === connection.scope && sameId(found.companyId, company.id) && sameId(found.customerId, customer.id) ? found : undefined;
    if (!previous) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'The previous picture of {0} ({1}) is no longer kept on this computer: the oldest kept pictures are removed when they need more space than bcPictures.keptPicturesBudget allows.',
          inert(customer.displayName),
          inert(customer.number),
        ),
      );
      return undefined;
    }
  } else {
    const kept = await services.kept.list(connection.scope, company.id, customer.id);
    if (kept.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('No earlier picture of {0} ({1}) is kept on this computer: pictures are kept when they are replaced or removed here.', inert(customer.displayName), inert(customer.number)),
      );
      return undefined;
    }
    previous = await pickKeptPicture(customer, kept, keeping);
    if (!previous) return undefined;
  }
  const bytes = await readKept(services, previous);
  const current = await readCurrentPicture(connection, company, customer, services.log, { download: keeping });
  const keptNow = current ? await keepBeforeChange(services, connection, company, customer, current, 'replace') : undefined;
  if (keptNow === 'stop') return undefined;

  services.log.info(`Putting back the picture of ${logTarget(company, customer)} kept at ${previous.keptAt}`);
  const { bytesUploadSource } = await import('../api');
  const stored: Picture = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Putting back the picture of {0} ({1})', inert(customer.displayName), inert(customer.number)) },
    () => connection.service.uploadPicture(company.id, customer.id, bytesUploadSource(bytes, previous)),
  );
  const result = await pictureSet(services, recent, company, customer, stored);
  void announce(services, company, customer, previous, stored, keptNow);
  return result;
}

async function announce(
  services: CommandContext,
  company: Company,
  customer: Customer,
  previous: KeptPicture,
  stored: Picture,
  keptNow: KeptPicture | undefined,
): Promise<void> {
  const undo = vscode.l10n.t('Undo');
  const showPicture = vscode.l10n.t('Show Picture');
  const when = new Intl.DateTimeFormat(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(previous.keptAt));
  const message = vscode.l10n.t(
    'Picture of {0} ({1}) in {2} put back as it was on {3} — {4}×{5} {6}',
    inert(customer.displayName),
    inert(customer.number),
    inert(company.displayName),
    when,
    stored.width,
    stored.height,
    stored.contentType,
  );
  services.log.info(message);
  const action = await vscode.window.showInformationMessage(message, showPicture, ...(keptNow ? [undo] : []));
  if (action === showPicture) await vscode.commands.executeCommand('bcPictures.showPicture', { companyId: company.id, customerId: customer.id });
  // The undo of a restore is a restore of the picture it replaced.
  if (action === undo && keptNow) await vscode.commands.executeCommand('bcPictures.restorePicture', { companyId: company.id, customerId: customer.id, keptId: keptNow.id });
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
