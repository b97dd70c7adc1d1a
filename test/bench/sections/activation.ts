/** Activation: a fresh process that requires and activates the bundle, next to an empty extension; what it evaluates. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { median, ROOT } from '../common';
import { buildEager, probeActivation } from '../instrumented';
import { add, section } from '../report';

export async function activation(tmp: string): Promise<void> {
  section('Activation');
  const bundle = path.join(ROOT, 'dist', 'extension.js');
  const empty = path.join(tmp, 'empty-extension.js');
  writeFileSync(empty, "'use strict';\nrequire('vscode');\nexports.activate = function (context) {};\nexports.deactivate = function () {};\n");
  const childScript = path.join(__dirname, '..', 'activateChild.js');
  const once = (file: string) => {
    const started = process.hrtime.bigint();
    const stdout = execFileSync(process.execPath, [childScript, file], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    return { wall, ...(JSON.parse(stdout) as { ms: number }) };
  };
  const eagerBundle = await buildEager(tmp);
  once(bundle);
  once(empty); // warm the file cache for both
  once(eagerBundle);
  const runs = 15;
  const product: Array<{ wall: number; ms: number }> = [];
  const baseline: Array<{ wall: number; ms: number }> = [];
  const eager: Array<{ wall: number; ms: number }> = [];
  for (let i = 0; i < runs; i++) {
    product.push(once(bundle));
    baseline.push(once(empty));
    eager.push(once(eagerBundle));
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
  const eagerInside = median(eager.map((r) => r.ms));
  add({
    section: 'activation',
    figure: 'Activation: require + activate() with api/, images/ and bulk/ loaded on first use (as shipped)',
    value: inside,
    unit: 'ms',
    baseline: eagerInside,
    baselineLabel: 'the same bundle loading them at start (static imports)',
    ratio: inside / eagerInside,
    runs,
  });
  const probe = await probeActivation();
  const evaluated = probe.duringActivation.length ? probe.duringActivation.join(', ') : 'none';
  add({
    section: 'activation',
    figure: 'Activation: HTTP transport / image-size / src/images evaluated (instrumented build)',
    value: evaluated,
    unit: '',
    baseline: probe.afterLoadingLazyParts.join(', ') || 'none',
    baselineLabel: 'after loading them on purpose',
    target: 'none',
    pass: probe.duringActivation.length === 0 && probe.fetchCallsDuringActivation === 0 && probe.afterLoadingLazyParts.length === 3 && probe.bundled.undici === 0,
    runs: 1,
  });
}
