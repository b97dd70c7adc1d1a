/**
 * Acts on the workbench as a person would, through the launcher's UI driver (code-server runs only):
 * typing goes to whatever has focus, e.g. the quick pick the extension just showed.
 */
import type { QuickInputSnapshot } from '../../launch/quickInput';
import type { WebviewElement } from '../../launch/uiDriver';

const DRIVER = process.env.BC_PICTURES_UI_DRIVER;
let toldWhy = false;

/** Skips the calling test where no UI driver exists (desktop VS Code through test-electron), and says why once. */
export function needsUiDriver(context: Mocha.Context): void {
  if (DRIVER) return;
  if (!toldWhy) {
    toldWhy = true;
    console.log('  (skipped below: tests that read or drive the workbench need the UI driver, BC_PICTURES_UI_DRIVER, which only the code-server launcher has)');
  }
  context.skip();
}

async function act(action: object): Promise<Response> {
  if (!DRIVER) throw new Error('no UI driver (BC_PICTURES_UI_DRIVER) in this run');
  const response = await fetch(DRIVER, { method: 'POST', body: JSON.stringify(action) });
  if (!response.ok) throw new Error(`UI driver: ${await response.text()}`);
  return response;
}

export const typeText = async (text: string) => void (await act({ type: text }));
export const pressKey = async (key: string) => void (await act({ press: key }));
export const click = async (selector: string) => void (await act({ click: selector }));
/** The visible text of every element `selector` finds in the workbench. */
export const readTexts = async (selector: string) => (await (await act({ text: selector })).json()) as string[];
/** The elements `selector` finds in every webview the workbench shows. */
export const readWebviews = async (selector: string) => (await (await act({ webview: selector })).json()) as WebviewElement[];
/** Every frame of the workbench page, with how far it loaded: for a report when a webview shows nothing. */
export const readFrames = async () => (await (await act({ frames: true })).json()) as string[];
/** The quick pick or input box the workbench shows, every row of its list included; null when none is shown. */
export const readQuickInput = async () => (await (await act({ quickInput: true })).json()) as QuickInputSnapshot | null;

/** Polls `condition` until it holds, for what the workbench shows a moment later. */
export async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
