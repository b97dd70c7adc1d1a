import * as vscode from 'vscode';
import { cancellableRead, reportWaiting, withCancellation } from '../ui/progress';
import { inert, logTarget } from '../common/serviceText';
import type { PlanEntry, PlanFile, PoolOutcome, UploadRecord } from '../bulk';
import type { Company, Customer, Picture } from '../api/types';
import type { ImageInfo } from '../images';
import { collectImages } from '../ui/imageFolder';
import { readImageInfo, uploadSourceFor } from '../ui/inspectImage';
import { chooseCompany } from './chooseCustomer';
import { pickPlan } from '../ui/planPicker';
import { RecentChoices } from '../local/recent';
import { failureMessage } from '../ui/failures';
import type { Connection } from './connection';
import type { BulkOptions, BulkResult, CommandContext } from './context';
import { guard } from './guard';
import { BulkKeeper, type UndoAll } from './undoAll';

interface ImageFile {
  readonly uri: vscode.Uri;
  readonly info?: ImageInfo;
}

type Entry = PlanEntry<ImageFile>;
type Upload = Entry & { readonly customer: Customer };

const INSPECTING_AT_ONCE = 8;

/** `bcPictures.addPicturesByNumber`: many pictures, each file named after its customer's number, with a plan to confirm first. */
export async function addPicturesByNumber(
  services: CommandContext,
  clicked?: vscode.Uri,
  selected?: vscode.Uri[],
  options: BulkOptions = {},
  /** Only the summary's own *Retry Failed* passes true: a `retryFailedOf` from a command argument shows the plan first. */
  confirmedRetry = false,
): Promise<BulkResult | undefined> {
  const retry = options.retryFailedOf;
  const collected = retry
    ? { images: retry.failed.map((failure) => vscode.Uri.parse(failure.uri)), otherFiles: [], subfolders: [] }
    : await collectImages(clicked, selected);
  if (!collected) return undefined;
  const { describePassedOver } = await import('../bulk');
  const passedOver = describePassedOver(collected);
  if (passedOver) services.log.info(passedOver);
  if (collected.images.length === 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('There are no PNG, JPEG, GIF, BMP or TIFF files there. Choose a folder of pictures named after customer numbers, such as 10000.jpg.') +
        (passedOver ? ' ' + passedOver : ''),
    );
    return undefined;
  }
  const connection = await services.connections.get();
  const recent = new RecentChoices(services.context.globalState, connection.scope);
  const company = await chooseCompany(connection, recent, options.companyId ?? retry?.companyId);
  if (!company) return undefined;
  const plan = await cancellableRead(vscode.l10n.t('Matching {0} files to customers of {1}…', collected.images.length, inert(company.displayName)), (signal) =>
    makePlan(connection, company, collected.images, signal), connection.prompts,
  );
  const matched = plan.filter((entry): entry is Upload => entry.kind === 'ready' || entry.kind === 'hasPicture');
  if (matched.length === 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('None of the {0} files is named after a customer number of {1}. Name each picture after its customer\'s number, such as 10000.jpg, and try again.', plan.length, inert(company.displayName)),
    );
    return undefined;
  }
  const keeper = new BulkKeeper(services, connection, company);
  const chosen = retry && confirmedRetry
    ? matched
    : ((await pickPlan(plan, {
        companyName: inert(company.displayName),
        existing: options.existing ?? 'skip',
        keepsReplaced: keeper.on,
        passedOver: passedOver ? { text: passedOver, count: collected.otherFiles.length + collected.subfolders.length } : undefined,
      })) as Upload[] | undefined);
  if (!chosen) return undefined;

  const startedAt = new Date();
  services.log.info(`Adding ${chosen.length} pictures by customer number to ${logTarget(company)}`);
  const { records, cancelled } = await uploadAll(services, connection, company, chosen, keeper);
  const chosenIds = new Set(chosen.map((entry) => entry.customer.id));
  const skipped = matched.filter((entry) => !chosenIds.has(entry.customer.id));
  const allRecords: UploadRecord[] = [
    ...records,
    ...skipped.map((entry) => record(entry, 'skipped', entry.kind === 'hasPicture' ? vscode.l10n.t('already has a picture; not checked') : vscode.l10n.t('not checked'))),
  ];
  const leftOut = plan.flatMap((entry) => ('reason' in entry ? [{ file: fileLabel(entry.file.uri), reason: entry.reason }] : []));
  const { runReportMarkdown, summarize } = await import('../bulk');
  const report = runReportMarkdown({
    companyName: company.displayName,
    environment: environmentLabel(connection),
    startedAt,
    endedAt: new Date(),
    language: vscode.env.language,
    cancelled,
    records: allRecords,
    leftOut,
    passedOver: collected,
  });
  const reportUri = await writeReport(services, report);
  // By number, once: looked up for each chosen customer below.
  const failures = new Map(records.filter((r) => r.state === 'failed' || r.state === 'unconfirmed').map((r) => [r.customerNumber, r]));
  const numbersIn = (state: UploadRecord['state']) => allRecords.filter((r) => r.state === state).map((r) => r.customerNumber);
  const outcome: Omit<BulkResult, 'summary'> = {
    companyId: company.id,
    done: numbersIn('done'),
    skipped: numbersIn('skipped'),
    notStarted: numbersIn('notStarted'),
    failed: chosen.flatMap((entry) => {
      const failure = failures.get(entry.customer.number);
      return failure
        ? [{ file: failure.file, uri: entry.file.uri.toString(), customerNumber: failure.customerNumber, reason: failure.detail, ...(failure.state === 'unconfirmed' ? { mayBeSet: true } : {}) }]
        : [];
    }),
    leftOut,
    cancelled,
    reportUri: reportUri?.toString(),
  };
  const names = new Map(chosen.map((entry) => [entry.customer.number, entry.customer.displayName]));
  const result: BulkResult = { ...outcome, summary: summarize(company.displayName, outcome, names, collected) };
  services.log.info(result.summary);
  // Undo All covers the customers changed, and those that may have been.
  const changed = new Set([...result.done, ...result.failed.filter((failure) => failure.mayBeSet).map((failure) => failure.customerNumber)]);
  void announce(services, result, reportUri, keeper.undo(chosen.filter((entry) => changed.has(entry.customer.number)).map((entry) => entry.customer)));
  return result;
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

function fileLabel(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}

function record(entry: Upload, state: UploadRecord['state'], detail: string): UploadRecord {
  const before = entry.kind === 'hasPicture' ? (entry.unknown ? 'unknown' : 'picture') : 'none';
  return { file: fileLabel(entry.file.uri), customerNumber: entry.customer.number, customerName: entry.customer.displayName, state, detail, before };
}

/** Inspects every file (locally), then asks the service for the customers their names stand for, in batches. */
async function makePlan(connection: Connection, company: Company, images: readonly vscode.Uri[], signal: AbortSignal): Promise<Entry[]> {
  const [{ cancelledError }, { customerNumberOf, matchFiles, numbersToLookUp, runPool }] = await Promise.all([import('../api'), import('../bulk')]);
  const inspected = await runPool(images, (uri) => readImageInfo(uri), { concurrency: INSPECTING_AT_ONCE, signal });
  if (signal.aborted) throw cancelledError();
  const files: PlanFile<ImageFile>[] = inspected.map((outcome) => {
    const name = outcome.item.path.split('/').pop() ?? '';
    return outcome.state === 'done'
      ? { file: { uri: outcome.item, info: outcome.value }, name }
      : { file: { uri: outcome.item }, name, refusal: failureMessage('error' in outcome ? outcome.error : undefined) };
  });
  const numbers = files.flatMap((file) => (file.refusal === undefined ? customerNumberOf(file.name) ?? [] : []));
  const customers = numbers.length > 0 ? await connection.service.findCustomersByNumber(company.id, numbersToLookUp(numbers), { signal }) : [];
  return matchFiles(files, customers);
}

/** The uploads, a few at once, under one cancellable progress notification; cancelling lets the uploads in flight finish. */
async function uploadAll(
  services: CommandContext,
  connection: Connection,
  company: Company,
  chosen: readonly Upload[],
  keeper: BulkKeeper,
): Promise<{ records: UploadRecord[]; cancelled: boolean }> {
  const { AdaptiveLimit, PauseGate, runPool, SERVICE_MAX_CONCURRENT } = await import('../bulk');
  const configured = vscode.workspace.getConfiguration('bcPictures').get<number>('maxConcurrentUploads', 4);
  const concurrency = Math.min(SERVICE_MAX_CONCURRENT, Math.max(1, Math.floor(Number(configured) || 4)));
  const gate = new PauseGate();
  const limit = new AdaptiveLimit(concurrency);
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
          const source = await uploadSourceFor(entry.file.uri, entry.file.info!);
          // No signal: a started upload ends as stored or refused, so the summary knows exactly what changed.
          // The 204 is the upload; what was stored is read back below, many customers a request.
          return connection.service.sendPicture(company.id, entry.customer.id, source, { onWaiting });
        },
        {
          concurrency,
          signal,
          gate,
          limit,
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
            if (outcome.state === 'failed') services.log.warn(`${outcome.item.name} → ${outcome.item.customer.number}: ${failureMessage(outcome.error)}`);
          },
        },
      );
      const stored = await readBack(services, connection, company, outcomes, onWaiting);
      const records = outcomes.map((outcome) => {
        if (outcome.state === 'done') {
          const picture = stored.get(outcome.item.customer.id) ?? outcome.value ?? sourceFacts(outcome.item);
          services.pictures.forget(company.id, outcome.item.customer.id, vscode.FileChangeType.Changed);
          return record(outcome.item, 'done', `${picture.width}×${picture.height} ${picture.contentType}`);
        }
        if (outcome.state === 'failed') return record(outcome.item, isUnconfirmed(outcome.error) ? 'unconfirmed' : 'failed', failureMessage(outcome.error));
        return record(outcome.item, 'notStarted', vscode.l10n.t('cancelled before it started'));
      });
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
async function announce(services: CommandContext, result: BulkResult, reportUri: vscode.Uri | undefined, undo: UndoAll | undefined): Promise<void> {
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
  if (action === retryFailed) await guard(services.log, undefined, () => addPicturesByNumber(services, undefined, undefined, { retryFailedOf: result }, true));
  if (action === undoAll && undo) await guard(services.log, undefined, () => undo.run());
  if (action === showLog) services.log.show();
}
