/**
 * The file sent is the file inspected: a pipe swapped in while a picture is inspected is refused without blocking,
 * and a picture read through VS Code's file system (not `file:`) is sent only as the very bytes that were inspected.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, promises as fs, openSync, unlinkSync } from 'node:fs';
import Module = require('node:module');
import * as os from 'node:os';
import * as path from 'node:path';
import { ServiceError } from '../../../src/api';
import { chunksOf } from '../../../src/api/upload';
import type { UploadSource } from '../../../src/api/types';
import { ImageRefusal, inspectImageFile } from '../../../src/images';
import type * as InspectImage from '../../../src/ui/inspectImage';
import { createVscodeStub, tolerant } from '../../bench/vscodeStub';
import { expected as m } from '../images/helpers';
import { largePng } from './helpers';

const changedBefore = (name: string) =>
  `“${name}” changed after it was checked, so nothing was changed in Business Central. Wait until the file is saved completely, then choose it again.`;

describe('reliability: the file sent is the file inspected', function () {
  this.timeout(10_000);
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bc-pictures-inspected-'));
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('a named pipe swapped in while the picture is inspected', () => {
    const fifos: string[] = [];
    const realStat = fs.stat;

    before(function () {
      if (process.platform === 'win32') {
        this.skip(); // no named pipes in the file system
      }
    });

    afterEach(() => {
      fs.stat = realStat;
      // Opening the other end frees a reader stuck in open(), so a failing test cannot hang the process.
      for (const fifo of fifos.splice(0)) {
        try {
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          // ENXIO: nobody is waiting on it.
        }
      }
    });

    it('is refused at once when it replaces the file between the look at its path and the open', async function () {
      this.timeout(3_000);
      const file = path.join(dir, 'raced.png');
      await fs.writeFile(file, largePng(1024, 1));
      // The swap happens right after the path was looked at and found a regular file: only the open handle can tell.
      fs.stat = (async (...args: Parameters<typeof realStat>) => {
        const stats = await realStat(...args);
        fs.stat = realStat;
        unlinkSync(file);
        try {
          execFileSync('mkfifo', [file], { stdio: 'ignore' });
        } catch {
          return stats; // no mkfifo here: the test skips below
        }
        fifos.push(file);
        return stats;
      }) as typeof realStat;
      const started = Date.now();
      const outcome = await inspectImageFile(file).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (fifos.length === 0) this.skip();
      assert.ok(outcome instanceof ImageRefusal, `expected a refusal, got ${String(outcome)}`);
      assert.equal(outcome.code, 'notAFile');
      assert.equal(outcome.message, m.specialFile('raced.png'));
      assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    });
  });

  describe('a picture read through VS Code’s file system', () => {
    const uri = { scheme: 'memfs', path: '/pictures/10000.png', toString: () => 'memfs:/pictures/10000.png' };
    let content: Uint8Array;
    let reads: number;
    let ui: typeof InspectImage;

    before(() => {
      const vscode = createVscodeStub();
      vscode.FileType = { File: 1, Directory: 2 };
      vscode.workspace = tolerant('vscode.workspace', {
        fs: {
          stat: async () => ({ type: 1, size: content.length }),
          readFile: async () => {
            reads++;
            return content.slice();
          },
        },
      });
      ui = withVscode(vscode, () => require(path.resolve(__dirname, '../../../src/ui/inspectImage')));
    });

    beforeEach(() => {
      content = largePng(64 * 1024, 2);
      reads = 0;
    });

    /** Same size as the picture, but a web page: never inspected, so it must never be sent. */
    function swapForWebPage(): Buffer {
      const page = Buffer.alloc(content.length, ' ');
      page.write('<html><script>alert(1)</script>');
      content = page;
      return page;
    }

    it('sends the bytes inspected, read again, when only the inspection was kept (many pictures)', async () => {
      const inspected = Buffer.from(content);
      const info = await ui.readImageInfo(uri as never);
      assert.equal(info.byteSize, inspected.length);
      assert.deepEqual(await bytesOf(await ui.uploadSourceFor(uri as never, info)), inspected);
      assert.equal(reads, 2);
    });

    it('refuses bytes read again that are not the ones inspected (many pictures)', async () => {
      const info = await ui.readImageInfo(uri as never);
      swapForWebPage();
      const outcome = await ui.uploadSourceFor(uri as never, info).then(bytesOf, (error: unknown) => error);
      assert.ok(outcome instanceof ServiceError, `expected a ServiceError, got ${outcome instanceof Buffer ? `${outcome.length} bytes sent` : String(outcome)}`);
      assert.equal(outcome.kind, 'fileChanged');
      assert.equal(outcome.message, changedBefore('10000.png'));
    });

    it('sends exactly the bytes inspected, read once, for one picture', async () => {
      const inspected = Buffer.from(content);
      const image = await ui.inspectImage(uri as never, tolerant('log'));
      assert.ok(image?.bytes, 'the inspection keeps the bytes it inspected');
      swapForWebPage();
      assert.deepEqual(await bytesOf(await ui.uploadSourceFor(uri as never, image.info, image.bytes)), inspected);
      assert.equal(reads, 1, 'read once: the bytes sent are the bytes inspected');
    });
  });
});

/** Runs `load` with `require('vscode')` answering `vscode`, and only then (the modules loaded keep it). */
function withVscode<T>(vscode: unknown, load: () => T): T {
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? vscode : original.call(this, request, parent, isMain);
  };
  try {
    return load();
  } finally {
    loader._load = original;
  }
}

async function bytesOf(source: UploadSource): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of chunksOf(source)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
