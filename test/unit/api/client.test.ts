/**
 * The picture client against the local Business Central emulator, over real loopback HTTP.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, makePng, startEmulator, type Emulator } from '../../emulator';
import { bytesUploadSource, fileUploadSource, ServiceError } from '../../../src/api';
import type { CustomerCursor, UploadSource } from '../../../src/api/types';
import { UPLOAD_HEADERS_TIMEOUT_MS } from '../../../src/api/http';
import { harness, sha256, type Harness } from './helpers';

const BC_TOKEN = 'bc-token-SECRET-1111';
const BC_TOKEN_FRESH = 'bc-token-SECRET-2222';
const GRAPH_TOKEN = 'graph-token-SECRET-3333';
const CRONUS = DEMO.cronusId;
const MY_COMPANY = DEMO.myCompanyId;
/** The one request that asks a service whether it takes case-insensitive search. */
const PROBE = "contains(tolower(displayName),'a')";

async function rejects(promise: Promise<unknown>, kind: ServiceError['kind'], text?: RegExp): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (text) {
      assert.match(error.message, text);
    }
    return error;
  }
  assert.fail(`expected a ServiceError of kind ${kind}`);
}

function pngSource(width: number, height: number, seed: number): { bytes: Buffer; source: UploadSource } {
  const bytes = makePng(width, height, seed);
  return { bytes, source: bytesUploadSource(bytes, { contentType: 'image/png', width, height }) };
}

describe('api/client against the emulator', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let bc: Harness;
  let graph: Harness;
  const bcSettings = () => ({ api: 'businessCentral' as const, serviceUrl: emu.url, environment: 'production' });
  const graphSettings = () => ({ api: 'graph' as const, serviceUrl: emu.url, environment: 'production' });

  before(async () => {
    emu = await startEmulator({ bigCompany: 2_000 });
    emu.acceptToken(BC_TOKEN, { audience: 'businesscentral' });
    emu.acceptToken(BC_TOKEN_FRESH, { audience: 'businesscentral' });
    emu.acceptToken(GRAPH_TOKEN, { audience: 'graph' });
  });

  beforeEach(() => {
    emu.clearFaults();
    emu.clearRequests();
    emu.graphPostRefused = false;
    bc = harness(bcSettings(), { first: BC_TOKEN, fresh: BC_TOKEN_FRESH });
    graph = harness(graphSettings(), { first: GRAPH_TOKEN });
  });

  afterEach(function () {
    // Whatever happened, no credential may reach a log line.
    for (const h of [bc, graph]) {
      assert.ok(!/SECRET/.test(h.log.text), 'a credential reached the log');
    }
  });

  after(async () => {
    await emu.close();
  });

  describe('reads', () => {
    it('lists companies on both APIs', async () => {
      const companies = await bc.service.listCompanies();
      assert.deepEqual(
        companies.map((c) => c.name),
        ['CRONUS USA, Inc.', 'My Company', DEMO.bigCompanyName],
      );
      assert.equal(companies[0].id, CRONUS);
      assert.equal(emu.requests[0].query.$select, 'id,name,displayName');
      const viaGraph = await graph.service.listCompanies();
      assert.deepEqual(viaGraph.map((c) => c.id), companies.map((c) => c.id));
      assert.ok(bc.log.lines.some((line) => /GET http:\/\/127\.0\.0\.1:\d+\/v2\.0\/production\/api\/v2\.0\/companies.* → 200 \(\d+ ms, request-id [0-9a-f-]{36}\)/.test(line)), bc.log.text);
    });

    it('lists customers ordered by number, pages through nextLink, and knows who has a picture', async () => {
      const first = await bc.service.listCustomers(CRONUS, { pageSize: 4 });
      assert.deepEqual(first.items.map((c) => c.number), ['10000', '20000', '30000', '40000']);
      assert.deepEqual(first.items.map((c) => c.hasPicture), [true, false, true, false]);
      assert.equal(first.items[0].displayName, 'Adatum Corporation');
      assert.equal(first.items[0].city, 'Atlanta');
      assert.equal(first.items[0].blocked, '', 'the service says " " for not blocked');
      assert.ok(first.more);
      const numbers = first.items.map((c) => c.number);
      let more: CustomerCursor | undefined = first.more;
      while (more) {
        const page = await bc.service.nextCustomers(more);
        assert.ok(page.items.length <= 4);
        numbers.push(...page.items.map((c) => c.number));
        more = page.more;
      }
      assert.deepEqual(numbers, ['10000', '20000', '30000', '40000', '50000', '60000', '70000', '80000', '90000', '95000']);
      assert.equal(emu.requests.length, 3);
      for (const request of emu.requests) {
        assert.equal(request.headers.prefer, 'odata.maxpagesize=4');
        assert.equal(request.status, 200);
      }
      assert.equal(emu.requests[0].query.$orderby, 'number');
      assert.equal(emu.requests[0].query.$expand, 'picture');
    });

    it('uses a page size of 50 by default', async () => {
      const page = await bc.service.listCustomers(DEMO.bigCompanyId, {});
      assert.equal(page.items.length, 50);
      assert.ok(page.more);
      assert.equal(emu.requests[0].headers.prefer, 'odata.maxpagesize=50');
    });

    it('lists customers on Graph', async () => {
      const page = await graph.service.listCustomers(CRONUS, { search: 'trey' });
      assert.deepEqual(page.items.map((c) => [c.number, c.displayName, c.city]), [['20000', 'Trey Research', 'Chicago']]);
      assert.equal(page.items[0].hasPicture, undefined);
    });

    it('searches a name in one request, and text that may be a number by number too (no `or` across fields), case-insensitive, apostrophes and ampersands included', async () => {
      const find = async (company: string, search: string) => (await bc.service.listCustomers(company, { search })).items.map((c) => c.number);
      assert.deepEqual(await find(CRONUS, "O'Brien & Sons"), ['60000']);
      // The first search asks once whether the service takes contains(tolower(…)) with $schemaversion=2.1.
      assert.equal(emu.requests.length, 2, 'the probe and the name: spaces and lower case are no number');
      const sent = (test: (filter: string) => boolean) => emu.requests.find((r) => test(r.query.$filter ?? ''))!;
      const probe = sent((f) => f === PROBE);
      let byName = sent((f) => f.startsWith('contains(tolower(displayName),') && f !== PROBE);
      assert.equal(probe.query.$schemaversion, '2.1');
      assert.equal(probe.query.$filter, "contains(tolower(displayName),'a')");
      assert.equal(byName.query.$filter, "contains(tolower(displayName),'o''brien & sons')");
      assert.equal(byName.query.$schemaversion, '2.1');
      assert.ok(emu.requests.every((r) => r.status === 200));
      const raw = byName.url;
      assert.ok(!raw.includes('+'), raw);
      assert.match(raw, /o(%27|')(%27|')brien%20%26%20sons/);
      emu.clearRequests();
      assert.deepEqual(await find(CRONUS, ' 6000 '), ['60000']);
      assert.equal(emu.requests.length, 2, 'by number and by name, no second probe');
      const byNumber = sent((f) => f.startsWith('contains(number,'));
      byName = sent((f) => f.startsWith('contains(tolower(displayName),'));
      assert.equal(byNumber.query.$filter, "contains(number,'6000')");
      assert.equal(byNumber.query.$schemaversion, undefined);
      assert.equal(byName.query.$filter, "contains(tolower(displayName),'6000')");
      emu.clearRequests();
      assert.deepEqual(await find(CRONUS, "o'brien"), ['60000']);
      assert.equal(emu.requests.length, 1, 'a name: one request');
      assert.deepEqual(await find(CRONUS, 'ADATUM'), ['10000']);
      assert.deepEqual(await find(CRONUS, 'tReY'), ['20000']);
      assert.deepEqual(await find(CRONUS, '9'), ['90000', '95000']);
      assert.deepEqual(await find(MY_COMPANY, 'c00020'), ['C00020']);
      assert.deepEqual(await find(CRONUS, 'inc.'), ['70000']);
      assert.deepEqual(await find(CRONUS, 'no such customer'), []);
    });

    it('asks once, even when the search that started the question is cancelled meanwhile', async () => {
      emu.fault({ method: 'GET', path: /\$top=5/, kind: 'latency', ms: 300 });
      const typing = new AbortController();
      const first = bc.service.listCustomers(CRONUS, { search: 'tre' }, { signal: typing.signal });
      await new Promise((resolve) => setTimeout(resolve, 50));
      typing.abort();
      await rejects(first, 'cancelled');
      const second = await bc.service.listCustomers(CRONUS, { search: 'trey' });
      assert.deepEqual(second.items.map((c) => c.number), ['20000']);
      assert.equal(emu.requests.filter((r) => r.query.$filter === PROBE).length, 1);
    });

    it('searches a name longer than a number can be with one request', async () => {
      assert.deepEqual((await bc.service.listCustomers(CRONUS, { search: 'the longest name anyone typed' })).items, []);
      const searches = emu.requests.filter((r) => r.query.$schemaversion === '2.1' && r.query.$filter !== "contains(tolower(displayName),'a')");
      assert.equal(searches.length, 1);
      assert.ok(emu.requests.every((r) => r.status === 200 && !/number/.test(r.query.$filter ?? '')));
    });

    it('merges the two answers by id, in number order, and pages each on with Load more', async () => {
      // Big Tenant's numbers are C000001…; names hold words like "Cedar": "C" (upper-case, so maybe a number) finds by both.
      const first = await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'C', pageSize: 5 });
      const numbers = first.items.map((c) => c.number);
      assert.deepEqual(numbers, [...numbers].sort());
      assert.equal(new Set(first.items.map((c) => c.id)).size, first.items.length, 'each customer once');
      assert.ok(first.items.some((c) => !c.displayName.toLowerCase().includes('c')), 'some found by number only');
      assert.deepEqual(first.more?.parts.map((p) => p.search?.by).sort(), ['name', 'number'], 'both searches have more');
      const next = await bc.service.nextCustomers(first.more!);
      assert.ok(next.items.length > 0 && next.items.every((c) => c.number.includes('C') || c.displayName.toLowerCase().includes('c')));
      const byName = await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'ced', pageSize: 5 });
      assert.ok(byName.items.every((c) => c.displayName.toLowerCase().includes('ced')));
      assert.deepEqual(byName.more?.parts.map((p) => p.search?.by), ['name'], 'a lower-case word is a name only');
      const more = await bc.service.nextCustomers(byName.more!);
      assert.ok(more.items.every((c) => c.displayName.toLowerCase().includes('ced')));
      assert.equal(new Set([...byName.items, ...more.items].map((c) => c.id)).size, byName.items.length + more.items.length);
      const both = await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'c0000', pageSize: 5 });
      assert.deepEqual(both.items.map((c) => c.number), ['C000001', 'C000002', 'C000003', 'C000004', 'C000005']);
    });

    it('on an older server, searches the common spellings of a name in one field', async () => {
      const old = await startEmulator({ serverVersion: 'old' });
      try {
        old.acceptToken(BC_TOKEN, { audience: 'businesscentral' });
        const h = harness({ api: 'businessCentral', serviceUrl: old.url, environment: 'production' }, { first: BC_TOKEN });
        const find = async (search: string) => (await h.service.listCustomers(CRONUS, { search })).items.map((c) => c.number);
        assert.deepEqual(await find('trey res'), ['20000']);
        const sent = (test: (filter: string) => boolean) => old.requests.find((r) => test(r.query.$filter ?? ''))!;
        const probe = sent((f) => f === PROBE);
        const byName = sent((f) => f.startsWith('contains(displayName,'));
        assert.equal(probe.status, 400, 'the probe is refused');
        assert.equal(old.requests.length, 2, 'the probe and the name: text with a space is no number');
        assert.equal(byName.query.$schemaversion, undefined);
        assert.equal(byName.query.$filter, "contains(displayName,'trey res') or contains(displayName,'TREY RES') or contains(displayName,'Trey Res') or contains(displayName,'Trey res')");
        old.clearRequests();
        assert.deepEqual(await find("O'BRIEN"), ['60000']);
        assert.deepEqual(await find('adatum'), ['10000']);
        assert.deepEqual(await find('INC.'), ['70000']);
        assert.ok(old.requests.every((r) => r.status === 200), old.requests.map((r) => r.status).join());
        assert.equal(old.requests.length, 4, "one request a name, two for INC. (maybe a number), no probe again");
        assert.equal(old.requests.filter((r) => r.query.$filter.startsWith('contains(number,')).at(0)?.query.$filter, "contains(number,'INC.')");
      } finally {
        await old.close();
      }
    });

    it('finds unicode names', async () => {
      const company = emu.data.company(MY_COMPANY)!;
      const id = 'dddddddd-0000-4000-8000-000000000001';
      if (!company.customers.get(id)) {
        const { TenantData } = await import('../../emulator');
        company.customers.add(TenantData.customer(id, { number: 'U0001', displayName: 'Müller Ærø 東京 GmbH' }));
      }
      const page = await bc.service.listCustomers(MY_COMPANY, { search: 'müller ærø 東京' });
      assert.deepEqual(page.items.map((c) => c.id), [id]);
    });

    it('finds customers by number with same-field `eq … or …` batches of at most 40', async () => {
      const wanted = Array.from({ length: 120 }, (_, i) => `C${String(i * 7 + 1).padStart(6, '0')}`);
      const asTyped = wanted.map((n, i) => (i % 2 ? n.toLowerCase() : ` ${n} `));
      const found = await bc.service.findCustomersByNumber(DEMO.bigCompanyId, [...asTyped, 'NOPE-1', wanted[0], 'X'.repeat(21)]);
      assert.deepEqual(found.map((c) => c.number), wanted);
      assert.equal(emu.requests.length, 4, '121 numbers: 40 + 40 + 40 + 1');
      for (const request of emu.requests) {
        assert.equal(request.status, 200);
        assert.ok(request.url.length < 6000, `URL of ${request.url.length} characters`);
        assert.match(request.query.$filter, /^number eq '[^']+'( or number eq '[^']+')*$/);
        assert.equal(request.query.$schemaversion, undefined);
        assert.ok(!/ in /.test(request.query.$filter));
      }
      assert.equal(emu.requests[0].headers.prefer, 'odata.maxpagesize=40');
    });

    it('finds numbers with quotes in them, and never sends one longer than 20 characters', async () => {
      const found = await bc.service.findCustomersByNumber(CRONUS, ["O'1", '10000', '60000', 'A-FILE-NAME-OF-21-CHR']);
      assert.deepEqual(found.map((c) => c.number), ['10000', '60000']);
      assert.equal(emu.requests.length, 1);
      assert.equal(emu.requests[0].query.$filter, "number eq 'O''1' or number eq '10000' or number eq '60000'");
      emu.clearRequests();
      assert.deepEqual(await bc.service.findCustomersByNumber(CRONUS, ['THIS-NAME-IS-LONGER-THAN-20']), []);
      assert.equal(emu.requests.length, 0);
    });

    it('finds numbers on an older server too', async () => {
      const old = await startEmulator({ serverVersion: 'old', bigCompany: 2_000 });
      try {
        old.acceptToken(BC_TOKEN, { audience: 'businesscentral' });
        const h = harness({ api: 'businessCentral', serviceUrl: old.url, environment: 'production' }, { first: BC_TOKEN });
        const found = await h.service.findCustomersByNumber(DEMO.bigCompanyId, ['C000001', 'c000002', 'NOPE']);
        assert.deepEqual(found.map((c) => c.number), ['C000001', 'C000002']);
        assert.equal(old.requests.length, 1);
        assert.equal(old.requests[0].status, 200);
      } finally {
        await old.close();
      }
    });

    it('never pages through a table when the service ignores a search filter: shows what matches, asks no more', async () => {
      await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'warm' }); // the probe, out of the way
      emu.clearRequests();
      emu.fault({ method: 'GET', path: /contains\(number/, kind: 'ignoreFilter' });
      // In capitals, so it may be a number and is searched by number too.
      const page = await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'HARBOR', pageSize: 20 });
      assert.ok(page.items.every((c) => c.displayName.toLowerCase().includes('harbor')), page.items.map((c) => c.displayName).join());
      assert.deepEqual(page.more?.parts.map((p) => p.search?.by), ['name'], 'Load more goes on by name only');
      assert.equal(emu.requests.length, 2);
      assert.match(bc.log.text, /by number .*\(the filter was ignored\)/);
    });

    it('falls back to the spellings when a case-insensitive search comes back unfiltered ("an undefined result")', async () => {
      await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'warm' });
      emu.clearRequests();
      emu.fault({ method: 'GET', path: /tolower/, kind: 'ignoreFilter' });
      const page = await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'harbor', pageSize: 20 });
      assert.ok(page.items.length > 0 && page.items.every((c) => c.displayName.includes('Harbor')), page.items.map((c) => c.displayName).join());
      assert.equal(emu.requests.length, 2, 'name (ignored), name again by spellings');
      assert.equal(emu.requests[1].query.$filter, "contains(displayName,'harbor') or contains(displayName,'HARBOR') or contains(displayName,'Harbor')");
      emu.clearRequests();
      await bc.service.listCustomers(DEMO.bigCompanyId, { search: 'cedar' });
      assert.ok(emu.requests.every((r) => r.query.$schemaversion === undefined), 'remembered: no case-insensitive search any more');
    });

    it('stops a lookup of numbers at the first answer holding customers that were not asked for', async () => {
      emu.fault({ method: 'GET', kind: 'ignoreFilter', times: Infinity });
      await rejects(bc.service.findCustomersByNumber(DEMO.bigCompanyId, ['C000005', 'C000007']), 'invalidResponse', /ignored the filter\. Nothing was changed/);
      assert.equal(emu.requests.length, 1, 'one request, no paging through the table');
    });

    it('gets one customer, and its picture', async () => {
      const customer = await bc.service.getCustomer(CRONUS, DEMO.customer(70000));
      assert.equal(customer.displayName, 'Fabrikam, Inc.');
      assert.equal(customer.blocked, 'Ship');
      const picture = await bc.service.getPicture(CRONUS, DEMO.customer(10000));
      assert.deepEqual([picture.width, picture.height, picture.contentType], [64, 48, 'image/png']);
      const none = await bc.service.getPicture(CRONUS, DEMO.customer(20000));
      assert.deepEqual([none.width, none.height, none.contentType], [0, 0, '']);
      const viaGraph = await graph.service.getPicture(CRONUS, DEMO.customer(10000));
      assert.deepEqual([viaGraph.width, viaGraph.height, viaGraph.contentType], [64, 48, 'image/png']);
    });
  });

  describe('ids', () => {
    for (const bad of ['../companies', '%2F', "a1b2c3d4-0001-4000-8000-00000000000'", '', 'a1b2c3d4-0001-4000-8000-000000000001/../x']) {
      it(`refuses ${JSON.stringify(bad)} before anything is sent`, async () => {
        await rejects(bc.service.getCustomer(CRONUS, bad), 'badRequest', /customer id/);
        await rejects(bc.service.uploadPicture(bad, DEMO.customer(10000), pngSource(2, 2, 1).source), 'badRequest', /company id/);
        await rejects(graph.service.listCustomers(bad, {}), 'badRequest', /company id/);
        assert.equal(emu.requests.length, 0);
        assert.deepEqual(bc.authorizeCalls, []);
      });
    }
  });

  describe('upload', () => {
    it('PATCHes the exact bytes once on Business Central, then reports what the service stored', async () => {
      const { bytes, source } = pngSource(40, 30, 3);
      const progress: Array<[number, number]> = [];
      const picture = await bc.service.uploadPicture(CRONUS, DEMO.customer(20000), source, { onProgress: (sent, total) => progress.push([sent, total]) });
      assert.deepEqual([picture.width, picture.height, picture.contentType], [40, 30, 'image/png']);
      const patches = emu.requests.filter((r) => r.method === 'PATCH');
      assert.equal(patches.length, 1);
      const patch = patches[0];
      assert.match(patch.path, /\/companies\(a1b2c3d4-0001-4000-8000-000000000001\)\/customers\(c0ffee00-0000-4000-8000-000000020000\)\/picture\/pictureContent$/);
      assert.equal(patch.headers['if-match'], '*');
      assert.equal(patch.headers['content-type'], 'application/octet-stream');
      assert.equal(patch.headers['content-length'], String(bytes.length));
      assert.equal(patch.headers.authorization, 'Bearer <redacted>');
      assert.equal(patch.bodySha256, sha256(bytes));
      assert.equal(patch.status, 204);
      assert.deepEqual(progress.at(-1), [bytes.length, bytes.length]);
      assert.equal(sha256(emu.data.company(CRONUS)!.customers.picture(DEMO.customer(20000)).bytes!), sha256(bytes));
      const downloaded = await bc.service.downloadPicture(CRONUS, DEMO.customer(20000));
      assert.equal(sha256(downloaded!), sha256(bytes));
      await bc.service.deletePicture(CRONUS, DEMO.customer(20000));
      assert.equal(await bc.service.downloadPicture(CRONUS, DEMO.customer(20000)), undefined);
    });

    it('streams a file from disk', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'bcp-'));
      try {
        const bytes = makePng(300, 200, 9);
        const path = join(dir, 'big.png');
        await writeFile(path, bytes);
        const progress: number[] = [];
        const picture = await bc.service.uploadPicture(MY_COMPANY, DEMO.customer(1001), fileUploadSource(path, { byteSize: bytes.length, contentType: 'image/png', width: 300, height: 200 }), {
          onProgress: (sent) => progress.push(sent),
        });
        assert.deepEqual([picture.width, picture.height], [300, 200]);
        const patch = emu.requests.find((r) => r.method === 'PATCH')!;
        assert.equal(patch.bodySha256, sha256(bytes));
        assert.equal(progress.at(-1), bytes.length);
        assert.ok(progress.every((value, i) => i === 0 || value >= progress[i - 1]));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('POSTs the Graph picture JSON when the service accepts it', async () => {
      const { bytes, source } = pngSource(20, 10, 4);
      const progress: number[] = [];
      const picture = await graph.service.uploadPicture(CRONUS, DEMO.customer(40000), source, { onProgress: (sent) => progress.push(sent) });
      assert.deepEqual([picture.width, picture.height, picture.contentType], [20, 10, 'image/png']);
      const posts = emu.requests.filter((r) => r.method === 'POST');
      assert.equal(posts.length, 1);
      assert.equal(posts[0].status, 201);
      assert.equal(posts[0].headers['content-type'], 'application/json');
      assert.equal(emu.requests.filter((r) => r.method !== 'POST').length, 0);
      assert.equal(sha256(emu.data.company(CRONUS)!.customers.picture(DEMO.customer(40000)).bytes!), sha256(bytes));
      assert.equal(progress.at(-1), bytes.length);
    });

    it('falls back to the byte upload when Graph refuses the POST, and remembers it', async () => {
      emu.graphPostRefused = true;
      const { bytes, source } = pngSource(24, 24, 5);
      const picture = await graph.service.uploadPicture(CRONUS, DEMO.customer(50000), source);
      assert.deepEqual([picture.width, picture.height, picture.contentType], [24, 24, 'image/png']);
      assert.deepEqual(
        emu.requests.map((r) => `${r.method} ${r.status}`),
        ['POST 405', 'GET 200', 'PUT 204', 'GET 200'],
      );
      const put = emu.requests[2];
      assert.match(put.path, /\/beta\/financials\/companies\/a1b2c3d4-0001-4000-8000-000000000001\/customers\/c0ffee00-0000-4000-8000-000000050000\/picture\/c0ffee00-0000-4000-8000-000000050000\/content$/);
      assert.equal(put.bodySha256, sha256(bytes));
      assert.equal(put.headers['if-match'], '*');
      emu.clearRequests();
      await graph.service.uploadPicture(CRONUS, DEMO.customer(50000), pngSource(8, 8, 6).source);
      assert.equal(emu.requests.filter((r) => r.method === 'POST').length, 0);
      const downloaded = await graph.service.downloadPicture(CRONUS, DEMO.customer(50000));
      assert.equal(sha256(downloaded!), sha256(makePng(8, 8, 6)));
    });

    it('explains when Graph can neither add nor replace a picture', async () => {
      emu.graphPostRefused = true;
      const error = await rejects(graph.service.uploadPicture(MY_COMPANY, DEMO.customer(1000), pngSource(4, 4, 1).source), 'badRequest', /bcPictures\.api/);
      assert.equal(error.code, 'BadRequest_NotFound');
      assert.deepEqual(emu.requests.map((r) => `${r.method} ${r.status}`), ['POST 405', 'GET 200', 'PUT 404']);
    });
  });

  describe('the size of a picture', () => {
    it("reads it from the content's Content-Length on Business Central, without waiting for the bytes", async () => {
      const { source, bytes } = pngSource(60, 40, 7);
      await bc.service.uploadPicture(CRONUS, DEMO.customer(20000), source);
      const picture = await bc.service.getPicture(CRONUS, DEMO.customer(20000));
      // One byte every 400 ms (the headers go with the first): reading the body would take many minutes, the header alone answers.
      emu.fault({ method: 'GET', path: 'pictureContent', kind: 'trickle', everyMs: 400 });
      emu.clearRequests();
      const started = Date.now();
      assert.equal(await bc.service.pictureByteSize(CRONUS, DEMO.customer(20000), picture), bytes.length);
      assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
      assert.deepEqual(emu.requests.map((r) => `${r.method} ${r.path.replace(/^.*\/customers\([^)]+\)/, '')}`), ['GET /picture/pictureContent']);
    });

    it('counts it while reading where the answer has no Content-Length, and refuses one over the bound', async () => {
      const picture = await bc.service.getPicture(CRONUS, DEMO.customer(10000));
      emu.fault({ method: 'GET', path: 'pictureContent', kind: 'largeBody', bytes: 3_000_000, chunked: true });
      assert.equal(await bc.service.pictureByteSize(CRONUS, DEMO.customer(10000), picture), 3_000_000);
      const small = harness(bcSettings(), { first: BC_TOKEN, fresh: BC_TOKEN_FRESH }, { limits: { pictureBytes: 1_000_000 } });
      emu.fault({ method: 'GET', path: 'pictureContent', kind: 'largeBody', bytes: 3_000_000, chunked: true });
      await rejects(small.service.pictureByteSize(CRONUS, DEMO.customer(10000), picture), 'invalidResponse', /more than 1,000,000 bytes/);
    });

    it('is undefined for a customer without a picture', async () => {
      await bc.service.deletePicture(CRONUS, DEMO.customer(30000));
      const picture = await bc.service.getPicture(CRONUS, DEMO.customer(30000));
      assert.equal(await bc.service.pictureByteSize(CRONUS, DEMO.customer(30000), picture), undefined);
    });

    it("asks Graph for the content under the picture's id", async () => {
      const picture = await graph.service.getPicture(CRONUS, DEMO.customer(10000));
      const stored = emu.data.company(CRONUS)!.customers.picture(DEMO.customer(10000)).bytes!;
      emu.clearRequests();
      assert.equal(await graph.service.pictureByteSize(CRONUS, DEMO.customer(10000), picture), stored.length);
      assert.match(emu.requests[0].path, new RegExp(`/picture/${picture.id}/content$`));
    });
  });

  describe('retries', () => {
    it('waits out a 429 with Retry-After in seconds, then succeeds', async () => {
      emu.fault({ method: 'GET', kind: 'status', status: 429, retryAfter: 3 });
      const companies = await bc.service.listCompanies();
      assert.equal(companies.length, 3);
      assert.deepEqual(bc.sleeps, [3000]);
      assert.deepEqual(bc.waits, [3]);
      assert.deepEqual(emu.requests.map((r) => r.status), [429, 200]);
    });

    it('waits out a 429 with Retry-After as an HTTP date', async () => {
      emu.fault({ method: 'GET', kind: 'status', status: 429, retryAfter: new Date(Date.now() + 5_000) });
      await bc.service.listCompanies();
      assert.equal(bc.sleeps.length, 1);
      assert.ok(bc.sleeps[0] > 2_000 && bc.sleeps[0] <= 5_000, String(bc.sleeps[0]));
    });

    it('retries an upload after 429 and 504, sending the whole body again', async () => {
      emu.fault({ method: 'PATCH', kind: 'status', status: 429, retryAfter: 1 });
      emu.fault({ method: 'PATCH', kind: 'status', status: 504 });
      const { bytes, source } = pngSource(12, 12, 7);
      const progress: number[] = [];
      await bc.service.uploadPicture(CRONUS, DEMO.customer(80000), source, { onProgress: (sent) => progress.push(sent) });
      const patches = emu.requests.filter((r) => r.method === 'PATCH');
      assert.deepEqual(patches.map((r) => r.status), [429, 504, 204]);
      assert.ok(patches.every((r) => r.bodySha256 === sha256(bytes)));
      assert.equal(bc.sleeps[0], 1000);
      assert.equal(bc.sleeps.length, 2);
      assert.equal(progress.filter((value) => value === 0).length, 3, 'progress restarts per attempt');
    });

    it('retries a 502 like a 503, honouring its Retry-After', async () => {
      emu.fault({ method: 'PATCH', kind: 'status', status: 502, retryAfter: 2 });
      const { bytes, source } = pngSource(9, 9, 17);
      await bc.service.uploadPicture(CRONUS, DEMO.customer(80000), source);
      const patches = emu.requests.filter((r) => r.method === 'PATCH');
      assert.deepEqual(patches.map((r) => r.status), [502, 204]);
      assert.ok(patches.every((r) => r.bodySha256 === sha256(bytes)));
      assert.deepEqual(bc.sleeps, [2000]);
    });

    it('waits longer for the answer to an upload than to a read: the service may take minutes to import a picture', async () => {
      assert.ok(UPLOAD_HEADERS_TIMEOUT_MS > 8 * 60_000, 'longer than the service\'s own 8 minutes');
      const h = harness(bcSettings(), { first: BC_TOKEN }, { timeouts: { headersMs: 300, uploadHeadersMs: 10_000, bodyMs: 10_000 } });
      emu.fault({ method: 'PATCH', kind: 'latency', ms: 1_000 });
      const { bytes, source } = pngSource(7, 7, 27);
      await h.service.uploadPicture(CRONUS, DEMO.customer(80000), source);
      assert.equal(emu.data.company(CRONUS)!.customers.picture(DEMO.customer(80000)).bytes?.equals(bytes), true);
      emu.fault({ method: 'GET', kind: 'latency', ms: 1_000 });
      await rejects(h.service.listCompanies(), 'timeout', /did not answer in time/);
    });

    it('gives up on a persistent 503 after a bounded number of attempts, with a clear error', async () => {
      emu.fault({ kind: 'status', status: 503, times: Infinity });
      const error = await rejects(bc.service.listCompanies(), 'unavailable', /busy/);
      assert.equal(error.status, 503);
      assert.equal(error.code, 'ServiceUnavailable');
      assert.ok(error.correlationId);
      assert.match(error.message, new RegExp(error.correlationId!));
      assert.equal(emu.requests.length, 5);
      assert.equal(bc.sleeps.length, 4);
      assert.deepEqual(bc.waits.length, 4);
    });

    it('stops retrying when the time budget is spent', async () => {
      let clock = 0;
      const h = harness(bcSettings(), { first: BC_TOKEN }, {
        retry: {
          maxTotalMs: 10_000,
          now: () => clock,
          sleep: async (ms) => {
            clock += ms;
          },
        },
      });
      emu.fault({ kind: 'status', status: 429, retryAfter: 4, times: Infinity });
      await rejects(h.service.listCompanies(), 'throttled', /Wait/);
      assert.equal(emu.requests.length, 3);
    });

    it('does not retry a 4xx upload answer', async () => {
      emu.fault({ method: 'PATCH', kind: 'status', status: 400, code: 'BadRequest', message: 'Nope.' });
      await rejects(bc.service.uploadPicture(CRONUS, DEMO.customer(80000), pngSource(3, 3, 1).source), 'badRequest', /Nope/);
      assert.equal(emu.requests.length, 1);
    });

    it('sends the upload again after the connection was reset mid-body', async () => {
      const { bytes, source } = pngSource(400, 300, 8);
      emu.fault({ method: 'PATCH', kind: 'reset' });
      const picture = await bc.service.uploadPicture(CRONUS, DEMO.customer(90000), source);
      assert.equal(picture.width, 400);
      const patches = emu.requests.filter((r) => r.method === 'PATCH');
      assert.equal(patches.length, 2);
      assert.equal(patches[0].aborted, true);
      assert.ok(patches[0].bodySize < bytes.length);
      assert.equal(patches[1].bodySha256, sha256(bytes));
      assert.equal(patches[1].status, 204);
    });

    it('retries a read after a reset', async () => {
      emu.fault({ method: 'GET', kind: 'reset' });
      assert.equal((await bc.service.listCompanies()).length, 3);
      assert.equal(emu.requests.length, 2);
    });

    it('ends a hanging request with a timeout error', async () => {
      const h = harness(bcSettings(), { first: BC_TOKEN }, { timeouts: { headersMs: 300, bodyMs: 300 } });
      emu.fault({ method: 'GET', kind: 'hang' });
      const started = Date.now();
      await rejects(h.service.listCompanies(), 'timeout', /did not answer in time/);
      assert.ok(Date.now() - started < 3_000);
    });
  });

  describe('credentials', () => {
    it('answers a 401 with one fresh credential', async () => {
      emu.fault({ method: 'GET', kind: 'expiredToken' });
      assert.equal((await bc.service.listCompanies()).length, 3);
      assert.deepEqual(bc.authorizeCalls, [false, true]);
      assert.deepEqual(emu.requests.map((r) => r.status), [401, 200]);
    });

    it('gives a clear sign-in error when the fresh credential is refused too', async () => {
      const h = harness(bcSettings(), { first: 'unknown-SECRET-a', fresh: 'unknown-SECRET-b' });
      const error = await rejects(h.service.listCompanies(), 'auth', /sign-in/);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'Authentication_InvalidCredentials');
      assert.deepEqual(h.authorizeCalls, [false, true]);
      assert.equal(emu.requests.length, 2);
      assert.ok(!/SECRET/.test(h.log.text + error.message + error.stack + JSON.stringify(error)));
    });

    it('accepts Basic authentication against an on-premises-shaped API root', async () => {
      emu.setBasic({ userName: 'ADMIN', key: 'SECRET-key' });
      try {
        const h = harness({ api: 'businessCentral', serviceUrl: `${emu.bcBaseUrl()}/`, environment: 'ignored' }, { first: `Basic ${Buffer.from('ADMIN:SECRET-key').toString('base64')}` });
        assert.equal((await h.service.listCompanies()).length, 3);
        assert.equal(emu.requests[0].headers.authorization, 'Basic <redacted>');
      } finally {
        emu.setBasic(undefined);
      }
    });

    it('explains AADSTS65002 from the sign-in with the clientId setting', async () => {
      const h = harness(bcSettings(), { first: BC_TOKEN }, {
        authorize: async () => {
          throw new Error('AADSTS65002: Consent between first party application and first party resource must be configured via preauthorization');
        },
      });
      await rejects(h.service.listCompanies(), 'auth', /bcPictures\.clientId/);
      assert.equal(emu.requests.length, 0);
    });

    it('explains a 403 with the permission set', async () => {
      emu.fault({ kind: 'status', status: 403, code: 'Authorization_RequestDenied', message: 'You do not have the permission.' });
      const error = await rejects(bc.service.uploadPicture(CRONUS, DEMO.customer(10000), pngSource(3, 3, 2).source), 'permission', /D365 BUS FULL ACCESS/);
      assert.match(error.message, /Authorization_RequestDenied/);
      assert.match(error.message, /CorrelationId/);
    });

    it('explains a 404: pick again', async () => {
      const gone = 'c0ffee00-0000-4000-8000-999999999999';
      const error = await rejects(bc.service.getCustomer(CRONUS, gone), 'notFound', /Pick the customer again/);
      assert.equal(error.code, 'BadRequest_NotFound');
      assert.match(error.message, /BadRequest_NotFound/);
      await rejects(bc.service.uploadPicture(CRONUS, gone, pngSource(3, 3, 2).source), 'notFound');
      await rejects(bc.service.listCustomers('a1b2c3d4-0009-4000-8000-000000000009', {}), 'notFound', /company/);
    });

    it('refuses a nextLink to another host without sending anything there', async () => {
      emu.fault({ method: 'GET', kind: 'foreignNextLink' });
      await rejects(bc.service.listCustomers(CRONUS, { pageSize: 2 }), 'invalidResponse', /another address \(http:\/\/localhost:\d+\)/);
      assert.equal(emu.requests.length, 1);
      emu.clearRequests();
      const cursor = (nextLink: string) => ({ parts: [{ nextLink, pageSize: 2 }] });
      await rejects(bc.service.nextCustomers(cursor(`http://localhost:${emu.port}/v2.0/production/api/v2.0/companies(${CRONUS})/customers?$skiptoken=x`)), 'invalidResponse');
      await rejects(bc.service.nextCustomers(cursor('https://evil.test/steal')), 'invalidResponse');
      assert.equal(emu.requests.length, 0);
      assert.deepEqual(bc.authorizeCalls, [false]);
    });

    it('stops a list of companies whose next link comes back to the same page, instead of paging for ever', async () => {
      emu.fault({ method: 'GET', path: /companies/, kind: 'selfNextLink', times: Infinity });
      await rejects(bc.service.listCompanies(), 'invalidResponse', /kept sending more pages of companies without end/);
      assert.equal(emu.requests.length, 1, 'the second page was the first one again: not asked for');
    });

    it('does not follow a redirect', async () => {
      emu.fault({ method: 'GET', kind: 'redirect' });
      await rejects(bc.service.listCompanies(), 'redirect', /localhost/);
      assert.equal(emu.requests.length, 1);
    });
  });

  describe('conflicts and deletes', () => {
    it('explains a 409: changed meanwhile, try again', async () => {
      emu.fault({ method: 'PATCH', kind: 'status', status: 409, code: 'Request_EntityChanged', message: 'Another user has already changed the record.' });
      const error = await rejects(bc.service.uploadPicture(CRONUS, DEMO.customer(10000), pngSource(3, 3, 2).source), 'conflict', /Try again/);
      assert.match(error.message, /Request_EntityChanged/);
      assert.equal(emu.requests.length, 1);
    });

    it('deletes a picture on Graph', async () => {
      await graph.service.uploadPicture(MY_COMPANY, DEMO.customer(1002), pngSource(5, 5, 5).source);
      await graph.service.deletePicture(MY_COMPANY, DEMO.customer(1002));
      assert.equal(await graph.service.downloadPicture(MY_COMPANY, DEMO.customer(1002)), undefined);
      const del = emu.requests.find((r) => r.method === 'DELETE')!;
      assert.match(del.path, /\/picture\/c0ffee00-0000-4000-8000-000000001002$/);
      assert.equal(del.status, 204);
    });
  });

  describe('answers that are not what they should be', () => {
    it('reports malformed JSON', async () => {
      emu.fault({ method: 'GET', kind: 'malformedJson' });
      await rejects(bc.service.listCompanies(), 'invalidResponse', /malformed JSON/);
      assert.ok(bc.log.lines.some((line) => /GET .*\/companies.* → 200/.test(line)), bc.log.text);
    });

    it('reports a wrong content type', async () => {
      emu.fault({ method: 'GET', kind: 'wrongContentType' });
      await rejects(bc.service.listCompanies(), 'invalidResponse', /text\/html/);
    });
  });

  describe('cancellation', () => {
    it('aborts an upload at once and leaves the old picture intact', async () => {
      const before = sha256(emu.data.company(CRONUS)!.customers.picture(DEMO.customer(60000)).bytes!);
      const size = 4 * 1024 * 1024;
      const controller = new AbortController();
      const source: UploadSource = {
        byteSize: size,
        contentType: 'image/png',
        width: 1,
        height: 1,
        async *open() {
          for (let sent = 0; sent < size; sent += 64 * 1024) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            yield Buffer.alloc(64 * 1024, 7);
          }
        },
      };
      let abortedAt = 0;
      const upload = bc.service.uploadPicture(CRONUS, DEMO.customer(60000), source, {
        signal: controller.signal,
        onProgress: (sent) => {
          if (sent >= 512 * 1024 && !controller.signal.aborted) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      await rejects(upload, 'cancelled', /cancelled/);
      assert.ok(Date.now() - abortedAt < 1_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const patches = emu.requests.filter((r) => r.method === 'PATCH');
      assert.equal(patches.length, 1);
      assert.ok(patches[0].bodySize < size);
      assert.notEqual(patches[0].status, 204);
      assert.equal(sha256(emu.data.company(CRONUS)!.customers.picture(DEMO.customer(60000)).bytes!), before);
    });

    it('cancels while waiting for a throttled service', async () => {
      const controller = new AbortController();
      const h = harness(bcSettings(), { first: BC_TOKEN }, {
        retry: {
          sleep: (ms, signal) =>
            new Promise((resolve, reject) => {
              controller.abort();
              if (signal?.aborted) {
                reject(new Error('aborted'));
              } else {
                setTimeout(resolve, ms);
              }
            }),
        },
      });
      emu.fault({ kind: 'status', status: 429, retryAfter: 30 });
      await rejects(h.service.listCompanies({ signal: controller.signal }), 'cancelled');
      assert.equal(emu.requests.length, 1);
    });

    it('does not start when already cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      await rejects(bc.service.listCompanies({ signal: controller.signal }), 'cancelled');
      assert.equal(emu.requests.length, 0);
    });
  });

  describe('secrets', () => {
    it('never puts a credential into an error or a log line', async () => {
      const errors: unknown[] = [];
      const attempts = [
        () => {
          emu.fault({ kind: 'status', status: 503, times: Infinity });
          return bc.service.listCompanies();
        },
        () => {
          emu.fault({ method: 'GET', kind: 'redirect' });
          return bc.service.getCustomer(CRONUS, DEMO.customer(10000));
        },
        () => {
          emu.fault({ method: 'GET', kind: 'malformedJson' });
          return graph.service.listCompanies();
        },
        () => harness(bcSettings(), { first: 'Bearer SECRET-nope' }).service.listCompanies(),
      ];
      for (const attempt of attempts) {
        try {
          await attempt();
        } catch (error) {
          errors.push(error);
        }
        emu.clearFaults();
      }
      assert.equal(errors.length, attempts.length);
      for (const error of errors) {
        const e = error as ServiceError;
        const text = [e.message, e.stack, JSON.stringify(e), String(e.cause ?? '')].join('\n');
        assert.ok(!/SECRET/.test(text), text);
      }
    });
  });
});

describe('api/client: body size limit', () => {
  it('explains a 413', async () => {
    const emu = await startEmulator({ maxBodyBytes: 1_000 });
    try {
      emu.acceptToken(BC_TOKEN, { audience: 'businesscentral' });
      const h = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: BC_TOKEN });
      await rejects(h.service.uploadPicture(CRONUS, DEMO.customer(20000), pngSource(200, 200, 1).source), 'tooLarge', /too large/);
    } finally {
      await emu.close();
    }
  });
});
