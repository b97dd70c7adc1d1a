/**
 * `npm run test:host`: runs the extension-host tests (test/host/) in a real
 * VS Code extension host, offline and headless, then checks the Explorer and
 * editor menus in the browser workbench (test/launch/menus.ts).
 *
 * code-server 4.100.3 (VS Code 1.100.3 server + web workbench, installed from
 * npm by installCodeServer.ts) runs the extension in its remote Node extension
 * host, exactly as desktop VS Code runs a `main` extension over Remote; the
 * workbench runs in headless Debian Chromium driven by playwright-core.
 *
 * Environment:
 *   BC_PICTURES_TEST_TIMEOUT   overall time limit in seconds (default 600)
 *   BC_PICTURES_TEST_VERBOSE=1 also print code-server's output and browser errors
 *   BC_PICTURES_TEST_GREP      only run host tests whose title matches
 *   BC_PICTURES_SKIP_MENUS=1   skip the browser menu checks
 *   BC_PICTURES_EXTENSION_PATH the extension folder to load instead of the repo
 *                              root (it must hold dist/ and out/test/host/)
 *   BC_PICTURES_TEST_TLS_DIR   the folder test/launch/privateCa.sh filled (its CA
 *                              in the OS store); without it the private-CA tests
 *                              of network.test.ts are skipped
 * Every variable of this process reaches the extension host (so tests can be
 * given, e.g., an emulator URL); the launcher adds BC_PICTURES_TEST_WORKSPACE,
 * the folder the workbench has open, BC_PICTURES_TEST_LOGS, the logs folder of
 * its user data (where the extension's log channel writes), and
 * BC_PICTURES_UI_DRIVER, the address of the UI driver (uiDriver.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium } from './codeServer/browser';
import { Cleanup } from './codeServer/cleanup';
import { EXTENSION_ROOT, TESTS_ENTRY } from './codeServer/extension';
import { delay, say, seconds, verbose } from './codeServer/log';
import { runHostTests, runMenus } from './codeServer/runners';
import { startCodeServer, userDataDir } from './codeServer/server';
import { remoteAuthority } from './codeServer/workbench';
import { installCodeServer, REPO_ROOT } from './installCodeServer';
import type { CheckResults } from './menus';
import { startUiDriver } from './uiDriver';
import { ensurePrerequisites, PrerequisiteError } from './prerequisites';

const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');

function copyWorkspace(target: string): string {
  fs.cpSync(FIXTURE_WORKSPACE, target, { recursive: true });
  return target;
}

async function main(cleanup: Cleanup, deadline: number): Promise<number> {
  console.log('');
  console.log('=== Business Central Customer Pictures: extension-host tests (code-server + headless Chromium) ===');
  // What building code-server takes is checked by installCodeServer, only when it has to install.
  ensurePrerequisites({ browser: true, codeServerBuild: false });
  for (const [file, hint] of [
    [path.join(EXTENSION_ROOT, 'dist', 'extension.js'), 'the extension bundle'],
    [TESTS_ENTRY, 'the compiled host tests'],
  ]) {
    if (!fs.existsSync(file)) {
      throw new PrerequisiteError(`${path.relative(REPO_ROOT, file)} (${hint}) is missing: run \`npm run compile\` first.`, 2);
    }
  }
  const inst = await installCodeServer({ log: (line) => say(line) });

  // Short path: code-server and the extension host create unix sockets here.
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-'));
  cleanup.setTempDir(tempDir);
  const hostWorkspace = copyWorkspace(path.join(tempDir, 'workspace'));
  // The menu checks get their own copy, so no editor state of the tests is restored there.
  const menuWorkspace = copyWorkspace(path.join(tempDir, 'menus'));

  const driver = await startUiDriver();
  cleanup.add(() => driver.close());
  const server = await startCodeServer(inst, cleanup, {
    tempDir,
    workspace: hostWorkspace,
    env: { BC_PICTURES_TEST_WORKSPACE: hostWorkspace, BC_PICTURES_TEST_LOGS: path.join(userDataDir(tempDir), 'logs'), BC_PICTURES_UI_DRIVER: driver.url },
    withoutMicrosoftSignIn: true,
  });
  say(`code-server listening on ${server.url}`);
  const authority = await remoteAuthority(server, hostWorkspace);

  const browser = await launchChromium(tempDir);
  cleanup.setBrowser(browser);

  const hostStarted = Date.now();
  const host = await runHostTests(browser, server, authority, hostWorkspace, deadline, driver);
  say(
    `extension host: ${host.summarised ? `${host.passed} passed, ${host.failed} failed` : 'no result'}, exit code ${host.exitCode} (${seconds(hostStarted)})`,
  );

  let menus: CheckResults = { passed: 0, failed: 0 };
  if (process.env.BC_PICTURES_SKIP_MENUS === '1') {
    say('menu checks skipped (BC_PICTURES_SKIP_MENUS=1)');
  } else if (Date.now() >= deadline) {
    say('menu checks not run: the time limit is reached (BC_PICTURES_TEST_TIMEOUT)');
  } else {
    const menusStarted = Date.now();
    console.log('');
    menus = await Promise.race([
      runMenus(browser, server, authority, menuWorkspace),
      delay(deadline - Date.now()).then(() => {
        say('the menu checks did not finish in time (BC_PICTURES_TEST_TIMEOUT)');
        return { passed: 0, failed: 1 };
      }),
    ]);
    console.log('');
    say(`menus: ${menus.passed} passed, ${menus.failed} failed (${seconds(menusStarted)})`);
  }

  const passed = host.passed + menus.passed;
  // A host run that failed without saying how counts as one failure.
  const failed = host.failed + menus.failed + (host.exitCode !== 0 && host.failed === 0 ? 1 : 0);
  say(`done in ${seconds()}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  const cleanup = new Cleanup();
  const limitSeconds = Number(process.env.BC_PICTURES_TEST_TIMEOUT) || 600;
  const deadline = Date.now() + limitSeconds * 1000;
  const timer = setTimeout(() => {
    console.error(`[test:host] timed out after ${limitSeconds} s (BC_PICTURES_TEST_TIMEOUT)`);
    console.log('0 passed, 1 failed');
    cleanup.now();
    process.exit(124);
  }, limitSeconds * 1000 + 30_000);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`[test:host] ${signal}: cleaning up`);
      cleanup.now();
      process.exit(130);
    });
  }
  void main(cleanup, deadline)
    .catch((error: unknown) => {
      console.error('');
      console.error(error instanceof Error ? error.message : String(error));
      if (!(error instanceof PrerequisiteError) && error instanceof Error && error.stack && verbose) {
        console.error(error.stack);
      }
      console.log('0 passed, 1 failed');
      return error instanceof PrerequisiteError ? error.exitCode : 1;
    })
    .then(async (code) => {
      clearTimeout(timer);
      await cleanup.run();
      process.exit(code);
    });
}
