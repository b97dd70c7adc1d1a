/**
 * Real, small image files built in code, and the service's view of an upload:
 * which formats a Business Central media field accepts and what it derives.
 */
import { crc32, deflateSync } from 'node:zlib';
// image-size 2 is CommonJS; its typings live under dist/cjs.
import { imageSize } from 'image-size';


function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

/** A valid RGB PNG of the given size with a deterministic gradient seeded by `seed`. */
export function makePng(width: number, height: number, seed = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const o = y * row + 1 + x * 3;
      raw[o] = (x * 255) / Math.max(1, width - 1) + seed * 37;
      raw[o + 1] = (y * 255) / Math.max(1, height - 1) + seed * 71;
      raw[o + 2] = (seed * 53) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real 16x12 baseline JPEG (a red-to-blue gradient, 303 bytes). */
export const SAMPLE_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAMABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAQG/8QAFxABAAMAAAAAAAAAAAAAAAAAAAERE//EABUBAQEAAAAAAAAAAAAAAAAAAAMF/8QAGBEAAgMAAAAAAAAAAAAAAAAAAAMVFmH/2gAMAwEAAhEDEQA/AMzmZqqgqFGEWHa36f/Z',
  'base64',
);

/** A real 4x4 GIF (45 bytes). */
export const SAMPLE_GIF = Buffer.from('R0lGODlhBAAEAPAAAC6GwQAAACH5BAAAAAAALAAAAAAEAAQAAAIEhI8JBQA7', 'base64');

/** Formats a media field accepts, by image-size's type name. */
const ACCEPTED: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
};

export type ImageCheck =
  | { ok: true; width: number; height: number; contentType: string }
  | { ok: false; reason: 'empty' | 'unknown' | 'unsupported'; type?: string };

/** What the service derives from uploaded bytes (it never trusts the client's size or type). */
export function inspectImage(bytes: Uint8Array): ImageCheck {
  if (bytes.length === 0) {
    return { ok: false, reason: 'empty' };
  }
  let size: { width: number; height: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    return { ok: false, reason: 'unknown' };
  }
  const type = size.type ?? '';
  const contentType = ACCEPTED[type];
  if (!contentType) {
    return { ok: false, reason: 'unsupported', type };
  }
  return { ok: true, width: size.width, height: size.height, contentType };
}

import { ServiceError } from './errors';

/** Inspects uploaded bytes the way the service does; throws the service's 400 when they are not an accepted image. */
export function acceptedImage(bytes: Uint8Array): { width: number; height: number; contentType: string } {
  const r = inspectImage(bytes);
  if (r.ok) {
    return { width: r.width, height: r.height, contentType: r.contentType };
  }
  if (r.reason === 'empty') {
    throw new ServiceError(400, 'Application_DialogException', 'The picture content is empty. Upload the bytes of a JPEG, PNG, GIF, BMP or TIFF image.');
  }
  if (r.reason === 'unsupported') {
    throw new ServiceError(400, 'Application_DialogException', `The image format '${r.type ?? ''}' is not supported. Use a JPEG, PNG, GIF, BMP or TIFF image.`);
  }
  throw new ServiceError(400, 'Application_DialogException', 'The file is not a supported image. Use a JPEG, PNG, GIF, BMP or TIFF image.');
}
