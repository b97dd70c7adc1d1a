/**
 * The HTTP transport of the API layer: one pooled undici dispatcher (created on the first request, honouring
 * VS Code's proxy settings and the proxy environment variables), credentials from an injected `authorize`,
 * retries with back-off for 429/502/503/504 and reset connections, timeouts, cancellation, no redirects, and a
 * log line per request. Never logs or reports a credential.
 */
import type { Dispatcher } from 'undici';
import * as l10n from '../common/l10n';
import type { Log } from '../common/log';
import {
  aadSts65002Message,
  cancelledError,
  deadlineError,
  errorFromStatus,
  invalidResponseError,
  networkError,
  parseErrorBody,
  redirectError,
  responseTooLargeError,
  ServiceError,
  timeoutError,
  type HttpFailure,
} from './errors';
import { nextDelay, parseRetryAfter, retryPolicy, RETRYABLE_STATUSES, type RetryOptions, type RetryPolicy } from './retry';
import { isLoopbackHost, loggableUrl } from './urls';
import { Deadline, eitherSignal } from './deadline';

/** VS Code's `http.proxy`, `http.proxyStrictSSL` and `http.noProxy`, passed in as plain values. */
export interface ProxyOptions {
  readonly proxy?: string;
  readonly proxyStrictSSL?: boolean;
  readonly noProxy?: readonly string[];
}

/** The service's own operation timeout is 8 minutes (then 408): a client that gives up sooner may miss a stored picture. */
export const UPLOAD_HEADERS_TIMEOUT_MS = 9 * 60_000;

export interface TimeoutOptions {
  /** Longest wait for the response headers once the request is sent. Default 120,000 ms. */
  readonly headersMs?: number;
  /**
   * The same for a request with a body (a picture): the service may take minutes to import a big picture and
   * answers 408 only after 8 minutes, so the default, 9 minutes, is longer. The user can cancel at any time.
   */
  readonly uploadHeadersMs?: number;
  /** Longest silence while the response body arrives. Default 60,000 ms. */
  readonly bodyMs?: number;
  /** Longest wait to open a connection. Default 30,000 ms. */
  readonly connectMs?: number;
  /**
   * Longest one attempt may take in all, however the bytes trickle in (`bodyMs` only limits silence). Default
   * 10 minutes (the service gives up on an operation after 8); a request body adds its length at `minBytesPerSecond`.
   */
  readonly attemptMs?: number;
  /** The slowest transfer a deadline allows for: 64 KiB/s (half a megabit) by default. */
  readonly minBytesPerSecond?: number;
}

/** The most of an answer that is read: a JSON page is never tens of megabytes, a picture never past the service's 350 MB. */
export interface ResponseLimits {
  readonly jsonBytes?: number;
  readonly pictureBytes?: number;
}

export const MAX_JSON_RESPONSE_BYTES = 32 * 1024 * 1024;
export const MAX_PICTURE_RESPONSE_BYTES = 350 * 1024 * 1024;
const ATTEMPT_MS = 10 * 60_000;
const MIN_BYTES_PER_SECOND = 64 * 1024;

/** Returns the `Authorization` header value (`Bearer …`, `Basic …`); `forceNew` after the service refused one. */
export type Authorize = (attempt: { forceNew: boolean }) => Promise<string>;

export interface TransportOptions {
  readonly authorize: Authorize;
  readonly log: Log;
  readonly proxy?: ProxyOptions;
  readonly retry?: RetryOptions;
  readonly timeouts?: TimeoutOptions;
  readonly limits?: ResponseLimits;
  /** Called before each wait for the service (throttled or busy), with the wait in whole seconds. */
  readonly onWaiting?: (seconds: number) => void;
  /** Told the `Authorization` sent and the status of each answer, so Basic stores a new key only once accepted. */
  readonly onCredentialResult?: (authorization: string, status: number) => void;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A request body that can be sent again: `open` is called once per attempt. */
export interface RequestBody {
  readonly length: number;
  open(): AsyncIterable<Uint8Array> | Uint8Array;
  /** Bytes handed to the socket so far in this attempt. */
  onProgress?(sent: number, total: number): void;
}

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** What the answer should be: JSON, raw bytes, or nothing of interest. */
  readonly expect: 'json' | 'bytes' | 'none';
  readonly signal?: AbortSignal;
  /** Before each wait for the service, in whole seconds; the transport's own `onWaiting` where not given. */
  readonly onWaiting?: (seconds: number) => void;
  /** For the user's error message on 404. */
  readonly subject?: HttpFailure['subject'];
  /** Error statuses handed back (not thrown), for callers that fall back (Graph's refused POST). */
  readonly passStatuses?: readonly number[];
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly json?: unknown;
  readonly bytes?: Buffer;
  readonly correlationId?: string;
  /** For a passed error status: what the service said. */
  readonly error?: { code?: string; message?: string; correlationId?: string };
}

// ---------------------------------------------------------------------------------------------------------------
// The dispatcher: created lazily, shared, replaced only when the proxy settings change.

type Undici = typeof import('undici');

let undiciModule: Promise<Undici> | undefined;
let shared: { key: string; dispatcher: Promise<Dispatcher> } | undefined;
/** This computer (all of 127.0.0.0/8, ::1, localhost) is reached directly: a proxy would see its credentials in clear. */
let direct: { key: string; dispatcher: Promise<Dispatcher> } | undefined;

/** Loads undici on first use only: activation must not evaluate it. */
function loadUndici(): Promise<Undici> {
  undiciModule ??= import('undici');
  return undiciModule;
}

const LOOPBACK_NO_PROXY = ['localhost', '127.0.0.1', '[::1]'];

function envNoProxy(): string[] {
  const value = process.env.no_proxy ?? process.env.NO_PROXY ?? '';
  return value.split(/[,\s]+/).filter(Boolean);
}

/** The options of undici's `EnvHttpProxyAgent` for VS Code's settings; exported for tests. */
export function dispatcherOptions(proxy: ProxyOptions = {}, timeouts: TimeoutOptions = {}): Record<string, unknown> {
  const strict = proxy.proxyStrictSSL !== false;
  const proxyUrl = proxy.proxy?.trim() || undefined;
  const noProxy = [...new Set([...(proxy.noProxy ?? []).map((entry) => entry.trim()).filter(Boolean), ...envNoProxy(), ...LOOPBACK_NO_PROXY])];
  const tls = strict ? undefined : { rejectUnauthorized: false };
  return {
    // undefined lets undici read HTTP_PROXY / HTTPS_PROXY from the environment.
    httpProxy: proxyUrl,
    httpsProxy: proxyUrl,
    noProxy: noProxy.join(','),
    connections: 8,
    keepAliveTimeout: 10_000,
    connect: { timeout: timeouts.connectMs ?? 30_000, ...(tls ?? {}) },
    ...(tls ? { requestTls: tls, proxyTls: tls } : {}),
  };
}

function getDispatcher(proxy: ProxyOptions | undefined, timeouts: TimeoutOptions | undefined): Promise<Dispatcher> {
  const options = dispatcherOptions(proxy, timeouts);
  // The environment's proxy variables are part of the key: undici reads them when the agent is made.
  const env = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'].map((name) => process.env[name] ?? '');
  const key = JSON.stringify([options, env]);
  if (shared?.key !== key) {
    const previous = shared;
    shared = {
      key,
      dispatcher: loadUndici().then((undici) => new undici.EnvHttpProxyAgent(options as ConstructorParameters<Undici['EnvHttpProxyAgent']>[0])),
    };
    // Requests still running on the old pool finish; then it closes.
    void previous?.dispatcher.then((old) => old.close()).catch(() => undefined);
  }
  return shared.dispatcher;
}

function getDirectDispatcher(timeouts: TimeoutOptions | undefined): Promise<Dispatcher> {
  const key = String(timeouts?.connectMs ?? 30_000);
  if (direct?.key !== key) {
    const previous = direct;
    direct = { key, dispatcher: loadUndici().then((undici) => new undici.Agent({ connections: 8, keepAliveTimeout: 10_000, connect: { timeout: Number(key) } })) };
    void previous?.dispatcher.then((old) => old.close()).catch(() => undefined);
  }
  return direct.dispatcher;
}

/** Closes the shared connection pools (at deactivation, and between tests). */
export async function closeConnections(): Promise<void> {
  const pools = [shared, direct];
  shared = undefined;
  direct = undefined;
  for (const current of pools) {
    if (current) {
      const dispatcher = await current.dispatcher.catch(() => undefined);
      await dispatcher?.close().catch(() => undefined);
    }
  }
}

/** Whether undici has been loaded (tests check that nothing loads it before the first request). */
export function isTransportLoaded(): boolean {
  return undiciModule !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------

const CORRELATION_HEADERS = ['ms-correlation-x', 'x-ms-correlation-id', 'request-id', 'client-request-id', 'x-correlation-id'];

function headerValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function correlationIdOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  for (const name of CORRELATION_HEADERS) {
    const value = headerValue(headers, name);
    if (value) {
      return value;
    }
  }
  return undefined;
}

const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isReset(error: unknown): boolean {
  const code = errorCode(error);
  if (code && RESET_CODES.has(code)) {
    return true;
  }
  return error instanceof Error && /other side closed|socket hang up/i.test(error.message);
}

/** A failure below HTTP as the user's error. */
function transportError(error: unknown, signal: AbortSignal | undefined, deadline: Deadline): ServiceError {
  if (error instanceof ServiceError) {
    return error;
  }
  if (signal?.aborted) {
    return cancelledError();
  }
  if (deadline.expired) {
    return deadlineError(deadline.seconds);
  }
  const proxyStatus = error instanceof Error ? /Proxy response \((\d+)\)/i.exec(error.message)?.[1] : undefined;
  if (proxyStatus) {
    // undici reports a refused tunnel as an abort; it is the proxy's answer, not the user's cancellation.
    return new ServiceError(
      l10n.t('The proxy refused the connection to Business Central (HTTP {0}). Check the settings http.proxy and http.noProxy, and the proxy environment variables.', proxyStatus),
      { kind: 'network', code: 'PROXY', status: Number(proxyStatus) },
    );
  }
  const code = errorCode(error);
  if (code && TIMEOUT_CODES.has(code)) {
    return timeoutError();
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new ServiceError(l10n.t('The image changed while it was being uploaded. Try again.'), { kind: 'badRequest', code });
  }
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    return new ServiceError(l10n.t('The image file could not be read ({0}).', code), { kind: 'badRequest', code });
  }
  return networkError(code ?? (isReset(error) ? 'ECONNRESET' : 'network error'));
}

const MAX_ERROR_BODY = 64 * 1024;

/** Reads at most `limit` bytes of a body, then drops the rest. */
async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > limit) {
      chunks.push(buffer.subarray(0, limit - size));
      body.destroy();
      break;
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The whole body, refused as soon as it is known to be over `limit`: by its Content-Length, or while counting. */
async function readBounded(response: Dispatcher.ResponseData, limit: number, correlationId: string | undefined): Promise<Buffer> {
  const declared = Number(headerValue(response.headers, 'content-length') ?? NaN);
  if (declared > limit) {
    response.body.destroy();
    throw responseTooLargeError(limit, response.statusCode, correlationId);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      response.body.destroy();
      throw responseTooLargeError(limit, response.statusCode, correlationId);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    // The connection is dropped instead of reused; nothing to report.
  }
}

const SLICE = 64 * 1024;

/**
 * The body of one attempt, counting bytes as undici hands them to the socket (it asks for the next chunk only then);
 * `written.all` turns true once the last chunk is handed over, from when the service may have acted on it.
 */
async function* countedBody(body: RequestBody, written: { all: boolean }): AsyncGenerator<Uint8Array> {
  const opened = body.open();
  let sent = 0;
  const pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array> =
    opened instanceof Uint8Array
      ? (function* () {
          for (let offset = 0; offset < opened.byteLength; offset += SLICE) {
            yield opened.subarray(offset, Math.min(opened.byteLength, offset + SLICE));
          }
        })()
      : opened;
  body.onProgress?.(0, body.length);
  for await (const chunk of pieces) {
    if (chunk.byteLength === 0) {
      continue;
    }
    // Marked as the last chunk is handed over: the answer may come before undici asks for more.
    if (sent + chunk.byteLength >= body.length) written.all = true;
    yield chunk;
    sent += chunk.byteLength;
    body.onProgress?.(sent, body.length);
  }
  written.all = true;
}

export class Transport {
  private readonly policy: RetryPolicy;

  constructor(private readonly options: TransportOptions) {
    this.policy = retryPolicy(options.retry);
  }

  private async credential(forceNew: boolean, signal: AbortSignal | undefined): Promise<string> {
    try {
      return await this.options.authorize({ forceNew });
    } catch (error) {
      if (error instanceof ServiceError) {
        throw error;
      }
      if (signal?.aborted) {
        throw cancelledError(error);
      }
      const text = error instanceof Error ? error.message : String(error);
      if (/AADSTS65002/.test(text)) {
        throw new ServiceError(aadSts65002Message(), { kind: 'auth', code: 'AADSTS65002', cause: error });
      }
      // The sign-in layer's own errors (a cancelled prompt, say) already speak to the user: unchanged.
      throw error;
    }
  }

  /** Sends a request with retries; resolves with a 2xx answer (or a passed status), else throws a `ServiceError`. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const { signal } = request;
    const url = new URL(request.url);
    const policy = this.policy;
    const startedAt = policy.now();
    const timeouts = this.options.timeouts ?? {};
    let forceNew = false;
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) {
        throw cancelledError();
      }
      let retryAfterMs: number | undefined;
      let failure: ServiceError;
      const authorization = await this.credential(forceNew, signal);
      if (signal?.aborted) {
        throw cancelledError();
      }
      const began = Date.now();
      let status: number | undefined;
      let correlationId: string | undefined;
      const written = { all: false };
      const minRate = timeouts.minBytesPerSecond ?? MIN_BYTES_PER_SECOND;
      // However slowly bytes trickle in, an attempt ends: its time grows with the bytes it has to move.
      const deadline = new Deadline((timeouts.attemptMs ?? ATTEMPT_MS) + Math.ceil(((request.body?.length ?? 0) / minRate) * 1000));
      const attemptSignal = eitherSignal(signal, deadline);
      try {
        const dispatcher = isLoopbackHost(url.hostname) ? await getDirectDispatcher(this.options.timeouts) : await getDispatcher(this.options.proxy, this.options.timeouts);
        const headers: Record<string, string> = {
          accept: request.expect === 'json' ? 'application/json' : '*/*',
          ...request.headers,
          authorization,
        };
        if (request.body) {
          headers['content-length'] = String(request.body.length);
        }
        const response = await dispatcher.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method,
          headers,
          // An async iterable: undici pulls the next chunk only once the previous one is written.
          body: request.body ? (countedBody(request.body, written) as unknown as Dispatcher.DispatchOptions['body']) : undefined,
          signal: attemptSignal,
          headersTimeout: request.body ? (timeouts.uploadHeadersMs ?? UPLOAD_HEADERS_TIMEOUT_MS) : (timeouts.headersMs ?? 120_000),
          bodyTimeout: timeouts.bodyMs ?? 60_000,
          // Redirects are never followed: the credential must not travel to another address.
          maxRedirections: 0,
          idempotent: request.method !== 'POST',
        } as Dispatcher.RequestOptions);
        status = response.statusCode;
        this.options.onCredentialResult?.(authorization, status);
        const responseHeaders = response.headers;
        correlationId = correlationIdOf(responseHeaders);

        if (status >= 200 && status < 300) {
          const announced = Number(headerValue(responseHeaders, 'content-length') ?? 0);
          if (announced > 0) deadline.extend(Math.ceil((announced / minRate) * 1000));
          let result: HttpResponse;
          try {
            result = await this.readSuccess(request, response, correlationId);
          } finally {
            this.logDone(request, url, status, began, correlationId, attempt);
          }
          return result;
        }

        const errorText = status >= 300 && status < 400 ? (await discard(response.body), '') : await readLimited(response.body, MAX_ERROR_BODY);
        this.logDone(request, url, status, began, correlationId, attempt);
        if (status >= 300 && status < 400) {
          throw redirectError(status, headerValue(responseHeaders, 'location'));
        }
        const body = parseErrorBody(errorText);
        if (request.passStatuses?.includes(status)) {
          return { status, headers: responseHeaders, correlationId, error: { ...body, correlationId: body.correlationId ?? correlationId } };
        }
        if (status === 401 && !refreshedAfter401) {
          // One fresh credential, at once; a second refusal is final.
          refreshedAfter401 = true;
          forceNew = true;
          attempt--;
          continue;
        }
        const authentication = /^Basic /i.test(authorization) ? 'basic' : 'microsoft';
        failure = errorFromStatus({ status, body, headerCorrelationId: correlationId, subject: request.subject, attempts: attempt, authentication });
        // A POST is not idempotent: only answers that say it was not handled (429, 503) let it go again.
        const retryable = RETRYABLE_STATUSES.has(status) && (request.method !== 'POST' || status === 429 || status === 503);
        if (!retryable) {
          throw this.unconfirmed(request, written, failure);
        }
        retryAfterMs = parseRetryAfter(responseHeaders['retry-after'], policy.now(), policy.maxRetryAfterMs);
      } catch (error) {
        if (error instanceof ServiceError && (error.status !== undefined || error.kind !== 'network')) {
          throw error;
        }
        const mapped = transportError(error, signal, deadline);
        if (status === undefined) {
          this.options.log.warn(`${request.method} ${loggableUrl(request.url)} failed after ${Date.now() - began} ms: ${mapped.code ?? mapped.kind}`);
        } else {
          this.options.log.warn(`${request.method} ${loggableUrl(request.url)} → ${status}: reading the answer failed: ${mapped.code ?? mapped.kind}`);
        }
        // After a reset a POST may have been handled: never sent twice.
        if (mapped.kind !== 'network' || !isReset(error) || (request.method === 'POST' && written.all)) {
          throw this.unconfirmed(request, written, mapped);
        }
        failure = mapped;
      } finally {
        deadline.clear();
      }

      const delay = nextDelay(attempt, startedAt, retryAfterMs, policy);
      if (delay === undefined) {
        this.options.log.warn(`${request.method} ${loggableUrl(request.url)}: giving up after ${attempt} attempts`);
        throw this.unconfirmed(request, written, failure);
      }
      this.options.log.info(`${request.method} ${loggableUrl(request.url)}: waiting ${delay} ms before attempt ${attempt + 1}`);
      (request.onWaiting ?? this.options.onWaiting)?.(Math.max(1, Math.ceil(delay / 1000)));
      try {
        await policy.sleep(delay, signal);
      } catch {
        throw this.unconfirmed(request, written, cancelledError());
      }
      forceNew = false;
    }
  }

  /**
   * A failure of a request whose whole body was written, with no answer that says it was not handled (a cancel,
   * timeout, lost connection, 408 or a 5xx but 503, which the service sends for a request it queued and never ran), is marked: the service may have acted on it.
   */
  private unconfirmed(request: HttpRequest, written: { all: boolean }, failure: ServiceError): ServiceError {
    const unknown =
      request.body !== undefined &&
      written.all &&
      (failure.status === undefined ? ['cancelled', 'timeout', 'network'].includes(failure.kind) : failure.status === 408 || (failure.status >= 500 && failure.status !== 503));
    if (!unknown) return failure;
    this.options.log.warn(`${request.method} ${loggableUrl(request.url)}: the whole body was sent but not confirmed (${failure.status ?? failure.code ?? failure.kind}); it may have been applied.`);
    return new ServiceError(failure.message, {
      kind: failure.kind,
      status: failure.status,
      code: failure.code,
      correlationId: failure.correlationId,
      serviceMessage: failure.serviceMessage,
      outcomeUnknown: true,
      cause: failure,
    });
  }

  private async readSuccess(request: HttpRequest, response: Dispatcher.ResponseData, correlationId: string | undefined): Promise<HttpResponse> {
    const { statusCode: status, headers } = response;
    if (request.expect === 'none') {
      await discard(response.body);
      return { status, headers, correlationId };
    }
    if (request.expect === 'bytes') {
      const bytes = await readBounded(response, this.options.limits?.pictureBytes ?? MAX_PICTURE_RESPONSE_BYTES, correlationId);
      return { status, headers, correlationId, bytes };
    }
    const contentType = headerValue(headers, 'content-type') ?? '';
    if (status === 204 || !/json/i.test(contentType)) {
      await discard(response.body);
      throw invalidResponseError(status === 204 ? l10n.t('no content') : l10n.t('content type {0}', contentType || l10n.t('none')), status, correlationId);
    }
    const text = (await readBounded(response, this.options.limits?.jsonBytes ?? MAX_JSON_RESPONSE_BYTES, correlationId)).toString('utf8');
    try {
      return { status, headers, correlationId, json: JSON.parse(text) as unknown };
    } catch {
      throw invalidResponseError(l10n.t('malformed JSON'), status, correlationId);
    }
  }

  private logDone(request: HttpRequest, url: URL, status: number, began: number, correlationId: string | undefined, attempt: number): void {
    const line =
      `${request.method} ${loggableUrl(url.toString())} → ${status} (${Date.now() - began} ms` +
      (correlationId ? `, request-id ${correlationId}` : '') +
      (attempt > 1 ? `, attempt ${attempt}` : '') +
      ')';
    if (status >= 400) {
      this.options.log.warn(line);
    } else {
      this.options.log.info(line);
    }
  }
}
