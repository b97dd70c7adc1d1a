import * as vscode from 'vscode';
import { isOnPremises } from '../api/urls';
import { readConnectionSettings } from './settings';

export type StatusBarMode = 'afterUse' | 'always' | 'never';

/** The current Business Central environment in the status bar; a click opens the environment picker. */
export class EnvironmentStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bcPictures.environment', vscode.StatusBarAlignment.Left, 0);
  private readonly disposables: vscode.Disposable[];
  private used = false;

  constructor(
    onDidUse: vscode.Event<void>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item.name = vscode.l10n.t('Business Central Environment');
    this.item.command = 'bcPictures.selectEnvironment';
    this.disposables = [
      onDidUse(() => {
        if (this.used) return;
        this.used = true;
        this.update();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('bcPictures')) this.update();
      }),
    ];
    this.update();
  }

  private update(): void {
    const mode = vscode.workspace.getConfiguration('bcPictures').get<StatusBarMode>('statusBar', 'afterUse');
    const settings = readConnectionSettings(this.log);
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

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.item.dispose();
  }
}
