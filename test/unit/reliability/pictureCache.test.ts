/** The `bc-picture:` cache is bounded on every insert, by count and by bytes, whoever inserts (a show command or a reopened preview). */
import * as assert from 'node:assert/strict';
import { PictureCache } from '../../../src/commands/pictureCache';

const bytes = (n: number) => Promise.resolve(new Uint8Array(n));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('reliability: the picture cache stays bounded', () => {
  it('evicts the least recently used on every insert, never holding more than its count', async () => {
    const cache = new PictureCache(3, 1_000_000);
    for (const key of ['a', 'b', 'c']) cache.set(key, bytes(10));
    cache.get('a');
    cache.set('d', bytes(10));
    assert.deepEqual(cache.keys(), ['c', 'a', 'd'], 'b was the least recently used');
    for (let i = 0; i < 100; i++) cache.set(`preview-${i}`, bytes(10));
    assert.equal(cache.size, 3);
  });

  it('evicts by bytes once a download has arrived, keeping the newest even when it alone is over', async () => {
    const cache = new PictureCache(8, 120);
    cache.set('a', bytes(50));
    cache.set('b', bytes(50));
    await tick();
    assert.deepEqual(cache.keys(), ['a', 'b']);
    cache.set('c', bytes(50));
    await tick();
    assert.deepEqual(cache.keys(), ['b', 'c'], '150 bytes is over 120: the oldest went');
    cache.set('huge', bytes(500));
    await tick();
    assert.deepEqual(cache.keys(), ['huge']);
  });

  it('does not keep a failed download, nor let a late failure remove a newer one', async () => {
    const cache = new PictureCache();
    let fail: (error: Error) => void = () => undefined;
    cache.set('a', new Promise<Uint8Array>((_resolve, reject) => (fail = reject)).catch((error: Error) => Promise.reject(error)));
    const first = cache.get('a')!.bytes;
    first.catch(() => undefined);
    fail(new Error('offline'));
    await tick();
    assert.equal(cache.get('a'), undefined);

    let failOld: (error: Error) => void = () => undefined;
    const old = new Promise<Uint8Array>((_resolve, reject) => (failOld = reject));
    old.catch(() => undefined);
    cache.set('b', old);
    assert.equal(cache.set('b', bytes(5)), true, 'replaced');
    failOld(new Error('late'));
    await tick();
    assert.ok(cache.get('b'), 'the newer download stays');
  });
});
