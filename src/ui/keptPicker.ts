import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { Customer } from '../api/types';
import type { KeptPicture } from '../local/keptPictures';
import { runQuickPick } from './quickPick';

interface KeptItem extends vscode.QuickPickItem {
  readonly picture: KeptPicture;
}

/** The customer's kept pictures, newest first, each by when it was kept, its type, pixels and bytes; the one chosen, or undefined. */
export async function pickKeptPicture(customer: Customer, kept: readonly KeptPicture[], keepsCurrent: boolean): Promise<KeptPicture | undefined> {
  const { describePicture } = await import('../images');
  const when = new Intl.DateTimeFormat(vscode.env.language, { dateStyle: 'medium', timeStyle: 'medium' });
  const items: KeptItem[] = kept.map((picture) => ({
    iconPath: new vscode.ThemeIcon('history'),
    label: when.format(new Date(picture.keptAt)),
    description: describePicture(picture),
    detail: vscode.l10n.t('{0} bytes, kept on this computer', picture.byteSize),
    picture,
  }));
  const chosen = await runQuickPick<KeptItem, KeptPicture>(
    {
      title: vscode.l10n.t('Restore a Previous Picture of {0} ({1})', inert(customer.displayName), inert(customer.number)),
      placeholder: keepsCurrent ? vscode.l10n.t('Choose the picture to put back; the current one is kept first') : vscode.l10n.t('Choose the picture to put back'),
    },
    (quickPick) => {
      quickPick.items = items;
      quickPick.matchOnDescription = true;
    },
    (item) => item.picture,
  );
  return typeof chosen === 'object' ? chosen : undefined;
}
