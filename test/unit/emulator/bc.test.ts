import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DEMO, type Emulator, makePng, SAMPLE_GIF, SAMPLE_JPEG, TenantData } from '../../emulator';
import { call, CORRELATION_RE, start } from './helpers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('emulator: Business Central API v2.0', () => {
  let emu: Emulator;
  let base: string;
  let cronus: string;
  const adatum = DEMO.customer(10000);
  const trey = DEMO.customer(20000);
  const fineArt = DEMO.customer(30000);
  const picture = (c: string) => `${cronus}/customers(${c})/picture`;

  beforeEach(async () => {
    emu = await start();
    base = emu.bcBaseUrl();
    cronus = `${base}/companies(${DEMO.cronusId})`;
  });
  afterEach(() => emu.close());

  it('lists companies with @odata.context and etags', async () => {
    const r = await call(`${base}/companies`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.json['@odata.context'], `${base}/$metadata#companies`);
    const names = r.json.value.map((c: { name: string }) => c.name);
    assert.deepEqual(names, ['CRONUS USA, Inc.', 'My Company']);
    for (const c of r.json.value) {
      assert.match(c.id, GUID);
      assert.match(c['@odata.etag'], /^W\/".+"$/);
      for (const k of ['systemVersion', 'timestamp', 'displayName', 'businessProfileId']) {
        assert.ok(k in c, k);
      }
    }
  });

  it('serves the tenant form of the URL and the sandbox environment, environments case-insensitively', async () => {
    const t = await call(`${emu.bcBaseUrl('production', DEMO.tenantId)}/companies`);
    assert.equal(t.status, 200);
    assert.equal(t.json.value.length, 2);
    const s = await call(`${emu.bcBaseUrl('Sandbox')}/companies`);
    assert.equal(s.status, 200);
    assert.deepEqual(s.json.value.map((c: { id: string }) => c.id), [DEMO.sandboxCronusId]);
  });

  it('answers an unknown environment or tenant with 404 NoEnvironmentFound', async () => {
    const r = await call(`${emu.bcBaseUrl('nosuchenv')}/companies`);
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, 'NoEnvironmentFound');
    assert.match(r.json.error.message, CORRELATION_RE);
    const t = await call(`${emu.bcBaseUrl('production', '11111111-2222-4333-8444-555555555555')}/companies`);
    assert.equal(t.status, 404);
    assert.equal(t.json.error.code, 'NoEnvironmentFound');
  });

  it("serves data 'empty' (environments, no companies) and companies added through data", async () => {
    await emu.close();
    emu = await start({ data: 'empty' });
    assert.deepEqual((await call(`${emu.bcBaseUrl()}/companies`)).json.value, []);
    assert.equal((await call(emu.environmentsUrl)).json.value.length, 3);
    const id = '0a0b0c0d-0000-4000-8000-00000000beef';
    const customerId = '0a0b0c0d-0000-4000-8000-00000000cafe';
    emu.data.addCompany('production', 'Test Co', id, [TenantData.customer(customerId, { number: 'T1', displayName: 'Only One' })]);
    const r = await call(`${emu.bcBaseUrl()}/companies(${id})/customers`);
    assert.deepEqual(r.json.value.map((c: { id: string; displayName: string }) => [c.id, c.displayName]), [[customerId, 'Only One']]);
  });

  it('lists environments at /environments/v1.2', async () => {
    const r = await call(emu.environmentsUrl);
    assert.equal(r.status, 200);
    const envs = r.json.value;
    // Both spellings of the family seen in the field, and an environment of another application family.
    assert.deepEqual(
      envs.map((e: { name: string; type: string; applicationFamily: string }) => [e.name, e.type, e.applicationFamily]),
      [
        ['production', 'Production', 'BusinessCentral'],
        ['sandbox', 'Sandbox', 'Business Central'],
        ['partner-app', 'Production', 'PartnerApp'],
      ],
    );
    for (const e of envs.slice(0, 2)) {
      assert.equal(e.aadTenantId, DEMO.tenantId);
      assert.equal(e.countryCode, 'US');
      assert.ok(e.webServiceUrl.startsWith(emu.url));
    }
  });

  it('gets one company; a malformed key is 400 and an unknown one 404 BadRequest_NotFound', async () => {
    const r = await call(cronus);
    assert.equal(r.status, 200);
    assert.equal(r.json.name, 'CRONUS USA, Inc.');
    assert.equal(r.json['@odata.context'], `${base}/$metadata#companies/$entity`);
    const bad = await call(`${base}/companies(not-a-guid)`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'BadRequest_InvalidToken');
    assert.match(bad.json.error.message, CORRELATION_RE);
    const quoted = await call(`${base}/companies('${DEMO.cronusId}')`);
    assert.equal(quoted.status, 400);
    const missing = await call(`${base}/companies(99999999-9999-4999-8999-999999999999)`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'BadRequest_NotFound');
    assert.match(missing.json.error.message, CORRELATION_RE);
  });

  it('lists customers with the fields of the notes and an etag each', async () => {
    const r = await call(`${cronus}/customers`);
    assert.equal(r.status, 200);
    assert.equal(r.json['@odata.context'], `${base}/$metadata#companies(${DEMO.cronusId})/customers`);
    const first = r.json.value[0];
    for (const k of ['id', 'number', 'displayName', 'type', 'addressLine1', 'addressLine2', 'city', 'state', 'country', 'postalCode', 'phoneNumber', 'email', 'website', 'blocked', 'balanceDue', 'lastModifiedDateTime']) {
      assert.ok(k in first, k);
    }
    assert.equal(first.number, '10000');
    assert.match(first['@odata.etag'], /^W\/"/);
    const numbers = r.json.value.map((c: { number: string }) => c.number);
    assert.deepEqual(numbers, [...numbers].sort());
    assert.ok(r.json.value.some((c: { displayName: string }) => c.displayName === "O'Brien & Sons"));
    assert.deepEqual(new Set(r.json.value.map((c: { blocked: string }) => c.blocked)), new Set([' ', 'Ship', 'All', 'Invoice']), 'not blocked is one space');
    assert.equal(r.json['@odata.nextLink'], undefined);
  });

  it('gets one customer; unknown is 404 BadRequest_NotFound; bad key 400', async () => {
    const r = await call(`${cronus}/customers(${adatum})`);
    assert.equal(r.status, 200);
    assert.equal(r.json.displayName, 'Adatum Corporation');
    assert.equal(r.json['@odata.context'], `${base}/$metadata#companies(${DEMO.cronusId})/customers/$entity`);
    const upper = await call(`${cronus}/customers(${adatum.toUpperCase()})`);
    assert.equal(upper.status, 200);
    const missing = await call(`${cronus}/customers(99999999-9999-4999-8999-999999999999)`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'BadRequest_NotFound');
    const bad = await call(`${cronus}/customers(10000)`);
    assert.equal(bad.status, 400);
    const otherCompany = await call(`${base}/companies(${DEMO.myCompanyId})/customers(${adatum})`);
    assert.equal(otherCompany.status, 404);
  });

  it('supports $select, $orderby, $top, $skip, $count, $expand=picture and /$count', async () => {
    const r = await call(`${cronus}/customers?$select=number,displayName&$orderby=displayName desc&$top=3&$skip=1&$count=true`);
    assert.equal(r.status, 200);
    assert.equal(r.json['@odata.count'], 10);
    assert.deepEqual(Object.keys(r.json.value[0]), ['@odata.etag', 'number', 'displayName']);
    assert.deepEqual(r.json.value.map((c: { displayName: string }) => c.displayName), ['Trey Research', 'School of Fine Art', 'Relecloud']);
    const e = await call(`${cronus}/customers?$expand=picture&$select=number&$filter=number eq '10000' or number eq '20000'`);
    assert.equal(e.status, 200);
    assert.deepEqual(e.json.value.map((c: { number: string; picture: { width: number } }) => [c.number, c.picture.width]), [['10000', 64], ['20000', 0]]);
    assert.match(e.json.value[0].picture['@odata.etag'], /^W\//);
    const one = await call(`${cronus}/customers(${fineArt})?$expand=picture`);
    assert.equal(one.json.picture.contentType, 'image/jpeg');
    const count = await call(`${cronus}/customers/$count?$filter=blocked ne ' '`);
    assert.equal(count.status, 200);
    assert.equal(count.text, '3');
    for (const q of ['$select=nope', '$orderby=nope', '$expand=contacts', '$top=-1', '$skip=x', '$count=yes', '$search=x', '$apply=groupby((city))', '$top=1&$top=2', '$filter=']) {
      const bad = await call(`${cronus}/customers?${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(typeof bad.json.error.code, 'string', q);
      assert.match(bad.json.error.message, CORRELATION_RE, q);
    }
  });

  it('reads a picture: id = customer id, size and type derived, media links, raw bytes', async () => {
    const r = await call(picture(adatum));
    assert.equal(r.status, 200);
    assert.equal(r.json.id, adatum);
    assert.equal(r.json.parentType, 'Customer');
    assert.deepEqual([r.json.width, r.json.height, r.json.contentType], [64, 48, 'image/png']);
    assert.equal(r.json['pictureContent@odata.mediaReadLink'], `${picture(adatum)}/pictureContent`);
    assert.equal(r.json['pictureContent@odata.mediaEditLink'], `${picture(adatum)}/pictureContent`);
    assert.match(r.json['@odata.etag'], /^W\/"/);
    const bytes = await call(r.json['pictureContent@odata.mediaReadLink']);
    assert.equal(bytes.status, 200);
    assert.equal(bytes.headers['content-type'], 'image/png');
    assert.ok(bytes.bytes.equals(emu.data.company(DEMO.cronusId)!.customers.picture(adatum).bytes!));
  });

  it('answers a customer without a picture with width 0, height 0, contentType "" and 204 for the content', async () => {
    const r = await call(picture(trey));
    assert.equal(r.status, 200);
    assert.deepEqual([r.json.id, r.json.width, r.json.height, r.json.contentType], [trey, 0, 0, '']);
    const c = await call(`${picture(trey)}/pictureContent`);
    assert.equal(c.status, 204);
    assert.equal(c.bytes.length, 0);
  });

  it('PATCH pictureContent with If-Match: * stores exactly the bytes, derives size/type, changes the etag; 204', async () => {
    const before = (await call(picture(trey))).json['@odata.etag'];
    const customerBefore = (await call(`${cronus}/customers(${trey})`)).json['@odata.etag'];
    const png = makePng(120, 80, 3);
    const r = await call(`${picture(trey)}/pictureContent`, { method: 'PATCH', headers: { 'content-type': 'application/octet-stream', 'if-match': '*' }, body: png });
    assert.equal(r.status, 204);
    assert.equal(r.bytes.length, 0);
    const after = await call(picture(trey));
    assert.deepEqual([after.json.width, after.json.height, after.json.contentType], [120, 80, 'image/png']);
    assert.notEqual(after.json['@odata.etag'], before);
    assert.notEqual((await call(`${cronus}/customers(${trey})`)).json['@odata.etag'], customerBefore);
    const back = await call(`${picture(trey)}/pictureContent`);
    assert.ok(back.bytes.equals(png));
    const gif = await call(`${picture(trey)}/pictureContent`, { method: 'PATCH', headers: { 'if-match': after.json['@odata.etag'] }, body: SAMPLE_GIF });
    assert.equal(gif.status, 204);
    const g = await call(picture(trey));
    assert.deepEqual([g.json.width, g.json.height, g.json.contentType], [4, 4, 'image/gif']);
    const jpeg = await call(`${picture(trey)}/pictureContent`, { method: 'PATCH', headers: { 'if-match': '*' }, body: SAMPLE_JPEG });
    assert.equal(jpeg.status, 204);
    const j = await call(picture(trey));
    assert.deepEqual([j.json.width, j.json.height, j.json.contentType], [16, 12, 'image/jpeg']);
  });

  it('PATCH without If-Match is 400 BadRequest_InvalidToken; a stale etag 409 Request_EntityChanged; picture unchanged', async () => {
    const url = `${picture(adatum)}/pictureContent`;
    const stale = (await call(picture(adatum))).json['@odata.etag'];
    const none = await call(url, { method: 'PATCH', body: makePng(2, 2) });
    assert.equal(none.status, 400);
    assert.equal(none.json.error.code, 'BadRequest_InvalidToken');
    assert.match(none.json.error.message, /^Could not validate the client concurrency token/);
    assert.match(none.json.error.message, CORRELATION_RE);
    assert.equal((await call(url, { method: 'PATCH', headers: { 'if-match': stale }, body: makePng(3, 3) })).status, 204);
    const conflict = await call(url, { method: 'PATCH', headers: { 'if-match': stale }, body: makePng(4, 4) });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.error.code, 'Request_EntityChanged');
    assert.equal((await call(picture(adatum))).json.width, 3);
  });

  it('refuses non-images and unsupported formats with 400, keeping the old picture', async () => {
    const url = `${picture(adatum)}/pictureContent`;
    const cases: Array<[string, Buffer]> = [
      ['text', Buffer.from('hello, this is not an image')],
      ['empty', Buffer.alloc(0)],
      ['svg', Buffer.from('<svg width="10" height="10"></svg>')],
      ['webp', Buffer.from('UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=', 'base64')],
    ];
    for (const [name, body] of cases) {
      const r = await call(url, { method: 'PATCH', headers: { 'if-match': '*' }, body });
      assert.equal(r.status, 400, name);
      assert.equal(r.json.error.code, 'Application_DialogException', name);
      assert.match(r.json.error.message, /JPEG, PNG, GIF, BMP or TIFF/, name);
    }
    assert.equal((await call(picture(adatum))).json.width, 64);
  });

  it('DELETE picture needs If-Match; afterwards width 0 and a new etag', async () => {
    const none = await call(picture(adatum), { method: 'DELETE' });
    assert.equal(none.status, 400);
    assert.equal(none.json.error.code, 'BadRequest_InvalidToken');
    const stale = await call(picture(adatum), { method: 'DELETE', headers: { 'if-match': 'W/"JzE5OzE7Jw=="' } });
    assert.equal(stale.status, 409);
    const etag = (await call(picture(adatum))).json['@odata.etag'];
    const ok = await call(picture(adatum), { method: 'DELETE', headers: { 'if-match': etag } });
    assert.equal(ok.status, 204);
    const after = await call(picture(adatum));
    assert.deepEqual([after.json.width, after.json.height, after.json.contentType], [0, 0, '']);
    assert.notEqual(after.json['@odata.etag'], etag);
  });

  it('POST to a picture is 405 BadRequest_MethodNotAllowed; picture has no key; other methods refused', async () => {
    const post = await call(picture(adatum), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.json.error.code, 'BadRequest_MethodNotAllowed');
    assert.match(post.json.error.message, /'POST' requests for 'picture'/);
    const keyed = await call(`${cronus}/customers(${adatum})/picture(${adatum})`);
    assert.equal(keyed.status, 400);
    const put = await call(`${picture(adatum)}/pictureContent`, { method: 'PUT', headers: { 'if-match': '*' }, body: makePng(2, 2) });
    assert.equal(put.status, 405);
    const delCustomer = await call(`${cronus}/customers(${adatum})`, { method: 'DELETE', headers: { 'if-match': '*' } });
    assert.equal(delCustomer.status, 405);
    const unknown = await call(`${cronus}/vendors`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'BadRequest_NotFound');
  });

  it('records every request: redacted Authorization, body size and sha256, status, times', async () => {
    emu.clearRequests();
    const png = makePng(10, 10);
    await call(`${picture(trey)}/pictureContent`, { method: 'PATCH', headers: { 'if-match': '*' }, body: png });
    await call(`${base}/companies?$top=1`);
    assert.equal(emu.requests.length, 2);
    const [patch, list] = emu.requests;
    assert.equal(patch.method, 'PATCH');
    assert.equal(patch.path, `/v2.0/production/api/v2.0/companies(${DEMO.cronusId})/customers(${trey})/picture/pictureContent`);
    assert.equal(patch.headers.authorization, 'Bearer <redacted>');
    assert.equal(patch.headers['if-match'], '*');
    assert.equal(patch.bodySize, png.length);
    assert.equal(patch.bodySha256, createHash('sha256').update(png).digest('hex'));
    assert.equal(patch.status, 204);
    assert.equal(patch.user, 'alice@cronus.test');
    assert.ok(patch.endedAt! >= patch.startedAt);
    assert.equal(list.url, '/v2.0/production/api/v2.0/companies?$top=1');
    assert.deepEqual(list.query, { $top: '1' });
    assert.ok(!JSON.stringify(emu.requests).includes('bc-token-0123456789'));
  });

  it('413 for a body over the limit, by Content-Length and while streaming', async () => {
    await emu.close();
    emu = await start({ maxBodyBytes: 1000 });
    cronus = `${emu.bcBaseUrl()}/companies(${DEMO.cronusId})`;
    const url = `${cronus}/customers(${trey})/picture/pictureContent`;
    const big = await call(url, { method: 'PATCH', headers: { 'if-match': '*' }, body: Buffer.alloc(2000) });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 'Request_EntityTooLarge');
    const png = makePng(40, 40);
    async function* chunks(): AsyncIterable<Buffer> {
      yield png.subarray(0, 100);
      yield Buffer.alloc(1500);
    }
    const streamed = await call(url, { method: 'PATCH', headers: { 'if-match': '*' }, body: Readable.from(chunks()) });
    assert.equal(streamed.status, 413);
    assert.equal(emu.data.company(DEMO.cronusId)!.customers.picture(trey).width, 0);
  });

  it('keeps the old picture when the client aborts the body midway', async () => {
    const url = `${picture(adatum)}/pictureContent`;
    const before = emu.data.company(DEMO.cronusId)!.customers.picture(adatum);
    const png = makePng(300, 300, 9);
    const controller = new AbortController();
    async function* slow(): AsyncIterable<Buffer> {
      yield png.subarray(0, 1000);
      await new Promise((r) => setTimeout(r, 100));
      controller.abort();
      yield png.subarray(1000);
    }
    await assert.rejects(call(url, { method: 'PATCH', headers: { 'if-match': '*', 'content-length': String(png.length) }, body: Readable.from(slow()), signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 100));
    const rec = emu.requests[emu.requests.length - 1];
    assert.equal(rec.aborted, true);
    assert.equal(rec.status, 0);
    assert.equal(emu.data.company(DEMO.cronusId)!.customers.picture(adatum), before);
  });

  it('takes a 100 MB upload and stores exactly those bytes', async function () {
    this.timeout(30_000);
    const size = 100 * 1024 * 1024;
    const body = Buffer.alloc(size, 7);
    makePng(1000, 700).copy(body);
    const r = await call(`${picture(trey)}/pictureContent`, { method: 'PATCH', headers: { 'if-match': '*' }, body });
    assert.equal(r.status, 204);
    const stored = emu.data.company(DEMO.cronusId)!.customers.picture(trey);
    assert.equal(stored.bytes!.length, size);
    assert.ok(stored.bytes!.equals(body));
    assert.deepEqual([stored.width, stored.height], [1000, 700]);
  });
});
