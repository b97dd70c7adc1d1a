import * as vscode from 'vscode';

/** What a picker looks like now; tests (and only tests) wait for these instead of sleeping. */
export interface PickerState {
  readonly picker: 'company' | 'customer' | 'replace' | 'userName' | 'accessKey' | 'plan' | 'remove' | 'environment';
  readonly title: string;
  readonly busy: boolean;
  readonly value: string;
  readonly items: readonly string[];
  /** The checked items of a multi-select picker. */
  readonly selected?: readonly string[];
}

const pickerUpdates = new vscode.EventEmitter<PickerState>();
export const onDidUpdatePicker = pickerUpdates.event;

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
  picker: PickerState['picker'],
  options: { title: string; placeholder: string; step?: StepInfo; canGoBack?: boolean },
  setup: (quickPick: vscode.QuickPick<T>, publish: () => void, disposables: vscode.Disposable[]) => void,
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
  const publish = () =>
    pickerUpdates.fire({
      picker,
      title: quickPick.title ?? '',
      busy: quickPick.busy,
      value: quickPick.value,
      items: quickPick.items.filter((item) => item.kind !== vscode.QuickPickItemKind.Separator).map((item) => item.label),
    });
  const disposables: vscode.Disposable[] = [];
  return new Promise<R | typeof BACK | undefined>((resolve) => {
    let settled = false;
    const finish = (result: R | typeof BACK | undefined) => {
      if (settled) return;
      settled = true;
      resolve(result);
      quickPick.hide();
    };
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
      quickPick.onDidHide(() => finish(undefined)),
    );
    setup(quickPick, publish, disposables);
    quickPick.show();
    publish();
  }).finally(() => {
    for (const disposable of disposables) disposable.dispose();
    quickPick.dispose();
  });
}

/** An input box that, like the pickers, tells tests when it is shown; undefined when dismissed. `value` pre-fills it. */
export function askText(
  picker: PickerState['picker'],
  options: { title: string; prompt: string; password?: boolean; value?: string; validate: (value: string) => string | undefined },
): Promise<string | undefined> {
  const input = vscode.window.createInputBox();
  input.title = options.title;
  input.prompt = options.prompt;
  input.password = options.password ?? false;
  // Pre-filled (the user name asked again), never a key.
  if (options.value && !options.password) input.value = options.value;
  input.ignoreFocusOut = true;
  const disposables: vscode.Disposable[] = [];
  return new Promise<string | undefined>((resolve) => {
    disposables.push(
      input.onDidChangeValue((value) => (input.validationMessage = value ? options.validate(value) : undefined)),
      input.onDidAccept(() => {
        const problem = options.validate(input.value);
        input.validationMessage = problem;
        if (!problem) resolve(input.value);
        if (!problem) input.hide();
      }),
      input.onDidHide(() => resolve(undefined)),
    );
    input.show();
    // Never the value: it may be a key.
    pickerUpdates.fire({ picker, title: input.title ?? '', busy: false, value: '', items: [] });
  }).finally(() => {
    for (const disposable of disposables) disposable.dispose();
    input.dispose();
  });
}

/**
 * A multi-select quick pick: the checked items when accepted, undefined when dismissed.
 * Items `fixed` says no to can be seen but not checked (they say why they are left out).
 */
export function runMultiPick<T extends vscode.QuickPickItem>(
  picker: PickerState['picker'],
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
  const labels = (items: readonly T[]) => items.filter((item) => item.kind !== vscode.QuickPickItemKind.Separator).map((item) => item.label);
  const publish = () =>
    pickerUpdates.fire({ picker, title: quickPick.title ?? '', busy: quickPick.busy, value: quickPick.value, items: labels(quickPick.items), selected: labels(quickPick.selectedItems) });
  const disposables: vscode.Disposable[] = [];
  return new Promise<T[] | undefined>((resolve) => {
    disposables.push(
      quickPick.onDidChangeSelection((selection) => {
        const allowed = selection.filter(options.checkable);
        // Unchecks what cannot be uploaded as soon as it is checked.
        if (allowed.length !== selection.length) quickPick.selectedItems = allowed;
        else publish();
      }),
      quickPick.onDidAccept(() => {
        resolve(quickPick.selectedItems.filter(options.checkable));
        quickPick.hide();
      }),
      quickPick.onDidHide(() => resolve(undefined)),
    );
    quickPick.show();
    publish();
  }).finally(() => {
    for (const disposable of disposables) disposable.dispose();
    quickPick.dispose();
  });
}
