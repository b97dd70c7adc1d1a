// The Markdown report of a finished run of many pictures.
import * as l10n from '../common/l10n';
import { markdownText } from '../common/serviceText';
import type { PassedOver } from './summary';

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
  /** What the customer had before: a picture (replaced, if done), none, or unknown (the API does not tell). */
  readonly before?: 'picture' | 'none' | 'unknown';
}

export interface RunReport {
  readonly companyName: string;
  /** Where: the environment, and the service when it is not Business Central online. */
  readonly environment: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** The display language, for dates in the user's local time. */
  readonly language?: string;
  readonly cancelled: boolean;
  readonly records: readonly UploadRecord[];
  /** Files that were never planned for an upload: no customer, refused, two files for one customer, not an image. */
  readonly leftOut: readonly { readonly file: string; readonly reason: string }[];
  readonly passedOver?: PassedOver;
}

/** Text in a Markdown table cell: escaped, so that a name never becomes a link, an image or HTML. */
const cell = markdownText;

/** The folder all `files` are in (the chosen folder, or the nearest one above a selection), with its separator. */
export function commonFolder(files: readonly string[]): string {
  if (files.length === 0) return '';
  const split = (file: string) => file.split(/(?<=[/\\])/);
  let common = split(files[0]).slice(0, -1);
  for (const file of files.slice(1)) {
    const parts = split(file).slice(0, -1);
    let same = 0;
    while (same < common.length && same < parts.length && common[same] === parts[same]) same++;
    common = common.slice(0, same);
  }
  return common.join('');
}

/** A date in the user's local time, with its offset from UTC, so two reports compare at a glance. */
export function localTime(date: Date, language?: string): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '−';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  let text: string;
  try {
    text = date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'medium' });
  } catch {
    text = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  }
  return `${text} (UTC${sign}${hours}:${minutes})`;
}

/** The report of a run, in Markdown: one table per outcome, each row a customer or a file, paths relative to the folder. */
export function runReportMarkdown(report: RunReport): string {
  const passed = report.passedOver ?? { otherFiles: [], subfolders: [] };
  const folder = commonFolder([...report.records.map((record) => record.file), ...report.leftOut.map((row) => row.file)]);
  const relative = (file: string) => (folder && file.startsWith(folder) ? file.slice(folder.length) : file);
  const lines: string[] = [
    `# ${l10n.t('Customer pictures by number: {0}', markdownText(report.companyName))}`,
    '',
    `- ${l10n.t('Environment: {0}', markdownText(report.environment))}`,
    ...(folder ? [`- ${l10n.t('Folder: {0}', markdownText(folder))}`] : []),
    `- ${l10n.t('Started {0}, ended {1}.', localTime(report.startedAt, report.language), localTime(report.endedAt, report.language))}`,
    '',
  ];
  if (report.cancelled) {
    const unconfirmed = report.records.some((record) => record.state === 'unconfirmed');
    lines.push(`**${l10n.t('Cancelled.')}** ${unconfirmed ? l10n.t('Only the customers listed under "Pictures set" and "Not confirmed" may have changed.') : l10n.t('Only the customers listed under "Pictures set" changed.')}`, '');
  }
  const before = (record: UploadRecord) =>
    record.before === 'picture' ? l10n.t('a picture') : record.before === 'none' ? l10n.t('no picture') : record.before === 'unknown' ? l10n.t('not known') : '';
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
    lines.push(`## ${title} (${rows.length})`, '');
    // Replaced or new, where the API tells (Graph does not say whether a customer had a picture).
    if (state === 'done' && rows.every((row) => row.before === 'picture' || row.before === 'none')) {
      const replaced = rows.filter((row) => row.before === 'picture').length;
      lines.push(l10n.t('{0} replaced a picture; {1} are the first picture of their customer.', replaced, rows.length - replaced), '');
    }
    lines.push(`| ${l10n.t('Customer')} | ${l10n.t('Name')} | ${l10n.t('File')} | ${l10n.t('Before')} | ${l10n.t('Details')} |`, '| --- | --- | --- | --- | --- |');
    for (const row of rows) lines.push(`| ${cell(row.customerNumber)} | ${cell(row.customerName)} | ${cell(relative(row.file))} | ${cell(before(row))} | ${cell(row.detail)} |`);
    lines.push('');
  }
  const leftOut = [
    ...report.leftOut.map((row) => ({ file: relative(row.file), reason: row.reason })),
    ...passed.otherFiles.map((file) => ({ file, reason: l10n.t('not a picture by its extension') })),
    ...passed.subfolders.map((name) => ({ file: `${name}/`, reason: l10n.t('a subfolder: only the chosen folder is read') })),
  ];
  if (leftOut.length > 0) {
    lines.push(`## ${l10n.t('Files left out')} (${leftOut.length})`, '', `| ${l10n.t('File')} | ${l10n.t('Why')} |`, '| --- | --- |');
    for (const row of leftOut) lines.push(`| ${cell(row.file)} | ${cell(row.reason)} |`);
    lines.push('');
  }
  return lines.join('\n');
}
