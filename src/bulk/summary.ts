// The summary of a run of many pictures, in one notification's words.
import * as l10n from '../common/l10n';
import { inert } from '../common/serviceText';

/** What a run did, by customer number: enough to say exactly which customers changed. */
export interface RunOutcome {
  readonly done: readonly string[];
  readonly skipped: readonly string[];
  readonly notStarted: readonly string[];
  readonly failed: readonly { readonly customerNumber: string; readonly reason: string; readonly mayBeSet?: boolean }[];
  readonly leftOut: readonly unknown[];
  readonly cancelled: boolean;
}

/** The summary: exactly which customers changed, what was skipped and what failed. */
export function summarize(companyName: string, result: RunOutcome, passedOver: string | undefined): string {
  const parts: string[] = [];
  if (result.cancelled) {
    parts.push(
      result.done.length > 0
        ? l10n.t('{0}: cancelled. Pictures set for {1} customers: {2}.', inert(companyName), result.done.length, result.done.map(inert).join(', '))
        : l10n.t('{0}: cancelled. No customer picture changed.', inert(companyName)),
    );
    if (result.notStarted.length > 0) parts.push(l10n.t('{0} not started.', result.notStarted.length));
  } else {
    parts.push(l10n.t('{0}: pictures set for {1} customers.', inert(companyName), result.done.length));
  }
  if (result.skipped.length > 0) parts.push(l10n.t('{0} skipped.', result.skipped.length));
  const failed = result.failed.filter((failure) => !failure.mayBeSet);
  const unconfirmed = result.failed.filter((failure) => failure.mayBeSet);
  if (failed.length > 0) {
    const reasons = failed.map((failure) => `${failure.customerNumber}: ${failure.reason}`);
    parts.push(l10n.t('{0} failed ({1}).', failed.length, reasons.join('; ')));
  }
  if (unconfirmed.length > 0) {
    parts.push(l10n.t('{0} not confirmed: the picture may have been set, check {1}.', unconfirmed.length, unconfirmed.map((failure) => inert(failure.customerNumber)).join(', ')));
  }
  if (result.leftOut.length > 0) parts.push(l10n.t('{0} files left out (no customer, or not a picture).', result.leftOut.length));
  if (passedOver) parts.push(passedOver);
  return parts.join(' ');
}
