import { createPictureService } from '../../../src/api';
import { silentLog } from '../../../src/common/log';
import { DEMO } from '../../emulator';
import type { EmulatorProcess } from '../emulatorProcess';
import { add, section } from '../report';

/**
 * The lookup of many customer numbers on a current and on an older server (which ignores `in` and returns the
 * whole table). Baseline: the previous client, `number in (…)` in batches of 50 paged through `nextLink`.
 */
export async function lookup(current: EmulatorProcess, old: EmulatorProcess): Promise<void> {
  const count = 1000;
  section(`Bulk lookup (${count.toLocaleString('en')} numbers in a company of ${DEMO.bigCustomers.toLocaleString('en')} customers)`);
  const company = DEMO.bigCompanyId;
  // Every 97th customer, and 5 % numbers no customer has: what a folder of photos looks like.
  const numbers = Array.from({ length: count }, (_, i) => (i % 20 === 19 ? `X${i}` : `C${String(1 + i * 97).padStart(6, '0')}`));
  const existing = numbers.filter((n) => n.startsWith('C'));
  for (const [label, emu] of [
    ['current server', current],
    ['older server', old],
  ] as const) {
    const token = `bench-lookup-${label.replace(/ /g, '-')}`;
    await emu.acceptToken(token, { audience: 'businesscentral', user: token });
    const service = createPictureService({ api: 'businessCentral', serviceUrl: emu.bcBaseUrl, environment: 'production' }, { authorize: async () => `Bearer ${token}`, log: silentLog });
    await emu.clearRequests();
    const before = await emu.bytes();
    const started = process.hrtime.bigint();
    const found = await service.findCustomersByNumber(company, numbers);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const after = await emu.bytes();
    const requests = await emu.requests();
    const baseline = await previousLookup(emu, token, company, numbers.slice(0, 50));
    const baselineLabel = `previous client, first batch of 50 only: ${baseline.outcome}`;
    add({ section: 'lookup', figure: `Lookup on the ${label}: requests (customers found: ${found.length})`, value: requests.length, unit: '', baseline: baseline.requests, baselineLabel, target: '≤ 40', pass: requests.length <= 40 && requests.every((r) => r.status === 200), runs: 1 });
    add({ section: 'lookup', figure: `Lookup on the ${label}: bytes received`, value: after.sent - before.sent, unit: 'bytes', baseline: baseline.received, baselineLabel, runs: 1 });
    add({ section: 'lookup', figure: `Lookup on the ${label}: time`, value: ms, unit: 'ms', runs: 1 });
    const exact = found.length === existing.length && found.every((customer, i) => customer.number === existing[i]);
    add({ section: 'lookup', figure: `Lookup on the ${label}: exactly the ${existing.length} customers that exist were found`, value: exact ? 'yes' : 'no', unit: '', target: 'yes', pass: exact, runs: 1 });
  }
}

/** The previous client's lookup of one batch, by hand: `number in (…)`, pages of the batch's size, every nextLink followed. */
async function previousLookup(emu: EmulatorProcess, token: string, company: string, batch: readonly string[]): Promise<{ requests: number; received: number; outcome: string }> {
  const { request } = await import('undici');
  await emu.clearRequests();
  const before = await emu.bytes();
  const filter = `number in (${batch.map((n) => `'${n}'`).join(',')})`;
  let url: string | undefined = `${emu.bcBaseUrl}/companies(${company})/customers?$select=id,number,displayName&$filter=${encodeURIComponent(filter)}`;
  let rows = 0;
  let outcome = '';
  for (let pages = 0; url && pages < 5_000; pages++) {
    const response = await request(url, { headers: { authorization: `Bearer ${token}`, prefer: `odata.maxpagesize=${batch.length}` } });
    const body = (await response.body.json()) as { value?: unknown[]; '@odata.nextLink'?: string; error?: { code?: string } };
    if (response.statusCode !== 200) {
      outcome = `refused, ${response.statusCode} ${body.error?.code ?? ''}`;
      break;
    }
    rows += body.value?.length ?? 0;
    url = body['@odata.nextLink'];
  }
  const after = await emu.bytes();
  const requests = (await emu.requests()).length;
  outcome ||= `${requests.toLocaleString('en')} requests for ${rows.toLocaleString('en')} rows: the whole table (×${Math.ceil(1000 / batch.length)} batches for 1,000 numbers)`;
  return { requests, received: after.sent - before.sent, outcome };
}
