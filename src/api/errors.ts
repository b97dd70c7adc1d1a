import * as l10n from '../common/l10n';
import { inert } from '../common/serviceText';

/** What went wrong, in the terms the UI needs to decide what to offer next. */
export type ServiceErrorKind =
  | 'auth'
  | 'permission'
  | 'notFound'
  | 'conflict'
  | 'throttled'
  | 'unavailable'
  | 'network'
  | 'badRequest'
  | 'tooLarge'
  | 'timeout'
  | 'cancelled'
  | 'redirect'
  | 'invalidResponse'
  | 'settings'
  /** The image file changed (size, time or length) after it was inspected or while it was sent; nothing was stored. */
  | 'fileChanged'
  /** The image file was moved or deleted after it was chosen; nothing was sent. */
  | 'fileMissing';

export interface ServiceErrorDetails {
  readonly kind: ServiceErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly correlationId?: string;
  /** The service's own message, without secrets; for the log, not the user. */
  readonly serviceMessage?: string;
  /** The whole request body reached the service but no answer confirmed it: the change may have been made. */
  readonly outcomeUnknown?: boolean;
  readonly cause?: unknown;
}

/**
 * The one error the API layer throws. `message` is for the user (translated through `l10n.t()`), names the
 * cause, the service's error code and CorrelationId, and points to the fix. It never holds a credential.
 */
export class ServiceError extends Error {
  readonly kind: ServiceErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly correlationId?: string;
  readonly serviceMessage?: string;
  readonly outcomeUnknown: boolean;

  constructor(message: string, details: ServiceErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ServiceError';
    this.kind = details.kind;
    this.status = details.status;
    this.code = details.code;
    this.correlationId = details.correlationId;
    this.serviceMessage = details.serviceMessage;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }
}

/**
 * Whether the user stopped what failed, decided by the error's type: a service error that merely mentions
 * "cancelled" is still a failure to show. VS Code's own sign-in says so only in plain errors' words.
 */
export function isCancellation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // A cancel after the last byte is not quiet: the picture may have been set, and the user must hear so.
  if (error instanceof ServiceError) return error.kind === 'cancelled' && !error.outcomeUnknown;
  // SignInCancelled: our sign-in prompts; AbortError: a signal; Canceled: vscode.CancellationError.
  if (['SignInCancelled', 'AbortError', 'Canceled'].includes(error.name)) return true;
  return error.name === 'Error' && /^(User did not consent\b|Cancel(l)?ed\.?$)/i.test(error.message);
}

export function cancelledError(cause?: unknown): ServiceError {
  return new ServiceError(l10n.t('The request to Business Central was cancelled.'), { kind: 'cancelled', cause });
}

/** What the service said in its error body: `{"error":{"code","message"}}` (+ Graph's `innerError`). */
export interface ServiceErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly correlationId?: string;
}

const CORRELATION_IN_MESSAGE = /\s*CorrelationId:\s*([0-9a-fA-F-]{36})\.?\s*$/;

/** Reads the service's error body; tolerant of anything (HTML from a proxy, empty bodies). */
export function parseErrorBody(text: string): ServiceErrorBody {
  if (!text) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (!error || typeof error !== 'object') {
    return {};
  }
  const { code, message, innerError, innererror } = error as Record<string, unknown>;
  let serviceMessage = typeof message === 'string' ? message : undefined;
  let correlationId: string | undefined;
  const match = serviceMessage ? CORRELATION_IN_MESSAGE.exec(serviceMessage) : null;
  if (match && serviceMessage) {
    correlationId = match[1];
    serviceMessage = serviceMessage.slice(0, match.index).trim();
  }
  const inner = (innerError ?? innererror) as Record<string, unknown> | undefined;
  if (!correlationId && inner && typeof inner === 'object') {
    const id = inner['request-id'] ?? inner['client-request-id'];
    if (typeof id === 'string') {
      correlationId = id;
    }
  }
  return { code: typeof code === 'string' ? code : undefined, message: serviceMessage, correlationId };
}

/** The suffix every service error message carries: the code and CorrelationId, for support. */
function reference(code: string | undefined, correlationId: string | undefined): string {
  if (code && correlationId) {
    return ' ' + l10n.t('(Error code: {0}, CorrelationId: {1}.)', code, correlationId);
  }
  if (code) {
    return ' ' + l10n.t('(Error code: {0}.)', code);
  }
  if (correlationId) {
    return ' ' + l10n.t('(CorrelationId: {0}.)', correlationId);
  }
  return '';
}

export interface HttpFailure {
  readonly status: number;
  readonly body: ServiceErrorBody;
  /** A correlation id from the response headers, used when the body has none. */
  readonly headerCorrelationId?: string;
  /** What the request was about, e.g. 'customer', 'company', 'picture'. */
  readonly subject?: 'company' | 'customer' | 'picture' | 'companies' | 'customers';
  /** Whether retries were spent before giving up (for 429/503/504). */
  readonly attempts?: number;
  /** How the refused request signed in, for a 401 that says what to check (default: Microsoft sign-in). */
  readonly authentication?: 'basic' | 'microsoft';
}

/** Turns a final (not retried, or retried to the end) HTTP error status into the user's error. */
export function errorFromStatus(failure: HttpFailure): ServiceError {
  const { status, body } = failure;
  const code = body.code;
  const correlationId = body.correlationId ?? failure.headerCorrelationId;
  const ref = reference(code, correlationId);
  const details = { status, code, correlationId, serviceMessage: body.message };
  const serviceText = body.message ?? '';

  if (status === 401) {
    if (failure.authentication === 'basic') {
      return new ServiceError(basicRefusedMessage() + ref, { kind: 'auth', ...details });
    }
    const aadsts = /AADSTS\d+/.exec(`${code ?? ''} ${serviceText}`)?.[0];
    if (aadsts === 'AADSTS65002') {
      return new ServiceError(aadSts65002Message() + ref, { kind: 'auth', ...details, code: code ?? aadsts });
    }
    return new ServiceError(
      l10n.t(
        'Business Central did not accept your sign-in. Sign in again with an account that has access to this environment, and check the settings bcPictures.tenant and bcPictures.environment.',
      ) + ref,
      { kind: 'auth', ...details },
    );
  }
  if (status === 403) {
    return new ServiceError(
      l10n.t(
        'Business Central refused the request: your user is not allowed to change customers. Ask your administrator for a permission set that allows modifying customers (for example D365 BUS FULL ACCESS), and check that the user has a license for this environment.',
      ) + ref,
      { kind: 'permission', ...details },
    );
  }
  if (status === 404) {
    const message =
      failure.subject === 'company' || failure.subject === 'companies' || code === 'BadRequest_CompanyNotFound'
        ? l10n.t('The company no longer exists in Business Central, or the environment is wrong. Pick the company again, and check the setting bcPictures.environment.')
        : failure.subject === 'picture'
          ? l10n.t('The customer has no picture in Business Central, or the customer no longer exists. Pick the customer again.')
          : l10n.t('The customer no longer exists in Business Central (it may have been deleted or renamed). Pick the customer again.');
    return new ServiceError(message + ref, { kind: 'notFound', ...details });
  }
  if (status === 409 || status === 412) {
    return new ServiceError(
      l10n.t('Someone changed this customer in Business Central in the meantime. Try again.') + ref,
      { kind: 'conflict', ...details },
    );
  }
  if (status === 413) {
    return new ServiceError(
      l10n.t('The image is too large for Business Central. Choose a smaller image, or reduce its size first.') + ref,
      { kind: 'tooLarge', ...details },
    );
  }
  if (status === 429) {
    return new ServiceError(
      l10n.t('Business Central is limiting the number of requests from your user. Wait a few minutes and try again.') + ref,
      { kind: 'throttled', ...details },
    );
  }
  if (status === 408) {
    return new ServiceError(
      l10n.t('Business Central took too long to answer. Try again later.') + ref,
      { kind: 'timeout', ...details },
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    return new ServiceError(
      l10n.t('Business Central is busy or not reachable right now (HTTP {0}). Try again later.', status) + ref,
      { kind: 'unavailable', ...details },
    );
  }
  if (status === 405 || status === 400 || status === 415 || status === 422) {
    const explained = serviceText ? l10n.t('Business Central refused the request: {0}', inert(serviceText)) : l10n.t('Business Central refused the request (HTTP {0}).', status);
    return new ServiceError(explained + ref, { kind: 'badRequest', ...details });
  }
  if (status >= 500) {
    return new ServiceError(
      l10n.t('Business Central failed to handle the request (HTTP {0}). Try again later; if it keeps failing, give your administrator the CorrelationId.', status) + ref,
      { kind: 'unavailable', ...details },
    );
  }
  return new ServiceError(
    l10n.t('Business Central answered with an unexpected status (HTTP {0}).', status) + ref,
    { kind: 'invalidResponse', ...details },
  );
}

/** A refused user name and key: what to check for Basic, and that the key is not sent again. */
export function basicRefusedMessage(): string {
  return l10n.t(
    'Business Central did not accept the user name and web service access key, so the key was forgotten and the next command asks for it again. Check the user name, that the key is the web service access key from the user’s card in Business Central (not the password), and the setting bcPictures.serviceUrl.',
  );
}

export function aadSts65002Message(): string {
  return l10n.t(
    'Signing in to Business Central needs your own Microsoft Entra app registration: the default client is not pre-authorised for Business Central (AADSTS65002). Register a public-client app with the delegated permission Financials.ReadWrite.All and put its application (client) id in the setting bcPictures.clientId.',
  );
}

/** `status` undefined: fetch refused the redirect of an upload itself (`redirect: 'error'`) and told neither status nor address. */
export function redirectError(status: number | undefined, location: string | undefined): ServiceError {
  let target = '';
  try {
    target = location ? new URL(location).origin : '';
  } catch {
    target = '';
  }
  const message = target
    ? l10n.t('Business Central redirected the request to {0}; redirects are not followed so your credentials stay with the service. Check the setting bcPictures.serviceUrl.', target)
    : l10n.t('Business Central redirected the request (HTTP {0}); redirects are not followed so your credentials stay with the service. Check the setting bcPictures.serviceUrl.', status ?? '3xx');
  return new ServiceError(message, { kind: 'redirect', status });
}

export function invalidResponseError(reason: string, status?: number, correlationId?: string): ServiceError {
  return new ServiceError(
    l10n.t('Business Central sent an unexpected answer ({0}). Check the setting bcPictures.serviceUrl; a proxy or sign-in page may be answering instead of the service.', reason) +
      reference(undefined, correlationId),
    { kind: 'invalidResponse', status, correlationId },
  );
}

export function timeoutError(cause?: unknown): ServiceError {
  return new ServiceError(
    l10n.t('Business Central did not answer in time. Check your network connection and try again later.'),
    { kind: 'timeout', cause },
  );
}

/** A failure below HTTP: DNS, refused or reset connections, TLS. `detail` is the system's code. */
export function networkError(detail: string, cause?: unknown): ServiceError {
  return new ServiceError(
    l10n.t('Could not reach Business Central ({0}). Check your network connection, and the settings http.proxy and bcPictures.serviceUrl.', detail),
    { kind: 'network', code: detail, cause },
  );
}

/**
 * The image file is no longer what was inspected. `during`: it changed while its bytes were being sent (the request
 * was aborted before its last byte); `before`: it changed between inspection and upload. Nothing was stored.
 */
export function fileChangedError(fileName: string, when: 'before' | 'during'): ServiceError {
  const message =
    when === 'during'
      ? l10n.t('“{0}” changed while it was being uploaded, so nothing was changed in Business Central. Wait until the file is saved completely, then try again.', fileName)
      : l10n.t('“{0}” changed after it was checked, so nothing was changed in Business Central. Wait until the file is saved completely, then choose it again.', fileName);
  return new ServiceError(message, { kind: 'fileChanged' });
}

/** The image file is gone (moved, renamed or deleted) since it was chosen. */
export function fileMissingError(fileName: string, cause?: unknown): ServiceError {
  return new ServiceError(
    l10n.t('“{0}” was moved or deleted after it was chosen, so nothing was changed in Business Central: choose it again.', fileName),
    { kind: 'fileMissing', code: 'ENOENT', cause },
  );
}

/** Why a request whose body was all sent has no answer, in a few words for the "may have been set" message. */
function unconfirmedReason(error: ServiceError): string {
  if (error.kind === 'cancelled') return l10n.t('you cancelled before it answered');
  if (error.kind === 'timeout' && error.status === undefined) return l10n.t('it did not answer in time');
  if (error.status !== undefined) return l10n.t('it answered HTTP {0}', error.status);
  return l10n.t('the connection was lost: {0}', error.code ?? error.kind);
}

/**
 * The picture reached the service whole, but nothing confirmed it was stored (a cancel, a timeout, a lost
 * connection or a 5xx after the last byte): it may have been set, so the user is told to check, not that the old one stays.
 */
export function pictureMayBeSetError(error: ServiceError): ServiceError {
  return new ServiceError(
    l10n.t('The picture may have been set: all of it reached Business Central, but {0}. Check the customer’s picture before you try again.', unconfirmedReason(error)) +
      reference(error.code, error.correlationId),
    { kind: error.kind, status: error.status, code: error.code, correlationId: error.correlationId, serviceMessage: error.serviceMessage, outcomeUnknown: true, cause: error },
  );
}

/** An answer larger than the extension reads (a JSON page, or a picture past the service's own 350 MB). */
export function responseTooLargeError(limit: number, status: number, correlationId: string | undefined): ServiceError {
  const error = invalidResponseError(l10n.t('more than {0} bytes, the most this extension reads', limit.toLocaleString('en-US')), status, correlationId);
  return new ServiceError(error.message, { kind: 'invalidResponse', status, correlationId, code: 'RESPONSE_TOO_LARGE' });
}

/** A request that ran past its deadline while data still trickled in. */
export function deadlineError(seconds: number): ServiceError {
  return new ServiceError(
    l10n.t('Business Central did not finish answering within {0} seconds, so the request was stopped. Check your network connection and any proxy in between, and try again later.', seconds),
    { kind: 'timeout', code: 'DEADLINE' },
  );
}
