// The small helpers that show sizes and summaries to the user, and the public constants other layers rely on.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  ACCEPTED_FORMATS,
  IMAGE_FILE_EXTENSIONS,
  MAX_PICTURE_BYTES,
  MAX_PICTURE_PIXELS,
  MAX_PICTURE_SIDE,
  MIME_TYPES,
  describeImage,
  describePicture,
  formatBytes,
} from '../../../src/images';

describe('images: formatting and constants', () => {
  it('formats byte sizes in binary units with at most one decimal', () => {
    assert.equal(formatBytes(0), '0 bytes');
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(1023), '1023 bytes');
    assert.equal(formatBytes(1024), '1 KB');
    assert.equal(formatBytes(12_595), '12.3 KB');
    assert.equal(formatBytes(150 * 1024), '150 KB');
    assert.equal(formatBytes(1.5 * 1024 * 1024), '1.5 MB');
    assert.equal(formatBytes(MAX_PICTURE_BYTES), '350 MB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3 GB');
    assert.equal(formatBytes(5 * 1024 ** 4), '5 TB');
  });

  it('summarises a picture for the user', () => {
    assert.equal(
      describeImage({ fileName: 'a.png', format: 'png', contentType: 'image/png', width: 640, height: 480, byteSize: 12_595 }),
      'PNG, 640×480, 12.3 KB',
    );
    assert.equal(
      describeImage({ fileName: 'b.tif', format: 'tiff', contentType: 'image/tiff', width: 3000, height: 2000, byteSize: 18 * 1024 * 1024 }),
      'TIFF, 3000×2000, 18 MB',
    );
  });

  it("shows what Business Central has in the same format as a file: type, pixels, bytes", () => {
    assert.equal(describePicture({ contentType: 'image/jpeg', width: 160, height: 160, byteSize: 3_990 }), 'JPEG, 160×160, 3.9 KB');
    assert.equal(describePicture({ contentType: 'IMAGE/PNG; charset=binary', width: 64, height: 48, byteSize: 512 }), 'PNG, 64×48, 512 bytes');
    assert.equal(describePicture({ contentType: 'image/x-icon', width: 16, height: 16 }), 'image/x-icon, 16×16, size unknown');
    assert.equal(describePicture({ contentType: '', width: 10, height: 10, byteSize: 1 }), 'unknown type, 10×10, 1 byte');
    assert.equal(describePicture({ contentType: '$(zap)', width: 1, height: 1, byteSize: 1 }), '$\u200b(zap), 1×1, 1 byte', 'a type from the service is data');
  });

  it('exposes the accepted formats and limits', () => {
    assert.deepEqual([...ACCEPTED_FORMATS], ['png', 'jpeg', 'gif', 'bmp', 'tiff']);
    assert.deepEqual([...IMAGE_FILE_EXTENSIONS], ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'tif', 'tiff', 'webp', 'avif', 'heic', 'heif', 'jxl', 'svg']);
    assert.deepEqual(MIME_TYPES, {
      png: 'image/png',
      jpeg: 'image/jpeg',
      gif: 'image/gif',
      bmp: 'image/bmp',
      tiff: 'image/tiff',
      bigtiff: 'image/tiff',
      webp: 'image/webp',
      avif: 'image/avif',
      heic: 'image/heic',
      jxl: 'image/jxl',
      svg: 'image/svg+xml',
    });
    assert.equal(MAX_PICTURE_BYTES, 350 * 1024 * 1024);
    assert.equal(MAX_PICTURE_SIDE, 30_000);
    assert.equal(MAX_PICTURE_PIXELS, 200_000_000);
  });

  it('stays a plain layer: no vscode import in src/images', () => {
    const folder = path.resolve(__dirname, '../../../../src/images');
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
      assert.doesNotMatch(readFileSync(path.join(folder, file), 'utf8'), /from\s+['"]vscode['"]|require\(['"]vscode['"]\)/, file);
    }
  });
});
