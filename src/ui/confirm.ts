import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { Customer, Picture } from '../api/types';
import type { ImageInfo } from '../images';
import { runQuickPick } from './quickPick';

interface Choice extends vscode.QuickPickItem {
  readonly replace: boolean;
}

/**
 * Asks before a customer's picture is replaced, showing the current one and the new one.
 * A quick pick rather than a modal dialog: it can be answered from the keyboard and by tests.
 */
export async function confirmReplace(customer: Customer, current: Picture, next: ImageInfo): Promise<boolean> {
  const { describeImage, formatBytes } = await import('../images');
  const currentText = vscode.l10n.t('{0}×{1} {2}', current.width, current.height, current.contentType || vscode.l10n.t('unknown type'));
  // Keep first: Enter alone never replaces a picture.
  const items: Choice[] = [
    { label: `$(close) ${vscode.l10n.t('Keep the current picture')}`, detail: vscode.l10n.t('Current: {0}', currentText), replace: false },
    {
      label: `$(replace) ${vscode.l10n.t('Replace the picture')}`,
      detail: vscode.l10n.t('New: {0}', describeImage(next)),
      replace: true,
    },
  ];
  const answer = await runQuickPick<Choice, boolean>(
    {
      title: vscode.l10n.t('{0} ({1}) already has a picture ({2}). Replace it?', inert(customer.displayName), inert(customer.number), currentText),
      placeholder: vscode.l10n.t('The new picture is {0}, {1}', `${next.width}×${next.height} ${next.contentType}`, formatBytes(next.byteSize)),
    },
    (quickPick) => {
      quickPick.items = items;
      quickPick.matchOnDescription = false;
    },
    (item) => item.replace,
  );
  return answer === true;
}

interface RemoveChoice extends vscode.QuickPickItem {
  readonly remove: boolean;
}

/** Asks before a customer's picture is removed, showing what it is; a quick pick for the same reasons as above. */
export async function confirmRemove(customer: Customer, current: Picture): Promise<boolean> {
  const currentText = vscode.l10n.t('{0}×{1} {2}', current.width, current.height, current.contentType || vscode.l10n.t('unknown type'));
  // Keep first: Enter alone never removes a picture.
  const items: RemoveChoice[] = [
    { label: `$(close) ${vscode.l10n.t('Keep the picture')}`, remove: false },
    { label: `$(trash) ${vscode.l10n.t('Remove the picture')}`, detail: vscode.l10n.t('Removes the {0} picture from {1} in Business Central.', currentText, inert(customer.displayName)), remove: true },
  ];
  const answer = await runQuickPick<RemoveChoice, boolean>(
    {
      title: vscode.l10n.t('Remove the picture of {0} ({1}), {2}?', inert(customer.displayName), inert(customer.number), currentText),
      placeholder: vscode.l10n.t('The current picture is {0}', currentText),
    },
    (quickPick) => {
      quickPick.items = items;
      quickPick.matchOnDescription = false;
    },
    (item) => item.remove,
  );
  return answer === true;
}
