// The refused corpus: every bad input gets the exact refusal code and the exact message the user will read.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ImageRefusal, type RefusalCode, inspectImageBytes, inspectImageFile } from '../../../src/images';
import { FIXTURES, assertRefused, expected as m } from './helpers';
import { tempFolder } from '../../support/tempFolder';

const BAD: Array<[file: string, code: RefusalCode, message: (name: string) => string]> = [
  ['empty.png', 'empty', m.empty],
  ['text-renamed.png', 'notAnImage', (n) => m.contains(n, 'text')],
  ['utf16-text.png', 'notAnImage', (n) => m.contains(n, 'text')],
  ['random-bytes.png', 'notAnImage', m.notAnImage],
  ['document-renamed.jpg', 'notAnImage', (n) => m.contains(n, 'a PDF document')],
  ['archive-renamed.png', 'notAnImage', (n) => m.contains(n, 'a ZIP archive (or an Office document, which is one)')],
  ['page-renamed.gif', 'notAnImage', (n) => m.contains(n, 'a web page (HTML)')],
  ['xml-not-svg.png', 'notAnImage', (n) => m.contains(n, 'an XML document')],

  ['png-signature-only.png', 'truncated', (n) => m.truncated(n, 'PNG')],
  ['png-header-cut.png', 'truncated', (n) => m.truncated(n, 'PNG')],
  ['png-body-cut.png', 'truncated', (n) => m.truncated(n, 'PNG')],
  ['png-corrupt-ihdr.png', 'corrupt', (n) => m.corrupt(n, 'PNG')],
  ['png-first-chunk-not-ihdr.png', 'corrupt', (n) => m.corrupt(n, 'PNG')],
  ['png-zero-width.png', 'zeroDimensions', (n) => m.zero(n, '0×12')],
  ['png-100000x100000.png', 'absurdDimensions', (n) => m.absurd(n, '100000×100000')],

  ['jpeg-soi-only.jpg', 'truncated', (n) => m.truncated(n, 'JPEG')],
  ['jpeg-header-cut.jpg', 'truncated', (n) => m.truncated(n, 'JPEG')],
  ['jpeg-body-cut.jpg', 'truncated', (n) => m.truncated(n, 'JPEG')],
  ['jpeg-scan-cut.jpg', 'truncated', (n) => m.truncated(n, 'JPEG')],
  ['jpeg-bad-marker.jpg', 'corrupt', (n) => m.corrupt(n, 'JPEG')],
  ['jpeg-zero-height.jpg', 'zeroDimensions', (n) => m.zero(n, '20×0')],
  ['jpeg-40000-wide.jpg', 'absurdDimensions', (n) => m.absurd(n, '40000×15')],
  ['jpeg-arithmetic.jpg', 'unsupportedFormat', (n) => m.unsupported(n, 'JPEG (lossless, hierarchical or arithmetic-coded)')],

  ['gif-header-cut.gif', 'truncated', (n) => m.truncated(n, 'GIF')],
  ['gif-body-cut.gif', 'truncated', (n) => m.truncated(n, 'GIF')],
  ['gif-zero-size.gif', 'zeroDimensions', (n) => m.zero(n, '0×0')],
  ['gif-polyglot-script.gif', 'corrupt', (n) => m.corrupt(n, 'GIF')],

  ['bmp-header-cut.bmp', 'truncated', (n) => m.truncated(n, 'BMP')],
  ['bmp-body-cut.bmp', 'truncated', (n) => m.truncated(n, 'BMP')],
  ['bmp-bad-header-size.bmp', 'corrupt', (n) => m.corrupt(n, 'BMP')],

  ['tiff-header-cut.tif', 'truncated', (n) => m.truncated(n, 'TIFF')],
  ['tiff-ifd-cut.tif', 'truncated', (n) => m.truncated(n, 'TIFF')],
  ['tiff-strip-cut.tif', 'truncated', (n) => m.truncated(n, 'TIFF')],
  ['tiff-no-width.tif', 'corrupt', (n) => m.corrupt(n, 'TIFF')],
  ['bigtiff-cut.tif', 'truncated', (n) => m.truncated(n, 'BigTIFF')],

  ['svg-with-script.png', 'zeroDimensions', m.svgWithoutSize],
  ['heic-cut.heic', 'truncated', (n) => m.truncated(n, 'HEIC')],
  ['icon.ico', 'unsupportedFormat', (n) => m.unsupported(n, 'ICO (icon)')],
  ['layers.psd', 'unsupportedFormat', (n) => m.unsupported(n, 'Photoshop (PSD)')],
  ['picture.jp2', 'unsupportedFormat', (n) => m.unsupported(n, 'JPEG 2000')],
  ['jxl-cut.jxl', 'truncated', (n) => m.truncated(n, 'JPEG XL')],
];

describe('images: refused files', () => {
  it('covers every file in the bad corpus', async () => {
    const files = (await fs.readdir(path.join(FIXTURES, 'bad'))).sort();
    assert.deepEqual(files, BAD.map(([file]) => file).sort());
  });

  for (const [file, code, message] of BAD) {
    it(`refuses ${file} (${code})`, async () => {
      const filePath = path.join(FIXTURES, 'bad', file);
      await assertRefused(() => inspectImageFile(filePath), code, message(file));
      const bytes = await fs.readFile(filePath);
      await assertRefused(() => inspectImageBytes(bytes, file), code, message(file));
    });
  }

  describe('file system cases (made at test time)', () => {
    const dir = tempFolder('bc-pictures-images-');

    it('refuses a folder named like a picture', async () => {
      await fs.mkdir(path.join(dir(), 'x.png'));
      await assertRefused(() => inspectImageFile(path.join(dir(), 'x.png')), 'notAFile', m.folder('x.png'));
    });

    it('refuses a missing file', async () => {
      await assertRefused(() => inspectImageFile(path.join(dir(), 'gone.jpg')), 'notFound', m.notFound('gone.jpg'));
    });

    it('refuses a path that goes through a file (ENOTDIR) as not found', async () => {
      const file = path.join(dir(), 'file.png');
      await fs.copyFile(path.join(FIXTURES, 'good', 'rgb-16x12.png'), file);
      await assertRefused(() => inspectImageFile(path.join(file, 'child')), 'notFound', m.notFound('child'));
    });

    it('refuses a symbolic link loop', async () => {
      await fs.symlink(path.join(dir(), 'loop-b.png'), path.join(dir(), 'loop-a.png'));
      await fs.symlink(path.join(dir(), 'loop-a.png'), path.join(dir(), 'loop-b.png'));
      await assertRefused(() => inspectImageFile(path.join(dir(), 'loop-a.png')), 'unreadable', m.linkLoop('loop-a.png'));
    });

    it('follows a symbolic link to a real picture', async () => {
      await fs.symlink(path.join(FIXTURES, 'good', 'simple-9x5.gif'), path.join(dir(), 'link.gif'));
      const info = await inspectImageFile(path.join(dir(), 'link.gif'));
      assert.equal(info.fileName, 'link.gif');
      assert.equal(info.format, 'gif');
    });

    it('refuses a file it may not read', async function () {
      if (process.platform === 'win32' || process.getuid?.() === 0) {
        // Root reads files whatever their mode, so a chmod 000 file cannot be made unreadable here.
        this.skip();
      }
      const file = path.join(dir(), 'secret.png');
      await fs.copyFile(path.join(FIXTURES, 'good', 'rgb-16x12.png'), file);
      await fs.chmod(file, 0o000);
      await assertRefused(() => inspectImageFile(file), 'unreadable', m.noPermission('secret.png'));
    });

    it('refuses a named pipe without blocking on it', async function () {
      const fifo = path.join(dir(), 'pipe.png');
      try {
        execFileSync('mkfifo', [fifo], { stdio: 'ignore' });
      } catch {
        this.skip(); // no mkfifo on this system
      }
      await assertRefused(() => inspectImageFile(fifo), 'notAFile', m.specialFile('pipe.png'));
    });

    it('refuses an empty buffer, naming it "picture" when no name is given', async () => {
      await assertRefused(() => inspectImageBytes(new Uint8Array(0)), 'empty', m.empty('picture'));
    });
  });

  describe('never throws anything raw', () => {
    // Deterministic pseudo-random numbers, so a failure can be reproduced.
    function random(seed: number): () => number {
      let state = seed >>> 0;
      return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32;
      };
    }

    it('answers every cut and every damaged copy of the good corpus with a picture or an ImageRefusal', async () => {
      const next = random(20240611);
      const files = (await fs.readdir(path.join(FIXTURES, 'good'))).sort();
      let refusals = 0;
      for (const file of files) {
        const original = await fs.readFile(path.join(FIXTURES, 'good', file));
        const variants: Uint8Array[] = [];
        for (let cut = 0; cut < original.length; cut += Math.max(1, Math.floor(original.length / 97))) {
          variants.push(original.subarray(0, cut));
        }
        for (let i = 0; i < 150; i++) {
          const copy = Uint8Array.from(original);
          const flips = 1 + Math.floor(next() * 4);
          for (let f = 0; f < flips; f++) {
            // Mostly in the header, where the parsers look.
            const at = Math.floor(next() * Math.min(copy.length, next() < 0.7 ? 64 : copy.length));
            copy[at] = Math.floor(next() * 256);
          }
          variants.push(copy);
        }
        for (const bytes of variants) {
          try {
            const info = inspectImageBytes(bytes, file);
            assert.ok(info.width > 0 && info.height > 0);
          } catch (error) {
            if (!(error instanceof ImageRefusal)) {
              assert.fail(`raw error for a variant of ${file}: ${String(error)}`);
            }
            assert.ok(error.message.includes(`“${file}”`), error.message);
            refusals++;
          }
        }
      }
      assert.ok(refusals > 500, `only ${refusals} refusals`);
    });
  });
});
