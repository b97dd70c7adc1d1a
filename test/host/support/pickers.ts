import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PickerState } from '../../../src/ui/quickPick';

export type { PickerState };

interface ExtensionApi {
  onDidUpdatePicker: vscode.Event<PickerState>;
  logFolder: vscode.Uri;
}

let api: ExtensionApi | undefined;
let latest: PickerState | undefined;
const waiters = new Set<() => void>();

/** Activates the extension (by running nothing else) and listens to its pickers. */
export async function watchPickers(): Promise<void> {
  if (api) return;
  const extension = vscode.extensions.getExtension<ExtensionApi>('bc-pictures.bc-customer-pictures')!;
  api = await extension.activate();
  api.onDidUpdatePicker((state) => {
    latest = state;
    for (const wake of waiters) wake();
  });
}

/** Waits until the extension shows `picker`, idle, with items that satisfy `ready`. */
export function waitForPicker(
  picker: PickerState['picker'],
  ready: (state: PickerState) => boolean = (state) => state.items.length > 0,
  timeoutMs = 15_000,
): Promise<PickerState> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (latest && latest.picker === picker && !latest.busy && ready(latest)) {
        waiters.delete(check);
        clearTimeout(timer);
        // Let the workbench render the items before a test drives them.
        setTimeout(() => resolve(latest!), 150);
      }
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`picker ${picker} not shown in time; last seen: ${JSON.stringify(latest)}`));
    }, timeoutMs);
    waiters.add(check);
    check();
  });
}

/** Everything the extension's log channel wrote so far. */
export function extensionLog(): string {
  const folder = api!.logFolder.fsPath;
  if (!fs.existsSync(folder)) return '';
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.log'))
    .map((name) => fs.readFileSync(path.join(folder, name), 'utf8'))
    .join('\n');
}

export function forgetPickers(): void {
  latest = undefined;
}

/** Moves the selection down `steps` items (up, when negative) and accepts it, as a keyboard user would. */
export async function choose(steps = 0): Promise<void> {
  const move = steps < 0 ? 'workbench.action.quickOpenSelectPrevious' : 'workbench.action.quickOpenSelectNext';
  for (let i = 0; i < Math.abs(steps); i++) await vscode.commands.executeCommand(move);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

export async function dismiss(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
}
