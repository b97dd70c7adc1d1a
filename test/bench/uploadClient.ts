/**
 * One upload through the product's client in a fresh process, printing time and memory as JSON.
 * Usage: node uploadClient.js <bcBaseUrl> <companyId> <customerId> <file> <token> [product|undici]
 * `undici` sends the same two requests with undici's `request()` and a read stream, without the product's code.
 * Each is warmed first (undici loaded, code paths compiled, a connection open) with a small upload, then peak RSS is reset
 * (/proc/self/clear_refs) and also sampled every 2 ms while `uploadPicture` streams the file.
 */
import { createReadStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPictureService, fileUploadSource } from '../../src/api';
import { silentLog } from '../../src/common/log';
import { makePng } from '../emulator/images';

function statusKb(field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const [baseUrl, companyId, customerId, file, token, mode = 'product'] = process.argv.slice(2);
  const service = createPictureService(
    { api: 'businessCentral', serviceUrl: baseUrl, environment: 'production' },
    { authorize: async () => `Bearer ${token}`, log: silentLog },
  );
  const pictureUrl = `${baseUrl}/companies(${companyId})/customers(${customerId})/picture`;
  const upload = async (from: string, byteSize: number): Promise<number> => {
    if (mode === 'product') {
      return (await service.uploadPicture(companyId, customerId, fileUploadSource(from, { byteSize, contentType: 'image/png', width: 1, height: 1 }))).width;
    }
    const { request } = await import('undici');
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const patched = await request(`${pictureUrl}/pictureContent`, {
      method: 'PATCH',
      headers: { ...headers, 'if-match': '*', 'content-type': 'application/octet-stream', 'content-length': String(byteSize) },
      body: createReadStream(from, { highWaterMark: 64 * 1024 }),
    });
    await patched.body.dump();
    if (patched.statusCode !== 204) throw new Error(`PATCH ${patched.statusCode}`);
    const got = await request(pictureUrl, { headers });
    return ((await got.body.json()) as { width: number }).width;
  };
  const size = statSync(file).size;
  const small = path.join(os.tmpdir(), `bc-bench-warm-${process.pid}.png`);
  writeFileSync(small, makePng(16, 16));
  await upload(small, statSync(small).size);
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const peakReset = resetPeak();
  const before = process.memoryUsage.rss();
  let sampled = before;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  }, 2);
  const started = process.hrtime.bigint();
  const width = await upload(file, size);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  sampled = Math.max(sampled, process.memoryUsage.rss());
  const hwm = peakReset ? statusKb('VmHWM') : undefined;
  const peak = Math.max(sampled, hwm ?? 0);
  rmSync(small, { force: true });
  process.stdout.write(JSON.stringify({ ms, rssBefore: before, peak, growth: peak - before, peakSource: hwm !== undefined ? 'VmHWM+sampling' : 'sampling', width }) + '\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
