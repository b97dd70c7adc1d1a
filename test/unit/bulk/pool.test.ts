/**
 * The upload pool against the local Business Central emulator, over real loopback HTTP: the bound on
 * requests in flight, one pause for all workers when the service throttles one, and cancellation.
 */
import * as assert from 'node:assert/strict';
import { DEMO, makePng, SAMPLE_JPEG, startEmulator, type Emulator } from '../../emulator';
import { bytesUploadSource } from '../../../src/api';
import { AdaptiveLimit, PauseGate, RequestBudget, runPool, type PoolOutcome } from '../../../src/bulk';
import { abortableSleep } from '../../../src/api/retry';
import type { Picture } from '../../../src/api/types';
import { harness, sha256, type Harness } from '../api/helpers';

const TOKEN = 'pool-token-SECRET-4444';
const USER = 'pool-user';
const BIG = DEMO.bigCompanyId;

describe('bulk/pool: the upload pool against the emulator', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let bc: Harness;
  let gate: PauseGate;

  before(async () => {
    emu = await startEmulator({ data: 'empty', bigCompany: 200 });
    emu.acceptToken(TOKEN, { audience: 'businesscentral', user: USER });
  });

  beforeEach(() => {
    emu.clearFaults();
    emu.clearRequests();
    gate = new PauseGate();
    // Real waits here: the pause is about time.
    bc = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN }, {
      onWaiting: (seconds) => gate.pause(seconds * 1000),
      retry: { sleep: abortableSleep },
    });
  });

  after(async () => {
    await emu.close();
  });

  const customers = (count: number, from = 0) => emu.data.company(BIG)!.customers.all().slice(from, from + count);
  const patches = () => emu.requests.filter((r) => r.method === 'PATCH');

  /** One PNG per customer, distinct bytes each. */
  function uploads(count: number, from = 0) {
    return customers(count, from).map((customer, i) => {
      const bytes = makePng(8 + i, 6, from + i);
      return { customer, bytes, source: bytesUploadSource(bytes, { contentType: 'image/png', width: 8 + i, height: 6 }) };
    });
  }

  type Item = ReturnType<typeof uploads>[number];
  const upload = (item: Item) => bc.service.uploadPicture(BIG, item.customer.id, item.source);

  it('never has more requests in flight than its concurrency, and uploads each picture exactly once', async () => {
    const items = uploads(12);
    emu.fault({ method: 'PATCH', kind: 'latency', ms: 150, times: Infinity });
    let running = 0;
    let peak = 0;
    const outcomes = await runPool(
      items,
      async (item) => {
        peak = Math.max(peak, ++running);
        try {
          return await upload(item);
        } finally {
          running--;
        }
      },
      { concurrency: 3, gate },
    );
    assert.deepEqual(outcomes.map((o) => o.state), Array(12).fill('done'));
    assert.equal(peak, 3);
    assert.equal(emu.userStats(USER).peakInFlight, 3, 'the service saw 3 at once, never more');
    assert.deepEqual(
      patches().map((p) => `${p.path.match(/customers\(([^)]+)\)/)![1]} ${p.status} ${p.bodySha256}`).sort(),
      items.map((item) => `${item.customer.id} 204 ${sha256(item.bytes)}`).sort(),
    );
  });

  it('pauses every worker when the service tells one of them to wait, and loses nothing', async () => {
    const items = uploads(9, 12);
    emu.fault({ method: 'PATCH', kind: 'latency', ms: 100, times: Infinity });
    // The third PATCH is throttled: by then two others are in flight, and more wait to start.
    emu.fault({ method: 'PATCH', kind: 'status', status: 429, retryAfter: 1, times: 1, path: items[2].customer.id });
    const outcomes = await runPool(items, upload, { concurrency: 3, gate });
    assert.deepEqual(outcomes.map((o) => o.state), Array(9).fill('done'));
    const throttled = patches().find((p) => p.status === 429)!;
    assert.ok(throttled, 'one PATCH was throttled');
    const pauseEnds = throttled.endedAt! + 900;
    const startedDuringPause = patches().filter((p) => p.startedAt > throttled.endedAt! + 50 && p.startedAt < pauseEnds);
    assert.deepEqual(startedDuringPause.map((p) => p.path), [], 'no worker started an upload while the service asked to wait');
    const ok = patches().filter((p) => p.status === 204);
    assert.equal(ok.length, 9, 'exactly one stored PATCH per customer');
    assert.equal(new Set(ok.map((p) => p.path)).size, 9);
    assert.equal(patches().length, 10, 'nine uploads and the one throttled attempt');
  });

  it('stops starting uploads when cancelled, lets the ones in flight finish, and says which ones ran', async () => {
    const items = uploads(10, 21);
    const table = emu.data.company(BIG)!.customers;
    const before = new Map(items.map((item) => [item.customer.id, table.picture(item.customer.id).version]));
    emu.fault({ method: 'PATCH', kind: 'latency', ms: 300, times: Infinity });
    const controller = new AbortController();
    let settled = 0;
    const outcomes: PoolOutcome<Item, Picture>[] = await runPool(items, upload, {
      concurrency: 2,
      gate,
      signal: controller.signal,
      onSettled: () => {
        if (++settled === 3) controller.abort();
      },
    });
    const done = outcomes.filter((o) => o.state === 'done').map((o) => o.item.customer.id);
    const notStarted = outcomes.filter((o) => o.state === 'notStarted').map((o) => o.item.customer.id);
    assert.ok(done.length >= 3 && done.length <= 4, `${done.length} done: the third finished, the one in flight too`);
    assert.equal(done.length + notStarted.length, 10);
    const changed = items.filter((item) => table.picture(item.customer.id).version !== before.get(item.customer.id)).map((item) => item.customer.id);
    assert.deepEqual(changed.sort(), [...done].sort(), 'exactly the customers reported done changed');
    assert.equal(patches().length, done.length);
  });

  it('sends each picture in one request and reads back what was stored in batches of 40 customers', async () => {
    const items = uploads(45, 40).map((item, i) => (i % 3 === 0 ? { ...item, source: bytesUploadSource(SAMPLE_JPEG, { contentType: 'image/jpeg', width: 16, height: 12 }), bytes: SAMPLE_JPEG } : item));
    const sent = await runPool(items, (item) => bc.service.sendPicture(BIG, item.customer.id, item.source), { concurrency: 4, gate });
    assert.deepEqual(sent.map((o) => o.state === 'done' && o.value), Array(45).fill(undefined), 'a 204 says nothing of what was stored');
    assert.equal(emu.requests.length, 45, 'one PATCH a picture, no GET after it');
    emu.clearRequests();
    const stored = await bc.service.storedPictures(BIG, items.map((item) => item.customer));
    const reads = emu.requests.filter((r) => r.method === 'GET');
    assert.equal(emu.requests.length, 2, 'two requests for 45 customers');
    assert.deepEqual(reads.map((r) => decodeURIComponent(r.url).match(/number eq /g)!.length), [40, 5]);
    assert.ok(reads.every((r) => decodeURIComponent(r.url).includes('$expand=picture')));
    assert.deepEqual(
      items.map((item) => { const p = stored.get(item.customer.id)!; return `${item.customer.id} ${p.width}x${p.height} ${p.contentType}`; }),
      items.map((item, i) => `${item.customer.id} ${i % 3 === 0 ? '16x12 image/jpeg' : `${8 + i}x6 image/png`}`),
      'the facts the service derived, for the right customer',
    );
  });

  it('has fewer uploads in flight after a 429 and goes back up when the service keeps up', async () => {
    const limit = new AdaptiveLimit(4);
    const adaptive = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN }, {
      onWaiting: (seconds) => {
        gate.pause(seconds * 100);
        limit.throttled();
      },
      retry: { sleep: abortableSleep },
    });
    const items = uploads(110, 85);
    emu.fault({ method: 'PATCH', kind: 'latency', ms: 60, times: Infinity });
    // Four PATCHes in a row are throttled (the ones in flight at that moment): one episode, one cut.
    emu.fault({ method: 'PATCH', kind: 'status', status: 429, retryAfter: 1, times: 4, path: new RegExp(items.slice(8, 12).map((item) => item.customer.id).join('|')) });
    let running = 0;
    const inFlightAtStart: number[] = [];
    const limits: number[] = [];
    const outcomes = await runPool(items, async (item) => {
      inFlightAtStart.push(++running);
      limits.push(limit.current);
      try {
        return await adaptive.service.sendPicture(BIG, item.customer.id, item.source);
      } finally {
        running--;
      }
    }, { concurrency: 4, gate, limit });
    assert.deepEqual(outcomes.map((o) => o.state), Array(110).fill('done'));
    assert.equal(Math.max(...inFlightAtStart.slice(0, 8)), 4, 'four at once before the service throttled');
    assert.equal(Math.min(...limits), 2, 'halved once for the episode, not once per 429');
    const afterCut = limits.indexOf(2);
    assert.ok(inFlightAtStart.slice(afterCut, afterCut + 4).every((n) => n <= 2), `at most 2 in flight after the cut: ${inFlightAtStart.join(',')}`);
    assert.ok(limits.slice(afterCut, afterCut + 8).includes(3), `quickly back to 3, one below where it was throttled: ${limits.join(',')}`);
    assert.equal(limits.filter((n) => n === 3).length >= 50, true, `and only slowly past it: ${limits.join(',')}`);
    assert.equal(limit.current, 4, 'back up to 4 once the uploads kept succeeding');
    assert.equal(Math.max(...inFlightAtStart.slice(-8)), 4, `four at once again at the end: ${inFlightAtStart.join(',')}`);
    const ok = patches().filter((p) => p.status === 204);
    assert.equal(ok.length, 110);
    assert.equal(new Set(ok.map((p) => p.path)).size, 110, 'no duplicates');
  });

  it('starts nothing when cancelled before it begins', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcomes = await runPool(uploads(3, 31), upload, { concurrency: 2, signal: controller.signal });
    assert.deepEqual(outcomes.map((o) => o.state), ['notStarted', 'notStarted', 'notStarted']);
    assert.equal(emu.requests.length, 0);
  });
});

describe('bulk/pool: the pause gate and the pool on their own', () => {
  it('keeps the longer of two pauses, and opens after it', async () => {
    let now = 1_000;
    const slept: number[] = [];
    const gate = new PauseGate(
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    gate.pause(500);
    gate.pause(200);
    assert.equal(gate.remainingMs, 500);
    await gate.wait();
    assert.deepEqual(slept, [500]);
    assert.equal(gate.remainingMs, 0);
  });

  it('stops waiting when cancelled', async () => {
    const gate = new PauseGate();
    gate.pause(10_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(gate.wait(controller.signal));
  });

  it('reports failures per item and goes on with the rest', async () => {
    const outcomes = await runPool([1, 2, 3, 4], async (n) => {
      if (n % 2 === 0) throw new Error(`even ${n}`);
      return n * 10;
    }, { concurrency: 5 });
    assert.deepEqual(
      outcomes.map((o) => (o.state === 'done' ? o.value : o.state === 'failed' ? (o.error as Error).message : o.state)),
      [10, 'even 2', 30, 'even 4'],
    );
  });

  it('holds new starts while paused, across workers', async () => {
    const gate = new PauseGate();
    const starts: number[] = [];
    const began = Date.now();
    await runPool([0, 1, 2, 3], async (n) => {
      starts.push(Date.now() - began);
      if (n === 0) gate.pause(300);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }, { concurrency: 2, gate });
    // Item 1 started with item 0; items 2 and 3 waited out the pause item 0 asked for.
    assert.ok(starts[0] < 100 && starts[1] < 100, JSON.stringify(starts));
    assert.ok(starts[2] >= 280 && starts[3] >= 280, JSON.stringify(starts));
  });
});

describe('bulk/pool: pacing under the request budget', () => {
  /** A clock that moves only when slept on: time is exact, and the test takes no time. */
  const fakeClock = () => {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += Math.max(1, ms)) };
  };

  it('lets the budget (98 % of it) through at once, then one more each time the oldest leaves the window', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(100, 1_000, 0.98, clock.now, clock.sleep);
    const at: number[] = [];
    for (let i = 0; i < 200; i++) {
      await budget.take();
      at.push(clock.now());
    }
    assert.equal(at.filter((t) => t === 0).length, 98, 'the first 98 start at once');
    // Never more than 98 starts in any window of 1 s.
    for (let i = 98; i < at.length; i++) assert.ok(at[i] - at[i - 98] >= 1_000, `start ${i} at ${at[i]} ms, 98 before at ${at[i - 98]} ms`);
    assert.ok(at[197] <= 2_001, `200 starts within two windows, the last at ${at[197]} ms`);
  });

  it('gives up waiting when the user cancels: the item is not started', async () => {
    const budget = new RequestBudget(1, 60_000, 1);
    const controller = new AbortController();
    await budget.take();
    const waiting = budget.take(controller.signal);
    controller.abort();
    await assert.rejects(waiting);
    const outcomes = await runPool([1, 2, 3], async (n) => n, { concurrency: 2, budget: new RequestBudget(1, 60_000, 1), signal: AbortSignal.timeout(50) });
    assert.deepEqual(outcomes.map((o) => o.state), ['done', 'notStarted', 'notStarted']);
  });

  it('keeps the pool within the budget and the limit together: at most `concurrency` in flight, every item once', async () => {
    const budget = new RequestBudget(5, 100, 1);
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const outcomes = await runPool(Array.from({ length: 12 }, (_, i) => i), async (i) => {
      started.push(Date.now());
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return i;
    }, { concurrency: 3, budget });
    assert.deepEqual(outcomes.map((o) => (o.state === 'done' ? o.value : -1)), Array.from({ length: 12 }, (_, i) => i));
    assert.ok(peak <= 3, `peak ${peak}`);
    // 12 starts at 5 per 100 ms: the 6th and the 11th each waited for the window.
    assert.ok(started[5] - started[0] >= 95 && started[10] - started[0] >= 195, JSON.stringify(started.map((t) => t - started[0])));
  });
});
