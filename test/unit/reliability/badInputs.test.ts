/**
 * Hostile and broken files, end to end: the committed corpus (test/fixtures/images/bad, whose exact refusals
 * test/unit/images/badPictures.test.ts asserts, and hostile/, asserted here) plus files made at test time. Each
 * is refused by inspection with a message that names the file and what to do, and when the add-picture flow runs
 * it (inspect, then upload only if accepted) the emulator receives no request at all.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO, startEmulator, type Emulator } from '../../emulator';
import { ImageRefusal, inspectImageBytes, inspectImageFile, type RefusalCode } from '../../../src/images';
import { harness, sha256, type Harness } from '../api/helpers';
import { FIXTURES as CORPUS, expected as m } from '../images/helpers';
import { FIXTURES, addPictureFromFile, settled, storedPicture } from './helpers';

const TOKEN = 'reliability-bad-SECRET-51c2';
const CRONUS = DEMO.cronusId;
const CUSTOMER = DEMO.customer(30000); // has a JPEG picture in the demo data

/** hostile/: hand-made by make-hostile.py; each with its exact refusal. */
const HOSTILE: Array<[file: string, codes: RefusalCode[], message?: (name: string) => string]> = [
  ['gif-65535x65535.gif', ['absurdDimensions'], (n) => m.absurd(n, '65535×65535')],
  ['bmp-100000x100000.bmp', ['absurdDimensions'], (n) => m.absurd(n, '100000×100000')],
  ['tiff-70000x70000.tif', ['absurdDimensions'], (n) => m.absurd(n, '70000×70000')],
  // A negative BMP width is read as a huge unsigned one; 'corrupt' would say it better (see the report).
  ['bmp-negative-width.bmp', ['corrupt']],
  ['gif-bad-version.gif', ['notAnImage'], m.notAnImage],
  ['png-ihdr-length-4gb.png', ['corrupt'], (n) => m.corrupt(n, 'PNG')],
  ['png-idat-length-2gb.png', ['truncated'], (n) => m.truncated(n, 'PNG')],
  ['png-script-after-signature.png', ['corrupt'], (n) => m.corrupt(n, 'PNG')],
  ['jpeg-segment-length-zero.jpg', ['corrupt'], (n) => m.corrupt(n, 'JPEG')],
  ['jpeg-segment-past-end.jpg', ['truncated'], (n) => m.truncated(n, 'JPEG')],
  ['jpeg-pdf-polyglot.jpg', ['truncated', 'corrupt']],
  ['html-with-gif-header.gif', ['corrupt'], (n) => m.corrupt(n, 'GIF')],
  ['tiff-ifd-beyond-end.tif', ['truncated'], (n) => m.truncated(n, 'TIFF')],
  ['tiff-ifd-points-to-header.tif', ['corrupt'], (n) => m.corrupt(n, 'TIFF')],
  ['tiff-strip-beyond-end.tif', ['truncated'], (n) => m.truncated(n, 'TIFF')],
  ['svg-with-bom.png', ['zeroDimensions'], m.svgWithoutSize],
  ['svgz-gzipped.png', ['notAnImage'], m.notAnImage],
  ['zero-bytes-4k.png', ['notAnImage'], m.notAnImage],
  ['exe-renamed.bmp', ['notAnImage'], m.notAnImage],
];

/** Files made at test time: what the file system can do that a committed file cannot. */
const MADE: Array<[name: string, make: (dir: string) => Promise<string | undefined>, code: RefusalCode]> = [
  ['a folder named x.png', async (dir) => {
    const p = path.join(dir, 'x.png');
    await fs.mkdir(p);
    return p;
  }, 'notAFile'],
  ['a symbolic link loop', async (dir) => {
    await fs.symlink(path.join(dir, 'loop-b.png'), path.join(dir, 'loop-a.png'));
    await fs.symlink(path.join(dir, 'loop-a.png'), path.join(dir, 'loop-b.png'));
    return path.join(dir, 'loop-a.png');
  }, 'unreadable'],
  ['a link to nowhere', async (dir) => {
    await fs.symlink(path.join(dir, 'nothing-here.png'), path.join(dir, 'dangling.png'));
    return path.join(dir, 'dangling.png');
  }, 'notFound'],
  ['a missing file (deleted after it was picked)', async (dir) => {
    const p = path.join(dir, 'picked-then-deleted.png');
    await fs.copyFile(path.join(CORPUS, 'good', 'rgb-16x12.png'), p);
    await fs.unlink(p);
    return p;
  }, 'notFound'],
  ['a named pipe', async (dir) => {
    const p = path.join(dir, 'pipe.png');
    try {
      execFileSync('mkfifo', [p], { stdio: 'ignore' });
    } catch {
      return undefined;
    }
    return p;
  }, 'notAFile'],
  ['a sparse file over 350 MB', async (dir) => {
    const p = path.join(dir, 'huge.png');
    const handle = await fs.open(p, 'w');
    await handle.write(await fs.readFile(path.join(CORPUS, 'good', 'rgb-16x12.png')), 0);
    await handle.truncate(351 * 1024 * 1024);
    await handle.close();
    return p;
  }, 'tooLarge'],
];

/** The message names the file and ends by telling the user what to do. */
function assertClear(error: ImageRefusal, name: string): void {
  assert.ok(error.message.includes(`“${name}”`), `the message does not name the file: ${error.message}`);
  assert.match(error.message, /(Choose|choose|Get|Open|Resize|Make|convert|Check)[^.]*\.$/, `the message does not say what to do: ${error.message}`);
}

describe('reliability: bad inputs', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let bc: Harness;
  let dir: string;

  before(async () => {
    emu = await startEmulator();
    emu.acceptToken(TOKEN, { audience: 'businesscentral' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bc-pictures-bad-'));
  });

  beforeEach(() => {
    emu.clearFaults();
    emu.clearRequests();
    bc = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN });
  });

  after(async () => {
    await emu.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Runs the add-picture flow on `file`; it must be refused with a clear message, and nothing sent or changed. */
  async function assertRefusedAndNothingSent(file: string, codes: readonly RefusalCode[]): Promise<ImageRefusal> {
    const before = sha256(storedPicture(emu, CRONUS, CUSTOMER)!);
    let thrown: unknown;
    try {
      await addPictureFromFile(bc.service, file, CRONUS, CUSTOMER);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof ImageRefusal, `expected an ImageRefusal for ${file}, got ${thrown === undefined ? 'an upload' : String(thrown)}`);
    assert.ok(codes.includes(thrown.code), `${path.basename(file)}: ${thrown.code}: ${thrown.message}`);
    assertClear(thrown, path.basename(file));
    await settled(emu);
    assert.deepEqual(emu.requests.map((r) => `${r.method} ${r.path}`), [], 'nothing may be sent for a refused file');
    assert.deepEqual(bc.authorizeCalls, [], 'no credential may even be asked for');
    assert.equal(sha256(storedPicture(emu, CRONUS, CUSTOMER)!), before);
    return thrown;
  }

  it('has a corpus of at least 40 hostile or broken files, all of them covered here', async () => {
    const bad = await fs.readdir(path.join(FIXTURES, 'bad'));
    const hostile = (await fs.readdir(path.join(FIXTURES, 'hostile'))).sort();
    assert.deepEqual(hostile, HOSTILE.map(([file]) => file).sort());
    assert.ok(bad.length + hostile.length + MADE.length >= 40, `${bad.length} + ${hostile.length} + ${MADE.length}`);
    assert.ok(bad.length + hostile.length >= 60, `only ${bad.length + hostile.length} committed files`);
  });

  it('sends the picture when the file is good (the flow does upload: the checks below can fail)', async () => {
    const file = path.join(CORPUS, 'good', 'rgb-16x12.png');
    const customer = DEMO.customer(40000);
    await addPictureFromFile(bc.service, file, CRONUS, customer);
    assert.deepEqual(emu.requests.map((r) => `${r.method} ${r.status}`), ['PATCH 204', 'GET 200']);
    assert.equal(sha256(storedPicture(emu, CRONUS, customer)!), sha256(await fs.readFile(file)));
  });

  describe('the committed corpus in bad/', () => {
    let files: string[] = [];
    before(async () => {
      files = (await fs.readdir(path.join(FIXTURES, 'bad'))).sort();
    });

    it('refuses every one of them, clearly, without sending anything', async () => {
      assert.ok(files.length >= 40);
      const all: RefusalCode[] = ['empty', 'notAnImage', 'unsupportedFormat', 'truncated', 'corrupt', 'zeroDimensions', 'absurdDimensions'];
      for (const file of files) {
        emu.clearRequests();
        await assertRefusedAndNothingSent(path.join(FIXTURES, 'bad', file), all);
      }
    });
  });

  describe('the hand-made headers in hostile/', () => {
    for (const [file, codes, message] of HOSTILE) {
      it(`refuses ${file} (${codes.join(' or ')}) without sending anything`, async () => {
        const refusal = await assertRefusedAndNothingSent(path.join(FIXTURES, 'hostile', file), codes);
        if (message) {
          assert.equal(refusal.message, message(file));
        }
        // The same answer from the bytes (images from VS Code's file system).
        let fromBytes: unknown;
        try {
          inspectImageBytes(await fs.readFile(path.join(FIXTURES, 'hostile', file)), file);
        } catch (error) {
          fromBytes = error;
        }
        assert.ok(fromBytes instanceof ImageRefusal);
        assert.equal(fromBytes.message, refusal.message);
      });
    }
  });

  describe('made at test time', () => {
    for (const [what, make, code] of MADE) {
      it(`refuses ${what} without sending anything`, async function () {
        const file = await make(dir);
        if (file === undefined) {
          this.skip(); // no mkfifo here
        }
        await assertRefusedAndNothingSent(file, [code]);
      });
    }
  });

  describe('a file that changes after it is picked', () => {
    it('refuses it when it became broken (cut off) between pick and upload, and sends nothing', async () => {
      const file = path.join(dir, 'cut-after-pick.jpg');
      const bytes = await fs.readFile(path.join(CORPUS, 'good', 'baseline-20x15.jpg'));
      await fs.writeFile(file, bytes);
      assert.equal((await inspectImageFile(file)).format, 'jpeg'); // picked: fine
      await fs.writeFile(file, bytes.subarray(0, bytes.length - 100)); // a download or copy still writing it
      await assertRefusedAndNothingSent(file, ['truncated']);
    });
  });
});
