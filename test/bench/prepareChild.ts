/**
 * One preparation in a fresh process, for the bench: `node prepareChild.js <photo> prepare|load` prints JSON with the
 * time, CPU and peak RSS. `load` only loads libvips (what any preparation costs before it starts), as the baseline.
 */
import { readFileSync } from 'node:fs';
import { PicturePreparer } from '../../src/images/prepare';

const peakMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2);
  const photo = readFileSync(file);
  const before = peakMiB();
  const preparer = new PicturePreparer();
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  // A GIF's header: the preparer loads libvips and sends it as it is, which is the load alone.
  const prepared = await preparer.prepare(mode === 'load' ? Buffer.from('R0lGODlhAQABAAAAACwAAAAAAQABAAACAUwAOw==', 'base64') : photo, 'photo.jpg');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const result = { ms, cpuMs: (used.user + used.system) / 1000, peakGrowthMiB: peakMiB() - before, bytes: prepared?.bytes.length ?? 0, width: prepared?.width, height: prepared?.height, changes: prepared?.changes ?? [] };
  await preparer.dispose();
  process.stdout.write(JSON.stringify(result));
}

void main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
