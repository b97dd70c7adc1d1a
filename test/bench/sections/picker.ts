/** Customer picker: first page and search in a big company, next to listing every customer. */
import { createPictureService, ServiceCapabilities } from '../../../src/api';
import { silentLog } from '../../../src/common/log';
import { DEMO } from '../../emulator';
import { median } from '../common';
import type { EmulatorProcess } from '../emulatorProcess';
import { add, section } from '../report';

export async function picker(emu: EmulatorProcess): Promise<void> {
  section(`Customer picker (${DEMO.bigCustomers.toLocaleString('en')} customers)`);
  const token = 'bench-picker-token';
  await emu.acceptToken(token, { audience: 'businesscentral', user: 'bench-picker' });
  // What the service supports is asked once per extension session: measured apart, below.
  const capabilities = new ServiceCapabilities();
  const service = createPictureService(
    { api: 'businessCentral', serviceUrl: emu.bcBaseUrl, environment: 'production' },
    { authorize: async () => `Bearer ${token}`, log: silentLog, capabilities },
  );
  const company = DEMO.bigCompanyId;

  /** One measurement from a cold connection: requests, bytes both ways on the wire (headers included), time. */
  const measure = async (work: () => Promise<number>) => {
    await emu.clearRequests();
    const before = await emu.bytes();
    const started = process.hrtime.bigint();
    const items = await work();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const after = await emu.bytes();
    const requests = (await emu.requests()).length;
    return { ms, items, requests, received: after.sent - before.sent, sent: after.received - before.received };
  };
  const repeat = async (runs: number, work: () => Promise<number>) => {
    const all = [];
    for (let i = 0; i < runs; i++) all.push(await measure(work));
    return {
      ms: median(all.map((r) => r.ms)),
      items: all[0].items,
      requests: median(all.map((r) => r.requests)),
      received: median(all.map((r) => r.received)),
      sent: median(all.map((r) => r.sent)),
      runs,
    };
  };
  const full = await repeat(3, async () => {
    let page = await service.listCustomers(company, { pageSize: 20_000 });
    let count = page.items.length;
    while (page.more) {
      page = await service.nextCustomers(page.more);
      count += page.items.length;
    }
    return count;
  });
  const first = await repeat(7, async () => (await service.listCustomers(company, {})).items.length);
  const firstSearch = await measure(async () => (await service.listCustomers(company, { search: 'harbor' })).items.length);
  // 'harbor' matches 3,840 of the generated names (the example 'ada' matches none of them).
  const search = await repeat(7, async () => (await service.listCustomers(company, { search: 'harbor' })).items.length);
  const fullLabel = `every customer (${full.items.toLocaleString('en')}), pages of 20,000`;
  add({
    section: 'picker',
    figure: "Picker's first search of a session: requests (by name, plus the one probe for case-insensitive search; a lower-case word is no number)",
    value: firstSearch.requests,
    unit: '',
    baseline: full.requests,
    baselineLabel: fullLabel,
    runs: 1,
  });
  for (const [name, r, most] of [
    [`first page (${first.items} customers)`, first, 1],
    [`search 'harbor' by name (first ${search.items} shown)`, search, 1],
  ] as const) {
    add({ section: 'picker', figure: `Picker ${name}: requests`, value: r.requests, unit: '', baseline: full.requests, baselineLabel: fullLabel, target: `≤ ${most}`, pass: r.requests <= most, runs: r.runs });
    add({
      section: 'picker',
      figure: `Picker ${name}: bytes received (wire, with headers)`,
      value: r.received,
      unit: 'bytes',
      baseline: full.received,
      baselineLabel: fullLabel,
      ratio: r.received / full.received,
      ratioLabel: `${((100 * r.received) / full.received).toFixed(3)} %`,
      target: '< 1 %',
      pass: r.received < 0.01 * full.received,
      runs: r.runs,
    });
    add({
      section: 'picker',
      figure: `Picker ${name}: time to first items`,
      value: r.ms,
      unit: 'ms',
      baseline: full.ms,
      baselineLabel: fullLabel,
      ratio: r.ms / full.ms,
      runs: r.runs,
    });
  }
}
