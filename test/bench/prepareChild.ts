/**
 * One preparation in a fresh process, for the bench: `node prepareChild.js <photo> thread|prepare|load` prints JSON
 * with the time, CPU, peak RSS and the longest the calling thread was held. `thread` prepares as the extension does,
 * on its worker thread; `prepare` on the calling thread (the baseline of how long it is held); `load` only loads
 * libvips (what any preparation costs before it starts), the baseline of time and memory.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_PREPARATION, PicturePreparer, type PreparedPicture } from '../../src/images/prepare';
import { PreparationThread } from '../../src/images/preparationThread';

const peakMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
// A GIF's header: the preparer loads libvips and sends it as it is, which is the load alone.
const DOT = Buffer.from('R0lGODlhAQABAAAAACwAAAAAAQABAAACAUwAOw==', 'base64');

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2);
  const photo = readFileSync(file);
  const before = peakMiB();
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  // The longest gap between ticks of a 5 ms timer: how long the thread was held at a stretch.
  let last = performance.now();
  let heldMs = 0;
  const ticking = setInterval(() => {
    const now = performance.now();
    heldMs = Math.max(heldMs, now - last - 5);
    last = now;
  }, 5);
  const thread = mode === 'thread' ? new PreparationThread() : undefined;
  const preparer = thread ? undefined : new PicturePreparer();
  const prepared: PreparedPicture | undefined = thread
    ? await thread.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION)
    : await preparer!.prepare(mode === 'load' ? DOT : photo, 'photo.jpg');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  // The timer fires once the thread is free again: only then is a long hold counted (and before libvips ends).
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(ticking);
  thread?.dispose();
  await preparer?.dispose();
  const result = {
    ms,
    // CPU of the whole process, every thread of libvips included.
    cpuMs: (used.user + used.system) / 1000,
    peakGrowthMiB: peakMiB() - before,
    heldMs,
    bytes: prepared?.bytes.length ?? 0,
    width: prepared?.width,
    height: prepared?.height,
    changes: prepared?.changes ?? [],
  };
  process.stdout.write(JSON.stringify(result));
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
