// Sign-in without `vscode`: which scopes to ask for, and how a credential is asked for again after a 401.
import type { ApiKind } from '../api/types';
import { t } from '../common/l10n';

/** The Authorization header value for one request; `forceNew` after the service answered 401. */
export type Authorize = (attempt: { forceNew: boolean }) => Promise<string>;

/** The part of `vscode.authentication.getSession` sign-in needs, so tests and Node code can pass their own. */
export type GetSession = (
  scopes: readonly string[],
  options: {
    silent?: boolean;
    createIfNone?: { detail: string };
    forceNewSession?: { detail: string };
    clearSessionPreference?: boolean;
  },
) => Promise<{ readonly accessToken: string; readonly account: { readonly label: string } } | undefined>;

/** Thrown when the user closes a sign-in prompt: the command ends quietly, nothing was sent. */
export class SignInCancelled extends Error {
  constructor() {
    super(t('Sign-in was cancelled.'));
    this.name = 'SignInCancelled';
  }
}

const RESOURCE_SCOPES: Record<ApiKind, string> = {
  businessCentral: 'https://api.businesscentral.dynamics.com/Financials.ReadWrite.All',
  graph: 'https://graph.microsoft.com/Financials.ReadWrite.All',
};

/** The scopes for VS Code's Microsoft provider: the API's resource scope, then the app and tenant pseudo-scopes. */
export function microsoftScopes(api: ApiKind, settings: { clientId?: string; tenant?: string }): string[] {
  const scopes = [RESOURCE_SCOPES[api]];
  if (settings.clientId) scopes.push(`VSCODE_CLIENT_ID:${settings.clientId}`);
  if (settings.tenant) scopes.push(`VSCODE_TENANT:${settings.tenant}`);
  return scopes;
}

/**
 * Bearer credentials from VS Code's Microsoft sign-in: silent first, a prompt with one sentence of why
 * only when needed, and a new session when the service refused the last token. Nothing is cached here:
 * the provider keeps and refreshes tokens itself.
 */
export function microsoftAuthorizer(getSession: GetSession, scopes: readonly string[], why: string): Authorize {
  return async ({ forceNew }) => {
    const session = forceNew
      ? await getSession(scopes, { forceNewSession: { detail: why } })
      : ((await getSession(scopes, { silent: true })) ?? (await getSession(scopes, { createIfNone: { detail: why } })));
    if (!session) throw new SignInCancelled();
    return `Bearer ${session.accessToken}`;
  };
}

export interface BasicCredentials {
  readonly userName: string;
  readonly key: string;
}

/** Basic credentials (on-premises): asked once and kept by the caller; after a 401 the caller asks again. */
export function basicAuthorizer(getCredentials: (forceNew: boolean) => Promise<BasicCredentials | undefined>): Authorize {
  return async ({ forceNew }) => {
    const credentials = await getCredentials(forceNew);
    if (!credentials) throw new SignInCancelled();
    return `Basic ${Buffer.from(`${credentials.userName}:${credentials.key}`, 'utf8').toString('base64')}`;
  };
}
