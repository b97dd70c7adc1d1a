/**
 * 2,000 pictures against the emulator's online profile (5 execute at once, 95 queue, a sliding request budget,
 * time per request), at 5× speed so that a run takes seconds: today's algorithm (PATCH + GET each, 4 in flight)
 * beside one request a picture with the stored facts read back in batches and concurrency that adapts to 429s.
 */
import { createHash } from 'node:crypto';
import { bytesUploadSource, type PictureService } from '../../../src/api';
import { AdaptiveLimit, PauseGate, RequestBudget, runPool, SERVICE_MAX_CONCURRENT } from '../../../src/bulk';
import { DEMO, makePng, ONLINE_TIMING, SERVICE_LIMITS } from '../../emulator';
import { EmulatorProcess } from '../emulatorProcess';
import { clientsAs, median } from '../common';
import { add, section } from '../report';

const COUNT = 2000;
/** The online profile at 5× speed: a fifth of its time per request and per MiB, five times its requests per second. */
const SPEED = 5;
const LATENCY_MS = ONLINE_TIMING.latencyMs / SPEED;
/** 6,000 per 5 minutes is 20 a second; ×5 is 100 a second, in a 3 s window so that a run of seconds feels it. */
const WINDOW_MS = 3_000;
const BUDGET = Math.round(((SERVICE_LIMITS.requestsPerWindow / SERVICE_LIMITS.windowMs) * SPEED) * WINDOW_MS);
const WIDTH = 32;
const HEIGHT = 24;

interface Run {
  readonly s: number;
  readonly requests: number;
  readonly failures: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly wrongCustomer: number;
  readonly throttled: number;
  readonly peakInFlight: number;
  /** Median time one picture's requests took as the client saw them (send to answer), in seconds. */
  readonly latency: number;
}

export async function online(): Promise<void> {
  section(`Many pictures online-like (${COUNT} PNGs; ${LATENCY_MS} ms a request, ${BUDGET} requests per ${WINDOW_MS / 1000} s, 5 at once: the online profile at ${SPEED}× speed)`);
  const emu = await EmulatorProcess.start({
    bigCompany: COUNT,
    profile: 'online',
    timing: { latencyMs: LATENCY_MS, importMsPerMb: ONLINE_TIMING.importMsPerMb / SPEED },
    limits: { requestsPerWindow: BUDGET, windowMs: WINDOW_MS },
  });
  try {
    const company = DEMO.bigCompanyId;
    // Each algorithm as its own user: the budget of one run must not slow the next.
    const serviceFor = clientsAs(emu, 'bench-online');
    const { service: lister } = await serviceFor();
    const customers = (await lister.findCustomersByNumber(company, Array.from({ length: COUNT }, (_, i) => `C${String(i + 1).padStart(6, '0')}`)));
    if (customers.length !== COUNT) throw new Error(`the big company has ${customers.length} of ${COUNT} customers`);
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    // Distinct bytes per customer, so that a picture on the wrong customer shows.
    const images = customers.map((_, i) => makePng(WIDTH, HEIGHT, i));
    const hashes = new Map(customers.map((c, i) => [c.id.toLowerCase(), createHash('sha256').update(images[i]).digest('hex')]));

    const measure = async (
      name: string,
      algorithm: (service: PictureService, gate: PauseGate, limit: AdaptiveLimit | undefined, timed: <T>(work: () => Promise<T>) => Promise<T>) => Promise<Map<string, string>>,
      adaptive: boolean,
    ): Promise<Run> => {
      const durations: number[] = [];
      const timed = async <T>(work: () => Promise<T>): Promise<T> => {
        const t = process.hrtime.bigint();
        try {
          return await work();
        } finally {
          durations.push(Number(process.hrtime.bigint() - t) / 1e9);
        }
      };
      await emu.clearRequests();
      const gate = new PauseGate();
      const limit = adaptive ? new AdaptiveLimit(SERVICE_MAX_CONCURRENT) : undefined;
      const { service, user } = await serviceFor((seconds) => {
        gate.pause(seconds * 1000);
        limit?.throttled();
      });
      const started = process.hrtime.bigint();
      const facts = await algorithm(service, gate, limit, timed);
      const s = Number(process.hrtime.bigint() - started) / 1e9;
      const requests = (await emu.requests()).filter((r) => r.user === user);
      const okPatches = new Map<string, number>();
      let wrongCustomer = 0;
      for (const r of requests) {
        if (r.method !== 'PATCH' || r.status < 200 || r.status >= 300) continue;
        const id = /customers\(([0-9a-f-]{36})\)/i.exec(r.path)?.[1]?.toLowerCase() ?? '';
        okPatches.set(id, (okPatches.get(id) ?? 0) + 1);
        if (r.bodySha256 !== hashes.get(id)) wrongCustomer++;
      }
      const expected = `${WIDTH}×${HEIGHT} image/png`;
      const stats = await emu.userStats(user);
      const run: Run = {
        s,
        requests: requests.length,
        failures: customers.filter((c) => facts.get(c.id) !== expected).length,
        duplicates: [...okPatches.values()].filter((n) => n > 1).length,
        missing: customers.filter((c) => !okPatches.has(c.id.toLowerCase())).length,
        wrongCustomer,
        throttled: requests.filter((r) => r.status === 429).length,
        peakInFlight: stats.peakInFlight,
        latency: median(durations),
      };
      console.log(`    ${name}: ${run.s.toFixed(2)} s, ${run.requests} requests (${run.throttled} answered 429), peak ${run.peakInFlight} in flight, median ${(run.latency * 1000).toFixed(1)} ms a picture`);
      return run;
    };
    const source = (i: number) => bytesUploadSource(images[i], { contentType: 'image/png', width: WIDTH, height: HEIGHT });
    const indexes = customers.map((_, i) => i);
    const described = (p: { width: number; height: number; contentType: string }) => `${p.width}×${p.height} ${p.contentType}`;

    const baseline = await measure('PATCH + GET, 4 in flight', async (service, gate, _limit, timed) => {
      const outcomes = await runPool(indexes, (i) => timed(() => service.uploadPicture(company, customers[i].id, source(i))), { concurrency: 4, gate });
      return new Map(outcomes.flatMap((o) => (o.state === 'done' ? [[customers[o.item].id, described(o.value)] as const] : [])));
    }, false);
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const batched = await measure('one request a picture, read back in batches, adaptive up to 5, paced under the budget', async (service, gate, limit, timed) => {
      // The product's pacing, for this profile's budget (the product uses the service's, SERVICE_REQUEST_BUDGET).
      const budget = new RequestBudget(BUDGET, WINDOW_MS);
      const outcomes = await runPool(indexes, (i) => timed(() => service.sendPicture(company, customers[i].id, source(i))), { concurrency: SERVICE_MAX_CONCURRENT, gate, limit, budget });
      const uploaded = outcomes.flatMap((o) => (o.state === 'done' ? [customers[o.item]] : []));
      await gate.wait();
      const stored = await service.storedPictures(company, uploaded);
      return new Map([...stored].map(([id, p]) => [id, described(p)]));
    }, true);

    // The latency of a picture as this client saw it in this run (the service's time plus the shared machine's): at most `concurrency` of them at once.
    const ceiling = (concurrency: number, latency: number, perPicture: number) => Math.min(concurrency / latency, (BUDGET / (WINDOW_MS / 1000)) / perPicture);
    for (const [label, run, concurrency] of [['PATCH + GET, 4 in flight (today)', baseline, 4], ['one request a picture + batched read-back, adaptive ≤ 5, paced', batched, SERVICE_MAX_CONCURRENT]] as const) {
      const perPicture = run.requests / COUNT;
      const rate = COUNT / run.s;
      const max = ceiling(concurrency, run.latency, perPicture);
      const isNew = run === batched;
      add({
        section: 'online',
        figure: `Online-like, ${label}: requests per picture`,
        value: perPicture.toFixed(3),
        unit: '',
        ...(isNew ? { baseline: (baseline.requests / COUNT).toFixed(3), baselineLabel: 'today', target: '≤ 1.05', pass: perPicture <= 1.05 } : {}),
        runs: 1,
      });
      add({
        section: 'online',
        figure: `Online-like, ${label}: pictures per second (ceiling min(${concurrency} ÷ ${(run.latency * 1000).toFixed(1)} ms a picture, ${BUDGET / (WINDOW_MS / 1000)}/s ÷ ${perPicture.toFixed(3)}) = ${max.toFixed(0)}/s)`,
        value: rate.toFixed(1),
        unit: '/s',
        ratio: rate / max,
        ratioLabel: `${((rate / max) * 100).toFixed(0)} % of the ceiling`,
        ...(isNew ? { baseline: (COUNT / baseline.s).toFixed(1), baselineLabel: 'today', target: '≥ 90 % of the ceiling', pass: rate / max >= 0.9 } : {}),
        runs: 1,
      });
      add({
        section: 'online',
        figure: `Online-like, ${label}: failures / duplicate PATCHes / customers without one / wrong customer`,
        value: `${run.failures} / ${run.duplicates} / ${run.missing} / ${run.wrongCustomer}`,
        unit: '',
        target: '0 / 0 / 0 / 0',
        pass: run.failures === 0 && run.duplicates === 0 && run.missing === 0 && run.wrongCustomer === 0,
        runs: 1,
      });
    }
  } finally {
    await emu.close();
  }
}
