/**
 * JPEG XL pictures, converted before they are sent: the committed fixtures were made by cjxl (test/fixtures/images),
 * the ones with a location are made here by adding an Exif box, plain or Brotli-compressed, as cjxl writes them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { inspectImageBytes } from '../../../src/images';
import { expectedChanges, expectedSize } from '../../../src/images/preparation';
import { DEFAULT_PREPARATION, PicturePreparer } from '../../../src/images/prepare';
import { ImageRefusal } from '../../../src/images/imageRefusal';
import { FIXTURES, assertRefused, expected as m } from './helpers';

type Vips = Awaited<ReturnType<typeof import('wasm-vips')>>;

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'good', name));

/** An ISO box: its size, its type, then its content. */
function box(type: string, content: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + content.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, content]);
}

describe('images: JPEG XL pictures are decoded and converted', function () {
  this.timeout(60_000);
  const preparer = new PicturePreparer();
  let vips: Vips;

  before(async () => {
    const { default: Vips } = await import('wasm-vips');
    vips = await Vips({ dynamicLibraries: ['vips-jxl.wasm'] });
  });
  after(async () => {
    await preparer.dispose();
    vips.shutdown();
  });

  const read = (bytes: Uint8Array) => vips.Image.newFromBuffer(bytes, '');
  const metadataFields = (bytes: Uint8Array) => [...(read(bytes).getFields() as unknown as Iterable<string>)].filter((field) => /^(exif-|xmp-data|orientation)/.test(field));

  /** A TIFF structure with a GPS latitude, as a camera writes it into its Exif. */
  function exifWithLocation(): Buffer {
    const image = vips.Image.black(8, 8, { bands: 3 }).cast('uchar').copy({ interpretation: 'srgb' });
    image.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1');
    image.setString('exif-ifd3-GPSLatitudeRef', 'N');
    const jpeg = Buffer.from(image.writeToBuffer('.jpg'));
    const app1 = jpeg.indexOf(Buffer.from('Exif\0\0', 'latin1'));
    return jpeg.subarray(app1 + 6, app1 - 2 + jpeg.readUInt16BE(app1 - 2));
  }

  it('turns a picture upright by its codestream orientation, as the JPEG it was made from is turned by its EXIF', async () => {
    // cjxl kept the JPEG's orientation 6 in the codestream; its Exif still says 6 too, which the specification has ignored.
    const jxl = fixture('turned-24x32.jxl');
    const jpeg = fixture('exif-app13-32x24.jpg');
    const info = inspectImageBytes(jxl, 'turned.jxl');
    assert.deepEqual([info.format, info.width, info.height, info.orientation, info.metadata], ['jxl', 24, 32, undefined, 'other']);
    // Its EXIF is never sent, even with metadata kept: a viewer would turn the picture a second time.
    const keep = { ...DEFAULT_PREPARATION, removeMetadata: false };
    assert.deepEqual(expectedChanges(info, keep), ['metadataRemoved', 'converted']);
    assert.deepEqual(expectedSize(info, keep), { width: 24, height: 32 });

    const prepared = (await preparer.prepare(jxl, 'turned.jxl', keep))!;
    assert.deepEqual([prepared.contentType, prepared.width, prepared.height, prepared.changes], ['image/jpeg', 24, 32, ['metadataRemoved', 'converted']]);
    assert.deepEqual(metadataFields(prepared.bytes), [], 'no EXIF and no orientation sent');
    // The JPEG turned by its EXIF is the control: the same pixels, where a wrong turn would mirror the gradient.
    const upright = (await preparer.prepare(jpeg, 'photo.jpg', { ...DEFAULT_PREPARATION, jpegQuality: 100 }))!;
    assert.deepEqual([upright.width, upright.height], [24, 32]);
    const [sent, control] = [read(prepared.bytes), read(upright.bytes)];
    for (const [x, y] of [[1, 1], [22, 1], [1, 30], [22, 30], [12, 16]]) {
      const [a, b] = [sent.getpoint(x, y), control.getpoint(x, y)];
      assert.ok(a.every((value, band) => Math.abs(value - b[band]) <= 12), `pixel ${x},${y}: ${a} as the JPEG has ${b}`);
    }
  });

  for (const compressed of [false, true]) {
    it(`finds a location in an Exif box${compressed ? ' compressed with Brotli (brob)' : ''}, and sends the picture without it`, async () => {
      // The Exif box holds the offset of the TIFF header (0 here), then the TIFF structure.
      const exif = Buffer.concat([Buffer.alloc(4), exifWithLocation()]);
      const metadata = compressed ? box('brob', Buffer.concat([Buffer.from('Exif', 'latin1'), brotliCompressSync(exif)])) : box('Exif', exif);
      const jxl = Buffer.concat([fixture('from-jpeg-20x15.jxl'), metadata]);
      const info = inspectImageBytes(jxl, 'shop.jxl');
      assert.deepEqual([info.width, info.height, info.metadata], [20, 15, 'location']);
      assert.deepEqual(expectedChanges(info, DEFAULT_PREPARATION), ['locationRemoved', 'converted']);
      const prepared = (await preparer.prepare(jxl, 'shop.jxl'))!;
      assert.deepEqual([prepared.contentType, prepared.width, prepared.height, prepared.changes], ['image/jpeg', 20, 15, ['locationRemoved', 'converted']]);
      assert.deepEqual(metadataFields(prepared.bytes), []);
    });
  }

  it('measures the size its header gives, whichever way the header codes it (small, by a ratio, or both sides)', () => {
    // 16×8 (small, by ratio 2:1), 1920×1080 (16:9), 4032×3024 (4:3), 1000×3 and 3×1000 (each side in its own field).
    for (const [width, height] of [[16, 8], [1920, 1080], [4032, 3024], [1000, 3], [3, 1000], [257, 129]]) {
      const jxl = vips.Image.black(width, height).cast('uchar').writeToBuffer('.jxl', { effort: 1 });
      const info = inspectImageBytes(jxl, 'sized.jxl');
      assert.deepEqual([info.format, info.width, info.height], ['jxl', width, height], `${width}×${height}`);
    }
  });

  it('refuses a file cut within its signature', async () => {
    await assertRefused(() => inspectImageBytes(Buffer.from([0xff, 0x0a]), 'stub.jxl'), 'truncated', m.truncated('stub.jxl', 'JPEG XL'));
    await assertRefused(() => inspectImageBytes(fixture('from-jpeg-20x15.jxl').subarray(0, 10), 'head.jxl'), 'truncated', m.truncated('head.jxl', 'JPEG XL'));
  });

  it('loads libjxl only for a JPEG XL, in a libvips of its own, once', async () => {
    const { default: Vips } = await import('wasm-vips');
    const loads: boolean[] = [];
    const own = new PicturePreparer(async (jpegXl) => {
      loads.push(jpegXl);
      return Vips({ dynamicLibraries: jpegXl ? ['vips-jxl.wasm'] : [] });
    });
    try {
      const photo = vips.Image.black(2048, 8, { bands: 3 }).cast('uchar').writeToBuffer('.png');
      assert.equal((await own.prepare(photo, 'wide.png'))?.width, 1024);
      assert.deepEqual(loads, [false], 'a PNG does without libjxl');
      assert.equal((await own.prepare(fixture('turned-24x32.jxl'), 'turned.jxl'))?.height, 32);
      assert.equal((await own.prepare(fixture('lossless-16x12.jxl'), 'logo.jxl'))?.width, 16);
      assert.equal((await own.prepare(photo, 'wide.png'))?.width, 1024);
      assert.deepEqual(loads, [false, true], 'the first JPEG XL loads it, once; the PNG keeps its own libvips');
    } finally {
      await own.dispose();
    }
  });

  it('converts a bare codestream, and refuses a cut one as damaged when its pixels cannot be decoded', async () => {
    const whole = fixture('lossless-16x12.jxl');
    const prepared = (await preparer.prepare(whole, 'logo.jxl'))!;
    assert.deepEqual([prepared.contentType, prepared.width, prepared.height, prepared.changes], ['image/jpeg', 16, 12, ['converted']]);
    // A bare codestream says nowhere where it ends: inspection measures the cut one, the decoder finds it cut.
    const cut = whole.subarray(0, 40);
    assert.deepEqual([inspectImageBytes(cut, 'logo.jxl').width, inspectImageBytes(cut, 'logo.jxl').height], [16, 12]);
    await assert.rejects(preparer.prepare(cut, 'logo.jxl'), (error: unknown) => error instanceof ImageRefusal && error.code === 'corrupt' && error.message.includes('“logo.jxl” cannot be read as a picture'));
  });
});
