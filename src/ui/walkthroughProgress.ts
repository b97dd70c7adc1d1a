import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { BasicCredentialStore } from '../local/secrets';
import { readConnectionSettings } from '../local/settings';

/** Each step's context key (`completionEvents: ["onContext:…"]` in the manifest), and the steps it completes. */
const KEYS = {
  /** The settings the chosen sign-in needs are there: a client ID (Microsoft; the app is registered, too), a server (Basic). */
  configured: { key: 'bcPictures.configured', steps: ['registerApp', 'settings'] },
  /** Business Central accepted a credential, or the user signed in to another account. */
  signedIn: { key: 'bcPictures.signedIn', steps: ['signIn'] },
  /** An environment is chosen in the user settings (Select Environment… writes it there). */
  environmentChosen: { key: 'bcPictures.environmentChosen', steps: ['selectEnvironment'] },
  /** A picture was set (one, or at least one of many). */
  pictureAdded: { key: 'bcPictures.pictureAdded', steps: ['addPicture'] },
} as const;

type Progress = (typeof KEYS)[keyof typeof KEYS];

const WALKTHROUGH = 'bcPictures.gettingStarted';
const CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the user has done, for the walkthrough to check off: a step is done when it succeeded (never when its command
 * was merely opened), and what the settings and stored credentials show counts from activation on. Created in `activate`.
 */
export class WalkthroughProgress extends Disposable {
  constructor(
    private readonly extensionId: string,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('bcPictures')) this.refresh();
      }),
    );
    this.refresh();
  }

  signedIn(): void {
    this.set(KEYS.signedIn, true);
  }

  pictureAdded(): void {
    this.set(KEYS.pictureAdded, true);
  }

  private refresh(): void {
    // Secret storage failing only leaves a step unchecked.
    this.readSettings().catch((error: unknown) => this.log.warn(`Walkthrough: stored credentials not read: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** The steps the user settings show as done; Basic credentials are stored only once the service accepted them. */
  private async readSettings(): Promise<void> {
    const settings = readConnectionSettings(vscode.workspace.getConfiguration('bcPictures'), this.log);
    const basic = settings.authentication === 'basic';
    this.set(KEYS.configured, basic ? settings.serviceUrl !== '' : CLIENT_ID.test(settings.clientId));
    this.set(KEYS.environmentChosen, vscode.workspace.getConfiguration('bcPictures').inspect('environment')?.globalValue !== undefined);
    if (basic && (await new BasicCredentialStore(this.secrets).has(settings.serviceUrl))) this.signedIn();
  }

  private set(progress: Progress, value: boolean): void {
    // VS Code checks a step when its key turns true while it follows walkthroughs, which starts only with the first one
    // shown in a window: anything done before that would stay unchecked, so the step is also marked done directly.
    void vscode.commands.executeCommand('setContext', progress.key, value);
    if (!value) return;
    for (const step of progress.steps) {
      vscode.commands.executeCommand('welcome.markStepComplete', `${this.extensionId}#${WALKTHROUGH}#${step}`).then(undefined, (error: unknown) =>
        // A VS Code without that command, or not yet showing walkthroughs: the context key still checks the step.
        this.log.debug(`Walkthrough step ${step} not marked: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}
