/** The two runs in the workbench: the extension-host tests and the menu checks, each on a page of its own. */
import * as path from 'node:path';
import * as util from 'node:util';
import type { Browser } from 'playwright-core';
import { REPO_ROOT } from '../installCodeServer';
import { runMenuChecks, type CheckResults } from '../menus';
import type { UiDriver } from '../uiDriver';
import { openWorkbenchPage } from './browser';
import { EXTENSION_ID, EXTENSION_ROOT, TESTS_ENTRY } from './extension';
import { delay, say } from './log';
import type { Server } from './server';
import { workbenchUrl } from './workbench';

const SCREENS_DIR = path.join(REPO_ROOT, '.vscode-test', 'screens');
const HOST_SUMMARY = /host-tests:\s*(\d+) passed,\s*(\d+) failed/;

export interface HostResult {
  readonly exitCode: number;
  readonly passed: number;
  readonly failed: number;
  readonly summarised: boolean;
}

export async function runHostTests(
  browser: Browser,
  server: Server,
  authority: string,
  workspace: string,
  deadline: number,
  driver: UiDriver,
): Promise<HostResult> {
  const { context, page, errors } = await openWorkbenchPage(browser);
  driver.page = page;
  let summary: RegExpExecArray | null = null;
  let finish!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (finish = resolve));

  // Both must exist before the workbench starts.
  await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    console.log(line);
    summary = HOST_SUMMARY.exec(line.replace(/\x1b\[[0-9;]*m/g, '')) ?? summary;
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => finish(Number(code) || 0));

  const remote = (p: string) => `vscode-remote://${authority}${p}`;
  await page.goto(
    workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', remote(EXTENSION_ROOT)],
      ['extensionTestsPath', remote(TESTS_ENTRY)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]),
    { timeout: 120_000 },
  );
  if ((await page.evaluate('window.__bcPicturesTrusted === true').catch(() => false)) !== true) {
    say(`warning: could not add ${EXTENSION_ID} to trustedExtensionAuthAccess; authentication tests will meet a consent dialog`);
  }
  say('workbench loaded; the extension host runs the tests:');
  console.log('');

  const remaining = Math.max(deadline - Date.now(), 1_000);
  const outcome = await Promise.race([
    exited.then((code) => ({ code })),
    server.exited.then((code) => ({ serverExit: code })),
    delay(remaining).then(() => ({ timeout: true })),
  ]);
  console.log('');
  driver.page = undefined;
  await context.close().catch(() => undefined);

  if ('timeout' in outcome) {
    say(`the extension-host tests did not finish in time. Last browser errors:\n${errors.slice(-10).join('\n')}`);
    say(`code-server's last output:\n${server.tail()}`);
    return { exitCode: 124, passed: 0, failed: 1, summarised: false };
  }
  if ('serverExit' in outcome) {
    say(`code-server exited (code ${outcome.serverExit}) during the tests:\n${server.tail()}`);
    return { exitCode: 1, passed: 0, failed: 1, summarised: false };
  }
  const found = summary as RegExpExecArray | null;
  if (!found) {
    say('the extension host printed no "host-tests: N passed, M failed" line (did run() fail to load?)');
    return { exitCode: outcome.code || 1, passed: 0, failed: 1, summarised: false };
  }
  return { exitCode: outcome.code, passed: Number(found[1]), failed: Number(found[2]), summarised: true };
}

export async function runMenus(browser: Browser, server: Server, authority: string, workspace: string): Promise<CheckResults> {
  const { context, page, errors } = await openWorkbenchPage(browser);
  try {
    await page.goto(
      workbenchUrl(server, workspace, [
        ['extensionDevelopmentPath', `vscode-remote://${authority}${EXTENSION_ROOT}`],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ]),
      { timeout: 120_000 },
    );
    return await runMenuChecks(page, { screenshotDir: SCREENS_DIR, log: (line) => console.log(line) });
  } catch (error) {
    console.log(`    ✗ menu checks could not run: ${error instanceof Error ? error.message : String(error)}`);
    if (errors.length > 0) {
      say(`last browser errors:\n${errors.slice(-10).join('\n')}`);
    }
    return { passed: 0, failed: 1 };
  } finally {
    await context.close().catch(() => undefined);
  }
}
