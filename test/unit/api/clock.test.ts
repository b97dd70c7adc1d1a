import * as assert from 'node:assert/strict';
import { AttemptClock } from '../../../src/api/clock';

/** Resolves with why the clock ended the attempt and when, in ms from now. */
function endOf(clock: AttemptClock): Promise<{ which: string | undefined; afterMs: number }> {
  const began = Date.now();
  return new Promise((resolve) => clock.signal.addEventListener('abort', () => resolve({ which: clock.timeUp, afterMs: Date.now() - began }), { once: true }));
}

describe('api/clock: one timer for an attempt', () => {
  it('ends at the deadline when no phase is under way', async () => {
    const ended = await endOf(new AttemptClock(80));
    assert.equal(ended.which, 'deadline');
    assert.ok(ended.afterMs >= 70, `ended after ${ended.afterMs} ms`);
  });

  it('ends a phase that runs out before the deadline, with the phase as the reason', async () => {
    const clock = new AttemptClock(5_000);
    clock.awaitHeaders(40);
    assert.equal((await endOf(clock)).which, 'headers');
    const silent = new AttemptClock(5_000);
    silent.awaitBytes(40);
    assert.equal((await endOf(silent)).which, 'silence');
  });

  it('keeps the deadline when a phase would end after it, and after a phase ended', async () => {
    const clock = new AttemptClock(60);
    clock.awaitBytes(10_000);
    assert.equal((await endOf(clock)).which, 'deadline');
    const over = new AttemptClock(120);
    over.awaitHeaders(30);
    over.endPhase();
    const ended = await endOf(over);
    assert.equal(ended.which, 'deadline');
    assert.ok(ended.afterMs >= 80, `the ended phase did not fire: ${ended.afterMs} ms`);
  });

  it('moves the deadline later for an answer announced as large, and counts it in the seconds allowed', async () => {
    const clock = new AttemptClock(50);
    clock.extend(1_950);
    assert.equal(clock.seconds, 2);
    const early = await Promise.race([endOf(clock), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 150))]);
    assert.equal(early, undefined, 'not ended at the first deadline');
    clock.stop();
  });

  it('aborts with the user: the signal follows a cancel, and no time is said to be up', async () => {
    const user = new AbortController();
    const clock = new AttemptClock(5_000, user.signal);
    user.abort();
    assert.equal(clock.signal.aborted, true);
    assert.equal(clock.timeUp, undefined);
    clock.stop();
  });

  it('does nothing once stopped', async () => {
    const clock = new AttemptClock(30);
    clock.awaitHeaders(10);
    clock.stop();
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(clock.signal.aborted, false);
  });
});
