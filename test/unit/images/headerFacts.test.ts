/** What a JPEG's header says that preparing needs, read without decoding it: the fixtures are made here with libvips. */
import * as assert from 'node:assert/strict';
import { inspectImageBytes } from '../../../src/images';

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
});
