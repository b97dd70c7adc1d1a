/** Bundle: the size of dist/extension.js next to undici bundled alone, and of the .vsix. */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MiB, ROOT, run } from '../common';
import { add, section } from '../report';

export async function bundle(tmp: string): Promise<void> {
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
