/**
 * Acts on the workbench as a person would, through the launcher's UI driver (code-server runs only):
 * typing goes to whatever has focus, e.g. the quick pick the extension just showed.
 */
const DRIVER = process.env.BC_PICTURES_UI_DRIVER;

/** Skips the calling test where no UI driver exists (desktop VS Code through test-electron). */
export function needsUiDriver(context: Mocha.Context): void {
  if (!DRIVER) context.skip();
}

async function act(action: object): Promise<void> {
  if (!DRIVER) throw new Error('no UI driver (BC_PICTURES_UI_DRIVER) in this run');
  const response = await fetch(DRIVER, { method: 'POST', body: JSON.stringify(action) });
  if (!response.ok) throw new Error(`UI driver: ${await response.text()}`);
}

export const typeText = (text: string) => act({ type: text });
export const pressKey = (key: string) => act({ press: key });
export const click = (selector: string) => act({ click: selector });
