// Big files: sparse files of hundreds of megabytes (no real disk use) are inspected from their header and tail only.
import * as assert from 'node:assert/strict';
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileIdentityOf } from '../../../src/common/fileIdentity';
import { MAX_PICTURE_BYTES, inspectImageFile } from '../../../src/images';
import { FIXTURES, assertRefused, expected as m } from './helpers';
import { tempFolder } from '../../support/tempFolder';

const MB = 1024 * 1024;

/** Writes `parts` at their offsets into a file of `size` bytes; the rest is a hole that reads as zeros. */
async function sparseFile(file: string, size: number, parts: Array<[offset: number, bytes: Uint8Array]>): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.truncate(size);
    for (const [offset, bytes] of parts) {
      await handle.write(bytes, 0, bytes.length, offset);
    }
  } finally {
    await handle.close();
  }
}

/** A PNG signature and IHDR from the corpus, followed by the header of one IDAT chunk of `idatLength` bytes. */
async function pngStart(idatLength: number): Promise<Uint8Array> {
  const png = await fs.readFile(path.join(FIXTURES, 'good', 'rgb-16x12.png'));
  const idatHeader = Buffer.alloc(8);
  idatHeader.writeUInt32BE(idatLength, 0);
  idatHeader.write('IDAT', 4, 'latin1');
  return Buffer.concat([png.subarray(0, 33), idatHeader]);
}

const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

describe('images: big files', () => {
  const dir = tempFolder('bc-pictures-big-');

  it('refuses a file over 350 MB from its size alone', async () => {
    const file = path.join(dir(), 'huge.png');
    await sparseFile(file, MAX_PICTURE_BYTES + MB, [[0, await pngStart(0)]]);
    await assertRefused(() => inspectImageFile(file), 'tooLarge', m.tooLarge('huge.png', '351 MB'));
  });

  it('refuses a file one byte over 350 MB, in bytes so that the two sizes can be told apart', async () => {
    const file = path.join(dir(), 'just-over.png');
    await sparseFile(file, MAX_PICTURE_BYTES + 1, [[0, await pngStart(0)]]);
    const limit = MAX_PICTURE_BYTES.toLocaleString('en-US');
    const over = (MAX_PICTURE_BYTES + 1).toLocaleString('en-US');
    await assertRefused(
      () => inspectImageFile(file),
      'tooLarge',
      `“just-over.png” is ${over} bytes, more than the ${limit} bytes Business Central accepts for a picture. Make it smaller (for example, resize it or save it as JPEG) and try again.`,
    );
  });

  it('accepts a file of exactly 350 MB', async () => {
    const size = MAX_PICTURE_BYTES;
    const file = path.join(dir(), 'limit.png');
    await sparseFile(file, size, [[0, await pngStart(size - 33 - 12 - 12)], [size - 12, IEND]]);
    assert.equal((await inspectImageFile(file)).byteSize, size);
  });

  it('inspects a 300 MB PNG without reading it all', async () => {
    const size = 300 * MB;
    const file = path.join(dir(), 'poster.png');
    await sparseFile(file, size, [[0, await pngStart(size - 33 - 12 - 12)], [size - 12, IEND]]);
    const before = process.memoryUsage();
    const info = await inspectImageFile(file);
    const after = process.memoryUsage();
    assert.deepEqual(info, { fileName: 'poster.png', format: 'png', contentType: 'image/png', width: 16, height: 12, byteSize: size, fileIdentity: fileIdentityOf(statSync(file, { bigint: true })) });
    // Loose: reading the whole file would add about 300 MB.
    assert.ok(after.rss + after.arrayBuffers - before.rss - before.arrayBuffers < 100 * MB, 'memory grew by more than 100 MB');
  });

  it('inspects a 300 MB WebP without reading its bitstream', async () => {
    const size = 300 * MB;
    const file = path.join(dir(), 'banner.webp');
    // The corpus's lossy WebP, its RIFF size and its VP8 chunk stretched over the file (the rest reads as zeros).
    const start = Buffer.from((await fs.readFile(path.join(FIXTURES, 'good', 'lossy-8x8.webp'))).subarray(0, 40));
    start.writeUInt32LE(size - 8, 4);
    start.writeUInt32LE(size - 20, 16);
    await sparseFile(file, size, [[0, start]]);
    const before = process.memoryUsage();
    const info = await inspectImageFile(file);
    const after = process.memoryUsage();
    assert.deepEqual([info.format, info.width, info.height, info.byteSize], ['webp', 8, 8, size]);
    assert.ok(after.rss + after.arrayBuffers - before.rss - before.arrayBuffers < 100 * MB, 'memory grew by more than 100 MB');
  });

  it('refuses a 300 MB PNG whose end is missing (no IEND)', async () => {
    const size = 300 * MB;
    const file = path.join(dir(), 'cut.png');
    await sparseFile(file, size, [[0, await pngStart(size - 33 - 12 - 12)]]);
    await assertRefused(() => inspectImageFile(file), 'truncated', m.truncated('cut.png', 'PNG'));
  });

  it('finds a JPEG frame header behind 640 KB of metadata, and checks the end of a 300 MB scan', async () => {
    const jpeg = await fs.readFile(path.join(FIXTURES, 'good', 'baseline-20x15.jpg'));
    const scan = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const scanHeaderEnd = scan + 2 + jpeg.readUInt16BE(scan + 2);
    // SOI, ten 64 KB APP15 segments (their content left as holes), then the real tables, frame and scan header.
    const app = Buffer.from([0xff, 0xef, 0xff, 0xff]);
    const parts: Array<[number, Uint8Array]> = [[0, jpeg.subarray(0, 2)]];
    let offset = 2;
    for (let i = 0; i < 10; i++, offset += 2 + 0xffff) {
      parts.push([offset, app]);
    }
    parts.push([offset, jpeg.subarray(2, scanHeaderEnd)]);
    const size = 300 * MB;
    const rest = jpeg.subarray(scanHeaderEnd);
    const file = path.join(dir(), 'camera.jpg');
    await sparseFile(file, size, [...parts, [size - rest.length, rest]]);
    assert.deepEqual(await inspectImageFile(file), { fileName: 'camera.jpg', format: 'jpeg', contentType: 'image/jpeg', width: 20, height: 15, byteSize: size, fileIdentity: fileIdentityOf(statSync(file, { bigint: true })) });

    // The same without its end-of-image marker is incomplete.
    const cutFile = path.join(dir(), 'camera-cut.jpg');
    await sparseFile(cutFile, size, [...parts, [size - rest.length, rest.subarray(0, rest.length - 2)]]);
    await assertRefused(() => inspectImageFile(cutFile), 'truncated', m.truncated('camera-cut.jpg', 'JPEG'));
  });

  it('accepts a JPEG with data after its end marker (camera trailers, padding)', async () => {
    const jpeg = await fs.readFile(path.join(FIXTURES, 'good', 'baseline-20x15.jpg'));
    const file = path.join(dir(), 'padded.jpg');
    await fs.writeFile(file, Buffer.concat([jpeg, Buffer.alloc(4000, 0), Buffer.from('trailer')]));
    assert.equal((await inspectImageFile(file)).format, 'jpeg');
  });

  it('accepts a motion photo (video appended after the JPEG) but not the same bytes without its motion-photo metadata', async () => {
    const jpeg = await fs.readFile(path.join(FIXTURES, 'good', 'baseline-20x15.jpg'));
    const xmp = Buffer.from('XMP\0<x:xmpmeta><rdf:Description GCamera:MotionPhoto="1"/></x:xmpmeta>', 'latin1');
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), xmp]);
    app1.writeUInt16BE(app1.length - 2, 2);
    const video = Buffer.alloc(200 * 1024, 0x11); // stands in for the appended MP4: no FF D9 in its last 64 KB
    const motion = path.join(dir(), 'PXL_motion.jpg');
    await fs.writeFile(motion, Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2), video]));
    assert.equal((await inspectImageFile(motion)).format, 'jpeg');

    const plain = path.join(dir(), 'plain-with-junk.jpg');
    await fs.writeFile(plain, Buffer.concat([jpeg, video]));
    await assertRefused(() => inspectImageFile(plain), 'truncated', m.truncated('plain-with-junk.jpg', 'JPEG'));
  });

  it('reads a TIFF whose image directory is at the end of a 300 MB file', async () => {
    const size = 300 * MB;
    const width = 20;
    const height = 10;
    const entries: Array<[tag: number, type: number, value: number]> = [
      [256, 3, width], [257, 3, height], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 8], [277, 3, 1], [278, 3, height], [279, 4, width * height],
    ];
    const ifd = Buffer.alloc(2 + 12 * entries.length + 4);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], i) => {
      ifd.writeUInt16LE(tag, 2 + 12 * i);
      ifd.writeUInt16LE(type, 4 + 12 * i);
      ifd.writeUInt32LE(1, 6 + 12 * i);
      if (type === 3) {
        ifd.writeUInt16LE(value, 10 + 12 * i);
      } else {
        ifd.writeUInt32LE(value, 10 + 12 * i);
      }
    });
    const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0, 0, 0, 0]);
    header.writeUInt32LE(size - ifd.length, 4);
    const file = path.join(dir(), 'scan.tif');
    await sparseFile(file, size, [[0, header], [size - ifd.length, ifd]]);
    assert.deepEqual(await inspectImageFile(file), { fileName: 'scan.tif', format: 'tiff', contentType: 'image/tiff', width, height, byteSize: size, fileIdentity: fileIdentityOf(statSync(file, { bigint: true })) });
  });
});
