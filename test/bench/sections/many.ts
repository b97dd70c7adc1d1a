/** Many pictures: 500 small uploads one at a time and 4 in flight, with and without 429s. */
import { bytesUploadSource, type PictureService } from '../../../src/api';
import { PauseGate, runPool } from '../../../src/bulk';
import { DEMO, makePng } from '../../emulator';
import { clientsAs, median } from '../common';
import type { EmulatorProcess } from '../emulatorProcess';
import { add, section } from '../report';

export async function many(emu: EmulatorProcess): Promise<void> {
  const count = 500;
  const latency = 20;
  section(`Many pictures (${count} small PNGs, ${latency} ms emulated latency per request)`);
  const company = DEMO.bigCompanyId;
  const serviceFor = clientsAs(emu, 'bench-many');
  const { service: lister } = await serviceFor();
  const customers = (await lister.listCustomers(company, { pageSize: count })).items.map((c) => c.id);
  const images = customers.map((_, i) => makePng(32, 24, i % 200));
  await emu.fault({ kind: 'latency', ms: latency, times: Infinity });

  const once = async (concurrency: number, throttled: number) => {
    await emu.clearRequests();
    const gate = new PauseGate();
    const { service, user } = await serviceFor((seconds) => gate.pause(seconds * 1000));
    // Throttle specific customers' first PATCH, spread over the run.
    const throttledIds = new Set(customers.filter((_, i) => throttled > 0 && i % Math.floor(count / throttled) === 7).slice(0, throttled));
    for (const id of throttledIds) {
      await emu.fault({ method: 'PATCH', path: `customers(${id})/picture/pictureContent`, kind: 'status', status: 429, retryAfter: 1 });
    }
    const work = (index: number) => uploadOne(service, company, customers[index], images[index]);
    const indexes = customers.map((_, i) => i);
    const started = process.hrtime.bigint();
    let outcomes: Array<{ state: string }>;
    if (concurrency === 1) {
      outcomes = [];
      for (const i of indexes) outcomes.push(await work(i).then(() => ({ state: 'done' }), () => ({ state: 'failed' })));
    } else {
      outcomes = await runPool(indexes, (i) => work(i), { concurrency, gate });
    }
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    const requests = await emu.requests();
    const okPatches = new Map<string, number>();
    let throttledSeen = 0;
    for (const r of requests) {
      if (r.method !== 'PATCH') continue;
      if (r.status === 429) throttledSeen++;
      const id = /customers\(([0-9a-f-]{36})\)/i.exec(r.path)?.[1]?.toLowerCase();
      if (id && r.status >= 200 && r.status < 300) okPatches.set(id, (okPatches.get(id) ?? 0) + 1);
    }
    const failures = outcomes.filter((o) => o.state !== 'done').length;
    const duplicates = [...okPatches.values()].filter((n) => n > 1).length;
    const missing = customers.filter((id) => !okPatches.has(id.toLowerCase())).length;
    const stats = await emu.userStats(user);
    return { s, failures, duplicates, missing, throttledSeen, peakInFlight: stats.peakInFlight };
  };

  const sequential = await once(1, 0);
  const concurrentRuns = [];
  for (let i = 0; i < 3; i++) concurrentRuns.push(await once(4, 0));
  const throttledRun = await once(4, 10);
  await emu.clearFaults();

  const concurrent = median(concurrentRuns.map((r) => r.s));
  const impl = 'src/bulk/pool.ts runPool';
  add({
    section: 'many',
    figure: `Many pictures: ${count} uploads, 4 in flight (${impl}; peak in flight ${Math.max(...concurrentRuns.map((r) => r.peakInFlight))})`,
    value: concurrent,
    unit: 's',
    baseline: sequential.s,
    baselineLabel: 'one at a time (1 run)',
    ratio: sequential.s / concurrent,
    ratioLabel: `${(sequential.s / concurrent).toFixed(2)}× faster`,
    target: '≥ 3.5× faster',
    pass: sequential.s / concurrent >= 3.5,
    runs: concurrentRuns.length,
  });
  const clean = [sequential, ...concurrentRuns].every((r) => r.failures === 0 && r.duplicates === 0 && r.missing === 0);
  add({
    section: 'many',
    figure: 'Many pictures: failures / duplicate PATCHes / customers without one, runs above',
    value: clean ? '0 / 0 / 0' : [sequential, ...concurrentRuns].map((r) => `${r.failures}/${r.duplicates}/${r.missing}`).join(', '),
    unit: '',
    target: '0 / 0 / 0',
    pass: clean,
    runs: 1 + concurrentRuns.length,
  });
  add({
    section: 'many',
    figure: `Many pictures under 429s (${throttledRun.throttledSeen} PATCHes answered 429, Retry-After 1 s): wall time`,
    value: throttledRun.s,
    unit: 's',
    baseline: concurrent,
    baselineLabel: 'same, no 429s',
    ratio: throttledRun.s / concurrent,
    runs: 1,
  });
  add({
    section: 'many',
    figure: 'Many pictures under 429s: failures / duplicate PATCHes / customers without one',
    value: `${throttledRun.failures} / ${throttledRun.duplicates} / ${throttledRun.missing}`,
    unit: '',
    target: '0 / 0 / 0',
    pass: throttledRun.failures === 0 && throttledRun.duplicates === 0 && throttledRun.missing === 0 && throttledRun.throttledSeen > 0,
    runs: 1,
  });
}

async function uploadOne(service: PictureService, company: string, customer: string, png: Buffer): Promise<void> {
  await service.uploadPicture(company, customer, bytesUploadSource(png, { contentType: 'image/png', width: 32, height: 24 }));
}
