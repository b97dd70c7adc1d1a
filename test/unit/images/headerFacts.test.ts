/** What a picture's header says that preparing needs, read without decoding it: the fixtures are made here with libvips and by hand. */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { inspectImageBytes, inspectImageFile } from '../../../src/images';
import type { ImageRefusal } from '../../../src/images/imageRefusal';
import { HEAD_BYTES } from '../../../src/images/imageInspector';
import { expectedChanges } from '../../../src/images/preparation';
import { DEFAULT_PREPARATION, PicturePreparer } from '../../../src/images/prepare';

type Vips = Awaited<ReturnType<typeof import('wasm-vips')>>;

describe('images/imageInspector: the header facts preparing needs', function () {
  this.timeout(30_000);
  let vips: Vips;
  before(async () => {
    const { default: Vips } = await import('wasm-vips');
    vips = await Vips();
    // Each fixture gets its own image: from the operation cache, setting a field on one would set it on the next too.
    vips.Cache.max(0);
  });
  after(() => vips.shutdown());

  const jpeg = (edit: (image: InstanceType<Vips['Image']>) => void, options: Record<string, unknown> = {}) => {
    const image = vips.Image.black(30, 20, { bands: 3 }).add(128).cast('uchar');
    edit(image);
    return image.writeToBuffer('.jpg', { Q: 80, ...options });
  };

  for (let orientation = 1; orientation <= 8; orientation++) {
    it(`reads EXIF orientation ${orientation}`, () => {
      const info = inspectImageBytes(jpeg((image) => image.setInt('orientation', orientation)), 'phone.jpg');
      assert.equal(info.orientation, orientation);
      assert.equal(info.metadata, 'other', 'EXIF is metadata');
    });
  }

  it('tells GPS coordinates from other metadata, and finds none in a clean JPEG', () => {
    const withGps = jpeg((image) => {
      image.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1');
      image.setString('exif-ifd3-GPSLatitudeRef', 'N');
    });
    assert.equal(inspectImageBytes(withGps, 'shop.jpg').metadata, 'location');
    assert.equal(inspectImageBytes(jpeg((image) => image.setString('exif-ifd0-Make', 'Phone')), 'camera.jpg').metadata, 'other');
    const clean = inspectImageBytes(jpeg(() => undefined, { keep: 0 }), 'clean.jpg');
    assert.equal(clean.metadata, undefined);
    assert.equal(clean.orientation, undefined);
  });

  it('counts a comment as metadata, and XMP with GPS as a location', () => {
    const commented = Buffer.from(jpeg(() => undefined, { keep: 0 }));
    const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x07]), Buffer.from('hello')]);
    assert.equal(inspectImageBytes(Buffer.concat([commented.subarray(0, 2), comment, commented.subarray(2)]), 'c.jpg').metadata, 'other');
    const xmp = Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude="52,31.2N"/></x:xmpmeta>');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(xmp.length + 2);
    const segment = Buffer.concat([Buffer.from([0xff, 0xe1]), length, xmp]);
    assert.equal(inspectImageBytes(Buffer.concat([commented.subarray(0, 2), segment, commented.subarray(2)]), 'x.jpg').metadata, 'location');
  });

  const tagged = (image: InstanceType<Vips['Image']>) => {
    image.setInt('orientation', 6);
    image.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1');
    image.setString('exif-ifd3-GPSLatitudeRef', 'N');
  };
  const png = (edit: (image: InstanceType<Vips['Image']>) => void, options: Record<string, unknown> = {}) => {
    const image = vips.Image.black(30, 20, { bands: 3 }).add(128).cast('uchar').copy();
    edit(image);
    return image.writeToBuffer('.png', options);
  };

  it("reads a PNG's eXIf chunk (orientation, GPS) and its text chunks, and finds none in a clean PNG", () => {
    const phone = inspectImageBytes(png(tagged), 'shop.png');
    assert.deepEqual([phone.orientation, phone.metadata], [6, 'location']);
    assert.equal(inspectImageBytes(png((image) => image.setString('png-comment-0-Title', 'Our shop'), { keep: 16 }), 'titled.png').metadata, 'other');
    const clean = inspectImageBytes(png(() => undefined, { keep: 0 }), 'clean.png');
    assert.deepEqual([clean.orientation, clean.metadata], [undefined, undefined]);
  });

  it("reads a TIFF's orientation, its metadata tags and whether its GPS directory holds a location", () => {
    const image = vips.Image.black(30, 20, { bands: 3 }).add(128).cast('uchar').copy();
    image.setInt('orientation', 6);
    const turned = inspectImageBytes(image.writeToBuffer('.tif'), 'scan.tif');
    assert.deepEqual([turned.orientation, turned.metadata], [6, undefined]);
    assert.equal(inspectImageBytes(tiff([[34853, 4, 1, 0]], [2, 4]), 'gps.tif').metadata, 'location');
    assert.equal(inspectImageBytes(tiff([[34853, 4, 1, 0]], [0]), 'version.tif').metadata, 'other', 'a GPS directory with only its version');
    assert.equal(inspectImageBytes(tiff([[700, 1, 4, 0x3c783e00]]), 'xmp.tif').metadata, 'other');
    assert.equal(inspectImageBytes(tiff([]), 'plain.tif').metadata, undefined);
  });

  const avif = (edit: (image: InstanceType<Vips['Image']>) => void, options: Record<string, unknown> = {}) => {
    const image = vips.Image.black(32, 32, { bands: 3 }).add(128).cast('uchar').copy();
    edit(image);
    return image.writeToBuffer('.avif', { Q: 50, ...options });
  };

  it("reads an AVIF's Exif item for a location (through iinf and iloc), and finds none in a clean AVIF", () => {
    assert.equal(inspectImageBytes(avif(tagged), 'shop.avif').metadata, 'location');
    assert.equal(inspectImageBytes(avif(tagged), 'shop.avif').orientation, undefined, 'an AVIF is turned by its own properties, not by EXIF');
    assert.equal(inspectImageBytes(avif((image) => image.setString('exif-ifd0-Make', 'Phone')), 'camera.avif').metadata, 'other');
    assert.equal(inspectImageBytes(avif(() => undefined, { keep: 0 }), 'clean.avif').metadata, undefined);
  });

  it("reads an AVIF's XMP item (a mime item of type application/rdf+xml): GPS in it is a location, other XMP is metadata", () => {
    const xmp = (body: string) =>
      Buffer.from(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ${body}/></rdf:RDF></x:xmpmeta>`);
    // Only the XMP kept: libvips adds an Exif of its own otherwise, which would make "metadata" true anyway.
    const withXmp = (body: string) => avif((image) => image.setBlob('xmp-data', xmp(body)), { keep: 'xmp' });
    const located = withXmp('xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,31.2N" exif:GPSLongitude="13,24.6E"');
    assert.ok(Buffer.from(located).includes('GPSLatitude'), 'the fixture carries the XMP');
    assert.equal(inspectImageBytes(located, 'shop.avif').metadata, 'location');
    assert.equal(inspectImageBytes(withXmp('xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Editor"'), 'edited.avif').metadata, 'other');
    assert.equal(inspectImageBytes(avif(() => undefined, { keep: 'xmp' }), 'bare.avif').metadata, undefined, 'the control: nothing but the XMP made it metadata');
  });

  const chunk = (type: string, data: Uint8Array) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(12 + data.length);
    framed.writeUInt32BE(data.length);
    typed.copy(framed, 4);
    framed.writeUInt32BE(crc32(typed), 8 + data.length);
    return framed;
  };
  /** The Exif block (a TIFF structure) of a JPEG made with a GPS latitude. */
  const gpsExif = () => {
    const gps = Buffer.from(jpeg((image) => image.setString('exif-ifd3-GPSLatitude', '52/1 31/1 12/1')));
    const at = gps.indexOf('Exif\0\0');
    return gps.subarray(at + 6, at - 2 + gps.readUInt16BE(at - 2));
  };
  /** A PNG's chunks, without the signature and IHDR (33 bytes) and IEND (12). */
  const pngParts = (png: Buffer) => ({ start: png.subarray(0, 33), middle: png.subarray(33, png.length - 12), end: png.subarray(png.length - 12) });
  /** What the inspector finds in `png` read from a file (read in parts) and from memory (whole): the two must agree. */
  const metadataOf = async (png: Buffer, name: string) => {
    const file = path.join(os.tmpdir(), `bc-pictures-${process.pid}-${name}`);
    await fs.writeFile(file, png);
    try {
      const fromFile = (await inspectImageFile(file)).metadata;
      assert.equal(inspectImageBytes(png, name).metadata, fromFile, `${name}: the same from memory as from the file`);
      return fromFile;
    } finally {
      await fs.rm(file, { force: true });
    }
  };

  it('finds text and Exif chunks written after the pixel data of a PNG larger than the head read, each by its CRC', async () => {
    // Noise does not compress: about 2.3 MiB of pixel data, far past the head, then the chunks, then IEND.
    const pixels = vips.Image.gaussnoise(800, 1000).cast('uchar').bandjoin([vips.Image.gaussnoise(800, 1000).cast('uchar'), vips.Image.gaussnoise(800, 1000).cast('uchar')]);
    const bare = Buffer.from(pixels.writeToBuffer('.png', { compression: 1, keep: 0 }));
    assert.ok(bare.length > 2 * HEAD_BYTES, `${bare.length} bytes`);
    const withAfterPixels = (...chunks: Buffer[]) => Buffer.concat([bare.subarray(0, bare.length - 12), ...chunks, bare.subarray(bare.length - 12)]);
    const exif = gpsExif();
    assert.equal(inspectImageBytes(bare, 'plan.png').metadata, undefined, 'the control: no metadata');
    assert.equal(inspectImageBytes(withAfterPixels(chunk('tEXt', Buffer.from('Comment\0drawn by hand'))), 'plan.png').metadata, 'other');
    const located = withAfterPixels(chunk('tEXt', Buffer.from('Software\0Editor')), chunk('eXIf', exif));
    assert.equal(inspectImageBytes(located, 'shop.png').metadata, 'location');
    // Bytes that spell a chunk type without a valid CRC are pixel data, not a chunk.
    const lookalike = chunk('tEXt', Buffer.from('Comment\0not one'));
    lookalike.writeUInt32BE(0, lookalike.length - 4);
    const idat = chunk('IDAT', Buffer.concat([Buffer.from([0x78, 0x01]), lookalike]));
    assert.equal(inspectImageBytes(Buffer.concat([bare.subarray(0, bare.length - 12), idat, bare.subarray(bare.length - 12)]), 'plan.png').metadata, undefined);
    // What the plan predicts is what preparing does: the picture is prepared, its location removed.
    const preparer = new PicturePreparer();
    try {
      const predicted = expectedChanges(inspectImageBytes(located, 'shop.png'), DEFAULT_PREPARATION);
      assert.deepEqual(predicted, ['locationRemoved']);
      const prepared = await preparer.prepare(located, 'shop.png');
      assert.deepEqual(prepared?.changes, predicted);
      assert.ok(!Buffer.from(prepared!.bytes).includes('eXIf') && !Buffer.from(prepared!.bytes).includes('Editor'), 'neither chunk is sent');
    } finally {
      await preparer.dispose();
    }
  });

  it("finds a PNG's text and Exif wherever they are: behind a large chunk before the pixel data, or far from the end after it", async () => {
    const pixels = vips.Image.gaussnoise(400, 300).cast('uchar');
    const { start, middle, end } = pngParts(Buffer.from(pixels.writeToBuffer('.png', { compression: 1, keep: 0 })));
    const large = chunk('prVt', randomBytes(HEAD_BYTES + 100 * 1024));
    const exif = chunk('eXIf', gpsExif());
    // Before the pixel data, the Exif starts past the head: read a window at a time.
    assert.equal(await metadataOf(Buffer.concat([start, large, exif, middle, end]), 'profile-first.png'), 'location');
    // After the pixel data, with more than the tail's 64 KiB of another chunk behind it.
    const text = chunk('tEXt', Buffer.from('Comment\0drawn by hand'));
    assert.equal(await metadataOf(Buffer.concat([start, middle, text, chunk('prVt', randomBytes(200 * 1024)), end]), 'text-early.png'), 'other');
    // A text chunk too large to read is still metadata.
    assert.equal(await metadataOf(Buffer.concat([start, middle, chunk('iTXt', Buffer.alloc(1536 * 1024, 0x41)), end]), 'huge-text.png'), 'other');
    // The control: the same large chunks alone are no metadata.
    assert.equal(await metadataOf(Buffer.concat([start, large, middle, chunk('prVt', randomBytes(200 * 1024)), end]), 'plain.png'), undefined);
    // The pixel data in thousands of 1 KiB chunks: walked chunk by chunk, the Exif after them is found.
    const idat = middle.subarray(middle.indexOf('IDAT') + 4, middle.length - 4);
    const pieces = Array.from({ length: Math.ceil(idat.length / 1024) }, (_, i) => chunk('IDAT', idat.subarray(i * 1024, (i + 1) * 1024)));
    const ihdrToIdat = middle.subarray(0, middle.indexOf('IDAT') - 4);
    assert.equal(await metadataOf(Buffer.concat([start, ihdrToIdat, ...pieces, exif, chunk('prVt', randomBytes(100 * 1024)), end]), 'pieces.png'), 'location');
    // Past 4 MiB of small chunks a file is no longer walked: its end is searched, where the Exif is found by its CRC.
    const many = Array.from({ length: 768 }, () => chunk('prVt', randomBytes(8 * 1024)));
    assert.equal(await metadataOf(Buffer.concat([start, middle, ...many, exif, end]), 'many.png'), 'location');
  });

  it('refuses a PNG cut short, or whose chunk is damaged, past the head as within it', async () => {
    const { start, middle, end } = pngParts(Buffer.from(vips.Image.gaussnoise(64, 64).cast('uchar').writeToBuffer('.png', { keep: 0 })));
    const large = chunk('prVt', randomBytes(HEAD_BYTES + 1024));
    const png = Buffer.concat([start, large, middle, end]);
    await assert.rejects(metadataOf(png.subarray(0, png.length - 40), 'cut.png'), (error: ImageRefusal) => error.code === 'truncated');
    const damaged = Buffer.from(png);
    damaged.write('\x01\x02', 33 + large.length + 4, 'latin1');
    await assert.rejects(metadataOf(damaged, 'damaged.png'), (error: ImageRefusal) => error.code === 'corrupt');
  });

  it('predicts from the header what libvips then does: a small phone PNG and TIFF are prepared, not sent as they are', async () => {
    const preparer = new PicturePreparer();
    try {
      for (const [bytes, name] of [
        [png(tagged), 'shop.png'],
        [tiff([[274, 3, 1, 6]]), 'scan.tif'],
        [avif(tagged), 'shop.avif'],
      ] as const) {
        const predicted = expectedChanges(inspectImageBytes(bytes, name), DEFAULT_PREPARATION);
        const prepared = await preparer.prepare(bytes, name);
        assert.deepEqual(prepared?.changes, predicted, name);
        assert.ok(predicted.length > 0, name);
      }
    } finally {
      await preparer.dispose();
    }
  });
});

/**
 * A 2×2 grey little-endian TIFF, uncompressed, with `extra` entries (tag, type, count, value) in its first directory;
 * a GPS directory entry (34853) points at a directory of `gpsTags` written after it.
 */
function tiff(extra: readonly [number, number, number, number][], gpsTags: readonly number[] = []): Buffer {
  const base: [number, number, number, number][] = [
    [256, 3, 1, 2],
    [257, 3, 1, 2],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 1],
    [273, 4, 1, 0],
    [277, 3, 1, 1],
    [278, 3, 1, 2],
    [279, 4, 1, 4],
  ];
  const entries = [...base, ...extra].sort((a, b) => a[0] - b[0]);
  const ifdSize = 2 + 12 * entries.length + 4;
  const gpsAt = 8 + ifdSize;
  const gpsSize = gpsTags.length ? 2 + 12 * gpsTags.length + 4 : 0;
  const pixelsAt = gpsAt + gpsSize;
  const bytes = Buffer.alloc(pixelsAt + 4, 0);
  bytes.write('II', 0, 'latin1');
  bytes.writeUInt16LE(42, 2);
  bytes.writeUInt32LE(8, 4);
  bytes.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 10 + 12 * i;
    const written = tag === 273 ? pixelsAt : tag === 34853 ? gpsAt : value;
    bytes.writeUInt16LE(tag, at);
    bytes.writeUInt16LE(type, at + 2);
    bytes.writeUInt32LE(count, at + 4);
    if (type === 3) bytes.writeUInt16LE(written, at + 8);
    else bytes.writeUInt32LE(written >>> 0, at + 8);
  });
  if (gpsTags.length) {
    bytes.writeUInt16LE(gpsTags.length, gpsAt);
    gpsTags.forEach((tag, i) => {
      bytes.writeUInt16LE(tag, gpsAt + 2 + 12 * i);
      bytes.writeUInt16LE(1, gpsAt + 4 + 12 * i);
      bytes.writeUInt32LE(1, gpsAt + 6 + 12 * i);
    });
  }
  bytes.fill(128, pixelsAt);
  return bytes;
}
