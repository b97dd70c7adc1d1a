import * as vscode from 'vscode';
import { microsoftScopes, switchMicrosoftAccount } from '../auth/signIn';
import { BasicCredentialStore } from '../ui/credentials';
import { isCancellation, showFailure } from '../ui/failures';
import { readConnectionSettings } from '../ui/settings';
import { microsoftSession, signInReason } from './connection';
import type { CommandContext } from '.';

/** `bcPictures.switchAccount`: sign in as someone else. The account (or user name) now used, or undefined. */
export async function switchAccount(services: CommandContext): Promise<string | undefined> {
  const settings = readConnectionSettings(services.log);
  try {
    let account: string;
    if (settings.authentication === 'basic') {
      const store = new BasicCredentialStore(services.context.secrets);
      await store.forget(settings.serviceUrl);
      const credentials = await store.get(settings.serviceUrl, false);
      if (!credentials) return undefined;
      account = credentials.userName;
    } else {
      account = await switchMicrosoftAccount(microsoftSession, microsoftScopes(settings.api, settings), signInReason());
    }
    services.log.info(`Signed in to Business Central as ${account}.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Business Central commands now use the account {0}.', account));
    return account;
  } catch (error) {
    if (isCancellation(error)) return undefined;
    showFailure(services.log, error);
    return undefined;
  }
}
