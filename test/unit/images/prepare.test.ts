/**
 * Preparing a picture before it is sent: the fixtures are made here, with libvips itself (a marked corner, EXIF
 * orientations, GPS tags, transparency, WebP, AVIF, SVG) and by hand (a PNG header of a huge picture).
 */
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { PicturePreparer, DEFAULT_PREPARATION, type PreparedPicture } from '../../../src/images/prepare';
import { ImageRefusal } from '../../../src/images/imageRefusal';

type Vips = Awaited<ReturnType<typeof import('wasm-vips')>>;

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

describe('images/prepare: the picture as it is sent', function () {
  this.timeout(60_000);
  const preparer = new PicturePreparer();
  let vips: Vips;

  before(async () => {
    const { default: Vips } = await import('wasm-vips');
    vips = await Vips({ dynamicLibraries: ['vips-resvg.wasm', 'vips-heif.wasm'] });
  });
  after(async () => {
    await preparer.dispose();
    vips.shutdown();
  });

  /** A 40×20 picture, blue with a red block at its stored top-left; `bands` 4 adds an alpha channel (half transparent). */
  function marked(width = 40, height = 20, bands = 3) {
    const pixels = Buffer.alloc(width * height * bands);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * bands;
        const red = x < width / 4 && y < height / 4;
        pixels[i] = red ? 255 : 0;
        pixels[i + 2] = red ? 0 : 255;
        if (bands === 4) pixels[i + 3] = 128;
      }
    }
    return vips.Image.newFromMemory(pixels, width, height, bands, vips.BandFormat.uchar).copy();
  }
  const read = (bytes: Uint8Array) => vips.Image.newFromBuffer(bytes, '');
  const fields = (bytes: Uint8Array) => [...(read(bytes).getFields() as unknown as Iterable<string>)];
  const near = (pixel: number[], colour: number[]) => colour.every((value, i) => Math.abs(pixel[i] - value) < 60);
  /** Which corner of what is sent holds the red block. */
  function redCorner(prepared: PreparedPicture): string {
    const image = read(prepared.bytes);
    const [w, h] = [image.width - 2, image.height - 2];
    const corners: [string, number, number][] = [['top-left', 1, 1], ['top-right', w, 1], ['bottom-left', 1, h], ['bottom-right', w, h]];
    const red = corners.filter(([, x, y]) => near(image.getpoint(x, y), RED)).map(([name]) => name);
    assert.equal(corners.filter(([, x, y]) => near(image.getpoint(x, y), BLUE)).length, 3, 'the other three corners are blue');
    return red.join(' ');
  }

  // Where EXIF orientation puts the stored top-left corner when the picture is shown upright (EXIF 2.3, Orientation).
  const EXPECTED: Record<number, [string, boolean]> = {
    2: ['top-right', false],
    3: ['bottom-right', false],
    4: ['bottom-left', false],
    5: ['top-left', true],
    6: ['top-right', true],
    7: ['bottom-right', true],
    8: ['bottom-left', true],
  };
  for (const [orientation, [corner, swapped]] of Object.entries(EXPECTED)) {
    it(`turns a JPEG with EXIF orientation ${orientation} upright: the marked corner ends ${corner}`, async () => {
      const image = marked();
      image.setInt('orientation', Number(orientation));
      const prepared = await preparer.prepare(image.writeToBuffer('.jpg', { Q: 95 }), 'phone.jpg');
      assert.ok(prepared, 'prepared');
      assert.ok(prepared.changes.includes('rotated'));
      assert.deepEqual([prepared.width, prepared.height], swapped ? [20, 40] : [40, 20]);
      assert.equal(redCorner(prepared), corner);
      assert.ok(!fields(prepared.bytes).includes('orientation'), 'no orientation left to apply twice');
    });
  }

  it('sends a JPEG already upright and without metadata byte for byte (orientation 1, small)', async () => {
    const image = marked();
    image.setInt('orientation', 1);
    assert.equal(await preparer.prepare(image.writeToBuffer('.jpg', { Q: 90, keep: 0 }), 'plain.jpg'), undefined);
    assert.equal(await preparer.prepare(marked().writeToBuffer('.png', { keep: 0 }), 'plain.png'), undefined);
  });

  it('removes GPS and all other EXIF, and says the location was removed; with removeMetadata off, keeps them', async () => {
    const image = marked();
    image.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1');
    image.setString('exif-ifd3-GPSLatitudeRef', 'N');
    image.setString('exif-ifd0-Make', 'Phone');
    const original = image.writeToBuffer('.jpg', { Q: 90 });
    assert.ok(fields(original).some((field) => field.startsWith('exif-ifd3-GPSLatitude')), 'the fixture has GPS');
    const prepared = await preparer.prepare(original, 'shop.jpg');
    assert.ok(prepared);
    assert.deepEqual(prepared.changes, ['locationRemoved']);
    assert.deepEqual(fields(prepared.bytes).filter((field) => /^(exif-|xmp-|iptc-)/.test(field)), [], 'no EXIF, XMP or IPTC in what is sent');
    assert.equal(await preparer.prepare(original, 'shop.jpg', { ...DEFAULT_PREPARATION, removeMetadata: false }), undefined, 'nothing else to do: sent as it is');
  });

  it('scales down to fit the longest side, never up; 0 keeps the size', async () => {
    const big = marked(3000, 2000).writeToBuffer('.jpg', { Q: 80, keep: 0 });
    const prepared = await preparer.prepare(big, 'big.jpg');
    assert.ok(prepared);
    assert.deepEqual(prepared.changes, ['scaled']);
    assert.deepEqual([prepared.width, prepared.height], [1024, 683]);
    assert.equal(prepared.contentType, 'image/jpeg');
    assert.ok(prepared.bytes.length < big.length, `${prepared.bytes.length} < ${big.length}`);
    assert.equal(redCorner(prepared), 'top-left');
    assert.equal(await preparer.prepare(big, 'big.jpg', { ...DEFAULT_PREPARATION, maxSize: 0 }), undefined);
    assert.equal(await preparer.prepare(marked(200, 100).writeToBuffer('.jpg', { keep: 0 }), 'small.jpg', { ...DEFAULT_PREPARATION, maxSize: 4000 }), undefined);
  });

  it('keeps a PNG with transparency a PNG with its alpha when it scales it', async () => {
    const prepared = await preparer.prepare(marked(2048, 1024, 4).writeToBuffer('.png', { keep: 0 }), 'logo.png');
    assert.ok(prepared);
    assert.equal(prepared.contentType, 'image/png');
    const image = read(prepared.bytes);
    assert.equal(image.hasAlpha(), true);
    assert.ok(Math.abs(image.getpoint(500, 300)[3] - 128) < 3, 'half transparent as before');
  });

  it('converts WebP (to PNG with transparency, else JPEG), AVIF to JPEG and SVG to PNG', async () => {
    const webpAlpha = await preparer.prepare(marked(40, 20, 4).writeToBuffer('.webp', { lossless: true, keep: 0 }), 'logo.webp');
    assert.deepEqual([webpAlpha?.contentType, webpAlpha?.changes], ['image/png', ['converted']]);
    const webp = await preparer.prepare(marked().writeToBuffer('.webp', { Q: 90 }), 'photo.webp');
    assert.deepEqual([webp?.contentType, webp?.width, webp?.height], ['image/jpeg', 40, 20]);
    assert.equal(redCorner(webp!), 'top-left');
    const avif = await preparer.prepare(marked().writeToBuffer('.avif', { Q: 90, keep: 0 }), 'photo.avif');
    assert.deepEqual([avif?.contentType, avif?.changes], ['image/jpeg', ['converted']]);
    const svg = await preparer.prepare(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="15" height="20" fill="#00f"/></svg>'), 'logo.svg');
    assert.deepEqual([svg?.contentType, svg?.width, svg?.height], ['image/png', 30, 20]);
    assert.ok(read(svg!.bytes).hasAlpha(), 'the empty half stays transparent');
  });

  it('never renders a drawing that draws on another file, however far into the drawing the reference is', async () => {
    const padding = `<!-- ${'x'.repeat(600 * 1024)} -->`;
    const picture = 'data:image/png;base64,' + Buffer.from(marked().writeToBuffer('.png')).toString('base64');
    const drawing = (inner: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">${padding}${inner}</svg>`);
    for (const [inner, shown] of [
      ['<image xlink:href="/home/me/secret.png" width="40" height="20"/>', '/home/me/secret.png'],
      ['<use href="other.svg#logo"/>', 'other.svg#logo'],
      ['<rect style="fill: url(https://example.com/p.svg#g)" width="4" height="4"/>', 'https://example.com/p.svg#g'],
    ]) {
      await assert.rejects(
        preparer.prepare(drawing(inner), 'logo.svg'),
        (error: unknown) => error instanceof ImageRefusal && error.code === 'unsafeDrawing' && error.message.includes(`(${shown})`),
        inner,
      );
    }
    // What the drawing carries in itself is drawn: a picture written into it, and a link (which loads nothing).
    const embedded = await preparer.prepare(drawing(`<a href="https://example.com"><image href="${picture}" width="40" height="20"/></a>`), 'logo.svg');
    assert.equal(redCorner(embedded!), 'top-left');
  });

  it('cuts a square from the centre or around the most detailed part when asked, as large as the shorter side allows', async () => {
    // 300×100, grey but for a colourful checkerboard in its right-most 80 pixels.
    const [width, height] = [300, 100];
    const pixels = Buffer.alloc(width * height * 3, 128);
    for (let y = 0; y < height; y++) {
      for (let x = 220; x < width; x++) pixels.set((Math.floor(x / 5) + Math.floor(y / 5)) % 2 ? [255, 0, 0] : [255, 255, 0], (y * width + x) * 3);
    }
    const banner = vips.Image.newFromMemory(pixels, width, height, 3, vips.BandFormat.uchar).writeToBuffer('.png', { keep: 0 });
    const grey = (pixel: number[]) => pixel.slice(0, 3).every((value) => Math.abs(value - 128) < 8);

    const centre = await preparer.prepare(banner, 'banner.png', { ...DEFAULT_PREPARATION, crop: 'centre' });
    assert.deepEqual([centre?.width, centre?.height, centre?.contentType, centre?.changes], [100, 100, 'image/png', ['cropped']]);
    const middle = read(centre!.bytes);
    assert.ok([5, 50, 95].every((x) => grey(middle.getpoint(x, 50))), 'the middle of the banner, all grey');

    const attention = await preparer.prepare(banner, 'banner.png', { ...DEFAULT_PREPARATION, crop: 'attention' });
    assert.deepEqual([attention?.width, attention?.height], [100, 100]);
    assert.ok(!grey(read(attention!.bytes).getpoint(95, 50)), 'the checkerboard is in the square');

    // Turned upright first, then cut, then fitted: a sideways 400×200 photo becomes a square of 64.
    const sideways = marked(400, 200).copy();
    sideways.setInt('orientation', 6);
    const photo = await preparer.prepare(sideways.writeToBuffer('.jpg', { Q: 90 }), 'photo.jpg', { ...DEFAULT_PREPARATION, maxSize: 64, crop: 'centre' });
    assert.deepEqual([photo?.width, photo?.height, photo?.changes], [64, 64, ['rotated', 'cropped', 'scaled', 'metadataRemoved']]);
    // A GIF cut square is re-encoded as a scaled one is (its first frame, lossless); a square picture has nothing to cut.
    const gif = await preparer.prepare(marked().writeToBuffer('.gif'), 'anim.gif', { ...DEFAULT_PREPARATION, crop: 'centre' });
    assert.deepEqual([gif?.contentType, gif?.width, gif?.height], ['image/png', 20, 20]);
    assert.equal(await preparer.prepare(marked(20, 20).writeToBuffer('.png', { keep: 0 }), 'square.png', { ...DEFAULT_PREPARATION, crop: 'centre' }), undefined);
  });

  it('sends a GIF as it is (Business Central shows its first frame) unless it must be scaled', async () => {
    assert.equal(await preparer.prepare(marked().writeToBuffer('.gif'), 'anim.gif'), undefined);
  });

  it('refuses a picture past the pixel limit from its header alone, before decoding it', async () => {
    const huge = pngHeaderOnly(60_000, 60_000);
    const started = Date.now();
    await assert.rejects(preparer.prepare(huge, 'poster.png'), (error: unknown) => error instanceof ImageRefusal && error.code === 'absurdDimensions' && /60000×60000/.test(error.message));
    assert.ok(Date.now() - started < 5_000, 'not decoded');
    await assert.rejects(preparer.prepare(Buffer.from('not a picture at all'), 'notes.png'), (error: unknown) => error instanceof ImageRefusal && error.code === 'corrupt');
  });

  it('refuses a picture whose header is good but whose pixels are damaged or missing, rather than send it half black', async () => {
    // 2048 wide, so it must be scaled: its pixels are decoded. Its header and chunks are whole; its image data is not.
    for (const data of [zlib.deflateSync(Buffer.alloc(4)), Buffer.from('this is not compressed image data')]) {
      await assert.rejects(
        preparer.prepare(pngHeaderOnly(2048, 8, data), 'banner.png'),
        (error: unknown) => error instanceof ImageRefusal && error.code === 'corrupt' && error.message.startsWith('“banner.png” cannot be read as a picture: it may be damaged.'),
      );
    }
    // The control: the same picture with all its pixels is scaled and sent.
    const whole = pngHeaderOnly(2048, 8, zlib.deflateSync(Buffer.alloc(8 * (1 + 2048 * 3))));
    assert.deepEqual([(await preparer.prepare(whole, 'banner.png'))?.width, (await preparer.prepare(whole, 'banner.png'))?.height], [1024, 4]);
  });
});

/** A PNG that claims `width`×`height` (its IHDR) with one IDAT, tiny unless given: a huge picture's header, in a few bytes. */
function pngHeaderOnly(width: number, height: number, data = zlib.deflateSync(Buffer.alloc(4))): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', data), chunk('IEND', Buffer.alloc(0))]);
}
