/** A PNG with another file after its end (HTML, a ZIP) is refused: Business Central would store that file too. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { inspectImageBytes, inspectImageFile } from '../../../src/images';
import { HEAD_BYTES, PNG_TRAILING_TOLERANCE } from '../../../src/images/imageInspector';
import { crc32 } from 'node:zlib';
import { makePng } from '../../emulator';

/** A PNG made large by a private ancillary chunk before IEND, so that its end lies past the first bytes read. */
function bigPng(size: number): Buffer {
  const png = makePng(10, 10, 3);
  const data = Buffer.alloc(size, 0x61);
  const chunk = Buffer.alloc(12 + size);
  chunk.writeUInt32BE(size, 0);
  chunk.write('prVt', 4, 'ascii');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + size)) >>> 0, 8 + size);
  return Buffer.concat([png.subarray(0, png.length - 12), chunk, png.subarray(png.length - 12)]);
}
import { assertRefused } from './helpers';
import { tempFolder } from '../../support/tempFolder';

const HTML = Buffer.from('<html><body><script>alert(document.domain)</script>' + 'x'.repeat(2000) + '</body></html>');
const message = (name: string, size: string) =>
  `“${name}” has ${size} of other data after the end of its PNG picture (another file may be hidden in it). Open it in an image editor, save it again, and try again.`;

describe('images: data after the end of a PNG', () => {
  const dir = tempFolder('bc-trailing-');

  it('refuses HTML appended to a small PNG, from memory and from a file', async () => {
    const bytes = Buffer.concat([makePng(10, 10, 1), HTML]);
    await assertRefused(() => inspectImageBytes(bytes, 'logo.png'), 'trailingData', message('logo.png', '2 KB'));
    const file = path.join(dir(), 'logo.png');
    await fs.writeFile(file, bytes);
    await assertRefused(() => inspectImageFile(file), 'trailingData', message('logo.png', '2 KB'));
  });

  it('refuses a ZIP appended to a PNG whose end lies beyond the first bytes read', async () => {
    const png = bigPng(HEAD_BYTES + 100_000);
    assert.equal(inspectImageBytes(png, 'big.png').width, 10, 'the picture alone is fine');
    const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(4096, 7)]);
    const file = path.join(dir(), 'photo.png');
    await fs.writeFile(file, Buffer.concat([png, zip]));
    await assertRefused(() => inspectImageFile(file), 'trailingData', message('photo.png', '4 KB'));
  });

  it('tolerates a little padding after the end, as some tools write', async () => {
    const padded = Buffer.concat([makePng(10, 10, 2), Buffer.alloc(PNG_TRAILING_TOLERANCE)]);
    assert.equal(inspectImageBytes(padded, 'padded.png').width, 10);
    assert.equal(inspectImageBytes(makePng(10, 10, 2), 'plain.png').width, 10);
  });
});
