/**
 * `npm run screenshots`: screenshots of the real workbench for the README, taken against the emulator's
 * demo data. Starts the emulator (Basic authentication, as the sandbox does) and code-server with this
 * extension, drives headless Chromium at 1280×800 through the flows and writes the PNGs to
 * media/screenshots/ (kept out of the .vsix by .vscodeignore), plus one small crop for the walkthrough
 * in media/walkthrough/.
 *
 *   npm run screenshots
 *
 * Environment: BC_PICTURES_TEST_VERBOSE=1 also prints code-server's output.
 */
import * as childProcess from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { DEMO, startEmulator, type Emulator } from '../emulator';
import { launchChromium } from './codeServer/browser';
import { Cleanup } from './codeServer/cleanup';
import { startCodeServer } from './codeServer/server';
import { remoteAuthority, workbenchUrl } from './codeServer/workbench';
import { installCodeServer, REPO_ROOT } from './installCodeServer';
import { ACTION_TITLE, contextMenu, explorerRow } from './menus';
import { ensurePrerequisites, which } from './prerequisites';

const OUT_DIR = path.join(REPO_ROOT, 'media', 'screenshots');
const WALKTHROUGH_DIR = path.join(REPO_ROOT, 'media', 'walkthrough');
const SAMPLES = path.join(REPO_ROOT, 'customer-pictures');
/** The folder of samples inside the workspace, as the Explorer shows it. */
const FOLDER = 'customer-pictures';
const BULK_TITLE = 'Add Pictures by Customer Number…';
const VIEWPORT = { width: 1280, height: 800 };
const TIME_LIMIT_MS = 5 * 60_000;

const started = Date.now();
function say(line: string): void {
  console.log(`[screenshots ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
}

const quickInputRow = (page: Page, text: string | RegExp) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text });
const toasts = (page: Page) => page.locator('.notifications-toasts');

async function waitForTitle(page: Page, text: string | RegExp, timeout = 30_000): Promise<void> {
  await page.locator('.quick-input-widget:visible .quick-input-title', { hasText: text }).waitFor({ state: 'visible', timeout });
}

async function waitForToast(page: Page, text: string | RegExp, timeout = 30_000): Promise<void> {
  await toasts(page).locator('.notification-toast', { hasText: text }).first().waitFor({ state: 'visible', timeout });
}

/** Progress notifications fade out after their work is done. */
async function toastGone(page: Page, text: string | RegExp): Promise<void> {
  await toasts(page).locator('.notification-toast', { hasText: text }).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

/** Lets animations (menus, toasts fading in) settle before a picture is taken. */
async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  await page.waitForTimeout(300);
}

/** Right-clicks an Explorer row until the extension's item is in its menu (contributions arrive shortly after the Explorer). */
async function openContextMenuWith(page: Page, row: string, item: string): Promise<Locator> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await contextMenu(page).isVisible()) {
      await page.keyboard.press('Escape');
      await contextMenu(page).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
    // A webview (the image preview) can hold the focus: the first right-click may only take it back.
    await explorerRow(page, row).click({ button: 'right' });
    const shown = await contextMenu(page).waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
    const entry = contextMenu(page).locator('[role="menuitem"]', { has: page.locator('.action-label', { hasText: item }) });
    // The menu closes again when something else takes the focus just then: it must still be open a moment later.
    if (shown && (await entry.count()) > 0 && (await page.waitForTimeout(500), await contextMenu(page).isVisible())) return entry.first();
    if (Date.now() > deadline) throw new Error(`"${item}" is not in the context menu of ${row}`);
    await page.waitForTimeout(1_000);
  }
}

/** Runs a workbench command by its title through the Command Palette. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget:visible input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(title);
  await quickInputRow(page, title).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Clear All Notifications');
  await toasts(page).locator('.notification-toast').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

/** Makes a PNG smaller without changing what it shows (ImageMagick, when installed). */
function optimise(file: string): void {
  if (!which('convert')) return;
  const temp = `${file}.tmp.png`;
  const result = childProcess.spawnSync('convert', [file, '-strip', '-define', 'png:compression-level=9', '-define', 'png:exclude-chunks=date,time', temp]);
  if (result.status === 0 && fs.existsSync(temp) && fs.statSync(temp).size < fs.statSync(file).size) fs.renameSync(temp, file);
  fs.rmSync(temp, { force: true });
}

async function shoot(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }, dir = OUT_DIR): Promise<void> {
  await settle(page);
  const file = path.join(dir, name);
  await page.screenshot({ path: file, clip });
  optimise(file);
  say(`${path.relative(REPO_ROOT, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KB)`);
}

/** The box around some elements, with a margin, inside the viewport. */
async function around(locators: Locator[], margin = 12): Promise<{ x: number; y: number; width: number; height: number }> {
  const boxes = (await Promise.all(locators.map((l) => l.boundingBox()))).filter((b) => b !== null);
  if (boxes.length === 0) throw new Error('nothing to crop around');
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
  const right = Math.min(VIEWPORT.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin);
  const bottom = Math.min(VIEWPORT.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin);
  return { x, y, width: right - x, height: bottom - y };
}

/**
 * A phone photo of a shop, 1600×1200 upright, stored sideways with EXIF orientation 6 and a GPS position as a phone
 * stores it: drawn here as SVG and encoded with libvips.
 */
async function shopPhoto(): Promise<{ bytes: Uint8Array; stored: { width: number; height: number } }> {
  const { default: Vips } = await import('wasm-vips');
  const vips = await Vips({ dynamicLibraries: ['vips-resvg.wasm'] });
  const stripes = Array.from({ length: 10 }, (_, i) => `<rect x="${470 + i * 66}" y="430" width="33" height="90" fill="#d33"/>`).join('');
  const scene = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5aa0e6"/><stop offset="1" stop-color="#cfe6fa"/></linearGradient></defs>
    <rect width="1600" height="1200" fill="url(#sky)"/><circle cx="1380" cy="180" r="90" fill="#ffd54a"/>
    <rect y="1000" width="1600" height="200" fill="#8d8d8d"/>
    <rect x="440" y="360" width="720" height="640" fill="#f2e6cf"/><rect x="440" y="430" width="720" height="90" fill="#fff"/>${stripes}
    <rect x="500" y="600" width="220" height="200" fill="#7fb3d5" stroke="#5d4037" stroke-width="12"/>
    <rect x="880" y="600" width="220" height="200" fill="#7fb3d5" stroke="#5d4037" stroke-width="12"/>
    <rect x="740" y="640" width="120" height="360" fill="#6d4c41"/><rect x="520" y="380" width="560" height="40" rx="8" fill="#2e7d32"/>
  </svg>`;
  const upright = vips.Image.newFromBuffer(Buffer.from(scene), '').flatten();
  try {
    const stored = upright.rot270().copy();
    stored.setInt('orientation', 6);
    stored.setString('exif-ifd3-GPSLatitude', '33/1 44/1 56/1');
    stored.setString('exif-ifd3-GPSLatitudeRef', 'N');
    stored.setString('exif-ifd0-Make', 'Phone');
    return { bytes: stored.writeToBuffer('.jpg', { Q: 92 }), stored: { width: stored.width, height: stored.height } };
  } finally {
    vips.shutdown();
  }
}

async function takeScreenshots(page: Page, emulator: Emulator, credentials: { userName: string; key: string }, workspace: string): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 60_000 });
  await explorerRow(page, FOLDER).waitFor({ state: 'visible', timeout: 60_000 });
  await explorerRow(page, FOLDER).click();
  await explorerRow(page, '20000.jpg').waitFor({ state: 'visible', timeout: 10_000 });

  // 1. The image open in the preview, and the Explorer context menu of its file.
  await explorerRow(page, '20000.jpg').dblclick();
  await page.locator('.editor-group-container.active .tab.active', { hasText: '20000.jpg' }).waitFor({ state: 'visible', timeout: 20_000 });
  // The preview reports the image's size in the status bar once it shows the image; then the Explorer gets the focus back.
  await page.locator('.statusbar-item', { hasText: /^\s*\d+\s*[x×]\s*\d+\s*$/ }).first().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => undefined);
  await explorerRow(page, '20000.jpg').click();
  const item = await openContextMenuWith(page, '20000.jpg', ACTION_TITLE);
  await item.hover();
  await shoot(page, 'context-menu.png');
  // The walkthrough's crop: the Explorer row and the menu.
  await shoot(page, 'add-picture.png', await around([explorerRow(page, FOLDER), contextMenu(page)]), WALKTHROUGH_DIR);

  // 2. Sign in (Basic, as on premises), the company, then the customer picker with a search typed.
  await item.click();
  await waitForTitle(page, 'Sign in to');
  await page.keyboard.type(credentials.userName);
  await page.keyboard.press('Enter');
  await waitForTitle(page, 'Web service access key');
  await page.keyboard.type(credentials.key);
  await page.keyboard.press('Enter');
  await waitForTitle(page, 'Select the Company');
  await quickInputRow(page, 'CRONUS USA, Inc.').first().click();
  await waitForTitle(page, 'Select the Customer of CRONUS USA, Inc.');
  await quickInputRow(page, 'Adatum Corporation').first().waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.type('tr', { delay: 120 });
  // The search runs on the server: wait until the list shows its answer and nothing else is loading.
  await quickInputRow(page, 'Adatum Corporation').first().waitFor({ state: 'hidden', timeout: 20_000 });
  await quickInputRow(page, 'Trey Research').first().waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('.quick-input-widget .quick-input-progress.done, .quick-input-widget .monaco-progress-container.done').first()
    .waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
  await shoot(page, 'customer-picker.png');

  // 3. The upload's progress notification (the emulator holds the upload for a while), then the success.
  emulator.fault({ method: 'PATCH', path: /pictureContent/, kind: 'latency', ms: 6_000 });
  await quickInputRow(page, 'Trey Research').first().click();
  await waitForToast(page, 'Setting the picture of Trey Research');
  await page.waitForTimeout(1_000);
  await shoot(page, 'upload-progress.png');
  await waitForToast(page, 'Picture of Trey Research (20000) in CRONUS USA, Inc. set', 30_000);
  await shoot(page, 'upload-done.png');
  await clearNotifications(page);
  // Back to the demo data, so that the plan below shows Trey Research as ready.
  emulator.data.company(DEMO.cronusId)!.customers.deletePicture(DEMO.customer(20000));

  // 3b. Before and after: Adatum has the shop's photo as an upload of the file stored it (sideways: Business Central
  // does not turn it, and its location is in it); the same photo is added here, and the preview shows both.
  const photo = await shopPhoto();
  fs.mkdirSync(path.join(workspace, 'photos'));
  fs.writeFileSync(path.join(workspace, 'photos', 'shop.jpg'), photo.bytes);
  const adatum = emulator.data.company(DEMO.cronusId)!.customers;
  const demoPicture = adatum.picture(DEMO.customer(10000));
  adatum.setPicture(DEMO.customer(10000), Buffer.from(photo.bytes), { ...photo.stored, contentType: 'image/jpeg' });
  await explorerRow(page, 'photos').waitFor({ state: 'visible', timeout: 20_000 });
  await explorerRow(page, 'photos').click();
  await explorerRow(page, 'shop.jpg').waitFor({ state: 'visible', timeout: 10_000 });
  await (await openContextMenuWith(page, 'shop.jpg', ACTION_TITLE)).click();
  await waitForTitle(page, 'Select the Company');
  await quickInputRow(page, 'CRONUS USA, Inc.').first().click();
  await waitForTitle(page, 'Select the Customer of CRONUS USA, Inc.');
  await quickInputRow(page, 'Adatum Corporation').first().click();
  await waitForTitle(page, 'Adatum Corporation (10000) already has a picture. Replace it?');
  // The preview is a webview: frames in frames; wait until both pictures are drawn in it.
  await page.locator('iframe.webview').first().waitFor({ state: 'attached', timeout: 20_000 });
  for (let tries = 0; tries < 100; tries++) {
    const drawn = await Promise.all(page.frames().map((frame) => frame.$$eval('img', (all) => all.filter((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0).length).catch(() => 0)));
    if (drawn.reduce((a, b) => a + b, 0) >= 4) break;
    await page.waitForTimeout(200);
  }
  await shoot(page, 'preview.png');
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget:visible').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  adatum.setPicture(DEMO.customer(10000), demoPicture.bytes!, { width: demoPicture.width, height: demoPicture.height, contentType: demoPicture.contentType });
  await runCommand(page, 'View: Close All Editors');
  // The later pictures show the samples alone.
  fs.rmSync(path.join(workspace, 'photos'), { recursive: true, force: true });
  await explorerRow(page, 'photos').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);

  // 4. Many pictures: the folder's context menu, the plan, the summary.
  const bulk = await openContextMenuWith(page, FOLDER, BULK_TITLE);
  await bulk.click();
  await waitForTitle(page, 'Select the Company');
  await quickInputRow(page, 'CRONUS USA, Inc.').first().click();
  await waitForTitle(page, /Pictures for customers of CRONUS USA, Inc\./);
  await quickInputRow(page, 'Trey Research').first().waitFor({ state: 'visible', timeout: 20_000 });
  await toastGone(page, 'Matching');
  await shoot(page, 'plan.png');
  await page.keyboard.press('Enter');
  await waitForToast(page, /CRONUS USA, Inc\.: pictures set for \d+ customers/, 60_000);
  await toastGone(page, 'Adding');
  await shoot(page, 'summary.png');
  await clearNotifications(page);

  // 5. The walkthrough (Basic authentication: the Entra step is hidden), wide enough for its two columns.
  await runCommand(page, 'View: Close Primary Side Bar');
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await page.keyboard.type('Business Central');
  await quickInputRow(page, 'Get Started with Business Central Customer Pictures').first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
  const step = page.locator('.getting-started-step', { hasText: 'Add your first customer picture' }).first();
  await step.waitFor({ state: 'visible', timeout: 20_000 });
  await step.click();
  // The step's Markdown renders in a webview: wait for its frame, then for the picture in it to load.
  await page.locator('.gettingStartedContainer iframe, .getting-started-media iframe').first().waitFor({ state: 'attached', timeout: 20_000 }).catch(() => undefined);
  await page.waitForTimeout(2_000);
  await shoot(page, 'walkthrough.png');
}

async function main(cleanup: Cleanup): Promise<void> {
  ensurePrerequisites({ browser: true, codeServerBuild: false });
  for (const file of ['dist/extension.js', 'out/test/emulator/index.js']) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) throw new Error(`${file} is missing: run \`npm run compile\` first (npm run screenshots does).`);
  }
  const credentials = { userName: 'ADMIN', key: randomBytes(24).toString('base64') };
  const emulator = await startEmulator({ data: 'demo', basic: credentials });
  cleanup.add(() => emulator.close());

  const installation = await installCodeServer({ log: (line) => say(line) });
  // Short path: code-server and the extension host create unix sockets here.
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-shots-'));
  cleanup.setTempDir(tempDir);
  const workspace = path.join(tempDir, 'pictures');
  fs.cpSync(SAMPLES, path.join(workspace, FOLDER), { recursive: true });

  const server = await startCodeServer(installation, cleanup, {
    tempDir,
    workspace,
    env: {},
    settings: {
      'bcPictures.serviceUrl': emulator.url,
      'bcPictures.authentication': 'basic',
      'bcPictures.api': 'businessCentral',
      'bcPictures.environment': 'production',
      'workbench.colorTheme': 'Default Dark Modern',
      'workbench.activityBar.location': 'default',
      'editor.minimap.enabled': false,
      'explorer.compactFolders': false,
    },
    withoutMicrosoftSignIn: false,
  });
  const authority = await remoteAuthority(server, workspace);
  say(`code-server listening on ${server.url}`);

  const browser = await launchChromium(tempDir);
  cleanup.setBrowser(browser);
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(
    workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${REPO_ROOT}`],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]),
    { timeout: 120_000 },
  );

  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.mkdirSync(WALKTHROUGH_DIR, { recursive: true });
  try {
    await takeScreenshots(page, emulator, credentials, workspace);
  } catch (error) {
    const file = path.join(REPO_ROOT, '.vscode-test', 'screens', 'screenshots-failure.png');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file }).catch(() => undefined);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n(the workbench at that moment: ${path.relative(REPO_ROOT, file)})`);
  }
}

if (require.main === module) {
  const cleanup = new Cleanup();
  const timer = setTimeout(() => {
    console.error(`[screenshots] not done after ${TIME_LIMIT_MS / 1000} s`);
    cleanup.now();
    process.exit(124);
  }, TIME_LIMIT_MS);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanup.now();
      process.exit(130);
    });
  }
  void main(cleanup)
    .then(
      () => 0,
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        return 1;
      },
    )
    .then(async (code) => {
      clearTimeout(timer);
      await cleanup.run();
      say(code === 0 ? `done: ${path.relative(REPO_ROOT, OUT_DIR)}/` : 'failed');
      process.exit(code);
    });
}
