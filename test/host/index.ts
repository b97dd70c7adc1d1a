/**
 * The extension-host test entry (`extensionTestsPath`): VS Code loads this
 * module inside the extension host and awaits `run()`; the workbench then
 * exits with 0 if it resolved, 1 if it rejected.
 *
 * Runs every `out/test/host/**\/*.test.js` with mocha, foundation suite
 * (`extension.test.js`) first because it checks that nothing activated the
 * extension before its command ran, and `resume.test.js` last because it
 * reloads the window: the new extension host then runs only the tests titled
 * "after the reload:" (support/reload.ts). Prints `host-tests: N passed, M
 * failed` last, with the tests before a reload counted, which the launchers parse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { AFTER_RELOAD, counted, takeAfterReload } from './support/reload';

/** Runs first: it asserts that the extension has not been activated yet. */
const FIRST = 'extension.test.js';
/** Runs last: it reloads the window. */
const LAST = 'resume.test.js';

export const SUMMARY_PREFIX = 'host-tests:';

function findTestFiles(dir: string): string[] {
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => path.join(dir, file))
    .sort();
  const [first, last] = [FIRST, LAST].map((name) => path.join(dir, name));
  const middle = files.filter((file) => file !== first && file !== last);
  return [...(files.includes(first) ? [first] : []), ...middle, ...(files.includes(last) ? [last] : [])];
}

export function run(): Promise<void> {
  // Started by a test's reload: the tests before it ran in the extension host that ended, and count here.
  const before = takeAfterReload();
  const reloaded = before !== undefined;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    // A filter for local runs: BC_PICTURES_TEST_GREP='upload' npm run test:host; after a reload, only its second halves.
    grep: reloaded ? AFTER_RELOAD : process.env.BC_PICTURES_TEST_GREP || undefined,
  });
  const files = findTestFiles(__dirname);
  for (const file of files) {
    mocha.addFile(file);
  }

  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failuresHere) => {
        const passes = (runner.stats?.passes ?? 0) + (before?.passed ?? 0);
        // Failures also counts hook failures and uncaught errors.
        const failures = failuresHere + (before?.failed ?? 0);
        console.log(`${SUMMARY_PREFIX} ${passes} passed, ${failures} failed`);
        if (failures > 0) {
          reject(new Error(`${failures} extension-host test(s) failed`));
        } else if (passes === 0) {
          reject(new Error(`no extension-host tests ran (looked for *.test.js in ${__dirname})`));
        } else {
          resolve();
        }
      });
      // What a reload leaves for the new extension host: the counts so far.
      runner.on('pass', () => counted.passed++);
      runner.on('fail', (test: Mocha.Runnable, error: Error) => {
        counted.failed++;
        counted.failures.push(`${test.fullTitle()}:\n     ${error?.stack ?? String(error)}`);
      });
    } catch (error) {
      // A test file that throws while loading.
      console.error(error);
      console.log(`${SUMMARY_PREFIX} 0 passed, 1 failed`);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
