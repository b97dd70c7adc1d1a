import * as vscode from 'vscode';
import type { BasicCredentials } from '../auth/signIn';
import { askText } from './quickPick';

/** Asks for the Basic user name and key of `serviceUrl` (empty: online); after a refusal (`previousUserName`) the user name is pre-filled. */
export async function askCredentials(serviceUrl: string, previousUserName: string | undefined): Promise<BasicCredentials | undefined> {
  const where = serviceUrl || vscode.l10n.t('Business Central');
  const userName = await askText({
    title: previousUserName === undefined ? vscode.l10n.t('Sign in to {0}', where) : vscode.l10n.t('Sign in to {0} again: the user name or key was not accepted', where),
    prompt: vscode.l10n.t('Your user name in Business Central, as on your user card.'),
    placeholder: vscode.l10n.t('for example ADMIN'),
    value: previousUserName,
    validate: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter the user name.')),
  });
  if (!userName) return undefined;
  const key = await askText({
    title: vscode.l10n.t('Web service access key of {0}', userName.trim()),
    prompt: vscode.l10n.t('The web service access key shown on your user card in Business Central (not your password).'),
    placeholder: vscode.l10n.t('paste the key from the user card'),
    password: true,
    validate: (value) => (value ? undefined : vscode.l10n.t('Enter the web service access key.')),
  });
  if (!key) return undefined;
  return { userName: userName.trim(), key };
}
