import * as assert from 'node:assert/strict';
import { bigCustomers, DEMO, type Emulator } from '../../emulator';
import { call, start } from './helpers';

describe('emulator: paging a 100,000-customer company', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let customers: string;

  before(async () => {
    emu = await start({ bigCompany: true });
    customers = `${emu.bcBaseUrl()}/companies(${DEMO.bigCompanyId})/customers`;
  });
  after(() => emu.close());

  async function all(first: string, headers: Record<string, string>): Promise<{ pages: number; rows: Array<Record<string, unknown>>; links: string[] }> {
    const rows: Array<Record<string, unknown>> = [];
    const links: string[] = [];
    let url: string | undefined = first;
    let pages = 0;
    while (url) {
      const r = await call(url, { headers });
      assert.equal(r.status, 200, r.text.slice(0, 300));
      pages++;
      rows.push(...r.json.value);
      url = r.json['@odata.nextLink'];
      if (url) {
        links.push(url);
      }
    }
    return { pages, rows, links };
  }

  it('lists the big company among the companies', async () => {
    const r = await call(`${emu.bcBaseUrl()}/companies?$filter=${encodeURIComponent(`name eq '${DEMO.bigCompanyName}'`)}`);
    assert.deepEqual(r.json.value.map((c: { id: string }) => c.id), [DEMO.bigCompanyId]);
  });

  it('pages to the last page with Prefer: odata.maxpagesize=5000: 20 pages, all 100,000, no duplicates, in key order', async () => {
    const first = await call(`${customers}?$count=true`, { headers: { prefer: 'odata.maxpagesize=5000' } });
    assert.equal(first.json['@odata.count'], 100_000);
    assert.equal(first.headers['preference-applied'], 'odata.maxpagesize=5000');
    assert.equal(first.json.value.length, 5000);
    const { pages, rows, links } = await all(`${customers}?$select=id,number`, { prefer: 'odata.maxpagesize=5000' });
    assert.equal(pages, 20);
    assert.equal(rows.length, 100_000);
    assert.equal(new Set(rows.map((r) => r.id)).size, 100_000);
    const expected = bigCustomers(100_000);
    for (let i = 0; i < rows.length; i += 997) {
      assert.equal(rows[i].number, expected[i].number);
      assert.equal(rows[i].id, expected[i].id);
    }
    assert.deepEqual(Object.keys(rows[0]), ['@odata.etag', 'id', 'number']);
    for (const link of links) {
      const u = new URL(link);
      assert.equal(u.origin, emu.url);
      assert.equal(u.pathname, new URL(customers).pathname);
      assert.equal(u.searchParams.get('$select'), 'id,number');
      assert.ok(u.searchParams.get('$skiptoken'));
    }
  });

  it('serves 20,000 per page without Prefer, and answers a page size over 20,000 with 413', async () => {
    const r = await call(`${customers}?$select=number`);
    assert.equal(r.json.value.length, 20_000);
    assert.equal(r.headers['preference-applied'], undefined);
    assert.ok(r.json['@odata.nextLink']);
    const big = await call(customers, { headers: { prefer: 'odata.maxpagesize=20001' } });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 'Request_EntityTooLarge');
    const bad = await call(customers, { headers: { prefer: 'odata.maxpagesize=lots' } });
    assert.equal(bad.status, 400);
  });

  it('searches at scale: the filter is kept in every nextLink and the result matches the generator', async () => {
    const filter = "startswith(displayName,'Alder') and blocked eq ' ' and contains(tolower(city),'a')";
    const { rows, links } = await all(`${customers}?$filter=${encodeURIComponent(filter)}&$select=number,displayName,city,blocked&$count=true&$schemaversion=2.1`, { prefer: 'odata.maxpagesize=500' });
    const expected = bigCustomers(100_000).filter((c) => c.displayName.startsWith('Alder') && c.blocked === ' ' && c.city.toLowerCase().includes('a'));
    assert.ok(expected.length > 1000, String(expected.length));
    assert.deepEqual(rows.map((r) => r.number), expected.map((c) => c.number));
    for (const link of links) {
      assert.equal(new URL(link).searchParams.get('$filter'), filter);
    }
  });

  it('pages $orderby consistently and honours $top across pages', async () => {
    const { rows } = await all(`${customers}?$orderby=displayName desc,number&$top=12000&$select=number,displayName`, { prefer: 'odata.maxpagesize=5000' });
    assert.equal(rows.length, 12_000);
    const expected = bigCustomers(100_000)
      .slice()
      .sort((a, b) => (a.displayName === b.displayName ? (a.number < b.number ? -1 : 1) : a.displayName < b.displayName ? 1 : -1))
      .slice(0, 12_000);
    assert.deepEqual(rows.map((r) => r.number), expected.map((c) => c.number));
    const skipped = await call(`${customers}?$skip=99990&$select=number`, { headers: { prefer: 'odata.maxpagesize=5000' } });
    assert.equal(skipped.json.value.length, 10);
    assert.equal(skipped.json['@odata.nextLink'], undefined);
  });

  it('refuses a skiptoken it did not issue', async () => {
    const r = await call(`${customers}?$skiptoken=garbage`);
    assert.equal(r.status, 400);
  });
});
