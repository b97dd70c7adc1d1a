// Why a file cannot be uploaded as a customer picture, told in words the user understands (every message goes through l10n.t()).
import * as l10n from '../common/l10n';
import { FORMAT_NAMES, MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS, MAX_PICTURE_SIDE, type SourceFormat, formatBytes } from './pictureFormats';

export type RefusalCode =
  | 'notFound'
  | 'notAFile'
  | 'unreadable'
  | 'empty'
  | 'tooLarge'
  | 'notAnImage'
  | 'unsupportedFormat'
  | 'truncated'
  /** Data after the picture's end: another file (HTML, ZIP) hidden in it, which Business Central would store too. */
  | 'trailingData'
  | 'corrupt'
  | 'zeroDimensions'
  | 'absurdDimensions'
  /** An SVG drawing that reads other files or web addresses, or declares XML entities: not rendered, for safety. */
  | 'unsafeDrawing';

/** The only error the inspection layer throws; `message` is ready to show to the user. */
export class ImageRefusal extends Error {
  override readonly name = 'ImageRefusal';

  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly fileName: string,
    /** The underlying error, for logs only: never shown to the user. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** What a refused non-picture file contains, in the user's words. */
export type ContentKind = 'pdf' | 'zip' | 'html' | 'xml' | 'text';

export const refuse = {
  notFound: (name: string, cause?: unknown) =>
    new ImageRefusal('notFound', l10n.t('The file “{0}” was not found. It may have been moved, renamed or deleted: choose the picture again.', name), name, cause),

  folder: (name: string) =>
    new ImageRefusal('notAFile', l10n.t('“{0}” is a folder, not a picture file. Choose a picture file (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG).', name), name),

  specialFile: (name: string) =>
    new ImageRefusal('notAFile', l10n.t('“{0}” is not a regular file (it is a device, pipe or socket). Choose a picture file (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG).', name), name),

  noPermission: (name: string, cause?: unknown) =>
    new ImageRefusal('unreadable', l10n.t('You do not have permission to read “{0}”. Check the file’s permissions, or copy it to a folder you can read, and try again.', name), name, cause),

  linkLoop: (name: string, cause?: unknown) =>
    new ImageRefusal('unreadable', l10n.t('“{0}” is a link that leads back to itself, so there is no picture to read. Choose the picture file itself.', name), name, cause),

  unreadable: (name: string, cause?: unknown) =>
    new ImageRefusal('unreadable', l10n.t('“{0}” could not be read. Check that the file is still there and not in use by another program, then try again.', name), name, cause),

  empty: (name: string) =>
    new ImageRefusal('empty', l10n.t('The file “{0}” is empty (0 bytes), so it contains no picture. Choose another file.', name), name),

  tooLarge: (name: string, size: number) => {
    // Just over the limit rounds to the limit ("350 MB, more than the 350 MB"): then both in bytes.
    const exact = formatBytes(size) === formatBytes(MAX_PICTURE_BYTES);
    const shown = (bytes: number) => (exact ? l10n.t('{0} bytes', bytes.toLocaleString('en-US')) : formatBytes(bytes));
    return new ImageRefusal(
      'tooLarge',
      l10n.t('“{0}” is {1}, more than the {2} Business Central accepts for a picture. Make it smaller (for example, resize it or save it as JPEG) and try again.', name, shown(size), shown(MAX_PICTURE_BYTES)),
      name,
    );
  },

  notAnImage: (name: string, kind?: ContentKind) => {
    if (kind === undefined) {
      return new ImageRefusal('notAnImage', l10n.t('“{0}” is not a picture: its content is not PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG image data. Choose a picture file and try again.', name), name);
    }
    return new ImageRefusal('notAnImage', l10n.t('“{0}” is not a picture: it contains {1}. Choose a picture file (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL or SVG) and try again.', name, contentKindName(kind)), name);
  },

  unsupportedFormat: (name: string, formatName: string) =>
    new ImageRefusal(
      'unsupportedFormat',
      l10n.t('“{0}” is a picture in {1} format, which Business Central does not take and which cannot be converted here. Open it in an image editor, save it as PNG or JPEG, and try again.', name, formatName),
      name,
    ),

  svgWithoutSize: (name: string) =>
    new ImageRefusal(
      'zeroDimensions',
      l10n.t('“{0}” is an SVG drawing without a size: its svg element has neither width and height nor a viewBox. Open it in a drawing program and give it a size, or save it as PNG, and try again.', name),
      name,
    ),

  svgReference: (name: string, reference: string) =>
    new ImageRefusal(
      'unsafeDrawing',
      l10n.t(
        '“{0}” draws on another file or web address ({1}), which is never read here, so the picture would be incomplete. Open it in a drawing program and embed what it draws on, or save it as PNG, and try again.',
        name,
        reference.length > 60 ? `${reference.slice(0, 59)}…` : reference,
      ),
      name,
    ),

  svgEntities: (name: string) =>
    new ImageRefusal(
      'unsafeDrawing',
      l10n.t('“{0}” is an SVG drawing that declares XML entities, which are never expanded here, for safety. Open it in a drawing program and save it again, or save it as PNG, and try again.', name),
      name,
    ),

  truncated: (name: string, format: SourceFormat) =>
    new ImageRefusal(
      'truncated',
      l10n.t('“{0}” looks like a picture ({1}), but the file is incomplete: it seems to have been cut off, for example by an interrupted download or copy. Get a complete copy of the picture and try again.', name, FORMAT_NAMES[format]),
      name,
    ),

  trailingData: (name: string, format: SourceFormat, extra: number) =>
    new ImageRefusal(
      'trailingData',
      l10n.t('“{0}” has {1} of other data after the end of its {2} picture (another file may be hidden in it). Open it in an image editor, save it again, and try again.', name, formatBytes(extra), FORMAT_NAMES[format]),
      name,
    ),

  corrupt: (name: string, format: SourceFormat, cause?: unknown) =>
    new ImageRefusal(
      'corrupt',
      l10n.t('“{0}” looks like a picture ({1}), but its content is damaged and cannot be read. Open it in an image editor, save it again, and try again.', name, FORMAT_NAMES[format]),
      name,
      cause,
    ),

  zeroDimensions: (name: string, width: number, height: number) =>
    new ImageRefusal('zeroDimensions', l10n.t('The picture in “{0}” is {1}×{2} pixels, so there is nothing to show. Choose another picture.', name, width, height), name),

  absurdDimensions: (name: string, width: number, height: number) =>
    new ImageRefusal(
      'absurdDimensions',
      l10n.t(
        'The picture in “{0}” is {1}×{2} pixels, more than the {3} pixels per side or {4} megapixels a customer picture can have. Resize it and try again.',
        name,
        width,
        height,
        MAX_PICTURE_SIDE,
        MAX_PICTURE_PIXELS / 1_000_000,
      ),
      name,
    ),
};

function contentKindName(kind: ContentKind): string {
  switch (kind) {
    case 'pdf':
      return l10n.t('a PDF document');
    case 'zip':
      return l10n.t('a ZIP archive (or an Office document, which is one)');
    case 'html':
      return l10n.t('a web page (HTML)');
    case 'xml':
      return l10n.t('an XML document');
    case 'text':
      return l10n.t('text');
  }
}
