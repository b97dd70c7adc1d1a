/** Headless Chromium and the workbench pages it opens, with their console errors kept. */
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../prerequisites';
import { EXTENSION_ID } from './extension';
import { verbose } from './log';
import { trustExtensionForAuthScript } from './trustExtensionForAuth';

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

export interface Workbench {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Recent browser console errors, for reports when something hangs. */
  readonly errors: string[];
}

export async function openWorkbenchPage(browser: Browser): Promise<Workbench> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript({ content: trustExtensionForAuthScript(EXTENSION_ID) });
  const errors: string[] = [];
  page.on('console', (message) => {
    // A webview that never shows its page says why only in its own log lines (its service worker above all).
    if (verbose && message.type() !== 'error' && /service worker|webview/i.test(message.text())) {
      console.log(`[browser] ${message.text()}`);
    }
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
  page.on('requestfailed', (request) => {
    if (verbose) console.log(`[browser] request failed: ${request.url().split('?')[0]} (${request.failure()?.errorText ?? ''})`);
  });
  page.on('pageerror', (error) => {
    errors.push(String(error));
    if (verbose) {
      console.log(`[browser] ${String(error)}`);
    }
  });
  return { context, page, errors };
}
