import * as path from 'node:path';
import * as vscode from 'vscode';
import { hasPicture } from '../api/picture';
import type { Company, Customer, Picture, RequestOptions } from '../api/types';
import { inert } from '../common/serviceText';
import { KeptPictureError, KeptPictures, type KeptPicture, type KeptPictureOwner } from '../local/keptPictures';
import { confirmWithoutKeeping, type ShownPicture } from '../ui/confirm';
import { failureMessage } from '../ui/failures';
import type { Connection } from './connection';
import type { CommandContext } from './context';

const MEGABYTE = 1024 * 1024;
const DEFAULT_BUDGET_MB = 200;

/** Whether pictures are kept before they are replaced or removed (`bcPictures.keepReplacedPictures`, default on). */
export function keepingReplaced(): boolean {
  return vscode.workspace.getConfiguration('bcPictures').get<boolean>('keepReplacedPictures', true) !== false;
}

/** The store of kept pictures, in the extension's global storage; created in `activate`, nothing read before first use. */
export function createKeptPictures(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): KeptPictures {
  return new KeptPictures(() => path.join(context.globalStorageUri.fsPath, 'kept-pictures'), {
    log,
    budgetBytes: () => {
      const configured = Number(vscode.workspace.getConfiguration('bcPictures').get<number>('keptPicturesBudget', DEFAULT_BUDGET_MB));
      return Math.max(1, Number.isFinite(configured) ? configured : DEFAULT_BUDGET_MB) * MEGABYTE;
    },
  });
}

/** Whose picture a kept one is: the connection's service and environment, the company and the customer. */
export function ownerOf(connection: Connection, company: Company, customer: Customer): KeptPictureOwner {
  return {
    scope: connection.scope,
    companyId: company.id,
    companyName: company.displayName,
    customerId: customer.id,
    customerNumber: customer.number,
    customerName: customer.displayName,
  };
}

/**
 * Keeps the current picture (read by `readCurrentPicture` with `keep`) before it is replaced or removed. Where it
 * cannot be kept the user is told why and asked whether to go ahead anyway (no by default): 'stop' when not.
 * Undefined when there was nothing to keep (keeping is off, or the service served no content).
 */
export async function keepBeforeChange(
  services: CommandContext,
  connection: Connection,
  company: Company,
  customer: Customer,
  current: ShownPicture,
  change: 'replace' | 'remove',
): Promise<KeptPicture | undefined | 'stop'> {
  let reason = current.keepFailure;
  if (reason === undefined && current.bytes) {
    try {
      return await services.kept.keep(ownerOf(connection, company, customer), current, current.bytes);
    } catch (error) {
      reason = failureMessage(error);
    }
  }
  if (reason === undefined) return undefined;
  services.log.warn(`The current picture of ${customer.number} could not be kept: ${reason}`);
  return (await confirmWithoutKeeping(customer, reason, change)) ? undefined : 'stop';
}

/**
 * What a customer's picture was, put back without asking (for *Undo All*): the kept picture uploaded, or none (the
 * picture removed). The picture it replaces is kept first while keeping is on; where that fails nothing is changed
 * and the error says so.
 */
export async function putBackQuietly(
  services: CommandContext,
  connection: Connection,
  company: Company,
  customer: Customer,
  previous: KeptPicture | undefined,
  options: RequestOptions,
): Promise<void> {
  const bytes = previous ? await readKept(services, previous) : undefined;
  const current: Picture = await connection.service.getPicture(company.id, customer.id, options);
  if (!previous && !hasPicture(current)) return;
  if (hasPicture(current) && keepingReplaced()) {
    try {
      const content = await connection.service.downloadPicture(company.id, customer.id, { ...options, picture: current });
      if (content) await services.kept.keep(ownerOf(connection, company, customer), current, content);
    } catch (error) {
      throw new KeptPictureError(vscode.l10n.t('Could not keep its current picture: {0}; nothing was changed.', failureMessage(error)));
    }
  }
  if (previous && bytes) {
    const { bytesUploadSource } = await import('../api');
    await connection.service.sendPicture(company.id, customer.id, bytesUploadSource(bytes, previous), options);
  } else {
    await connection.service.deletePicture(company.id, customer.id, options);
  }
}

/** The bytes of a kept picture, or an error that says which picture could not be put back and why. */
export async function readKept(services: CommandContext, picture: KeptPicture): Promise<Uint8Array> {
  try {
    return await services.kept.read(picture);
  } catch (error) {
    throw new KeptPictureError(
      vscode.l10n.t('The previous picture of {0} ({1}) could not be put back: {2}. Nothing was changed.', inert(picture.customerName), inert(picture.customerNumber), failureMessage(error)),
    );
  }
}
