/**
 * HEIC fixtures made at test time, as an iPhone writes them: heif-enc (Debian's libheif-examples, which `.ci/run`
 * installs) encodes a PNG or JPEG with x265, and an irot property is added to turn the picture as it is shown.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Encodes a PNG or JPEG as HEIC with heif-enc (Debian's libheif-examples, which `.ci/run` installs). */
export function heifEnc(folder: string, input: Uint8Array, extension: 'png' | 'jpg'): Buffer {
  const from = path.join(folder, `in.${extension}`);
  const to = path.join(folder, 'out.heic');
  writeFileSync(from, input);
  try {
    execFileSync('heif-enc', ['-q', '90', '-o', to, from], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`heif-enc makes the HEIC fixtures: install it (Debian: apt-get install libheif-examples). ${String(error)}`);
  }
  return readFileSync(to);
}

/** Big-endian boxes of an ISO media file between `start` and `end`. */
export function boxes(file: Buffer, start: number, end: number): { type: string; at: number; size: number }[] {
  const found = [];
  for (let at = start; at + 8 <= end; ) {
    const size = file.readUInt32BE(at);
    found.push({ type: file.toString('latin1', at + 4, at + 8), at, size });
    at += size;
  }
  return found;
}

/**
 * The HEIC with an irot property of `quarterTurns` (anticlockwise) on its primary item, as a phone writes for a photo
 * taken upright: ipco gains the box, the item's ipma entry the association, and iloc's file offsets the bytes added.
 */
export function withRotation(heic: Buffer, quarterTurns: number): Buffer {
  const meta = boxes(heic, 0, heic.length).find((box) => box.type === 'meta')!;
  const children = boxes(heic, meta.at + 12, meta.at + meta.size);
  const iprp = children.find((box) => box.type === 'iprp')!;
  const inProperties = boxes(heic, iprp.at + 8, iprp.at + iprp.size);
  const ipco = inProperties.find((box) => box.type === 'ipco')!;
  const ipma = inProperties.find((box) => box.type === 'ipma')!;
  const pitm = children.find((box) => box.type === 'pitm')!;
  const primary = heic.readUInt16BE(pitm.at + 12);
  const index = boxes(heic, ipco.at + 8, ipco.at + ipco.size).length + 1;
  const irot = Buffer.from([0, 0, 0, 9, ...Buffer.from('irot'), quarterTurns & 3]);
  // The ipma entry of the primary item (version 0, 1-byte indices: heif-enc's), one association longer.
  const entries = Buffer.from(heic.subarray(ipma.at, ipma.at + ipma.size));
  assert.equal(entries[8] | entries[11], 0, 'heif-enc writes ipma version 0 with 1-byte indices');
  let at = 16;
  let grown: Buffer | undefined;
  for (let entry = 0; entry < entries.readUInt32BE(12); entry++) {
    const id = entries.readUInt16BE(at);
    const count = entries[at + 2];
    if (id === primary) {
      grown = Buffer.concat([entries.subarray(0, at + 2), Buffer.from([count + 1]), entries.subarray(at + 3, at + 3 + count), Buffer.from([index]), entries.subarray(at + 3 + count)]);
      break;
    }
    at += 3 + count;
  }
  assert.ok(grown, 'the primary item has properties');
  grown.writeUInt32BE(grown.length, 0);
  const added = irot.length + 1;
  const rebuilt = Buffer.concat([
    heic.subarray(0, ipco.at + ipco.size),
    irot,
    heic.subarray(ipco.at + ipco.size, ipma.at),
    grown,
    heic.subarray(ipma.at + ipma.size),
  ]);
  for (const box of [meta, iprp, ipco]) rebuilt.writeUInt32BE(box.size + (box === ipco ? irot.length : added), box.at);
  // iloc comes before iprp in heif-enc's files, so it has not moved: its offsets into the file grow by what was added.
  const iloc = children.find((box) => box.type === 'iloc')!;
  assert.ok(iloc.at < iprp.at, 'iloc before iprp');
  const version = rebuilt[iloc.at + 8];
  const [offsetSize, lengthSize, baseSize] = [rebuilt[iloc.at + 12] >> 4, rebuilt[iloc.at + 12] & 15, rebuilt[iloc.at + 13] >> 4];
  const indexSize = version >= 1 ? rebuilt[iloc.at + 13] & 15 : 0;
  let cursor = iloc.at + 14;
  const items = version < 2 ? rebuilt.readUInt16BE(cursor) : rebuilt.readUInt32BE(cursor);
  cursor += version < 2 ? 2 : 4;
  const shift = (size: number) => {
    if (size === 4) rebuilt.writeUInt32BE(rebuilt.readUInt32BE(cursor) + added, cursor);
    else if (size !== 0) throw new Error(`iloc field of ${size} bytes`);
    cursor += size;
  };
  for (let item = 0; item < items; item++) {
    cursor += version < 2 ? 2 : 4;
    const method = version >= 1 ? rebuilt.readUInt16BE(cursor) & 15 : 0;
    if (version >= 1) cursor += 2;
    cursor += 2; // data_reference_index
    // Offsets into idat (construction method 1) do not move.
    if (method === 0 && baseSize > 0) shift(baseSize);
    else cursor += baseSize;
    const extents = rebuilt.readUInt16BE(cursor);
    cursor += 2;
    for (let extent = 0; extent < extents; extent++) {
      cursor += indexSize;
      if (method === 0 && baseSize === 0) shift(offsetSize);
      else cursor += offsetSize;
      cursor += lengthSize;
    }
  }
  return rebuilt;
}

