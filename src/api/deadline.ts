/** One attempt's end in time: its signal aborts then, whatever trickles in; an answer of known size may move it later. */
export class Deadline {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private endsAt: number;

  constructor(private budgetMs: number) {
    this.endsAt = Date.now() + budgetMs;
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  /** Seconds allowed in all so far, for the user's message. */
  get seconds(): number {
    return Math.round(this.budgetMs / 1000);
  }

  /** Moves the end `ms` later: an answer announced as large needs the time to arrive. */
  extend(ms: number): void {
    if (this.expired || ms <= 0) return;
    this.endsAt += ms;
    this.budgetMs += ms;
    this.arm();
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.clear();
    this.timer = setTimeout(() => this.controller.abort(new Error('deadline')), Math.max(0, this.endsAt - Date.now()));
    // A pending deadline must not keep a test run or the extension host alive.
    (this.timer as { unref?: () => void }).unref?.();
  }
}

/** The deadline and the user's cancel as one signal. */
export function eitherSignal(user: AbortSignal | undefined, deadline: Deadline): AbortSignal {
  return user ? AbortSignal.any([user, deadline.signal]) : deadline.signal;
}
