/**
 * A picture file that is deleted after it was chosen, or that changes while it is uploaded: the upload fails with
 * a clear message, the request is aborted before its last byte, and the customer keeps exactly the old picture.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, constants, promises as fs, renameSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync, writeSync, openSync, closeSync, type Stats } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO, startEmulator, type Emulator } from '../../emulator';
import { fileUploadSource, type UploadInfo } from '../../../src/api';
import type { UploadOptions } from '../../../src/api/types';
import { fileIdentityOf, type FileIdentity } from '../../../src/common/fileIdentity';
import { inspectImageFile } from '../../../src/images';
import { harness, sha256, type Harness } from '../api/helpers';
import { largePng, serviceFailure, settled, storedPicture } from './helpers';

const TOKEN = 'reliability-files-SECRET-7f3a';
const CRONUS = DEMO.cronusId;
/** Customer 10000 has a 64x48 PNG in the demo data. */
const CUSTOMER = DEMO.customer(10000);

const changedDuring = (name: string) =>
  `“${name}” changed while it was being uploaded, so nothing was changed in Business Central. Wait until the file is saved completely, then try again.`;
const changedBefore = (name: string) =>
  `“${name}” changed after it was checked, so nothing was changed in Business Central. Wait until the file is saved completely, then choose it again.`;
/** The times every picture file of these tests is given before it is checked. */
const FILE_TIME = new Date('2024-05-01T10:00:00Z');

const missing = (name: string) => `“${name}” was moved or deleted after it was chosen, so nothing was changed in Business Central: choose it again.`;

describe('reliability: a file deleted or changed between choosing and uploading', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let bc: Harness;
  let graph: Harness;
  let dir: string;
  let old: Buffer;

  before(async () => {
    emu = await startEmulator();
    emu.acceptToken(TOKEN, { audience: 'businesscentral' });
    emu.acceptToken(TOKEN + '-graph', { audience: 'graph' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bc-pictures-reliability-'));
  });

  beforeEach(() => {
    emu.clearFaults();
    emu.clearRequests();
    emu.graphPostRefused = false;
    old = storedPicture(emu, CRONUS, CUSTOMER)!;
    assert.ok(old.length > 0, 'the demo customer has a picture to keep');
    bc = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN });
    graph = harness({ api: 'graph', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN + '-graph' });
  });

  afterEach(() => {
    for (const h of [bc, graph]) {
      assert.ok(!h.log.text.includes('SECRET'), 'a credential reached the log');
    }
  });

  after(async () => {
    await emu.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A large (several 64 KiB chunks) accepted picture on disk, and what inspection says of it. */
  async function pictureFile(name: string, seed: number): Promise<{ file: string; bytes: Buffer; info: UploadInfo; identity: FileIdentity }> {
    const file = path.join(dir, name);
    const bytes = largePng(300 * 1024, seed);
    await fs.writeFile(file, bytes);
    // Whole-second times, so copying them with utimes (milliseconds) is exact, as `cp -p` and `touch -r` are.
    utimesSync(file, FILE_TIME, FILE_TIME);
    const inspected = await inspectImageFile(file);
    assert.equal(inspected.byteSize, bytes.length);
    const info = { byteSize: inspected.byteSize, contentType: inspected.contentType, width: inspected.width, height: inspected.height };
    return { file, bytes, info, identity: inspected.fileIdentity! };
  }

  /** Gives `file` the times of the checked file back (what `cp -p` and `touch -r` do): size and time alone cannot tell. */
  function copyTimes(file: string, checked: Stats): void {
    utimesSync(file, FILE_TIME, FILE_TIME);
    const now = statSync(file);
    assert.equal(now.size, checked.size);
    assert.equal(now.mtimeMs, checked.mtimeMs);
  }

  /** Calls `change` once, synchronously, when `after` bytes of the attempt were handed over. */
  function changeAfter(after: number, change: () => void): UploadOptions {
    let done = false;
    return {
      onProgress: (sent) => {
        if (!done && sent >= after) {
          done = true;
          change();
        }
      },
    };
  }

  async function assertOldPictureKept(): Promise<void> {
    await settled(emu);
    assert.equal(sha256(storedPicture(emu, CRONUS, CUSTOMER)!), sha256(old), 'the customer must keep exactly the old picture');
    assert.equal(emu.requests.filter((r) => r.method !== 'GET' && r.status >= 200 && r.status < 300).length, 0, 'no upload may complete');
  }

  /** The one upload request was started, aborted before its body was complete, and not sent again. */
  function assertOneAbortedUpload(method: string, total: number): void {
    const uploads = emu.requests.filter((r) => r.method === method);
    assert.equal(uploads.length, 1, `uploads: ${uploads.map((r) => r.status).join(', ')}`);
    assert.equal(uploads[0].status, 0);
    assert.equal(uploads[0].aborted, true);
    assert.ok(uploads[0].bodySize < total, `${uploads[0].bodySize} of ${total} bytes arrived`);
  }

  it('uploads an unchanged file whole (the control case)', async () => {
    const { file, bytes, info } = await pictureFile('steady.png', 1);
    await bc.service.uploadPicture(CRONUS, DEMO.customer(20000), fileUploadSource(file, info));
    assert.equal(sha256(storedPicture(emu, CRONUS, DEMO.customer(20000))!), sha256(bytes));
    assert.equal(emu.requests.filter((r) => r.method === 'PATCH' && r.status === 204).length, 1);
  });

  it('says the file was moved or deleted when it is gone at upload', async () => {
    const { file, info } = await pictureFile('photo.png', 2);
    await fs.unlink(file);
    const error = await serviceFailure(bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info)), 'fileMissing');
    assert.equal(error.message, missing('photo.png'));
    await assertOldPictureKept();
    assert.equal(emu.requests.filter((r) => r.method === 'PATCH').length <= 1, true);
  });

  it('says the file was moved or deleted when it was renamed away, on Graph too', async () => {
    const { file, info } = await pictureFile('moved.png', 3);
    await fs.rename(file, path.join(dir, 'moved-elsewhere.png'));
    const error = await serviceFailure(graph.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info)), 'fileMissing');
    assert.equal(error.message, missing('moved.png'));
    await assertOldPictureKept();
  });

  it('refuses a file whose size changed after it was checked, before sending a byte of it', async () => {
    const { file, info } = await pictureFile('resaved.png', 4);
    appendFileSync(file, Buffer.alloc(10, 1));
    const error = await serviceFailure(bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info)), 'fileChanged');
    assert.equal(error.message, changedBefore('resaved.png'));
    await assertOldPictureKept();
    assert.ok(emu.requests.filter((r) => r.method === 'PATCH').every((r) => r.bodySize === 0));
  });

  it('refuses a file rewritten in place (same size) after it was checked, when the check knew the file', async () => {
    const { file, bytes, info } = await pictureFile('same-size.png', 5);
    const fileIdentity = fileIdentityOf(await fs.stat(file, { bigint: true }));
    const modifiedMs = Number(fileIdentity.mtimeNs / 1_000_000n);
    const other = largePng(300 * 1024, 6).subarray(0, bytes.length);
    await fs.writeFile(file, other);
    utimesSync(file, new Date(modifiedMs + 5_000), new Date(modifiedMs + 5_000));
    const error = await serviceFailure(bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, { ...info, fileIdentity })), 'fileChanged');
    assert.equal(error.message, changedBefore('same-size.png'));
    await assertOldPictureKept();
  });

  it('refuses a same-size file renamed over the checked one with its times copied (cp -p, then mv)', async () => {
    const { file, info, identity } = await pictureFile('renamed-over.png', 15);
    const before = statSync(file);
    const next = path.join(dir, 'renamed-over.png.new');
    writeFileSync(next, largePng(300 * 1024, 15)); // same seed: same size, other random bytes
    copyTimes(next, before);
    renameSync(next, file);
    copyTimes(file, before);
    const error = await serviceFailure(bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, { ...info, fileIdentity: identity })), 'fileChanged');
    assert.equal(error.message, changedBefore('renamed-over.png'));
    await assertOldPictureKept();
  });

  it('refuses a same-size file copied into the checked one with its times copied (cp -p, touch -r): the change time tells', async () => {
    const { file, info, identity } = await pictureFile('copied-over.png', 17);
    const before = statSync(file);
    // Written into the same inode, as `cp -p other copied-over.png` does: only the change time moves.
    writeFileSync(file, largePng(300 * 1024, 17));
    copyTimes(file, before);
    assert.equal(statSync(file).ino, before.ino);
    const error = await serviceFailure(bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, { ...info, fileIdentity: identity })), 'fileChanged');
    assert.equal(error.message, changedBefore('copied-over.png'));
    await assertOldPictureKept();
  });

  it('aborts the upload when the file is rewritten in place while it is sent and its times are put back', async () => {
    const { file, bytes, info, identity } = await pictureFile('put-back.png', 19);
    const before = statSync(file);
    const change = () => {
      const fd = openSync(file, 'r+');
      try {
        writeSync(fd, Buffer.alloc(1024, 3), 0, 1024, 200 * 1024);
      } finally {
        closeSync(fd);
      }
      copyTimes(file, before);
    };
    const upload = bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, { ...info, fileIdentity: identity }), changeAfter(64 * 1024, change));
    const error = await serviceFailure(upload, 'fileChanged');
    assert.equal(error.message, changedDuring('put-back.png'));
    await assertOldPictureKept();
    assertOneAbortedUpload('PATCH', bytes.length);
  });

  describe('a named pipe put in place of the checked file', () => {
    const fifos: string[] = [];

    before(function () {
      if (process.platform === 'win32') {
        this.skip(); // no named pipes in the file system
      }
    });

    afterEach(() => {
      // Opening the other end frees a reader stuck in open(), so a failing test cannot hang the process.
      for (const fifo of fifos.splice(0)) {
        try {
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          // ENXIO: nobody is waiting on it.
        }
      }
    });

    it('is refused at once, without blocking on it, and nothing is sent', async function () {
      this.timeout(3_000);
      const { file, info, identity } = await pictureFile('swapped-for-pipe.png', 20);
      unlinkSync(file);
      try {
        execFileSync('mkfifo', [file], { stdio: 'ignore' });
      } catch {
        this.skip(); // no mkfifo on this system
      }
      fifos.push(file);
      const started = Date.now();
      const error = await serviceFailure(bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, { ...info, fileIdentity: identity })), 'fileChanged');
      assert.equal(error.message, changedBefore('swapped-for-pipe.png'));
      assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
      await assertOldPictureKept();
    });
  });

  it('aborts the upload when the file grows while it is sent', async () => {
    const { file, bytes, info } = await pictureFile('growing.png', 7);
    const upload = bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info), changeAfter(64 * 1024, () => appendFileSync(file, Buffer.alloc(4096, 2))));
    const error = await serviceFailure(upload, 'fileChanged');
    assert.equal(error.message, changedDuring('growing.png'));
    await assertOldPictureKept();
    assertOneAbortedUpload('PATCH', bytes.length);
  });

  it('aborts the upload when the file gets shorter while it is sent', async () => {
    const { file, bytes, info } = await pictureFile('shrinking.png', 8);
    const upload = bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info), changeAfter(64 * 1024, () => truncateSync(file, 100 * 1024)));
    const error = await serviceFailure(upload, 'fileChanged');
    assert.equal(error.message, changedDuring('shrinking.png'));
    await assertOldPictureKept();
    assertOneAbortedUpload('PATCH', bytes.length);
  });

  it('aborts the upload when the file is rewritten in place (same size) while it is sent', async () => {
    const { file, bytes, info } = await pictureFile('rewritten.png', 9);
    const change = () => {
      const fd = openSync(file, 'r+');
      try {
        writeSync(fd, Buffer.alloc(1024, 3), 0, 1024, 200 * 1024);
      } finally {
        closeSync(fd);
      }
      // File systems with coarse timestamps could keep the time: make the change visible as a program saving would.
      const later = new Date(Date.now() + 10_000);
      utimesSync(file, later, later);
    };
    const error = await serviceFailure(bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info), changeAfter(64 * 1024, change)), 'fileChanged');
    assert.equal(error.message, changedDuring('rewritten.png'));
    await assertOldPictureKept();
    assertOneAbortedUpload('PATCH', bytes.length);
  });

  it('aborts the Graph JSON upload when the file changes while it is sent', async () => {
    const { file, info } = await pictureFile('graph.png', 10);
    const upload = graph.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info), changeAfter(64 * 1024, () => appendFileSync(file, Buffer.alloc(1, 4))));
    const error = await serviceFailure(upload, 'fileChanged');
    assert.equal(error.message, changedDuring('graph.png'));
    await assertOldPictureKept();
    const posts = emu.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].aborted, true);
  });

  it('refuses a retry when the file changed between two attempts', async () => {
    const { file, bytes, info } = await pictureFile('between.png', 11);
    emu.fault({ method: 'PATCH', kind: 'reset', afterBytes: 70 * 1024 });
    let attempts = 0;
    const upload = bc.service.uploadPicture(CRONUS, CUSTOMER, fileUploadSource(file, info), {
      onProgress: (sent) => {
        if (sent === 0 && ++attempts === 2) {
          appendFileSync(file, Buffer.alloc(1, 5));
        }
      },
    });
    const error = await serviceFailure(upload, 'fileChanged');
    assert.equal(error.message, changedBefore('between.png'));
    await assertOldPictureKept();
    const patches = emu.requests.filter((r) => r.method === 'PATCH');
    assert.ok(patches.length >= 1 && patches.length <= 2, `${patches.length} PATCHes`);
    assert.ok(patches.every((r) => r.status === 0 && r.bodySize < bytes.length));
  });

  describe('on systems where an open file outlives its name', () => {
    before(function () {
      if (process.platform === 'win32') {
        this.skip();
      }
    });

    it('uploads the whole chosen picture when the file is deleted while it is sent', async () => {
      const { file, bytes, info } = await pictureFile('deleted-midway.png', 12);
      await bc.service.uploadPicture(CRONUS, DEMO.customer(20000), fileUploadSource(file, info), changeAfter(64 * 1024, () => unlinkSync(file)));
      assert.equal(sha256(storedPicture(emu, CRONUS, DEMO.customer(20000))!), sha256(bytes));
    });

    it('uploads the whole chosen picture when another program saves a new file over it (rename) while it is sent', async () => {
      const { file, bytes, info } = await pictureFile('replaced.png', 13);
      const replace = () => {
        const next = path.join(dir, 'replaced.png.tmp');
        appendFileSync(next, largePng(100 * 1024, 14));
        renameSync(next, file);
      };
      await bc.service.uploadPicture(CRONUS, DEMO.customer(20000), fileUploadSource(file, info), changeAfter(64 * 1024, replace));
      assert.equal(sha256(storedPicture(emu, CRONUS, DEMO.customer(20000))!), sha256(bytes), 'the picture is the one that was checked, whole');
    });
  });
});
