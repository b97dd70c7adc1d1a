// Tells from the first bytes of a file what it holds: a picture format taken or converted, a picture format that cannot be used, or no picture at all.
import { typeHandlers } from 'image-size/types/index';
import { type ContentKind } from './imageRefusal';
import { type SourceFormat } from './pictureFormats';

export type Sniffed =
  /** Starts like a picture that is taken or converted; the format checker decides whether it is whole. */
  | { kind: 'picture'; format: SourceFormat }
  /** The whole file is shorter than the format's signature, which it starts like. */
  | { kind: 'cutSignature'; format: SourceFormat }
  /** A picture in a format neither Business Central nor preparing takes; `formatName` is shown to the user. */
  | { kind: 'refusedPicture'; formatName: string }
  | { kind: 'notAPicture'; content?: ContentKind };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// The types image-size detects (or measures: heic, avif, bigtiff, ktx2), named as users know them.
const IMAGE_SIZE_NAMES: Record<string, string> = {
  avif: 'AVIF',
  cur: 'CUR (cursor)',
  dds: 'DDS',
  // HEIC stills are converted (sniffAcceptedFormat); sequences of HEVC frames are not.
  hevc: 'HEIF',
  hevx: 'HEIF',
  heif: 'HEIF',
  mif1: 'HEIF',
  msf1: 'HEIF',
  icns: 'ICNS (Apple icon)',
  ico: 'ICO (icon)',
  j2c: 'JPEG 2000',
  jp2: 'JPEG 2000',
  ktx: 'KTX',
  ktx2: 'KTX',
  pnm: 'PNM',
  psd: 'Photoshop (PSD)',
  svg: 'SVG',
  webp: 'WebP',
};

// Pictures image-size does not know (animated AVIF among them), by their signature: [offset, bytes, name].
const OTHER_PICTURES: ReadonlyArray<readonly [number, readonly number[], string]> = [
  [4, ascii('ftypavis'), 'AVIF'],
  [4, ascii('ftypcrx '), 'Canon RAW (CR3)'],
  [0, [0x49, 0x49, 0xbc], 'JPEG XR'],
  [0, [0x8a, 0x4d, 0x4e, 0x47], 'MNG'],
  [0, [0xd7, 0xcd, 0xc6, 0x9a], 'WMF (Windows metafile)'],
  [0, [0x76, 0x2f, 0x31, 0x01], 'OpenEXR'],
  [0, ascii('qoif'), 'QOI'],
];

/** Looks at `head` (the first bytes of a file of `size` bytes) and says what the file holds. */
export function sniffContent(head: Uint8Array, size: number): Sniffed {
  const accepted = sniffAcceptedFormat(head, size);
  if (accepted) {
    return accepted;
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
  const formatName = IMAGE_SIZE_NAMES[imageSizeType(head) ?? ''] ?? OTHER_PICTURES.find(([at, signature]) => startsWith(head.subarray(at), signature))?.[2];
  return formatName ? { kind: 'refusedPicture', formatName } : { kind: 'notAPicture' };
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
    // Canon CR2 raw photos are TIFF files with "CR" at offset 8: image-size takes them for TIFF, Business Central cannot show them.
    return head[8] === 0x43 && head[9] === 0x52 ? { kind: 'refusedPicture', formatName: 'Canon RAW (CR2)' } : { kind: 'picture', format: 'tiff' };
  }
  if (size < 4 && size >= 3 && (startsWith(tiffLittle, head) || startsWith(tiffBig, head))) {
    return { kind: 'cutSignature', format: 'tiff' };
  }
  // BigTIFF: TIFF with 8-byte offsets (version 43), which Business Central does not take.
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) {
    return { kind: 'picture', format: 'bigtiff' };
  }
  if (startsWith(head, ascii('RIFF')) && startsWith(head.subarray(8), ascii('WEBP'))) {
    return size < 16 ? { kind: 'cutSignature', format: 'webp' } : { kind: 'picture', format: 'webp' };
  }
  // JPEG XL: a bare codestream, or the ISO container that starts with its own 12-byte signature box.
  if (head[0] === 0xff && head[1] === 0x0a) {
    return size < 3 ? { kind: 'cutSignature', format: 'jxl' } : { kind: 'picture', format: 'jxl' };
  }
  if (startsWith(head, JXL_CONTAINER_SIGNATURE)) {
    return { kind: 'picture', format: 'jxl' };
  }
  if (size < JXL_CONTAINER_SIGNATURE.length && size >= 8 && startsWith(JXL_CONTAINER_SIGNATURE, head)) {
    return { kind: 'cutSignature', format: 'jxl' };
  }
  const brands = isoBrands(head);
  if (brands.includes('avif') || brands.includes('avis')) {
    return { kind: 'picture', format: 'avif' };
  }
  // A HEIC still (an iPhone photo); its image sequences (hevc, hevx) stay refused.
  if (brands.some((brand) => HEIC_STILL_BRANDS.has(brand))) {
    return { kind: 'picture', format: 'heic' };
  }
  return undefined;
}

/** ISO/IEC 18181-2: the box "JXL " of 12 bytes that opens a JPEG XL container. */
const JXL_CONTAINER_SIGNATURE = [0, 0, 0, 0x0c, ...ascii('JXL '), 0x0d, 0x0a, 0x87, 0x0a];

/** ISO/IEC 23008-12 brands of HEVC-coded still pictures. */
const HEIC_STILL_BRANDS = new Set(['heic', 'heix', 'heim', 'heis']);

/** The brands of an ISO media file (its major brand, then the compatible ones), none if it is not one. */
function isoBrands(head: Uint8Array): string[] {
  if (!startsWith(head.subarray(4), ascii('ftyp')) || head.length < 16) return [];
  const boxEnd = Math.min(head.length, new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0, false));
  const brands = [8, ...Array.from({ length: Math.max(0, Math.floor((boxEnd - 16) / 4)) }, (_, i) => 16 + 4 * i)];
  return brands.map((at) => String.fromCharCode(...head.subarray(at, at + 4)));
}

/** The type image-size detects in `head` (TGA left out: its test matches any blank file), refined by its measurement when that works. */
function imageSizeType(head: Uint8Array): string | undefined {
  // A copy: image-size reads through `head.buffer`, which may hold bytes past the end of `head`.
  const input = new Uint8Array(head);
  const detected = [...typeHandlers].find(([type, handler]) => type !== 'tga' && attempt(() => handler.validate(input)));
  return detected && (attempt(() => detected[1].calculate(input).type) ?? detected[0]);
}

/** image-size throws on input it cannot read: here that only means "no answer". */
function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
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
  // By hand: image-size's SVG test reads 1000 UTF-8 bytes and wants an attribute, so UTF-16, bare `<svg>` and long prologs would slip by.
  if (/<svg[\s>/]/.test(start)) {
    return { kind: 'picture', format: 'svg' };
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

