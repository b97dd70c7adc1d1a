/**
 * The rules of README.md "How strict, and why", over HTTP: exact status, code
 * and message as a client sees them (the message ends with the CorrelationId).
 */
import * as assert from 'node:assert/strict';
import { DEMO, type Emulator } from '../../emulator';
import { type Answer, call, CORRELATION_RE, GRAPH_TOKEN, start } from './helpers';

const NOT_SUPPORTED = 'The OData filter expression is not supported.';
const OR_FIELDS = "The 'OR' operator is not supported on distinct fields on an OData filter.";
const NESTED = "The function 'contains' has a function call as an argument: nested function calls in $filter are supported only with $schemaversion=2.1.";

/** The answer is an error with exactly this status, code and message (plus `  CorrelationId:  <guid>.`). */
function refusedWith(r: Answer, status: number, code: string, message: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code);
  const id = String(r.headers['ms-correlation-x']);
  assert.equal(r.json.error.message, `${message}  CorrelationId:  ${id}.`);
}

function numbers(r: Answer): string[] {
  assert.equal(r.status, 200, r.text);
  return r.json.value.map((c: { number: string }) => c.number);
}

describe('emulator: as strict as Business Central', () => {
  let emu: Emulator;
  let customers: string;
  const q = (filter: string, extra = '') => call(`${customers}?$filter=${encodeURIComponent(filter)}${extra}`);

  beforeEach(async () => {
    emu = await start();
    customers = `${emu.bcBaseUrl()}/companies(${DEMO.cronusId})/customers`;
  });
  afterEach(() => emu.close());

  it('1. refuses an `or` across two fields with 501 BadRequest_MethodNotImplemented; same-field `or` and `and` work', async () => {
    refusedWith(await q("contains(number,'x') or contains(displayName,'x')"), 501, 'BadRequest_MethodNotImplemented', OR_FIELDS);
    refusedWith(await q("(number eq '1' and city eq 'X') or number eq '2'"), 501, 'BadRequest_MethodNotImplemented', OR_FIELDS);
    refusedWith(await q("number eq '1' or city eq 'Atlanta'", '&$schemaversion=2.1'), 501, 'BadRequest_MethodNotImplemented', OR_FIELDS);
    assert.deepEqual(numbers(await q("number eq '10000' or number eq '20000'")), ['10000', '20000']);
    assert.deepEqual(numbers(await q("contains(displayName,'Trey') or contains(displayName,'trey')")), ['20000']);
    assert.deepEqual(numbers(await q("city eq 'Atlanta' and startswith(number,'9')")), ['95000']);
  });

  it('2. refuses `not` with 501', async () => {
    refusedWith(await q("not (city eq 'Atlanta')"), 501, 'BadRequest_MethodNotImplemented', NOT_SUPPORTED);
    refusedWith(await q("not startswith(number,'1')", '&$schemaversion=2.1'), 501, 'BadRequest_MethodNotImplemented', NOT_SUPPORTED);
  });

  it('3. refuses a nested function call with 400 unless $schemaversion=2.1, where tolower applies', async () => {
    refusedWith(await q("contains(tolower(displayName),'research')"), 400, 'BadRequest', NESTED);
    refusedWith(await q("contains(tolower(displayName),'research')", '&$schemaversion=2.0'), 400, 'BadRequest', NESTED);
    assert.deepEqual(numbers(await q("contains(tolower(displayName),'research')", '&$schemaversion=2.1')), ['20000']);
    assert.deepEqual(numbers(await q("contains(displayName,'ad')")), [], 'case-sensitive without tolower');
    assert.deepEqual(numbers(await q("contains(tolower(displayName),'ad')", '&$schemaversion=2.1')), ['10000'], 'Adatum, matched case-insensitively');
    assert.deepEqual(numbers(await q("tolower(displayName) eq 'trey research'")), ['20000'], 'un-nested works without 2.1');
  });

  it('4. refuses `in` with 501 unless $schemaversion=2.1', async () => {
    refusedWith(await q("number in ('10000','30000')"), 501, 'BadRequest_MethodNotImplemented', NOT_SUPPORTED);
    assert.deepEqual(numbers(await q("number in ('10000','30000')", '&$schemaversion=2.1')), ['10000', '30000']);
  });

  it('5. refuses an unknown $schemaversion with 400 naming it', async () => {
    for (const v of ['3.0', '2.2', 'latest', '']) {
      refusedWith(await call(`${customers}?$schemaversion=${v}`), 400, 'BadRequest', `The schema version '${v}' is not supported.`);
    }
    for (const v of ['1.0', '2.0', '2.1']) {
      assert.equal((await call(`${customers}?$schemaversion=${v}`)).status, 200, v);
    }
  });

  it('6. compares case-sensitively (eq, contains, startswith, endswith)', async () => {
    assert.deepEqual(numbers(await q("displayName eq 'trey research'")), []);
    assert.deepEqual(numbers(await q("displayName eq 'Trey Research'")), ['20000']);
    assert.deepEqual(numbers(await q("contains(displayName,'RESEARCH')")), []);
    assert.deepEqual(numbers(await q("startswith(displayName,'trey')")), []);
    assert.deepEqual(numbers(await q("endswith(displayName,'research')")), []);
    assert.deepEqual(numbers(await q("endswith(displayName,'Research')")), ['20000']);
  });

  it('7. refuses a number literal over Code[20] with 400 Application_FilterErrorException, failing the whole request', async () => {
    const long = 'C0000000000000000000XY'; // 22 characters
    const message = `The length of the string is 22, but it must be less than or equal to 20 characters. Value: ${long}`;
    for (const filter of [`number eq '${long}'`, `number ge '${long}'`, `number eq '10000' or number eq '${long}'`, `startswith(number,'${long}')`, `endswith(number,'${long}')`, `contains(number,'${long}')`]) {
      refusedWith(await q(filter), 400, 'Application_FilterErrorException', message);
    }
    refusedWith(await q(`number in ('10000','${long}')`, '&$schemaversion=2.1'), 400, 'Application_FilterErrorException', message);
    assert.deepEqual(numbers(await q(`number eq '${'1'.repeat(20)}'`)), []);
    assert.deepEqual(numbers(await q(`displayName eq '${long}'`)), [], 'displayName is no Code[20]');
  });

  it('8. answers a query string over 8,000 characters with 414 RequestUriTooLong', async () => {
    const query = (n: number) => {
      const head = `$filter=${encodeURIComponent("number eq '10000'").replace(/'/g, '%27')}&pad=`; // as sent: undici encodes ' too
      return head + 'x'.repeat(n - head.length);
    };
    assert.deepEqual(numbers(await call(`${customers}?${query(8000)}`)), ['10000']);
    refusedWith(await call(`${customers}?${query(8001)}`), 414, 'RequestUriTooLong', 'The request URI is too long: its query has 8001 characters, more than 8000.');
  });

  it('9. answers blocked " " (one space) for a customer that is not blocked', async () => {
    const r = await call(`${customers}?$select=number,blocked`);
    assert.deepEqual(
      r.json.value.map((c: { number: string; blocked: string }) => [c.number, c.blocked]).filter(([n]: string[]) => ['10000', '70000', '80000', '90000'].includes(n)),
      [['10000', ' '], ['70000', 'Ship'], ['80000', 'All'], ['90000', 'Invoice']],
    );
    assert.deepEqual(numbers(await q("blocked eq ''")), []);
  });

  it('10. shapes Graph customers with an address object: $select=city is a 400, $select=address works', async () => {
    const graph = `${emu.graphBaseUrl}/companies/${DEMO.cronusId}/customers`;
    const g = (query: string) => call(`${graph}?${query}`, { token: GRAPH_TOKEN });
    const one = await g(`$filter=${encodeURIComponent("number eq '10000'")}&$select=number,address`);
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.json.value[0].address, { street: '192 Market Square', city: 'Atlanta', state: 'GA', countryLetterCode: 'US', postalCode: '31772' });
    const city = await g('$select=city');
    assert.equal(city.status, 400);
    assert.equal(city.json.error.code, 'BadRequest');
    assert.match(city.json.error.message, /^Could not find a property named 'city' on type 'microsoft\.graph\.customer'\. {2}CorrelationId: {2}/);
    for (const query of [`$filter=${encodeURIComponent("city eq 'Atlanta'")}`, '$orderby=city', '$orderby=address', `$filter=${encodeURIComponent("address eq 'x'")}`]) {
      assert.equal((await g(query)).status, 400, query);
    }
    assert.equal((await call(`${customers}?$select=city`)).status, 200, 'API v2.0 keeps the flat fields');
  });

  it('13. sends ms-correlation-x on every answer, the same id as in the message and request-id', async () => {
    const ok = await call(customers);
    assert.match(String(ok.headers['ms-correlation-x']), /^[0-9a-f-]{36}$/);
    assert.equal(ok.headers['ms-correlation-x'], ok.headers['request-id']);
    const bad = await call(`${customers}?$top=x`);
    assert.match(bad.json.error.message, CORRELATION_RE);
    assert.ok(bad.json.error.message.endsWith(`.  CorrelationId:  ${String(bad.headers['ms-correlation-x'])}.`));
    const empty = await call(`${customers}(${DEMO.customer(20000)})/picture/pictureContent`);
    assert.equal(empty.status, 204);
    assert.ok(empty.headers['ms-correlation-x']);
    const environments = await call(emu.environmentsUrl);
    assert.ok(environments.headers['ms-correlation-x']);
  });

  it('14. lists environments with both spellings of Business Central and one of another family', async () => {
    const families = (await call(emu.environmentsUrl)).json.value.map((e: { applicationFamily: string }) => e.applicationFamily);
    assert.deepEqual(families, ['BusinessCentral', 'Business Central', 'PartnerApp']);
  });

  describe('15. an old server (serverVersion: old)', () => {
    it('ignores `in` silently (the whole table), refuses $schemaversion=2.1 and nested calls', async () => {
      await emu.close();
      emu = await start({ serverVersion: 'old' });
      customers = `${emu.bcBaseUrl()}/companies(${DEMO.cronusId})/customers`;
      assert.equal(emu.serverVersion, 'old');
      const all = numbers(await call(customers));
      assert.equal(all.length, 10);
      assert.deepEqual(numbers(await q("number in ('10000','30000')")), all);
      assert.deepEqual(numbers(await q("number in ('10000','30000') and city eq 'Atlanta'")), ['10000', '40000', '95000'], 'only the in is ignored');
      refusedWith(await q("number in ('10000')", '&$schemaversion=2.1'), 400, 'BadRequest', "The schema version '2.1' is not supported.");
      refusedWith(await call(`${customers}?$schemaversion=2.1`), 400, 'BadRequest', "The schema version '2.1' is not supported.");
      refusedWith(await q("contains(tolower(displayName),'research')"), 400, 'BadRequest', NESTED);
      refusedWith(await q("number eq '1' or city eq 'X'"), 501, 'BadRequest_MethodNotImplemented', OR_FIELDS);
      assert.deepEqual(numbers(await q("tolower(displayName) eq 'trey research'")), ['20000']);
    });

    it('can be switched on a running emulator', async () => {
      assert.equal(emu.serverVersion, 'current');
      emu.serverVersion = 'old';
      assert.equal(numbers(await q("number in ('10000')")).length, 10);
      emu.serverVersion = 'current';
      refusedWith(await q("number in ('10000')"), 501, 'BadRequest_MethodNotImplemented', NOT_SUPPORTED);
    });
  });
});
