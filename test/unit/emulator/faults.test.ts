import * as assert from 'node:assert/strict';
import { DEMO, type Emulator, makePng, SERVICE_LIMITS } from '../../emulator';
import { BC_USER, call, start } from './helpers';

describe('emulator: faults on demand and service limits', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let companies: string;
  let content: string;
  const adatum = DEMO.customer(10000);
  const picture = () => emu.data.company(DEMO.cronusId)!.customers.picture(adatum);

  beforeEach(async () => {
    emu = await start();
    companies = `${emu.bcBaseUrl()}/companies`;
    content = `${companies}(${DEMO.cronusId})/customers(${adatum})/picture/pictureContent`;
  });
  afterEach(() => emu.close());

  it('adds latency', async () => {
    emu.fault({ kind: 'latency', ms: 250, path: /\/companies$/ });
    const t0 = Date.now();
    assert.equal((await call(companies)).status, 200);
    assert.ok(Date.now() - t0 >= 240);
    assert.equal(emu.requests[0].fault, 'latency');
    const t1 = Date.now();
    await call(companies);
    assert.ok(Date.now() - t1 < 240);
  });

  it('the next PATCH gets a 429 with Retry-After: 1, then succeeds', async () => {
    emu.fault({ method: 'PATCH', path: /pictureContent/, kind: 'status', status: 429, retryAfter: 1 });
    assert.equal((await call(companies)).status, 200, 'a GET does not match');
    const first = await call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(5, 5) });
    assert.equal(first.status, 429);
    assert.equal(first.headers['retry-after'], '1');
    assert.equal(first.json.error.code, 'Application_TooManyRequests');
    assert.equal(picture().width, 64);
    assert.equal(emu.pendingFaults, 0);
    const second = await call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(5, 5) });
    assert.equal(second.status, 204);
    assert.equal(picture().width, 5);
    assert.deepEqual(emu.requests.map((r) => [r.method, r.status, r.fault]), [['GET', 200, undefined], ['PATCH', 429, 'status'], ['PATCH', 204, undefined]]);
  });

  it('answers 429 with an HTTP-date Retry-After, 503, 504 and 408, for the next N matching requests', async () => {
    const when = new Date(Date.now() + 5000);
    emu.fault({ kind: 'status', status: 429, retryAfter: when });
    emu.fault({ kind: 'status', status: 503, retryAfter: 2, times: 2 });
    emu.fault({ kind: 'status', status: 504 });
    emu.fault({ kind: 'status', status: 408, code: 'Custom_Code', message: 'custom message' });
    const a = await call(companies);
    assert.equal(a.status, 429);
    assert.equal(a.headers['retry-after'], when.toUTCString());
    const b = await call(companies);
    const c = await call(companies);
    assert.deepEqual([b.status, c.status, b.headers['retry-after']], [503, 503, '2']);
    assert.equal(b.json.error.code, 'ServiceUnavailable');
    const d = await call(companies);
    assert.equal(d.status, 504);
    assert.equal(d.json.error.code, 'GatewayTimeout');
    const e = await call(companies);
    assert.equal(e.status, 408);
    assert.equal(e.json.error.code, 'Custom_Code');
    assert.match(e.json.error.message, /^custom message {2}CorrelationId/);
    assert.equal((await call(companies)).status, 200);
  });

  it('matches faults by method, path (RegExp or substring) and user', async () => {
    emu.acceptToken('carol-token', { audience: 'businesscentral', user: 'carol' });
    emu.fault({ kind: 'status', status: 503, user: 'carol', times: Infinity });
    emu.fault({ kind: 'status', status: 504, path: 'customers', method: 'get' });
    assert.equal((await call(companies)).status, 200);
    assert.equal((await call(companies, { token: 'carol-token' })).status, 503);
    assert.equal((await call(companies, { token: 'carol-token' })).status, 503);
    assert.equal((await call(`${companies}(${DEMO.cronusId})/customers`)).status, 504);
    assert.equal((await call(`${companies}(${DEMO.cronusId})/customers`)).status, 200);
    emu.clearFaults();
    assert.equal((await call(companies, { token: 'carol-token' })).status, 200);
  });

  it('ends one fault by the spec it was scheduled with, and leaves the others', async () => {
    const endless = { kind: 'status', status: 503, path: /\/companies$/, times: Infinity } as const;
    emu.fault(endless);
    emu.fault({ kind: 'status', status: 504, path: /\/companies$/, times: Infinity });
    // An equal spec that is another object ends nothing.
    emu.removeFault({ ...endless });
    assert.equal((await call(companies)).status, 503);
    emu.removeFault(endless);
    assert.equal((await call(companies)).status, 504);
    assert.equal(emu.pendingFaults, 1);
  });

  it('resets the connection in the middle of the request body; the old picture stays', async () => {
    emu.fault({ method: 'PATCH', kind: 'reset', afterBytes: 1000 });
    const png = makePng(200, 200, 4);
    assert.ok(png.length > 2000);
    await assert.rejects(call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: png }));
    const rec = emu.requests[0];
    assert.equal(rec.aborted, true);
    assert.equal(rec.bodySize, 1000);
    assert.equal(rec.fault, 'reset');
    assert.equal(picture().width, 64);
    assert.equal((await call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: png })).status, 204);
    assert.equal(picture().width, 200);
  });

  it('hangs a response until the client gives up; the emulator stays usable and closes', async () => {
    emu.fault({ kind: 'hang', path: /\/companies$/ });
    await assert.rejects(call(companies, { headersTimeout: 300 }));
    assert.equal((await call(companies)).status, 200);
    emu.fault({ kind: 'hang' });
    const pending = call(companies).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await emu.close();
    assert.ok((await pending) instanceof Error);
  });

  it('answers an expired-token 401 on demand', async () => {
    emu.fault({ kind: 'expiredToken' });
    const r = await call(companies);
    assert.equal(r.status, 401);
    assert.match(String(r.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal((await call(companies)).status, 200);
  });

  it('sends malformed JSON, a wrong content type, or a nextLink to another host', async () => {
    emu.fault({ kind: 'malformedJson' });
    const m = await call(companies);
    assert.equal(m.status, 200);
    assert.match(String(m.headers['content-type']), /^application\/json/);
    assert.throws(() => JSON.parse(m.text));
    emu.fault({ kind: 'wrongContentType' });
    const w = await call(companies);
    assert.match(String(w.headers['content-type']), /^text\/html/);
    emu.fault({ kind: 'foreignNextLink' });
    const customers = `${companies}(${DEMO.cronusId})/customers`;
    const f = await call(customers, { headers: { prefer: 'odata.maxpagesize=2' } });
    const link = new URL(f.json['@odata.nextLink']);
    assert.equal(link.origin, `http://localhost:${emu.port}`);
    assert.ok(link.searchParams.get('$skiptoken'));
    emu.fault({ kind: 'foreignNextLink', origin: 'http://127.0.0.2:1' });
    const f2 = await call(customers);
    assert.equal(new URL(f2.json['@odata.nextLink']).origin, 'http://127.0.0.2:1');
  });

  it('redirects to another origin', async () => {
    emu.fault({ kind: 'redirect', status: 302 });
    const r = await call(companies);
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, `http://localhost:${emu.port}/v2.0/production/api/v2.0/companies`);
    emu.fault({ kind: 'redirect', location: 'http://127.0.0.2:9/x' });
    const s = await call(companies);
    assert.equal(s.status, 307);
    assert.equal(s.headers.location, 'http://127.0.0.2:9/x');
  });

  it('limits requests per user in a sliding window (429 with Retry-After)', async () => {
    emu.setLimits({ requestsPerWindow: 3, windowMs: 600 });
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(companies)).status, 200);
    }
    const over = await call(companies);
    assert.equal(over.status, 429);
    assert.equal(over.json.error.code, 'Application_TooManyRequests');
    assert.match(over.json.error.message, /Maximum \(3\)/);
    assert.ok(Number(over.headers['retry-after']) >= 1);
    emu.acceptToken('other-user', { audience: 'businesscentral', user: 'other' });
    assert.equal((await call(companies, { token: 'other-user' })).status, 200, 'another user has its own window');
    await new Promise((r) => setTimeout(r, 650));
    assert.equal((await call(companies)).status, 200);
  });

  it('queues past 5 concurrent requests per user and reports the peak in flight', async () => {
    emu.fault({ kind: 'latency', ms: 200, times: Infinity });
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 7 }, () => call(companies)));
    assert.deepEqual(answers.map((a) => a.status), Array(7).fill(200));
    assert.ok(Date.now() - t0 >= 390, 'two waves');
    const stats = emu.userStats(BC_USER);
    assert.equal(stats.peakInFlight, 7);
    assert.equal(stats.totalQueued, 2);
    assert.equal(stats.inFlight, 0);
  });

  it('answers 503 after the queue timeout', async () => {
    emu.setLimits({ concurrent: 2, queueTimeoutMs: 100 });
    emu.fault({ kind: 'latency', ms: 400, times: 2 });
    const answers = await Promise.all([call(companies), call(companies), new Promise((r) => setTimeout(r, 50)).then(() => call(companies))]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 503]);
    const refused = answers.find((a) => a.status === 503)!;
    assert.equal(refused.json.error.code, 'ServiceUnavailable');
    assert.ok(refused.headers['retry-after']);
  });
  it('answers 502 BadGateway with Retry-After through the status fault', async () => {
    emu.fault({ kind: 'status', status: 502, retryAfter: 3 });
    const r = await call(companies);
    assert.equal(r.status, 502);
    assert.equal(r.headers['retry-after'], '3');
    assert.equal(r.json.error.code, 'BadGateway');
    assert.equal(r.json.error.message, `The server received an invalid response from an upstream server.  CorrelationId:  ${String(r.headers['ms-correlation-x'])}.`);
    assert.equal((await call(companies)).status, 200);
  });

  it('answers 429 past 100 requests of a user in flight (here 2), with Retry-After', async () => {
    emu.setLimits({ maxInFlight: 2 });
    emu.fault({ kind: 'hold', path: /\/companies$/, times: 2 });
    const held = [call(companies), call(companies)];
    await emu.waitForHeld(2);
    const over = await call(companies);
    assert.equal(over.status, 429);
    assert.equal(over.json.error.code, 'Application_TooManyRequests');
    assert.equal(over.json.error.message, `Too many concurrent requests.  Actual (3).  Maximum (2).  CorrelationId:  ${String(over.headers['ms-correlation-x'])}.`);
    assert.equal(over.headers['retry-after'], '1');
    emu.acceptToken('other-user', { audience: 'businesscentral', user: 'other' });
    assert.equal((await call(companies, { token: 'other-user' })).status, 200, 'per user');
    emu.releaseHeld();
    assert.deepEqual((await Promise.all(held)).map((a) => a.status), [200, 200]);
  });

  it('answers 429 past 95 queued requests of a user (here 2)', async () => {
    emu.setLimits({ concurrent: 1, maxQueued: 2 });
    emu.fault({ kind: 'latency', ms: 300, times: 3 });
    const waiting = [call(companies), call(companies), call(companies)];
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(emu.userStats(BC_USER).queued, 2);
    const over = await call(companies);
    assert.equal(over.status, 429);
    assert.equal(over.json.error.code, 'Application_TooManyRequests');
    assert.equal(over.json.error.message, `Too many queued requests.  Actual (3).  Maximum (2).  CorrelationId:  ${String(over.headers['ms-correlation-x'])}.`);
    assert.equal(over.headers['retry-after'], '1');
    assert.deepEqual((await Promise.all(waiting)).map((a) => a.status), [200, 200, 200]);
  });

  it('has the service limits by default: 100 in flight, 95 queued', () => {
    assert.equal(SERVICE_LIMITS.maxInFlight, 100);
    assert.equal(SERVICE_LIMITS.maxQueued, 95);
  });

  it('holds matching requests, their body read, until releaseHeld(); then they are handled normally', async () => {
    emu.fault({ method: 'PATCH', path: /pictureContent/, kind: 'hold', times: 2 });
    const a = call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(6, 6) });
    const b = call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(7, 7) });
    await emu.waitForHeld(2);
    assert.equal(picture().width, 64, 'nothing changed while held');
    assert.deepEqual(emu.requests.map((r) => [r.fault, r.status, r.bodySize > 0]), [['hold', 0, true], ['hold', 0, true]]);
    assert.equal((await call(companies)).status, 200, 'other requests are not held');
    emu.releaseHeld();
    assert.deepEqual([(await a).status, (await b).status], [204, 204]);
    assert.ok([6, 7].includes(picture().width));
    await emu.waitForHeld(0);
    emu.releaseHeld(); // nothing held: a no-op
    assert.equal((await call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(8, 8) })).status, 204, 'times used up');
  });

  it('a held request whose client gave up is not handled after the release', async () => {
    emu.fault({ method: 'PATCH', kind: 'hold' });
    const controller = new AbortController();
    const gone = call(content, { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(9, 9), signal: controller.signal }).catch((e: unknown) => e);
    await emu.waitForHeld(1);
    controller.abort();
    assert.ok((await gone) instanceof Error);
    await new Promise((r) => setTimeout(r, 50));
    emu.releaseHeld();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(picture().width, 64);
  });

  it('ignoreFilter answers as a server that ignored $filter (the whole table)', async () => {
    const customers = `${companies}(${DEMO.cronusId})/customers?$filter=${encodeURIComponent("number eq '10000'")}`;
    emu.fault({ kind: 'ignoreFilter' });
    assert.equal((await call(customers)).json.value.length, 10);
    assert.equal((await call(customers)).json.value.length, 1);
  });
});
