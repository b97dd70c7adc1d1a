/**
 * Credentials and addresses: the token never shows in logs or errors; credentials go only to the configured
 * origin, over https or to this computer; ids cannot change the request's path, and search text and customer
 * numbers cannot change its path or filter. That workspace settings cannot move credentials elsewhere is
 * `src/local/settings.ts`: test/unit/local/settings.test.ts, and in the extension host test/host/addPicture.test.ts,
 * "ignores a workspace setting that tries to send credentials elsewhere".
 */
import * as assert from 'node:assert/strict';
import { DEMO, makePng, startEmulator, type Emulator } from '../../emulator';
import { bytesUploadSource, createPictureService, ServiceError } from '../../../src/api';
import type { PictureService } from '../../../src/api/types';
import { CapturingLog, harness, type Harness } from '../api/helpers';
import { everythingIn, serviceFailure, settled } from './helpers';

const TOKEN = 'reliability-security-SECRET-b00b';
const BASIC_USER = 'ADMIN';
const BASIC_KEY = 'basic-key-SECRET-5e5e';
const CRONUS = DEMO.cronusId;
const CUSTOMER = DEMO.customer(10000);

/** Characters that would change a URL's path, query or filter if they got in unescaped. */
const HOSTILE_TEXT = ['a/b', 'a?b', 'a#b', '..', '../..', '%2F', '%2f..%2f', "O'Brien", "'", "''", '"quoted"', "x') or true or ('", 'a&$filter=true', 'a)', '(a', '\\', 'a b+c', '%27', 'A/B', '../1', '1/..', 'C.1-_/'];

describe('reliability: security', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let bc: Harness;
  let graph: Harness;

  before(async () => {
    emu = await startEmulator({ basic: { userName: BASIC_USER, key: BASIC_KEY } });
    emu.acceptToken(TOKEN, { audience: 'businesscentral' });
    emu.acceptToken(TOKEN + '-graph', { audience: 'graph' });
  });

  beforeEach(() => {
    emu.clearFaults();
    emu.clearRequests();
    bc = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN });
    graph = harness({ api: 'graph', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN + '-graph' });
  });

  after(async () => {
    await emu.close();
  });

  describe('the credential never shows', () => {
    it('in log lines, messages, stacks or causes, for Bearer and Basic, whatever fails', async () => {
      const basicHeader = `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_KEY}`).toString('base64')}`;
      const basic = harness({ api: 'businessCentral', serviceUrl: `${emu.bcBaseUrl()}/`, environment: 'ignored' }, { first: basicHeader });
      const wrongBasic = harness(
        { api: 'businessCentral', serviceUrl: `${emu.bcBaseUrl()}/`, environment: 'ignored' },
        { first: `Basic ${Buffer.from(`${BASIC_USER}:wrong-SECRET-key`).toString('base64')}` },
      );
      const unknownBearer = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: 'unknown-SECRET-token' });
      const picture = bytesUploadSource(makePng(5, 5, 1), { contentType: 'image/png', width: 5, height: 5 });
      const failures: Array<() => Promise<unknown>> = [
        () => (emu.fault({ kind: 'status', status: 503, times: Infinity }), bc.service.listCompanies()),
        () => (emu.fault({ method: 'PATCH', kind: 'redirect' }), bc.service.uploadPicture(CRONUS, CUSTOMER, picture)),
        () => (emu.fault({ method: 'GET', kind: 'foreignNextLink' }), bc.service.listCustomers(CRONUS, { pageSize: 2 })),
        () => (emu.fault({ method: 'PATCH', kind: 'expiredToken', times: Infinity }), bc.service.uploadPicture(CRONUS, CUSTOMER, picture)),
        () => (emu.fault({ method: 'GET', kind: 'malformedJson' }), graph.service.listCompanies()),
        () => (emu.fault({ kind: 'status', status: 403 }), basic.service.uploadPicture(CRONUS, CUSTOMER, picture)),
        () => (emu.fault({ kind: 'reset', times: Infinity }), basic.service.listCompanies()),
        () => wrongBasic.service.listCompanies(),
        () => unknownBearer.service.getCustomer(CRONUS, CUSTOMER),
      ];
      const texts: string[] = [];
      for (const fail of failures) {
        let thrown: unknown;
        try {
          await fail();
        } catch (error) {
          thrown = error;
        }
        emu.clearFaults();
        assert.ok(thrown instanceof ServiceError, `expected a failure, got ${String(thrown)}`);
        texts.push(everythingIn(thrown), thrown.message);
      }
      await settled(emu);
      texts.push(...[bc, graph, basic, wrongBasic, unknownBearer].map((h) => h.log.text));
      // The requests did carry the credentials (the emulator recorded them, redacted).
      assert.ok(emu.requests.some((r) => r.headers.authorization === 'Basic <redacted>'));
      assert.ok(emu.requests.some((r) => r.headers.authorization === 'Bearer <redacted>'));
      const text = texts.join('\n');
      for (const secret of [TOKEN, BASIC_KEY, basicHeader.slice(6), 'SECRET', Buffer.from('wrong-SECRET-key').toString('base64')]) {
        assert.ok(!text.includes(secret), `found ${secret}`);
      }
      assert.doesNotMatch(text, /Bearer\s+(?!<redacted>)\S{8,}/);
      assert.doesNotMatch(text, /Basic\s+(?!<redacted>|realm)[A-Za-z0-9+/=]{8,}/);
    });
  });

  describe('credentials go only to the configured origin, over https or to this computer', () => {
    const refused = [
      'http://bc.intranet.test/',
      'http://bc.intranet.test:7048/BC/api/v2.0',
      'http://10.0.0.5:7048',
      'http://192.168.1.20',
      'http://[fe80::1]:7048',
      'http://127.0.0.1.intranet.test',
      'http://localhost.intranet.test',
      'http://0.0.0.0:7048',
      'https://user:pw-SECRET-1@bc.intranet.test',
      'https://bc.intranet.test/?redirect=elsewhere',
      'ftp://bc.intranet.test',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ];
    for (const serviceUrl of refused) {
      it(`refuses ${serviceUrl} before asking for a credential or sending anything`, () => {
        let asked = 0;
        const log = new CapturingLog();
        for (const api of ['businessCentral', 'graph'] as const) {
          assert.throws(
            () =>
              createPictureService(
                { api, serviceUrl, environment: 'production' },
                {
                  authorize: async () => {
                    asked++;
                    return `Bearer ${TOKEN}`;
                  },
                  log,
                },
              ),
            (error: unknown) => {
              assert.ok(error instanceof ServiceError, String(error));
              assert.equal(error.kind, 'settings');
              assert.match(error.message, /bcPictures\.serviceUrl/);
              assert.ok(!error.message.includes('SECRET'), error.message);
              return true;
            },
          );
        }
        assert.equal(asked, 0);
        assert.equal(log.lines.length, 0);
      });
    }

    it('says why plain http is refused and what to use instead', () => {
      assert.throws(
        () => createPictureService({ api: 'businessCentral', serviceUrl: 'http://bc.intranet.test', environment: 'production' }, { authorize: async () => '', log: new CapturingLog() }),
        /must use https:\/\/ to protect your credentials; plain http:\/\/ is only allowed for this computer/,
      );
    });

    for (const serviceUrl of ['https://bc.intranet.test', 'https://bc.intranet.test:7048/BC/api/v2.0', 'http://127.0.0.1:7048', 'http://localhost:7048', 'http://[::1]:7048']) {
      it(`accepts ${serviceUrl}`, () => {
        const service = createPictureService({ api: 'businessCentral', serviceUrl, environment: 'production' }, { authorize: async () => '', log: new CapturingLog() });
        assert.equal(service.kind, 'businessCentral');
      });
    }
  });

  describe('ids cannot change the request path', () => {
    const good = CRONUS;
    const badIds = ['/', '?', '#', '..', '%2F', "'", '"', `${good}/../x`, `${good}?$filter=true`, `${good}#x`, `${good}%2F..`, `${good}'`, `'${good}'`, ` ${good}`, `${good}\n`, `${good.slice(0, -1)}/`];
    const calls: Array<[string, (s: PictureService, company: string, customer: string) => Promise<unknown>]> = [
      ['getCustomer', (s, c, k) => s.getCustomer(c, k)],
      ['getPicture', (s, c, k) => s.getPicture(c, k)],
      ['uploadPicture', (s, c, k) => s.uploadPicture(c, k, bytesUploadSource(makePng(3, 3, 1), { contentType: 'image/png', width: 3, height: 3 }))],
      ['downloadPicture', (s, c, k) => s.downloadPicture(c, k)],
      ['pictureByteSize', (s, c, k) => s.pictureByteSize(c, k, { id: k, width: 1, height: 1, contentType: 'image/png' })],
      ['deletePicture', (s, c, k) => s.deletePicture(c, k)],
      ['listCustomers', (s, c) => s.listCustomers(c, { search: 'a' })],
      ['findCustomersByNumber', (s, c) => s.findCustomersByNumber(c, ['10000'])],
    ];
    for (const [name, call] of calls) {
      it(`${name} refuses hostile ids before sending anything`, async () => {
        for (const h of [bc, graph]) {
          for (const bad of badIds) {
            const asCompany = await serviceFailure(call(h.service, bad, CUSTOMER), 'badRequest');
            assert.match(asCompany.message, /company id .* is not valid .* Pick the company again/);
            if (!['listCustomers', 'findCustomersByNumber'].includes(name)) {
              const asCustomer = await serviceFailure(call(h.service, good, bad), 'badRequest');
              assert.match(asCustomer.message, /customer id .* is not valid .* Pick the customer again/);
            }
          }
          assert.deepEqual(h.authorizeCalls, []);
        }
        assert.deepEqual(emu.requests.map((r) => r.url), []);
      });
    }
  });

  describe('search text and customer numbers cannot change the path or the filter', () => {
    /** The OData literal, built here by hand: single quotes, a quote doubled. */
    const literal = (text: string) => `'${text.split("'").join("''")}'`;

    for (const text of HOSTILE_TEXT) {
      // Only text that may be a number is also searched by number: these four, of letters, digits, '.', '-', '_', '/'.
      const byNumber = ['A/B', '../1', '1/..', 'C.1-_/'].includes(text);
      it(`search ${JSON.stringify(text)}: a request by name${byNumber ? ' and one by number' : ' only'}, same path, the text as one quoted literal`, async () => {
        for (const [h, path] of [
          [bc, `/v2.0/production/api/v2.0/companies(${CRONUS})/customers`],
          [graph, `/beta/financials/companies/${CRONUS}/customers`],
        ] as const) {
          await h.service.listCustomers(CRONUS, { search: 'warm' }); // the one probe of what the service supports
          await settled(emu);
          emu.clearRequests();
          const page = await h.service.listCustomers(CRONUS, { search: text });
          await settled(emu);
          const term = text.trim();
          assert.equal(emu.requests.length, byNumber ? 2 : 1, emu.requests.map((r) => r.url).join('\n'));
          for (const request of emu.requests) {
            assert.equal(request.status, 200, `${request.url}: ${request.errorCode ?? ''}`);
            assert.equal(request.path, path);
          }
          const filters = emu.requests.map((r) => r.query.$filter).sort();
          const expected = [`contains(tolower(displayName),${literal(term.toLowerCase())})`, ...(byNumber ? [`contains(number,${literal(term.toUpperCase())})`] : [])];
          assert.deepEqual(filters, expected.sort());
          const byName = emu.requests.find((r) => r.query.$filter.startsWith('contains(tolower('))!;
          assert.deepEqual(Object.keys(byName.query).sort(), h === bc ? ['$expand', '$filter', '$orderby', '$schemaversion', '$select'] : ['$filter', '$orderby', '$schemaversion', '$select']);
          // Only O'Brien & Sons matches any of these texts.
          assert.ok(page.items.every((c) => c.number === '60000'), page.items.map((c) => c.number).join(', '));
        }
      });
    }

    it('numbers: one request, same path, each number as one quoted literal', async () => {
      const found = await bc.service.findCustomersByNumber(CRONUS, [...HOSTILE_TEXT, '60000']);
      await settled(emu);
      assert.deepEqual(found.map((c) => c.number), ['60000']);
      assert.equal(emu.requests.length, 1);
      const [request] = emu.requests;
      assert.equal(request.status, 200, `${request.url}: ${request.errorCode ?? ''}`);
      assert.equal(request.path, `/v2.0/production/api/v2.0/companies(${CRONUS})/customers`);
      const numbers = [...new Set([...HOSTILE_TEXT, '60000'].map((n) => n.trim().toUpperCase()))];
      assert.equal(request.query.$filter, numbers.map((n) => `number eq ${literal(n)}`).join(' or '));
      assert.deepEqual(Object.keys(request.query).sort(), ['$expand', '$filter', '$select']);
    });
  });
});
