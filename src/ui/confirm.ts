import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { Customer, Picture } from '../api/types';
import type { ImageInfo } from '../images';
import { BACK, runQuickPick } from './quickPick';

/** What a customer has now: the service's picture, with its bytes where they could be read. */
export interface ShownPicture extends Picture {
  readonly byteSize?: number;
}

interface Choice<A> extends vscode.QuickPickItem {
  readonly answer: A;
}

/**
 * Asks before a customer's picture is replaced, showing the current and the new one in one format (type, pixels,
 * bytes). True to replace, false to keep it, BACK (only with `canGoBack`) to choose another customer.
 * A quick pick rather than a modal dialog: it can be answered from the keyboard and by tests.
 */
export async function confirmReplace(customer: Customer, current: ShownPicture, next: ImageInfo, options: { readonly canGoBack: boolean }): Promise<boolean | typeof BACK> {
  const { describePicture } = await import('../images');
  const currentText = describePicture(current);
  const nextText = describePicture(next);
  // Keep first: Enter alone never replaces a picture.
  const items: Choice<boolean>[] = [
    { iconPath: new vscode.ThemeIcon('close'), label: vscode.l10n.t('Keep the current picture'), detail: vscode.l10n.t('Current: {0}', currentText), answer: false },
    { iconPath: new vscode.ThemeIcon('replace'), label: vscode.l10n.t('Replace the picture'), detail: vscode.l10n.t('New: {0}', nextText), answer: true },
  ];
  return askYesNo(
    vscode.l10n.t('{0} ({1}) already has a picture. Replace it?', inert(customer.displayName), inert(customer.number)),
    vscode.l10n.t('Current: {0}. New: {1}', currentText, nextText),
    items,
    options.canGoBack,
  );
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
