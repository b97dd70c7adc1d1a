/** When and how long to wait before trying a request again. Pure; the clock, sleep and randomness are injectable. */

export interface RetryOptions {
  /** Attempts in all, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Time budget from the first attempt; no wait is started that would end after it. Default 120,000 ms. */
  readonly maxTotalMs?: number;
  /** First back-off step. Default 1,000 ms; doubled on each retry, with full jitter. */
  readonly baseDelayMs?: number;
  /** Longest single back-off. Default 30,000 ms. */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` honoured. Default 60,000 ms. */
  readonly maxRetryAfterMs?: number;
  readonly now?: () => number;
  /** Waits `ms`; rejects when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1). */
  readonly random?: () => number;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly maxTotalMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? 5),
    maxTotalMs: options.maxTotalMs ?? 120_000,
    baseDelayMs: options.baseDelayMs ?? 1_000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
  };
}

/** Statuses worth another try: throttled, bad gateway and unavailable (both sent with Retry-After), gateway timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (relative to `now`), capped at `cap`.
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number, cap: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.min(cap, Math.round(Number(text) * 1000));
  }
  // An HTTP date (IMF-fixdate, or the obsolete RFC 850 / asctime forms Date.parse reads too).
  if (!/[A-Za-z]/.test(text)) {
    return undefined;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    return undefined;
  }
  return Math.min(cap, Math.max(0, at - now));
}

/** Exponential back-off with full jitter for retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  // Half fixed, half random: never hammer the service at once, never wait needlessly long.
  return Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
}

/**
 * The wait before the next attempt, or undefined to give up: when attempts are used up, or when the wait
 * would end after the time budget. `attempt` is the number of the attempt that just failed (1-based).
 */
export function nextDelay(
  attempt: number,
  startedAt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
): number | undefined {
  if (attempt >= policy.maxAttempts) {
    return undefined;
  }
  const delay = retryAfterMs !== undefined ? retryAfterMs : backoffDelay(attempt, policy);
  if (policy.now() + delay - startedAt > policy.maxTotalMs) {
    return undefined;
  }
  return delay;
}

/**
 * Whether a request may be sent again after an attempt ended so: an answer that says "try later" (429, 502, 503, 504) or a connection
 * the other side dropped. A POST is not idempotent: again only after 429 or 503 (the service did not run it), or a reset before its
 * last byte went out.
 */
export function mayRepeat(method: string, ended: { readonly status: number } | { readonly reset: boolean; readonly bodySent: boolean }): boolean {
  if ('status' in ended) return RETRYABLE_STATUSES.has(ended.status) && (method !== 'POST' || ended.status === 429 || ended.status === 503);
  return ended.reset && !(method === 'POST' && ended.bodySent);
}

/**
 * Whether the service may have acted on a request whose whole body went out, though the attempt failed: no answer came (cancelled,
 * timed out, the connection lost), or one that does not say it was not handled (408, or a 5xx but 503, which the service sends
 * for a request it queued and never ran).
 */
export function mayHaveActed(failure: { readonly status?: number; readonly kind: string }): boolean {
  if (failure.status === undefined) return ['cancelled', 'timeout', 'network'].includes(failure.kind);
  return failure.status === 408 || (failure.status >= 500 && failure.status !== 503);
}
