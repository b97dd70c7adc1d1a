import * as vscode from 'vscode';
import { contentHash } from '../common/fileIdentity';
import { inert } from '../common/serviceText';
import type { UploadRecord } from '../bulk';
import { resumeStepOf, type InterruptedJob, type JobEntry } from '../bulk/journal';
import type { Company, Picture } from '../api/types';
import { cancellableRead } from '../ui/progress';
import { readImageInfo } from '../ui/inspectImage';
import { failureMessage } from '../ui/failures';
import { fingerprintOf, pictureDetail, record, runJob, type Upload } from './bulkJob';
import { retryFailed } from './addPicturesByNumber';
import type { Connection } from './connection';
import type { BulkResult, CommandContext } from './context';
import { guard } from './guard';
import { BulkKeeper } from './undoAll';

/**
 * Offers a many-pictures job cut short (by a reload, a crash or a closed window) with Resume and Discard, once per
 * start of the extension, at its first command: the returned function is called as each command starts.
 */
export function offerInterruptedJobs(services: CommandContext): () => void {
  let offered = false;
  const offerNow = () => {
    if (offered) return;
    offered = true;
    void services.jobs.interrupted().then(
      // A job for other settings is offered again at the next command, once the user switched back.
      (jobs) => Promise.all(jobs.map((job) => offer(services, job, () => (offered = false)))),
      (error: unknown) => services.log.warn(`Could not look for interrupted jobs: ${failureMessage(error)}`),
    );
  };
  return offerNow;
}

async function offer(services: CommandContext, job: InterruptedJob, offerAgain: () => void): Promise<void> {
  const { header, progress } = job;
  const set = progress.filter((entry) => resumeStepOf(entry.state) === 'done').length;
  const resume = vscode.l10n.t('Resume');
  const discard = vscode.l10n.t('Discard');
  const started = new Date(header.startedAt).toLocaleString(vscode.env.language);
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Adding {0} pictures to {1}, started {2}, was cut short: {3} are set, {4} are not yet. Resume sends only those not yet set.', header.entries.length, inert(header.companyName), started, set, header.entries.length - set),
    resume,
    discard,
  );
  if (answer === resume) await guard(services.log, undefined, () => resumeJob(services, job, offerAgain));
  if (answer === discard && (await services.jobs.discard(job))) {
    services.log.info(`Discarded the interrupted job of ${header.entries.length} pictures for ${header.companyName}.`);
  }
}

/**
 * Resumes an interrupted job: the pictures in doubt (their upload had begun) are read back, size and type first and
 * then their bytes, and only what is not set yet is sent; a file changed since the job began is not sent at all.
 */
export async function resumeJob(services: CommandContext, found: InterruptedJob, offerAgain: () => void): Promise<BulkResult | undefined> {
  const connection = await services.connections.get();
  if (connection.scope !== found.header.scope) {
    offerAgain();
    void vscode.window.showWarningMessage(
      vscode.l10n.t('That job was for the environment {0}, with other settings than now. Switch back to them (Select Environment… or the settings): the job is offered again at the next command.', inert(found.header.environment)),
    );
    return undefined;
  }
  const claimed = await services.jobs.claim(found);
  if (!claimed) {
    void vscode.window.showInformationMessage(vscode.l10n.t('That job is resumed in another window already.'));
    return undefined;
  }
  const { job, journal } = claimed;
  const company: Company = { id: job.header.companyId, name: job.header.companyName, displayName: job.header.companyName };
  try {
    const { uploads, settled } = await cancellableRead(
      vscode.l10n.t('Checking what the cut-short job of {0} pictures set in {1}…', job.header.entries.length, inert(company.displayName)),
      (signal) => checkJob(connection, company, job, signal),
      connection.prompts,
    );
    services.log.info(`Resuming the job of ${job.header.entries.length} pictures for ${company.displayName}: ${settled.size} settled, ${uploads.length - settled.size} to send.`);
    return await runJob(services, connection, { company, uploads, settled, skipped: [], leftOut: [], passedOver: { otherFiles: [], subfolders: [] }, startedAt: new Date(job.header.startedAt), journal, keeper: new BulkKeeper(services, connection, company) }, retryFailed(services));
  } catch (error) {
    // Still this window's to resume after its next start; nothing is lost.
    await journal.close();
    throw error;
  }
}

/** Each entry as an upload, and those not to send again: set before (confirmed, or found stored), failed, or changed since. */
async function checkJob(connection: Connection, company: Company, job: InterruptedJob, signal: AbortSignal): Promise<{ uploads: Upload[]; settled: Map<number, UploadRecord> }> {
  const settled = new Map<number, UploadRecord>();
  const steps = job.progress.map((entry) => resumeStepOf(entry.state));
  const uploads = await Promise.all(job.header.entries.map((entry, index) => uploadOf(entry, steps[index] === 'send' || steps[index] === 'check')));
  for (const [index, upload] of uploads.entries()) {
    const { detail = '' } = job.progress[index];
    if (steps[index] === 'failed') settled.set(index, record(upload, 'failed', detail));
    if (steps[index] === 'done' && detail) settled.set(index, record(upload, 'done', detail));
    if ((steps[index] === 'send' || steps[index] === 'check') && upload.file.info === undefined) {
      settled.set(index, record(upload, 'failed', upload.changed ?? ''));
    }
  }
  // What is stored now for the customers in doubt, and for those set but not yet read back.
  const toRead = uploads.filter((_, index) => !settled.has(index) && (steps[index] === 'check' || steps[index] === 'done'));
  const stored = toRead.length > 0 ? await connection.service.storedPictures(company.id, toRead.map((upload) => upload.customer), { signal }) : new Map<string, Picture>();
  for (const [index, upload] of uploads.entries()) {
    if (settled.has(index)) continue;
    const picture = stored.get(upload.customer.id);
    if (steps[index] === 'done') settled.set(index, record(upload, 'done', picture && picture.width > 0 ? pictureDetail(picture) : vscode.l10n.t('set before the job was cut short')));
    if (steps[index] === 'check' && picture && (await holdsFile(connection, company, upload, picture, job.progress[index].sentSha256, signal))) {
      settled.set(index, record(upload, 'done', pictureDetail(picture)));
    }
  }
  return { uploads, settled };
}

/**
 * Whether the customer's picture is the one sent for this file: the file's own bytes (the same size and type first),
 * or, where it was prepared, the bytes whose SHA-256 the journal has.
 */
async function holdsFile(connection: Connection, company: Company, upload: Upload, picture: Picture, sentSha256: string | undefined, signal: AbortSignal): Promise<boolean> {
  const info = upload.file.info!;
  if (sentSha256) {
    const stored = await connection.service.downloadPicture(company.id, upload.customer.id, { signal });
    return stored !== undefined && contentHash(stored) === sentSha256;
  }
  if (picture.width !== info.width || picture.height !== info.height || picture.contentType !== info.contentType) return false;
  const [stored, file] = await Promise.all([connection.service.downloadPicture(company.id, upload.customer.id, { signal }), vscode.workspace.fs.readFile(upload.file.uri)]);
  return stored !== undefined && Buffer.from(stored).equals(Buffer.from(file));
}

/** The entry as the job's upload; a file to send is inspected again, and left without `info` (and why) if it changed. */
async function uploadOf(entry: JobEntry, inspect: boolean): Promise<Upload & { changed?: string }> {
  const uri = vscode.Uri.parse(entry.uri);
  const name = uri.path.split('/').pop() ?? entry.file;
  const customer = { id: entry.customerId, number: entry.customerNumber, displayName: entry.customerName };
  const base = entry.before === 'none'
    ? { kind: 'ready' as const, name, customer }
    : { kind: 'hasPicture' as const, name, customer, unknown: entry.before === 'unknown' };
  if (!inspect) return { ...base, file: { uri } };
  try {
    const info = await readImageInfo(uri);
    if (fingerprintOf(info) === entry.fingerprint) return { ...base, file: { uri, info } };
    return { ...base, file: { uri }, changed: vscode.l10n.t('the file changed after the job began, so it was not sent; add it again') };
  } catch (error) {
    return { ...base, file: { uri }, changed: vscode.l10n.t('the file cannot be read now ({0}), so it was not sent', failureMessage(error)) };
  }
}
