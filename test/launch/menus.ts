/**
 * Browser-driven checks of where "Add as Customer Picture…" is offered, in a
 * real workbench (run by codeServer.ts on a page that has the extension under
 * development loaded but runs no tests): the Explorer context menu of image
 * files but not of other files or folders, in a group of its own; the editor
 * title bar of VS Code's image preview of such a file (WebP and SVG ones too,
 * which are converted before they are sent);
 * and the Command Palette's titles, which name the category once.
 *
 * Screenshots go to .vscode-test/screens/ (git-ignored).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const ACTION_TITLE = 'Add as Customer Picture…';

export interface CheckResults {
  passed: number;
  failed: number;
}

export interface MenuCheckOptions {
  /** Where screenshots are written. */
  readonly screenshotDir: string;
  readonly log: (line: string) => void;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Explorer row of a file or folder at the top level of the workspace. */
export function explorerRow(page: Page, name: string): Locator {
  return page
    .locator('.explorer-folders-view .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) });
}

export function contextMenu(page: Page): Locator {
  return page.locator('.context-view .monaco-menu');
}

async function closeContextMenu(page: Page): Promise<void> {
  if (await contextMenu(page).isVisible()) {
    await page.keyboard.press('Escape');
    await contextMenu(page).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
}

/** Right-clicks a row and returns the labels of the context menu's items. */
async function contextMenuLabels(page: Page, name: string): Promise<string[]> {
  await closeContextMenu(page);
  const row = explorerRow(page, name);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click({ button: 'right' });
  await contextMenu(page).waitFor({ state: 'visible', timeout: 10_000 });
  const labels = await contextMenu(page).locator('[role="menuitem"] .action-label').allTextContents();
  return labels.map((label) => label.trim()).filter((label) => label.length > 0);
}

/** What a separator reads as in `contextMenuEntries`. */
const SEPARATOR = '---';

/** Right-clicks a row and returns the context menu's items in order, separators as `SEPARATOR`. */
async function contextMenuEntries(page: Page, name: string): Promise<string[]> {
  await contextMenuLabels(page, name);
  return contextMenu(page)
    .locator('.actions-container > li')
    .evaluateAll((items, separator) => items.map((item) => (item.querySelector('.separator') ? separator : (item.textContent ?? '').trim())), SEPARATOR);
}

/** Whether `label` is alone in its group: a separator (or the menu's end) on either side. */
function inGroupOfItsOwn(entries: readonly string[], label: string): boolean {
  const at = entries.indexOf(label);
  const before = entries[at - 1];
  const after = entries[at + 1];
  return at > 0 && before === SEPARATOR && (after === undefined || after === SEPARATOR);
}

function describe(labels: readonly string[]): string {
  return labels.length > 0 ? labels.map((label) => `"${label}"`).join(', ') : '(no items)';
}

/** The editor title bar action (an icon button whose title / aria-label is the command's title). */
function titleAction(page: Page): Locator {
  const prefix = ACTION_TITLE.replace(/"/g, '\\"');
  return page.locator(
    `.editor-group-container.active .editor-actions [aria-label^="${prefix}"], ` +
      `.editor-group-container.active .editor-actions [title^="${prefix}"]`,
  );
}

/** The Command Palette's rows for `text` (typed after the `>` it opens with), as they read. */
async function paletteRows(page: Page, text: string): Promise<string[]> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${text}`);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row .monaco-icon-label-container');
  await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
  // The list filters as it is typed into: read it once it has settled.
  await page.waitForTimeout(500);
  const labels = (await rows.allInnerTexts()).map((label) => label.replace(/\s+/g, ' ').trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  return labels;
}

/** Opens a file from the Explorer and waits until its tab is the active one. */
async function openFromExplorer(page: Page, name: string): Promise<void> {
  await closeContextMenu(page);
  await explorerRow(page, name).dblclick();
  await page
    .locator('.editor-group-container.active .tab.active')
    .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(name)}`) })
    .waitFor({ state: 'visible', timeout: 20_000 });
}

export async function runMenuChecks(page: Page, options: MenuCheckOptions): Promise<CheckResults> {
  const { log } = options;
  const results: CheckResults = { passed: 0, failed: 0 };
  const failures: string[] = [];
  fs.mkdirSync(options.screenshotDir, { recursive: true });
  for (const old of fs.readdirSync(options.screenshotDir)) {
    if (/^failure-\d+\.png$/.test(old)) {
      fs.rmSync(path.join(options.screenshotDir, old), { force: true });
    }
  }
  const screenshot = async (file: string) => {
    const target = path.join(options.screenshotDir, file);
    await page.screenshot({ path: target }).catch(() => undefined);
    return target;
  };

  const check = async (title: string, body: () => Promise<void>) => {
    const started = Date.now();
    try {
      await body();
      results.passed++;
      log(`    ✔ ${title} (${Date.now() - started}ms)`);
    } catch (error) {
      results.failed++;
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const shot = await screenshot(`failure-${results.failed}.png`);
      failures.push(`  ${results.failed}) ${title}:\n     ${message}\n     screenshot: ${shot}`);
      log(`    ${results.failed}) ${title}`);
    } finally {
      await closeContextMenu(page).catch(() => undefined);
    }
  };

  log('  Menus in the browser workbench');
  await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 60_000 });
  await explorerRow(page, 'photo.png').waitFor({ state: 'visible', timeout: 60_000 });

  await check(`photo.png: the Explorer context menu offers "${ACTION_TITLE}"`, async () => {
    // The extension's contributions arrive once the extension host has
    // scanned it, shortly after the Explorer shows: retry for a while.
    const deadline = Date.now() + 30_000;
    let labels: string[] = [];
    while (Date.now() < deadline) {
      labels = await contextMenuLabels(page, 'photo.png');
      if (labels.includes(ACTION_TITLE)) {
        const shot = await screenshot('context-menu-photo.png');
        log(`      (screenshot: ${path.relative(process.cwd(), shot)})`);
        return;
      }
      await closeContextMenu(page);
      await page.waitForTimeout(1_000);
    }
    throw new Error(`not in the menu; it has ${describe(labels)}`);
  });

  await check(`photo.JPG (upper-case extension): the context menu offers "${ACTION_TITLE}"`, async () => {
    const labels = await contextMenuLabels(page, 'photo.JPG');
    if (!labels.includes(ACTION_TITLE)) {
      throw new Error(`not in the menu; it has ${describe(labels)}`);
    }
  });

  await check(`photo.webp and drawing.svg (converted before they are sent): the context menu offers "${ACTION_TITLE}"`, async () => {
    for (const name of ['photo.webp', 'drawing.svg']) {
      const labels = await contextMenuLabels(page, name);
      if (!labels.includes(ACTION_TITLE)) {
        throw new Error(`not in the menu of ${name}; it has ${describe(labels)}`);
      }
    }
  });

  await check(`notes.txt: the context menu does not offer "${ACTION_TITLE}"`, async () => {
    const labels = await contextMenuLabels(page, 'notes.txt');
    if (labels.length === 0) {
      throw new Error('the context menu is empty');
    }
    if (labels.includes(ACTION_TITLE)) {
      throw new Error(`it is in the menu: ${describe(labels)}`);
    }
  });

  await check(`the folder images: the context menu does not offer "${ACTION_TITLE}"`, async () => {
    const labels = await contextMenuLabels(page, 'images');
    if (labels.length === 0) {
      throw new Error('the context menu is empty');
    }
    if (labels.includes(ACTION_TITLE)) {
      throw new Error(`it is in the menu: ${describe(labels)}`);
    }
    await screenshot('context-menu-folder.png');
  });

  await check(`photo.png: "${ACTION_TITLE}" has a group of its own in the context menu, not beside Copy Relative Path or Rename`, async () => {
    const entries = await contextMenuEntries(page, 'photo.png');
    if (!inGroupOfItsOwn(entries, ACTION_TITLE)) {
      throw new Error(`not in a group of its own: ${describe(entries)}`);
    }
  });

  const BULK_TITLE = 'Add Pictures by Customer Number…';
  await check(`the folder images: "${BULK_TITLE}" has a group of its own in the context menu`, async () => {
    const entries = await contextMenuEntries(page, 'images');
    if (!inGroupOfItsOwn(entries, BULK_TITLE)) {
      throw new Error(`not in a group of its own: ${describe(entries)}`);
    }
  });

  await check(`the folder images: the context menu offers "${BULK_TITLE}"; photo.png alone does not`, async () => {
    const folderLabels = await contextMenuLabels(page, 'images');
    if (!folderLabels.includes(BULK_TITLE)) {
      throw new Error(`not in the folder's menu; it has ${describe(folderLabels)}`);
    }
    await closeContextMenu(page);
    const fileLabels = await contextMenuLabels(page, 'photo.png');
    if (fileLabels.includes(BULK_TITLE)) {
      throw new Error(`it is in the menu of a single image: ${describe(fileLabels)}`);
    }
  });

  await check(`photo.png opened in the image preview: the editor title bar has "${ACTION_TITLE}"`, async () => {
    await openFromExplorer(page, 'photo.png');
    // The image preview is a custom editor (a webview) of the built-in media-preview extension.
    await page
      .locator('.editor-group-container.active .editor-container')
      .waitFor({ state: 'visible', timeout: 20_000 });
    await titleAction(page).first().waitFor({ state: 'visible', timeout: 20_000 });
    // For the screenshot: the preview reports the image's size in the status
    // bar once it has shown the image.
    await page
      .locator('.statusbar-item', { hasText: /^\s*\d+\s*[x×]\s*\d+\s*$/ })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 })
      .catch(() => undefined);
    const shot = await screenshot('editor-title-photo.png');
    log(`      (screenshot: ${path.relative(process.cwd(), shot)})`);
  });

  for (const [name, width, height] of [
    ['photo.webp', 1, 1],
    ['drawing.svg', 32, 24],
  ] as const) {
    await check(`${name} opened in the image preview: the editor title bar has "${ACTION_TITLE}" (it is converted before it is sent)`, async () => {
      await openFromExplorer(page, name);
      // The same preview as for photo.png: it reports this image's size once shown, which tells it is this image's.
      await page
        .locator('.statusbar-item', { hasText: new RegExp(`^\\s*${width}\\s*[x×]\\s*${height}\\s*$`) })
        .first()
        .waitFor({ state: 'visible', timeout: 20_000 });
      await titleAction(page).first().waitFor({ state: 'visible', timeout: 20_000 });
    });
  }

  await check('the Command Palette names the category once: "Business Central: Select Environment…", never "Business Central" twice', async () => {
    const rows = await paletteRows(page, 'Business Central');
    const ours = rows.filter((row) => row.startsWith('Business Central: '));
    for (const title of ['Business Central: Select Environment…', 'Business Central: Switch Account…', `Business Central: ${ACTION_TITLE}`]) {
      if (!ours.some((row) => row.startsWith(title))) throw new Error(`"${title}" is not in the palette: ${describe(rows)}`);
    }
    const repeated = ours.filter((row) => /Business Central.*Business Central/.test(row));
    if (repeated.length > 0) throw new Error(`the category is repeated: ${describe(repeated)}`);
  });

  await check(`notes.txt opened in a text editor: the editor title bar does not have "${ACTION_TITLE}"`, async () => {
    await openFromExplorer(page, 'notes.txt');
    await page.locator('.editor-group-container.active .monaco-editor').waitFor({ state: 'visible', timeout: 20_000 });
    // Give the title bar time to update from the previous editor.
    await page.waitForTimeout(1_000);
    const count = await titleAction(page).count();
    if (count > 0) {
      throw new Error('the action is in the title bar of a text editor');
    }
  });

  if (failures.length > 0) {
    log('');
    for (const failure of failures) {
      log(failure);
    }
  }
  return results;
}
