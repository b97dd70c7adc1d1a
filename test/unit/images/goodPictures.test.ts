// The accepted corpus: each real picture is recognised by content, with exact format, MIME type, size and byte count.
import * as assert from 'node:assert/strict';
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileIdentityOf } from '../../../src/common/fileIdentity';
import { type ImageInfo, describeExtensionMismatch, describeImage, inspectImageBytes, inspectImageFile } from '../../../src/images';
import { FIXTURES } from './helpers';

interface GoodCase {
  file: string;
  format: ImageInfo['format'];
  contentType: string;
  width: number;
  height: number;
  byteSize: number;
  summary: string;
  /** What the header says that preparing needs. */
  facts?: Pick<ImageInfo, 'orientation' | 'metadata'>;
}

const GOOD: GoodCase[] = [
  { file: 'rgb-16x12.png', format: 'png', contentType: 'image/png', width: 16, height: 12, byteSize: 95, summary: 'PNG, 16×12, 95 bytes' },
  { file: 'alpha-10x7.png', format: 'png', contentType: 'image/png', width: 10, height: 7, byteSize: 111, summary: 'PNG, 10×7, 111 bytes' },
  { file: 'baseline-20x15.jpg', format: 'jpeg', contentType: 'image/jpeg', width: 20, height: 15, byteSize: 315, summary: 'JPEG, 20×15, 315 bytes' },
  { file: 'progressive-24x18.jpg', format: 'jpeg', contentType: 'image/jpeg', width: 24, height: 18, byteSize: 690, summary: 'JPEG, 24×18, 690 bytes' },
  { file: 'exif-app13-32x24.jpg', format: 'jpeg', contentType: 'image/jpeg', width: 32, height: 24, byteSize: 9401, summary: 'JPEG, 32×24, 9.2 KB', facts: { orientation: 6, metadata: 'other' } },
  { file: 'simple-9x5.gif', format: 'gif', contentType: 'image/gif', width: 9, height: 5, byteSize: 72, summary: 'GIF, 9×5, 72 bytes' },
  { file: 'bmp3-24bit-7x5.bmp', format: 'bmp', contentType: 'image/bmp', width: 7, height: 5, byteSize: 174, summary: 'BMP, 7×5, 174 bytes' },
  { file: 'bmp4-alpha-6x4.bmp', format: 'bmp', contentType: 'image/bmp', width: 6, height: 4, byteSize: 234, summary: 'BMP, 6×4, 234 bytes' },
  { file: 'little-endian-24x18.tif', format: 'tiff', contentType: 'image/tiff', width: 24, height: 18, byteSize: 1560, summary: 'TIFF, 24×18, 1.5 KB' },
  { file: 'big-endian-24x18.tif', format: 'tiff', contentType: 'image/tiff', width: 24, height: 18, byteSize: 1560, summary: 'TIFF, 24×18, 1.5 KB' },
  { file: 'lzw-strips-30x20.tif', format: 'tiff', contentType: 'image/tiff', width: 30, height: 20, byteSize: 538, summary: 'TIFF, 30×20, 538 bytes' },
  // Converted before they are sent: inspection measures them as it does the others.
  { file: 'bigtiff-4x4.tif', format: 'bigtiff', contentType: 'image/tiff', width: 4, height: 4, byteSize: 444, summary: 'BigTIFF, 4×4, 444 bytes' },
  { file: 'lossy-8x8.webp', format: 'webp', contentType: 'image/webp', width: 8, height: 8, byteSize: 68, summary: 'WebP, 8×8, 68 bytes' },
  { file: 'still-8x8.avif', format: 'avif', contentType: 'image/avif', width: 8, height: 8, byteSize: 298, summary: 'AVIF, 8×8, 298 bytes' },
  { file: 'phone-8x8.heic', format: 'heic', contentType: 'image/heic', width: 8, height: 8, byteSize: 513, summary: 'HEIC, 8×8, 513 bytes' },
  { file: 'lossless-16x12.jxl', format: 'jxl', contentType: 'image/jxl', width: 16, height: 12, byteSize: 68, summary: 'JPEG XL, 16×12, 68 bytes' },
  { file: 'from-jpeg-20x15.jxl', format: 'jxl', contentType: 'image/jxl', width: 20, height: 15, byteSize: 404, summary: 'JPEG XL, 20×15, 404 bytes' },
  // Its codestream says orientation 6, which the decoder applies: measured as shown. Its Exif is in a Brotli-compressed box.
  { file: 'turned-24x32.jxl', format: 'jxl', contentType: 'image/jxl', width: 24, height: 32, byteSize: 6519, summary: 'JPEG XL, 24×32, 6.4 KB', facts: { metadata: 'other' } },
  { file: 'bare-10x10.svg', format: 'svg', contentType: 'image/svg+xml', width: 10, height: 10, byteSize: 65, summary: 'SVG, 10×10, 65 bytes' },
  { file: 'prolog-4x4.svg', format: 'svg', contentType: 'image/svg+xml', width: 4, height: 4, byteSize: 163, summary: 'SVG, 4×4, 163 bytes' },
];

describe('images: accepted pictures', () => {
  for (const c of GOOD) {
    const expected: ImageInfo = { fileName: c.file, format: c.format, contentType: c.contentType, width: c.width, height: c.height, byteSize: c.byteSize, ...c.facts };

    it(`reads ${c.file} from disk`, async () => {
      const file = path.join(FIXTURES, 'good', c.file);
      const info = await inspectImageFile(file);
      assert.deepEqual(info, { ...expected, fileIdentity: fileIdentityOf(statSync(file, { bigint: true })) });
      assert.equal(describeImage(info), c.summary);
      assert.equal(describeExtensionMismatch(info), undefined);
    });

    it(`reads ${c.file} from bytes`, async () => {
      const bytes = await fs.readFile(path.join(FIXTURES, 'good', c.file));
      assert.deepEqual(inspectImageBytes(bytes, c.file), expected);
      // A view into a larger buffer must work the same (offsets are honoured).
      const padded = new Uint8Array(bytes.length + 10);
      padded.set(bytes, 5);
      assert.deepEqual(inspectImageBytes(padded.subarray(5, 5 + bytes.length), c.file), expected);
    });
  }

  it('checks the corpus really is in the formats it claims (signatures)', async () => {
    const tiffBig = await fs.readFile(path.join(FIXTURES, 'good', 'big-endian-24x18.tif'));
    const tiffLittle = await fs.readFile(path.join(FIXTURES, 'good', 'little-endian-24x18.tif'));
    assert.equal(tiffBig.subarray(0, 2).toString('latin1'), 'MM');
    assert.equal(tiffLittle.subarray(0, 2).toString('latin1'), 'II');
    const progressive = await fs.readFile(path.join(FIXTURES, 'good', 'progressive-24x18.jpg'));
    assert.ok(progressive.includes(Buffer.from([0xff, 0xc2])), 'progressive JPEG has an SOF2 marker');
    const exif = await fs.readFile(path.join(FIXTURES, 'good', 'exif-app13-32x24.jpg'));
    assert.equal(exif.subarray(6, 10).toString('latin1'), 'Exif');
    assert.ok(exif.indexOf(Buffer.from([0xff, 0xc0])) > 9000, 'the frame header comes after 9 KB of metadata');
    const alpha = await fs.readFile(path.join(FIXTURES, 'good', 'alpha-10x7.png'));
    assert.equal(alpha[25], 6, 'colour type 6: RGB with alpha');
  });

  it('accepts a PNG named .jpg by its content, and says so', async () => {
    const file = path.join(FIXTURES, 'good', 'png-named-as.jpg');
    const info = await inspectImageFile(file);
    assert.deepEqual(info, {
      fileName: 'png-named-as.jpg',
      format: 'png',
      contentType: 'image/png',
      width: 16,
      height: 12,
      byteSize: 95,
      extensionMismatch: { extension: 'jpg', actual: 'png' },
      fileIdentity: fileIdentityOf(statSync(file, { bigint: true })),
    });
    assert.equal(describeExtensionMismatch(info), '“png-named-as.jpg” is named like a .jpg file but contains a PNG picture. It will be uploaded as PNG.');
  });

  it('takes synonyms and letter case of an extension as matching', async () => {
    const jpeg = await fs.readFile(path.join(FIXTURES, 'good', 'baseline-20x15.jpg'));
    for (const name of ['a.JPG', 'a.jpeg', 'a.Jpe', 'a.jfif', 'no-extension']) {
      assert.equal(inspectImageBytes(jpeg, name).extensionMismatch, undefined, name);
    }
    assert.deepEqual(inspectImageBytes(jpeg, 'photo.png').extensionMismatch, { extension: 'png', actual: 'jpeg' });
  });

  it('uses only the last part of a path given to inspectImageBytes, and a default name', async () => {
    const gif = await fs.readFile(path.join(FIXTURES, 'good', 'simple-9x5.gif'));
    assert.equal(inspectImageBytes(gif, 'C:\\Users\\me\\Pictures\\logo.gif').fileName, 'logo.gif');
    assert.equal(inspectImageBytes(gif, '/home/me/logo.gif').fileName, 'logo.gif');
    assert.equal(inspectImageBytes(gif).fileName, 'picture');
  });
});
