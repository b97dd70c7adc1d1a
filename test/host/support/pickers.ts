/**
 * The extension's quick picks and input boxes as the workbench shows them, read through the UI driver and told
 * apart as a person tells them: by title, placeholder or prompt. Driven from the keyboard, as a person would.
 */
import * as vscode from 'vscode';
import type { Emulator, FaultSpec } from '../../emulator';
import type { QuickInputSnapshot } from '../../launch/quickInput';
import { readQuickInput, typeText } from './ui';

/** Each picker by what it shows (the test workbench is in English). */
const PICKERS = {
  company: (shown) => /^Select the Company( \(\d+\/\d+\))?$/.test(shown.title),
  customer: (shown) => shown.placeholder === 'Search by customer name or number',
  replace: (shown) => /\) already has a picture\. Replace it\?$/.test(shown.title),
  firstPicture: (shown) => /\) has no picture yet\. Set the whole picture or a square of it\?$/.test(shown.title),
  remove: (shown) => /^Remove the picture of .+\?$/.test(shown.title),
  // By its placeholder: the title says "Nothing is checked" after Enter with nothing checked.
  plan: (shown) => shown.canSelectMany && shown.placeholder === 'Check what to upload; nothing is sent before Enter',
  leftOut: (shown) => /^Left out of the plan \(\d+\), and why$/.test(shown.title),
  checkAll: (shown) => /^Check all\? \d+ of the customers already have a picture$/.test(shown.title),
  kept: (shown) => /^Restore a Previous Picture of .+ \(.+\)$/.test(shown.title),
  keepFailed: (shown) => /could not be kept\. (Replace|Remove) it anyway\?$/.test(shown.title),
  undoAll: (shown) => /^Undo the pictures just set for \d+ customers of .+\?$/.test(shown.title),
  environment: (shown) => shown.title === 'Select the Business Central Environment',
  userName: (shown) => /^Sign in to /.test(shown.title) && shown.message.startsWith('Your user name in Business Central'),
  accessKey: (shown) => /^Web service access key of /.test(shown.title) && shown.password,
} satisfies Record<string, (shown: QuickInputSnapshot) => boolean>;

export type PickerKind = keyof typeof PICKERS;

/** A picker as shown, with its rows' labels in order and, for a multi-select one, the labels of the checked rows. */
export interface PickerView extends QuickInputSnapshot {
  readonly kind: PickerKind;
  readonly items: readonly string[];
  readonly selected?: readonly string[];
}

/** The customer picker's last row while text that may be a number or an id is typed. */
export const goToCustomer = (text: string) => `$(arrow-right) Go to customer "${text.trim()}"`;

function view(kind: PickerKind, shown: QuickInputSnapshot): PickerView {
  const items = shown.rows.map((row) => row.label);
  const selected = shown.canSelectMany ? shown.rows.filter((row) => row.checked).map((row) => row.label) : undefined;
  return { ...shown, kind, items, selected };
}

/** What the picker shows is where it came to rest, not a step on the way there. */
function settled(picker: PickerView): boolean {
  if (!picker.complete || picker.busy) return false;
  if (picker.kind !== 'customer') return true;
  // A search's answer cannot be told from the list before it by looking: searchCustomers waits for it.
  if (picker.value.trim()) return true;
  // Recent customers show at once; the service's list comes after them, under its own heading.
  return !picker.rows.some((row) => row.separator === 'Recently used') || picker.rows.some((row) => row.separator === 'Customers');
}

const summary = (shown: QuickInputSnapshot | null) =>
  shown ? JSON.stringify({ title: shown.title, placeholder: shown.placeholder, busy: shown.busy, value: shown.value, items: shown.rows.map((row) => row.label) }) : 'no quick input';

/** Polls the quick input until it is the `kind` picker and `accept` takes it. */
async function poll(kind: PickerKind, accept: (picker: PickerView) => boolean, what: string, timeoutMs: number): Promise<PickerView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await readQuickInput();
    const picker = shown && PICKERS[kind](shown) ? view(kind, shown) : undefined;
    if (picker && accept(picker)) return picker;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the ${kind} picker ${what}; last shown: ${summary(shown)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the workbench shows the `kind` picker at rest, with rows that satisfy `ready`. Needs the UI driver. */
export function waitForPicker(kind: PickerKind, ready: (picker: PickerView) => boolean = (picker) => picker.items.length > 0, timeoutMs = 15_000): Promise<PickerView> {
  return poll(kind, (picker) => settled(picker) && ready(picker), 'at rest and ready', timeoutMs);
}

/**
 * Types `text` into the customer picker shown and waits for the answer to exactly that text, satisfying `ready`.
 * Until the answer comes the picker still shows the list from before, which looks like an answer; so the emulator
 * holds every search until one for all of the text has reached it and the picker shows that it is busy (its
 * progress bar), and the answer is what it shows once it is no longer.
 */
export async function searchCustomers(emulator: Emulator, text: string, ready: (picker: PickerView) => boolean): Promise<PickerView> {
  // Not the one probe of what the service supports (it has $top): the first search waits for its answer.
  const hold: FaultSpec = { method: 'GET', path: /^(?!.*[?&]\$top=).*\$filter=/, kind: 'hold', times: Infinity };
  // The text as an OData literal in any of the search's filters (by number upper-cased, by name lower-cased or as typed).
  const literal = `'${text.trim().toLowerCase().split("'").join("''")}'`;
  const askedFor = () => emulator.requests.some((r) => r.fault === 'hold' && (r.query.$filter ?? '').toLowerCase().includes(literal));
  emulator.fault(hold);
  try {
    await typeText(text);
    await poll('customer', (picker) => picker.value === text && picker.busy && askedFor(), `busy searching "${text}"`, 15_000);
  } finally {
    emulator.removeFault(hold);
    emulator.releaseHeld();
  }
  return waitForPicker('customer', (picker) => picker.value === text && ready(picker));
}

/** Moves the selection down `steps` items (up, when negative) and accepts it, as a keyboard user would. */
export async function choose(steps = 0): Promise<void> {
  const move = steps < 0 ? 'workbench.action.quickOpenSelectPrevious' : 'workbench.action.quickOpenSelectNext';
  for (let i = 0; i < Math.abs(steps); i++) await vscode.commands.executeCommand(move);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

/** Moves from the row the keyboard is on to the one labelled `label` and accepts it. */
export async function chooseLabel(picker: PickerView, label: string): Promise<void> {
  const to = picker.items.indexOf(label);
  if (to < 0) throw new Error(`no row "${label}" in ${JSON.stringify(picker.items)}`);
  await choose(to - Math.max(0, picker.rows.findIndex((row) => row.focused)));
}

/** The row the keyboard is on. */
export const focusedRow = (picker: PickerView) => picker.rows.find((row) => row.focused);

export async function dismiss(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
}
