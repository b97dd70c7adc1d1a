// The summary of a run of many pictures, in one notification's words: one sentence of what changed, then the lists.
import * as l10n from '../common/l10n';
import { inert } from '../common/serviceText';

/** What a run did, by customer number: enough to say exactly which customers changed. */
export interface RunOutcome {
  readonly done: readonly string[];
  readonly skipped: readonly string[];
  readonly notStarted: readonly string[];
  readonly failed: readonly { readonly customerNumber: string; readonly reason: string; readonly mayBeSet?: boolean }[];
  readonly leftOut: readonly { readonly file: string }[];
  readonly cancelled: boolean;
}

/** What the folder scan or the selection passed over before the plan: names, not counts. */
export interface PassedOver {
  /** Files that are not pictures by their extension. */
  readonly otherFiles: readonly string[];
  /** Folders inside a chosen folder, which are not read. */
  readonly subfolders: readonly string[];
}

const LISTED = 5;

/** Names as one list: all of them, or the first few "and N more". */
export function nameList(names: readonly string[], most = LISTED, separator = ', '): string {
  const shown = names.slice(0, most).join(separator);
  return names.length > most ? l10n.t('{0} and {1} more', shown, names.length - most) : shown;
}

/** The last part of a path, as the user sees the file in the Explorer. */
function fileName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1) || file;
}

/** One sentence on what the scan passed over, or undefined when it passed over nothing. */
export function describePassedOver(passed: PassedOver): string | undefined {
  const parts: string[] = [];
  if (passed.otherFiles.length > 0) parts.push(l10n.t('Not pictures, left out: {0}.', nameList(passed.otherFiles.map(inert))));
  if (passed.subfolders.length > 0) parts.push(l10n.t('Subfolders, not read: {0}.', nameList(passed.subfolders.map(inert))));
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/**
 * The summary: which customers changed (number and name), then what was not checked, failed, may have changed, and which
 * files were left out. `names` gives a customer number's name.
 */
export function summarize(companyName: string, result: RunOutcome, names: ReadonlyMap<string, string> = new Map(), passed: PassedOver = { otherFiles: [], subfolders: [] }): string {
  const company = inert(companyName);
  const customer = (number: string) => (names.has(number) ? `${inert(number)} (${inert(names.get(number))})` : inert(number));
  const done = result.done.length;
  const parts: string[] = [];
  if (done === 0) parts.push(result.cancelled ? l10n.t('{0}: cancelled; no customer picture changed.', company) : l10n.t('{0}: no customer picture changed.', company));
  else if (result.cancelled) parts.push(l10n.t('{0}: cancelled. Pictures set before that for {1} customers: {2}.', company, done, nameList(result.done.map(customer))));
  else if (done === 1) parts.push(l10n.t('{0}: picture set for 1 customer: {1}.', company, customer(result.done[0])));
  else parts.push(l10n.t('{0}: pictures set for {1} customers: {2}.', company, done, nameList(result.done.map(customer))));
  if (result.notStarted.length > 0) parts.push(l10n.t('{0} not started.', result.notStarted.length));
  if (result.skipped.length > 0) parts.push(l10n.t('{0} not checked, left as they were.', result.skipped.length));
  const failed = result.failed.filter((failure) => !failure.mayBeSet);
  const unconfirmed = result.failed.filter((failure) => failure.mayBeSet);
  if (failed.length > 0) {
    const reasons = failed.map((failure) => `${inert(failure.customerNumber)}: ${inert(failure.reason)}`);
    parts.push(l10n.t('{0} failed, their pictures unchanged ({1}).', failed.length, nameList(reasons, 3, '; ')));
  }
  if (unconfirmed.length > 0) {
    parts.push(l10n.t('{0} not confirmed: the picture may have been set, check {1}.', unconfirmed.length, nameList(unconfirmed.map((failure) => inert(failure.customerNumber)))));
  }
  const leftOut = [...result.leftOut.map((entry) => fileName(entry.file)), ...passed.otherFiles, ...passed.subfolders.map((name) => `${name}/`)];
  if (leftOut.length > 0) parts.push(l10n.t('Left out: {0}; the report says why.', nameList(leftOut.map(inert))));
  return parts.join(' ');
}
