/**
 * The emulator is as strict as Business Central over HTTP: each rule of README.md's "How strict, and why"
 * with the exact status, code and message, on a current and on an older server, plus the faults tests race with.
 */
import * as assert from 'node:assert/strict';
import { DEMO, Emulator, makePng } from '../../emulator';
import { call, CORRELATION_RE, start } from './helpers';

const message = (json: { error: { message: string } }) => json.error.message.replace(CORRELATION_RE, '');

describe('emulator: as strict as the service, over HTTP', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let customers: string;
  const get = (query: string) => call(`${customers}?${query}`);

  beforeEach(async () => {
    emu = await start({ data: 'demo' });
    customers = `${emu.bcBaseUrl()}/companies(${DEMO.cronusId})/customers`;
  });
  afterEach(() => emu.close());

  it('answers an `or` across fields with 501 and the service message, CorrelationId with two spaces each side', async () => {
    const r = await get(`$filter=${encodeURIComponent("contains(number,'TR') or contains(displayName,'tr')")}`);
    assert.equal(r.status, 501);
    assert.equal(r.json.error.code, 'BadRequest_MethodNotImplemented');
    assert.equal(message(r.json), "The 'OR' operator is not supported on distinct fields on an OData filter.");
    assert.match(r.json.error.message, /\.  CorrelationId:  [0-9a-f-]{36}\.$/);
    assert.equal(r.headers['ms-correlation-x'], r.json.error.message.match(/([0-9a-f-]{36})\.$/)![1]);
  });

  it('sends ms-correlation-x on successes too', async () => {
    const r = await get('$top=1');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['ms-correlation-x']), /^[0-9a-f-]{36}$/);
  });

  it('takes nested calls and `in` only with $schemaversion=2.1, and refuses other schema versions', async () => {
    const nested = encodeURIComponent("contains(tolower(displayName),'TREY')".replace('TREY', 'trey'));
    assert.equal((await get(`$filter=${nested}`)).status, 400);
    const with21 = await get(`$filter=${nested}&$schemaversion=2.1`);
    assert.equal(with21.status, 200);
    assert.deepEqual(with21.json.value.map((c: { number: string }) => c.number), ['20000']);
    const inList = encodeURIComponent("number in ('10000','20000')");
    const refused = await get(`$filter=${inList}`);
    assert.deepEqual([refused.status, refused.json.error.code, message(refused.json)], [501, 'BadRequest_MethodNotImplemented', 'The OData filter expression is not supported.']);
    assert.equal((await get(`$filter=${inList}&$schemaversion=2.1`)).json.value.length, 2);
    for (const version of ['1.0', '2.0']) assert.equal((await get(`$schemaversion=${version}`)).status, 200, version);
    const bad = await get('$schemaversion=3.0');
    assert.deepEqual([bad.status, bad.json.error.code, message(bad.json)], [400, 'BadRequest', "The schema version '3.0' is not supported."]);
  });

  it('on an older server, ignores `in` without a word and refuses $schemaversion=2.1', async () => {
    emu.serverVersion = 'old';
    const ignored = await get(`$filter=${encodeURIComponent("number in ('10000','20000')")}`);
    assert.equal(ignored.status, 200);
    assert.equal(ignored.json.value.length, 10, 'the whole table');
    const v21 = await get('$schemaversion=2.1');
    assert.deepEqual([v21.status, message(v21.json)], [400, "The schema version '2.1' is not supported."]);
    assert.equal((await get(`$filter=${encodeURIComponent("contains(tolower(displayName),'trey')")}`)).status, 400);
  });

  it('refuses a number literal over 20 characters with 400 Application_FilterErrorException, failing the whole request', async () => {
    const r = await get(`$filter=${encodeURIComponent("number eq '10000' or number eq 'ABCDEFGHIJKLMNOPQRSTU'")}`);
    assert.deepEqual(
      [r.status, r.json.error.code, message(r.json)],
      [400, 'Application_FilterErrorException', 'The length of the string is 21, but it must be less than or equal to 20 characters. Value: ABCDEFGHIJKLMNOPQRSTU'],
    );
  });

  it('answers a query string over 8,000 characters with 414', async () => {
    const filter = Array.from({ length: 400 }, (_, i) => `number eq '${String(i).padStart(6, '0')}'`).join(' or ');
    const query = `$filter=${encodeURIComponent(filter)}`;
    assert.ok(query.length > 8000);
    const r = await get(query);
    assert.deepEqual([r.status, r.json.error.code], [414, 'RequestUriTooLong']);
    assert.match(message(r.json), /^The request URI is too long: its query has \d+ characters, more than 8000\.$/);
    const fits = Array.from({ length: 150 }, (_, i) => `number eq '${String(i).padStart(6, '0')}'`).join(' or ');
    assert.equal((await get(`$filter=${encodeURIComponent(fits)}`)).status, 200);
  });

  it('says " " for a customer that is not blocked', async () => {
    const r = await call(`${customers}(${DEMO.customer(10000)})`);
    assert.equal(r.json.blocked, ' ');
  });

  it('answers a 502 fault with Retry-After', async () => {
    emu.fault({ method: 'GET', kind: 'status', status: 502, retryAfter: 3 });
    const r = await get('$top=1');
    assert.deepEqual([r.status, r.headers['retry-after'], r.json.error.code], [502, '3', 'BadGateway']);
  });

  it('answers 429 past 100 requests of a user in flight or 95 queued', async () => {
    emu.setLimits({ concurrent: 1, maxQueued: 2, maxInFlight: 100 });
    emu.fault({ method: 'GET', kind: 'latency', ms: 400, times: 3 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => get('$top=1')));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const throttled = answers.find((a) => a.status === 429)!;
    assert.equal(throttled.json.error.code, 'Application_TooManyRequests');
    assert.match(message(throttled.json), /^Too many queued requests\.  Actual \(3\)\.  Maximum \(2\)\.$/);
    assert.equal(throttled.headers['retry-after'], '1');
    emu.setLimits({ concurrent: 5, maxQueued: 95, maxInFlight: 2 });
    emu.fault({ method: 'GET', kind: 'latency', ms: 400, times: 3 });
    const many = await Promise.all(Array.from({ length: 3 }, () => get('$top=1')));
    assert.deepEqual(many.map((a) => a.status).sort(), [200, 200, 429]);
    assert.match(message(many.find((a) => a.status === 429)!.json), /^Too many concurrent requests\.  Actual \(3\)\.  Maximum \(2\)\.$/);
  });

  it('holds uploads until the test releases them, then handles them normally', async () => {
    emu.fault({ method: 'PATCH', kind: 'hold', times: 2 });
    const url = (n: number) => `${customers}(${DEMO.customer(n)})/picture/pictureContent`;
    const patch = (n: number) => call(url(n), { method: 'PATCH', headers: { 'if-match': '*', 'content-type': 'application/octet-stream' }, body: makePng(4, 4, n) });
    const answers = [patch(20000), patch(30000)];
    await emu.waitForHeld(2);
    assert.equal(emu.data.company(DEMO.cronusId)!.customers.picture(DEMO.customer(20000)).bytes, undefined, 'not stored while held');
    emu.releaseHeld();
    assert.deepEqual((await Promise.all(answers)).map((a) => a.status), [204, 204]);
    assert.equal((await patch(40000)).status, 204, 'the third is not held');
  });

  it('ignores $filter on demand, as servers in bug reports do', async () => {
    emu.fault({ method: 'GET', kind: 'ignoreFilter' });
    const r = await get(`$filter=${encodeURIComponent("number eq '10000'")}`);
    assert.equal(r.json.value.length, 10);
  });
});
