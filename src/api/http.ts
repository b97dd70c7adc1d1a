/**
 * The HTTP transport of the API layer: a request's attempts (api/attempt.ts: one each, through the extension host's `fetch`, on
 * one clock, never redirected), with credentials from an injected `authorize`, one fresh credential after a 401, and the waits
 * and repeats the retry policy (api/retry.ts) allows. Never logs or reports a credential.
 */
import { sendAttempt, type AttemptEnd } from './attempt';
import type { RequestBody } from './body';
import { aadSts65002Message, cancelledError, errorFromStatus, ServiceError, type HttpFailure } from './errors';
import type { Log } from '../common/log';
import { mayHaveActed, mayRepeat, nextDelay, parseRetryAfter, retryPolicy, type RetryOptions, type RetryPolicy } from './retry';
import { loggableUrl } from './urls';

export { fetchFor, MAX_JSON_RESPONSE_BYTES, MAX_PICTURE_RESPONSE_BYTES, UPLOAD_HEADERS_TIMEOUT_MS } from './attempt';
export type { RequestBody } from './body';

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


/** Returns the `Authorization` header value (`Bearer …`, `Basic …`); `forceNew` after the service refused one. */
export type Authorize = (attempt: { forceNew: boolean }) => Promise<string>;

export interface TransportOptions {
  readonly authorize: Authorize;
  readonly log: Log;
  readonly retry?: RetryOptions;
  readonly timeouts?: TimeoutOptions;
  readonly limits?: ResponseLimits;
  /** Called before each wait for the service (throttled or busy), with the wait in whole seconds. */
  readonly onWaiting?: (seconds: number) => void;
  /** Told the `Authorization` sent and the status of each answer, so Basic stores a new key only once accepted. */
  readonly onCredentialResult?: (authorization: string, status: number) => void;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** What the answer should be: JSON, raw bytes, only how many bytes (`size`), or nothing of interest. */
  readonly expect: 'json' | 'bytes' | 'size' | 'none';
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
  /** For `expect: 'size'`: the body's length in bytes. */
  readonly size?: number;
  readonly correlationId?: string;
  /** For a passed error status: what the service said. */
  readonly error?: { code?: string; message?: string; correlationId?: string };
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
    const policy = this.policy;
    const startedAt = policy.now();
    let forceNew = false;
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw cancelledError();
      const authorization = await this.credential(forceNew, signal);
      if (signal?.aborted) throw cancelledError();
      forceNew = false;
      const { end, bodySent } = await sendAttempt(request, authorization, { log: this.options.log, timeouts: this.options.timeouts, limits: this.options.limits, attempt });
      if (end.status !== undefined) this.options.onCredentialResult?.(authorization, end.status);
      if (end.kind === 'answered') return end.response;
      if (end.kind === 'refused' && end.status === 401 && !refreshedAfter401) {
        // One fresh credential, at once; a second refusal is final.
        refreshedAfter401 = true;
        forceNew = true;
        attempt--;
        continue;
      }
      const failure = this.failureOf(request, end, authorization, attempt);
      if (end.kind === 'final') throw failure;
      if (!mayRepeat(request.method, end.kind === 'refused' ? end : { reset: end.reset, bodySent })) throw this.unconfirmed(request, bodySent, failure);
      const retryAfterMs = end.kind === 'refused' ? parseRetryAfter(end.headers['retry-after'], policy.now(), policy.maxRetryAfterMs) : undefined;
      const delay = nextDelay(attempt, startedAt, retryAfterMs, policy);
      if (delay === undefined) {
        this.options.log.warn(`${request.method} ${loggableUrl(request.url)}: giving up after ${attempt} attempts`);
        throw this.unconfirmed(request, bodySent, failure);
      }
      this.options.log.info(`${request.method} ${loggableUrl(request.url)}: waiting ${delay} ms before attempt ${attempt + 1}`);
      (request.onWaiting ?? this.options.onWaiting)?.(Math.max(1, Math.ceil(delay / 1000)));
      try {
        await policy.sleep(delay, signal);
      } catch {
        throw this.unconfirmed(request, bodySent, cancelledError());
      }
    }
  }

  private failureOf(request: HttpRequest, end: Exclude<AttemptEnd, { kind: 'answered' }>, authorization: string, attempts: number): ServiceError {
    if (end.kind !== 'refused') return end.error;
    const authentication = /^Basic /i.test(authorization) ? 'basic' : 'microsoft';
    return errorFromStatus({ status: end.status, body: end.body, headerCorrelationId: end.correlationId, subject: request.subject, attempts, authentication });
  }

  /** A failure after the whole body went out, with no answer that says it was not handled, is marked: the service may have acted on it. */
  private unconfirmed(request: HttpRequest, bodySent: boolean, failure: ServiceError): ServiceError {
    if (request.body === undefined || !bodySent || !mayHaveActed(failure)) return failure;
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
}
