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

/** A multi-select pick left for a detour (a title button, a question): why, and where it was, to show it again as it was. */
export interface MultiPickLeft<T, S> {
  readonly kind: 'left';
  readonly why: S;
  readonly checked: readonly T[];
  readonly value: string;
  readonly active?: T;
}

export type MultiPickEnd<T, S> = { readonly kind: 'accepted'; readonly checked: readonly T[] } | MultiPickLeft<T, S>;

export interface MultiPickOptions<T, S> {
  readonly title: string;
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly checked: readonly T[];
  /** The filter text and the focused row, where the pick is shown again after a detour. */
  readonly value?: string;
  readonly active?: T;
  /** Title bar buttons, each leaving the pick with its reason. */
  readonly buttons?: readonly { readonly button: vscode.QuickInputButton; readonly why: S }[];
  /**
   * Several rows checked at once (only the check-all box does that): the rows to check instead, or a reason to leave the
   * pick (to ask first). A row checked on its own is taken as it is.
   */
  readonly checkMany?: (before: readonly T[], after: readonly T[]) => readonly T[] | { readonly leave: S };
  /** Why Enter cannot be taken with these rows checked: shown in the title, where the eye is, until the rows change. */
  readonly refuse?: (checked: readonly T[]) => string | undefined;
}

/** A multi-select quick pick: the checked items when accepted, a detour when left for one, undefined when dismissed. */
export function runMultiPick<T extends vscode.QuickPickItem, S>(options: MultiPickOptions<T, S>): Promise<MultiPickEnd<T, S> | undefined> {
  const quickPick = vscode.window.createQuickPick<T>();
  quickPick.title = options.title;
  quickPick.placeholder = options.placeholder;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.canSelectMany = true;
  quickPick.items = options.items;
  quickPick.selectedItems = options.checked;
  if (options.value) quickPick.value = options.value;
  if (options.active) quickPick.activeItems = [options.active];
  quickPick.buttons = (options.buttons ?? []).map((entry) => entry.button);
  // What the pick shows checked: compared with each change, so that a change of many rows at once can be told.
  let shown: readonly T[] = options.checked;
  return runInput<vscode.QuickPick<T>, MultiPickEnd<T, S>>(quickPick, (finish, disposables) => {
    const leave = (why: S) => finish({ kind: 'left', why, checked: shown, value: quickPick.value, active: quickPick.activeItems[0] });
    disposables.push(
      quickPick.onDidChangeSelection((selection) => {
        if (quickPick.title !== options.title) quickPick.title = options.title;
        const added = selection.filter((item) => !shown.includes(item));
        const instead = added.length > 1 && options.checkMany ? options.checkMany(shown, selection) : selection;
        if ('leave' in instead) return leave(instead.leave);
        shown = instead;
        if (instead !== selection) quickPick.selectedItems = instead;
      }),
      quickPick.onDidTriggerButton((button) => {
        const entry = options.buttons?.find((candidate) => candidate.button === button);
        if (entry) leave(entry.why);
      }),
      quickPick.onDidAccept(() => {
        const refusal = options.refuse?.(shown);
        if (refusal) quickPick.title = refusal;
        else finish({ kind: 'accepted', checked: shown });
      }),
    );
  });
}
