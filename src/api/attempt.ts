/**
 * One attempt of a request: sent through the network stack VS Code gives extensions, on one clock (deadline, headers, silence),
 * without following redirects, its answer read under a size bound. It never retries and never throws: how it ended is told to the
 * transport (api/http.ts), whose retry policy (api/retry.ts) decides what comes next.
 */
import * as l10n from '../common/l10n';
import type { Log } from '../common/log';
import { countedBody, discard, headerValue, measureBody, readBounded, readLimited, type BodyReading, type ResponseHeaders } from './body';
import { AttemptClock } from './clock';
import {
  cancelledError,
  deadlineError,
  invalidResponseError,
  networkError,
  parseErrorBody,
  redirectError,
  ServiceError,
  timeoutError,
  type ServiceErrorBody,
} from './errors';
import type { HttpRequest, HttpResponse, ResponseLimits, TimeoutOptions } from './http';
import { isLoopbackHost, loggableUrl } from './urls';

/** The service's own operation timeout is 8 minutes (then 408): a client that gives up sooner may miss a stored picture. */
export const UPLOAD_HEADERS_TIMEOUT_MS = 9 * 60_000;
export const MAX_JSON_RESPONSE_BYTES = 32 * 1024 * 1024;
export const MAX_PICTURE_RESPONSE_BYTES = 350 * 1024 * 1024;
const HEADERS_MS = 120_000;
const SILENCE_MS = 60_000;
const ATTEMPT_MS = 10 * 60_000;
const MIN_BYTES_PER_SECOND = 64 * 1024;
const MAX_ERROR_BODY = 64 * 1024;

/** How one attempt ended; `status` wherever an answer came. */
export type AttemptEnd =
  /** A 2xx answer read whole, or a status the caller takes back itself. */
  | { readonly kind: 'answered'; readonly status: number; readonly response: HttpResponse }
  /** An error status: the service refused, or could not serve, the request. */
  | { readonly kind: 'refused'; readonly status: number; readonly headers: ResponseHeaders; readonly body: ServiceErrorBody; readonly correlationId?: string }
  /** The exchange broke off: cancelled, timed out, the connection lost; `reset` when it was dropped by the other side. */
  | { readonly kind: 'broken'; readonly status?: number; readonly error: ServiceError; readonly reset: boolean }
  /** A failure another attempt would not mend: a redirect, an answer too large or unreadable, the file changed. */
  | { readonly kind: 'final'; readonly status?: number; readonly error: ServiceError };

export interface Attempted {
  readonly end: AttemptEnd;
  /** The whole request body was handed over: from then on the service may have acted on it. */
  readonly bodySent: boolean;
}

type Fetch = typeof globalThis.fetch;

/**
 * The `fetch` for a URL. In the extension host `globalThis.fetch` is VS Code's patched one (proxy from `http.proxy`,
 * `http.noProxy`, the environment or the system, proxy authentication, system certificates); it keeps Node's own as
 * `__vscodeOriginalFetch`. This computer (all of 127.0.0.0/8, ::1, localhost) is reached with Node's own, directly:
 * VS Code sends 127.0.0.2 to a configured proxy, which would see the request (and an http:// credential) in clear.
 */
export function fetchFor(url: URL): Fetch {
  const original = (globalThis as { __vscodeOriginalFetch?: Fetch }).__vscodeOriginalFetch;
  return isLoopbackHost(url.hostname) && original ? original : globalThis.fetch;
}

const CORRELATION_HEADERS = ['ms-correlation-x', 'x-ms-correlation-id', 'request-id', 'client-request-id', 'x-correlation-id'];

function correlationIdOf(headers: ResponseHeaders): string | undefined {
  for (const name of CORRELATION_HEADERS) {
    const value = headerValue(headers, name);
    if (value) return value;
  }
  return undefined;
}

function headersOf(response: Response): Record<string, string> {
  const result: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    result[name] = value;
  });
  return result;
}

/** Sends the request once with `authorization`; `attempt` (1-based) only names it in the log. */
export async function sendAttempt(
  request: HttpRequest,
  authorization: string,
  settings: { readonly log: Log; readonly timeouts?: TimeoutOptions; readonly limits?: ResponseLimits; readonly attempt: number },
): Promise<Attempted> {
  const url = new URL(request.url);
  const timeouts = settings.timeouts ?? {};
  const minRate = timeouts.minBytesPerSecond ?? MIN_BYTES_PER_SECOND;
  // However slowly bytes trickle in, an attempt ends: its time grows with the bytes it has to move.
  const clock = new AttemptClock((timeouts.attemptMs ?? ATTEMPT_MS) + Math.ceil(((request.body?.length ?? 0) / minRate) * 1000), request.signal);
  const reading: BodyReading = { clock, silenceMs: timeouts.bodyMs ?? SILENCE_MS };
  const sent = { all: false };
  const began = Date.now();
  let status: number | undefined;
  const logDone = (correlationId: string | undefined) => logAnswer(settings.log, request, url, status!, began, correlationId, settings.attempt);
  try {
    const headers: Record<string, string> = { accept: request.expect === 'json' ? 'application/json' : '*/*', ...request.headers, authorization };
    if (request.body) headers['content-length'] = String(request.body.length);
    // The headers timeout counts from when the request is sent: for a body, once its last chunk is handed over.
    const headersMs = request.body ? (timeouts.uploadHeadersMs ?? UPLOAD_HEADERS_TIMEOUT_MS) : (timeouts.headersMs ?? HEADERS_MS);
    if (!request.body) clock.awaitHeaders(headersMs);
    const response = await fetchFor(url)(url, {
      method: request.method,
      headers,
      body: request.body ? countedBody(request.body, sent, () => clock.awaitHeaders(headersMs)) : undefined,
      // Required by Node's fetch for a stream body; the answer may come before the body is all sent.
      duplex: 'half',
      // Redirects are never followed: the credential must not travel to another address. With a body, 'error':
      // every other mode makes fetch clone the request, teeing the body, and the unread branch keeps the whole file
      // in memory (nodejs/undici#4058; measured: +100 MiB RSS for a 100 MiB upload with 'manual', flat with 'error').
      // Without a body, 'manual', so a redirect's status and address can be told.
      redirect: request.body ? 'error' : 'manual',
      signal: clock.signal,
    } as RequestInit);
    clock.endPhase();
    status = response.status;
    const responseHeaders = headersOf(response);
    const correlationId = correlationIdOf(responseHeaders);

    if (status >= 200 && status < 300) {
      // The service took the whole body: say so, though fetch may not ask for more after the last chunk (no "0 of 4 KB" left showing).
      if (request.body && sent.all) request.body.onProgress?.(request.body.length, request.body.length);
      const announced = Number(headerValue(responseHeaders, 'content-length') ?? 0);
      if (announced > 0) clock.extend(Math.ceil((announced / minRate) * 1000));
      try {
        const answer = await readSuccess(request, response, responseHeaders, correlationId, reading, settings.limits);
        return { end: { kind: 'answered', status, response: answer }, bodySent: sent.all };
      } finally {
        logDone(correlationId);
      }
    }
    if (status >= 300 && status < 400) {
      await discard(response.body, reading);
      logDone(correlationId);
      return { end: { kind: 'final', status, error: redirectError(status, headerValue(responseHeaders, 'location')) }, bodySent: sent.all };
    }
    const body = parseErrorBody(await readLimited(response.body, MAX_ERROR_BODY, reading));
    logDone(correlationId);
    if (request.passStatuses?.includes(status)) {
      const error = { ...body, correlationId: body.correlationId ?? correlationId };
      return { end: { kind: 'answered', status, response: { status, headers: responseHeaders, correlationId, error } }, bodySent: sent.all };
    }
    return { end: { kind: 'refused', status, headers: responseHeaders, body, correlationId }, bodySent: sent.all };
  } catch (thrown) {
    const end = brokenOff(thrown, request, clock, status);
    const what = end.error.code ?? end.error.kind;
    if (status === undefined) settings.log.warn(`${request.method} ${loggableUrl(request.url)} failed after ${Date.now() - began} ms: ${what}`);
    else settings.log.warn(`${request.method} ${loggableUrl(request.url)} → ${status}: reading the answer failed: ${what}`);
    return { end, bodySent: sent.all };
  } finally {
    clock.stop();
  }
}

async function readSuccess(
  request: HttpRequest,
  response: Response,
  headers: ResponseHeaders,
  correlationId: string | undefined,
  reading: BodyReading,
  limits: ResponseLimits | undefined,
): Promise<HttpResponse> {
  const status = response.status;
  if (request.expect === 'none') {
    await discard(response.body, reading);
    return { status, headers, correlationId };
  }
  if (request.expect === 'size') {
    const size = await measureBody(response, headers, limits?.pictureBytes ?? MAX_PICTURE_RESPONSE_BYTES, correlationId, reading);
    return { status, headers, correlationId, size };
  }
  if (request.expect === 'bytes') {
    const bytes = await readBounded(response, headers, limits?.pictureBytes ?? MAX_PICTURE_RESPONSE_BYTES, correlationId, reading);
    return { status, headers, correlationId, bytes };
  }
  const contentType = headerValue(headers, 'content-type') ?? '';
  if (status === 204 || !/json/i.test(contentType)) {
    await discard(response.body, reading);
    throw invalidResponseError(status === 204 ? l10n.t('no content') : l10n.t('content type {0}', contentType || l10n.t('none')), status, correlationId);
  }
  const text = (await readBounded(response, headers, limits?.jsonBytes ?? MAX_JSON_RESPONSE_BYTES, correlationId, reading)).toString('utf8');
  try {
    return { status, headers, correlationId, json: JSON.parse(text) as unknown };
  } catch {
    throw invalidResponseError(l10n.t('malformed JSON'), status, correlationId);
  }
}

function logAnswer(log: Log, request: HttpRequest, url: URL, status: number, began: number, correlationId: string | undefined, attempt: number): void {
  const line =
    `${request.method} ${loggableUrl(url.toString())} → ${status} (${Date.now() - began} ms` +
    (correlationId ? `, request-id ${correlationId}` : '') +
    (attempt > 1 ? `, attempt ${attempt}` : '') +
    ')';
  if (status >= 400) log.warn(line);
  else log.info(line);
}

// ---------------------------------------------------------------------------------------------------------------
// What a thrown error meant.

const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** The errors of a chain: fetch wraps what went wrong as `TypeError: fetch failed` + `cause`. */
function* chainOf(error: unknown): Generator<object> {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function messagesOf(error: unknown): string {
  return [...chainOf(error)].flatMap((e) => (e instanceof Error ? [e.message] : [])).join(' | ');
}

function errorCode(error: unknown): string | undefined {
  for (const e of chainOf(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function isReset(error: unknown): boolean {
  const code = errorCode(error);
  return (code !== undefined && RESET_CODES.has(code)) || /other side closed|socket hang up/i.test(messagesOf(error));
}

/** How an attempt that threw ended, in the user's words. */
function brokenOff(thrown: unknown, request: HttpRequest, clock: AttemptClock, status: number | undefined): Extract<AttemptEnd, { kind: 'broken' | 'final' }> {
  // fetch wraps a failing body (a file that changed) as `TypeError: fetch failed` with the error as its cause.
  const service = [...chainOf(thrown)].find((e): e is ServiceError => e instanceof ServiceError);
  if (service && (service.status !== undefined || service.kind !== 'network')) return { kind: 'final', status, error: service };
  const error: unknown = service ?? thrown;
  if (/unexpected redirect/.test(messagesOf(error)) && !request.signal?.aborted) return { kind: 'final', status, error: redirectError(undefined, undefined) };
  if (request.signal?.aborted) return { kind: 'broken', status, error: cancelledError(), reset: false };
  const timeUp = clock.timeUp;
  if (timeUp === 'deadline') return { kind: 'broken', status, error: deadlineError(clock.seconds), reset: false };
  if (timeUp) return { kind: 'broken', status, error: timeoutError(), reset: false };
  if (error instanceof ServiceError) return { kind: 'broken', status, error, reset: false };
  const proxyStatus = /Proxy response \((\d+)\)/i.exec(messagesOf(error))?.[1];
  if (proxyStatus) {
    // undici reports a refused tunnel as an abort; it is the proxy's answer, not the user's cancellation.
    const message = l10n.t('The proxy refused the connection to Business Central (HTTP {0}). Check the settings http.proxy and http.noProxy, and the proxy environment variables.', proxyStatus);
    return { kind: 'final', status, error: new ServiceError(message, { kind: 'network', code: 'PROXY', status: Number(proxyStatus) }) };
  }
  const code = errorCode(error);
  if (code && TIMEOUT_CODES.has(code)) return { kind: 'broken', status, error: timeoutError(), reset: false };
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return { kind: 'final', status, error: new ServiceError(l10n.t('The image changed while it was being uploaded. Try again.'), { kind: 'badRequest', code }) };
  }
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    return { kind: 'final', status, error: new ServiceError(l10n.t('The image file could not be read ({0}).', code), { kind: 'badRequest', code }) };
  }
  const reset = isReset(error);
  return { kind: 'broken', status, error: networkError(code ?? (reset ? 'ECONNRESET' : 'network error')), reset };
}
