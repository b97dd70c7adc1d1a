/** Preparing on a thread of its own: the same pictures as on the calling thread, with the extension host left free. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_PREPARATION } from '../../../src/images/prepare';
import { ImageRefusal } from '../../../src/images/imageRefusal';
import { PreparationThread } from '../../../src/images/preparationThread';

const LIMIT = '“{0}” is {1}×{2} pixels, more than the {3} megapixels a picture can have here. Make it smaller in an image editor first.';

describe('images/preparationThread: pictures prepared off the extension host thread', function () {
  this.timeout(60_000);
  let photo: Uint8Array;
  const threads: PreparationThread[] = [];
  const thread = (options?: ConstructorParameters<typeof PreparationThread>[0]) => {
    const made = new PreparationThread(options);
    threads.push(made);
    return made;
  };

  before(async () => {
    const { default: Vips } = await import('wasm-vips');
    const vips = await Vips();
    vips.Cache.max(0);
    try {
      const image = vips.Image.gaussnoise(4000, 3000).cast(vips.BandFormat.uchar).bandjoin([vips.Image.black(4000, 3000), vips.Image.black(4000, 3000)]).copy();
      image.setInt('orientation', 6);
      photo = image.writeToBuffer('.jpg', { Q: 90 });
    } finally {
      vips.shutdown();
    }
  });
  after(() => threads.forEach((made) => made.dispose()));

  it('prepares as the preparer does, while the calling thread goes on running', async () => {
    const preparing = thread();
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 1);
    try {
      const prepared = await preparing.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION);
      assert.deepEqual([prepared?.contentType, prepared?.width, prepared?.height, prepared?.changes], ['image/jpeg', 768, 1024, ['rotated', 'scaled', 'metadataRemoved']]);
      assert.ok(prepared!.bytes instanceof Uint8Array && prepared!.bytes.byteLength > 0);
      // Decoding 12 megapixels takes a good part of a second: on the calling thread no timer would fire meanwhile.
      assert.ok(ticks >= 5, `the event loop ran ${ticks} times while the photo was prepared`);
      assert.equal(await preparing.prepare(Buffer.from('R0lGODlhAQABAAAAACwAAAAAAQABAAACAUwAOw==', 'base64'), 'dot.gif', DEFAULT_PREPARATION), undefined, 'nothing to do: undefined');
    } finally {
      clearInterval(ticking);
    }
  });

  it('hands a refusal back as the ImageRefusal it was, in the language of the bundle it was given', async () => {
    const preparing = thread({ bundle: { [LIMIT]: '„{0}“ hat {1}×{2} Pixel, mehr als {3} Megapixel.' } });
    await assert.rejects(
      preparing.prepare(photo, 'photo.jpg', { ...DEFAULT_PREPARATION, maxPixels: 1_000_000 }),
      (error: unknown) => error instanceof ImageRefusal && error.code === 'absurdDimensions' && error.fileName === 'photo.jpg' && error.message === '„photo.jpg“ hat 4000×3000 Pixel, mehr als 1 Megapixel.',
    );
  });

  it('gives up at once on a picture cancelled (ending the thread when it was the only one), and prepares the next one on a new thread', async () => {
    const preparing = thread();
    const cancel = new AbortController();
    const started = preparing.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION, cancel.signal);
    cancel.abort(new Error('cancelled by the user'));
    await assert.rejects(started, /cancelled by the user/);
    await assert.rejects(preparing.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION, cancel.signal), /cancelled by the user/, 'an aborted signal starts nothing');
    const next = await preparing.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION);
    assert.deepEqual([next?.width, next?.height], [768, 1024]);
  });

  it('fails what it was preparing, with why, when the thread itself ends; the next picture starts another', async () => {
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-thread-')), 'dies.js');
    fs.writeFileSync(script, "require('node:worker_threads').parentPort.on('message', () => process.exit(7));");
    const preparing = thread({ script });
    await assert.rejects(preparing.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION), /^Error: preparing the picture stopped \(exit code 7\)$/);
    await assert.rejects(preparing.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION), /exit code 7/, 'a new thread, which ends the same way');
    preparing.dispose();
    await assert.rejects(preparing.prepare(photo, 'photo.jpg', DEFAULT_PREPARATION), /has ended/);
  });
});
