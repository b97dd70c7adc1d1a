import * as vscode from 'vscode';
import { BasicCredentialKeeper, type BasicCredentials } from '../auth/signIn';
import { askText } from './quickPick';

/** User name and web service access key for Basic authentication, kept in VS Code's secret storage per service. */
export class BasicCredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(serviceUrl: string): string {
    return `bcPictures.basic:${serviceUrl || 'online'}`;
  }

  /** One command's credentials: the stored ones, or asked for and stored once the service accepts them. */
  keeper(serviceUrl: string): BasicCredentialKeeper {
    return new BasicCredentialKeeper(this.secrets, this.key(serviceUrl), (previousUserName) => askCredentials(serviceUrl, previousUserName));
  }

  /** Whether a user name and key are stored for the service: they are stored only once it accepted them. */
  async has(serviceUrl: string): Promise<boolean> {
    return (await this.secrets.get(this.key(serviceUrl))) !== undefined;
  }

  async forget(serviceUrl: string): Promise<boolean> {
    const had = (await this.secrets.get(this.key(serviceUrl))) !== undefined;
    await this.secrets.delete(this.key(serviceUrl));
    return had;
  }
}

/** Asks for user name and key; after a refusal (`previousUserName`) the user name is pre-filled. */
async function askCredentials(serviceUrl: string, previousUserName: string | undefined): Promise<BasicCredentials | undefined> {
  const where = serviceUrl || vscode.l10n.t('Business Central');
  const userName = await askText('userName', {
    title: previousUserName === undefined ? vscode.l10n.t('Sign in to {0}', where) : vscode.l10n.t('Sign in to {0} again: the user name or key was not accepted', where),
    prompt: vscode.l10n.t('The Business Central user name (on-premises: Basic authentication with a web service access key).'),
    value: previousUserName,
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
  return { userName: userName.trim(), key };
}
