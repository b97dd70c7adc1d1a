import * as assert from 'node:assert/strict';
import { CUSTOMER_PROPERTIES, DEMO, type Emulator, TenantData } from '../../emulator';
import { CUSTOMER_MAX_LENGTHS } from '../../emulator/data';
import { ServiceError } from '../../emulator/errors';
import { parseFilter, tokenize, type FilterContext } from '../../emulator/filter';
import { call, CORRELATION_RE, start } from './helpers';

const customers = new TenantData().company(DEMO.cronusId)!.customers.all();

const V21: FilterContext = { serverVersion: 'current', schemaVersion: '2.1', maxLengths: CUSTOMER_MAX_LENGTHS };
const V20: FilterContext = { serverVersion: 'current', schemaVersion: '2.0', maxLengths: CUSTOMER_MAX_LENGTHS };
const OLD: FilterContext = { serverVersion: 'old', schemaVersion: '2.0', maxLengths: CUSTOMER_MAX_LENGTHS };

function numbers(filter: string, server: FilterContext = V21): string[] {
  const f = parseFilter(filter, CUSTOMER_PROPERTIES, 'Microsoft.NAV.customer', server);
  return customers.filter(f).map((c) => c.number);
}

/** The filter is refused with exactly this status, code and message (the server adds the CorrelationId). */
function refusedAs(filter: string, server: FilterContext, status: number, code: string, message: string): void {
  assert.throws(
    () => parseFilter(filter, CUSTOMER_PROPERTIES, 'Microsoft.NAV.customer', server),
    (e: unknown) => {
      assert.ok(e instanceof ServiceError, `${filter}: ${String(e)}`);
      assert.deepEqual([e.status, e.code, e.message], [status, code, message], filter);
      return true;
    },
    filter,
  );
}

function refused(filter: string, message?: RegExp): void {
  assert.throws(
    () => parseFilter(filter, CUSTOMER_PROPERTIES, 'Microsoft.NAV.customer', V21),
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

  it('handles quoted strings with doubled quotes, and/or and parentheses with the right precedence', () => {
    assert.deepEqual(numbers("displayName eq 'O''Brien & Sons'"), ['60000']);
    assert.deepEqual(numbers("city eq 'Atlanta' and blocked eq ' '"), ['10000', '40000', '95000']);
    assert.deepEqual(numbers("city eq 'Atlanta' and (blocked eq 'All' or blocked eq ' ')"), ['10000', '40000', '95000']);
    assert.deepEqual(numbers("number eq '10000' or number eq '30000' or number eq 'nope'"), ['10000', '30000']);
    assert.deepEqual(numbers("blocked ne ' '"), ['70000', '80000', '90000']);
  });

  it('refuses an `or` across two fields with 501, on every version (Known limitations with Business Central OData)', () => {
    const message = "The 'OR' operator is not supported on distinct fields on an OData filter.";
    for (const server of [V20, V21, OLD]) {
      refusedAs("contains(number,'X') or contains(displayName,'x')", server, 501, 'BadRequest_MethodNotImplemented', message);
      refusedAs("(number eq '1' and city eq 'X') or number eq '2'", server, 501, 'BadRequest_MethodNotImplemented', message);
      refusedAs("city eq 'Atlanta' and blocked eq ' ' or number eq '80000'", server, 501, 'BadRequest_MethodNotImplemented', message);
    }
    assert.deepEqual(numbers("contains(displayName,'Trey') or contains(displayName,'trey')", V20), ['20000']);
  });

  it('refuses `not` with 501', () => {
    for (const server of [V20, V21, OLD]) {
      refusedAs("not (city eq 'Atlanta')", server, 501, 'BadRequest_MethodNotImplemented', 'The OData filter expression is not supported.');
    }
  });

  it('supports startswith, endswith, contains, tolower, toupper, case-sensitive unless folded', () => {
    assert.deepEqual(numbers("startswith(displayName,'A')"), ['10000', '40000']);
    assert.deepEqual(numbers("endswith(displayName,'Inc.')"), ['70000']);
    assert.deepEqual(numbers("contains(displayName,'''')"), ['60000']);
    assert.deepEqual(numbers("contains(displayName,'research')", V20), []);
    assert.deepEqual(numbers("displayName eq 'trey research'", V20), []);
    assert.deepEqual(numbers("toupper(city) eq 'CHICAGO'", V20), ['20000', '50000']);
    assert.deepEqual(numbers("contains(tolower(displayName),'research')", V21), ['20000']);
    assert.deepEqual(numbers("startswith(tolower(email), 'sean')", V21), ['60000']);
  });

  it('refuses a nested function call without $schemaversion=2.1 (Nested function calls)', () => {
    for (const server of [V20, OLD]) {
      refusedAs(
        "contains(tolower(displayName),'research')",
        server,
        400,
        'BadRequest',
        "The function 'contains' has a function call as an argument: nested function calls in $filter are supported only with $schemaversion=2.1.",
      );
    }
  });

  it('supports in (...) with $schemaversion=2.1 only: 501 without it, and an older server ignores it', () => {
    assert.deepEqual(numbers("number in ('10000', '30000','nope')"), ['10000', '30000']);
    assert.deepEqual(numbers("blocked in ('Ship','All')"), ['70000', '80000']);
    assert.deepEqual(numbers(`id in (${DEMO.customer(20000)})`), ['20000']);
    refusedAs("number in ('10000')", V20, 501, 'BadRequest_MethodNotImplemented', 'The OData filter expression is not supported.');
    assert.deepEqual(numbers("number in ('10000', '30000')", OLD), customers.map((c) => c.number), 'the whole table');
  });

  it('refuses a number literal longer than its Code[20] field with 400 Application_FilterErrorException', () => {
    const long = 'C000011-A-NAME-TOO-LONG';
    const message = `The length of the string is ${long.length}, but it must be less than or equal to 20 characters. Value: ${long}`;
    for (const filter of [`number eq '${long}'`, `number eq '10000' or number eq '${long}'`, `contains(number,'${long}')`, `number in ('10000','${long}')`]) {
      refusedAs(filter, V21, 400, 'Application_FilterErrorException', message);
    }
    assert.deepEqual(numbers(`number eq '${'9'.repeat(20)}'`), []);
    assert.deepEqual(numbers(`contains(displayName,'${long}')`), [], 'a name is no Code field');
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
