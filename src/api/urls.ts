import * as l10n from '../common/l10n';
import { ServiceError } from './errors';
import type { ApiKind } from './types';

/** Where the client talks to: the settings `bcPictures.api`, `.serviceUrl`, `.environment`, `.tenant`. */
export interface ServiceSettings {
  readonly api: ApiKind;
  /** Empty: the online service. Ending in `/api/v2.0`: an on-premises API root used as is. Else an origin shaped like the online service. */
  readonly serviceUrl?: string;
  readonly environment: string;
  readonly tenant?: string;
}

export const ONLINE_BC_ORIGIN = 'https://api.businesscentral.dynamics.com';
export const ONLINE_GRAPH_BASE = 'https://graph.microsoft.com/beta/financials';

function settingsError(message: string): ServiceError {
  return new ServiceError(message, { kind: 'settings' });
}

/** A refused `bcPictures.serviceUrl`: what is wrong, then where to correct it. */
function serviceUrlError(problem: string): ServiceError {
  return settingsError(`${problem} ${l10n.t('Correct it in your user settings, or leave it empty for Business Central online.')}`);
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http is allowed to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') {
    return true;
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    return Number(v4[1]) === 127 && v4.slice(1).every((part) => Number(part) <= 255);
  }
  const mapped = /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(host);
  return mapped ? isLoopbackHost(mapped[1]) : false;
}

/** Parses `bcPictures.serviceUrl`; refuses what would leak credentials (plain http off loopback, user info, fragments). */
function parseServiceUrl(serviceUrl: string): URL {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    throw serviceUrlError(l10n.t('The setting bcPictures.serviceUrl is not a valid URL: {0}.', serviceUrl));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw serviceUrlError(l10n.t('The setting bcPictures.serviceUrl must start with https:// (it is {0}).', serviceUrl));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw serviceUrlError(
      l10n.t('The setting bcPictures.serviceUrl must use https:// to protect your credentials; plain http:// is only allowed for this computer (localhost, 127.0.0.1, ::1). It is {0}.', url.origin),
    );
  }
  if (url.username || url.password) {
    throw serviceUrlError(l10n.t('The setting bcPictures.serviceUrl must not contain a user name or password.'));
  }
  if (url.search || url.hash) {
    throw serviceUrlError(l10n.t('The setting bcPictures.serviceUrl must not contain a query (?) or fragment (#): {0}.', url.origin + url.pathname));
  }
  return url;
}

const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

function checkEnvironment(environment: string): string {
  const value = environment.trim();
  if (!value) {
    throw settingsError(l10n.t('The setting bcPictures.environment is empty. Enter the name of the Business Central environment, for example production.'));
  }
  if (!ENVIRONMENT.test(value)) {
    throw settingsError(
      l10n.t('The setting bcPictures.environment is not a valid environment name: {0}. Use the name shown in the Business Central admin center (letters, digits, - and _).', value),
    );
  }
  return value;
}

function checkTenant(tenant: string | undefined): string | undefined {
  const value = tenant?.trim();
  if (!value) {
    return undefined;
  }
  if (!TENANT.test(value)) {
    throw settingsError(l10n.t('The setting bcPictures.tenant must be a tenant id (a GUID) or a domain such as contoso.onmicrosoft.com. It is {0}.', value));
  }
  return value;
}

/** The API root every path is appended to, without a trailing slash. Throws a settings error for bad settings. */
export function buildBaseUrl(settings: ServiceSettings): string {
  const serviceUrl = settings.serviceUrl?.trim() ?? '';
  const parsed = serviceUrl ? parseServiceUrl(serviceUrl) : undefined;
  if (settings.api === 'graph') {
    return parsed ? `${parsed.origin}/beta/financials` : ONLINE_GRAPH_BASE;
  }
  if (parsed) {
    const path = parsed.pathname.replace(/\/+$/, '');
    if (/\/api\/v2\.0$/i.test(path)) {
      return parsed.origin + path;
    }
  }
  const origin = parsed ? parsed.origin : ONLINE_BC_ORIGIN;
  const environment = encodeURIComponent(checkEnvironment(settings.environment));
  const tenant = checkTenant(settings.tenant);
  return tenant ? `${origin}/v2.0/${encodeURIComponent(tenant)}/${environment}/api/v2.0` : `${origin}/v2.0/${environment}/api/v2.0`;
}

/** True for an on-premises API root (`bcPictures.serviceUrl` ending in `/api/v2.0`): it has no environments. */
export function isOnPremises(serviceUrl: string | undefined): boolean {
  return /\/api\/v2\.0\/*$/i.test(serviceUrl?.trim() ?? '');
}

/** Where the tenant's environments are listed: the online service, or the origin of a service shaped like it. */
export function buildEnvironmentsUrl(settings: Pick<ServiceSettings, 'serviceUrl'>): string {
  const serviceUrl = settings.serviceUrl?.trim() ?? '';
  if (isOnPremises(serviceUrl)) {
    throw settingsError(l10n.t('Business Central on-premises has no environments to choose from: the setting bcPictures.serviceUrl names one server. Change that setting to reach another server.'));
  }
  return `${serviceUrl ? parseServiceUrl(serviceUrl).origin : ONLINE_BC_ORIGIN}/environments/v1.2`;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** Refuses anything but a GUID before it goes into a URL, so no path tricks (`../`, `%2F`, quotes) reach the service. */
export function checkId(value: string, what: 'company' | 'customer' | 'picture'): string {
  if (!isGuid(value)) {
    const text = String(value as unknown);
    const shown = JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text);
    const message =
      what === 'company'
        ? l10n.t('The company id {0} is not valid (a Business Central id looks like 00000000-0000-0000-0000-000000000000). Pick the company again.', shown)
        : what === 'customer'
          ? l10n.t('The customer id {0} is not valid (a Business Central id looks like 00000000-0000-0000-0000-000000000000). Pick the customer again.', shown)
          : l10n.t('The picture id {0} is not valid.', shown);
    throw new ServiceError(message, { kind: 'badRequest' });
  }
  return value.toLowerCase();
}

/** An OData string literal: single-quoted, with `'` doubled inside. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A query string from OData options; every value percent-encoded with `encodeURIComponent` (space is `%20`, never `+`). */
export function buildQuery(options: Readonly<Record<string, string | undefined>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && value !== '') {
      parts.push(`${encodeURIComponent(key).replace(/%24/g, '$')}=${encodeURIComponent(value)}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `number` is a Code[20] field: longer literals are a 400 that fails the whole request, and no customer has such a number. */
export const CUSTOMER_NUMBER_MAX_LENGTH = 20;

/** A customer number as Business Central stores it (Code fields are upper-case), or undefined when no customer can have it. */
export function normalizeCustomerNumber(value: string): string | undefined {
  const number = value.trim().toUpperCase();
  return number.length > 0 && number.length <= CUSTOMER_NUMBER_MAX_LENGTH ? number : undefined;
}

/** Part of a number, as typed: `contains` on the upper-cased term; undefined when the term cannot be part of a number. */
export function numberSearchFilter(search: string): string | undefined {
  const term = normalizeCustomerNumber(search);
  return term === undefined ? undefined : `contains(number,${odataString(term)})`;
}

/**
 * Whether typed text may be (part of) a customer number. Numbers are Code[20]: stored upper-case, often digits,
 * sometimes letters and separators (10000, C00010, K-1.2). So: at most 20 characters, only letters, digits, '-',
 * '.', '_' and '/', and either a digit (c00010 is a number typed in lower case) or upper-case letters only (KUNDE-A).
 * Spaces, lower-case words ("trey", "Trey") and any other character make it a name.
 */
export function looksLikeCustomerNumber(text: string): boolean {
  const term = text.trim();
  if (!term || term.length > CUSTOMER_NUMBER_MAX_LENGTH || !/^[\p{L}\p{N}._\-/]+$/u.test(term)) return false;
  return /\p{N}/u.test(term) || (/\p{Lu}/u.test(term) && !/\p{Ll}/u.test(term));
}

/** Whether typed text may name one customer exactly: a customer number (above) or an id (a GUID). */
export function looksLikeNumberOrId(text: string): boolean {
  return isGuid(text.trim()) || looksLikeCustomerNumber(text);
}

/**
 * The spellings of a name search without a case-insensitive filter: as typed, lower, upper, and capitalised
 * words (comparisons are case-sensitive on the service, and an `or` is allowed only on one field).
 */
export function nameSpellings(search: string): string[] {
  const text = search.trim();
  if (!text) return [];
  const lower = text.toLowerCase();
  const capitalised = lower.replace(/(^|[\s\-'(.&/])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
  const first = lower.charAt(0).toUpperCase() + lower.slice(1);
  return [...new Set([text, lower, text.toUpperCase(), capitalised, first])];
}

/**
 * Part of a name. `caseInsensitive`: `contains(tolower(displayName),…)`, which needs `$schemaversion=2.1`
 * (nested calls); otherwise a same-field `or` of the common spellings.
 */
export function nameSearchFilter(search: string, caseInsensitive: boolean): string | undefined {
  const text = search.trim();
  if (!text) return undefined;
  if (caseInsensitive) return `contains(tolower(displayName),${odataString(text.toLowerCase())})`;
  return nameSpellings(text)
    .map((spelling) => `contains(displayName,${odataString(spelling)})`)
    .join(' or ');
}

/** Whether a customer is one a search for `search` asked for (by name, case-insensitive, or by number). */
export function matchesSearch(customer: { readonly number: string; readonly displayName: string }, search: string, by: 'name' | 'number'): boolean {
  const text = search.trim();
  return by === 'number' ? customer.number.toUpperCase().includes(text.toUpperCase()) : customer.displayName.toLowerCase().includes(text.toLowerCase());
}

/** `number eq 'A' or number eq 'B' …`: one field, so Business Central allows the `or` on every version. */
export function numberEqFilter(numbers: readonly string[]): string {
  return numbers.map((number) => `number eq ${odataString(number)}`).join(' or ');
}

/** True when `link` is on the same origin as `base` (scheme, host and port), so credentials may go there. */
export function isSameOrigin(link: string, base: string): boolean {
  try {
    return new URL(link).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** A URL fit for the log: no user info, and no fragment. Queries of this API hold no secrets. */
export function loggableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.hash = '';
    const text = parsed.toString();
    // The query decoded, so a filter reads as written ($filter=number eq '10000'); control characters stay escaped, so
    // text typed into a search can never start a line of its own in the log.
    const query = text.indexOf('?');
    return query < 0 ? text : text.slice(0, query) + readable(text.slice(query));
  } catch {
    return '(invalid URL)';
  }
}

function readable(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, '%20')).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => encodeURIComponent(c));
  } catch {
    return encoded;
  }
}
