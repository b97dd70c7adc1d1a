// Inspects a picture file by its content: reads its header and only the parts past it that it needs (a small tail window, a PNG's chunks up to a bound), never a whole large file.
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { brotliDecompressSync, crc32 } from 'node:zlib';
import { imageSize } from 'image-size';
import { openRegularFile } from '../common/fileIdentity';
import { sniffContent } from './contentSniffer';
import { drawingHazard, drawingText, svgRootTag } from './drawing';
import { ImageRefusal, refuse } from './imageRefusal';
import { FORMAT_EXTENSIONS, type ImageInfo, MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS, MAX_PICTURE_SIDE, MIME_TYPES, type SourceFormat } from './pictureFormats';

/** Bytes read from the start of a file; headers of all accepted formats normally fit in it. */
export const HEAD_BYTES = 512 * 1024;
/** Bytes read from the end of a file to find the format's end marker (PNG IEND, JPEG EOI). */
const TAIL_BYTES = 64 * 1024;
/** JPEG segments walked before giving up on finding the frame header (each read is 4 bytes past the head). */
const MAX_JPEG_SEGMENTS = 4096;

/**
 * Inspects the picture file at `filePath`: its format, MIME type, pixel size and byte size, read from its content.
 * Throws only `ImageRefusal`, whose message can be shown to the user as is.
 */
export async function inspectImageFile(filePath: string): Promise<ImageInfo> {
  const name = path.basename(filePath) || filePath;
  let handle: FileHandle | undefined;
  try {
    const opened = await openRegularFile(filePath);
    if (opened === 'folder') {
      throw refuse.folder(name);
    }
    if (opened === 'special') {
      throw refuse.specialFile(name);
    }
    handle = opened.handle;
    const examination = examine(Number(opened.identity.size), name);
    let step = examination.next();
    while (!step.done) {
      step = examination.next(await readAt(handle, step.value));
    }
    // The upload compares against this, so a file replaced or rewritten after it was checked is never sent.
    return { ...step.value, fileIdentity: opened.identity };
  } catch (error) {
    throw asRefusal(error, name);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Inspects a picture held in memory; `fileName` (a name or a path) is used for messages and the extension check.
 * Throws only `ImageRefusal`, whose message can be shown to the user as is.
 */
export function inspectImageBytes(bytes: Uint8Array, fileName = 'picture'): ImageInfo {
  const name = fileName.split(/[\\/]/).pop() || fileName;
  try {
    const examination = examine(bytes.length, name, true);
    let step = examination.next();
    while (!step.done) {
      step = examination.next(bytes.subarray(step.value.offset, step.value.offset + step.value.length));
    }
    return step.value;
  } catch (error) {
    throw asRefusal(error, name);
  }
}

/** A request from the examination for `length` bytes at `offset`; it gets fewer only if the file ends first. */
interface ReadRequest {
  offset: number;
  length: number;
}

/** One code path for files and bytes: the examination asks for the bytes it needs and its driver supplies them. */
type Examination<T> = Generator<ReadRequest, T, Uint8Array>;

interface Source {
  readonly head: Uint8Array;
  readonly size: number;
  readonly name: string;
  /** The whole picture is in memory, so reading more of it costs nothing. */
  readonly inMemory: boolean;
}

interface Dimensions {
  width: number;
  height: number;
  /** Header facts that preparing needs: the EXIF orientation, and metadata it would remove. */
  orientation?: number;
  metadata?: 'location' | 'other';
}

function* examine(size: number, name: string, inMemory = false): Examination<ImageInfo> {
  if (size === 0) {
    throw refuse.empty(name);
  }
  if (size > MAX_PICTURE_BYTES) {
    throw refuse.tooLarge(name, size);
  }
  const head = yield { offset: 0, length: Math.min(size, HEAD_BYTES) };
  const source: Source = { head, size, name, inMemory };
  const sniffed = sniffContent(head, size);
  switch (sniffed.kind) {
    case 'refusedPicture':
      throw refuse.unsupportedFormat(name, sniffed.formatName);
    case 'notAPicture':
      throw refuse.notAnImage(name, sniffed.content);
    case 'cutSignature':
      throw refuse.truncated(name, sniffed.format);
    case 'picture':
      break;
  }
  const format = sniffed.format;
  let dimensions: Dimensions;
  try {
    dimensions = yield* FORMAT_CHECKS[format](source);
  } catch (error) {
    // Anything unexpected while parsing a header we recognised means the header is not what it claims.
    throw error instanceof ImageRefusal ? error : refuse.corrupt(name, format, error);
  }
  const extension = path.extname(name).slice(1).toLowerCase();
  const mismatch = extension && !FORMAT_EXTENSIONS[format].includes(extension) ? { extensionMismatch: { extension, actual: format } } : {};
  const facts = { ...(dimensions.orientation ? { orientation: dimensions.orientation } : {}), ...(dimensions.metadata ? { metadata: dimensions.metadata } : {}) };
  return { fileName: name, format, contentType: MIME_TYPES[format], width: dimensions.width, height: dimensions.height, byteSize: size, ...mismatch, ...facts };
}

/** Each checker validates the structure, measures with image-size, checks the dimensions, then checks the file is whole. */
const FORMAT_CHECKS: Record<SourceFormat, (source: Source) => Examination<Dimensions>> = {
  png: checkPng,
  jpeg: checkJpeg,
  gif: checkGif,
  bmp: checkBmp,
  tiff: checkTiff,
  bigtiff: checkTiff,
  webp: checkWebp,
  avif: (source) => checkHeif(source, 'avif'),
  heic: (source) => checkHeif(source, 'heic'),
  jxl: checkJxl,
  svg: checkSvg,
};

// ---------------------------------------------------------------- PNG

const PNG_IEND_CHUNK = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Bytes after a PNG's IEND that are tolerated (some tools pad files); more is another file hidden in the picture. */
export const PNG_TRAILING_TOLERANCE = 1024;

function checkPngEnd(source: Source, end: number): void {
  const extra = source.size - end;
  if (extra > PNG_TRAILING_TOLERANCE) {
    throw refuse.trailingData(source.name, 'png', extra);
  }
}
/** Chunks read past the head in windows of this size; past this many windows the end of the file is searched instead. */
const PNG_WINDOW_BYTES = 256 * 1024;
const MAX_PNG_WINDOWS = 16;
/** The chunks whose content preparing removes; one larger than this is counted as metadata unread. */
const PNG_METADATA_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf']);
const MAX_PNG_METADATA_BYTES = 1024 * 1024;
const PNG_BIT_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function* checkPng(source: Source): Examination<Dimensions> {
  const { head, size, name } = source;
  // Signature (8) + IHDR chunk (25).
  if (size < 33) {
    throw refuse.truncated(name, 'png');
  }
  if (readUInt32BE(head, 8) !== 13 || ascii(head, 12, 16) !== 'IHDR') {
    throw refuse.corrupt(name, 'png');
  }
  if (crc32(head.subarray(12, 29)) !== readUInt32BE(head, 29)) {
    throw refuse.corrupt(name, 'png');
  }
  const [bitDepth, colourType, compression, filter, interlace] = head.subarray(24, 29);
  if (!PNG_BIT_DEPTHS[colourType]?.includes(bitDepth) || compression !== 0 || filter !== 0 || interlace > 1) {
    throw refuse.corrupt(name, 'png');
  }
  const dimensions = measure(head.subarray(0, 33), 'png', source);
  checkDimensions(source, dimensions);

  // Walk every chunk, reading past the head a window at a time: a chunk running past the end of the file means the
  // file was cut. Text or Exif may sit anywhere between IHDR and IEND, behind a large profile or after the pixel data.
  let offset = 33;
  let window = { start: 0, bytes: head };
  for (let windows = 0; offset + 8 <= size; ) {
    if (offset + 8 > window.start + window.bytes.length) {
      // Past a few MiB of small chunks (pixel data in libpng's 8 KiB pieces), a file's end is searched instead.
      if (!source.inMemory && windows++ >= MAX_PNG_WINDOWS) break;
      const bytes = yield* bytesAt(source, offset, Math.min(PNG_WINDOW_BYTES, size - offset));
      if (!bytes) throw refuse.truncated(name, 'png');
      window = { start: offset, bytes };
    }
    const at = offset - window.start;
    const length = readUInt32BE(window.bytes, at);
    const type = ascii(window.bytes, at + 4, at + 8);
    // Zeros where a chunk should start: a copy that stopped after its space was taken, so the rest was never written.
    if (length === 0 && type === '\0\0\0\0') {
      throw refuse.truncated(name, 'png');
    }
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff) {
      throw refuse.corrupt(name, 'png');
    }
    if (offset + 12 + length > size) {
      throw refuse.truncated(name, 'png');
    }
    if (type === 'IEND') {
      checkPngEnd(source, offset + 12 + length);
      return dimensions;
    }
    if (PNG_METADATA_CHUNKS.has(type)) {
      // Taken from the window that holds it, else read. A chunk too large to read is still metadata; only what it
      // says about a location is not known.
      let data: Uint8Array | undefined = window.bytes.subarray(at + 8, at + 8 + length);
      if (data.length < length) data = length <= MAX_PNG_METADATA_BYTES ? yield* bytesAt(source, offset + 8, length) : undefined;
      if (data) readPngMetadata(type, data, dimensions);
      else addMetadata(dimensions, false);
    }
    offset += 12 + length;
  }
  // The IEND chunk not met yet: it must be in the last bytes (a little trailing data after it is tolerated).
  const tailStart = Math.max(offset, size - TAIL_BYTES);
  const tail = yield* bytesAt(source, tailStart, size - tailStart);
  const iend = tail ? asBuffer(tail).indexOf(PNG_IEND_CHUNK) : -1;
  if (!tail || iend < 0) {
    throw refuse.truncated(name, 'png');
  }
  checkPngEnd(source, tailStart + iend + PNG_IEND_CHUNK.length);
  readPngTailMetadata(tail.subarray(0, iend), dimensions);
  return dimensions;
}

/**
 * Text and Exif chunks written after the pixel data sit just before IEND, in the tail read for it: each is found by
 * its type and told from pixel bytes that look like one by its CRC.
 */
function readPngTailMetadata(tail: Uint8Array, facts: Pick<Dimensions, 'orientation' | 'metadata'>): void {
  const bytes = asBuffer(tail);
  for (const type of PNG_METADATA_CHUNKS) {
    for (let at = bytes.indexOf(type); at >= 0; at = bytes.indexOf(type, at + 1)) {
      if (at < 4) continue;
      const end = at + 4 + readUInt32BE(tail, at - 4);
      if (end + 4 <= tail.length && crc32(tail.subarray(at, end)) === readUInt32BE(tail, end)) readPngMetadata(type, tail.subarray(at + 4, end), facts);
    }
  }
}

/** Adds what a PNG chunk holds that preparing removes: EXIF (eXIf, which also says how to turn it), XMP, text. */
function readPngMetadata(type: string, data: Uint8Array, facts: Pick<Dimensions, 'orientation' | 'metadata'>): void {
  if (type === 'eXIf') readExif(data, facts);
  else if (type === 'iTXt' && ascii(data, 0, 18) === 'XML:com.adobe.xmp\0') readXmp(data, facts);
  else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') addMetadata(facts, false);
}

// ---------------------------------------------------------------- JPEG

function* checkJpeg(source: Source): Examination<Dimensions> {
  const { size, name } = source;
  // Walk the marker segments from SOI to the first scan (SOS); read segment by segment past the head, so big metadata is skipped, not read.
  let offset = 2;
  let frame: Uint8Array | undefined;
  let scanStart: number | undefined;
  const facts: Pick<Dimensions, 'orientation' | 'metadata'> = {};
  for (let segments = 0; scanStart === undefined; segments++) {
    if (segments > MAX_JPEG_SEGMENTS) {
      throw refuse.corrupt(name, 'jpeg');
    }
    const marker = yield* bytesAt(source, offset, 2);
    if (!marker) {
      throw refuse.truncated(name, 'jpeg');
    }
    if (marker[0] !== 0xff) {
      throw refuse.corrupt(name, 'jpeg');
    }
    const code = marker[1];
    if (code === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    if (code === 0x00 || code === 0xd8 || code === 0xd9) {
      throw refuse.corrupt(name, 'jpeg');
    }
    const lengthBytes = yield* bytesAt(source, offset + 2, 2);
    if (!lengthBytes) {
      throw refuse.truncated(name, 'jpeg');
    }
    const length = (lengthBytes[0] << 8) | lengthBytes[1];
    if (length < 2) {
      throw refuse.corrupt(name, 'jpeg');
    }
    if (isStartOfFrame(code)) {
      if (frame) {
        throw refuse.corrupt(name, 'jpeg');
      }
      frame = yield* bytesAt(source, offset, 2 + length);
      if (!frame) {
        throw refuse.truncated(name, 'jpeg');
      }
      if (length < 8 || length !== 8 + 3 * frame[9]) {
        throw refuse.corrupt(name, 'jpeg');
      }
      // Baseline, extended and progressive JPEGs only: lossless, hierarchical and arithmetic-coded ones do not show in browsers.
      if (code !== 0xc0 && code !== 0xc1 && code !== 0xc2) {
        throw refuse.unsupportedFormat(name, 'JPEG (lossless, hierarchical or arithmetic-coded)');
      }
    } else if (code === 0xda) {
      if (!frame) {
        throw refuse.corrupt(name, 'jpeg');
      }
      scanStart = offset + 2 + length;
    } else if (code === 0xe1 || code === 0xed || code === 0xfe) {
      // APP1 (Exif, XMP), APP13 (IPTC) and comments are what preparing removes; Exif also says how to turn the picture.
      const segment = yield* bytesAt(source, offset + 4, length - 2);
      if (segment) readJpegMetadata(code, segment, facts);
    }
    offset += 2 + length;
    if (offset > size) {
      throw refuse.truncated(name, 'jpeg');
    }
  }
  if (!frame) {
    throw refuse.corrupt(name, 'jpeg');
  }
  // image-size measures from a minimal JPEG: SOI, an empty comment (it skips the first segment), then the frame header.
  const sample = new Uint8Array(6 + frame.length);
  sample.set([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x02]);
  sample.set(frame, 6);
  const dimensions: Dimensions = { ...measure(sample, 'jpg', source), ...facts };
  checkDimensions(source, dimensions);

  // The end-of-image marker must follow the scan data; FF D9 cannot occur inside entropy-coded data.
  const tailStart = Math.max(scanStart, size - TAIL_BYTES);
  const tail = yield* bytesAt(source, tailStart, size - tailStart);
  if (!tail) {
    throw refuse.truncated(name, 'jpeg');
  }
  if (asBuffer(tail).indexOf(Buffer.from([0xff, 0xd9])) < 0 && !hasAppendedVideo(source.head, tail)) {
    throw refuse.truncated(name, 'jpeg');
  }
  return dimensions;
}

const EXIF_ORIENTATION = 0x0112;
const EXIF_GPS_IFD = 0x8825;

/** Adds what a JPEG metadata segment holds to `facts`: any such segment is metadata; Exif's GPS or XMP's GPS is a location. */
function readJpegMetadata(code: number, segment: Uint8Array, facts: Pick<Dimensions, 'orientation' | 'metadata'>): void {
  if (code === 0xe1 && ascii(segment, 0, 6) === 'Exif\0\0') readExif(segment.subarray(6), facts);
  else if (code === 0xe1 && asBuffer(segment).includes('http://ns.adobe.com/xap/1.0/')) readXmp(segment, facts);
  else addMetadata(facts, false);
}

/** Adds what an Exif block (a TIFF structure) says: the orientation, and whether it holds a location. */
function readExif(tiff: Uint8Array, facts: Pick<Dimensions, 'orientation' | 'metadata'>): void {
  const fields = tiffIfd0(tiff);
  const orientation = fields.get(EXIF_ORIENTATION);
  if (orientation !== undefined && orientation >= 1 && orientation <= 8) facts.orientation = orientation;
  const gps = fields.get(EXIF_GPS_IFD);
  // Writers leave a GPS directory with only its version in it: a location is a latitude (2) or longitude (4).
  addMetadata(facts, gps !== undefined && gps > 0 && [2, 4].some((tag) => tiffTags(tiff, gps).includes(tag)));
}

function readXmp(packet: Uint8Array, facts: Pick<Dimensions, 'orientation' | 'metadata'>): void {
  const text = asBuffer(packet);
  addMetadata(facts, text.includes('GPSLatitude') || text.includes('GPSLongitude'));
}

function addMetadata(facts: Pick<Dimensions, 'metadata'>, location: boolean): void {
  facts.metadata = location || facts.metadata === 'location' ? 'location' : 'other';
}

/** The entries (tag, type, value offset) of the TIFF directory at `ifd`, as Exif holds them; none where it is damaged. */
function tiffEntries(tiff: Uint8Array, ifd: number): { tag: number; type: number; at: number }[] {
  if (tiff.length < 8 || !((tiff[0] === 0x49 && tiff[1] === 0x49) || (tiff[0] === 0x4d && tiff[1] === 0x4d)) || ifd + 2 > tiff.length) return [];
  const little = tiff[0] === 0x49;
  const view = dataView(tiff);
  const entries = [];
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count && ifd + 2 + 12 * (i + 1) <= tiff.length; i++) {
    const at = ifd + 2 + 12 * i;
    entries.push({ tag: view.getUint16(at, little), type: view.getUint16(at + 2, little), at: at + 8 });
  }
  return entries;
}

const tiffTags = (tiff: Uint8Array, ifd: number) => tiffEntries(tiff, ifd).map((entry) => entry.tag);

/** The SHORT and LONG values of a TIFF structure's first directory, by tag. */
function tiffIfd0(tiff: Uint8Array): Map<number, number> {
  const values = new Map<number, number>();
  if (tiff.length < 8) return values;
  const little = tiff[0] === 0x49;
  const view = dataView(tiff);
  for (const { tag, type, at } of tiffEntries(tiff, view.getUint32(4, little))) {
    if (type === 3) values.set(tag, view.getUint16(at, little));
    if (type === 4) values.set(tag, view.getUint32(at, little));
  }
  return values;
}

function isStartOfFrame(code: number): boolean {
  return code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;
}

/** Motion photos (Google, Samsung) append a video after the JPEG's end marker, so their last bytes are not the JPEG's. */
function hasAppendedVideo(head: Uint8Array, tail: Uint8Array): boolean {
  const metadata = asBuffer(head);
  return metadata.includes('MotionPhoto') || metadata.includes('MicroVideo') || ascii(tail, tail.length - 4, tail.length) === 'SEFT';
}

// ---------------------------------------------------------------- GIF

function* checkGif(source: Source): Examination<Dimensions> {
  const { head, size, name } = source;
  // Signature (6) + logical screen descriptor (7).
  if (size < 13) {
    throw refuse.truncated(name, 'gif');
  }
  const packed = head[10];
  const globalColourTable = packed & 0x80 ? 3 << ((packed & 0x07) + 1) : 0;
  const firstBlock = yield* bytesAt(source, 13 + globalColourTable, 1);
  if (!firstBlock) {
    throw refuse.truncated(name, 'gif');
  }
  // After the header comes an extension (0x21) or an image (0x2C): anything else is not GIF data (e.g. script dressed as GIF).
  if (firstBlock[0] !== 0x21 && firstBlock[0] !== 0x2c) {
    throw refuse.corrupt(name, 'gif');
  }
  const dimensions = measure(head.subarray(0, 13), 'gif', source);
  checkDimensions(source, dimensions);

  // A GIF ends with the trailer byte 0x3B; zero padding after it is tolerated.
  const tailStart = Math.max(13, size - 1024);
  const tail = yield* bytesAt(source, tailStart, size - tailStart);
  let last = tail ? tail.length - 1 : -1;
  while (tail && last >= 0 && tail[last] === 0) {
    last--;
  }
  if (!tail || last < 0 || tail[last] !== 0x3b) {
    throw refuse.truncated(name, 'gif');
  }
  return dimensions;
}

// ---------------------------------------------------------------- BMP

const BMP_HEADER_SIZES = [12, 16, 40, 52, 56, 64, 108, 124];
const BMP_BITS_PER_PIXEL = [1, 2, 4, 8, 16, 24, 32];

function* checkBmp(source: Source): Examination<Dimensions> {
  const { head, size, name } = source;
  // File header (14) + the smallest (OS/2 core) info header (12).
  if (size < 26) {
    throw refuse.truncated(name, 'bmp');
  }
  const view = dataView(head);
  const headerSize = view.getUint32(14, true);
  if (!BMP_HEADER_SIZES.includes(headerSize)) {
    throw refuse.corrupt(name, 'bmp');
  }
  if (14 + headerSize > size) {
    throw refuse.truncated(name, 'bmp');
  }
  let dimensions: Dimensions;
  let bitsPerPixel: number;
  let compression = 0;
  let imageBytes = 0;
  if (headerSize === 12) {
    // OS/2 core header: 16-bit width and height, which image-size (reading 32 bits) would misread.
    dimensions = { width: view.getUint16(18, true), height: view.getUint16(20, true) };
    bitsPerPixel = view.getUint16(24, true);
  } else {
    // The width is signed and must be positive (a negative height only means rows run top-down).
    if (view.getInt32(18, true) <= 0) {
      throw refuse.corrupt(name, 'bmp');
    }
    dimensions = measure(head.subarray(0, 14 + headerSize), 'bmp', source);
    bitsPerPixel = view.getUint16(28, true);
    compression = headerSize >= 20 ? view.getUint32(30, true) : 0;
    imageBytes = headerSize >= 24 ? view.getUint32(34, true) : 0;
  }
  const embedsJpegOrPng = compression === 4 || compression === 5;
  if (!(BMP_BITS_PER_PIXEL.includes(bitsPerPixel) || (bitsPerPixel === 0 && embedsJpegOrPng))) {
    throw refuse.corrupt(name, 'bmp');
  }
  const pixelOffset = view.getUint32(10, true);
  if (pixelOffset < 14 + headerSize) {
    throw refuse.corrupt(name, 'bmp');
  }
  checkDimensions(source, dimensions);

  // Uncompressed rows are padded to 4 bytes; compressed data declares its size. Either must fit in the file.
  const uncompressed = compression === 0 || compression === 3 || compression === 6;
  const rowBytes = Math.floor((bitsPerPixel * dimensions.width + 31) / 32) * 4;
  const needed = pixelOffset + (uncompressed ? rowBytes * dimensions.height : imageBytes);
  const declaredFileSize = view.getUint32(2, true);
  if (needed > size || declaredFileSize > size) {
    throw refuse.truncated(name, 'bmp');
  }
  return dimensions;
}

// ---------------------------------------------------------------- TIFF

const TIFF_TAGS = { width: 256, height: 257, stripOffsets: 273, stripByteCounts: 279, tileOffsets: 324, tileByteCounts: 325 };
/** Strip or tile tables longer than this are not read to check that the data is in the file. */
const MAX_TIFF_TABLE_ENTRIES = 1 << 18;

/** Tags of a TIFF's first directory that preparing removes: XMP, IPTC, Photoshop's and the Exif directory. */
const TIFF_METADATA_TAGS = [700, 33723, 34377, 34665];
const TIFF_ORIENTATION = 274;
const TIFF_GPS_IFD = 34853;

/**
 * Classic TIFF and BigTIFF (which Business Central does not take, so it is converted) differ only in the widths
 * of their directory counts, entries, value fields and offsets.
 */
interface TiffLayout {
  readonly format: 'tiff' | 'bigtiff';
  readonly littleEndian: boolean;
  /** Bytes of a directory's entry count: 2, or 8 in BigTIFF. */
  readonly countBytes: number;
  /** Bytes of a directory entry: 12, or 20 in BigTIFF. */
  readonly entryBytes: number;
  /** Bytes of an entry's value field, which holds the value or its offset: 4, or 8 in BigTIFF. */
  readonly valueBytes: number;
}

/** The byte widths of the TIFF integer types a size or a strip table may have: SHORT, LONG and (BigTIFF) LONG8. */
const TIFF_INTEGER_WIDTHS: Readonly<Record<number, number | undefined>> = { 3: 2, 4: 4, 16: 8 };

/** An unsigned integer of 2, 4 or 8 bytes (beyond 2^53 no longer exact, which only makes it point past any file). */
function readUInt(bytes: Uint8Array, at: number, width: number, littleEndian: boolean): number {
  const view = dataView(bytes);
  if (width === 2) return view.getUint16(at, littleEndian);
  if (width === 4) return view.getUint32(at, littleEndian);
  return Number(view.getBigUint64(at, littleEndian));
}

/** Adds what a TIFF's first directory says: the orientation, metadata, and a location where its GPS directory has one. */
function* readTiffMetadata(source: Source, entries: ReadonlyMap<number, TiffEntry>, layout: TiffLayout, facts: Pick<Dimensions, 'orientation' | 'metadata'>): Examination<void> {
  const { littleEndian, countBytes, entryBytes } = layout;
  const orientation = entries.get(TIFF_ORIENTATION);
  const turn = orientation?.type === 3 ? dataView(orientation.valueBytes).getUint16(0, littleEndian) : undefined;
  if (turn !== undefined && turn > 1 && turn <= 8) facts.orientation = turn;
  if (TIFF_METADATA_TAGS.some((tag) => entries.has(tag))) addMetadata(facts, false);
  const gps = entries.get(TIFF_GPS_IFD);
  if (!gps) return;
  const at = readUInt(gps.valueBytes, 0, gps.type === 16 || gps.type === 18 ? 8 : 4, littleEndian);
  const count = yield* bytesAt(source, at, countBytes);
  const directory = count ? yield* bytesAt(source, at + countBytes, entryBytes * Math.min(readUInt(count, 0, countBytes, littleEndian), 256)) : undefined;
  const tags = [];
  for (let i = 0; directory && i + entryBytes <= directory.length; i += entryBytes) tags.push(dataView(directory).getUint16(i, littleEndian));
  // As in Exif: a location is a latitude (2) or a longitude (4), not a GPS directory with only its version.
  addMetadata(facts, tags.includes(2) || tags.includes(4));
}

interface TiffEntry {
  type: number;
  count: number;
  /** The entry's value field: the value itself, or the offset of the values. */
  valueBytes: Uint8Array;
}

function* checkTiff(source: Source): Examination<Dimensions> {
  const { head, size, name } = source;
  const littleEndian = head[0] === 0x49;
  const big = head.length >= 4 && dataView(head).getUint16(2, littleEndian) === 0x2b;
  const layout: TiffLayout = big
    ? { format: 'bigtiff', littleEndian, countBytes: 8, entryBytes: 20, valueBytes: 8 }
    : { format: 'tiff', littleEndian, countBytes: 2, entryBytes: 12, valueBytes: 4 };
  const { format, countBytes, entryBytes, valueBytes } = layout;
  if (size < (big ? 16 : 8)) {
    throw refuse.truncated(name, format);
  }
  // A BigTIFF header says its offsets are 8 bytes wide, then 0, then the offset of its first directory.
  if (big && (dataView(head).getUint16(4, littleEndian) !== 8 || dataView(head).getUint16(6, littleEndian) !== 0)) {
    throw refuse.corrupt(name, format);
  }
  const ifdOffset = readUInt(head, big ? 8 : 4, big ? 8 : 4, littleEndian);
  if (ifdOffset < (big ? 16 : 8)) {
    throw refuse.corrupt(name, format);
  }
  // The first image directory (IFD) is often written after the pixel data, at the end of the file.
  const countField = yield* bytesAt(source, ifdOffset, countBytes);
  if (!countField) {
    throw refuse.truncated(name, format);
  }
  const entryCount = readUInt(countField, 0, countBytes, littleEndian);
  if (entryCount === 0 || entryCount > 4096) {
    throw refuse.corrupt(name, format);
  }
  const ifd = yield* bytesAt(source, ifdOffset, countBytes + entryBytes * entryCount);
  if (!ifd) {
    throw refuse.truncated(name, format);
  }
  const entries = new Map<number, TiffEntry>();
  const ifdView = dataView(ifd);
  for (let i = 0; i < entryCount; i++) {
    const at = countBytes + entryBytes * i;
    entries.set(ifdView.getUint16(at, littleEndian), {
      type: ifdView.getUint16(at + 2, littleEndian),
      count: readUInt(ifd, at + 4, valueBytes, littleEndian),
      valueBytes: ifd.subarray(at + 4 + valueBytes, at + 4 + 2 * valueBytes),
    });
  }
  const dimensions = big ? bigTiffSize(entries, layout, source) : classicTiffSize(head, ifd, source);
  checkDimensions(source, dimensions);
  yield* readTiffMetadata(source, entries, layout, dimensions);
  // The pixel data (strips or tiles) must lie inside the file.
  const pairs: Array<[number, number]> = [
    [TIFF_TAGS.stripOffsets, TIFF_TAGS.stripByteCounts],
    [TIFF_TAGS.tileOffsets, TIFF_TAGS.tileByteCounts],
  ];
  for (const [offsetsTag, countsTag] of pairs) {
    const offsets = yield* tiffValues(source, entries.get(offsetsTag), layout);
    const counts = yield* tiffValues(source, entries.get(countsTag), layout);
    if (!offsets || !counts) {
      continue;
    }
    for (let i = 0; i < Math.min(offsets.length, counts.length); i++) {
      if (offsets[i] + counts[i] > size) {
        throw refuse.truncated(name, format);
      }
    }
  }
  return dimensions;
}

/** image-size measures a classic TIFF from a compact copy: the same byte order, the directory moved to offset 8, and a zero next-directory offset. */
function classicTiffSize(head: Uint8Array, ifd: Uint8Array, source: Source): Dimensions {
  const sample = new Uint8Array(8 + ifd.length + 4);
  sample.set(head.subarray(0, 4));
  dataView(sample).setUint32(4, 8, head[0] === 0x49);
  sample.set(ifd, 8);
  return measure(sample, 'tiff', source);
}

/** A BigTIFF's width and height, from its first directory (image-size reads no BigTIFF directory). */
function bigTiffSize(entries: ReadonlyMap<number, TiffEntry>, layout: TiffLayout, source: Source): Dimensions {
  const side = (tag: number) => {
    const entry = entries.get(tag);
    const width = entry && TIFF_INTEGER_WIDTHS[entry.type];
    if (!entry || entry.count !== 1 || width === undefined) throw refuse.corrupt(source.name, 'bigtiff');
    return readUInt(entry.valueBytes, 0, width, layout.littleEndian);
  };
  return { width: side(TIFF_TAGS.width), height: side(TIFF_TAGS.height) };
}

/** The SHORT, LONG or LONG8 values of a TIFF entry, read from the file when they do not fit in the entry; undefined if not checkable. */
function* tiffValues(source: Source, entry: TiffEntry | undefined, layout: TiffLayout): Examination<number[] | undefined> {
  const width = entry && TIFF_INTEGER_WIDTHS[entry.type];
  if (!entry || width === undefined || entry.count === 0 || entry.count > MAX_TIFF_TABLE_ENTRIES) {
    return undefined;
  }
  const byteLength = entry.count * width;
  let bytes: Uint8Array | undefined = entry.valueBytes;
  if (byteLength > layout.valueBytes) {
    bytes = yield* bytesAt(source, readUInt(entry.valueBytes, 0, layout.valueBytes, layout.littleEndian), byteLength);
    if (!bytes) {
      throw refuse.truncated(source.name, layout.format);
    }
  }
  const values: number[] = [];
  for (let i = 0; i < entry.count; i++) {
    values.push(readUInt(bytes, i * width, width, layout.littleEndian));
  }
  return values;
}

// ---------------------------------------------------------------- WebP

function* checkWebp(source: Source): Examination<Dimensions> {
  const { size, name } = source;
  // RIFF header (12) + the first chunk's header (8) + the bitstream's frame header (at least 10).
  const head = yield* bytesAt(source, 0, 30);
  if (!head) {
    throw refuse.truncated(name, 'webp');
  }
  if (!['VP8 ', 'VP8L', 'VP8X'].includes(ascii(head, 12, 16))) {
    throw refuse.corrupt(name, 'webp');
  }
  // The RIFF size counts what follows its first 8 bytes: more means the file was cut, much less that something is appended.
  const end = 8 + dataView(head).getUint32(4, true);
  if (end > size) {
    throw refuse.truncated(name, 'webp');
  }
  if (size - end > PNG_TRAILING_TOLERANCE) {
    throw refuse.trailingData(name, 'webp', size - end);
  }
  const dimensions: Dimensions = measure(source.head.subarray(0, Math.min(source.head.length, 64)), 'webp', source);
  checkDimensions(source, dimensions);
  // The chunks after the picture's own: EXIF and XMP are what preparing removes (libvips writes an EXIF chunk by default).
  for (let offset = 12; offset + 8 <= Math.min(end, source.head.length); ) {
    const type = ascii(source.head, offset, offset + 4);
    const length = dataView(source.head).getUint32(offset + 4, true);
    // Only those two are read: the bitstream's own chunk can be most of the file.
    const data = type === 'EXIF' || type === 'XMP ' ? yield* bytesAt(source, offset + 8, length) : undefined;
    if (data && type === 'EXIF') readExif(ascii(data, 0, 6) === 'Exif\0\0' ? data.subarray(6) : data, dimensions);
    if (data && type === 'XMP ') readXmp(data, dimensions);
    offset += 8 + length + (length % 2);
  }
  return dimensions;
}

// ---------------------------------------------------------------- AVIF

/** Top-level boxes walked before giving up (an AVIF has a handful: ftyp, meta, mdat). */
const MAX_AVIF_BOXES = 4096;

/** AVIF and HEIC: one container (ISO/IEC 23008-12, HEIF), told apart by its brands and by image-size's type. */
function* checkHeif(source: Source, format: 'avif' | 'heic'): Examination<Dimensions> {
  const { head } = source;
  // The primary picture's ispe, turned by its irot; image-size's first ispe can be a tile's (an iPhone photo is a grid).
  const dimensions = primarySize(head) ?? measure(head, format, source);
  checkDimensions(source, dimensions);
  for (const box of yield* topLevelBoxes(source, format)) {
    if (box.type === 'meta' && box.end <= head.length) yield* readAvifMetadata(source, head.subarray(box.start, box.end), dimensions);
  }
  return dimensions;
}

/** A box of an ISO media file: its type, and where its content starts and ends in the file. */
interface IsoBox {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The top-level boxes of an ISO media file (HEIF, JPEG XL), read header by header: each must end inside the file and
 * together they must fill it, so a box running past the end means the file was cut.
 */
function* topLevelBoxes(source: Source, format: SourceFormat): Examination<IsoBox[]> {
  const { size, name } = source;
  const boxes: IsoBox[] = [];
  for (let offset = 0; offset < size; ) {
    const header = yield* bytesAt(source, offset, 8);
    if (!header || boxes.length > MAX_AVIF_BOXES) {
      throw header ? refuse.corrupt(name, format) : refuse.truncated(name, format);
    }
    let length = readUInt32BE(header, 0);
    let headerLength = 8;
    if (length === 1) {
      const large = yield* bytesAt(source, offset + 8, 8);
      if (!large) throw refuse.truncated(name, format);
      length = Number(dataView(large).getBigUint64(0, false));
      headerLength = 16;
    } else if (length === 0) {
      length = size - offset; // the last box runs to the end of the file
    }
    if (length < headerLength || !/^[\x20-\x7e]{4}$/.test(ascii(header, 4, 8))) {
      throw refuse.corrupt(name, format);
    }
    if (offset + length > size) {
      throw refuse.truncated(name, format);
    }
    boxes.push({ type: ascii(header, 4, 8), start: offset + headerLength, end: offset + length });
    offset += length;
  }
  return boxes;
}

/**
 * The size a HEIF file's primary picture is shown at (ISO/IEC 23008-12): pitm names the item, ipma its properties
 * in ipco, whose ispe is the stored size; an irot of 90° or 270° swaps the sides. Undefined where the meta box is
 * not in the head or says no size.
 */
function primarySize(head: Uint8Array): Dimensions | undefined {
  try {
    const meta = isoBoxes(head, 0, head.length).find((box) => box.type === 'meta');
    if (!meta) return undefined;
    const children = isoBoxes(head, meta.start + 4, meta.end);
    const pitm = children.find((box) => box.type === 'pitm');
    const iprp = children.find((box) => box.type === 'iprp');
    if (!pitm || !iprp) return undefined;
    const primary = head[pitm.start] === 0 ? dataView(head).getUint16(pitm.start + 4, false) : readUInt32BE(head, pitm.start + 4);
    const parts = isoBoxes(head, iprp.start, iprp.end);
    const ipco = parts.find((box) => box.type === 'ipco');
    if (!ipco) return undefined;
    const properties = isoBoxes(head, ipco.start, ipco.end);
    const indices = parts.filter((box) => box.type === 'ipma').flatMap((ipma) => associatedProperties(head.subarray(ipma.start, ipma.end), primary));
    const owned = indices.map((index) => properties[index - 1]).filter((box) => box !== undefined);
    const ispe = owned.find((box) => box.type === 'ispe');
    if (!ispe || ispe.end - ispe.start < 12) return undefined;
    const [width, height] = [readUInt32BE(head, ispe.start + 4), readUInt32BE(head, ispe.start + 8)];
    const irot = owned.find((box) => box.type === 'irot');
    const quarterTurns = irot && irot.end > irot.start ? head[irot.start] & 3 : 0;
    return quarterTurns % 2 === 1 ? { width: height, height: width } : { width, height };
  } catch {
    return undefined;
  }
}

/** The 1-based ipco indices an ipma box gives `item`. */
function associatedProperties(ipma: Uint8Array, item: number): number[] {
  const view = dataView(ipma);
  const [version, flags] = [ipma[0], ipma[3]];
  let at = 4;
  const count = readUInt32BE(ipma, at);
  at += 4;
  for (let entry = 0; entry < count && at < ipma.length; entry++) {
    const id = version < 1 ? view.getUint16(at, false) : readUInt32BE(ipma, at);
    at += version < 1 ? 2 : 4;
    const associations = ipma[at++];
    const indices: number[] = [];
    for (let i = 0; i < associations; i++) {
      indices.push(flags & 1 ? view.getUint16(at, false) & 0x7fff : ipma[at] & 0x7f);
      at += flags & 1 ? 2 : 1;
    }
    if (id === item) return indices;
  }
  return [];
}

/** Past this an Exif or XMP item is counted as metadata without being read for a location. */
const MAX_AVIF_METADATA_BYTES = 1024 * 1024;

/**
 * Adds what an AVIF's Exif and XMP items say (ISO/IEC 23008-12: the meta box lists them in iinf, iloc says where
 * their bytes are). Not the orientation: an AVIF is turned by its irot and imir properties, which the decoder applies.
 */
function* readAvifMetadata(source: Source, meta: Uint8Array, facts: Pick<Dimensions, 'metadata'>): Examination<void> {
  // A meta box this reader cannot follow damages nothing: the picture is converted, and its metadata removed, all the same.
  try {
    const children = isoBoxes(meta, 4, meta.length);
    const infos = children.find((box) => box.type === 'iinf');
    const locations = children.find((box) => box.type === 'iloc');
    if (!infos) return;
    const kinds = avifItemKinds(meta.subarray(infos.start, infos.end));
    if (kinds.size === 0) return;
    const places = locations ? avifItemPlaces(meta.subarray(locations.start, locations.end)) : new Map<number, { offset: number; length: number }>();
    for (const [id, kind] of kinds) {
      const place = places.get(id);
      const data = place && place.length <= MAX_AVIF_METADATA_BYTES ? yield* bytesAt(source, place.offset, place.length) : undefined;
      if (!data) addMetadata(facts, false);
      else if (kind === 'xmp') readXmp(data, facts);
      else {
        // An Exif item starts with the offset of its TIFF header; some writers put "Exif\0\0" before that header.
        let tiff = data.subarray(Math.min(data.length, 4 + (data.length >= 4 ? readUInt32BE(data, 0) : 0)));
        if (ascii(tiff, 0, 6) === 'Exif\0\0') tiff = tiff.subarray(6);
        const found: Pick<Dimensions, 'orientation' | 'metadata'> = {};
        readExif(tiff, found);
        addMetadata(facts, found.metadata === 'location');
      }
    }
  } catch {
    addMetadata(facts, false);
  }
}

/** The boxes between `start` and `end` of `bytes`: their type and where their content is; none past a damaged one. */
function isoBoxes(bytes: Uint8Array, start: number, end: number): { type: string; start: number; end: number }[] {
  const boxes = [];
  for (let at = start; at + 8 <= end && boxes.length < MAX_AVIF_BOXES; ) {
    let length = readUInt32BE(bytes, at);
    let header = 8;
    if (length === 1 && at + 16 <= end) {
      length = Number(dataView(bytes).getBigUint64(at + 8, false));
      header = 16;
    } else if (length === 0) length = end - at;
    if (length < header || at + length > end) break;
    boxes.push({ type: ascii(bytes, at + 4, at + 8), start: at + header, end: at + length });
    at += length;
  }
  return boxes;
}

/** The Exif items and XMP items (mime, application/rdf+xml) an iinf box lists, by item id. */
function avifItemKinds(iinf: Uint8Array): Map<number, 'exif' | 'xmp'> {
  const kinds = new Map<number, 'exif' | 'xmp'>();
  if (iinf.length < 6) return kinds;
  for (const box of isoBoxes(iinf, iinf[0] === 0 ? 6 : 8, iinf.length)) {
    if (box.type !== 'infe') continue;
    const entry = iinf.subarray(box.start, box.end);
    const version = entry[0];
    if (version < 2 || entry.length < 12) continue;
    const id = version === 2 ? dataView(entry).getUint16(4, false) : readUInt32BE(entry, 4);
    let at = version === 2 ? 8 : 10;
    const type = ascii(entry, at, at + 4);
    at += 4;
    const name = entry.indexOf(0, at);
    const contentType = type === 'mime' && name >= 0 ? ascii(entry, name + 1, Math.max(name + 1, entry.indexOf(0, name + 1))) : '';
    if (type === 'Exif') kinds.set(id, 'exif');
    else if (contentType === 'application/rdf+xml') kinds.set(id, 'xmp');
  }
  return kinds;
}

/** Where each item's bytes are in the file, from an iloc box: its first extent, for items stored in the file itself. */
function avifItemPlaces(iloc: Uint8Array): Map<number, { offset: number; length: number }> {
  const places = new Map<number, { offset: number; length: number }>();
  if (iloc.length < 8) return places;
  const view = dataView(iloc);
  const version = iloc[0];
  const [offsetSize, lengthSize, baseSize] = [iloc[4] >> 4, iloc[4] & 15, iloc[5] >> 4];
  const indexSize = version === 1 || version === 2 ? iloc[5] & 15 : 0;
  let at = 6;
  const read = (bytes: number): number => {
    const value = bytes === 2 ? view.getUint16(at, false) : bytes === 4 ? view.getUint32(at, false) : bytes === 8 ? Number(view.getBigUint64(at, false)) : 0;
    at += bytes;
    return value;
  };
  try {
    const count = read(version < 2 ? 2 : 4);
    for (let i = 0; i < count && at < iloc.length; i++) {
      const id = read(version < 2 ? 2 : 4);
      const method = version === 1 || version === 2 ? read(2) & 15 : 0;
      read(2); // data reference index
      const base = read(baseSize);
      const extents = read(2);
      for (let e = 0; e < extents; e++) {
        read(indexSize);
        const offset = read(offsetSize);
        const length = read(lengthSize);
        // Method 0 is bytes in the file; the others (in the meta box, or from other items) are left unread.
        if (e === 0 && method === 0) places.set(id, { offset: base + offset, length });
      }
    }
  } catch {
    // A directory cut short: the items read so far are where they say.
  }
  return places;
}

// ---------------------------------------------------------------- JPEG XL

/** Enough of a JPEG XL codestream for its size header and orientation, which take at most 12 bytes after the signature. */
const JXL_HEADER_BYTES = 64;

/** The width of a JPEG XL picture by the ratio its size header names (ISO/IEC 18181-1), as numerator and denominator of the height. */
const JXL_RATIOS: readonly (readonly [number, number])[] = [[1, 1], [1, 1], [12, 10], [4, 3], [3, 2], [16, 9], [5, 4], [2, 1]];

/**
 * A JPEG XL file: a bare codestream, or a container whose boxes hold it (jxlc, or jxlp in parts) beside Exif, XMP and
 * other metadata boxes, some compressed (brob). Its orientation is the codestream's, which the decoder applies; the
 * specification has the Exif orientation ignored.
 */
function* checkJxl(source: Source): Examination<Dimensions> {
  const { head, name } = source;
  if (head[0] === 0xff && head[1] === 0x0a) {
    const dimensions = jxlShownSize(head, name);
    checkDimensions(source, dimensions);
    // A bare codestream says nowhere where it ends: a cut one is found by the decoder, and refused as unreadable.
    return dimensions;
  }
  // The codestream's first bytes, which hold its size header: jxlp boxes can cut it after a few bytes.
  let codestream = new Uint8Array(0);
  const metadata: Pick<Dimensions, 'metadata'> = {};
  for (const box of yield* topLevelBoxes(source, 'jxl')) {
    if ((box.type === 'jxlc' || box.type === 'jxlp') && codestream.length < JXL_HEADER_BYTES) {
      // A jxlp box starts with its 4-byte index.
      const start = box.start + (box.type === 'jxlp' ? 4 : 0);
      const part = yield* bytesAt(source, start, Math.max(0, Math.min(JXL_HEADER_BYTES - codestream.length, box.end - start)));
      if (!part) throw refuse.truncated(name, 'jxl');
      codestream = Buffer.concat([codestream, part]);
    } else if (['Exif', 'xml ', 'jumb', 'brob'].includes(box.type)) {
      const content = box.end - box.start <= MAX_AVIF_METADATA_BYTES ? yield* bytesAt(source, box.start, box.end - box.start) : undefined;
      readJxlMetadata(box.type, content, metadata);
    }
  }
  const dimensions = jxlShownSize(codestream, name);
  checkDimensions(source, dimensions);
  return { ...dimensions, ...metadata };
}

/** The size a JPEG XL codestream's header gives, turned by its orientation (5-8 swap the sides), as the decoder shows it. */
function jxlShownSize(codestream: Uint8Array, name: string): Dimensions {
  // Fields are bits, least significant first; past the signature FF 0A come SizeHeader, then ImageMetadata.
  let bit = 16;
  const read = (count: number): number => {
    let value = 0;
    for (let i = 0; i < count; i++, bit++) {
      if (bit >> 3 >= codestream.length) throw refuse.corrupt(name, 'jxl');
      value += ((codestream[bit >> 3] >> (bit & 7)) & 1) * 2 ** i;
    }
    return value;
  };
  const side = (small: boolean) => (small ? 8 * (1 + read(5)) : 1 + read([9, 13, 18, 30][read(2)]));
  const small = read(1) === 1;
  const height = side(small);
  const ratio = read(3);
  const width = ratio === 0 ? side(small) : Math.floor((height * JXL_RATIOS[ratio][0]) / JXL_RATIOS[ratio][1]);
  // ImageMetadata: all_default, then extra_fields, whose first field is the orientation (1 + 3 bits).
  const orientation = read(1) === 0 && read(1) === 1 ? 1 + read(3) : 1;
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

/** Adds what a JPEG XL metadata box says; a compressed one (brob) is unpacked first. Its Exif orientation is not the picture's. */
function readJxlMetadata(type: string, content: Uint8Array | undefined, facts: Pick<Dimensions, 'metadata'>): void {
  if (type === 'brob' && content && content.length > 4) {
    let unpacked: Uint8Array | undefined;
    try {
      unpacked = brotliDecompressSync(content.subarray(4), { maxOutputLength: MAX_AVIF_METADATA_BYTES });
    } catch {
      unpacked = undefined;
    }
    return readJxlMetadata(ascii(content, 0, 4), unpacked, facts);
  }
  const found: Pick<Dimensions, 'orientation' | 'metadata'> = {};
  if (content && type === 'Exif' && content.length > 4) readExif(content.subarray(4 + readUInt32BE(content, 0)), found);
  else if (content && type === 'xml ') readXmp(content, found);
  addMetadata(facts, found.metadata === 'location');
}

// ---------------------------------------------------------------- SVG

function* checkSvg(source: Source): Examination<Dimensions> {
  const { size, name } = source;
  const head = yield* bytesAt(source, 0, Math.min(size, HEAD_BYTES));
  const text = head ? drawingText(head) : '';
  // Preparing checks the whole drawing again before rendering it; here the header is enough to refuse early, in the plan.
  const hazard = drawingHazard(text);
  if (hazard) {
    throw hazard.kind === 'entities' ? refuse.svgEntities(name) : refuse.svgReference(name, hazard.reference);
  }
  const root = svgRootTag(text);
  if (!root) {
    throw refuse.corrupt(name, 'svg');
  }
  // image-size reads width, height (with their units) and viewBox from the root element's tag.
  let dimensions: Dimensions;
  try {
    const measured = imageSize(Buffer.from(root, 'utf8'));
    dimensions = { width: Math.round(measured.width), height: Math.round(measured.height) };
  } catch {
    throw refuse.svgWithoutSize(name);
  }
  if (!(dimensions.width > 0 && dimensions.height > 0)) {
    throw refuse.svgWithoutSize(name);
  }
  checkDimensions(source, dimensions);
  return dimensions;
}

// ---------------------------------------------------------------- shared

/** `length` bytes at `offset`, from the head when it holds them, else read by the driver; undefined when the file ends first. */
function* bytesAt(source: Source, offset: number, length: number): Examination<Uint8Array | undefined> {
  if (offset < 0 || length < 0 || offset + length > source.size) {
    return undefined;
  }
  if (offset + length <= source.head.length) {
    return source.head.subarray(offset, offset + length);
  }
  const bytes = yield { offset, length };
  return bytes.length < length ? undefined : bytes;
}

/** Runs image-size on a header sample; any complaint from it, or another format than expected, means a damaged header. */
function measure(sample: Uint8Array, expectedType: string, source: Source): Dimensions {
  const format = sniffedFormat(expectedType);
  let result: { width: number; height: number; type?: string };
  try {
    result = imageSize(sample);
  } catch (error) {
    throw refuse.corrupt(source.name, format, error);
  }
  if (result.type !== expectedType || !Number.isFinite(result.width) || !Number.isFinite(result.height)) {
    throw refuse.corrupt(source.name, format);
  }
  return { width: result.width, height: result.height };
}

function sniffedFormat(imageSizeType: string): SourceFormat {
  return imageSizeType === 'jpg' ? 'jpeg' : (imageSizeType as SourceFormat);
}

function checkDimensions(source: Source, { width, height }: Dimensions): void {
  if (width <= 0 || height <= 0) {
    throw refuse.zeroDimensions(source.name, width, height);
  }
  if (width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE || width * height > MAX_PICTURE_PIXELS) {
    throw refuse.absurdDimensions(source.name, width, height);
  }
}

/** Converts anything thrown (file system errors included) into a refusal the user can act on. */
function asRefusal(error: unknown, name: string): ImageRefusal {
  if (error instanceof ImageRefusal) {
    return error;
  }
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return refuse.notFound(name, error);
    case 'EACCES':
    case 'EPERM':
      return refuse.noPermission(name, error);
    case 'ELOOP':
      return refuse.linkLoop(name, error);
    case 'EISDIR':
      return refuse.folder(name);
    default:
      return refuse.unreadable(name, error);
  }
}

async function readAt(handle: FileHandle, { offset, length }: ReadRequest): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) {
      break; // the file got shorter since it was measured
    }
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(Math.max(0, start), end));
}

function readUInt32BE(bytes: Uint8Array, offset: number): number {
  return dataView(bytes).getUint32(offset, false);
}

