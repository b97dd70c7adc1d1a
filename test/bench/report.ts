/** The bench's results: a line per figure as it is measured, then one table and out/bench/results.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MiB, ROOT } from './common';

const OUT = path.join(ROOT, 'out', 'bench');

export interface Row {
  readonly section: string;
  readonly figure: string;
  readonly value: number | string;
  readonly unit: string;
  readonly baseline?: number | string;
  readonly baselineLabel?: string;
  /** value / baseline, or as the target reads it (speed-up). */
  readonly ratio?: number;
  readonly ratioLabel?: string;
  readonly target?: string;
  readonly pass?: boolean;
  readonly runs?: number;
}

const rows: Row[] = [];

export function add(row: Row): void {
  rows.push(row);
  const verdict = row.pass === undefined ? 'info' : row.pass ? 'PASS' : 'MISS';
  console.log(`  ${verdict.padEnd(4)} ${row.figure}: ${show(row.value, row.unit)}` + (row.baseline !== undefined ? ` (baseline ${show(row.baseline, row.unit)})` : ''));
}

function show(value: number | string, unit: string): string {
  if (typeof value === 'string') return value;
  switch (unit) {
    case 'ms':
      return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
    case 's':
      return `${value.toFixed(2)} s`;
    case 'bytes':
      return value >= MiB ? `${(value / MiB).toFixed(2)} MiB` : value >= 10_000 ? `${(value / 1024).toFixed(1)} KiB` : `${value} B`;
    default:
      return `${value}${unit ? ' ' + unit : ''}`;
  }
}

function table(): string {
  const header = ['Figure', 'Value', 'Baseline (same run)', 'Ratio', 'Target', 'Result', 'n'];
  const body = rows.map((r) => [
    r.figure,
    show(r.value, r.unit),
    r.baseline === undefined ? '—' : `${show(r.baseline, r.unit)}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}`,
    r.ratio === undefined ? '—' : r.ratioLabel ?? `${r.ratio < 0.1 ? r.ratio.toFixed(4) : r.ratio.toFixed(2)}×`,
    r.target ?? '—',
    r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'MISS',
    r.runs === undefined ? '' : String(r.runs),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

export function section(name: string): void {
  console.log(`\n== ${name}`);
}

/** The table, the PASS/MISS count and results.json, once every section has run. */
export function writeReport(seconds: number): void {
  console.log(`\n${table()}\n`);
  console.log(`${rows.filter((r) => r.pass === true).length} PASS, ${rows.filter((r) => r.pass === false).length} MISS, ${rows.filter((r) => r.pass === undefined).length} info; ${seconds.toFixed(0)} s.`);
  mkdirSync(OUT, { recursive: true });
  const json = { node: process.version, cpus: os.cpus().length, platform: os.platform(), date: new Date().toISOString(), seconds, rows };
  writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(json, null, 2) + '\n');
  console.log(`Written to ${path.relative(ROOT, path.join(OUT, 'results.json'))}.`);
}
