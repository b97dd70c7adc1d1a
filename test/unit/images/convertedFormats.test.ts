/**
 * BigTIFF, WebP, AVIF and SVG files are inspected like the formats Business Central takes (then converted before
 * they are sent): whole files measured, cut or padded ones refused, and drawings that read other files or declare
 * entities refused by their header, before the plan. The pictures are made here with libvips.
 */
import * as assert from 'node:assert/strict';
import { inspectImageBytes } from '../../../src/images';
import { expectedChanges } from '../../../src/images/preparation';
import { DEFAULT_PREPARATION, PicturePreparer } from '../../../src/images/prepare';
import { assertRefused, expected as m } from './helpers';

type Vips = Awaited<ReturnType<typeof import('wasm-vips')>>;

describe('images: WebP, AVIF and SVG are inspected, then converted', function () {
  this.timeout(60_000);
  let vips: Vips;
  let webp: Uint8Array;
  let avif: Uint8Array;

  before(async () => {
    const { default: Vips } = await import('wasm-vips');
    vips = await Vips({ dynamicLibraries: ['vips-heif.wasm'] });
    vips.Cache.max(0);
    const photo = vips.Image.black(64, 48).add([200, 120, 40]).cast(vips.BandFormat.uchar);
    webp = photo.writeToBuffer('.webp', { Q: 80 });
    avif = photo.writeToBuffer('.avif', { Q: 60 });
  });
  after(() => vips.shutdown());

  const svg = (body: string, attributes = 'width="40" height="20"') => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" ${attributes}>${body}</svg>`);

  it('measures each and expects to convert it, whatever the settings', () => {
    for (const [bytes, name, format] of [[webp, 'photo.webp', 'webp'], [avif, 'photo.avif', 'avif'], [svg('<rect width="4" height="4"/>'), 'logo.svg', 'svg']] as const) {
      const info = inspectImageBytes(bytes, name);
      assert.deepEqual([info.format, info.width, info.height], [format, format === 'svg' ? 40 : 64, format === 'svg' ? 20 : 48], name);
      assert.deepEqual(expectedChanges(info, { ...DEFAULT_PREPARATION, maxSize: 0, removeMetadata: false }), ['converted'], name);
    }
  });

  it("reads a WebP's EXIF: its orientation and its location, which preparing turns and removes", () => {
    const photo = vips.Image.black(64, 48).add([200, 120, 40]).cast(vips.BandFormat.uchar);
    photo.setInt('orientation', 6);
    photo.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1');
    photo.setString('exif-ifd3-GPSLatitudeRef', 'N');
    const info = inspectImageBytes(photo.writeToBuffer('.webp', { Q: 80 }), 'shop.webp');
    assert.deepEqual([info.orientation, info.metadata], [6, 'location']);
    assert.deepEqual(expectedChanges(info, DEFAULT_PREPARATION), ['rotated', 'locationRemoved', 'converted']);
    const bare = inspectImageBytes(photo.writeToBuffer('.webp', { Q: 80, keep: 0 }), 'bare.webp');
    assert.deepEqual([bare.orientation, bare.metadata], [undefined, undefined]);
  });

  it('reads a BigTIFF by its directory of 8-byte offsets: its size, orientation and metadata, and converts it upright', async () => {
    const photo = vips.Image.black(300, 200, { bands: 3 }).add([30, 160, 60]).cast(vips.BandFormat.uchar).copy({ interpretation: 'srgb' });
    photo.setInt('orientation', 6);
    photo.setBlob('xmp-data', Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'));
    const bigtiff = photo.writeToBuffer('.tif', { bigtiff: true, compression: 'lzw' });
    const info = inspectImageBytes(bigtiff, 'scan.tif');
    assert.deepEqual([info.format, info.contentType, info.width, info.height, info.orientation, info.metadata], ['bigtiff', 'image/tiff', 300, 200, 6, 'other']);
    assert.deepEqual(expectedChanges(info, DEFAULT_PREPARATION), ['rotated', 'metadataRemoved', 'converted']);
    const preparer = new PicturePreparer();
    try {
      const sent = (await preparer.prepare(bigtiff, 'scan.tif'))!;
      assert.deepEqual([sent.contentType, sent.width, sent.height, sent.changes], ['image/jpeg', 200, 300, ['rotated', 'metadataRemoved', 'converted']]);
    } finally {
      await preparer.dispose();
    }
    // Its pixel data (or its directory, written after them) cut short: refused as incomplete.
    await assertRefused(() => inspectImageBytes(bigtiff.subarray(0, bigtiff.length - 40), 'cut.tif'), 'truncated', m.truncated('cut.tif', 'BigTIFF'));
  });

  it('refuses a WebP or AVIF cut short, and a WebP with another file after it', async () => {
    await assertRefused(() => inspectImageBytes(webp.subarray(0, webp.length - 4), 'cut.webp'), 'truncated', m.truncated('cut.webp', 'WebP'));
    await assertRefused(() => inspectImageBytes(webp.subarray(0, 20), 'head.webp'), 'truncated', m.truncated('head.webp', 'WebP'));
    await assertRefused(() => inspectImageBytes(avif.subarray(0, avif.length - 4), 'cut.avif'), 'truncated', m.truncated('cut.avif', 'AVIF'));
    const padded = Buffer.concat([webp, Buffer.from('<html>' + 'x'.repeat(4096) + '</html>')]);
    assert.throws(() => inspectImageBytes(padded, 'padded.webp'), { code: 'trailingData' });
  });

  it('measures a drawing in its units or by its viewBox, and refuses one without a size', async () => {
    const inches = inspectImageBytes(svg('', 'width="1in" height="0.5in"'), 'inches.svg');
    assert.deepEqual([inches.width, inches.height], [96, 48]);
    const box = inspectImageBytes(svg('', 'viewBox="0 0 300 150"'), 'box.svg');
    assert.deepEqual([box.width, box.height], [300, 150]);
    await assertRefused(() => inspectImageBytes(svg('<rect/>', ''), 'sizeless.svg'), 'zeroDimensions', m.svgWithoutSize('sizeless.svg'));
  });

  it('refuses a drawing that draws on another file or web address, or declares entities, and names what it reads', async () => {
    const cases: Array<[string, string]> = [
      ['<image href="file:///home/me/.ssh/key.png"/>', 'file:///home/me/.ssh/key.png'],
      ['<use xlink:href="sprites.svg#logo"/>', 'sprites.svg#logo'],
      ['<feImage href="https://example.com/x.png"/>', 'https://example.com/x.png'],
      ['<style>@import url("https://example.com/font.css");</style>', 'https://example.com/font.css'],
      ['<rect fill="url(\'https://example.com/p.svg#g\')" width="4" height="4"/>', 'https://example.com/p.svg#g'],
    ];
    for (const [body, shown] of cases) {
      await assertRefused(() => inspectImageBytes(svg(body), 'logo.svg'), 'unsafeDrawing', m.svgReference('logo.svg', shown));
    }
    const entities = Buffer.from('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">&a;</svg>');
    await assertRefused(() => inspectImageBytes(entities, 'laughs.svg'), 'unsafeDrawing', m.svgEntities('laughs.svg'));
    // References inside the drawing, data written into it and plain links read nothing else.
    const inside = svg('<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="4" height="4"/><use href="#g"/><a href="https://example.com"><image href="data:image/png;base64,AAAA"/></a>');
    assert.equal(inspectImageBytes(inside, 'logo.svg').format, 'svg');
  });

  it('refuses a sequence of HEVC frames, which is not a still photo, by its container name', async () => {
    const sequence = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftyphevc\0\0\0\0msf1hevc'), Buffer.alloc(64)]);
    await assertRefused(() => inspectImageBytes(sequence, 'burst.heic'), 'unsupportedFormat', m.unsupported('burst.heic', 'HEIF'));
  });
});
