import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { PictureService } from '../api/types';
import { credentialAccepted, microsoftAuthorizer, microsoftScopes, type GetSession } from '../auth/signIn';
import { BasicCredentialStore } from '../local/secrets';
import { readConnectionSettings, settingsScope, type ConnectionSettings } from '../local/settings';
import { askCredentials } from '../ui/credentials';
import { Prompts } from '../ui/progress';
import type { CommandContext } from './context';

/** A way to the service: the settings it was made for, and a client signed in through VS Code. */
export interface Connection {
  readonly settings: ConnectionSettings;
  readonly scope: string;
  readonly service: PictureService;
  /** The Basic user name requests are sent as, once known (Microsoft sign-in: undefined). */
  readonly basicUserName: () => string | undefined;
  /** Whether a sign-in prompt is open: reads show no progress meanwhile. */
  readonly prompts: Prompts;
}

/**
 * The way to Business Central, created in `activate`: one connection per set of settings, kept (with its client,
 * sign-in and connection pool) until a setting changes or the credentials are forgotten; disposed with the extension.
 */
export class Connections extends Disposable {
  private readonly connecting = this._register(new vscode.EventEmitter<void>());
  /** Fires when a command reaches for Business Central, so the environment's status bar item can appear. */
  readonly onDidConnect = this.connecting.event;
  private readonly open = new Map<string, Promise<Connection>>();
  private readonly prompts = this._register(new Prompts());

  constructor(private readonly services: Pick<CommandContext, 'context' | 'log' | 'capabilities' | 'walkthrough'>) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('bcPictures') || event.affectsConfiguration('http')) this.forget();
      }),
    );
  }

  /** The user settings a connection is made for now (workspace values are ignored and logged). */
  settings(): ConnectionSettings {
    return readConnectionSettings(vscode.workspace.getConfiguration('bcPictures'), this.services.log);
  }

  /** The connection for the current settings; `environment` overrides the setting (a `bc-picture:` file names its own). */
  get(overrides: { readonly environment?: string } = {}): Promise<Connection> {
    const read = this.settings();
    const settings = overrides.environment ? { ...read, environment: overrides.environment } : read;
    this.connecting.fire();
    const key = JSON.stringify(settings);
    let connection = this.open.get(key);
    if (!connection) {
      connection = this.create(settings);
      this.open.set(key, connection);
      connection.catch(() => this.open.delete(key));
    }
    return connection;
  }

  /** Drops every kept connection: after a settings change, a switch of account, or forgotten credentials. */
  forget(): void {
    this.open.clear();
  }

  private async create(settings: ConnectionSettings): Promise<Connection> {
    const services = this.services;
    const prompts = this.prompts;
    const ask: typeof askCredentials = (serviceUrl, previousUserName) => prompts.around(() => askCredentials(serviceUrl, previousUserName));
    // Microsoft's sign-in dialog is a prompt too; a silent look for a session is not.
    const session: GetSession = (scopes, options) => (options.silent ? microsoftSession(scopes, options) : prompts.around(() => microsoftSession(scopes, options)));
    const basic = settings.authentication === 'basic' ? new BasicCredentialStore(services.context.secrets).keeper(settings.serviceUrl, ask) : undefined;
    const authorize = basic?.authorize ?? microsoftAuthorizer(session, microsoftScopes(settings.api, settings), signInReason());
    let accepted = false;
    const onCredentialResult = (authorization: string, status: number) => {
      basic?.onCredentialResult(authorization, status);
      // Signed in once Business Central took the credential: the walkthrough's step, told once per connection.
      if (!accepted && credentialAccepted(status)) {
        accepted = true;
        services.walkthrough.signedIn();
      }
    };
    // The HTTP stack loads with the first command that needs it, never at activation.
    const { createPictureService } = await import('../api');
    const service = createPictureService(
      { api: settings.api, serviceUrl: settings.serviceUrl, environment: settings.environment, tenant: settings.tenant },
      {
        authorize,
        // The transport's word on each answer: a new Basic key is stored only once the service accepted it.
        onCredentialResult,
        log: services.log,
        capabilities: services.capabilities,
      },
    );
    return { settings, scope: settingsScope(settings), service, basicUserName: () => basic?.userName, prompts };
  }
}

/** VS Code's Microsoft sign-in, as the plain sign-in layer asks for it. */
export const microsoftSession: GetSession = (scopes, options) => Promise.resolve(vscode.authentication.getSession('microsoft', scopes, options));

export function signInReason(): string {
  return vscode.l10n.t('Sign in with the Microsoft account you use for Business Central, to read its companies and customers and set customer pictures.');
}
