/**
 * Preparing a 12-megapixel phone photo (4032×3024 JPEG, EXIF orientation 6, GPS tags) for Business Central: upright,
 * fit 1024, metadata removed, JPEG 85, each run in a fresh process (libvips compiled to WebAssembly, loaded there).
 * Baselines: the photo sent as it is (bytes), and a process that only loads libvips (time, memory). The same photo
 * as HEIC (as an iPhone saves it; encoded by heif-enc, Debian's libheif-examples), and as JPEG XL (recompressed
 * losslessly by cjxl, Debian's libjxl-tools, which keeps its orientation in the codestream), against the JPEG.
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { median, MiB, ROOT, run } from '../common';
import { add, section } from '../report';

const RUNS = 5;
const CHILD = path.join(ROOT, 'out', 'test', 'bench', 'prepareChild.js');

interface ChildResult {
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakGrowthMiB: number;
  readonly heldMs: number;
  readonly bytes: number;
  readonly width?: number;
  readonly height?: number;
  readonly changes: readonly string[];
}

/** A photo-like 12 MP JPEG: smooth gradients with some noise, as a camera gives, tagged as a phone does. */
async function makePhoto(file: string): Promise<number> {
  const { default: Vips } = await import('wasm-vips');
  const vips = await Vips();
  try {
    const [w, h] = [4032, 3024];
    const x = vips.Image.xyz(w, h);
    const gradient = x.extractBand(0).multiply(255 / w).bandjoin([x.extractBand(1).multiply(255 / h), x.extractBand(0).add(x.extractBand(1)).multiply(255 / (w + h))]);
    const photo = gradient.add(vips.Image.gaussnoise(w, h, { sigma: 6 }).subtract(128)).cast(vips.BandFormat.uchar).copy();
    photo.setInt('orientation', 6);
    photo.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1');
    photo.setString('exif-ifd3-GPSLatitudeRef', 'N');
    photo.setString('exif-ifd0-Make', 'Phone');
    const bytes = photo.writeToBuffer('.jpg', { Q: 92 });
    writeFileSync(file, bytes);
    return bytes.length;
  } finally {
    vips.shutdown();
  }
}

async function child(photo: string, mode: 'thread' | 'prepare' | 'load'): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [CHILD, photo, mode], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

export async function prepare(tmp: string): Promise<void> {
  section('Picture preparation (12 MP phone photo, EXIF orientation 6 and GPS → upright, fit 1024, metadata removed, JPEG 85)');
  const photo = path.join(tmp, 'phone-12mp.jpg');
  const original = await makePhoto(photo);
  // As the extension prepares it (on its worker thread), on the calling thread, and libvips loaded alone.
  const prepared: ChildResult[] = [];
  const onCaller: ChildResult[] = [];
  const loaded: ChildResult[] = [];
  // Alternated, so that the machine's load falls on all alike.
  for (let i = 0; i < RUNS; i++) {
    prepared.push(await child(photo, 'thread'));
    onCaller.push(await child(photo, 'prepare'));
    loaded.push(await child(photo, 'load'));
  }
  const last = prepared[prepared.length - 1];
  const ok = prepared.every((r) => r.width === 768 && r.height === 1024 && r.changes.includes('rotated') && r.changes.includes('locationRemoved'));
  console.log(`    ${last.width}×${last.height}, ${last.changes.join(', ')}; ${(original / MiB).toFixed(2)} MiB → ${(last.bytes / 1024).toFixed(0)} KiB`);
  add({ section: 'prepare', figure: 'Preparation: upright 768×1024, scaled, location removed (every run)', value: ok ? 'yes' : 'no', unit: '', target: 'yes', pass: ok, runs: RUNS });
  add({
    section: 'prepare',
    figure: 'Preparation: bytes sent',
    value: last.bytes,
    unit: 'bytes',
    baseline: original,
    baselineLabel: 'the photo as it is',
    ratio: last.bytes / original,
    ratioLabel: `${((last.bytes / original) * 100).toFixed(1)} %`,
    target: '≤ 5 %',
    pass: last.bytes / original <= 0.05,
    runs: RUNS,
  });
  const ms = median(prepared.map((r) => r.ms));
  add({
    section: 'prepare',
    figure: 'Preparation: time on its worker thread, libvips load included (fresh process)',
    value: `${ms.toFixed(0)} ms`,
    unit: '',
    baseline: `${median(loaded.map((r) => r.ms)).toFixed(0)} ms`,
    baselineLabel: 'loading libvips alone',
    target: '≤ 1.5 s',
    pass: ms <= 1500,
    runs: RUNS,
  });
  add({ section: 'prepare', figure: 'Preparation: time on the calling thread instead (fresh process)', value: `${median(onCaller.map((r) => r.ms)).toFixed(0)} ms`, unit: '', baseline: `${median(loaded.map((r) => r.ms)).toFixed(0)} ms`, baselineLabel: 'loading libvips alone', runs: RUNS });
  const held = median(prepared.map((r) => r.heldMs));
  add({
    section: 'prepare',
    figure: "Preparation: longest the extension host's thread was held",
    value: `${held.toFixed(0)} ms`,
    unit: '',
    baseline: `${median(onCaller.map((r) => r.heldMs)).toFixed(0)} ms`,
    baselineLabel: 'prepared on that thread',
    target: '≤ 50 ms',
    pass: held <= 50,
    runs: RUNS,
  });
  add({ section: 'prepare', figure: 'Preparation: CPU time (all threads)', value: `${median(prepared.map((r) => r.cpuMs)).toFixed(0)} ms`, unit: '', baseline: `${median(loaded.map((r) => r.cpuMs)).toFixed(0)} ms`, baselineLabel: 'loading libvips alone', runs: RUNS });
  add({
    section: 'prepare',
    figure: 'Preparation: peak RSS growth',
    value: `${median(prepared.map((r) => r.peakGrowthMiB)).toFixed(0)} MiB`,
    unit: '',
    baseline: `${median(loaded.map((r) => r.peakGrowthMiB)).toFixed(0)} MiB`,
    baselineLabel: 'loading libvips alone',
    runs: RUNS,
  });
  const jpeg = { ms, peakGrowthMiB: median(prepared.map((r) => r.peakGrowthMiB)) };
  // The same photo as HEIC (x265 at quality 60, about an iPhone's size), decoded by libheif on the same thread.
  const heic = path.join(tmp, 'phone-12mp.heic');
  encode('heif-enc', ['-q', '60', '-o', heic, photo], 'libheif-examples');
  await againstJpeg(jpeg, heic, { name: 'HEIC', loads: 'libvips and libheif loads', width: 1024, height: 768, target: 'converted to 1024×768 JPEG' });
  // The same photo recompressed by cjxl: the JPEG's own coefficients, its orientation 6 moved into the codestream.
  const jxl = path.join(tmp, 'phone-12mp.jxl');
  encode('cjxl', [photo, jxl], 'libjxl-tools');
  await againstJpeg(jpeg, jxl, { name: 'JPEG XL (cjxl)', loads: 'libvips load', width: 768, height: 1024, target: 'upright 768×1024 JPEG' });
}

/** Runs a command-line encoder that makes a converted copy of the photo, saying which Debian package has it when it is missing. */
function encode(command: string, args: string[], debianPackage: string): void {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`${command} makes a copy of the photo for this section: install it (Debian: apt-get install ${debianPackage}). ${String(error)}`);
  }
}

/** The photo in another format, prepared as the extension does, its time and memory against the JPEG's. */
async function againstJpeg(
  jpeg: { readonly ms: number; readonly peakGrowthMiB: number },
  file: string,
  expected: { readonly name: string; readonly loads: string; readonly width: number; readonly height: number; readonly target: string },
): Promise<void> {
  const results: ChildResult[] = [];
  for (let i = 0; i < RUNS; i++) results.push(await child(file, 'thread'));
  const ok = results.every((r) => r.width === expected.width && r.height === expected.height && r.changes.includes('converted'));
  const ms = median(results.map((r) => r.ms));
  console.log(`    ${expected.name} ${(statSync(file).size / MiB).toFixed(2)} MiB → ${results[0].width}×${results[0].height}, ${results[0].changes.join(', ')}`);
  add({
    section: 'prepare',
    figure: `Preparation of the photo as ${expected.name}: time on its worker thread, ${expected.loads} included`,
    value: `${ms.toFixed(0)} ms`,
    unit: '',
    baseline: `${jpeg.ms.toFixed(0)} ms`,
    baselineLabel: 'the photo as JPEG',
    ratio: ms / jpeg.ms,
    target: expected.target,
    pass: ok,
    runs: RUNS,
  });
  const peak = median(results.map((r) => r.peakGrowthMiB));
  add({ section: 'prepare', figure: `Preparation of the photo as ${expected.name}: peak RSS growth`, value: `${peak.toFixed(0)} MiB`, unit: '', baseline: `${jpeg.peakGrowthMiB.toFixed(0)} MiB`, baselineLabel: 'the photo as JPEG', runs: RUNS });
}
