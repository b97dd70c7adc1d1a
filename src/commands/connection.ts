import * as vscode from 'vscode';
import type { PictureService } from '../api/types';
import { basicAuthorizer, microsoftAuthorizer, microsoftScopes, type Authorize, type GetSession } from '../auth/signIn';
import { BasicCredentialStore } from '../ui/credentials';
import { readConnectionSettings, settingsScope, type ConnectionSettings } from '../ui/settings';
import type { CommandContext } from '.';

/** One command's way to the service: the settings it was started with, and a client signed in through VS Code. */
export interface Connection {
  readonly settings: ConnectionSettings;
  readonly scope: string;
  readonly service: PictureService;
  /** Where "waiting for the service" goes while this connection backs off. */
  onWaiting?: (seconds: number) => void;
}

/** Fires when a command reaches for Business Central, so the environment's status bar item can appear. */
const connecting = new vscode.EventEmitter<void>();
export const onDidConnect = connecting.event;

/** `environment` overrides the setting: a `bc-picture:` file names the environment it came from. */
export async function connect(services: CommandContext, overrides: { readonly environment?: string } = {}): Promise<Connection> {
  const read = readConnectionSettings(services.log);
  const settings = overrides.environment ? { ...read, environment: overrides.environment } : read;
  connecting.fire();
  const authorize = authorizer(services, settings);
  // The HTTP stack loads with the first command that needs it, never at activation.
  const { createPictureService } = await import('../api');
  const http = vscode.workspace.getConfiguration('http');
  const connection: { -readonly [K in keyof Connection]: Connection[K] } = {
    settings,
    scope: settingsScope(settings),
    service: undefined as unknown as PictureService,
  };
  connection.service = createPictureService(
    { api: settings.api, serviceUrl: settings.serviceUrl, environment: settings.environment, tenant: settings.tenant },
    {
      authorize,
      log: services.log,
      capabilities: services.capabilities,
      proxy: {
        proxy: http.get<string>('proxy') || undefined,
        proxyStrictSSL: http.get<boolean>('proxyStrictSSL', true),
        noProxy: http.get<string[]>('noProxy', []),
      },
      onWaiting: (seconds: number) => connection.onWaiting?.(seconds),
    },
  );
  return connection;
}

function authorizer(services: CommandContext, settings: ConnectionSettings): Authorize {
  if (settings.authentication === 'basic') {
    const store = new BasicCredentialStore(services.context.secrets);
    return basicAuthorizer((forceNew) => store.get(settings.serviceUrl, forceNew));
  }
  return microsoftAuthorizer(microsoftSession, microsoftScopes(settings.api, settings), signInReason());
}

/** VS Code's Microsoft sign-in, as the plain sign-in layer asks for it. */
export const microsoftSession: GetSession = (scopes, options) => Promise.resolve(vscode.authentication.getSession('microsoft', scopes, options));

export function signInReason(): string {
  return vscode.l10n.t('Sign in with the Microsoft account you use for Business Central, to read its companies and customers and set customer pictures.');
}
