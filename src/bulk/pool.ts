/**
 * Many uploads at once: a pool of workers bounded in concurrency, and one pause gate that every worker
 * honours before it starts its next item, so that a throttled service gets a rest from all of them.
 */
import { abortableSleep } from '../api/retry';

/** The service's own limit: at most this many requests of one user in flight. */
export const SERVICE_MAX_CONCURRENT = 5;

/** A shared "not before": when one worker is told to wait, the others start nothing new until then. */
export class PauseGate {
  private until = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {}

  /** Holds every worker's next start for `ms` from now; a longer pause already set stays. */
  pause(ms: number): void {
    this.until = Math.max(this.until, this.now() + Math.max(0, ms));
  }

  /** How long the gate stays closed, in ms (0 when open). */
  get remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }

  /** Resolves once the gate is open; rejects when `signal` aborts first. */
  async wait(signal?: AbortSignal): Promise<void> {
    // A pause may be extended while we sleep: look again after each sleep.
    for (let left = this.remainingMs; left > 0; left = this.remainingMs) {
      await this.sleep(left, signal);
    }
  }
}

/** The online service's budget of one user: 6,000 requests in any 5 minutes (a sliding window), then 429. */
export const SERVICE_REQUEST_BUDGET = { requests: 6000, windowMs: 5 * 60_000 } as const;

/**
 * Paces starts under a sliding-window request budget, a little below it: a job that spends the budget and is then
 * told to wait (a 429 and a pause of whole seconds for every worker) gets fewer pictures through than one that
 * keeps under it. Only this job's starts are counted; a 429 from other use still pauses through the gate.
 */
export class RequestBudget {
  private readonly starts: number[] = [];
  readonly requests: number;

  constructor(
    requests: number,
    readonly windowMs: number,
    /** The share of the budget used: the service counts arrivals, a little later than this counts starts. */
    share = 0.98,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    this.requests = Math.max(1, Math.floor(requests * share));
  }

  /** Resolves when one more request fits the window, and counts it; rejects when `signal` aborts first. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const from = this.now() - this.windowMs;
      while (this.starts.length > 0 && this.starts[0] <= from) this.starts.shift();
      if (this.starts.length < this.requests) {
        this.starts.push(this.now());
        return;
      }
      await this.sleep(this.starts[0] - from, signal);
    }
  }
}

/** Rounds of unthrottled successes that earn one more in flight at or above the level the service last throttled. */
const ROUNDS_PAST_PLATEAU = 20;

/**
 * How many uploads may be in flight now: halved (at least 1) when the service throttles, one more after each
 * round of as many unthrottled successes up to one below where it throttled (the plateau), and past that only
 * slowly (20 rounds a step), up to `max`: a request budget (6,000 per 5 minutes) spent by running at full speed
 * costs a pause of whole seconds each time, so a pace just under it is faster. One throttling episode cuts once:
 * the requests in flight when it began are answered 429 together, and only a request started after the cut may
 * cut again.
 */
export class AdaptiveLimit {
  private limit: number;
  private plateau: number;
  private successes = 0;
  private startedSinceCut = true;
  /** Counts the cuts: an item started before the last one says nothing about whether the service keeps up now. */
  private epoch = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly max: number) {
    this.max = Math.max(1, Math.floor(max) || 1);
    this.limit = this.max;
    this.plateau = this.max;
  }

  get current(): number {
    return this.limit;
  }

  /** The service asked to wait (429, or busy with Retry-After). */
  throttled(): void {
    this.successes = 0;
    if (!this.startedSinceCut) return;
    this.startedSinceCut = false;
    this.epoch++;
    this.plateau = Math.max(1, this.limit - 1);
    this.limit = Math.max(1, Math.floor(this.limit / 2));
  }

  /** An item starts; pass what this returns to `succeeded`. */
  started(): number {
    this.startedSinceCut = true;
    return this.epoch;
  }

  /** An item started at `epoch` ended well: after enough of them since the last cut, one more may run. */
  succeeded(epoch: number): void {
    if (epoch !== this.epoch || this.limit >= this.max) return;
    const needed = this.limit < this.plateau ? this.limit : this.limit * ROUNDS_PAST_PLATEAU;
    if (++this.successes < needed) return;
    this.successes = 0;
    this.limit++;
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` each time the limit grows; returns what stops that. */
  onGrow(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export type PoolOutcome<T, R> =
  | { readonly item: T; readonly state: 'done'; readonly value: R }
  | { readonly item: T; readonly state: 'failed'; readonly error: unknown }
  | { readonly item: T; readonly state: 'notStarted' };

export interface PoolOptions<T, R> {
  /** Workers at most; at least 1. */
  readonly concurrency: number;
  /** Aborting stops new starts; work already started runs to its end (the caller decides whether to abort it). */
  readonly signal?: AbortSignal;
  readonly gate?: PauseGate;
  /** Fewer in flight than `concurrency` while the service throttles (see AdaptiveLimit); `concurrency` stays the most. */
  readonly limit?: AdaptiveLimit;
  /** Starts paced under the service's request budget. */
  readonly budget?: RequestBudget;
  onStart?(item: T, index: number): void;
  onSettled?(outcome: PoolOutcome<T, R>, index: number): void;
}

/** Runs `work` over `items` with at most `concurrency` at once; one outcome per item, in the items' order. */
export async function runPool<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions<T, R>,
): Promise<PoolOutcome<T, R>[]> {
  const { signal, gate, limit, budget } = options;
  const outcomes: Array<PoolOutcome<T, R> | undefined> = new Array(items.length);
  let next = 0;
  let running = 0;
  // Workers over the adaptive limit wait here until an item settles, the limit grows or the user cancels.
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...waiting]) wake();
  };
  const offGrow = limit?.onGrow(wakeAll);
  const onAbort = () => wakeAll();
  signal?.addEventListener('abort', onAbort);
  const turn = () => new Promise<void>((resolve) => {
    const wake = () => {
      waiting.delete(wake);
      resolve();
    };
    waiting.add(wake);
  });
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      try {
        await gate?.wait(signal);
      } catch {
        return;
      }
      if (limit && running >= limit.current) {
        await turn();
        continue;
      }
      // Counted as running while it waits for the budget, so the limit holds for the others meanwhile.
      running++;
      const paced = await (budget?.take(signal).then(() => true, () => false) ?? true);
      // Another worker may have taken the last item, or the user cancelled, while this one waited.
      if (!paced || next >= items.length || signal?.aborted) {
        running--;
        wakeAll();
        return;
      }
      const index = next++;
      const item = items[index];
      const epoch = limit?.started() ?? 0;
      options.onStart?.(item, index);
      let outcome: PoolOutcome<T, R>;
      try {
        outcome = { item, state: 'done', value: await work(item, index) };
        limit?.succeeded(epoch);
      } catch (error) {
        outcome = { item, state: 'failed', error };
      }
      running--;
      outcomes[index] = outcome;
      options.onSettled?.(outcome, index);
      wakeAll();
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, items.length));
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    offGrow?.();
    signal?.removeEventListener('abort', onAbort);
  }
  return items.map((item, index) => outcomes[index] ?? { item, state: 'notStarted' });
}
