/**
 * HEIC photos, as iPhones take them, converted before they are sent: the fixtures are made here (libvips draws them,
 * heif-enc encodes them with x265, and an irot property is added as an iPhone writes one), then inspected and prepared.
 */
import * as assert from 'node:assert/strict';
import { inspectImageBytes } from '../../../src/images';
import { expectedChanges, expectedSize } from '../../../src/images/preparation';
import { DEFAULT_PREPARATION, PicturePreparer } from '../../../src/images/prepare';
import { ImageRefusal } from '../../../src/images/imageRefusal';
import { tempFolder } from '../../support/tempFolder';
import { boxes, heifEnc, withRotation } from '../../support/heic';

type Vips = Awaited<ReturnType<typeof import('wasm-vips')>>;

const RED = [255, 0, 0];
const GREEN = [0, 200, 0];

describe('images: HEIC photos are decoded and converted', function () {
  this.timeout(120_000);
  const folder = tempFolder('bc-pictures-heic-');
  const preparer = new PicturePreparer();
  let vips: Vips;

  before(async () => {
    const { default: Vips } = await import('wasm-vips');
    vips = await Vips({ dynamicLibraries: ['vips-heif.wasm'] });
  });
  after(async () => {
    await preparer.dispose();
    vips.shutdown();
  });

  /** 400×300, green with a red block at its stored top-left, in Display P3 (as an iPhone stores it), GPS in its EXIF. */
  function phonePhoto(): Buffer {
    const [width, height] = [400, 300];
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const red = x < width / 4 && y < height / 4;
        pixels.set(red ? RED : GREEN, (y * width + x) * 3);
      }
    }
    const image = vips.Image.newFromMemory(pixels, width, height, 3, vips.BandFormat.uchar).copy({ interpretation: 'srgb' }).iccTransform('p3');
    image.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1');
    image.setString('exif-ifd3-GPSLatitudeRef', 'N');
    return heifEnc(folder(), image.writeToBuffer('.jpg', { Q: 95 }), 'jpg');
  }

  const read = (bytes: Uint8Array) => vips.Image.newFromBuffer(bytes, '');
  const near = (pixel: number[], colour: number[], within: number) => colour.every((value, i) => Math.abs(pixel[i] - value) <= within);

  it('turns a photo upright by its irot, as the phone shows it, converts its Display P3 colours to sRGB, and sends no EXIF or location', async () => {
    const stored = phonePhoto();
    // 3 quarter turns anticlockwise: what an iPhone writes for a photo taken in portrait (EXIF orientation 6).
    const heic = withRotation(stored, 3);
    const info = inspectImageBytes(heic, 'IMG_0042.HEIC');
    assert.deepEqual([info.format, info.contentType, info.width, info.height, info.metadata], ['heic', 'image/heic', 300, 400, 'location']);
    assert.deepEqual(expectedChanges(info, DEFAULT_PREPARATION), ['locationRemoved', 'converted']);

    const prepared = await preparer.prepare(heic, 'IMG_0042.HEIC');
    assert.ok(prepared);
    assert.deepEqual([prepared.contentType, prepared.width, prepared.height, prepared.changes], ['image/jpeg', 300, 400, ['locationRemoved', 'converted']]);
    const sent = read(prepared.bytes);
    assert.deepEqual([sent.width, sent.height], [300, 400]);
    // The stored top-left, turned a quarter clockwise, is shown at the top right.
    assert.ok(near(sent.getpoint(290, 8), RED, 40), `red at the top right: ${sent.getpoint(290, 8)}`);
    assert.ok(near(sent.getpoint(8, 8), GREEN, 40), `green at the top left: ${sent.getpoint(8, 8)}`);
    // The colours as they were drawn: the P3 numbers of that green are far from it, so they were converted.
    assert.ok(near(sent.getpoint(150, 300), GREEN, 12), `sRGB green: ${sent.getpoint(150, 300)}`);
    const p3 = vips.Image.black(1, 1).add(GREEN).cast(vips.BandFormat.uchar).copy({ interpretation: 'srgb' }).iccTransform('p3').getpoint(0, 0);
    assert.ok(!near(p3, GREEN, 12), `the control: the same green in P3 numbers is ${p3}`);
    const fields = [...(sent.getFields() as unknown as Iterable<string>)];
    assert.deepEqual(fields.filter((field) => /^(exif-|xmp-data|icc-profile-data|orientation)/.test(field)), [], 'no EXIF, GPS, profile or orientation sent');
    assert.deepEqual(expectedSize(info, DEFAULT_PREPARATION), { width: 300, height: 400 });
  });

  it('scales a photo down to the size set, cuts the square asked for, and leaves its metadata behind even with removeMetadata off', async () => {
    const heic = withRotation(phonePhoto(), 1);
    const info = inspectImageBytes(heic, 'IMG_0043.HEIC');
    const options = { ...DEFAULT_PREPARATION, maxSize: 200, removeMetadata: false, crop: 'centre' as const };
    const prepared = await preparer.prepare(heic, 'IMG_0043.HEIC', options);
    assert.ok(prepared);
    assert.deepEqual([prepared.width, prepared.height], [200, 200]);
    assert.deepEqual(prepared.changes, ['cropped', 'scaled', 'locationRemoved', 'converted']);
    assert.deepEqual(expectedChanges(info, options), prepared.changes, 'the plan says beforehand what preparing then does');
    assert.ok(![...(read(prepared.bytes).getFields() as unknown as Iterable<string>)].some((field) => field.startsWith('exif-')), 'no EXIF: its orientation was applied already');
  });

  it('sends a HEIC with transparency as PNG, keeping the transparency', async () => {
    const [width, height] = [64, 48];
    const pixels = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i++) pixels.set([0, 0, 255, i % width < width / 2 ? 255 : 0], i * 4);
    const png = vips.Image.newFromMemory(pixels, width, height, 4, vips.BandFormat.uchar).copy({ interpretation: 'srgb' }).writeToBuffer('.png');
    const heic = heifEnc(folder(), png, 'png');
    assert.equal(inspectImageBytes(heic, 'logo.heic').format, 'heic');
    const prepared = await preparer.prepare(heic, 'logo.heic');
    assert.ok(prepared);
    assert.equal(prepared.contentType, 'image/png');
    const sent = read(prepared.bytes);
    assert.equal(sent.bands, 4);
    assert.ok(sent.getpoint(8, 8)[3] > 200 && sent.getpoint(56, 8)[3] < 50, 'opaque on the left, transparent on the right');
  });

  it('refuses a HEIC past the pixel limit from its header, and one whose pictures are damaged, with a message', async () => {
    const heic = phonePhoto();
    await assert.rejects(preparer.prepare(heic, 'huge.heic', { ...DEFAULT_PREPARATION, maxPixels: 100_000 }), (error: unknown) => error instanceof ImageRefusal && error.code === 'absurdDimensions');
    // The coded picture overwritten: the container is whole, the HEVC data is not.
    const damaged = Buffer.from(heic);
    const mdat = boxes(damaged, 0, damaged.length).find((box) => box.type === 'mdat')!;
    damaged.fill(0xff, mdat.at + 8, mdat.at + mdat.size);
    assert.equal(inspectImageBytes(damaged, 'damaged.heic').format, 'heic');
    await assert.rejects(preparer.prepare(damaged, 'damaged.heic'), (error: unknown) => error instanceof ImageRefusal && error.code === 'corrupt' && /“damaged\.heic” cannot be read as a picture/.test(error.message));
  });
});
