import * as vscode from 'vscode';
import { BasicCredentialStore } from '../local/secrets';
import type { CommandContext } from './context';

/** `bcPictures.forgetCredentials`: removes the stored user name and web service access key of the configured service. */
export async function forgetCredentials(services: CommandContext): Promise<boolean> {
  const { serviceUrl } = services.connections.settings();
  const forgotten = await new BasicCredentialStore(services.context.secrets).forget(serviceUrl);
  // A kept connection holds the key in memory: it must be asked for again too.
  services.connections.forget();
  const where = serviceUrl || vscode.l10n.t('Business Central online');
  void vscode.window.showInformationMessage(
    forgotten
      ? vscode.l10n.t('The user name and web service access key for {0} are forgotten. You will be asked for them next time.', where)
      : vscode.l10n.t('No user name or web service access key was stored for {0}.', where),
  );
  return forgotten;
}
