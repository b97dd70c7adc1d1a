/**
 * Mutated image headers, a few thousand of them, fed to the inspection: every one gives a picture that makes
 * sense or a clean `ImageRefusal` naming the file, never another error. Unlike the byte-flipping fuzz of
 * test/unit/images/badPictures.test.ts, these mutations aim at the fields parsers trust: lengths, offsets,
 * counts and dimensions set to boundary values, bytes inserted or removed inside headers, and headers spliced
 * onto other formats' bodies. Files and bytes must give the same answer.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageRefusal, inspectImageBytes, inspectImageFile, MAX_PICTURE_SIDE, MIME_TYPES, type ImageInfo } from '../../../src/images';
import { FIXTURES } from './helpers';

/** Deterministic pseudo-random numbers, so a failure can be reproduced from the seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const BOUNDARY = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

type Outcome = { info: ImageInfo } | { refusal: ImageRefusal };

function outcome(run: () => ImageInfo): Outcome {
  try {
    return { info: run() };
  } catch (error) {
    if (!(error instanceof ImageRefusal)) {
      throw error;
    }
    return { refusal: error };
  }
}

function describeOutcome(o: Outcome): string {
  return 'info' in o ? `${o.info.format} ${o.info.width}x${o.info.height}` : `${o.refusal.code}: ${o.refusal.message}`;
}

/** An accepted picture must make sense; a refusal must name the file. Anything else fails the test. */
function assertSound(o: Outcome, name: string, bytes: Uint8Array, label: string): void {
  if ('info' in o) {
    const { info } = o;
    assert.ok(Number.isInteger(info.width) && info.width > 0 && info.width <= MAX_PICTURE_SIDE, `${label}: width ${info.width}`);
    assert.ok(Number.isInteger(info.height) && info.height > 0 && info.height <= MAX_PICTURE_SIDE, `${label}: height ${info.height}`);
    assert.equal(info.byteSize, bytes.length, label);
    assert.equal(info.contentType, MIME_TYPES[info.format], label);
  } else {
    assert.ok(o.refusal.message.includes(`“${name}”`), `${label}: ${o.refusal.message}`);
    assert.ok(o.refusal.message.length > 40, `${label}: ${o.refusal.message}`);
  }
}

/** The mutations: each takes a copy of a picture and a random source, and returns the damaged bytes. */
const MUTATIONS: Record<string, (bytes: Uint8Array, next: () => number, donors: Uint8Array[]) => Uint8Array> = {
  boundaryField(bytes, next) {
    const copy = Uint8Array.from(bytes);
    const width = [1, 2, 4][Math.floor(next() * 3)];
    const at = Math.floor(next() * Math.max(1, Math.min(copy.length - width, 96)));
    const value = BOUNDARY[Math.floor(next() * BOUNDARY.length)];
    const view = Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
    const bigEndian = next() < 0.5;
    if (at + width <= copy.length) {
      if (width === 1) view.writeUInt8(value & 0xff, at);
      else if (width === 2) bigEndian ? view.writeUInt16BE(value & 0xffff, at) : view.writeUInt16LE(value & 0xffff, at);
      else bigEndian ? view.writeUInt32BE(value >>> 0, at) : view.writeUInt32LE(value >>> 0, at);
    }
    return copy;
  },
  insertInHeader(bytes, next) {
    const at = Math.floor(next() * Math.min(bytes.length, 128));
    const extra = Uint8Array.from({ length: 1 + Math.floor(next() * 16) }, () => Math.floor(next() * 256));
    return Buffer.concat([bytes.subarray(0, at), extra, bytes.subarray(at)]);
  },
  removeFromHeader(bytes, next) {
    const at = Math.floor(next() * Math.min(bytes.length, 128));
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + Math.floor(next() * 16)))]);
  },
  spliceOntoOtherFormat(bytes, next, donors) {
    const donor = donors[Math.floor(next() * donors.length)];
    const cut = 4 + Math.floor(next() * Math.min(bytes.length - 4, 60));
    return Buffer.concat([bytes.subarray(0, cut), donor.subarray(Math.floor(next() * Math.min(donor.length, 60)))]);
  },
  repeatHeader(bytes, next) {
    const length = 8 + Math.floor(next() * Math.min(bytes.length - 8, 120));
    return Buffer.concat([bytes.subarray(0, length), bytes]);
  },
  cutInHeaderAndPad(bytes, next) {
    const cut = Math.floor(next() * Math.min(bytes.length, 200));
    return Buffer.concat([bytes.subarray(0, cut), Buffer.alloc(Math.floor(next() * 64), next() < 0.5 ? 0 : 0xff)]);
  },
};

describe('reliability: fuzzing the inspection with mutated headers', function () {
  this.timeout(60_000);
  let seeds: Array<{ name: string; bytes: Uint8Array }> = [];

  before(async () => {
    const good = (await fs.readdir(path.join(FIXTURES, 'good'))).sort();
    seeds = await Promise.all(good.map(async (name) => ({ name, bytes: new Uint8Array(await fs.readFile(path.join(FIXTURES, 'good', name))) })));
    assert.ok(seeds.length >= 10);
  });

  it('answers 3,600 mutated headers with a sound picture or a clean refusal', () => {
    const next = random(0x5eed_2024);
    const donors = seeds.map((s) => s.bytes);
    const names = Object.keys(MUTATIONS);
    const counts = { accepted: 0, refused: 0 };
    const perSeed = Math.ceil(3_600 / seeds.length);
    for (const seed of seeds) {
      for (let i = 0; i < perSeed; i++) {
        const mutation = names[i % names.length];
        const bytes = MUTATIONS[mutation](seed.bytes, next, donors);
        const label = `${seed.name} #${i} (${mutation})`;
        let o: Outcome;
        try {
          o = outcome(() => inspectImageBytes(bytes, seed.name));
        } catch (error) {
          assert.fail(`${label}: not an ImageRefusal: ${String(error)}`);
        }
        assertSound(o, seed.name, bytes, label);
        counts['info' in o ? 'accepted' : 'refused']++;
      }
    }
    assert.ok(counts.accepted + counts.refused >= 3_600);
    // The mutations do damage: most are refused, and the refusals are not all of one kind.
    assert.ok(counts.refused > counts.accepted, JSON.stringify(counts));
  });

  it('gives the same answer for a file as for its bytes', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bc-pictures-fuzz-'));
    try {
      const next = random(77);
      const donors = seeds.map((s) => s.bytes);
      const names = Object.keys(MUTATIONS);
      const codes = new Set<string>();
      for (let i = 0; i < 240; i++) {
        const seed = seeds[i % seeds.length];
        const bytes = MUTATIONS[names[i % names.length]](seed.bytes, next, donors);
        const file = path.join(dir, `${i}-${seed.name}`);
        await fs.writeFile(file, bytes);
        let fromFile: Outcome;
        try {
          fromFile = { info: await inspectImageFile(file) };
        } catch (error) {
          assert.ok(error instanceof ImageRefusal, `file ${i}: not an ImageRefusal: ${String(error)}`);
          fromFile = { refusal: error };
        }
        const fromBytes = outcome(() => inspectImageBytes(bytes, path.basename(file)));
        assert.equal(describeOutcome(fromFile), describeOutcome(fromBytes), `file ${i}`);
        assertSound(fromFile, path.basename(file), bytes, `file ${i}`);
        if ('refusal' in fromFile) {
          codes.add(fromFile.refusal.code);
        }
        await fs.unlink(file);
      }
      assert.ok(codes.size >= 3, [...codes].join(', '));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
