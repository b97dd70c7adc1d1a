/**
 * `npm run bench`: speed and memory figures of the extension, each next to a baseline measured in the same run.
 * Plain Node, no VS Code; the emulator runs in a child process on loopback. Prints one table and writes the same
 * to out/bench/results.json. Figures are medians of several runs (the machine is shared); exit code 0 regardless.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmulatorProcess } from './emulatorProcess';
import { writeReport } from './report';
import { activation } from './sections/activation';
import { bundle } from './sections/bundle';
import { lookup } from './sections/lookup';
import { many } from './sections/many';
import { online } from './sections/online';
import { picker } from './sections/picker';
import { prepare } from './sections/prepare';
import { upload } from './sections/upload';

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
    if (wanted('online')) await online();
    if (wanted('prepare')) await prepare(tmp);
  } catch (error) {
    console.error('\nThe benchmark stopped early:', error);
  } finally {
    await emu?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  writeReport((Date.now() - started) / 1000);
}

void main().then(() => process.exit(0));
