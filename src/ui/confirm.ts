import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { Customer, Picture } from '../api/types';
import type { SquareCrop } from '../images/prepare';
import { BACK, runQuickPick } from './quickPick';

/** What a customer has now: the service's picture, with its bytes where they could be read. */
export interface ShownPicture extends Picture {
  readonly byteSize?: number;
  /** Its content, downloaded to be kept before it is replaced or removed. */
  readonly bytes?: Uint8Array;
  /** Why its content could not be downloaded to keep it. */
  readonly keepFailure?: string;
}

interface Choice<A> extends vscode.QuickPickItem {
  readonly answer: A;
}

/** A square the user may send instead of the whole picture, with what it is ("a square of 1024×1024 from the centre"). */
export interface CropOffer {
  readonly crop: SquareCrop;
  readonly text: string;
}

export interface ReplaceOptions {
  readonly canGoBack: boolean;
  /** Squares offered beside the whole picture; none for a square picture or one that cannot be prepared. */
  readonly crops?: readonly CropOffer[];
  /** Told which picture the focused answer sends (undefined: the whole one), for the preview beside the confirmation. */
  readonly onFocus?: (crop: SquareCrop | undefined) => void;
}

/** To send (the whole picture, or the square `crop`), false to send nothing (keep the current one), BACK to choose another customer. */
export type ReplaceAnswer = { readonly crop?: SquareCrop } | false | typeof BACK;

interface ReplaceChoice extends vscode.QuickPickItem {
  readonly answer: { readonly crop?: SquareCrop } | false;
}

/**
 * Asks before a customer's picture is replaced, showing the current and the new one in one format (type, pixels,
 * bytes; `nextText` says what preparing makes of the file), and the squares the user may send instead. BACK only with `canGoBack`.
 * A quick pick rather than a modal dialog: it can be answered from the keyboard and by tests.
 */
export async function confirmReplace(customer: Customer, current: ShownPicture, nextText: string, options: ReplaceOptions): Promise<ReplaceAnswer> {
  const { describePicture } = await import('../images');
  const currentText = describePicture(current);
  // Keep first: Enter alone never replaces a picture.
  const items: ReplaceChoice[] = [
    { iconPath: new vscode.ThemeIcon('close'), label: vscode.l10n.t('Keep the current picture'), detail: vscode.l10n.t('Current: {0}', currentText), answer: false },
    { iconPath: new vscode.ThemeIcon('replace'), label: vscode.l10n.t('Replace the picture'), detail: vscode.l10n.t('New: {0}', nextText), answer: {} },
    ...squareChoices(options.crops, (crop) =>
      crop === 'centre' ? vscode.l10n.t('Replace with a square from the centre') : vscode.l10n.t('Replace with a square around the most detailed part'),
    ),
  ];
  return askPicture(
    vscode.l10n.t('{0} ({1}) already has a picture. Replace it?', inert(customer.displayName), inert(customer.number)),
    vscode.l10n.t('Current: {0}. New: {1}', currentText, nextText),
    items,
    options,
  );
}

/**
 * Asks before a customer's first picture is set, when it is not square: Business Central shows it cut to a circle, so
 * the user may send a square of it instead. Set the whole picture first: Enter alone does what the command was asked,
 * and nothing is lost (there is no picture yet). False when dismissed, BACK only with `canGoBack`.
 */
export async function confirmFirstPicture(customer: Customer, nextText: string, options: ReplaceOptions): Promise<ReplaceAnswer> {
  const items: ReplaceChoice[] = [
    { iconPath: new vscode.ThemeIcon('check'), label: vscode.l10n.t('Set the whole picture'), detail: vscode.l10n.t('New: {0}', nextText), answer: {} },
    ...squareChoices(options.crops, (crop) =>
      crop === 'centre' ? vscode.l10n.t('Set a square from the centre') : vscode.l10n.t('Set a square around the most detailed part'),
    ),
  ];
  return askPicture(
    vscode.l10n.t('{0} ({1}) has no picture yet. Set the whole picture or a square of it?', inert(customer.displayName), inert(customer.number)),
    vscode.l10n.t('New: {0}. Business Central shows it cut to a circle.', nextText),
    items,
    options,
  );
}

function squareChoices(crops: readonly CropOffer[] | undefined, label: (crop: SquareCrop) => string): ReplaceChoice[] {
  return (crops ?? []).map((offer) => ({
    iconPath: new vscode.ThemeIcon('screen-normal'),
    label: label(offer.crop),
    detail: vscode.l10n.t('New: {0}', offer.text),
    answer: { crop: offer.crop },
  }));
}

/** A picture confirmation as a quick pick, telling `onFocus` which picture the focused answer sends. */
async function askPicture(title: string, placeholder: string, items: readonly ReplaceChoice[], options: ReplaceOptions): Promise<ReplaceAnswer> {
  const answer = await runQuickPick<ReplaceChoice, ReplaceChoice['answer']>(
    { title, placeholder, canGoBack: options.canGoBack },
    (quickPick, disposables) => {
      quickPick.items = items;
      quickPick.matchOnDescription = false;
      const onFocus = options.onFocus;
      if (onFocus) disposables.push(quickPick.onDidChangeActive(([item]) => item && onFocus(item.answer ? item.answer.crop : undefined)));
    },
    (item) => item.answer,
  );
  return answer ?? false;
}

/**
 * Asks before a customer's picture is removed, showing what it is in the same format; a quick pick for the same
 * reasons as above. True to remove, false to keep it, BACK (only with `canGoBack`) to choose another customer.
 */
export async function confirmRemove(customer: Customer, current: ShownPicture, options: { readonly canGoBack: boolean }): Promise<boolean | typeof BACK> {
  const { describePicture } = await import('../images');
  const currentText = describePicture(current);
  // Keep first: Enter alone never removes a picture.
  const items: Choice<boolean>[] = [
    { iconPath: new vscode.ThemeIcon('close'), label: vscode.l10n.t('Keep the picture'), detail: vscode.l10n.t('Current: {0}', currentText), answer: false },
    {
      iconPath: new vscode.ThemeIcon('trash'),
      label: vscode.l10n.t('Remove the picture'),
      detail: vscode.l10n.t('Removes it from {0} in Business Central.', inert(customer.displayName)),
      answer: true,
    },
  ];
  return askYesNo(vscode.l10n.t('Remove the picture of {0} ({1})?', inert(customer.displayName), inert(customer.number)), vscode.l10n.t('Current: {0}', currentText), items, options.canGoBack);
}

/**
 * The current picture could not be kept before the change: asks whether to go ahead all the same. Don't first, so
 * Enter alone changes nothing. True to go ahead.
 */
export async function confirmWithoutKeeping(customer: Customer, reason: string, change: 'replace' | 'remove'): Promise<boolean> {
  const name = inert(customer.displayName);
  const number = inert(customer.number);
  const items: Choice<boolean>[] =
    change === 'replace'
      ? [
          { iconPath: new vscode.ThemeIcon('close'), label: vscode.l10n.t("Don't replace it"), detail: vscode.l10n.t('Nothing is changed.'), answer: false },
          { iconPath: new vscode.ThemeIcon('warning'), label: vscode.l10n.t('Replace it anyway'), detail: vscode.l10n.t('The current picture cannot be restored afterwards.'), answer: true },
        ]
      : [
          { iconPath: new vscode.ThemeIcon('close'), label: vscode.l10n.t("Don't remove it"), detail: vscode.l10n.t('Nothing is changed.'), answer: false },
          { iconPath: new vscode.ThemeIcon('warning'), label: vscode.l10n.t('Remove it anyway'), detail: vscode.l10n.t('The current picture cannot be restored afterwards.'), answer: true },
        ];
  const title =
    change === 'replace'
      ? vscode.l10n.t('The current picture of {0} ({1}) could not be kept. Replace it anyway?', name, number)
      : vscode.l10n.t('The current picture of {0} ({1}) could not be kept. Remove it anyway?', name, number);
  return (await askYesNo(title, vscode.l10n.t('Could not keep it: {0}', reason), items, false)) === true;
}

/** Asks before *Undo All* changes many customers, saying what it does to each kind. True to undo. */
export async function confirmUndoAll(companyName: string, restoring: number, removing: number): Promise<boolean> {
  const what = [
    ...(restoring > 0 ? [vscode.l10n.t('{0} customers get their previous picture back', restoring)] : []),
    ...(removing > 0 ? [vscode.l10n.t('{0} customers that had no picture lose the new one', removing)] : []),
  ].join('; ');
  const items: Choice<boolean>[] = [
    { iconPath: new vscode.ThemeIcon('close'), label: vscode.l10n.t('Keep the new pictures'), answer: false },
    { iconPath: new vscode.ThemeIcon('discard'), label: vscode.l10n.t('Undo All'), detail: what, answer: true },
  ];
  return (await askYesNo(vscode.l10n.t('Undo the pictures just set for {0} customers of {1}?', restoring + removing, companyName), what, items, false)) === true;
}

/** A confirmation as a quick pick of `items` (Keep first): true for the one that goes ahead, false to keep, BACK for Back. */
async function askYesNo(title: string, placeholder: string, items: readonly Choice<boolean>[], canGoBack: boolean): Promise<boolean | typeof BACK> {
  const answer = await runQuickPick<Choice<boolean>, boolean>(
    { title, placeholder, canGoBack },
    (quickPick) => {
      quickPick.items = items;
      quickPick.matchOnDescription = false;
    },
    (item) => item.answer,
  );
  return answer === BACK ? BACK : answer === true;
}
