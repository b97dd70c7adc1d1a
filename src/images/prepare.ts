/**
 * Prepares a picture before it is sent, in memory (the file is never changed): upright by its EXIF orientation,
 * scaled down to fit, its metadata removed with the colours converted to sRGB first, and BigTIFF, WebP, AVIF, JPEG XL
 * and SVG converted (HEIC too, its pixels decoded by libheif-js). What needs none of this is left alone, so it is sent byte for
 * byte. libvips compiled to WebAssembly (wasm-vips) does the work: one package for every platform VS Code runs on,
 * loaded on the first picture only.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as l10n from '../common/l10n';
import { sniffContent } from './contentSniffer';
import { drawingHazard, drawingText } from './drawing';
import { HeicDecoder, HeicDecodeError } from './heic';
import { inspectImageBytes } from './imageInspector';
import { ImageRefusal, refuse } from './imageRefusal';

type Vips = Awaited<ReturnType<typeof import('wasm-vips')>>;
type VipsImage = InstanceType<Vips['Image']>;

export interface PreparationOptions {
  /** The longest side in pixels; 0 keeps the size. */
  readonly maxSize: number;
  /** EXIF (with GPS), XMP, IPTC and comments removed. */
  readonly removeMetadata: boolean;
  /** JPEG quality of a converted or re-encoded photo, 1-100. */
  readonly jpegQuality: number;
  /** Past this many pixels a file is refused before it is decoded. */
  readonly maxPixels: number;
  /** Cut to a square around the centre, or around the part with the most detail ('attention'); absent: the whole picture. */
  readonly crop?: SquareCrop;
}

export type SquareCrop = 'centre' | 'attention';

export const DEFAULT_PREPARATION: PreparationOptions = { maxSize: 1024, removeMetadata: true, jpegQuality: 85, maxPixels: 100_000_000 };

/** What preparing changed, for the plan and the confirmation to say. */
export type PreparationChange = 'rotated' | 'cropped' | 'scaled' | 'metadataRemoved' | 'locationRemoved' | 'converted';

export interface PreparedPicture {
  readonly bytes: Uint8Array;
  readonly contentType: 'image/jpeg' | 'image/png';
  readonly width: number;
  readonly height: number;
  readonly changes: readonly PreparationChange[];
}

/** What the file is as libvips reads its header, and what it would take to prepare it. */
interface Examined {
  readonly loader: string;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly hasAlpha: boolean;
  readonly metadata: boolean;
  readonly location: boolean;
  /** HEVC (a HEIC photo), whose pixels libvips cannot decode here, with its colour profile. */
  readonly hevc?: { readonly profile?: Uint8Array };
}

const LOADERS: Readonly<Record<string, string>> = {
  jpegload_buffer: 'jpeg',
  pngload_buffer: 'png',
  gifload_buffer: 'gif',
  tiffload_buffer: 'tiff',
  webpload_buffer: 'webp',
  // AVIF and HEIC: libvips reads both headers, and decodes AVIF itself.
  heifload_buffer: 'avif',
  jxlload_buffer: 'jxl',
  svgload_buffer: 'svg',
  // BMP has no loader of its own in libvips: it comes through the "magick" loader, which wasm-vips does not build.
};
/** Formats Business Central takes as they are; the others are converted. */
const TAKEN_AS_IS = new Set(['jpeg', 'png', 'gif', 'tiff']);
const METADATA_FIELD = /^(exif-|xmp-data|iptc-data|jpeg-comment|png-comment)/;
const LOCATION_FIELD = /^exif-ifd3-/;
const LARGEST = 10_000_000;

/**
 * Prepares pictures with one libvips, loaded on first use, and a second one with libjxl for JPEG XL, loaded on the
 * first JPEG XL (its module costs every load some 25 ms and 8 MiB); created where it lives long (`activate`), disposed there.
 */
export class PicturePreparer {
  private vips: Promise<Vips> | undefined;
  private vipsWithJpegXl: Promise<Vips> | undefined;
  private readonly heic = new HeicDecoder();

  constructor(private readonly load: (jpegXl: boolean) => Promise<Vips> = loadVips) {}

  /**
   * The picture as it should be sent, or undefined when the file needs nothing and goes as it is. Throws an
   * ImageRefusal for a file past the pixel limit or one libvips cannot read.
   */
  async prepare(bytes: Uint8Array, fileName: string, options: PreparationOptions = DEFAULT_PREPARATION): Promise<PreparedPicture | undefined> {
    const sniffed = sniffContent(bytes.subarray(0, SNIFF_WINDOW), bytes.byteLength);
    const sniffedFormat = sniffed.kind === 'picture' ? sniffed.format : undefined;
    if (sniffedFormat === 'svg') refuseHazardousDrawing(bytes, fileName);
    // Each libvips lives as long as the preparer: a request in flight never loses the one it uses.
    const vips = await (sniffedFormat === 'jxl' ? (this.vipsWithJpegXl ??= this.load(true)) : (this.vips ??= this.load(false)));
    const examined = examine(vips, bytes, fileName);
    if (examined.width * examined.height > options.maxPixels) {
      throw new ImageRefusal(
        'absurdDimensions',
        l10n.t('“{0}” is {1}×{2} pixels, more than the {3} megapixels a picture can have here. Make it smaller in an image editor first.', fileName, examined.width, examined.height, Math.round(options.maxPixels / 1e6)),
        fileName,
      );
    }
    // A header read renders nothing yet: what libvips takes for a drawing is checked whole before it is drawn.
    if (examined.loader === 'svgload_buffer' && sniffedFormat !== 'svg') refuseHazardousDrawing(bytes, fileName);
    // libvips reads BigTIFF with its TIFF loader; Business Central takes classic TIFF only.
    const format = sniffedFormat === 'bigtiff' ? 'bigtiff' : LOADERS[examined.loader];
    const longest = Math.max(examined.width, examined.height);
    const shortest = Math.min(examined.width, examined.height);
    const crop = options.crop && examined.width !== examined.height ? options.crop : undefined;
    const changes: PreparationChange[] = [];
    if (examined.orientation > 1) changes.push('rotated');
    if (crop) changes.push('cropped');
    if (options.maxSize > 0 && (crop ? shortest : longest) > options.maxSize) changes.push('scaled');
    // A HEIC or JPEG XL is sent from its pixels alone: its EXIF would bring an orientation its decoder has applied already.
    const removeMetadata = options.removeMetadata || examined.hevc !== undefined || format === 'jxl';
    // libvips reads no chunk after a PNG's pixel data; the inspector does, so text or Exif there is removed too.
    const after = removeMetadata && format === 'png' ? pngFacts(bytes, fileName) : undefined;
    const location = examined.location || after === 'location';
    if (removeMetadata && location) changes.push('locationRemoved');
    else if (removeMetadata && (examined.metadata || after !== undefined)) changes.push('metadataRemoved');
    if (!TAKEN_AS_IS.has(format)) changes.push('converted');
    // Business Central shows a GIF's first frame; it has no orientation or EXIF, so it is sent as it is unless too big or cut square.
    if (changes.length === 0 || (format === 'gif' && !changes.includes('scaled') && !crop)) return undefined;
    // A square is as large as the shorter side allows; the whole picture fits inside the size.
    const size = crop ? Math.min(shortest, options.maxSize > 0 ? options.maxSize : LARGEST) : options.maxSize > 0 ? options.maxSize : LARGEST;
    // thumbnail turns the picture upright, scales down only, and converts to sRGB, so dropping the profile keeps the colours.
    const thumbnail = { height: size, size: 'down', output_profile: 'srgb', ...(crop ? { crop } : {}) } as const;
    const decoded = examined.hevc ? await this.decodeHeic(vips, bytes, fileName, examined.hevc.profile, options.maxPixels) : undefined;
    let image: VipsImage;
    try {
      // fail_on=error: pixel data damaged or cut after a good header is refused, never sent as a half-black picture.
      image = decoded ? decoded.thumbnailImage(size, thumbnail) : vips.Image.thumbnailBuffer(bytes, size, { ...thumbnail, option_string: '[fail_on=error]' });
    } catch (error) {
      throw asUnreadable(error, fileName);
    } finally {
      decoded?.delete();
    }
    try {
      const png = examined.hasAlpha || format === 'png' || format === 'svg';
      // libvips decodes as it encodes: pixels it cannot read after a good header fail here.
      const out = png
        ? image.writeToBuffer('.png', removeMetadata ? { keep: 0 } : {})
        : image.writeToBuffer('.jpg', { Q: Math.min(100, Math.max(1, Math.round(options.jpegQuality))), ...(removeMetadata ? { keep: 0 } : {}) });
      return { bytes: out, contentType: png ? 'image/png' : 'image/jpeg', width: image.width, height: image.height, changes };
    } catch (error) {
      throw asUnreadable(error, fileName);
    } finally {
      image.delete();
    }
  }

  /** A HEIC's pixels (upright: libheif applies its irot and imir) as a libvips image carrying the photo's colour profile. */
  private async decodeHeic(vips: Vips, bytes: Uint8Array, fileName: string, profile: Uint8Array | undefined, maxPixels: number): Promise<VipsImage> {
    let decoded;
    try {
      decoded = await this.heic.decode(bytes, maxPixels);
    } catch (error) {
      if (!(error instanceof HeicDecodeError)) throw error;
      throw unreadable(fileName);
    }
    const image = vips.Image.newFromMemory(decoded.pixels, decoded.width, decoded.height, decoded.bands, vips.BandFormat.uchar).copy({ interpretation: 'srgb' });
    // An iPhone's Display P3 profile: thumbnail converts from it to sRGB, so the colours do not shift.
    if (profile) image.setBlob('icc-profile-data', profile);
    return image;
  }

  /** Ends libvips' worker threads. */
  async dispose(): Promise<void> {
    this.heic.dispose();
    const loading = [this.vips, this.vipsWithJpegXl];
    this.vips = this.vipsWithJpegXl = undefined;
    for (const vips of loading) if (vips) (await vips.catch(() => undefined))?.shutdown();
  }
}

/** The sniffer finds a drawing in its first 8192 characters: in UTF-8 or UTF-16, well inside this many bytes. */
const SNIFF_WINDOW = 64 * 1024;

/** Inspection read a drawing's start; the whole of it is read here, before the renderer sees it. */
function refuseHazardousDrawing(bytes: Uint8Array, fileName: string): void {
  const hazard = drawingHazard(drawingText(bytes));
  if (hazard) throw hazard.kind === 'entities' ? refuse.svgEntities(fileName) : refuse.svgReference(fileName, hazard.reference);
}

function examine(vips: Vips, bytes: Uint8Array, fileName: string): Examined {
  let image: VipsImage;
  try {
    // The header only: nothing is decoded before the pixel limit is checked.
    image = vips.Image.newFromBuffer(bytes, '', { access: 'sequential' });
  } catch {
    throw unreadable(fileName);
  }
  try {
    const fields = [...(image.getFields() as unknown as Iterable<string>)];
    const loader = image.getString('vips-loader');
    if (!(loader in LOADERS)) throw new ImageRefusal('unsupportedFormat', l10n.t('“{0}” is in a format that cannot be prepared here. Save it as JPEG or PNG and try again.', fileName), fileName);
    return {
      loader,
      width: image.width,
      height: image.height,
      orientation: fields.includes('orientation') ? image.getInt('orientation') : 1,
      hasAlpha: image.hasAlpha(),
      metadata: fields.some((field) => METADATA_FIELD.test(field)),
      location: fields.some((field) => LOCATION_FIELD.test(field)),
      ...(loader === 'heifload_buffer' && fields.includes('heif-compression') && image.getString('heif-compression') === 'hevc'
        ? { hevc: { profile: fields.includes('icc-profile-data') ? new Uint8Array(image.getBlob('icc-profile-data')) : undefined } }
        : {}),
    };
  } finally {
    image.delete();
  }
}

/**
 * A libvips error while the pixels are decoded and encoded as the refusal of a damaged file: its header was read, and
 * encoding into memory fails only for want of memory, which is not a vips::Error. Anything else is rethrown as it was.
 */
function asUnreadable(error: unknown, fileName: string): unknown {
  // wasm-vips throws an Exception whose message is ['vips::Error', text].
  const thrown = (error as { message?: unknown } | undefined)?.message;
  return Array.isArray(thrown) && thrown[0] === 'vips::Error' ? unreadable(fileName, new Error(String(thrown[1]).trim())) : error;
}

/** The metadata the inspector finds in a PNG (its chunks after the pixel data included); none if it cannot read it. */
function pngFacts(bytes: Uint8Array, fileName: string): 'location' | 'other' | undefined {
  try {
    return inspectImageBytes(bytes, fileName).metadata;
  } catch {
    return undefined;
  }
}

/** A file that starts like a picture whose pixels or header cannot be read. */
function unreadable(fileName: string, cause?: unknown): ImageRefusal {
  return new ImageRefusal('corrupt', l10n.t('“{0}” cannot be read as a picture: it may be damaged. Open it in an image editor, save it again as JPEG or PNG, and try again.', fileName), fileName, cause);
}

async function loadVips(jpegXl: boolean): Promise<Vips> {
  // The shipped extension has libvips beside its bundle (dist/wasm-vips); tests and the bench load the package.
  const shipped = path.join(__dirname, 'wasm-vips', 'vips-node.js');
  type Factory = typeof import('wasm-vips');
  const Vips: Factory = existsSync(shipped) ? (require(shipped) as Factory) : (await import('wasm-vips')).default;
  // SVG through resvg, AVIF through libheif, JPEG XL through libjxl: the three extra libraries of the package.
  return Vips({ dynamicLibraries: ['vips-resvg.wasm', 'vips-heif.wasm', ...(jpegXl ? ['vips-jxl.wasm'] : [])] });
}
