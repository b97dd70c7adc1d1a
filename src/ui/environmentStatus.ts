import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { isOnPremises } from '../api/urls';
import type { ConnectionSettings } from '../local/settings';

export type StatusBarMode = 'afterUse' | 'always' | 'never';

/** The current Business Central environment in the status bar; a click opens the environment picker. */
export class EnvironmentStatus extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('bcPictures.environment', vscode.StatusBarAlignment.Left, 0));
  private used = false;

  constructor(
    onDidUse: vscode.Event<void>,
    private readonly readSettings: () => ConnectionSettings,
  ) {
    super();
    this.item.name = vscode.l10n.t('Business Central Environment');
    this.item.command = 'bcPictures.selectEnvironment';
    this._register(
      onDidUse(() => {
        if (this.used) return;
        this.used = true;
        this.update();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('bcPictures')) this.update();
      }),
    );
    this.update();
  }

  private update(): void {
    const mode = vscode.workspace.getConfiguration('bcPictures').get<StatusBarMode>('statusBar', 'afterUse');
    const settings = this.readSettings();
    // On-premises, the server is the setting bcPictures.serviceUrl: there is no environment to show or choose.
    if (mode === 'never' || (mode !== 'always' && !this.used) || isOnPremises(settings.serviceUrl)) {
      this.item.hide();
      return;
    }
    this.item.text = `$(organization) ${settings.environment}`;
    this.item.tooltip = settings.tenant
      ? vscode.l10n.t('Business Central environment {0} of {1}. Click to choose another environment.', settings.environment, settings.tenant)
      : vscode.l10n.t('Business Central environment {0}. Click to choose another environment.', settings.environment);
    this.item.show();
  }
}
