/**
 * The emulator's `online` profile over HTTP: the service's time per request and per MiB imported, 5 requests of a
 * user executing at once with the rest queued, 429 past 95 queued, and the sliding request budget (scaled down).
 */
import * as assert from 'node:assert/strict';
import { DEMO, type Emulator, makePng, ONLINE_TIMING, SERVICE_LIMITS } from '../../emulator';
import { BC_USER, call, start } from './helpers';

describe('emulator: the online profile', function () {
  this.timeout(20_000);
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });
  const companies = () => `${emu!.bcBaseUrl()}/companies`;
  const content = () => `${companies()}(${DEMO.cronusId})/customers(${DEMO.customer(10000)})/picture/pictureContent`;

  it('takes the service\'s time by default, the strict profile none, both with the service\'s limits', async () => {
    emu = await start({ profile: 'online' });
    assert.deepEqual(emu.timing, ONLINE_TIMING);
    const t0 = Date.now();
    assert.equal((await call(companies())).status, 200);
    assert.ok(Date.now() - t0 >= ONLINE_TIMING.latencyMs - 10, `${Date.now() - t0} ms`);
    await emu.close();
    emu = await start();
    assert.deepEqual(emu.timing, { latencyMs: 0, importMsPerMb: 0 });
    assert.equal(SERVICE_LIMITS.concurrent, 5);
    assert.equal(SERVICE_LIMITS.maxQueued, 95);
    assert.equal(SERVICE_LIMITS.requestsPerWindow, 6000);
    assert.equal(SERVICE_LIMITS.windowMs, 5 * 60_000);
  });

  it('executes 5 requests of a user at once and queues the rest: 12 requests of 150 ms take three waves', async () => {
    emu = await start({ profile: 'online', timing: { latencyMs: 150 } });
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 12 }, () => call(companies())));
    const took = Date.now() - t0;
    assert.deepEqual(answers.map((a) => a.status), Array(12).fill(200));
    assert.ok(took >= 440 && took < 1500, `three waves of 150 ms, not one: ${took} ms`);
    assert.equal(emu.userStats(BC_USER).totalQueued, 7);
  });

  it('answers 429 past the queue (here 3) and past the sliding budget (here 10 per second), with Retry-After', async () => {
    emu = await start({ profile: 'online', timing: { latencyMs: 200 }, limits: { maxQueued: 3, requestsPerWindow: 10, windowMs: 1000 } });
    const burst = await Promise.all(Array.from({ length: 9 }, () => call(companies())));
    const statuses = burst.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429], '5 run, 3 queue, the ninth is refused');
    assert.match(burst.find((a) => a.status === 429)!.json.error.message, /^Too many queued requests\.\s+Actual \(4\)\.\s+Maximum \(3\)\./);
    // 9 counted in this second (the refused one too, as it was admitted to the window before the queue refused it).
    const more = await Promise.all([call(companies()), call(companies())]);
    const refused = more.find((a) => a.status === 429);
    assert.ok(refused, 'the budget of 10 a second is spent');
    assert.match(refused.json.error.message, /Too many requests reached\.\s+Actual \(11\)\.\s+Maximum \(10\)\./);
    assert.equal(refused.headers['retry-after'], '1');
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await call(companies())).status, 200, 'the window slid on');
  });

  it('adds the import time per MiB of a picture\'s body', async () => {
    emu = await start({ profile: 'online', timing: { latencyMs: 0, importMsPerMb: 400 } });
    const big = Buffer.concat([makePng(4, 4), Buffer.alloc(1024 * 1024)]);
    const t0 = Date.now();
    const answer = await call(content(), { method: 'PATCH', headers: { 'if-match': '*' }, body: big });
    assert.equal(answer.status, 204);
    assert.ok(Date.now() - t0 >= 390, `${Date.now() - t0} ms for 1 MiB`);
    const t1 = Date.now();
    assert.equal((await call(content(), { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(4, 4) })).status, 204);
    assert.ok(Date.now() - t1 < 200, 'a small picture imports quickly');
  });
});
