/**
 * The extension-host test entry (`extensionTestsPath`): VS Code loads this
 * module inside the extension host and awaits `run()`; the workbench then
 * exits with 0 if it resolved, 1 if it rejected.
 *
 * Runs every `out/test/host/**\/*.test.js` with mocha, foundation suite
 * (`extension.test.js`) first because it checks that nothing activated the
 * extension before its command ran. Prints `host-tests: N passed, M failed`
 * last, which the launchers parse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Runs first: it asserts that the extension has not been activated yet. */
const FIRST = 'extension.test.js';

export const SUMMARY_PREFIX = 'host-tests:';

function findTestFiles(dir: string): string[] {
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => path.join(dir, file))
    .sort();
  const first = path.join(dir, FIRST);
  return files.includes(first) ? [first, ...files.filter((file) => file !== first)] : files;
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    // A filter for local runs: BC_PICTURES_TEST_GREP='upload' npm run test:host
    grep: process.env.BC_PICTURES_TEST_GREP || undefined,
  });
  const files = findTestFiles(__dirname);
  for (const file of files) {
    mocha.addFile(file);
  }

  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        const passes = runner.stats?.passes ?? 0;
        // Failures also counts hook failures and uncaught errors.
        console.log(`${SUMMARY_PREFIX} ${passes} passed, ${failures} failed`);
        if (failures > 0) {
          reject(new Error(`${failures} extension-host test(s) failed`));
        } else if (passes === 0) {
          reject(new Error(`no extension-host tests ran (looked for *.test.js in ${__dirname})`));
        } else {
          resolve();
        }
      });
    } catch (error) {
      // A test file that throws while loading.
      console.error(error);
      console.log(`${SUMMARY_PREFIX} 0 passed, 1 failed`);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
