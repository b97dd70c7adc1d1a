import * as vscode from 'vscode';

/**
 * The one scaffold of every quick input: shows it, settles once (hiding it counts as undefined), and disposes
 * it and every listener `wire` adds when it closes.
 */
function runInput<I extends vscode.QuickInput, R>(
  input: I,
  wire: (finish: (result: R | undefined) => void, disposables: vscode.Disposable[]) => void,
): Promise<R | undefined> {
  const disposables: vscode.Disposable[] = [];
  return new Promise<R | undefined>((resolve) => {
    let settled = false;
    const finish = (result: R | undefined) => {
      if (settled) return;
      settled = true;
      resolve(result);
      input.hide();
    };
    disposables.push(input.onDidHide(() => finish(undefined)));
    wire(finish, disposables);
    input.show();
  }).finally(() => {
    for (const disposable of disposables) disposable.dispose();
    input.dispose();
  });
}

/** Sentinel for the Back button of a multi-step input. */
export const BACK = Symbol('back');

export interface StepInfo {
  readonly step: number;
  readonly totalSteps: number;
}

/**
 * Runs one quick pick to its end: what `accept` made of the chosen item, BACK, or undefined when dismissed.
 * `setup` wires what the pick does while open; every listener is disposed when it closes.
 */
export function runQuickPick<T extends vscode.QuickPickItem, R>(
  options: { title: string; placeholder: string; step?: StepInfo; canGoBack?: boolean },
  setup: (quickPick: vscode.QuickPick<T>, disposables: vscode.Disposable[]) => void,
  accept: (item: T, quickPick: vscode.QuickPick<T>) => R | 'stay' | Promise<R | 'stay'>,
): Promise<R | typeof BACK | undefined> {
  const quickPick = vscode.window.createQuickPick<T>();
  quickPick.title = options.title;
  quickPick.placeholder = options.placeholder;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  if (options.step) {
    quickPick.step = options.step.step;
    quickPick.totalSteps = options.step.totalSteps;
  }
  if (options.canGoBack) quickPick.buttons = [vscode.QuickInputButtons.Back];
  return runInput<vscode.QuickPick<T>, R | typeof BACK>(quickPick, (finish, disposables) => {
    disposables.push(
      quickPick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish(BACK);
      }),
      quickPick.onDidAccept(async () => {
        const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
        if (!item) return;
        const result = await accept(item, quickPick);
        if (result !== 'stay') finish(result);
      }),
    );
    setup(quickPick, disposables);
  });
}

/** An input box: what was entered, or undefined when dismissed. `value` pre-fills it. */
export function askText(
  options: { title: string; prompt: string; placeholder?: string; password?: boolean; value?: string; validate: (value: string) => string | undefined },
): Promise<string | undefined> {
  const input = vscode.window.createInputBox();
  input.title = options.title;
  input.prompt = options.prompt;
  input.placeholder = options.placeholder;
  input.password = options.password ?? false;
  // Pre-filled (the user name asked again), never a key.
  if (options.value && !options.password) input.value = options.value;
  input.ignoreFocusOut = true;
  return runInput<vscode.InputBox, string>(input, (finish, disposables) => {
    disposables.push(
      input.onDidChangeValue((value) => (input.validationMessage = value ? options.validate(value) : undefined)),
      input.onDidAccept(() => {
        const problem = options.validate(input.value);
        input.validationMessage = problem;
        if (!problem) finish(input.value);
      }),
    );
  });
}

/**
 * A multi-select quick pick: the checked items when accepted, undefined when dismissed.
 * Items `fixed` says no to can be seen but not checked (they say why they are left out).
 */
export function runMultiPick<T extends vscode.QuickPickItem>(
  options: { title: string; placeholder: string; items: readonly T[]; checked: readonly T[]; checkable: (item: T) => boolean },
): Promise<T[] | undefined> {
  const quickPick = vscode.window.createQuickPick<T>();
  quickPick.title = options.title;
  quickPick.placeholder = options.placeholder;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.canSelectMany = true;
  quickPick.items = options.items;
  quickPick.selectedItems = options.checked;
  return runInput<vscode.QuickPick<T>, T[]>(quickPick, (finish, disposables) => {
    disposables.push(
      quickPick.onDidChangeSelection((selection) => {
        const allowed = selection.filter(options.checkable);
        // Unchecks what cannot be uploaded as soon as it is checked.
        if (allowed.length !== selection.length) quickPick.selectedItems = allowed;
      }),
      quickPick.onDidAccept(() => finish(quickPick.selectedItems.filter(options.checkable))),
    );
  });
}
