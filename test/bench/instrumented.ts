/**
 * Which modules of the bundle run during activation. esbuild puts everything into one file, so `require.cache`
 * cannot tell; instead this builds the extension with the production options plus a plugin that prepends a marker
 * to every file of undici, image-size, src/images and the HTTP transport, loads it with the `vscode` stand-in, calls
 * `activate()` with `fetch` counted, and reads which markers fired (a file's marker fires exactly when its top level is
 * evaluated). undici is watched only to show that none of it is bundled: requests go through the host's `fetch`.
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
  ['src/api/http', /[\\/]src[\\/]api[\\/](http|attempt|body|clock)\.ts$/],
];

const GLOBAL = '__bcBenchEvaluated';

/** The options of esbuild.js --production. */
const PRODUCTION = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', external: ['vscode', 'wasm-vips'], minify: true, logLevel: 'silent' } satisfies import('esbuild').BuildOptions;

export interface InstrumentedBundle {
  readonly file: string;
  /** Files per group that the build contains (a check that the plugin saw them). */
  readonly bundled: Readonly<Record<string, number>>;
  dispose(): void;
}

/** Builds dist-like `extension.js` with markers, plus `loadLazyParts()` (positive control). */
export async function buildInstrumented(): Promise<InstrumentedBundle> {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'bc-bench-activation-'));
  const file = path.join(dir, 'extension.js');
  const bundled: Record<string, number> = Object.fromEntries(GROUPS.map(([name]) => [name, 0]));
  await esbuild.build({
    stdin: {
      contents: [
        "export { activate } from './src/extension';",
        "export async function loadLazyParts() { await import('./src/api'); await import('./src/images'); }",
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'bench-entry.ts',
      loader: 'ts',
    },
    ...PRODUCTION,
    outfile: file,
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

/** The shipped bundle's options with api/, images/ and bulk/ imported statically: what loading them on first use saves. */
export async function buildEager(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const file = path.join(dir, 'extension-eager.js');
  await esbuild.build({
    stdin: {
      contents: ["import './src/api';", "import './src/images';", "import './src/bulk';", "export { activate } from './src/extension';"].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'bench-eager-entry.ts',
      loader: 'ts',
    },
    ...PRODUCTION,
    outfile: file,
  });
  return file;
}

export function evaluatedGroups(): string[] {
  const set = (globalThis as Record<string, unknown>)[GLOBAL] as Set<string> | undefined;
  return [...(set ?? [])].sort();
}

export interface ActivationProbe {
  /** Groups evaluated by require + activate. */
  readonly duringActivation: string[];
  /** Calls of the global `fetch` from require + activate (the first request belongs to the first command). */
  readonly fetchCallsDuringActivation: number;
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
    const realFetch = globalThis.fetch;
    let fetchCalls = 0;
    globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
      fetchCalls++;
      return realFetch(...args);
    }) as typeof fetch;
    try {
      const extension = require(bundle.file) as {
        activate(context: unknown): unknown;
        loadLazyParts(): Promise<void>;
      };
      extension.activate(createContextStub());
      await new Promise((resolve) => setTimeout(resolve, 50));
      const duringActivation = evaluatedGroups();
      const fetchCallsDuringActivation = fetchCalls;
      const commands = [...registeredCommands.keys()].sort();
      await extension.loadLazyParts();
      return { duringActivation, fetchCallsDuringActivation, afterLoadingLazyParts: evaluatedGroups(), bundled: bundle.bundled, commands };
    } finally {
      globalThis.fetch = realFetch;
    }
  } finally {
    bundle.dispose();
  }
}
