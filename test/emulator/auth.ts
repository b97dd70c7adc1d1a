/**
 * Credentials: bearer tokens the emulator was told to accept (bound to an
 * audience and optionally scopes, a user and an expiry), and Basic
 * authentication with a user name and web service access key (on-premises
 * style). Tokens and keys are never logged or recorded.
 */
import { createHash } from 'node:crypto';

export type Audience = 'businesscentral' | 'graph';

export interface TokenGrant {
  audience: Audience;
  /** Scopes the token was issued for; when given, they must fit the API (see README). */
  scopes?: string[];
  /** The user the token belongs to (limits and statistics are per user). Default: derived from the token. */
  user?: string;
  /** Epoch ms after which the token is expired (401 invalid_token). */
  expiresAt?: number;
}

export interface BasicCredential {
  userName: string;
  key: string;
}

export type AuthOutcome =
  | { ok: true; user: string; scheme: 'Bearer' | 'Basic' }
  | { ok: false; status: 401 | 403; code: string; message: string; wwwAuthenticate: string[] };

const RESOURCE = { businesscentral: 'https://api.businesscentral.dynamics.com', graph: 'https://graph.microsoft.com' } as const;
const GRAPH_CLIENT_ID = '00000003-0000-0000-c000-000000000000';

function userOf(token: string): string {
  return `token-${createHash('sha256').update(token).digest('hex').slice(0, 10)}`;
}

function scopesFit(audience: Audience, scopes: readonly string[] | undefined): boolean {
  if (!scopes) {
    return true;
  }
  const suffixes = audience === 'businesscentral' ? ['/.default', 'Financials.ReadWrite.All', 'user_impersonation', 'API.ReadWrite.All'] : ['/.default', 'Financials.ReadWrite.All'];
  return scopes.some((s) => suffixes.some((x) => s === x.replace(/^\//, '') || s.endsWith(x)));
}

export class Auth {
  private readonly tokens = new Map<string, TokenGrant & { revoked?: boolean }>();

  constructor(
    private basic: BasicCredential | undefined,
    private readonly authorizationUri: () => string,
  ) {}

  accept(token: string, grant: TokenGrant): void {
    if (!token || /\s/.test(token)) {
      throw new Error('a token must be a non-empty string without spaces');
    }
    this.tokens.set(token, { ...grant });
  }

  /** Afterwards the token is answered with the expired-token 401. */
  revoke(token: string): void {
    const grant = this.tokens.get(token);
    if (grant) {
      grant.revoked = true;
    }
  }

  setBasic(basic: BasicCredential | undefined): void {
    this.basic = basic;
  }

  /** The user a request claims to be, without judging it (for bookkeeping before the body is read). */
  identify(header: string | undefined): string | undefined {
    const parsed = parse(header);
    if (parsed?.scheme === 'bearer') {
      const g = this.tokens.get(parsed.value);
      return g ? (g.user ?? userOf(parsed.value)) : undefined;
    }
    if (parsed?.scheme === 'basic' && this.basic) {
      const text = Buffer.from(parsed.value, 'base64').toString('utf8');
      return text === `${this.basic.userName}:${this.basic.key}` ? this.basic.userName : undefined;
    }
    return undefined;
  }

  /** The 401 an expired token gets (also used by the expiredToken fault). */
  expired(api: 'bc' | 'graph'): AuthOutcome {
    return this.reject(api, 'The access token has expired.', 'invalid_token', 'The access token has expired');
  }

  check(header: string | undefined, api: 'bc' | 'graph', now = Date.now()): AuthOutcome {
    const parsed = parse(header);
    if (!parsed) {
      return this.reject(api, header ? 'The authorization header is malformed.' : 'The request is missing credentials.');
    }
    if (parsed.scheme === 'basic') {
      if (api !== 'bc' || !this.basic) {
        return this.reject(api, 'Basic authentication is not accepted here.');
      }
      const text = Buffer.from(parsed.value, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      if (colon < 0 || text.slice(0, colon) !== this.basic.userName || text.slice(colon + 1) !== this.basic.key) {
        return this.reject(api, 'The server has rejected the client credentials.');
      }
      return { ok: true, user: this.basic.userName, scheme: 'Basic' };
    }
    if (parsed.scheme !== 'bearer') {
      return this.reject(api, `The authentication scheme '${parsed.scheme}' is not supported.`);
    }
    const grant = this.tokens.get(parsed.value);
    if (!grant) {
      return this.reject(api, 'The server has rejected the client credentials.', 'invalid_token', 'The access token is invalid');
    }
    if (grant.revoked || (grant.expiresAt !== undefined && now >= grant.expiresAt)) {
      return this.expired(api);
    }
    const wanted: Audience = api === 'graph' ? 'graph' : 'businesscentral';
    if (grant.audience !== wanted) {
      return this.reject(api, `The audience of the access token is not valid; expected '${RESOURCE[wanted]}'.`, 'invalid_token', 'Invalid audience');
    }
    if (!scopesFit(grant.audience, grant.scopes)) {
      if (api === 'graph') {
        return { ok: false, status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', wwwAuthenticate: [] };
      }
      return this.reject(api, 'The access token does not grant access to Dynamics 365 Business Central.', 'insufficient_scope', 'Missing scope Financials.ReadWrite.All');
    }
    return { ok: true, user: grant.user ?? userOf(parsed.value), scheme: 'Bearer' };
  }

  private reject(api: 'bc' | 'graph', message: string, error?: string, description?: string): AuthOutcome {
    const extra = error ? `, error="${error}", error_description="${description}"` : '';
    if (api === 'graph') {
      return {
        ok: false,
        status: 401,
        code: 'InvalidAuthenticationToken',
        message,
        wwwAuthenticate: [`Bearer realm="", authorization_uri="${this.authorizationUri()}", client_id="${GRAPH_CLIENT_ID}"${extra}`],
      };
    }
    const challenges = [`Bearer realm="", authorization_uri="${this.authorizationUri()}", resource_id="${RESOURCE.businesscentral}"${extra}`];
    if (this.basic) {
      challenges.push('Basic realm="Business Central"');
    }
    return { ok: false, status: 401, code: 'Authentication_InvalidCredentials', message, wwwAuthenticate: challenges };
  }
}

function parse(header: string | undefined): { scheme: string; value: string } | undefined {
  const m = header ? /^([A-Za-z]+) +(\S+)\s*$/.exec(header) : null;
  return m ? { scheme: m[1].toLowerCase(), value: m[2] } : undefined;
}

/** `Authorization` as recorded: its scheme only. */
export function redactAuthorization(header: string): string {
  const m = /^([A-Za-z]+)/.exec(header);
  return m ? `${m[1]} <redacted>` : '<redacted>';
}
