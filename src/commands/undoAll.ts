import * as vscode from 'vscode';
import { hasPicture } from '../api/picture';
import type { Company, Customer } from '../api/types';
import { inert, logTarget } from '../common/serviceText';
import { KeptPictureError, type KeptPicture } from '../local/keptPictures';
import { confirmUndoAll } from '../ui/confirm';
import { failureMessage } from '../ui/failures';
import { withCancellation } from '../ui/progress';
import type { Connection } from './connection';
import type { CommandContext } from './context';
import { keepingReplaced, ownerOf, putBackQuietly } from './keeping';

/** A customer the job changed, and what it had before: a kept picture, or none. */
interface Changed {
  readonly customer: Customer;
  readonly previous?: KeptPicture;
}

/**
 * What *Add Pictures by Customer Number…* keeps of one job: each replaced picture, kept before its upload is sent
 * (one GET each), so that *Undo All* can put back how it was. Made once a job.
 */
export class BulkKeeper {
  /** Read once a job: a job keeps all of its replaced pictures or none. */
  readonly on = keepingReplaced();
  private readonly kept = new Map<string, KeptPicture>();

  constructor(
    private readonly services: CommandContext,
    private readonly connection: Connection,
    private readonly company: Company,
  ) {}

  /** Before a customer's picture is sent: keeps the one it has. Throws, and nothing is sent, where it cannot be kept. */
  async beforeSend(customer: Customer, mayHavePicture: boolean, onWaiting: (seconds: number) => void): Promise<void> {
    if (!this.on || !mayHavePicture) return;
    const { service } = this.connection;
    try {
      // The plan's lookup expanded the picture where the API does (Business Central); Graph is asked.
      const picture = customer.picture ?? (await service.getPicture(this.company.id, customer.id, { onWaiting }));
      if (!hasPicture(picture)) return;
      const bytes = await service.downloadPicture(this.company.id, customer.id, { onWaiting, picture });
      if (!bytes) return;
      this.kept.set(customer.id, await this.services.kept.keep(ownerOf(this.connection, this.company, customer), picture, bytes));
    } catch (error) {
      throw new KeptPictureError(vscode.l10n.t('Could not keep its current picture: {0}; nothing was changed.', failureMessage(error)));
    }
  }

  /** What *Undo All* puts back for these customers (the ones the job changed, or may have); undefined when keeping was off. */
  undo(customers: readonly Customer[]): UndoAll | undefined {
    if (!this.on || customers.length === 0) return undefined;
    return new UndoAll(this.services, this.connection, this.company, customers.map((customer) => ({ customer, previous: this.kept.get(customer.id) })));
  }
}

/** *Undo All* of a job: asks first, then gives every customer back what it had, a few at once. */
export class UndoAll {
  constructor(
    private readonly services: CommandContext,
    private readonly connection: Connection,
    private readonly company: Company,
    private readonly changed: readonly Changed[],
  ) {}

  async run(): Promise<void> {
    const restoring = this.changed.filter((entry) => entry.previous).length;
    const removing = this.changed.length - restoring;
    if (!(await confirmUndoAll(inert(this.company.displayName), restoring, removing))) return;
    const { runPool, PauseGate, SERVICE_MAX_CONCURRENT } = await import('../bulk');
    const configured = vscode.workspace.getConfiguration('bcPictures').get<number>('maxConcurrentUploads', 4);
    const concurrency = Math.min(SERVICE_MAX_CONCURRENT, Math.max(1, Math.floor(Number(configured) || 4)));
    const gate = new PauseGate();
    this.services.log.info(`Undo All: putting back ${restoring} pictures and removing ${removing} in ${logTarget(this.company)}`);
    const outcomes = await withCancellation(vscode.l10n.t('Undoing the pictures of {0} customers of {1}', this.changed.length, inert(this.company.displayName)), (progress, signal) =>
      runPool(
        this.changed,
        // No signal: a started change ends as done or refused, so the summary knows what changed.
        (entry) => putBackQuietly(this.services, this.connection, this.company, entry.customer, entry.previous, { onWaiting: (seconds) => gate.pause(seconds * 1000) }),
        {
          concurrency,
          signal,
          gate,
          onSettled: (outcome) => {
            progress.report({ increment: 100 / this.changed.length });
            if (outcome.state === 'failed') this.services.log.warn(`Undo All, ${outcome.item.customer.number}: ${failureMessage(outcome.error)}`);
            else this.services.pictures.forget(this.company.id, outcome.item.customer.id, vscode.FileChangeType.Changed);
          },
        },
      ),
    );
    const done = outcomes.filter((outcome) => outcome.state === 'done');
    const failed = outcomes.flatMap((outcome) => (outcome.state === 'failed' ? [`${inert(outcome.item.customer.number)} (${failureMessage(outcome.error)})`] : []));
    const notStarted = outcomes.filter((outcome) => outcome.state === 'notStarted').length;
    const parts = [
      vscode.l10n.t(
        '{0}: previous pictures back for {1} customers, new pictures removed for {2}.',
        inert(this.company.displayName),
        done.filter((outcome) => outcome.item.previous).length,
        done.filter((outcome) => !outcome.item.previous).length,
      ),
      ...(failed.length > 0 ? [vscode.l10n.t('Not undone: {0}.', failed.join('; '))] : []),
      ...(notStarted > 0 ? [vscode.l10n.t('{0} not started: cancelled.', notStarted)] : []),
    ];
    const message = parts.join(' ');
    this.services.log.info(message);
    const showLog = vscode.l10n.t('Show Log');
    const show = failed.length > 0 || notStarted > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    if ((await show(message, showLog)) === showLog) this.services.log.show();
  }
}
