import * as vscode from 'vscode';
import { reportWaiting, withCancellation } from '../ui/progress';
import { inert, logTarget } from '../common/serviceText';
import type { PlanEntry, PoolOutcome, UploadRecord, PassedOver } from '../bulk';
import type { JobEntry, JobJournal, JobState } from '../bulk/journal';
import type { Company, Customer, Picture } from '../api/types';
import type { ImageInfo } from '../images';
import { pictureToSend } from '../ui/inspectImage';
import { failureMessage } from '../ui/failures';
import type { Connection } from './connection';
import type { BulkResult, CommandContext } from './context';
import { guard } from './guard';
import type { BulkKeeper, UndoAll } from './undoAll';

// A job of many pictures, from the confirmed plan (or a resumed journal) to its report and summary.

export interface ImageFile {
  readonly uri: vscode.Uri;
  readonly info?: ImageInfo;
}

export type Entry = PlanEntry<ImageFile>;
export type Upload = Entry & { readonly customer: Customer };

export interface Job {
  readonly company: Company;
  /** Every upload of the job, in the journal's order. */
  readonly uploads: readonly Upload[];
  /** Resumed: what was settled before the interruption (set, or failed), by position in `uploads`; not sent again. */
  readonly settled?: ReadonlyMap<number, UploadRecord>;
  /** Matched customers left unchecked in the plan. */
  readonly skipped: readonly Upload[];
  readonly leftOut: BulkResult['leftOut'];
  readonly passedOver: PassedOver;
  readonly startedAt: Date;
  /** Where the job is written down as it goes; undefined where it could not be (the job runs, but cannot be resumed). */
  readonly journal?: JobJournal;
  /** Keeps each picture before it is replaced, for *Undo All*. */
  readonly keeper: BulkKeeper;
}

/** What a job's journal entry is for an upload: the file as planned (so a resume sends it only if unchanged). */
export function journalEntry(entry: Upload): JobEntry {
  return {
    uri: entry.file.uri.toString(),
    file: fileLabel(entry.file.uri),
    fingerprint: fingerprintOf(entry.file.info!),
    customerId: entry.customer.id,
    customerNumber: entry.customer.number,
    customerName: entry.customer.displayName,
    before: beforeOf(entry),
  };
}

/** The file as inspected: its size and modification time on disk, else the hash of the bytes read. */
export function fingerprintOf(info: ImageInfo): string {
  return info.fileIdentity ? `${info.fileIdentity.size}:${info.fileIdentity.mtimeNs}` : `sha256:${info.contentSha256 ?? ''}:${info.byteSize}`;
}

export const pictureDetail = (picture: Pick<Picture, 'width' | 'height' | 'contentType'>) => `${picture.width}×${picture.height} ${picture.contentType}`;

/** The journal's steps by upload, and a failing journal only logged once: the pictures matter more than resuming them. */
class JournalSteps {
  private broken = false;
  private readonly positions: Map<Upload, number>;

  constructor(
    private readonly journal: JobJournal | undefined,
    uploads: readonly Upload[],
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.positions = new Map(uploads.map((upload, index) => [upload, index]));
  }

  mark(entry: Upload, state: JobState, detail?: string, sentSha256?: string): Promise<void> {
    return this.markAll([{ entry, state, detail, sentSha256 }]);
  }

  async markAll(steps: readonly { entry: Upload; state: JobState; detail?: string; sentSha256?: string }[]): Promise<void> {
    if (!this.journal || this.broken || steps.length === 0) return;
    try {
      await this.journal.markAll(steps.map(({ entry, state, detail, sentSha256 }) => ({ index: this.positions.get(entry)!, state, detail, sentSha256 })));
    } catch (error) {
      this.broken = true;
      this.log.warn(`The job journal could not be written (${failureMessage(error)}); this job goes on, but cannot be resumed if it is cut short.`);
    }
  }
}

/** Runs a job: the uploads not yet settled, the read-back, the report and the summary (with Retry Failed as `retry`). */
export async function runJob(services: CommandContext, connection: Connection, job: Job, retry: (result: BulkResult) => Promise<unknown>): Promise<BulkResult> {
  const { company, uploads } = job;
  const settled = job.settled ?? new Map<number, UploadRecord>();
  const toSend = uploads.filter((_, index) => !settled.has(index));
  const journal = new JournalSteps(job.journal, uploads, services.log);
  services.log.info(`Adding ${toSend.length} pictures by customer number to ${logTarget(company)}${settled.size > 0 ? ` (resumed: ${settled.size} settled before)` : ''}`);
  const { records: sent, cancelled } = await uploadAll(services, connection, company, toSend, journal, job.keeper);
  const sentRecords = new Map(toSend.map((upload, n) => [upload, sent[n]]));
  const records = uploads.map((upload, index) => settled.get(index) ?? sentRecords.get(upload)!);
  const allRecords: UploadRecord[] = [
    ...records,
    ...job.skipped.map((entry) => record(entry, 'skipped', entry.kind === 'hasPicture' ? vscode.l10n.t('already has a picture; not checked') : vscode.l10n.t('not checked'))),
  ];
  const { runReportMarkdown, summarize } = await import('../bulk');
  const report = runReportMarkdown({
    companyName: company.displayName,
    environment: environmentLabel(connection),
    startedAt: job.startedAt,
    endedAt: new Date(),
    language: vscode.env.language,
    cancelled,
    records: allRecords,
    leftOut: job.leftOut,
    passedOver: job.passedOver,
  });
  const reportUri = await writeReport(services, report);
  // Reported: nothing of this job is left to resume.
  await job.journal?.finish().catch((error: unknown) => services.log.warn(`Could not remove the finished job's journal: ${failureMessage(error)}`));
  // By number, once: looked up for each upload below.
  const failures = new Map(records.filter((r) => r.state === 'failed' || r.state === 'unconfirmed').map((r) => [r.customerNumber, r]));
  const numbersIn = (state: UploadRecord['state']) => allRecords.filter((r) => r.state === state).map((r) => r.customerNumber);
  const outcome: Omit<BulkResult, 'summary'> = {
    companyId: company.id,
    done: numbersIn('done'),
    skipped: numbersIn('skipped'),
    notStarted: numbersIn('notStarted'),
    failed: uploads.flatMap((entry) => {
      const failure = failures.get(entry.customer.number);
      return failure
        ? [{ file: failure.file, uri: entry.file.uri.toString(), customerNumber: failure.customerNumber, reason: failure.detail, ...(failure.state === 'unconfirmed' ? { mayBeSet: true } : {}) }]
        : [];
    }),
    leftOut: job.leftOut,
    cancelled,
    reportUri: reportUri?.toString(),
  };
  const names = new Map(uploads.map((entry) => [entry.customer.number, entry.customer.displayName]));
  const result: BulkResult = { ...outcome, summary: summarize(company.displayName, outcome, names, job.passedOver) };
  services.log.info(result.summary);
  // Undo All covers the customers this run changed, and those it may have; not those set before a resume (their
  // kept pictures are in Restore Previous Picture…), which it would otherwise take for customers that had none.
  const changed = toSend.filter((upload) => sentRecords.get(upload)!.state === 'done' || sentRecords.get(upload)!.state === 'unconfirmed');
  void announce(services, result, reportUri, retry, job.keeper.undo(changed.map((upload) => upload.customer)));
  return result;
}

/** The uploads, a few at once, under one cancellable progress notification; cancelling lets the uploads in flight finish. */
async function uploadAll(
  services: CommandContext,
  connection: Connection,
  company: Company,
  chosen: readonly Upload[],
  journal: JournalSteps,
  keeper: BulkKeeper,
): Promise<{ records: UploadRecord[]; cancelled: boolean }> {
  const { AdaptiveLimit, PauseGate, RequestBudget, runPool, SERVICE_MAX_CONCURRENT, SERVICE_REQUEST_BUDGET } = await import('../bulk');
  const { describeChanges } = await import('../images/preparation');
  const configured = vscode.workspace.getConfiguration('bcPictures').get<number>('maxConcurrentUploads', 4);
  const concurrency = Math.min(SERVICE_MAX_CONCURRENT, Math.max(1, Math.floor(Number(configured) || 4)));
  const gate = new PauseGate();
  const limit = new AdaptiveLimit(concurrency);
  // Business Central online counts each user's requests in a sliding window; a server of one's own does not.
  const budget = connection.settings.serviceUrl ? undefined : new RequestBudget(SERVICE_REQUEST_BUDGET.requests, SERVICE_REQUEST_BUDGET.windowMs);
  const total = chosen.length;
  return withCancellation(
    vscode.l10n.t('Adding {0} customer pictures to {1}', total, inert(company.displayName)),
    async (progress, signal) => {
      let finished = 0;
      let inFlight = 0;
      // A cancel here starts nothing new; the uploads in flight finish.
      signal.addEventListener('abort', () => {
        services.log.info(`Cancelled by the user: ${inFlight} uploads in flight finish, ${total - finished - inFlight} are not started.`);
        progress.report({ message: vscode.l10n.t('Cancelling: letting the {0} uploads already started finish…', inFlight) });
      });
      // One worker told to wait pauses them all: the service is throttling this user, not one request.
      const waiting = reportWaiting(progress);
      const onWaiting = (seconds: number) => {
        gate.pause(seconds * 1000);
        limit.throttled();
        waiting(seconds);
      };
      const outcomes = await runPool<Upload, Picture | undefined>(
        chosen,
        async (entry) => {
          // The picture it has is kept first; where it cannot be, this customer fails and nothing is sent.
          await keeper.beforeSend(entry.customer, entry.kind === 'hasPicture', onWaiting);
          const { source, changes, sha256 } = await pictureToSend(entry.file.uri, entry.file.info!, services.preparing);
          if (changes.length > 0) services.log.info(`Prepared ${entry.name}: ${describeChanges(changes)}`);
          // On disk before the first byte goes: a resume after a crash checks this customer rather than trusting it.
          await journal.mark(entry, 'sending', undefined, sha256);
          // No signal: a started upload ends as stored or refused, so the summary knows exactly what changed.
          // The 204 is the upload; what was stored is read back below, many customers a request.
          return connection.service.sendPicture(company.id, entry.customer.id, source, { onWaiting });
        },
        {
          concurrency,
          signal,
          gate,
          limit,
          budget,
          onStart: (entry) => {
            inFlight++;
            if (!signal.aborted) {
              progress.report({ message: vscode.l10n.t('{0} of {1}: {2}', finished + inFlight, total, entry.name) });
            }
          },
          onSettled: (outcome) => {
            inFlight--;
            finished++;
            progress.report({ increment: 100 / total });
            if (outcome.state === 'done') void journal.mark(outcome.item, 'sent');
            if (outcome.state === 'failed') {
              services.log.warn(`${outcome.item.name} → ${outcome.item.customer.number}: ${failureMessage(outcome.error)}`);
              void journal.mark(outcome.item, isUnconfirmed(outcome.error) ? 'unconfirmed' : 'failed', failureMessage(outcome.error));
            }
          },
        },
      );
      const stored = await readBack(services, connection, company, outcomes, onWaiting);
      const confirmed: { entry: Upload; detail: string }[] = [];
      const records = outcomes.map((outcome) => {
        if (outcome.state === 'done') {
          const picture = stored.get(outcome.item.customer.id) ?? outcome.value ?? sourceFacts(outcome.item);
          services.pictures.forget(company.id, outcome.item.customer.id, vscode.FileChangeType.Changed);
          const detail = pictureDetail(picture);
          confirmed.push({ entry: outcome.item, detail });
          return record(outcome.item, 'done', detail);
        }
        if (outcome.state === 'failed') return record(outcome.item, isUnconfirmed(outcome.error) ? 'unconfirmed' : 'failed', failureMessage(outcome.error));
        return record(outcome.item, 'notStarted', vscode.l10n.t('cancelled before it started'));
      });
      await journal.markAll(confirmed.map(({ entry, detail }) => ({ entry, state: 'confirmed', detail })));
      if (outcomes.some((outcome) => outcome.state === 'done')) services.walkthrough.pictureAdded();
      return { records, cancelled: signal.aborted };
    },
  );
}

/**
 * What the service stored for the uploads it took, in batches of customer numbers. The pictures are set either
 * way, so a failed read must not report them as failed: the inspected size and type stand in, and the log says so.
 */
async function readBack(
  services: CommandContext,
  connection: Connection,
  company: Company,
  outcomes: readonly PoolOutcome<Upload, Picture | undefined>[],
  onWaiting: (seconds: number) => void,
): Promise<Map<string, Picture>> {
  const uploaded = outcomes.flatMap((outcome) => (outcome.state === 'done' && outcome.value === undefined ? [outcome.item.customer] : []));
  if (uploaded.length === 0) return new Map();
  try {
    // No signal: the uploads are done, and the summary should say what they stored even after a cancel.
    const stored = await connection.service.storedPictures(company.id, uploaded, { onWaiting });
    if (stored.size < uploaded.length) services.log.warn(`Read back ${stored.size} of ${uploaded.length} uploaded pictures; the others are reported with the uploaded image's own size and type.`);
    return stored;
  } catch (error) {
    services.log.warn(`The pictures were uploaded, but reading them back failed (${failureMessage(error)}); reporting the uploaded images' own size and type.`);
    return new Map();
  }
}

function sourceFacts(entry: Upload): Picture {
  const info = entry.file.info!;
  return { id: entry.customer.id, width: info.width, height: info.height, contentType: info.contentType };
}

/** Writes the report to the extension's own storage (never next to the user's files). */
async function writeReport(services: CommandContext, markdown: string): Promise<vscode.Uri | undefined> {
  try {
    const folder = vscode.Uri.joinPath(services.context.globalStorageUri, 'reports');
    await vscode.workspace.fs.createDirectory(folder);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const uri = vscode.Uri.joinPath(folder, `${REPORT_PREFIX}${stamp}.md`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(markdown));
    await pruneReports(folder, services.log);
    return uri;
  } catch (error) {
    // The uploads are done either way; a missing report must not hide their summary.
    services.log.error(error instanceof Error ? error : String(error));
    return undefined;
  }
}

const REPORT_PREFIX = 'pictures-by-number-';
const REPORTS_KEPT = 20;

/** Keeps the newest 20 reports (their names sort by time): the folder must not grow with every run. */
async function pruneReports(folder: vscode.Uri, log: vscode.LogOutputChannel): Promise<void> {
  const reports = (await vscode.workspace.fs.readDirectory(folder))
    .filter(([name, type]) => type === vscode.FileType.File && name.startsWith(REPORT_PREFIX) && name.endsWith('.md'))
    .map(([name]) => name)
    .sort();
  for (const name of reports.slice(0, Math.max(0, reports.length - REPORTS_KEPT))) {
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, name)).then(undefined, (error: unknown) => log.warn(`Could not remove the old report ${name}: ${String(error)}`));
  }
}

/** Shows the summary, with the report, a retry and the undo one click away. */
async function announce(
  services: CommandContext,
  result: BulkResult,
  reportUri: vscode.Uri | undefined,
  retry: (result: BulkResult) => Promise<unknown>,
  undo: UndoAll | undefined,
): Promise<void> {
  const openReport = vscode.l10n.t('Open Report');
  const retryFailed = vscode.l10n.t('Retry Failed');
  const undoAll = vscode.l10n.t('Undo All');
  const showLog = vscode.l10n.t('Show Log');
  const actions = [...(reportUri ? [openReport] : []), ...(result.failed.length > 0 ? [retryFailed] : []), ...(undo ? [undoAll] : []), showLog];
  const show = result.failed.length > 0 || result.cancelled ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const action = await show(result.summary, ...actions);
  // Rendered, as a report is read; the Markdown source stays one command away.
  if (action === openReport && reportUri) await vscode.commands.executeCommand('markdown.showPreview', reportUri);
  // The summary's own retry: confirmed by the user's click, so no plan again (a command argument never gets this).
  if (action === retryFailed) await retry(result);
  if (action === undoAll && undo) await guard(services.log, undefined, () => undo.run());
  if (action === showLog) services.log.show();
}

/** All of a picture was sent and nothing confirmed it: it may be set, which the report must not call "the old picture stays". */
function isUnconfirmed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { outcomeUnknown?: unknown }).outcomeUnknown === true;
}

/** The environment, and the service where it is not Business Central online, as the report names them. */
function environmentLabel(connection: Connection): string {
  const { environment, serviceUrl } = connection.settings;
  return serviceUrl ? `${environment} (${serviceUrl})` : environment;
}

export function fileLabel(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}

export function record(entry: Upload, state: UploadRecord['state'], detail: string): UploadRecord {
  return { file: fileLabel(entry.file.uri), customerNumber: entry.customer.number, customerName: entry.customer.displayName, state, detail, before: beforeOf(entry) };
}

/** What the customer had before: a picture, none, or unknown (the API does not tell). */
function beforeOf(entry: Upload): JobEntry['before'] {
  return entry.kind === 'hasPicture' ? (entry.unknown ? 'unknown' : 'picture') : 'none';
}
