// Tells from the first bytes of a file what it holds: an accepted picture format, a picture format Business Central refuses, or no picture at all.
import { imageSize } from 'image-size';
import { type ContentKind } from './imageRefusal';
import { type PictureFormat } from './pictureFormats';

export type Sniffed =
  /** Starts like an accepted picture; the format checker decides whether it is whole. */
  | { kind: 'picture'; format: PictureFormat }
  /** The whole file is shorter than the format's signature, which it starts like. */
  | { kind: 'cutSignature'; format: PictureFormat }
  /** A picture in a format Business Central does not take; `formatName` is shown to the user. */
  | { kind: 'refusedPicture'; formatName: string }
  | { kind: 'notAPicture'; content?: ContentKind };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
const JXL_CONTAINER_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);

// image-size knows these too; named here as users know them (TGA is left out: its 4-zero-byte test matches any blank file).
const IMAGE_SIZE_NAMES: Record<string, string> = {
  cur: 'CUR (cursor)',
  dds: 'DDS',
  heif: 'HEIF',
  icns: 'ICNS (Apple icon)',
  ico: 'ICO (icon)',
  j2c: 'JPEG 2000',
  jp2: 'JPEG 2000',
  jxl: 'JPEG XL',
  'jxl-stream': 'JPEG XL',
  ktx: 'KTX',
  pnm: 'PNM',
  psd: 'Photoshop (PSD)',
  svg: 'SVG',
  webp: 'WebP',
};

/** Looks at `head` (the first bytes of a file of `size` bytes) and says what the file holds. */
export function sniffContent(head: Uint8Array, size: number): Sniffed {
  const accepted = sniffAcceptedFormat(head, size);
  if (accepted) {
    return accepted;
  }
  const refused = sniffRefusedPicture(head);
  if (refused) {
    return { kind: 'refusedPicture', formatName: refused };
  }
  if (startsWith(head, ascii('%PDF-'))) {
    return { kind: 'notAPicture', content: 'pdf' };
  }
  if (startsWith(head, ascii('PK\x03\x04')) || startsWith(head, ascii('PK\x05\x06')) || startsWith(head, ascii('PK\x07\x08'))) {
    return { kind: 'notAPicture', content: 'zip' };
  }
  const text = decodeText(head.subarray(0, 8192));
  if (text !== undefined) {
    return sniffText(text);
  }
  const known = sniffWithImageSize(head);
  if (known) {
    return { kind: 'refusedPicture', formatName: known };
  }
  return { kind: 'notAPicture' };
}

function sniffAcceptedFormat(head: Uint8Array, size: number): Sniffed | undefined {
  if (startsWith(head, PNG_SIGNATURE)) {
    return { kind: 'picture', format: 'png' };
  }
  if (size < PNG_SIGNATURE.length && size >= 2 && startsWith(PNG_SIGNATURE, head)) {
    return { kind: 'cutSignature', format: 'png' };
  }
  if (head[0] === 0xff && head[1] === 0xd8) {
    return size < 4 ? { kind: 'cutSignature', format: 'jpeg' } : { kind: 'picture', format: 'jpeg' };
  }
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) {
    return { kind: 'picture', format: 'gif' };
  }
  if (size < 6 && size >= 3 && (startsWith(ascii('GIF87a'), head) || startsWith(ascii('GIF89a'), head))) {
    return { kind: 'cutSignature', format: 'gif' };
  }
  // "BM" alone is weak: a real bitmap also has four zero reserved bytes at offset 6.
  if (head[0] === 0x42 && head[1] === 0x4d && head.subarray(6, 10).every((b) => b === 0)) {
    return size < 10 ? { kind: 'cutSignature', format: 'bmp' } : { kind: 'picture', format: 'bmp' };
  }
  const tiffLittle = [0x49, 0x49, 0x2a, 0x00];
  const tiffBig = [0x4d, 0x4d, 0x00, 0x2a];
  if (startsWith(head, tiffLittle) || startsWith(head, tiffBig)) {
    // Canon CR2 raw photos are TIFF files with "CR" at offset 8: not a picture Business Central can show.
    return head[8] === 0x43 && head[9] === 0x52 ? undefined : { kind: 'picture', format: 'tiff' };
  }
  if (size < 4 && size >= 3 && (startsWith(tiffLittle, head) || startsWith(tiffBig, head))) {
    return { kind: 'cutSignature', format: 'tiff' };
  }
  return undefined;
}

/** The user-facing name of a picture format Business Central does not take, if `head` starts like one. */
function sniffRefusedPicture(head: Uint8Array): string | undefined {
  if (startsWith(head, ascii('RIFF')) && startsWith(head.subarray(8), ascii('WEBP'))) {
    return 'WebP';
  }
  if (startsWith(head.subarray(4), ascii('ftyp'))) {
    return isoBrandFormat(head);
  }
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) {
    return 'BigTIFF';
  }
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) && head[8] === 0x43 && head[9] === 0x52) {
    return 'Canon RAW (CR2)';
  }
  if (startsWith(head, JP2_SIGNATURE) || startsWith(head, [0xff, 0x4f, 0xff, 0x51])) {
    return 'JPEG 2000';
  }
  if (startsWith(head, JXL_CONTAINER_SIGNATURE) || startsWith(head, [0xff, 0x0a])) {
    return 'JPEG XL';
  }
  if (startsWith(head, [0x49, 0x49, 0xbc])) {
    return 'JPEG XR';
  }
  if (startsWith(head, [0x8a, 0x4d, 0x4e, 0x47])) {
    return 'MNG';
  }
  const iconCount = head.length >= 6 ? head[4] | (head[5] << 8) : 0;
  if (startsWith(head, [0x00, 0x00, 0x01, 0x00]) && iconCount > 0) {
    return 'ICO (icon)';
  }
  if (startsWith(head, [0x00, 0x00, 0x02, 0x00]) && iconCount > 0) {
    return 'CUR (cursor)';
  }
  if (startsWith(head, ascii('8BPS'))) {
    return 'Photoshop (PSD)';
  }
  if (startsWith(head, [0xd7, 0xcd, 0xc6, 0x9a])) {
    return 'WMF (Windows metafile)';
  }
  if (startsWith(head, [0x76, 0x2f, 0x31, 0x01])) {
    return 'OpenEXR';
  }
  if (startsWith(head, ascii('qoif'))) {
    return 'QOI';
  }
  return undefined;
}

/** ISO base media files (HEIC, AVIF, but also MP4 videos) name their kind in the `ftyp` box brands. */
function isoBrandFormat(head: Uint8Array): string | undefined {
  const boxSize = Math.min(readUInt32BE(head, 0), head.length, 256);
  const brands: string[] = [];
  for (let offset = 8; offset + 4 <= boxSize; offset += 4) {
    if (offset !== 12) {
      brands.push(String.fromCharCode(...head.subarray(offset, offset + 4)));
    }
  }
  if (brands.some((b) => AVIF_BRANDS.has(b))) {
    return 'AVIF';
  }
  if (brands.some((b) => HEIC_BRANDS.has(b))) {
    return 'HEIC';
  }
  if (brands.some((b) => HEIF_BRANDS.has(b))) {
    return 'HEIF';
  }
  if (brands.includes('crx ')) {
    return 'Canon RAW (CR3)';
  }
  return undefined;
}

function sniffWithImageSize(head: Uint8Array): string | undefined {
  try {
    const type = imageSize(head).type;
    return type === undefined ? undefined : IMAGE_SIZE_NAMES[type];
  } catch {
    return undefined; // image-size throws for anything it does not know: that just means "no picture we can name".
  }
}

function sniffText(text: string): Sniffed {
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 8192).toLowerCase();
  if (!start.startsWith('<')) {
    return { kind: 'notAPicture', content: 'text' };
  }
  if (/^<!doctype\s+html|<html[\s>]/.test(start)) {
    return { kind: 'notAPicture', content: 'html' };
  }
  if (/<svg[\s>/]/.test(start)) {
    return { kind: 'refusedPicture', formatName: 'SVG' };
  }
  if (start.startsWith('<?xml')) {
    return { kind: 'notAPicture', content: 'xml' };
  }
  return { kind: 'notAPicture', content: 'text' };
}

/** The text in `bytes` if they read as UTF-8 or BOM-marked UTF-16 without control characters; undefined for binary data. */
function decodeText(bytes: Uint8Array): string | undefined {
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
  }
  let text: string;
  try {
    // `stream: true` lets a character cut at the end of the sample pass.
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
  return /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\u007f]/.test(text) ? undefined : text;
}

function startsWith(bytes: ArrayLike<number>, prefix: ArrayLike<number>): boolean {
  if (bytes.length < prefix.length) {
    return false;
  }
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[i] !== prefix[i]) {
      return false;
    }
  }
  return true;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function readUInt32BE(bytes: Uint8Array, offset: number): number {
  return bytes.length < offset + 4 ? 0 : ((bytes[offset] << 24) >>> 0) + (bytes[offset + 1] << 16) + (bytes[offset + 2] << 8) + bytes[offset + 3];
}
