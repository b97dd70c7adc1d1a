/**
 * Faults on demand and the online service's per-user limits.
 *
 * A fault is scheduled for the next `times` requests (default 1) that match
 * `method` and `path` (a RegExp or substring tested against path+query) and,
 * optionally, `user`. Matching latency faults all apply; then the first
 * matching other fault decides the answer.
 */

export interface FaultMatch {
  /** HTTP method, e.g. 'PATCH' (case-insensitive). Default: any. */
  method?: string;
  /** RegExp, or a substring, tested against the path and query. Default: any. */
  path?: RegExp | string;
  /** Only requests of this user (see TokenGrant.user / the Basic user name). */
  user?: string;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
}

export type FaultAction =
  /** Wait before handling the request. */
  | { kind: 'latency'; ms: number }
  /** Answer with this status and the service's error body, e.g. 429 with Retry-After, 503, 504, 408. */
  | { kind: 'status'; status: number; retryAfter?: number | Date | string; code?: string; message?: string }
  /** Reset the connection after reading `afterBytes` of the request body (default: half the Content-Length). */
  | { kind: 'reset'; afterBytes?: number }
  /** Never answer (the socket stays open until the client gives up or the emulator closes). */
  | { kind: 'hang' }
  /** Stop reading the request body after `afterBytes`, so the client is still sending (tests of a cancel before the last byte). */
  | { kind: 'stallBody'; afterBytes: number }
  /** Answer 401 as for an expired token. */
  | { kind: 'expiredToken' }
  /** Handle normally, but send a truncated JSON body. */
  | { kind: 'malformedJson' }
  /** Handle normally, but label the body with another content type (default text/html). */
  | { kind: 'wrongContentType'; contentType?: string }
  /** Handle normally, but point @odata.nextLink to another origin (default http://localhost:PORT). */
  | { kind: 'foreignNextLink'; origin?: string }
  /** Redirect (default 307) to another origin (default: the same path on http://localhost:PORT). */
  | { kind: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; location?: string }
  /** Handle normally, but point @odata.nextLink back at this very request (a loop that never ends). */
  | { kind: 'selfNextLink' }
  /** Hold the request, its body read, until the test calls `releaseHeld()`; then handle it normally. */
  | { kind: 'hold' }
  /** Handle normally, but as a server that ignores $filter (the whole table comes back), as bug reports describe. */
  | { kind: 'ignoreFilter' }
  /** Handle normally, but send the answer's body one byte every `everyMs` (a server or proxy that never goes silent long enough to time out). */
  | { kind: 'trickle'; everyMs: number }
  /** Handle normally, but make the answer `bytes` long (JSON padded with spaces, still valid; bytes padded with zeros), with or without Content-Length. */
  | { kind: 'largeBody'; bytes: number; chunked?: boolean };

export type FaultSpec = FaultMatch & FaultAction;

/** Faults that change the handler's answer instead of replacing it. */
export type ResponseFault = Extract<FaultAction, { kind: 'malformedJson' | 'wrongContentType' | 'foreignNextLink' | 'selfNextLink' | 'trickle' | 'largeBody' }>;

export class FaultSchedule {
  private faults: Array<FaultSpec & { left: number; source: FaultSpec }> = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times > 0)) {
      throw new Error('times must be positive');
    }
    this.faults.push({ ...spec, left: times, source: spec });
  }

  /** Ends the fault `add` was given this very object for (one of `times: Infinity`, say), and only that one. */
  remove(spec: FaultSpec): void {
    this.faults = this.faults.filter((f) => f.source !== spec);
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): number {
    return this.faults.length;
  }

  /** Consumes the faults for one request. */
  take(method: string, pathAndQuery: string, user: string | undefined): { latency: number; action?: FaultAction } {
    let latency = 0;
    let action: FaultAction | undefined;
    for (const f of this.faults) {
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) {
        continue;
      }
      if (f.path !== undefined && !(typeof f.path === 'string' ? pathAndQuery.includes(f.path) : f.path.test(pathAndQuery))) {
        continue;
      }
      if (f.user !== undefined && f.user !== user) {
        continue;
      }
      if (f.kind === 'latency') {
        latency += f.ms;
      } else if (action) {
        continue;
      } else {
        action = f;
      }
      f.left--;
    }
    this.faults = this.faults.filter((f) => f.left > 0);
    return { latency, action };
  }
}

export interface Limits {
  /** Requests per user per sliding window (service: 6,000). */
  requestsPerWindow: number;
  /** Window length in ms (service: 5 minutes). */
  windowMs: number;
  /** Requests a user may have executing at once; more wait in a queue (service: 5). */
  concurrent: number;
  /** How long a queued request waits before it is answered 503 (service: 8 minutes). */
  queueTimeoutMs: number;
  /** Requests of a user in flight (executing and queued) past which the next is a 429 (service: 100). */
  maxInFlight: number;
  /** Requests of a user waiting for a slot past which the next is a 429 (service: 95). */
  maxQueued: number;
}

export const SERVICE_LIMITS: Limits = { requestsPerWindow: 6000, windowMs: 5 * 60_000, concurrent: 5, queueTimeoutMs: 8 * 60_000, maxInFlight: 100, maxQueued: 95 };

/** Requests held by the `hold` fault until the test lets them go. */
export class HeldRequests {
  private held: Array<() => void> = [];
  private watchers: Array<{ count: number; wake: () => void }> = [];

  get count(): number {
    return this.held.length;
  }

  /** Resolves when the test releases it. */
  hold(): Promise<void> {
    return new Promise((resolve) => {
      this.held.push(resolve);
      for (const w of this.watchers.filter((w) => this.held.length >= w.count)) {
        this.watchers.splice(this.watchers.indexOf(w), 1);
        w.wake();
      }
    });
  }

  /** Lets every request held now go on. */
  release(): void {
    const all = this.held;
    this.held = [];
    for (const go of all) go();
  }

  /** Resolves once at least `count` requests are being held. */
  waitFor(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((wake) => this.watchers.push({ count, wake }));
  }
}

export interface UserStats {
  /** Requests of this user received and not yet answered (executing + queued). */
  inFlight: number;
  /** The highest `inFlight` seen. */
  peakInFlight: number;
  /** Requests currently waiting for a slot. */
  queued: number;
  /** Total requests that had to wait. */
  totalQueued: number;
}

interface UserState extends UserStats {
  executing: number;
  waiters: Array<() => void>;
  window: number[];
}

export class Limiter {
  private readonly users = new Map<string, UserState>();

  constructor(public limits: Limits) {}

  private state(user: string): UserState {
    let s = this.users.get(user);
    if (!s) {
      s = { inFlight: 0, peakInFlight: 0, queued: 0, totalQueued: 0, executing: 0, waiters: [], window: [] };
      this.users.set(user, s);
    }
    return s;
  }

  stats(user: string): UserStats {
    const s = this.state(user);
    return { inFlight: s.inFlight, peakInFlight: s.peakInFlight, queued: s.queued, totalQueued: s.totalQueued };
  }

  knownUsers(): string[] {
    return [...this.users.keys()];
  }

  arrive(user: string): void {
    const s = this.state(user);
    s.inFlight++;
    s.peakInFlight = Math.max(s.peakInFlight, s.inFlight);
  }

  leave(user: string): void {
    this.state(user).inFlight--;
  }

  /** The service's bounds on one user's load: more than `maxInFlight` in flight, or a full queue, is a 429. */
  admitLoad(user: string): { ok: true } | { ok: false; message: string } {
    const s = this.state(user);
    if (s.inFlight > this.limits.maxInFlight) {
      return { ok: false, message: `Too many concurrent requests.  Actual (${s.inFlight}).  Maximum (${this.limits.maxInFlight}).` };
    }
    if (s.executing >= this.limits.concurrent && s.queued >= this.limits.maxQueued) {
      return { ok: false, message: `Too many queued requests.  Actual (${s.queued + 1}).  Maximum (${this.limits.maxQueued}).` };
    }
    return { ok: true };
  }

  /** Counts a request in the sliding window; returns seconds to wait when over the limit. */
  admitRate(user: string, now = Date.now()): { ok: true } | { ok: false; retryAfter: number; count: number } {
    const s = this.state(user);
    const from = now - this.limits.windowMs;
    let drop = 0;
    while (drop < s.window.length && s.window[drop] <= from) {
      drop++;
    }
    if (drop > 0) {
      s.window.splice(0, drop);
    }
    if (s.window.length >= this.limits.requestsPerWindow) {
      const retryAfter = Math.max(1, Math.ceil((s.window[0] + this.limits.windowMs - now) / 1000));
      return { ok: false, retryAfter, count: s.window.length + 1 };
    }
    s.window.push(now);
    return { ok: true };
  }

  /**
   * Waits for one of the user's concurrent slots. Resolves with a release
   * function, or with undefined when the queue timeout passed (answer 503).
   */
  async acquire(user: string, onGiveUp: (cancel: () => void) => void): Promise<(() => void) | undefined> {
    const s = this.state(user);
    let released = false;
    const release = (): void => {
      if (released) {
        return;
      }
      released = true;
      s.executing--;
      const next = s.waiters.shift();
      if (next) {
        next();
      }
    };
    if (s.executing < this.limits.concurrent) {
      s.executing++;
      return release;
    }
    s.queued++;
    s.totalQueued++;
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        s.queued--;
        s.executing++;
        resolve(release);
      };
      const drop = (): void => {
        clearTimeout(timer);
        const i = s.waiters.indexOf(wake);
        if (i >= 0) {
          s.waiters.splice(i, 1);
          s.queued--;
        }
      };
      const timer = setTimeout(() => {
        drop();
        resolve(undefined);
      }, this.limits.queueTimeoutMs);
      s.waiters.push(wake);
      onGiveUp(() => {
        drop();
        resolve(undefined);
      });
    });
  }
}

export function retryAfterHeader(value: number | Date | string): string {
  if (value instanceof Date) {
    return value.toUTCString();
  }
  return String(value);
}
