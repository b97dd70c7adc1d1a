/**
 * Lets extension-host tests act on the workbench as a person would (type into the focused quick pick or
 * input box, press keys, click a button, read what is shown), through the browser page that shows it. The extension host
 * reaches it over loopback at BC_PICTURES_UI_DRIVER; only code-server runs have it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { readQuickInput } from './quickInput';

export interface UiDriver {
  readonly url: string;
  page: Page | undefined;
  close(): Promise<void>;
}

type Action = { type: string } | { press: string } | { click: string } | { text: string } | { webview: string } | { frames: true } | { quickInput: true };

/** An element of a webview as read: its visible text, its class, and for a picture the width it was decoded at (0: not drawn). */
export interface WebviewElement {
  readonly text: string;
  readonly className: string;
  readonly naturalWidth: number;
}

export async function startUiDriver(): Promise<UiDriver> {
  const driver: UiDriver = { url: '', page: undefined, close: async () => undefined };
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', async () => {
      try {
        const page = driver.page;
        if (request.method !== 'POST' || !page) throw new Error('no workbench page to act on');
        const action = JSON.parse(body) as Action;
        if ('type' in action) await page.keyboard.type(action.type, { delay: 20 });
        else if ('press' in action) await page.keyboard.press(action.press);
        else if ('click' in action) await page.locator(action.click).first().click({ timeout: 10_000 });
        else if ('text' in action) {
          // What a person reads there: the visible text of every element the selector finds.
          const texts = await page.locator(action.text).allInnerTexts();
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(texts));
          return;
        } else if ('webview' in action) {
          // Webviews are frames inside frames: every frame but the workbench's own is looked into.
          const found: WebviewElement[] = [];
          for (const frame of page.frames().filter((candidate) => candidate !== page.mainFrame())) {
            const selector = action.webview;
            const elements = await frame
              .$$eval(selector, (all) =>
                all.map((e) => {
                  const shown = e as unknown as { innerText?: string; className: string; naturalWidth?: number };
                  return { text: shown.innerText ?? '', className: shown.className, naturalWidth: shown.naturalWidth ?? 0 };
                }))
              .catch(() => []);
            found.push(...elements);
          }
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
          return;
        } else if ('frames' in action) {
          // For a report when a webview shows nothing: each frame's page and webview id, how far it loaded, and whose service worker controls it.
          const look =
            '`${document.readyState}, ${document.body?.childElementCount ?? 0} element(s) in its body, service worker of ${navigator.serviceWorker?.controller?.scriptURL.match(/[?&]id=([0-9a-f-]+)/)?.[1] ?? "none"}`';
          const frames = await Promise.all(
            page.frames().map(async (frame) => {
              const state = (await frame.evaluate(look).catch((error: Error) => error.message.split('\n')[0])) as string;
              const url = new URL(frame.url());
              return `${url.pathname.split('/').pop() || '/'} ${url.searchParams.get('id') ?? ''} (${state})`;
            }),
          );
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(frames));
          return;
        } else if ('quickInput' in action) {
          // The quick input shown (null when none), in one look rather than a request per element.
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await page.evaluate(readQuickInput)));
          return;
        } else throw new Error(`unknown action ${body}`);
        response.writeHead(204).end();
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(driver, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
