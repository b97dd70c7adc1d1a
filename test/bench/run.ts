/**
 * `npm run bench`: speed and memory figures of the extension, each next to a baseline measured in the same run.
 * Plain Node, no VS Code; the emulator runs in a child process on loopback. Prints one table and writes the same
 * to out/bench/results.json. Figures are medians of several runs (the machine is shared); exit code 0 regardless.
 */
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { crc32, gzipSync } from 'node:zlib';
import { bytesUploadSource, closeConnections, createPictureService, ServiceCapabilities, type PictureService } from '../../src/api';
import { silentLog } from '../../src/common/log';
import { DEMO, makePng } from '../emulator';
import { EmulatorProcess } from './emulatorProcess';
import { probeActivation } from './instrumented';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'out', 'bench');
const MiB = 1024 * 1024;

// ------------------------------------------------------------------------------------------------- results

interface Row {
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

function add(row: Row): void {
  rows.push(row);
  const verdict = row.pass === undefined ? 'info' : row.pass ? 'PASS' : 'MISS';
  console.log(`  ${verdict.padEnd(4)} ${row.figure}: ${show(row.value, row.unit)}` + (row.baseline !== undefined ? ` (baseline ${show(row.baseline, row.unit)})` : ''));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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

function section(name: string): void {
  console.log(`\n== ${name}`);
}

// ------------------------------------------------------------------------------------------------- 1. activation

async function activation(tmp: string): Promise<void> {
  section('Activation');
  const bundle = path.join(ROOT, 'dist', 'extension.js');
  const empty = path.join(tmp, 'empty-extension.js');
  writeFileSync(empty, "'use strict';\nrequire('vscode');\nexports.activate = function (context) {};\nexports.deactivate = function () {};\n");
  const childScript = path.join(__dirname, 'activateChild.js');
  const once = (file: string) => {
    const started = process.hrtime.bigint();
    const stdout = execFileSync(process.execPath, [childScript, file], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    return { wall, ...(JSON.parse(stdout) as { ms: number }) };
  };
  once(bundle);
  once(empty); // warm the file cache for both
  const runs = 15;
  const product: Array<{ wall: number; ms: number }> = [];
  const baseline: Array<{ wall: number; ms: number }> = [];
  for (let i = 0; i < runs; i++) {
    product.push(once(bundle));
    baseline.push(once(empty));
  }
  const wall = median(product.map((r) => r.wall));
  const wallBase = median(baseline.map((r) => r.wall));
  add({
    section: 'activation',
    figure: 'Activation: fresh `node` process, require dist/extension.js + activate(), spawn to exit',
    value: wall,
    unit: 'ms',
    baseline: wallBase,
    baselineLabel: 'empty extension',
    ratio: wall / wallBase,
    target: '< 2×',
    pass: wall / wallBase < 2,
    runs,
  });
  const inside = median(product.map((r) => r.ms));
  const insideBase = median(baseline.map((r) => r.ms));
  add({
    section: 'activation',
    figure: 'Activation: require + activate() alone, inside that process',
    value: inside,
    unit: 'ms',
    baseline: insideBase,
    baselineLabel: 'empty extension',
    ratio: inside / insideBase,
    runs,
  });
  const probe = await probeActivation();
  const evaluated = probe.duringActivation.length ? probe.duringActivation.join(', ') : 'none';
  add({
    section: 'activation',
    figure: 'Activation: undici / image-size / src/images evaluated (instrumented build)',
    value: evaluated,
    unit: '',
    baseline: probe.afterLoadingLazyParts.join(', ') || 'none',
    baselineLabel: 'after loading them on purpose',
    target: 'none',
    pass: probe.duringActivation.length === 0 && !probe.transportLoadedAfterActivation && probe.afterLoadingLazyParts.length === 3,
    runs: 1,
  });
}

// ------------------------------------------------------------------------------------------------- 2. bundle

async function bundle(tmp: string): Promise<void> {
  section('Bundle');
  const esbuild = await import('esbuild');
  const dist = path.join(ROOT, 'dist', 'extension.js');
  const size = statSync(dist).size;
  const undiciFile = path.join(tmp, 'undici-alone.js');
  await esbuild.build({
    stdin: { contents: "module.exports = require('undici');", resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    outfile: undiciFile,
    logLevel: 'silent',
  });
  const undiciSize = statSync(undiciFile).size;
  const minified = !readFileSync(dist, 'utf8').includes('sourceMappingURL');
  add({
    section: 'bundle',
    figure: `Bundle: dist/extension.js${minified ? ' (production)' : ' (NOT minified: run through npm run bench)'}`,
    value: size,
    unit: 'bytes',
    baseline: undiciSize,
    baselineLabel: 'undici alone, same esbuild options',
    ratio: size / undiciSize,
    runs: 1,
  });
  const vsix = path.join(tmp, 'extension.vsix');
  const vsce = path.join(ROOT, 'node_modules', '.bin', 'vsce');
  try {
    await run(vsce, ['package', '--no-dependencies', '-o', vsix], { cwd: ROOT, maxBuffer: 16 * MiB });
    const vsixSize = statSync(vsix).size;
    const gz = gzipSync(readFileSync(dist), { level: 9 }).length;
    add({
      section: 'bundle',
      figure: 'Package: .vsix (vsce package --no-dependencies)',
      value: vsixSize,
      unit: 'bytes',
      baseline: gz,
      baselineLabel: 'dist/extension.js gzip -9 alone',
      ratio: vsixSize / gz,
      runs: 1,
    });
  } catch (error) {
    add({ section: 'bundle', figure: 'Package: .vsix', value: `vsce failed: ${String((error as Error).message).split('\n')[0]}`, unit: '' });
  }
}

// ------------------------------------------------------------------------------------------------- 3. upload

/** A valid PNG header (IHDR 4000×3000 RGB) and one stored IDAT chunk padding the file to `size` bytes, with CRCs. */
function writePngLike(file: string, size: number): void {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))));
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4000, 0);
  ihdr.writeUInt32BE(3000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const start = Buffer.concat([signature, chunk('IHDR', ihdr)]);
  const end = chunk('IEND', Buffer.alloc(0));
  const dataLength = size - start.length - end.length - 12;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, start);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(dataLength, 0);
    head.write('IDAT', 4, 'ascii');
    writeSync(fd, head);
    let crc = crc32(head.subarray(4));
    const block = Buffer.alloc(MiB);
    for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
    for (let left = dataLength; left > 0; ) {
      const piece = block.subarray(0, Math.min(left, block.length));
      writeSync(fd, piece);
      crc = crc32(piece, crc);
      left -= piece.length;
    }
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc);
    writeSync(fd, tail);
    writeSync(fd, end);
  } finally {
    closeSync(fd);
  }
}

async function upload(tmp: string, emu: EmulatorProcess): Promise<void> {
  section('Upload (client in a fresh process, warmed by one small upload; emulator in another process)');
  const token = 'bench-upload-token';
  await emu.acceptToken(token, { audience: 'businesscentral', user: 'bench-upload' });
  const company = DEMO.cronusId;
  const customer = DEMO.customer(20000);
  const contentUrl = `${emu.bcBaseUrl}/companies(${company})/customers(${customer})/picture/pictureContent`;
  const pictureUrl = `${emu.bcBaseUrl}/companies(${company})/customers(${customer})/picture`;
  const client = path.join(__dirname, 'uploadClient.js');
  const hasCurl = (() => {
    try {
      execFileSync('curl', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  for (const [mib, runs] of [
    [1, 5],
    [10, 5],
    [100, 3],
  ] as const) {
    const file = path.join(tmp, `picture-${mib}MiB.png`);
    writePngLike(file, mib * MiB);
    const clientMs: number[] = [];
    const growth: number[] = [];
    const undiciMs: number[] = [];
    const undiciGrowth: number[] = [];
    const curlMs: number[] = [];
    let source = '';
    const child = async (mode: 'product' | 'undici') => {
      const { stdout } = await run(process.execPath, ['--expose-gc', client, emu.bcBaseUrl, company, customer, file, token, mode], { maxBuffer: MiB });
      const result = JSON.parse(stdout) as { ms: number; growth: number; peakSource: string; width: number };
      if (result.width !== 4000) throw new Error(`the emulator did not take the ${mib} MiB picture (width ${result.width})`);
      source = result.peakSource;
      return result;
    };
    for (let i = 0; i < runs; i++) {
      const product = await child('product');
      clientMs.push(product.ms);
      growth.push(product.growth);
      const direct = await child('undici');
      undiciMs.push(direct.ms);
      undiciGrowth.push(direct.growth);
      if (hasCurl) {
        // The same two requests as uploadPicture (PATCH the bytes, GET the picture), one connection; curl's own timers.
        const common = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}\\n', '-H', `Authorization: Bearer ${token}`];
        const { stdout: out } = await run(
          'curl',
          [...common, '-X', 'PATCH', '-T', file, '-H', 'If-Match: *', '-H', 'Content-Type: application/octet-stream', '-H', 'Expect:', contentUrl, '--next', ...common, pictureUrl],
          { maxBuffer: MiB },
        );
        const lines = out.trim().split('\n').map((l) => l.split(' '));
        if (lines[0]?.[0] !== '204' || lines[1]?.[0] !== '200') throw new Error(`curl: ${out}`);
        curlMs.push(lines.reduce((sum, [, seconds]) => sum + Number(seconds) * 1000, 0));
      }
    }
    rmSync(file, { force: true });
    const t = median(clientMs);
    const c = hasCurl ? median(curlMs) : undefined;
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: uploadPicture (PATCH + GET picture)`,
      value: t,
      unit: 'ms',
      baseline: c ?? 'curl not found',
      baselineLabel: c === undefined ? undefined : 'curl -T, same two requests',
      ratio: c === undefined ? undefined : t / c,
      target: '≤ 1.25×',
      pass: c === undefined ? undefined : t / c <= 1.25,
      runs,
    });
    const u = median(undiciMs);
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: undici request() + read stream, no product code (same two requests)`,
      value: u,
      unit: 'ms',
      baseline: c ?? 'curl not found',
      baselineLabel: c === undefined ? undefined : 'curl',
      ratio: c === undefined ? undefined : u / c,
      runs,
    });
    const g = median(growth);
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: client peak RSS growth (${source})`,
      value: g,
      unit: 'bytes',
      baseline: mib * MiB,
      baselineLabel: 'file size',
      ratio: g / (mib * MiB),
      target: '≤ 0.25×',
      pass: g <= 0.25 * mib * MiB,
      runs,
    });
    const ug = median(undiciGrowth);
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: peak RSS growth of undici request() + read stream, no product code`,
      value: ug,
      unit: 'bytes',
      baseline: mib * MiB,
      baselineLabel: 'file size',
      ratio: ug / (mib * MiB),
      runs,
    });
  }
}

// ------------------------------------------------------------------------------------------------- 4. customer picker

async function picker(emu: EmulatorProcess): Promise<void> {
  section(`Customer picker (${DEMO.bigCustomers.toLocaleString('en')} customers)`);
  const token = 'bench-picker-token';
  await emu.acceptToken(token, { audience: 'businesscentral', user: 'bench-picker' });
  // What the service supports is asked once per extension session: measured apart, below.
  const capabilities = new ServiceCapabilities();
  const service = createPictureService(
    { api: 'businessCentral', serviceUrl: emu.bcBaseUrl, environment: 'production' },
    { authorize: async () => `Bearer ${token}`, log: silentLog, capabilities },
  );
  const company = DEMO.bigCompanyId;

  /** One measurement from a cold connection: requests, bytes both ways on the wire (headers included), time. */
  const measure = async (work: () => Promise<number>) => {
    await closeConnections();
    await emu.clearRequests();
    const before = await emu.bytes();
    const started = process.hrtime.bigint();
    const items = await work();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const after = await emu.bytes();
    const requests = (await emu.requests()).length;
    return { ms, items, requests, received: after.sent - before.sent, sent: after.received - before.received };
  };
  const repeat = async (runs: number, work: () => Promise<number>) => {
    const all = [];
    for (let i = 0; i < runs; i++) all.push(await measure(work));
    return {
      ms: median(all.map((r) => r.ms)),
      items: all[0].items,
      requests: median(all.map((r) => r.requests)),
      received: median(all.map((r) => r.received)),
      sent: median(all.map((r) => r.sent)),
      runs,
    };
  };
  const full = await repeat(3, async () => {
    let page = await service.listCustomers(company, { pageSize: 20_000 });
    let count = page.items.length;
    while (page.more) {
      page = await service.nextCustomers(page.more);
      count += page.items.length;
    }
    return count;
  });
  const first = await repeat(7, async () => (await service.listCustomers(company, {})).items.length);
  const firstSearch = await measure(async () => (await service.listCustomers(company, { search: 'harbor' })).items.length);
  // 'harbor' matches 3,840 of the generated names (the issue's example 'ada' matches none of them).
  const search = await repeat(7, async () => (await service.listCustomers(company, { search: 'harbor' })).items.length);
  await closeConnections();
  const fullLabel = `every customer (${full.items.toLocaleString('en')}), pages of 20,000`;
  add({
    section: 'picker',
    figure: "Picker's first search of a session: requests (name and number, plus the one probe for case-insensitive search)",
    value: firstSearch.requests,
    unit: '',
    baseline: full.requests,
    baselineLabel: fullLabel,
    runs: 1,
  });
  for (const [name, r, most] of [
    [`first page (${first.items} customers)`, first, 1],
    [`search 'harbor' by name and number (first ${search.items} shown)`, search, 2],
  ] as const) {
    add({ section: 'picker', figure: `Picker ${name}: requests`, value: r.requests, unit: '', baseline: full.requests, baselineLabel: fullLabel, target: `≤ ${most}`, pass: r.requests <= most, runs: r.runs });
    add({
      section: 'picker',
      figure: `Picker ${name}: bytes received (wire, with headers)`,
      value: r.received,
      unit: 'bytes',
      baseline: full.received,
      baselineLabel: fullLabel,
      ratio: r.received / full.received,
      ratioLabel: `${((100 * r.received) / full.received).toFixed(3)} %`,
      target: '< 1 %',
      pass: r.received < 0.01 * full.received,
      runs: r.runs,
    });
    add({
      section: 'picker',
      figure: `Picker ${name}: time to first items`,
      value: r.ms,
      unit: 'ms',
      baseline: full.ms,
      baselineLabel: fullLabel,
      ratio: r.ms / full.ms,
      runs: r.runs,
    });
  }
}

// ------------------------------------------------------------------------------------------------- 5. bulk lookup

/**
 * The lookup of many customer numbers on a current and on an older server (which ignores `in` and returns the
 * whole table). Baseline: the previous client, `number in (…)` in batches of 50 paged through `nextLink`.
 */
async function lookup(current: EmulatorProcess, old: EmulatorProcess): Promise<void> {
  const count = 1000;
  section(`Bulk lookup (${count.toLocaleString('en')} numbers in a company of ${DEMO.bigCustomers.toLocaleString('en')} customers)`);
  const company = DEMO.bigCompanyId;
  // Every 97th customer, and 5 % numbers no customer has: what a folder of photos looks like.
  const numbers = Array.from({ length: count }, (_, i) => (i % 20 === 19 ? `X${i}` : `C${String(1 + i * 97).padStart(6, '0')}`));
  const existing = numbers.filter((n) => n.startsWith('C'));
  for (const [label, emu] of [
    ['current server', current],
    ['older server', old],
  ] as const) {
    const token = `bench-lookup-${label.replace(/ /g, '-')}`;
    await emu.acceptToken(token, { audience: 'businesscentral', user: token });
    const service = createPictureService({ api: 'businessCentral', serviceUrl: emu.bcBaseUrl, environment: 'production' }, { authorize: async () => `Bearer ${token}`, log: silentLog });
    await closeConnections();
    await emu.clearRequests();
    const before = await emu.bytes();
    const started = process.hrtime.bigint();
    const found = await service.findCustomersByNumber(company, numbers);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const after = await emu.bytes();
    const requests = await emu.requests();
    const baseline = await previousLookup(emu, token, company, numbers.slice(0, 50));
    const baselineLabel = `previous client, first batch of 50 only: ${baseline.outcome}`;
    add({ section: 'lookup', figure: `Lookup on the ${label}: requests (customers found: ${found.length})`, value: requests.length, unit: '', baseline: baseline.requests, baselineLabel, target: '≤ 40', pass: requests.length <= 40 && requests.every((r) => r.status === 200), runs: 1 });
    add({ section: 'lookup', figure: `Lookup on the ${label}: bytes received`, value: after.sent - before.sent, unit: 'bytes', baseline: baseline.received, baselineLabel, runs: 1 });
    add({ section: 'lookup', figure: `Lookup on the ${label}: time`, value: ms, unit: 'ms', runs: 1 });
    const exact = found.length === existing.length && found.every((customer, i) => customer.number === existing[i]);
    add({ section: 'lookup', figure: `Lookup on the ${label}: exactly the ${existing.length} customers that exist were found`, value: exact ? 'yes' : 'no', unit: '', target: 'yes', pass: exact, runs: 1 });
  }
  await closeConnections();
}

/** The previous client's lookup of one batch, by hand: `number in (…)`, pages of the batch's size, every nextLink followed. */
async function previousLookup(emu: EmulatorProcess, token: string, company: string, batch: readonly string[]): Promise<{ requests: number; received: number; outcome: string }> {
  const { request } = await import('undici');
  await emu.clearRequests();
  const before = await emu.bytes();
  const filter = `number in (${batch.map((n) => `'${n}'`).join(',')})`;
  let url: string | undefined = `${emu.bcBaseUrl}/companies(${company})/customers?$select=id,number,displayName&$filter=${encodeURIComponent(filter)}`;
  let rows = 0;
  let outcome = '';
  for (let pages = 0; url && pages < 5_000; pages++) {
    const response = await request(url, { headers: { authorization: `Bearer ${token}`, prefer: `odata.maxpagesize=${batch.length}` } });
    const body = (await response.body.json()) as { value?: unknown[]; '@odata.nextLink'?: string; error?: { code?: string } };
    if (response.statusCode !== 200) {
      outcome = `refused, ${response.statusCode} ${body.error?.code ?? ''}`;
      break;
    }
    rows += body.value?.length ?? 0;
    url = body['@odata.nextLink'];
  }
  const after = await emu.bytes();
  const requests = (await emu.requests()).length;
  outcome ||= `${requests.toLocaleString('en')} requests for ${rows.toLocaleString('en')} rows: the whole table (×${Math.ceil(1000 / batch.length)} batches for 1,000 numbers)`;
  return { requests, received: after.sent - before.sent, outcome };
}

// ------------------------------------------------------------------------------------------------- 6. many pictures

interface PoolLike {
  runPool<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>, options: { concurrency: number; gate?: unknown }): Promise<Array<{ state: string }>>;
  PauseGate: new () => { pause(ms: number): void };
}

/** The product's pool (src/api/batch.ts) when it is there; otherwise a minimal loop with the same shape. */
function productPool(): PoolLike | undefined {
  try {
     
    const batch = require('../../src/api/batch') as Partial<PoolLike>;
    return typeof batch.runPool === 'function' && typeof batch.PauseGate === 'function' ? (batch as PoolLike) : undefined;
  } catch {
    return undefined;
  }
}

async function localPool<T>(items: readonly T[], work: (item: T) => Promise<unknown>, concurrency: number): Promise<Array<{ state: string }>> {
  const outcomes: Array<{ state: string }> = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      outcomes[index] = await work(items[index]).then(
        () => ({ state: 'done' }),
        () => ({ state: 'failed' }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return outcomes;
}

async function many(emu: EmulatorProcess): Promise<void> {
  const count = 500;
  const latency = 20;
  section(`Many pictures (${count} small PNGs, ${latency} ms emulated latency per request)`);
  const company = DEMO.bigCompanyId;
  const pool = productPool();
  let runNumber = 0;
  const serviceFor = async (onWaiting?: (seconds: number) => void) => {
    const token = `bench-many-${++runNumber}`;
    const user = `bench-many-${runNumber}`;
    await emu.acceptToken(token, { audience: 'businesscentral', user });
    const service = createPictureService(
      { api: 'businessCentral', serviceUrl: emu.bcBaseUrl, environment: 'production' },
      { authorize: async () => `Bearer ${token}`, log: silentLog, onWaiting },
    );
    return { service, user };
  };
  const { service: lister } = await serviceFor();
  const customers = (await lister.listCustomers(company, { pageSize: count })).items.map((c) => c.id);
  const images = customers.map((_, i) => makePng(32, 24, i % 200));
  await emu.fault({ kind: 'latency', ms: latency, times: Infinity });

  const once = async (concurrency: number, throttled: number) => {
    await closeConnections();
    await emu.clearRequests();
    const gate = pool ? new pool.PauseGate() : undefined;
    const { service, user } = await serviceFor(gate ? (seconds) => gate.pause(seconds * 1000) : undefined);
    // Throttle specific customers' first PATCH, spread over the run.
    const throttledIds = new Set(customers.filter((_, i) => throttled > 0 && i % Math.floor(count / throttled) === 7).slice(0, throttled));
    for (const id of throttledIds) {
      await emu.fault({ method: 'PATCH', path: `customers(${id})/picture/pictureContent`, kind: 'status', status: 429, retryAfter: 1 });
    }
    const work = (index: number) => uploadOne(service, company, customers[index], images[index]);
    const indexes = customers.map((_, i) => i);
    const started = process.hrtime.bigint();
    let outcomes: Array<{ state: string }>;
    if (concurrency === 1) {
      outcomes = [];
      for (const i of indexes) outcomes.push(await work(i).then(() => ({ state: 'done' }), () => ({ state: 'failed' })));
    } else if (pool) {
      outcomes = await pool.runPool(indexes, (i) => work(i), { concurrency, gate });
    } else {
      outcomes = await localPool(indexes, (i) => work(i), concurrency);
    }
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    const requests = await emu.requests();
    const okPatches = new Map<string, number>();
    let throttledSeen = 0;
    for (const r of requests) {
      if (r.method !== 'PATCH') continue;
      if (r.status === 429) throttledSeen++;
      const id = /customers\(([0-9a-f-]{36})\)/i.exec(r.path)?.[1]?.toLowerCase();
      if (id && r.status >= 200 && r.status < 300) okPatches.set(id, (okPatches.get(id) ?? 0) + 1);
    }
    const failures = outcomes.filter((o) => o.state !== 'done').length;
    const duplicates = [...okPatches.values()].filter((n) => n > 1).length;
    const missing = customers.filter((id) => !okPatches.has(id.toLowerCase())).length;
    const stats = await emu.userStats(user);
    return { s, failures, duplicates, missing, throttledSeen, peakInFlight: stats.peakInFlight };
  };

  const sequential = await once(1, 0);
  const concurrentRuns = [];
  for (let i = 0; i < 3; i++) concurrentRuns.push(await once(4, 0));
  const throttledRun = await once(4, 10);
  await emu.clearFaults();
  await closeConnections();

  const concurrent = median(concurrentRuns.map((r) => r.s));
  const impl = pool ? 'src/api/batch.ts runPool' : 'local loop in the bench';
  add({
    section: 'many',
    figure: `Many pictures: ${count} uploads, 4 in flight (${impl}; peak in flight ${Math.max(...concurrentRuns.map((r) => r.peakInFlight))})`,
    value: concurrent,
    unit: 's',
    baseline: sequential.s,
    baselineLabel: 'one at a time (1 run)',
    ratio: sequential.s / concurrent,
    ratioLabel: `${(sequential.s / concurrent).toFixed(2)}× faster`,
    target: '≥ 3.5× faster',
    pass: sequential.s / concurrent >= 3.5,
    runs: concurrentRuns.length,
  });
  const clean = [sequential, ...concurrentRuns].every((r) => r.failures === 0 && r.duplicates === 0 && r.missing === 0);
  add({
    section: 'many',
    figure: 'Many pictures: failures / duplicate PATCHes / customers without one, runs above',
    value: clean ? '0 / 0 / 0' : [sequential, ...concurrentRuns].map((r) => `${r.failures}/${r.duplicates}/${r.missing}`).join(', '),
    unit: '',
    target: '0 / 0 / 0',
    pass: clean,
    runs: 1 + concurrentRuns.length,
  });
  add({
    section: 'many',
    figure: `Many pictures under 429s (${throttledRun.throttledSeen} PATCHes answered 429, Retry-After 1 s): wall time`,
    value: throttledRun.s,
    unit: 's',
    baseline: concurrent,
    baselineLabel: 'same, no 429s',
    ratio: throttledRun.s / concurrent,
    runs: 1,
  });
  add({
    section: 'many',
    figure: 'Many pictures under 429s: failures / duplicate PATCHes / customers without one',
    value: `${throttledRun.failures} / ${throttledRun.duplicates} / ${throttledRun.missing}`,
    unit: '',
    target: '0 / 0 / 0',
    pass: throttledRun.failures === 0 && throttledRun.duplicates === 0 && throttledRun.missing === 0 && throttledRun.throttledSeen > 0,
    runs: 1,
  });
}

async function uploadOne(service: PictureService, company: string, customer: string, png: Buffer): Promise<void> {
  await service.uploadPicture(company, customer, bytesUploadSource(png, { contentType: 'image/png', width: 32, height: 24 }));
}

// ------------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = Date.now();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  console.log(`Benchmark: Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}; medians of n runs.`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bc-bench-'));
  let emu: EmulatorProcess | undefined;
  try {
    if (wanted('activation')) await activation(tmp);
    if (wanted('bundle')) await bundle(tmp);
    if (wanted('lookup')) {
      const current = await EmulatorProcess.start({ bigCompany: true });
      const old = await EmulatorProcess.start({ bigCompany: true, serverVersion: 'old' });
      try {
        await lookup(current, old);
      } finally {
        await Promise.all([current.close(), old.close()]);
      }
    }
    if (wanted('upload') || wanted('picker') || wanted('many')) {
      emu = await EmulatorProcess.start({ bigCompany: true });
      if (!emu.countsBytes) console.warn('  (the emulator server is not reachable for byte counts; picker bytes will read 0)');
    }
    if (emu && wanted('upload')) await upload(tmp, emu);
    if (emu && wanted('picker')) await picker(emu);
    if (emu && wanted('many')) await many(emu);
  } catch (error) {
    console.error('\nThe benchmark stopped early:', error);
  } finally {
    await emu?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${table()}\n`);
  console.log(`${rows.filter((r) => r.pass === true).length} PASS, ${rows.filter((r) => r.pass === false).length} MISS, ${rows.filter((r) => r.pass === undefined).length} info; ${seconds.toFixed(0)} s.`);
  mkdirSync(OUT, { recursive: true });
  const json = { node: process.version, cpus: os.cpus().length, platform: os.platform(), date: new Date().toISOString(), seconds, rows };
  writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(json, null, 2) + '\n');
  console.log(`Written to ${path.relative(ROOT, path.join(OUT, 'results.json'))}.`);
}

void main().then(() => process.exit(0));
