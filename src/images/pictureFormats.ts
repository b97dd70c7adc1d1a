// The picture formats Business Central media fields take, their limits, and small helpers to show them to the user.
import type { PictureFacts } from '../common/picture';
import * as l10n from '../common/l10n';
import { inert } from '../common/serviceText';

/** A picture format Business Central takes for a customer picture. */
export type PictureFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'tiff';

/** A picture format Business Central does not take, which preparing converts to JPEG or PNG before it is sent. */
export type ConvertedFormat = 'bigtiff' | 'webp' | 'avif' | 'heic' | 'jxl' | 'svg';

/** Any format a picture file may be in: taken as it is, or converted. */
export type SourceFormat = PictureFormat | ConvertedFormat;

/** What inspection found, read from the file's content (never from its name): the picture's facts, its format, name and mismatch. */
export interface ImageInfo extends PictureFacts {
  /** The file name (no folder) used in messages. */
  readonly fileName: string;
  readonly format: SourceFormat;
  /** Set when the file name's extension names another format than the content. */
  readonly extensionMismatch?: { extension: string; actual: SourceFormat };
  /** The EXIF orientation (1-8), where the header has one. */
  readonly orientation?: number;
  /** Metadata that preparing removes (EXIF, XMP, IPTC, comments): with GPS coordinates, or without. */
  readonly metadata?: 'location' | 'other';
}

export const ACCEPTED_FORMATS: readonly PictureFormat[] = ['png', 'jpeg', 'gif', 'bmp', 'tiff'];

/** The formats converted before they are sent (libvips reads them: BigTIFF and WebP natively, AVIF through libheif, JPEG XL through libjxl, SVG through resvg; HEIC's pixels come from libheif-js). */
export const CONVERTED_FORMATS: readonly ConvertedFormat[] = ['bigtiff', 'webp', 'avif', 'heic', 'jxl', 'svg'];

export const MIME_TYPES: Readonly<Record<SourceFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  bigtiff: 'image/tiff',
  webp: 'image/webp',
  avif: 'image/avif',
  heic: 'image/heic',
  jxl: 'image/jxl',
  svg: 'image/svg+xml',
};

/** File extensions (lower case, no dot) offered for picture upload: the one list for dialogs and folder scans, and the manifest's `when` clauses (a unit test compares). */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'tif', 'tiff', 'webp', 'avif', 'heic', 'heif', 'jxl', 'svg'];

/** Extensions that rightly name each format (a few rarer synonyms included, so they are not reported as mismatches). */
export const FORMAT_EXTENSIONS: Readonly<Record<SourceFormat, readonly string[]>> = {
  png: ['png'],
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  gif: ['gif'],
  bmp: ['bmp', 'dib'],
  tiff: ['tif', 'tiff'],
  bigtiff: ['tif', 'tiff', 'btf', 'tf8'],
  webp: ['webp'],
  avif: ['avif'],
  heic: ['heic', 'heif', 'hif'],
  jxl: ['jxl'],
  svg: ['svg'],
};

/** Business Central refuses media over 350 MB. */
export const MAX_PICTURE_BYTES = 350 * 1024 * 1024;

/** More than 30,000 pixels per side is not a customer picture (and is usually a damaged header). */
export const MAX_PICTURE_SIDE = 30_000;

/** 200 megapixels: beyond that, decoding the picture would need gigabytes of memory in the browser. */
export const MAX_PICTURE_PIXELS = 200_000_000;

/** Display names of formats, as users know them. */
export const FORMAT_NAMES: Readonly<Record<SourceFormat, string>> = {
  png: 'PNG',
  jpeg: 'JPEG',
  gif: 'GIF',
  bmp: 'BMP',
  tiff: 'TIFF',
  bigtiff: 'BigTIFF',
  webp: 'WebP',
  avif: 'AVIF',
  heic: 'HEIC',
  jxl: 'JPEG XL',
  svg: 'SVG',
};

/** The name users know a format by ("WebP"); undefined for a format this extension does not read. */
export function formatName(format: string): string | undefined {
  return Object.hasOwn(FORMAT_NAMES, format) ? FORMAT_NAMES[format as SourceFormat] : undefined;
}

/** Human-readable size in binary units, e.g. "512 bytes", "12.3 KB", "350 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) {
    return bytes === 1 ? l10n.t('1 byte') : l10n.t('{0} bytes', Math.max(0, Math.floor(bytes || 0)));
  }
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    unit++;
  }
  // One decimal below 100 (12.3 KB), none above (350 MB); a trailing ".0" is dropped.
  const rounded = value < 100 ? Math.round(value * 10) / 10 : Math.round(value);
  // Literal strings per unit, so the localisation export finds each of them.
  switch (unit) {
    case 0:
      return l10n.t('{0} KB', rounded);
    case 1:
      return l10n.t('{0} MB', rounded);
    case 2:
      return l10n.t('{0} GB', rounded);
    default:
      return l10n.t('{0} TB', rounded);
  }
}

/** A one-line summary to show the user, e.g. "PNG, 640×480, 12.3 KB". */
export function describeImage(info: ImageInfo): string {
  return describePicture(info);
}

/**
 * A picture in the one format the confirmations show for a file and for what Business Central has: type, size in
 * pixels, bytes ("JPEG, 160×160, 3.9 KB"). `contentType` may come from the service: an unknown one is shown inert.
 */
export function describePicture(picture: { readonly contentType: string; readonly width: number; readonly height: number; readonly byteSize?: number; readonly format?: string }): string {
  const mime = picture.contentType.split(';')[0].trim().toLowerCase();
  // A file's own format where it is known: BigTIFF and TIFF share their MIME type.
  const named = picture.format === undefined ? undefined : formatName(picture.format);
  const format = (Object.keys(MIME_TYPES) as SourceFormat[]).find((candidate) => MIME_TYPES[candidate] === mime);
  const type = named ?? (format ? FORMAT_NAMES[format] : mime ? inert(picture.contentType.trim()) : l10n.t('unknown type'));
  const bytes = picture.byteSize === undefined ? l10n.t('size unknown') : formatBytes(picture.byteSize);
  return l10n.t('{0}, {1}×{2}, {3}', type, picture.width, picture.height, bytes);
}

/** The note to show when a picture is accepted by its content although its extension says otherwise; undefined if none. */
export function describeExtensionMismatch(info: ImageInfo): string | undefined {
  if (!info.extensionMismatch) {
    return undefined;
  }
  return l10n.t(
    '“{0}” is named like a .{1} file but contains a {2} picture. It will be uploaded as {2}.',
    info.fileName,
    info.extensionMismatch.extension,
    FORMAT_NAMES[info.extensionMismatch.actual],
  );
}
