// Sign-in without `vscode`: which scopes to ask for, and how a credential is asked for again after a 401.
import { createHash } from 'node:crypto';
import type { Authorize } from '../api/http';
import type { ApiKind } from '../api/types';
import * as l10n from '../common/l10n';

export type { Authorize };

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
    super(l10n.t('Sign-in was cancelled.'));
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
 * only when needed. After a 401 the provider is asked silently once more (it refreshes expired tokens
 * itself), and only when it has nothing newer does the user sign in again. No token is kept here:
 * only a hash of the last one, to tell a refreshed token from the refused one.
 */
export function microsoftAuthorizer(getSession: GetSession, scopes: readonly string[], why: string): Authorize {
  let lastTokenHash: string | undefined;
  const use = (session: { readonly accessToken: string }) => {
    lastTokenHash = hashOf(session.accessToken);
    return `Bearer ${session.accessToken}`;
  };
  return async ({ forceNew }) => {
    const silent = await getSession(scopes, { silent: true });
    if (silent && (!forceNew || hashOf(silent.accessToken) !== lastTokenHash)) return use(silent);
    const session = await getSession(scopes, forceNew ? { forceNewSession: { detail: why } } : { createIfNone: { detail: why } });
    if (!session) throw new SignInCancelled();
    return use(session);
  };
}

/**
 * Another account: VS Code forgets which account this extension used and asks again (its account list
 * offers "Sign in with another account"); later silent asks get the account chosen here. Its label, never a token.
 */
export async function switchMicrosoftAccount(getSession: GetSession, scopes: readonly string[], why: string): Promise<string> {
  const session = await getSession(scopes, { clearSessionPreference: true, createIfNone: { detail: why } });
  if (!session) throw new SignInCancelled();
  return session.account.label;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface BasicCredentials {
  readonly userName: string;
  readonly key: string;
}

/**
 * Stored Basic credentials as kept in secret storage, or undefined when what is stored is not such a record
 * (damaged, or from another version): then they are asked for again. Never throws: a JSON error's text would
 * quote the start of the secret.
 */
export function parseStoredCredentials(stored: string | undefined): BasicCredentials | undefined {
  if (!stored) return undefined;
  try {
    const value = JSON.parse(stored) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { userName, key } = value as Record<string, unknown>;
    return typeof userName === 'string' && userName.trim() && typeof key === 'string' && key ? { userName, key } : undefined;
  } catch {
    return undefined;
  }
}

/** Basic credentials (on-premises): asked once and kept by the caller; after a 401 the caller asks again. */
export function basicAuthorizer(getCredentials: (forceNew: boolean) => Promise<BasicCredentials | undefined>): Authorize {
  return async ({ forceNew }) => {
    const credentials = await getCredentials(forceNew);
    if (!credentials) throw new SignInCancelled();
    return `Basic ${Buffer.from(`${credentials.userName}:${credentials.key}`, 'utf8').toString('base64')}`;
  };
}
