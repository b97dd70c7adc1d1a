import * as vscode from 'vscode';
import { cancellableRead } from '../ui/progress';
import { inert } from '../common/serviceText';
import type { PlanFile } from '../bulk';
import type { JobJournal } from '../bulk/journal';
import type { Company } from '../api/types';
import { collectImages } from '../ui/imageFolder';
import { readImageInfo } from '../ui/inspectImage';
import { fileLabel, journalEntry, runJob, type Entry, type ImageFile, type Upload } from './bulkJob';
import { chooseCompany } from './chooseCustomer';
import { pickPlan } from '../ui/planPicker';
import { RecentChoices } from '../local/recent';
import { failureMessage } from '../ui/failures';
import type { Connection } from './connection';
import type { BulkOptions, BulkResult, CommandContext } from './context';
import { guard } from './guard';
import { BulkKeeper } from './undoAll';

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
      vscode.l10n.t('There are no pictures there (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG files). Choose a folder of pictures named after customer numbers, such as 10000.jpg.') +
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
  const { describeExpected } = await import('../images/preparation');
  const preparation = services.preparing.options();
  const chosen = retry && confirmedRetry
    ? matched
    : ((await pickPlan(plan, {
        companyName: inert(company.displayName),
        existing: options.existing ?? 'skip',
        keepsReplaced: keeper.on,
        preparation: (file: Upload['file']) => file.info && describeExpected(file.info, preparation),
        passedOver: passedOver ? { text: passedOver, count: collected.otherFiles.length + collected.subfolders.length } : undefined,
      })) as Upload[] | undefined);
  if (!chosen) return undefined;

  const chosenIds = new Set(chosen.map((entry) => entry.customer.id));
  const startedAt = new Date();
  const journal = await beginJournal(services, connection, company, chosen, startedAt);
  return runJob(services, connection, {
    company,
    uploads: chosen,
    skipped: matched.filter((entry) => !chosenIds.has(entry.customer.id)),
    leftOut: plan.flatMap((entry) => ('reason' in entry ? [{ file: fileLabel(entry.file.uri), reason: entry.reason }] : [])),
    passedOver: collected,
    startedAt,
    journal,
    keeper,
  }, retryFailed(services));
}

/** The summary's own *Retry Failed*: confirmed by the user's click, so no plan again (a command argument never gets this). */
export const retryFailed = (services: CommandContext) => (result: BulkResult) =>
  guard(services.log, undefined, () => addPicturesByNumber(services, undefined, undefined, { retryFailedOf: result }, true));

/** The job written down before its first upload; without a journal (storage refused) it runs all the same, and the log says so. */
async function beginJournal(services: CommandContext, connection: Connection, company: Company, chosen: readonly Upload[], startedAt: Date): Promise<JobJournal | undefined> {
  try {
    return await services.jobs.begin(
      { scope: connection.scope, environment: connection.settings.environment, companyId: company.id, companyName: company.displayName, entries: chosen.map(journalEntry) },
      startedAt,
    );
  } catch (error) {
    services.log.warn(`The job journal could not be started (${failureMessage(error)}); this job cannot be resumed if it is cut short.`);
    return undefined;
  }
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

