import * as vscode from 'vscode';
import { microsoftScopes, switchMicrosoftAccount } from '../auth/signIn';
import { BasicCredentialStore } from '../local/secrets';
import { microsoftSession, signInReason } from './connection';
import type { CommandContext } from './context';

/** `bcPictures.switchAccount`: sign in as someone else. The account (or user name) now used, or undefined. */
export async function switchAccount(services: CommandContext): Promise<string | undefined> {
  const settings = services.connections.settings();
  // A kept connection would go on signing in as the old account.
  services.connections.forget();
  let account: string;
  if (settings.authentication === 'basic') {
    await new BasicCredentialStore(services.context.secrets).forget(settings.serviceUrl);
    // Asks for the new user name and key, and stores them only if the service accepts this request.
    const connection = await services.connections.get();
    await connection.service.listCompanies();
    account = connection.basicUserName() ?? '';
  } else {
    account = await switchMicrosoftAccount(microsoftSession, microsoftScopes(settings.api, settings), signInReason());
  }
  services.log.info(`Signed in to Business Central as ${account}.`);
  services.walkthrough.signedIn();
  void vscode.window.showInformationMessage(vscode.l10n.t('Business Central commands now use the account {0}.', account));
  return account;
}
