/**
 * A test that reloads the window, as a user does mid-job: the extension host ends, and the workbench starts the
 * tests again in the new one. What the first half leaves for the second (and the counts of the tests that ran
 * before it) is a file beside the workspace; the test entry (index.ts) finds it and runs only the second half.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** What a test title after a reload starts with: the test entry runs only these in the new extension host. */
export const AFTER_RELOAD = 'after the reload:';

interface Marker {
  readonly passed: number;
  readonly failed: number;
  readonly state: unknown;
}

/** Tests passed and failed so far in this extension host, with each failure's account; the test entry counts them. */
export const counted = { passed: 0, failed: 0, failures: [] as string[] };
let taken: Marker | undefined;

const markerFile = () => {
  const workspace = process.env.BC_PICTURES_TEST_WORKSPACE;
  return workspace ? path.join(path.dirname(workspace), 'after-reload.json') : undefined;
};

/** For the test entry: whether this extension host started after a test's reload; takes the marker (once). */
export function takeAfterReload(): { passed: number; failed: number } | undefined {
  const file = markerFile();
  if (!file || !fs.existsSync(file)) return undefined;
  taken = JSON.parse(fs.readFileSync(file, 'utf8')) as Marker;
  fs.rmSync(file);
  return { passed: taken.passed, failed: taken.failed };
}

/** For the test after the reload: what the test before it left; undefined when this host did not start from a reload. */
export function stateAfterReload<T>(): T | undefined {
  return taken?.state as T | undefined;
}

/** Leaves `state` for the test after the reload, and reloads the window; never returns (this extension host ends). */
export async function reloadWindow(state: unknown): Promise<never> {
  const file = markerFile();
  if (!file) throw new Error('BC_PICTURES_TEST_WORKSPACE is not set: the launcher names the workspace there');
  // Mocha tells the failures at the end of a run, which this extension host does not reach: they are told here.
  for (const [n, failure] of counted.failures.entries()) console.log(`\n  before the reload, ${n + 1}) ${failure}`);
  fs.writeFileSync(file, JSON.stringify({ passed: counted.passed, failed: counted.failed, state } satisfies Marker));
  await vscode.commands.executeCommand('workbench.action.reloadWindow');
  return new Promise<never>(() => undefined);
}
