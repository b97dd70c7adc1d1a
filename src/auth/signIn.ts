// Sign-in without `vscode`: which scopes to ask for, how a credential is asked for again after a 401, and when a Basic one is kept.
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

/** The `Authorization` header for Basic credentials. */
export function basicHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.userName}:${credentials.key}`, 'utf8').toString('base64')}`;
}

/** Whether an answer proves the service checked a credential and took it: 3xx, 407, 5xx and most 4xx can come from a proxy or gateway that never looked. */
export function credentialAccepted(status: number): boolean {
  return (status >= 200 && status < 300) || status === 403;
}

/** Where Basic credentials are kept between commands: the part of VS Code's `SecretStorage` used. */
export interface SecretStore {
  get(name: string): PromiseLike<string | undefined>;
  store(name: string, value: string): PromiseLike<void>;
  delete(name: string): PromiseLike<void>;
}

/** Asks the user for Basic credentials; `previousUserName` (to pre-fill) when the service refused that user's key. */
export type AskBasicCredentials = (previousUserName: string | undefined) => Promise<BasicCredentials | undefined>;

interface Held {
  readonly credentials: BasicCredentials;
  readonly header: string;
  stored: boolean;
}

/** One command's Basic credentials (on-premises): a typed key is stored only once the service accepts it, a refused one is forgotten and asked again with its user name. */
export class BasicCredentialKeeper {
  private held: Held | undefined;
  private obtaining: Promise<Held> | undefined;
  private refusedUserName: string | undefined;
  private writes: Promise<void> = Promise.resolve();
  private reported = false;

  constructor(
    private readonly secrets: SecretStore,
    private readonly name: string,
    private readonly ask: AskBasicCredentials,
  ) {}

  /** The user name requests are sent as, once known. */
  get userName(): string | undefined {
    return this.held?.credentials.userName;
  }

  readonly authorize: Authorize = async ({ forceNew }) => {
    // A transport that reports answers has dropped the refused credential already; for one that does not, `forceNew` is the refusal.
    if (forceNew && !this.reported && this.held) this.refuse(this.held);
    return (await this.current()).header;
  };

  /** The transport's report of an answer to a request sent with `authorization`. */
  readonly onCredentialResult = (authorization: string, status: number): void => {
    this.reported = true;
    const held = this.held;
    // A late answer to a credential already replaced changes nothing.
    if (!held || held.header !== authorization) return;
    if (status === 401) {
      this.refuse(held);
    } else if (!held.stored && credentialAccepted(status)) {
      held.stored = true;
      const { userName, key } = held.credentials;
      this.write(() => this.secrets.store(this.name, JSON.stringify({ userName, key })));
    }
  };

  private current(): Promise<Held> {
    if (this.held) return Promise.resolve(this.held);
    // Requests in parallel share one prompt.
    this.obtaining ??= this.obtain().finally(() => (this.obtaining = undefined));
    return this.obtaining;
  }

  private async obtain(): Promise<Held> {
    await this.writes;
    const held = (await this.fromStorage()) ?? (await this.fromUser());
    this.held = held;
    return held;
  }

  private async fromStorage(): Promise<Held | undefined> {
    const stored = await this.secrets.get(this.name);
    const credentials = parseStoredCredentials(stored);
    // Damaged: forgotten, and asked for again; its text is never shown.
    if (!credentials && stored) await this.secrets.delete(this.name);
    return credentials && { credentials, header: basicHeader(credentials), stored: true };
  }

  private async fromUser(): Promise<Held> {
    const credentials = await this.ask(this.refusedUserName);
    if (!credentials) throw new SignInCancelled();
    return { credentials, header: basicHeader(credentials), stored: false };
  }

  private refuse(held: Held): void {
    this.held = undefined;
    this.refusedUserName = held.credentials.userName;
    if (held.stored) this.write(() => this.secrets.delete(this.name));
  }

  private write(change: () => PromiseLike<void>): void {
    // In order, and never rejected: storage failing only means being asked again next time.
    this.writes = this.writes.then(change).then(undefined, () => undefined);
  }
}
