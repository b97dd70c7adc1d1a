import * as assert from 'node:assert/strict';
import { CUSTOMER_PROPERTIES, DEMO, Emulator, TenantData } from '../../emulator';
import { ServiceError } from '../../emulator/errors';
import { parseFilter, tokenize } from '../../emulator/odata';
import { call, CORRELATION_RE, start } from './helpers';

const customers = new TenantData().company(DEMO.cronusId)!.customers.all();

function numbers(filter: string): string[] {
  const f = parseFilter(filter, CUSTOMER_PROPERTIES, 'Microsoft.NAV.customer');
  return customers.filter(f).map((c) => c.number);
}

function refused(filter: string, message?: RegExp): void {
  assert.throws(
    () => parseFilter(filter, CUSTOMER_PROPERTIES, 'Microsoft.NAV.customer'),
    (e: unknown) => {
      assert.ok(e instanceof ServiceError, `${filter}: ${String(e)}`);
      assert.equal(e.status, 400, filter);
      if (message) {
        assert.match(e.message, message, filter);
      }
      return true;
    },
    filter,
  );
}

describe('emulator: $filter parser and evaluator', () => {
  it('tokenizes strings with doubled quotes, GUIDs, dates, numbers', () => {
    const t = tokenize("displayName eq 'O''Brien & Sons' and id ne 5F0B3A4C-1111-4222-8333-444455556666 and balanceDue ge -1.5 and lastModifiedDateTime lt 2025-01-01T00:00:00Z");
    assert.deepEqual(
      t.filter((x) => x.t !== 'id' && x.t !== 'end').map((x) => [x.t, (x as { v: unknown }).v]),
      [['str', "O'Brien & Sons"], ['guid', '5f0b3a4c-1111-4222-8333-444455556666'], ['num', -1.5], ['date', '2025-01-01T00:00:00Z']],
    );
  });

  it('compares with eq ne gt ge lt le', () => {
    assert.deepEqual(numbers("number eq '20000'"), ['20000']);
    assert.equal(numbers("number ne '20000'").length, 9);
    assert.deepEqual(numbers("number gt '80000'"), ['90000', '95000']);
    assert.deepEqual(numbers("number ge '90000'"), ['90000', '95000']);
    assert.deepEqual(numbers("number lt '20000'"), ['10000']);
    assert.deepEqual(numbers("number le '20000'"), ['10000', '20000']);
    assert.deepEqual(numbers('balanceDue gt 10000'), ['10000', '90000']);
    assert.deepEqual(numbers('balanceDue eq 999.99'), ['40000']);
    assert.deepEqual(numbers(`id eq ${DEMO.customer(30000).toUpperCase()}`), ['30000']);
    assert.deepEqual(numbers('lastModifiedDateTime lt 2025-01-15T09:31:00Z'), ['10000']);
    assert.deepEqual(numbers('lastModifiedDateTime lt 2025-01-16'), numbers("number ne ''"));
    assert.deepEqual(numbers('taxLiable eq true and balanceDue eq 250'), ['60000']);
  });

  it('handles quoted strings with doubled quotes, and/or/not and parentheses with the right precedence', () => {
    assert.deepEqual(numbers("displayName eq 'O''Brien & Sons'"), ['60000']);
    assert.deepEqual(numbers("city eq 'Atlanta' and blocked eq '' or number eq '80000'"), ['10000', '40000', '80000', '95000']);
    assert.deepEqual(numbers("city eq 'Atlanta' and (blocked eq 'All' or number eq '10000')"), ['10000']);
    assert.deepEqual(numbers("not (city eq 'Atlanta') and not startswith(number,'9')"), ['20000', '30000', '50000', '60000', '70000', '80000']);
    assert.deepEqual(numbers("not blocked eq ''"), ['70000', '80000', '90000']);
  });

  it('supports startswith, endswith, contains, tolower, toupper (case-sensitive unless folded)', () => {
    assert.deepEqual(numbers("startswith(displayName,'A')"), ['10000', '40000']);
    assert.deepEqual(numbers("endswith(displayName,'Inc.')"), ['70000']);
    assert.deepEqual(numbers("contains(displayName,'''')"), ['60000']);
    assert.deepEqual(numbers("contains(displayName,'research')"), []);
    assert.deepEqual(numbers("contains(tolower(displayName),'research')"), ['20000']);
    assert.deepEqual(numbers("toupper(city) eq 'CHICAGO'"), ['20000', '50000']);
    assert.deepEqual(numbers("startswith(tolower(email), 'sean')"), ['60000']);
  });

  it('supports in (...)', () => {
    assert.deepEqual(numbers("number in ('10000', '30000','nope')"), ['10000', '30000']);
    assert.deepEqual(numbers("blocked in ('Ship','All')"), ['70000', '80000']);
    assert.deepEqual(numbers(`id in (${DEMO.customer(20000)})`), ['20000']);
  });

  it('refuses what it does not understand with a 400', () => {
    refused('', /must not be empty/);
    refused("displayName eq 'unterminated", /unterminated string literal/);
    refused('nope eq 1', /Could not find a property named 'nope' on type 'Microsoft.NAV.customer'/);
    refused('number eq 10000', /incompatible types.*'Edm.String' and 'Edm.Decimal'.*'Equal'/);
    refused(`id eq '${DEMO.customer(10000)}'`, /incompatible types/);
    refused("displayName eq", /Syntax error/);
    refused("displayName eq 'a' and", /Syntax error/);
    refused("(displayName eq 'a'", /Syntax error/);
    refused("displayName eq 'a')", /Syntax error/);
    refused("displayName eq 'a' xor city eq 'b'", /Syntax error/);
    refused("displayName", /must be of type 'Edm.Boolean'/);
    refused("displayName eq 'a' and city", /Edm.Boolean/);
    refused("length(displayName) gt 3", /unknown function/);
    refused("substringof('a', displayName)", /unknown function/);
    refused("contains(displayName)", /No function signature/);
    refused("contains(balanceDue, 'x')", /No function signature/);
    refused("tolower(balanceDue) eq 'x'", /No function signature/);
    refused("number in ()", /Syntax error/);
    refused("number in (city)", /Syntax error/);
    refused("displayName eq \"double\"", /Syntax error/);
    refused("displayName eq 'a' && city eq 'b'", /Syntax error/);
    refused("taxLiable gt true", /incompatible types/);
    refused("number eq 'a' eq 'b'", /Syntax error/);
    refused("any(x: x eq 1)", /Syntax error|unknown function/);
  });

  describe('over HTTP', () => {
    let emu: Emulator;
    before(async () => {
      emu = await start();
    });
    after(() => emu.close());

    it('filters over HTTP with percent-encoding, and answers a malformed filter with the service error shape', async () => {
      const base = `${emu.bcBaseUrl()}/companies(${DEMO.cronusId})/customers`;
      const ok = await call(`${base}?$filter=${encodeURIComponent("displayName eq 'O''Brien & Sons'")}`);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json.value.map((c: { number: string }) => c.number), ['60000']);
      const bad = await call(`${base}?$filter=${encodeURIComponent('displayName eq')}`);
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, 'BadRequest');
      assert.match(bad.json.error.message, CORRELATION_RE);
      const unknownFn = await call(`${base}?$filter=${encodeURIComponent("substring(displayName,1) eq 'x'")}`);
      assert.equal(unknownFn.status, 400);
    });
  });
});
