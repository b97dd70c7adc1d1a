/**
 * The time one attempt may take, on one timer: a deadline for the whole attempt (however the bytes trickle in) and, inside it, a
 * limit for the phase under way: waiting for the answer's headers, or a silence while its body arrives. Whichever ends first aborts
 * the attempt's signal with a reason that says which.
 */
export type TimeUp = 'deadline' | 'headers' | 'silence';

export class TimeUpError extends Error {
  constructor(readonly which: TimeUp) {
    super(`time up: ${which}`);
  }
}

export class AttemptClock {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private endsAt: number;
  private phase: { readonly which: 'headers' | 'silence'; readonly endsAt: number } | undefined;
  /** The user's cancel and this clock as one signal, for fetch. */
  readonly signal: AbortSignal;

  constructor(
    private budgetMs: number,
    user?: AbortSignal,
  ) {
    this.endsAt = Date.now() + budgetMs;
    this.signal = user ? AbortSignal.any([user, this.controller.signal]) : this.controller.signal;
    this.arm();
  }

  /** Why this clock ended the attempt, if it did. */
  get timeUp(): TimeUp | undefined {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof TimeUpError ? reason.which : undefined;
  }

  /** Seconds allowed in all so far, for the user's message. */
  get seconds(): number {
    return Math.round(this.budgetMs / 1000);
  }

  /** Moves the deadline `ms` later: an answer announced as large needs the time to arrive. */
  extend(ms: number): void {
    if (this.controller.signal.aborted || ms <= 0) return;
    this.endsAt += ms;
    this.budgetMs += ms;
    this.arm();
  }

  /** The answer's headers must come within `ms` from now. */
  awaitHeaders(ms: number): void {
    this.startPhase('headers', ms);
  }

  /** The next bytes of the answer's body must come within `ms` from now. */
  awaitBytes(ms: number): void {
    this.startPhase('silence', ms);
  }

  /** The phase under way is over (the headers came, the bytes came): only the deadline counts until the next one. */
  endPhase(): void {
    if (this.phase === undefined) return;
    this.phase = undefined;
    this.arm();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.phase = undefined;
  }

  private startPhase(which: 'headers' | 'silence', ms: number): void {
    if (this.controller.signal.aborted) return;
    this.phase = { which, endsAt: Date.now() + ms };
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const phaseFirst = this.phase !== undefined && this.phase.endsAt < this.endsAt;
    const at = phaseFirst ? this.phase!.endsAt : this.endsAt;
    const which: TimeUp = phaseFirst ? this.phase!.which : 'deadline';
    this.timer = setTimeout(() => this.controller.abort(new TimeUpError(which)), Math.max(0, at - Date.now()));
    // A pending timer must not keep a test run or the extension host alive.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
