/** Upload: 1, 10 and 100 MiB pictures through the product, undici alone and curl; time and client memory. */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { DEMO } from '../../emulator';
import { median, MiB, run } from '../common';
import type { EmulatorProcess } from '../emulatorProcess';
import { add, section } from '../report';

/** A valid PNG header (IHDR 4000×3000 RGB) and one stored IDAT chunk padding the file to `size` bytes, with CRCs. */
export function writePngLike(file: string, size: number): void {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))));
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4000, 0);
  ihdr.writeUInt32BE(3000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const start = Buffer.concat([signature, chunk('IHDR', ihdr)]);
  const end = chunk('IEND', Buffer.alloc(0));
  const dataLength = size - start.length - end.length - 12;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, start);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(dataLength, 0);
    head.write('IDAT', 4, 'ascii');
    writeSync(fd, head);
    let crc = crc32(head.subarray(4));
    const block = Buffer.alloc(MiB);
    for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
    for (let left = dataLength; left > 0; ) {
      const piece = block.subarray(0, Math.min(left, block.length));
      writeSync(fd, piece);
      crc = crc32(piece, crc);
      left -= piece.length;
    }
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc);
    writeSync(fd, tail);
    writeSync(fd, end);
  } finally {
    closeSync(fd);
  }
}

export async function upload(tmp: string, emu: EmulatorProcess): Promise<void> {
  section('Upload (client in a fresh process, warmed by one small upload; emulator in another process)');
  const token = 'bench-upload-token';
  await emu.acceptToken(token, { audience: 'businesscentral', user: 'bench-upload' });
  const company = DEMO.cronusId;
  const customer = DEMO.customer(20000);
  const contentUrl = `${emu.bcBaseUrl}/companies(${company})/customers(${customer})/picture/pictureContent`;
  const pictureUrl = `${emu.bcBaseUrl}/companies(${company})/customers(${customer})/picture`;
  const client = path.join(__dirname, '..', 'uploadClient.js');
  const hasCurl = (() => {
    try {
      execFileSync('curl', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  for (const [mib, runs] of [
    [1, 5],
    [10, 5],
    [100, 3],
  ] as const) {
    const file = path.join(tmp, `picture-${mib}MiB.png`);
    writePngLike(file, mib * MiB);
    const clientMs: number[] = [];
    const growth: number[] = [];
    const undiciMs: number[] = [];
    const undiciGrowth: number[] = [];
    const curlMs: number[] = [];
    let source = '';
    const child = async (mode: 'product' | 'undici') => {
      const { stdout } = await run(process.execPath, ['--expose-gc', client, emu.bcBaseUrl, company, customer, file, token, mode], { maxBuffer: MiB });
      const result = JSON.parse(stdout) as { ms: number; growth: number; peakSource: string; width: number };
      if (result.width !== 4000) throw new Error(`the emulator did not take the ${mib} MiB picture (width ${result.width})`);
      source = result.peakSource;
      return result;
    };
    for (let i = 0; i < runs; i++) {
      const product = await child('product');
      clientMs.push(product.ms);
      growth.push(product.growth);
      const direct = await child('undici');
      undiciMs.push(direct.ms);
      undiciGrowth.push(direct.growth);
      if (hasCurl) {
        // The same two requests as uploadPicture (PATCH the bytes, GET the picture), one connection; curl's own timers.
        const common = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}\\n', '-H', `Authorization: Bearer ${token}`];
        const { stdout: out } = await run(
          'curl',
          [...common, '-X', 'PATCH', '-T', file, '-H', 'If-Match: *', '-H', 'Content-Type: application/octet-stream', '-H', 'Expect:', contentUrl, '--next', ...common, pictureUrl],
          { maxBuffer: MiB },
        );
        const lines = out.trim().split('\n').map((l) => l.split(' '));
        if (lines[0]?.[0] !== '204' || lines[1]?.[0] !== '200') throw new Error(`curl: ${out}`);
        curlMs.push(lines.reduce((sum, [, seconds]) => sum + Number(seconds) * 1000, 0));
      }
    }
    rmSync(file, { force: true });
    const t = median(clientMs);
    const c = hasCurl ? median(curlMs) : undefined;
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: uploadPicture (PATCH + GET picture)`,
      value: t,
      unit: 'ms',
      baseline: c ?? 'curl not found',
      baselineLabel: c === undefined ? undefined : 'curl -T, same two requests',
      ratio: c === undefined ? undefined : t / c,
      target: '≤ 1.25×',
      pass: c === undefined ? undefined : t / c <= 1.25,
      runs,
    });
    const u = median(undiciMs);
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: undici request() + read stream, no product code (same two requests)`,
      value: u,
      unit: 'ms',
      baseline: c ?? 'curl not found',
      baselineLabel: c === undefined ? undefined : 'curl',
      ratio: c === undefined ? undefined : u / c,
      runs,
    });
    const g = median(growth);
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: client peak RSS growth (${source})`,
      value: g,
      unit: 'bytes',
      baseline: mib * MiB,
      baselineLabel: 'file size',
      ratio: g / (mib * MiB),
      target: '≤ 0.25×',
      pass: g <= 0.25 * mib * MiB,
      runs,
    });
    const ug = median(undiciGrowth);
    add({
      section: 'upload',
      figure: `Upload ${mib} MiB PNG: peak RSS growth of undici request() + read stream, no product code`,
      value: ug,
      unit: 'bytes',
      baseline: mib * MiB,
      baselineLabel: 'file size',
      ratio: ug / (mib * MiB),
      runs,
    });
  }
}
