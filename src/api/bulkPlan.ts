/**
 * Pictures by customer number: which file goes to which customer (a file's base name is the customer's number,
 * compared without regard to case), what is left out and why, and the Markdown report of a finished run.
 */
import * as l10n from '../common/l10n';
import { markdownText } from '../common/serviceText';
import type { Customer } from './types';
import { CUSTOMER_NUMBER_MAX_LENGTH, normalizeCustomerNumber } from './urls';

/** The customer number a file name stands for: the name without its last extension, or undefined when empty. */
export function customerNumberOf(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  const base = (dot > 0 ? fileName.slice(0, dot) : fileName).trim();
  return base.length > 0 ? base : undefined;
}

/**
 * The numbers to ask the service for: upper-cased as Business Central stores them (it compares exactly), without
 * repeats, and without names longer than a number can be (one such literal would fail the whole request).
 */
export function numbersToLookUp(numbers: readonly string[]): string[] {
  return [...new Set(numbers.flatMap((number) => normalizeCustomerNumber(number) ?? []))];
}

/** A file as the plan sees it: its name, and why inspection refused it (if it did). */
export interface PlanFile<F> {
  readonly file: F;
  readonly name: string;
  readonly refusal?: string;
}

export type PlanEntry<F> =
  /** Matched to a customer without a picture. */
  | { readonly kind: 'ready'; readonly file: F; readonly name: string; readonly customer: Customer }
  /** Matched to a customer that has a picture (or may have one: `unknown` where the service does not tell). */
  | { readonly kind: 'hasPicture'; readonly file: F; readonly name: string; readonly customer: Customer; readonly unknown: boolean }
  | { readonly kind: 'noCustomer' | 'duplicate' | 'refused'; readonly file: F; readonly name: string; readonly reason: string };

/** One entry per file, in the files' order: refused images first decided, then unknown numbers, then files that name the same customer. */
export function matchFiles<F>(files: readonly PlanFile<F>[], customers: readonly Customer[]): PlanEntry<F>[] {
  const exact = new Map(customers.map((customer) => [customer.number, customer]));
  const folded = new Map<string, Customer[]>();
  for (const customer of customers) {
    const key = customer.number.toLowerCase();
    folded.set(key, [...(folded.get(key) ?? []), customer]);
  }
  const customerOf = (number: string): Customer | undefined => {
    // Exact first; a case-insensitive match only when it is the only one.
    const same = folded.get(number.toLowerCase()) ?? [];
    return exact.get(number) ?? (same.length === 1 ? same[0] : undefined);
  };
  const matched = files.map((file) => {
    const number = customerNumberOf(file.name);
    return { file, customer: number === undefined ? undefined : customerOf(number), number };
  });
  const filesPerCustomer = new Map<string, string[]>();
  for (const { file, customer } of matched) {
    if (customer && !file.refusal) filesPerCustomer.set(customer.id, [...(filesPerCustomer.get(customer.id) ?? []), file.name]);
  }
  return matched.map(({ file, customer, number }): PlanEntry<F> => {
    const base = { file: file.file, name: file.name };
    if (file.refusal) return { ...base, kind: 'refused', reason: file.refusal };
    if (!customer) {
      const reason =
        number !== undefined && number.length > CUSTOMER_NUMBER_MAX_LENGTH
          ? l10n.t('"{0}" is longer than {1} characters, so it cannot be a customer number. Rename the file to the customer\'s number.', number, CUSTOMER_NUMBER_MAX_LENGTH)
          : l10n.t('No customer has the number "{0}". Rename the file to the customer\'s number.', number ?? file.name);
      return { ...base, kind: 'noCustomer', reason };
    }
    const names = filesPerCustomer.get(customer.id) ?? [];
    if (names.length > 1) {
      return {
        ...base,
        kind: 'duplicate',
        reason: l10n.t('{0} files name customer {1}: {2}. Keep one of them.', names.length, customer.number, names.join(', ')),
      };
    }
    if (customer.hasPicture === false) return { ...base, kind: 'ready', customer };
    return { ...base, kind: 'hasPicture', customer, unknown: customer.hasPicture === undefined };
  });
}

/** What became of one customer's picture in a run. */
export interface UploadRecord {
  readonly file: string;
  readonly customerNumber: string;
  readonly customerName: string;
  /**
   * 'done': the new picture is stored; 'failed': the old one stays; 'unconfirmed': all of it was sent but no answer
   * confirmed it, so it may be set; 'notStarted': cancelled before it began.
   */
  readonly state: 'done' | 'failed' | 'unconfirmed' | 'notStarted' | 'skipped';
  readonly detail: string;
}

export interface RunReport {
  readonly companyName: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly cancelled: boolean;
  readonly records: readonly UploadRecord[];
  /** Files that were never planned for an upload: no customer, refused, two files for one customer, not an image. */
  readonly leftOut: readonly { readonly file: string; readonly reason: string }[];
}

/** Text in a Markdown table cell: escaped, so that a name never becomes a link, an image or HTML. */
const cell = markdownText;

/** The report of a run, in Markdown: one table per outcome, each row a customer or a file. */
export function runReportMarkdown(report: RunReport): string {
  const lines: string[] = [
    `# ${l10n.t('Customer pictures by number: {0}', markdownText(report.companyName))}`,
    '',
    l10n.t('Started {0}, ended {1}.', report.startedAt.toISOString(), report.endedAt.toISOString()),
    '',
  ];
  if (report.cancelled) {
    const unconfirmed = report.records.some((record) => record.state === 'unconfirmed');
    lines.push(`**${l10n.t('Cancelled.')}** ${unconfirmed ? l10n.t('Only the customers listed under "Pictures set" and "Not confirmed" may have changed.') : l10n.t('Only the customers listed under "Pictures set" changed.')}`, '');
  }
  const sections: Array<[string, UploadRecord['state']]> = [
    [l10n.t('Pictures set'), 'done'],
    [l10n.t('Failed (the old picture stays)'), 'failed'],
    [l10n.t('Not confirmed (the picture may have been set: check)'), 'unconfirmed'],
    [l10n.t('Not started (cancelled)'), 'notStarted'],
    [l10n.t('Skipped'), 'skipped'],
  ];
  for (const [title, state] of sections) {
    const rows = report.records.filter((record) => record.state === state);
    if (rows.length === 0) continue;
    lines.push(`## ${title} (${rows.length})`, '', `| ${l10n.t('Customer')} | ${l10n.t('Name')} | ${l10n.t('File')} | ${l10n.t('Details')} |`, '| --- | --- | --- | --- |');
    for (const row of rows) lines.push(`| ${cell(row.customerNumber)} | ${cell(row.customerName)} | ${cell(row.file)} | ${cell(row.detail)} |`);
    lines.push('');
  }
  if (report.leftOut.length > 0) {
    lines.push(`## ${l10n.t('Files left out')} (${report.leftOut.length})`, '', `| ${l10n.t('File')} | ${l10n.t('Why')} |`, '| --- | --- |');
    for (const row of report.leftOut) lines.push(`| ${cell(row.file)} | ${cell(row.reason)} |`);
    lines.push('');
  }
  return lines.join('\n');
}
