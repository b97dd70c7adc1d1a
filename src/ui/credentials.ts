import * as vscode from 'vscode';
import { parseStoredCredentials, type BasicCredentials } from '../auth/signIn';
import { askText } from './quickPick';

/** User name and web service access key for Basic authentication, kept in VS Code's secret storage per service. */
export class BasicCredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(serviceUrl: string): string {
    return `bcPictures.basic:${serviceUrl || 'online'}`;
  }

  /** The stored credentials, or asks for them (again, when `forceNew`: the service refused the stored ones). */
  async get(serviceUrl: string, forceNew: boolean): Promise<BasicCredentials | undefined> {
    if (!forceNew) {
      const stored = await this.secrets.get(this.key(serviceUrl));
      const credentials = parseStoredCredentials(stored);
      if (credentials) return credentials;
      // Damaged: forgotten, and asked for again below; its text is never shown.
      if (stored) await this.secrets.delete(this.key(serviceUrl));
    }
    const where = serviceUrl || vscode.l10n.t('Business Central');
    const userName = await askText('userName', {
      title: forceNew ? vscode.l10n.t('Sign in to {0} again: the user name or key was not accepted', where) : vscode.l10n.t('Sign in to {0}', where),
      prompt: vscode.l10n.t('The Business Central user name (on-premises: Basic authentication with a web service access key).'),
      validate: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter the user name.')),
    });
    if (!userName) return undefined;
    const key = await askText('accessKey', {
      title: vscode.l10n.t('Web service access key of {0}', userName.trim()),
      prompt: vscode.l10n.t("The web service access key from the user's card in Business Central (not the password)."),
      password: true,
      validate: (value) => (value ? undefined : vscode.l10n.t('Enter the web service access key.')),
    });
    if (!key) return undefined;
    const credentials: BasicCredentials = { userName: userName.trim(), key };
    await this.secrets.store(this.key(serviceUrl), JSON.stringify(credentials));
    return credentials;
  }

  async forget(serviceUrl: string): Promise<boolean> {
    const had = (await this.secrets.get(this.key(serviceUrl))) !== undefined;
    await this.secrets.delete(this.key(serviceUrl));
    return had;
  }
}
