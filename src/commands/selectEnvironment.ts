import * as vscode from 'vscode';
import { cancellableRead } from '../ui/progress';
import { isOnPremises } from '../api/urls';
import { pickEnvironment } from '../ui/environmentPicker';
import type { CommandContext } from './context';

/** `bcPictures.selectEnvironment`: the signed-in tenant's environments; the choice goes to the user setting. Its name, or undefined. */
export async function selectEnvironment(services: CommandContext): Promise<string | undefined> {
  const { serviceUrl, environment: current } = services.connections.settings();
  if (isOnPremises(serviceUrl)) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Business Central on-premises has no environments to choose from: the setting bcPictures.serviceUrl names one server ({0}). Change that setting to reach another server.', serviceUrl),
    );
    return undefined;
  }
  // The list does not depend on the environment, and a mistyped one must not keep the user from choosing another here.
  const connection = await services.connections.get({ environment: 'production' });
  const environments = await cancellableRead(vscode.l10n.t('Loading Business Central environments…'), (signal) => connection.service.listEnvironments({ signal }), connection.prompts);
  if (environments.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Your Microsoft Entra tenant has no Business Central environments you can see. Check the setting bcPictures.tenant and your account.'));
    return undefined;
  }
  const picked = await pickEnvironment(environments, current);
  if (!picked) return undefined;
  await vscode.workspace.getConfiguration('bcPictures').update('environment', picked.name, vscode.ConfigurationTarget.Global);
  services.log.info(`Environment set to ${picked.name}.`);
  return picked.name;
}
