// Shared by the picture-inspection tests: fixture paths and the exact English messages users see.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ImageRefusal, type RefusalCode } from '../../../src/images';

/** Compiled tests run from out/test/unit/images; the corpus stays in the source tree. */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/images');

export const expected = {
  notFound: (name: string) => `The file “${name}” was not found. It may have been moved, renamed or deleted: choose the picture again.`,
  folder: (name: string) => `“${name}” is a folder, not a picture file. Choose a picture file (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG).`,
  specialFile: (name: string) => `“${name}” is not a regular file (it is a device, pipe or socket). Choose a picture file (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG).`,
  noPermission: (name: string) => `You do not have permission to read “${name}”. Check the file’s permissions, or copy it to a folder you can read, and try again.`,
  linkLoop: (name: string) => `“${name}” is a link that leads back to itself, so there is no picture to read. Choose the picture file itself.`,
  empty: (name: string) => `The file “${name}” is empty (0 bytes), so it contains no picture. Choose another file.`,
  tooLarge: (name: string, size: string) =>
    `“${name}” is ${size}, more than the 350 MB Business Central accepts for a picture. Make it smaller (for example, resize it or save it as JPEG) and try again.`,
  notAnImage: (name: string) => `“${name}” is not a picture: its content is not PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG image data. Choose a picture file and try again.`,
  contains: (name: string, what: string) => `“${name}” is not a picture: it contains ${what}. Choose a picture file (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG) and try again.`,
  unsupported: (name: string, format: string) =>
    `“${name}” is a picture in ${format} format, which Business Central does not take and which cannot be converted here. Open it in an image editor, save it as PNG or JPEG, and try again.`,
  svgWithoutSize: (name: string) =>
    `“${name}” is an SVG drawing without a size: its svg element has neither width and height nor a viewBox. Open it in a drawing program and give it a size, or save it as PNG, and try again.`,
  svgReference: (name: string, reference: string) =>
    `“${name}” draws on another file or web address (${reference}), which is never read here, so the picture would be incomplete. Open it in a drawing program and embed what it draws on, or save it as PNG, and try again.`,
  svgEntities: (name: string) =>
    `“${name}” is an SVG drawing that declares XML entities, which are never expanded here, for safety. Open it in a drawing program and save it again, or save it as PNG, and try again.`,
  truncated: (name: string, format: string) =>
    `“${name}” looks like a picture (${format}), but the file is incomplete: it seems to have been cut off, for example by an interrupted download or copy. Get a complete copy of the picture and try again.`,
  corrupt: (name: string, format: string) =>
    `“${name}” looks like a picture (${format}), but its content is damaged and cannot be read. Open it in an image editor, save it again, and try again.`,
  zero: (name: string, size: string) => `The picture in “${name}” is ${size} pixels, so there is nothing to show. Choose another picture.`,
  absurd: (name: string, size: string) =>
    `The picture in “${name}” is ${size} pixels, more than the 30000 pixels per side or 200 megapixels a customer picture can have. Resize it and try again.`,
};

/** Asserts that `action` fails with exactly this refusal (and nothing raw). */
export async function assertRefused(action: () => unknown, code: RefusalCode, message: string): Promise<void> {
  let thrown: unknown;
  try {
    await action();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof ImageRefusal, `expected an ImageRefusal, got ${thrown === undefined ? 'success' : String(thrown)}`);
  assert.equal(thrown.code, code, thrown.message);
  assert.equal(thrown.message, message);
}
