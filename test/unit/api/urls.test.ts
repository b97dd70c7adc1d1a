import * as assert from 'node:assert/strict';
import {
  loggableUrl,
  buildBaseUrl,
  buildQuery,
  checkId,
  isLoopbackHost,
  isSameOrigin,
  looksLikeCustomerNumber,
  looksLikeNumberOrId,
  matchesSearch,
  nameSearchFilter,
  nameSpellings,
  normalizeCustomerNumber,
  numberEqFilter,
  numberSearchFilter,
  odataString,
} from '../../../src/api/urls';
import { ServiceError } from '../../../src/api/errors';

describe('api/urls', () => {
  describe('buildBaseUrl', () => {
    it('builds the online Business Central URL, with and without tenant', () => {
      assert.equal(buildBaseUrl({ api: 'businessCentral', environment: 'production' }), 'https://api.businesscentral.dynamics.com/v2.0/production/api/v2.0');
      assert.equal(
        buildBaseUrl({ api: 'businessCentral', environment: 'Sandbox-1', tenant: 'contoso.onmicrosoft.com' }),
        'https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/Sandbox-1/api/v2.0',
      );
      assert.equal(
        buildBaseUrl({ api: 'businessCentral', environment: 'production', tenant: ' 11111111-2222-3333-4444-555555555555 ', serviceUrl: '' }),
        'https://api.businesscentral.dynamics.com/v2.0/11111111-2222-3333-4444-555555555555/production/api/v2.0',
      );
    });

    it('uses an on-premises API root as is', () => {
      assert.equal(
        buildBaseUrl({ api: 'businessCentral', environment: 'production', serviceUrl: 'https://bc.contoso.local:7048/BC250/api/v2.0/' }),
        'https://bc.contoso.local:7048/BC250/api/v2.0',
      );
    });

    it('builds emulator-shaped URLs from an origin, for both APIs', () => {
      assert.equal(buildBaseUrl({ api: 'businessCentral', environment: 'production', serviceUrl: 'http://127.0.0.1:4567' }), 'http://127.0.0.1:4567/v2.0/production/api/v2.0');
      assert.equal(
        buildBaseUrl({ api: 'businessCentral', environment: 'sandbox', tenant: 'contoso.com', serviceUrl: 'http://localhost:4567/' }),
        'http://localhost:4567/v2.0/contoso.com/sandbox/api/v2.0',
      );
      assert.equal(buildBaseUrl({ api: 'graph', environment: 'production' }), 'https://graph.microsoft.com/beta/financials');
      assert.equal(buildBaseUrl({ api: 'graph', environment: 'production', serviceUrl: 'http://[::1]:9000' }), 'http://[::1]:9000/beta/financials');
    });

    it('refuses plain http except loopback, naming the setting', () => {
      for (const serviceUrl of ['http://bc.contoso.com', 'http://10.0.0.5:7048/api/v2.0', 'http://128.0.0.1', 'ftp://127.0.0.1']) {
        assert.throws(
          () => buildBaseUrl({ api: 'businessCentral', environment: 'production', serviceUrl }),
          (error: unknown) => error instanceof ServiceError && error.kind === 'settings' && /bcPictures\.serviceUrl/.test(error.message) && /Correct it in your user settings/.test(error.message),
          serviceUrl,
        );
      }
      assert.throws(() => buildBaseUrl({ api: 'graph', environment: 'x', serviceUrl: 'http://example.test' }), /bcPictures\.serviceUrl/);
      assert.throws(() => buildBaseUrl({ api: 'businessCentral', environment: 'x', serviceUrl: 'https://user:pw@host.test' }), /bcPictures\.serviceUrl/);
      assert.throws(() => buildBaseUrl({ api: 'businessCentral', environment: 'x', serviceUrl: 'not a url' }), /bcPictures\.serviceUrl/);
    });

    it('refuses environment and tenant values that would change the path', () => {
      assert.throws(() => buildBaseUrl({ api: 'businessCentral', environment: '' }), /bcPictures\.environment/);
      assert.throws(() => buildBaseUrl({ api: 'businessCentral', environment: '../companies' }), /bcPictures\.environment/);
      assert.throws(() => buildBaseUrl({ api: 'businessCentral', environment: 'prod', tenant: 'a/b' }), /bcPictures\.tenant/);
    });
  });

  it('knows loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', 'LOCALHOST']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of ['localhost.evil.test', '128.0.0.1', '10.0.0.1', '::2', '127.0.0.256', 'example.test']) {
      assert.ok(!isLoopbackHost(host), host);
    }
  });

  describe('ids', () => {
    it('accepts GUIDs, lower-cased', () => {
      assert.equal(checkId('AAAAAAAA-bbbb-CCCC-dddd-000000000001', 'customer'), 'aaaaaaaa-bbbb-cccc-dddd-000000000001');
    });
    it('refuses anything else with a user error', () => {
      for (const id of ['', '../companies', '%2F', "x'y", '00000000-0000-0000-0000-00000000000', '{00000000-0000-0000-0000-000000000000}', '00000000-0000-0000-0000-000000000000/..']) {
        assert.throws(
          () => checkId(id, 'customer'),
          (error: unknown) => error instanceof ServiceError && error.kind === 'badRequest' && /customer id/.test(error.message),
          id,
        );
      }
      assert.throws(() => checkId('nope', 'company'), /company id/);
    });
  });

  describe('OData', () => {
    it('doubles quotes in string literals', () => {
      assert.equal(odataString("O'Brien & Sons"), "'O''Brien & Sons'");
      assert.equal(odataString("''"), "''''''");
      assert.equal(odataString('Müller Ærø 東京'), "'Müller Ærø 東京'");
    });

    it('percent-encodes query values with encodeURIComponent, never +', () => {
      const query = buildQuery({ $filter: nameSearchFilter("O'Brien & Sons", true), $select: 'id,number', $top: undefined });
      assert.equal(query, "?$filter=contains(tolower(displayName)%2C'o''brien%20%26%20sons')&$select=id%2Cnumber");
      assert.ok(!query.includes('+'));
      assert.equal(new URLSearchParams(query).get('$filter'), "contains(tolower(displayName),'o''brien & sons')");
      assert.equal(new URLSearchParams(buildQuery({ $filter: nameSearchFilter('Ærø + 東京', true) })).get('$filter'), "contains(tolower(displayName),'ærø + 東京')");
    });

    it('searches nothing for blank input', () => {
      assert.equal(nameSearchFilter('   ', true), undefined);
      assert.equal(nameSearchFilter('', false), undefined);
      assert.equal(numberSearchFilter('  '), undefined);
      assert.equal(buildQuery({ $filter: nameSearchFilter('', true) }), '');
      assert.deepEqual(nameSpellings(' '), []);
    });

    it('searches part of a number upper-cased, and only when it fits a Code[20] field', () => {
      assert.equal(numberSearchFilter(' c000 '), "contains(number,'C000')");
      assert.equal(numberSearchFilter("o'1"), "contains(number,'O''1')");
      assert.equal(numberSearchFilter('x'.repeat(20)), `contains(number,'${'X'.repeat(20)}')`);
      assert.equal(numberSearchFilter('x'.repeat(21)), undefined);
    });

    it('takes as maybe a number: up to 20 letters, digits, - . _ /, with a digit or in capitals; spaces and lower-case words are names', () => {
      for (const number of ['10000', ' 10000 ', 'C00010', 'c00010', 'K-1.2', 'KUNDE-A', 'ABC', 'A_B/C', '9', 'Ä1', 'x'.repeat(19) + '1']) {
        assert.equal(looksLikeCustomerNumber(number), true, number);
      }
      for (const name of ['trey', 'Trey', 'tReY rES', 'adatum CORP', '10000 A', "O'BRIEN", 'O’1', 'a&1', '$(x1)', '[1](x)', '東京', '-', '..', '', '   ', 'X'.repeat(20) + '1', 'Über']) {
        assert.equal(looksLikeCustomerNumber(name), false, name);
      }
    });

    it('takes a GUID as an id, and a number as a number, to go to', () => {
      assert.equal(looksLikeNumberOrId(' 5F2A3B4C-0000-4000-8000-00000000000A '), true);
      assert.equal(looksLikeNumberOrId('c0ffee00-0000-4000-8000-000000020000'), true);
      assert.equal(looksLikeNumberOrId('c00010'), true);
      assert.equal(looksLikeNumberOrId('c0ffee00-0000-4000-8000'), false, 'part of an id is no number either: longer than 20');
      assert.equal(looksLikeNumberOrId('coffee'), false);
    });

    it('searches a name without nested calls as an `or` of spellings on the one field', () => {
      assert.deepEqual(nameSpellings("o'brien & sons"), ["o'brien & sons", "O'BRIEN & SONS", "O'Brien & Sons", "O'brien & sons"]);
      assert.deepEqual(nameSpellings('tReY'), ['tReY', 'trey', 'TREY', 'Trey']);
      assert.deepEqual(nameSpellings('müller-lüdenscheidt'), ['müller-lüdenscheidt', 'MÜLLER-LÜDENSCHEIDT', 'Müller-Lüdenscheidt', 'Müller-lüdenscheidt']);
      const filter = nameSearchFilter('tr', false)!;
      assert.equal(filter, "contains(displayName,'tr') or contains(displayName,'TR') or contains(displayName,'Tr')");
      // One field only: the service refuses an `or` across two.
      assert.deepEqual([...new Set(filter.match(/contains\((\w+),/g))], ['contains(displayName,']);
    });

    it('checks rows against what was asked, case-insensitively', () => {
      const trey = { number: '20000', displayName: 'Trey Research' };
      assert.ok(matchesSearch(trey, 'REsear', 'name'));
      assert.ok(!matchesSearch(trey, 'adatum', 'name'));
      assert.ok(matchesSearch(trey, '200', 'number'));
      assert.ok(!matchesSearch(trey, 'trey', 'number'));
    });

    it('builds same-field number eq … or … filters from normalised numbers', () => {
      assert.equal(numberEqFilter(['C1', "O'1"]), "number eq 'C1' or number eq 'O''1'");
      assert.equal(normalizeCustomerNumber(' c00010 '), 'C00010');
      assert.equal(normalizeCustomerNumber('   '), undefined);
      assert.equal(normalizeCustomerNumber('A'.repeat(21)), undefined);
    });
  });

  it('compares origins', () => {
    assert.ok(isSameOrigin('http://127.0.0.1:5/v2.0/x?$skiptoken=1', 'http://127.0.0.1:5/v2.0/production/api/v2.0'));
    assert.ok(!isSameOrigin('http://127.0.0.1:6/v2.0/x', 'http://127.0.0.1:5/v2.0'));
    assert.ok(!isSameOrigin('https://127.0.0.1:5/', 'http://127.0.0.1:5/'));
    assert.ok(!isSameOrigin('not a url', 'http://127.0.0.1:5/'));
  });

  it('writes URLs to the log with the query decoded, no user info, no fragment, and no line breaks from typed text', () => {
    assert.equal(
      loggableUrl("https://user:pw@api.example/v2.0/companies(1)/customers?$filter=number%20eq%20'10000'&$top=20#x"),
      "https://api.example/v2.0/companies(1)/customers?$filter=number eq '10000'&$top=20",
    );
    assert.equal(loggableUrl('https://api.example/x?$filter=displayName%20eq%20%27Caf%C3%A9%27'), "https://api.example/x?$filter=displayName eq 'Café'");
    assert.equal(loggableUrl('https://api.example/x?q=a%0Afake%20line%0D'), 'https://api.example/x?q=a%0Afake line%0D', 'a newline stays escaped');
    assert.equal(loggableUrl('https://api.example/x?q=100%'), 'https://api.example/x?q=100%', 'a stray % is shown as sent');
    assert.equal(loggableUrl('not a url'), '(invalid URL)');
  });
});
