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
  onStart?(item: T, index: number): void;
  onSettled?(outcome: PoolOutcome<T, R>, index: number): void;
}

/** Runs `work` over `items` with at most `concurrency` at once; one outcome per item, in the items' order. */
export async function runPool<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions<T, R>,
): Promise<PoolOutcome<T, R>[]> {
  const { signal, gate } = options;
  const outcomes: Array<PoolOutcome<T, R> | undefined> = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      try {
        await gate?.wait(signal);
      } catch {
        return;
      }
      // Another worker may have taken the last item, or the user cancelled, while this one waited.
      if (next >= items.length || signal?.aborted) return;
      const index = next++;
      const item = items[index];
      options.onStart?.(item, index);
      let outcome: PoolOutcome<T, R>;
      try {
        outcome = { item, state: 'done', value: await work(item, index) };
      } catch (error) {
        outcome = { item, state: 'failed', error };
      }
      outcomes[index] = outcome;
      options.onSettled?.(outcome, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return items.map((item, index) => outcomes[index] ?? { item, state: 'notStarted' });
}
