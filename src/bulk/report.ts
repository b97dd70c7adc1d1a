// The Markdown report of a finished run of many pictures.
import * as l10n from '../common/l10n';
import { markdownText } from '../common/serviceText';

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
