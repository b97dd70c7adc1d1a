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
 * Every variable of this process reaches the extension host (so tests can be
 * given, e.g., an emulator URL); the launcher adds BC_PICTURES_TEST_WORKSPACE,
 * the folder the workbench has open.
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type CodeServerInstallation, installCodeServer, REPO_ROOT } from './installCodeServer';
import { runMenuChecks, type CheckResults } from './menus';
import { startUiDriver, type UiDriver } from './uiDriver';
import { CHROMIUM_PATH, ensurePrerequisites, PrerequisiteError } from './prerequisites';

export const EXTENSION_ID = 'bc-pictures.bc-customer-pictures';
const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
/** extensionDevelopmentPath; the tests entry must be inside it. */
const EXTENSION_ROOT = path.resolve(process.env.BC_PICTURES_EXTENSION_PATH || REPO_ROOT);
const TESTS_ENTRY = path.join(EXTENSION_ROOT, 'out', 'test', 'host', 'index.js');
const SCREENS_DIR = path.join(REPO_ROOT, '.vscode-test', 'screens');
const HOST_SUMMARY = /host-tests:\s*(\d+) passed,\s*(\d+) failed/;

const verbose = process.env.BC_PICTURES_TEST_VERBOSE === '1';
const started = Date.now();

function seconds(since = started): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function say(line: string): void {
  console.log(`[test:host ${seconds()}] ${line}`);
}

/** Everything that must be undone however the run ends. */
export class Cleanup {
  private serverPid: number | undefined;
  private tempDir: string | undefined;
  private browser: Browser | undefined;
  private readonly closers: Array<() => Promise<void>> = [];

  /** Something else to close in the orderly way (the UI driver). */
  add(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  setServer(pid: number | undefined): void {
    this.serverPid = pid;
  }
  setTempDir(dir: string): void {
    this.tempDir = dir;
  }
  setBrowser(browser: Browser): void {
    this.browser = browser;
  }

  /** Kills the code-server process group (server, extension hosts, their children). */
  private killServer(signal: NodeJS.Signals): void {
    if (this.serverPid === undefined) {
      return;
    }
    try {
      process.kill(-this.serverPid, signal);
    } catch {
      // already gone
    }
  }

  private removeTempDir(): void {
    if (this.tempDir) {
      fs.rmSync(this.tempDir, { recursive: true, force: true, maxRetries: 3 });
      this.tempDir = undefined;
    }
  }

  /** The orderly way: close the browser, stop the server, remove the temporary folder. */
  async run(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) {
      await Promise.race([browser.close().catch(() => undefined), delay(5_000)]);
    }
    if (this.serverPid !== undefined) {
      this.killServer('SIGTERM');
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline && processGroupAlive(this.serverPid)) {
        await delay(100);
      }
      this.killServer('SIGKILL');
      this.serverPid = undefined;
    }
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
    this.removeTempDir();
  }

  /** For timeouts and signals: synchronous and final (Playwright kills its browser on exit). */
  now(): void {
    this.killServer('SIGKILL');
    this.serverPid = undefined;
    this.removeTempDir();
  }
}

function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Server {
  readonly url: string;
  readonly pid: number | undefined;
  readonly exited: Promise<number | null>;
  /** The last lines code-server wrote, for error reports. */
  tail(): string;
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * A folder of symlinks to every built-in extension except
 * microsoft-authentication, so that tests can register their own `microsoft`
 * authentication provider.
 */
function builtinExtensionsDir(inst: CodeServerInstallation, dir: string): string[] {
  const source = path.join(inst.vscodeDir, 'extensions');
  fs.mkdirSync(dir, { recursive: true });
  const linked: string[] = [];
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    if (
      !entry.isDirectory() ||
      entry.name === 'node_modules' ||
      entry.name === 'microsoft-authentication' ||
      !fs.existsSync(path.join(source, entry.name, 'package.json'))
    ) {
      continue;
    }
    fs.symlinkSync(path.join(source, entry.name), path.join(dir, entry.name));
    linked.push(entry.name);
  }
  return linked;
}

/** The environment of code-server and therefore of the extension host. */
function serverEnv(tempDir: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Variables of a surrounding VS Code (integrated terminal) would make the
    // server talk to it.
    if (/^(VSCODE_|ELECTRON_)/.test(key)) {
      continue;
    }
    env[key] = value;
  }
  const tmp = path.join(tempDir, 't');
  const xdg = path.join(tempDir, 'x');
  for (const dir of [tmp, xdg]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  return {
    ...env,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    XDG_RUNTIME_DIR: xdg,
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

export interface CodeServerOptions {
  readonly tempDir: string;
  readonly workspace: string;
  /** Reaches the extension host. */
  readonly env: NodeJS.ProcessEnv;
  /** User settings besides the quiet defaults. */
  readonly settings?: Record<string, unknown>;
  /** Tests register their own `microsoft` provider; the sandbox keeps VS Code's. */
  readonly withoutMicrosoftSignIn: boolean;
  readonly port?: number;
}

/** Starts code-server as its own process group, with private folders; resolves once it listens. */
export async function startCodeServer(inst: CodeServerInstallation, cleanup: Cleanup, options: CodeServerOptions): Promise<Server> {
  const { tempDir, workspace } = options;
  const userData = path.join(tempDir, 'd');
  const extensions = path.join(tempDir, 'e');
  const builtins = path.join(tempDir, 'b');
  const config = path.join(tempDir, 'config.yaml');
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(config, 'auth: none\n');
  writeJson(path.join(userData, 'User', 'settings.json'), {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    ...options.settings,
  });
  if (options.withoutMicrosoftSignIn) {
    const linked = builtinExtensionsDir(inst, builtins);
    if (verbose) {
      say(`built-in extensions: ${linked.length} (without microsoft-authentication)`);
    }
  }

  const args = [
    inst.entry,
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--auth',
    'none',
    '--config',
    config,
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    ...(options.withoutMicrosoftSignIn ? ['--builtin-extensions-dir', builtins] : []),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    workspace,
  ];
  const child = childProcess.spawn(process.execPath, args, {
    cwd: tempDir,
    env: serverEnv(tempDir, options.env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.setServer(child.pid);

  const lines: string[] = [];
  let onLine: ((line: string) => void) | undefined;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line.trim()) {
        continue;
      }
      lines.push(line);
      if (lines.length > 200) {
        lines.shift();
      }
      if (verbose) {
        console.log(`[code-server] ${line}`);
      }
      onLine?.(line);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const tail = () => lines.slice(-40).join('\n');

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${tail()}`)), 60_000);
    onLine = (line) => {
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (code ${code}) before listening:\n${tail()}`));
    });
  });
  onLine = undefined;
  return { url, pid: child.pid, exited, tail };
}

function decodeHtmlAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Headless Debian Chromium as this machine allows it (no sandbox as root, no background network), with private folders. */
export function launchChromium(tempDir: string): Promise<Browser> {
  const browserHome = path.join(tempDir, 'x', 'browser');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Chromium keeps its crash-report database under XDG_CONFIG_HOME: not in the user's home.
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(browserHome, 'config'),
      XDG_CACHE_HOME: path.join(browserHome, 'cache'),
    },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** The workbench's remote authority, from the page's web configuration (normally `remote`). */
export async function remoteAuthority(server: Server, workspace: string): Promise<string> {
  try {
    const response = await fetch(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    const html = await response.text();
    const match = /id="vscode-workbench-web-configuration"[^>]*data-settings="([^"]*)"/.exec(html);
    if (match) {
      const settings = JSON.parse(decodeHtmlAttribute(match[1])) as { remoteAuthority?: string };
      if (settings.remoteAuthority) {
        return settings.remoteAuthority;
      }
    }
  } catch (error) {
    say(`could not read the web configuration (${String(error)}); assuming the remote authority "remote"`);
  }
  return 'remote';
}

/**
 * Runs in the page before any of its scripts: adds the extension to
 * `productConfiguration.trustedExtensionAuthAccess` in the workbench's web
 * configuration (the `data-settings` attribute of a meta element), so that
 * asking for an authentication session shows no consent dialog (dialogs are
 * refused in test mode). Patched both when the element is parsed and when
 * the workbench reads the attribute.
 */
function trustExtensionForAuthScript(extensionId: string): string {
  // Plain JavaScript: this file is compiled without DOM types.
  return `(() => {
  const EXTENSION_ID = ${JSON.stringify(extensionId)};
  const ELEMENT_ID = 'vscode-workbench-web-configuration';
  const ATTRIBUTE = 'data-settings';
  const patch = (raw) => {
    if (!raw) return raw;
    try {
      const config = JSON.parse(raw);
      const product = (config.productConfiguration ??= {});
      const trusted = product.trustedExtensionAuthAccess;
      if (Array.isArray(trusted)) {
        if (!trusted.includes(EXTENSION_ID)) trusted.push(EXTENSION_ID);
      } else if (trusted && typeof trusted === 'object') {
        for (const provider of new Set([...Object.keys(trusted), 'microsoft'])) {
          const ids = (trusted[provider] ??= []);
          if (!ids.includes(EXTENSION_ID)) ids.push(EXTENSION_ID);
        }
      } else {
        product.trustedExtensionAuthAccess = [EXTENSION_ID];
      }
      window.__bcPicturesTrusted = true;
      return JSON.stringify(config);
    } catch {
      return raw;
    }
  };
  const getAttribute = Element.prototype.getAttribute;
  Element.prototype.getAttribute = function (name) {
    const value = getAttribute.call(this, name);
    return this.id === ELEMENT_ID && name === ATTRIBUTE ? patch(value) : value;
  };
  new MutationObserver((records, observer) => {
    const element = document.getElementById(ELEMENT_ID);
    if (element) {
      observer.disconnect();
      const patched = patch(getAttribute.call(element, ATTRIBUTE));
      if (patched !== null) element.setAttribute(ATTRIBUTE, patched);
    }
  }).observe(document, { childList: true, subtree: true });
})();`;
}

interface Workbench {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Recent browser console errors, for reports when something hangs. */
  readonly errors: string[];
}

async function openWorkbenchPage(browser: Browser): Promise<Workbench> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript({ content: trustExtensionForAuthScript(EXTENSION_ID) });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(message.text());
      if (errors.length > 30) {
        errors.shift();
      }
      if (verbose) {
        console.log(`[browser] ${message.text()}`);
      }
    }
  });
  page.on('pageerror', (error) => {
    errors.push(String(error));
    if (verbose) {
      console.log(`[browser] ${String(error)}`);
    }
  });
  return { context, page, errors };
}

export function workbenchUrl(server: Server, workspace: string, payload: [string, string][]): string {
  const url = new URL(server.url + '/');
  url.searchParams.set('folder', workspace);
  url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

interface HostResult {
  readonly exitCode: number;
  readonly passed: number;
  readonly failed: number;
  readonly summarised: boolean;
}

async function runHostTests(
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

async function runMenus(browser: Browser, server: Server, authority: string, workspace: string): Promise<CheckResults> {
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

function copyWorkspace(target: string): string {
  fs.cpSync(FIXTURE_WORKSPACE, target, { recursive: true });
  return target;
}

async function main(cleanup: Cleanup, deadline: number): Promise<number> {
  console.log('');
  console.log('=== Business Central Customer Pictures: extension-host tests (code-server + headless Chromium) ===');
  ensurePrerequisites();
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
    env: { BC_PICTURES_TEST_WORKSPACE: hostWorkspace, BC_PICTURES_UI_DRIVER: driver.url },
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
