/**
 * Which modules of the bundle run during activation. esbuild puts everything into one file, so `require.cache`
 * cannot tell; instead this builds the extension with the production options plus a plugin that prepends a marker
 * to every file of undici, image-size and src/images, loads it with the `vscode` stand-in, calls `activate()` and
 * reads which markers fired (a file's marker fires exactly when its top level is evaluated).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './common';
import { createContextStub, installVscodeStub, registeredCommands } from './vscodeStub';

/** The watched groups: a file belongs to the first group whose pattern matches its path. */
const GROUPS: ReadonlyArray<readonly [string, RegExp]> = [
  ['undici', /[\\/]node_modules[\\/]undici[\\/].*\.[cm]?js$/],
  ['image-size', /[\\/]node_modules[\\/]image-size[\\/].*\.[cm]?js$/],
  ['src/images', /[\\/]src[\\/]images[\\/][^\\/]+\.ts$/],
];

const GLOBAL = '__bcBenchEvaluated';

export interface InstrumentedBundle {
  readonly file: string;
  /** Files per group that the build contains (a check that the plugin saw them). */
  readonly bundled: Readonly<Record<string, number>>;
  dispose(): void;
}

/** Builds dist-like `extension.js` with markers, plus `loadLazyParts()` (positive control) and `isTransportLoaded()`. */
export async function buildInstrumented(): Promise<InstrumentedBundle> {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'bc-bench-activation-'));
  const file = path.join(dir, 'extension.js');
  const bundled: Record<string, number> = Object.fromEntries(GROUPS.map(([name]) => [name, 0]));
  await esbuild.build({
    stdin: {
      contents: [
        "export { activate, deactivate } from './src/extension';",
        "export { isTransportLoaded } from './src/api/http';",
        "export async function loadLazyParts() { await import('undici'); await import('./src/images'); }",
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'bench-entry.ts',
      loader: 'ts',
    },
    // The options of esbuild.js --production.
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    minify: true,
    outfile: file,
    logLevel: 'silent',
    plugins: [
      {
        name: 'evaluation-markers',
        setup(build) {
          build.onLoad({ filter: /\.([cm]?js|ts)$/ }, (args) => {
            const group = GROUPS.find(([, pattern]) => pattern.test(args.path))?.[0];
            if (!group) return undefined;
            bundled[group]++;
            const marker = `(globalThis.${GLOBAL} ??= new Set()).add(${JSON.stringify(group)});\n`;
            return { contents: marker + readFileSync(args.path, 'utf8'), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
          });
        },
      },
    ],
  });
  return { file, bundled, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function evaluatedGroups(): string[] {
  const set = (globalThis as Record<string, unknown>)[GLOBAL] as Set<string> | undefined;
  return [...(set ?? [])].sort();
}

export interface ActivationProbe {
  /** Groups evaluated by require + activate. */
  readonly duringActivation: string[];
  readonly transportLoadedAfterActivation: boolean;
  /** Groups evaluated after the lazy parts were loaded on purpose (the markers work). */
  readonly afterLoadingLazyParts: string[];
  readonly bundled: Readonly<Record<string, number>>;
  /** Commands registered by `activate()` (it really ran). */
  readonly commands: string[];
}

/** Builds, loads in this process, activates, and reports; then loads the lazy parts as a positive control. */
export async function probeActivation(): Promise<ActivationProbe> {
  const bundle = await buildInstrumented();
  try {
    installVscodeStub();
    delete (globalThis as Record<string, unknown>)[GLOBAL];
     
    const extension = require(bundle.file) as {
      activate(context: unknown): unknown;
      deactivate(): void;
      isTransportLoaded(): boolean;
      loadLazyParts(): Promise<void>;
    };
    extension.activate(createContextStub());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const duringActivation = evaluatedGroups();
    const transportLoadedAfterActivation = extension.isTransportLoaded();
    const commands = [...registeredCommands.keys()].sort();
    await extension.loadLazyParts();
    extension.deactivate();
    return { duringActivation, transportLoadedAfterActivation, afterLoadingLazyParts: evaluatedGroups(), bundled: bundle.bundled, commands };
  } finally {
    bundle.dispose();
  }
}
