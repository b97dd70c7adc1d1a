import * as assert from 'node:assert/strict';
import { DEMO, type Emulator, makePng, SAMPLE_JPEG } from '../../emulator';
import { call, CORRELATION_RE, GRAPH_TOKEN, start } from './helpers';

describe('emulator: Microsoft Graph beta financials', () => {
  let emu: Emulator;
  let customers: string;
  const trey = DEMO.customer(20000);
  const adatum = DEMO.customer(10000);
  const g = (url: string, o: Parameters<typeof call>[1] = {}) => call(url, { token: GRAPH_TOKEN, ...o });
  const json = { 'content-type': 'application/json' };

  beforeEach(async () => {
    emu = await start();
    customers = `${emu.graphBaseUrl}/companies/${DEMO.cronusId}/customers`;
  });
  afterEach(() => emu.close());

  it('lists companies (production only) and customers with path-segment keys', async () => {
    const c = await g(`${emu.graphBaseUrl}/companies`);
    assert.equal(c.status, 200);
    assert.deepEqual(c.json.value.map((x: { name: string }) => x.name), ['CRONUS USA, Inc.', 'My Company']);
    const list = await g(`${customers}?$filter=${encodeURIComponent("number eq '20000' or number eq '50000'")}&$select=number,address`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.value.map((x: { number: string; address: { city: string } }) => [x.number, x.address.city]), [['20000', 'Chicago'], ['50000', 'Chicago']]);
    const one = await g(`${customers}/${trey}`);
    assert.equal(one.json.displayName, 'Trey Research');
    // Graph's customer has an address object and no flat address fields.
    assert.deepEqual(Object.keys(one.json.address), ['street', 'city', 'state', 'countryLetterCode', 'postalCode']);
    for (const flat of ['city', 'addressLine1', 'postalCode', 'country']) assert.equal(one.json[flat], undefined, flat);
    const flatCity = await g(`${customers}?$select=city`);
    assert.equal(flatCity.status, 400);
    assert.match(flatCity.json.error.message, /^Could not find a property named 'city' on type 'microsoft\.graph\.customer'\./);
    const paren = await g(`${emu.graphBaseUrl}/companies(${DEMO.cronusId})/customers`);
    assert.ok(paren.status >= 400);
    const sandbox = await g(`${emu.graphBaseUrl}/companies/${DEMO.sandboxCronusId}`);
    assert.equal(sandbox.status, 404);
  });

  it('errors carry innerError with request-id and date', async () => {
    const r = await g(`${customers}/99999999-9999-4999-8999-999999999999`);
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, 'BadRequest_NotFound');
    assert.match(r.json.error.message, CORRELATION_RE);
    assert.match(r.json.error.innerError['request-id'], /^[0-9a-f-]{36}$/);
    assert.match(r.json.error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const bad = await g(`${customers}/nope`);
    assert.equal(bad.status, 400);
  });

  it('"Add picture": POST JSON with base64 content answers 201 with the picture; GET, content, PUT, DELETE', async () => {
    const png = makePng(50, 40, 2);
    const empty = await g(`${customers}/${trey}/picture`);
    assert.deepEqual(empty.json.value, []);
    const r = await g(`${customers}/${trey}/picture`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ '@odata.type': '#microsoft.graph.picture', width: 50, height: 40, contentType: 'image/png', content: png.toString('base64') }),
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual([r.json.id, r.json.width, r.json.height, r.json.contentType], [trey, 50, 40, 'image/png']);
    assert.equal(r.headers.location, `${customers}/${trey}/picture/${trey}`);
    const list = await g(`${customers}/${trey}/picture`);
    assert.equal(list.json.value.length, 1);
    const one = await g(`${customers}/${trey}/picture/${trey}`);
    assert.equal(one.json.width, 50);
    const content = await g(`${customers}/${trey}/picture/${trey}/content`);
    assert.ok(content.bytes.equals(png));
    assert.equal(content.headers['content-type'], 'image/png');
    const put = await g(`${customers}/${trey}/picture/${trey}/content`, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: SAMPLE_JPEG });
    assert.equal(put.status, 204);
    assert.equal(emu.data.company(DEMO.cronusId)!.customers.picture(trey).contentType, 'image/jpeg');
    const del = await g(`${customers}/${trey}/picture/${trey}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal((await g(`${customers}/${trey}/picture/${trey}`)).status, 404);
    assert.equal(emu.data.company(DEMO.cronusId)!.customers.picture(trey).width, 0);
  });

  it('validates the POST body', async () => {
    const url = `${customers}/${trey}/picture`;
    const png = makePng(8, 8).toString('base64');
    const cases: Array<[string, Record<string, string>, string]> = [
      ['not json', json, '{oops'],
      ['no content', json, JSON.stringify({ width: 8, height: 8 })],
      ['bad base64', json, JSON.stringify({ content: '!!notbase64!!' })],
      ['not an image', json, JSON.stringify({ content: Buffer.from('hello world').toString('base64') })],
      ['wrong width', json, JSON.stringify({ width: 9, height: 8, content: png })],
      ['wrong type', json, JSON.stringify({ contentType: 'image/jpeg', content: png })],
      ['wrong @odata.type', json, JSON.stringify({ '@odata.type': '#microsoft.graph.customer', content: png })],
      ['unknown property', json, JSON.stringify({ content: png, colour: 'red' })],
    ];
    for (const [name, headers, body] of cases) {
      const r = await g(url, { method: 'POST', headers, body });
      assert.equal(r.status, 400, `${name}: ${r.text}`);
      assert.ok(r.json.error.innerError, name);
    }
    const raw = await g(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: makePng(8, 8) });
    assert.equal(raw.status, 415);
    assert.equal(emu.data.company(DEMO.cronusId)!.customers.picture(trey).width, 0);
  });

  it('with graphPostRefused, refuses the POST the way Business Central does (405 BadRequest_MethodNotAllowed)', async () => {
    emu.graphPostRefused = true;
    const before = emu.data.company(DEMO.cronusId)!.customers.picture(adatum);
    const r = await g(`${customers}/${adatum}/picture`, { method: 'POST', headers: json, body: JSON.stringify({ content: makePng(8, 8).toString('base64') }) });
    assert.equal(r.status, 405);
    assert.equal(r.json.error.code, 'BadRequest_MethodNotAllowed');
    assert.match(r.json.error.message, /'POST' requests for 'picture'/);
    assert.equal(emu.data.company(DEMO.cronusId)!.customers.picture(adatum), before);
    // ...and the client's fallback, the Business Central byte upload, works.
    const patch = await call(`${emu.bcBaseUrl()}/companies(${DEMO.cronusId})/customers(${adatum})/picture/pictureContent`, { method: 'PATCH', headers: { 'if-match': '*' }, body: makePng(8, 8) });
    assert.equal(patch.status, 204);
  });

  it('the option graphPostRefused works at start too', async () => {
    await emu.close();
    emu = await start({ graphPostRefused: true });
    const r = await g(`${emu.graphBaseUrl}/companies/${DEMO.cronusId}/customers/${trey}/picture`, { method: 'POST', headers: json, body: '{}' });
    assert.equal(r.status, 405);
  });
});
