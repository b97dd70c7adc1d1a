import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { INDEX_FILE, KeptPictureError, KeptPictures, type KeptPictureFiles, type KeptPictureOwner } from '../../../src/local/keptPictures';
import { tempFolder } from '../../support/tempFolder';

const MB = 1024 * 1024;
const owner = (n: number, scope = 'online|home|businessCentral|production'): KeptPictureOwner => ({
  scope,
  companyId: 'A1B2C3D4-0001-4000-8000-000000000001',
  companyName: 'CRONUS USA, Inc.',
  customerId: `c0ffee00-0000-4000-8000-0000000${String(n).padStart(5, '0')}`,
  customerNumber: String(n),
  customerName: `Customer ${n}`,
});
const png = { contentType: 'image/png', width: 64, height: 48 };
const bytesOf = (size: number, seed: number) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 256);

/** A log that remembers what it was told. */
function recordingLog() {
  const lines: string[] = [];
  return { lines, info: (message: string) => void lines.push(`info ${message}`), warn: (message: string) => void lines.push(`warn ${message}`) };
}

/** A clock that moves one second a call, so every picture has its own time. */
function steppingClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return () => new Date((now += 1000));
}

describe('kept pictures', () => {
  const root = tempFolder('bcp-kept-');
  let folders = 0;
  const folder = () => path.join(root(), `store-${++folders}`);

  it('keep a picture and give back exactly its bytes, with what it was', async () => {
    const at = folder();
    const store = new KeptPictures(at, { log: recordingLog(), budgetBytes: () => 10 * MB, now: steppingClock() });
    const bytes = bytesOf(5000, 7);
    const kept = await store.keep(owner(10000), png, bytes);
    assert.equal(kept.byteSize, 5000);
    assert.deepEqual([kept.contentType, kept.width, kept.height, kept.customerNumber, kept.companyName], ['image/png', 64, 48, '10000', 'CRONUS USA, Inc.']);
    assert.match(kept.file, /\.png$/);
    assert.deepEqual(await store.read(kept), bytes);
    // Another store over the same folder (another window, or after a reload) finds it.
    const again = new KeptPictures(at, { log: recordingLog(), budgetBytes: () => 10 * MB });
    const listed = await again.list(owner(10000).scope, owner(10000).companyId.toLowerCase(), owner(10000).customerId.toUpperCase());
    assert.deepEqual(listed, [kept]);
    assert.deepEqual(await again.read(listed[0]), bytes);
    // No temporary file is left behind.
    assert.deepEqual((await fs.readdir(at)).sort(), [INDEX_FILE, kept.file].sort());
  });

  it("list a customer's pictures newest first, and only that customer's in that scope", async () => {
    const store = new KeptPictures(folder(), { log: recordingLog(), budgetBytes: () => 10 * MB, now: steppingClock() });
    const first = await store.keep(owner(10000), png, bytesOf(100, 1));
    await store.keep(owner(20000), png, bytesOf(100, 2));
    const second = await store.keep(owner(10000), { contentType: 'image/jpeg', width: 16, height: 12 }, bytesOf(200, 3));
    await store.keep(owner(10000, 'online|home|businessCentral|sandbox'), png, bytesOf(100, 4));
    const listed = await store.list(owner(10000).scope, owner(10000).companyId, owner(10000).customerId);
    assert.deepEqual(listed.map((p) => p.id), [second.id, first.id]);
    assert.deepEqual(await store.read(listed[0]), bytesOf(200, 3));
    assert.deepEqual(await store.list(owner(10000).scope, owner(10000).companyId, owner(30000).customerId), []);
  });

  it('prune the oldest first once the kept pictures need more than the budget', async () => {
    const at = folder();
    const log = recordingLog();
    const store = new KeptPictures(at, { log, budgetBytes: () => 1 * MB, now: steppingClock() });
    const kept = [];
    for (let n = 1; n <= 4; n++) kept.push(await store.keep(owner(n), png, bytesOf(300 * 1024, n)));
    // 4 × 300 KiB is over 1 MiB: the first one kept went, the other three stay.
    const all = (await Promise.all([1, 2, 3, 4].map((n) => store.list(owner(n).scope, owner(n).companyId, owner(n).customerId)))).map((l) => l.map((p) => p.id));
    assert.deepEqual(all, [[], [kept[1].id], [kept[2].id], [kept[3].id]]);
    await assert.rejects(store.read(kept[0]), KeptPictureError);
    assert.ok(!(await fs.readdir(at)).includes(kept[0].file), 'its file is removed');
    assert.ok(log.lines.some((line) => line.startsWith('info') && line.includes('removed the oldest, of 1 from')), log.lines.join('\n'));
    // A bigger one pushes out as many of the oldest as it needs, and never a newer one first.
    const big = await store.keep(owner(5), png, bytesOf(600 * 1024, 5));
    const left = (await Promise.all([2, 3, 4, 5].map((n) => store.list(owner(n).scope, owner(n).companyId, owner(n).customerId)))).map((l) => l.length);
    assert.deepEqual(left, [0, 0, 1, 1]);
    assert.deepEqual(await store.read(big), bytesOf(600 * 1024, 5));
  });

  it('refuse a picture larger than the whole budget, keeping the others', async () => {
    const store = new KeptPictures(folder(), { log: recordingLog(), budgetBytes: () => 1 * MB, now: steppingClock() });
    const small = await store.keep(owner(1), png, bytesOf(1000, 1));
    await assert.rejects(store.keep(owner(2), png, bytesOf(MB + 1, 2)), (error: Error) => error instanceof KeptPictureError && /more than the 1 MB set aside/.test(error.message));
    assert.deepEqual(await store.read(small), bytesOf(1000, 1));
  });

  it('start empty on a corrupt index, say so in the log, set it aside, and keep working', async () => {
    const at = folder();
    await fs.mkdir(at, { recursive: true });
    await fs.writeFile(path.join(at, INDEX_FILE), '{"version":1,"pictures":[{"id":');
    const log = recordingLog();
    // Creating it touches nothing: activation never fails on the folder's state.
    const store = new KeptPictures(at, { log, budgetBytes: () => MB, now: steppingClock() });
    assert.equal(log.lines.length, 0);
    assert.deepEqual(await store.list(owner(1).scope, owner(1).companyId, owner(1).customerId), []);
    assert.ok(log.lines.some((line) => line.startsWith('warn') && /could not be read .* set aside as index\.unreadable-.*\.json and the kept pictures start empty/.test(line)), log.lines.join('\n'));
    assert.ok((await fs.readdir(at)).some((name) => name.startsWith('index.unreadable-')), 'the unreadable index is kept aside');
    const kept = await store.keep(owner(1), png, bytesOf(10, 1));
    assert.deepEqual(await store.read(kept), bytesOf(10, 1));
  });

  it('leave out index entries that are not pictures of the store (a name outside its folder)', async () => {
    const at = folder();
    const store = new KeptPictures(at, { log: recordingLog(), budgetBytes: () => MB, now: steppingClock() });
    const kept = await store.keep(owner(1), png, bytesOf(10, 1));
    const index = JSON.parse(await fs.readFile(path.join(at, INDEX_FILE), 'utf8'));
    index.pictures.push({ ...kept, id: 'x', file: '../../etc/passwd' });
    await fs.writeFile(path.join(at, INDEX_FILE), JSON.stringify(index));
    const log = recordingLog();
    const listed = await new KeptPictures(at, { log, budgetBytes: () => MB }).list(kept.scope, kept.companyId, kept.customerId);
    assert.deepEqual(listed.map((p) => p.id), [kept.id]);
    assert.ok(log.lines.some((line) => line.includes('1 unreadable entries')));
  });

  it('say the disk is full when it is, and leave nothing half written: the index and the earlier pictures stay as they were', async () => {
    const at = folder();
    let full: 'no' | 'any' | 'index' = 'no';
    const files: KeptPictureFiles = {
      ...fs,
      writeFile: (async (file: Parameters<typeof fs.writeFile>[0], data: Parameters<typeof fs.writeFile>[1], options?: Parameters<typeof fs.writeFile>[2]) => {
        if (full === 'any' || (full === 'index' && String(file).includes(INDEX_FILE))) {
          // Half of it reaches the disk before the space runs out.
          await fs.writeFile(file, (data as Uint8Array).subarray(0, Math.floor((data as Uint8Array).byteLength / 2)));
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        }
        return fs.writeFile(file, data, options);
      }) as typeof fs.writeFile,
    };
    const store = new KeptPictures(at, { log: recordingLog(), budgetBytes: () => MB, now: steppingClock(), files });
    const first = await store.keep(owner(1), png, bytesOf(1000, 1));
    const indexBefore = await fs.readFile(path.join(at, INDEX_FILE), 'utf8');
    for (const where of ['any', 'index'] as const) {
      // The picture's own file cannot be written, or it can and the index cannot.
      full = where;
      await assert.rejects(store.keep(owner(1), png, bytesOf(1000, 2)), (error: Error) => error instanceof KeptPictureError && /disk .* is full/.test(error.message));
      assert.equal(await fs.readFile(path.join(at, INDEX_FILE), 'utf8'), indexBefore);
      assert.deepEqual((await fs.readdir(at)).sort(), [INDEX_FILE, first.file].sort(), `no temporary, partial or unlisted file is left (${where})`);
    }
    full = 'no';
    assert.deepEqual((await store.list(first.scope, first.companyId, first.customerId)).map((p) => p.id), [first.id]);
    assert.deepEqual(await store.read(first), bytesOf(1000, 1));
  });

  it('refuse a kept file that is no longer what was kept', async () => {
    const at = folder();
    const store = new KeptPictures(at, { log: recordingLog(), budgetBytes: () => MB, now: steppingClock() });
    const kept = await store.keep(owner(1), png, bytesOf(1000, 1));
    await fs.writeFile(path.join(at, kept.file), bytesOf(1000, 9));
    await assert.rejects(store.read(kept), (error: Error) => error instanceof KeptPictureError && /damaged/.test(error.message));
  });

  it('keep many at once over the budget: each one kept is listed and whole, each one refused says so and leaves no file', async () => {
    const at = folder();
    const store = new KeptPictures(at, { log: recordingLog(), budgetBytes: () => 1 * MB, now: steppingClock() });
    const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, n) => store.keep(owner(n), png, bytesOf(300 * 1024, n))));
    const listed = (await Promise.all(Array.from({ length: 6 }, (_, n) => store.list(owner(n).scope, owner(n).companyId, owner(n).customerId)))).flat();
    assert.ok(listed.length >= 1 && listed.reduce((sum, p) => sum + p.byteSize, 0) <= MB, `${listed.length} kept, within the budget`);
    for (const [n, outcome] of settled.entries()) {
      if (outcome.status === 'rejected') {
        assert.ok(outcome.reason instanceof KeptPictureError, String(outcome.reason));
        continue;
      }
      // Kept and then pruned by a newer one is allowed; kept and listed must be whole.
      if (listed.some((p) => p.id === outcome.value.id)) assert.deepEqual(await store.read(outcome.value), bytesOf(300 * 1024, n));
    }
    assert.ok(listed.some((p) => p.customerNumber === '5'), 'the newest stays');
    assert.deepEqual((await fs.readdir(at)).filter((name) => name !== INDEX_FILE).sort(), listed.map((p) => p.file).sort(), 'no file but the listed ones');
  });

  it('keep many at once without losing one from the index', async () => {
    const store = new KeptPictures(folder(), { log: recordingLog(), budgetBytes: () => 10 * MB });
    const kept = await Promise.all(Array.from({ length: 12 }, (_, n) => store.keep(owner(n), png, bytesOf(100, n))));
    for (const [n, picture] of kept.entries()) {
      assert.deepEqual((await store.list(picture.scope, picture.companyId, picture.customerId)).map((p) => p.id), [picture.id]);
      assert.deepEqual(await store.read(picture), bytesOf(100, n));
    }
  });
});
