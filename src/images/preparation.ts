/**
 * What preparing will do to a picture, told from what inspection read in its header, so that a picture that needs
 * nothing is streamed from disk as it is and never decoded; and how to say what was done, in the user's words.
 */
import * as l10n from '../common/l10n';
import type { PictureFacts } from '../common/picture';
import type { PreparationChange, PreparationOptions } from './prepare';
import { describePicture, formatName } from './pictureFormats';

/** What inspection tells of a picture that preparing needs (the header facts are absent where a format has none). */
export interface PreparableFacts extends PictureFacts {
  readonly format: string;
  /** The EXIF orientation, 1-8. */
  readonly orientation?: number;
  /** Metadata that preparing removes: with GPS coordinates ('location'), or without. */
  readonly metadata?: 'location' | 'other';
}

/** Formats Business Central takes as they are; the others are converted. */
const TAKEN_AS_IS = new Set(['png', 'jpeg', 'gif', 'bmp', 'tiff']);
/** libvips reads no BMP (its loader comes with ImageMagick, which wasm-vips leaves out), so a BMP goes as it is. */
const NOT_PREPARABLE = new Set(['bmp']);

/** The changes preparing is expected to make, in the order they are told; empty when the file is sent as it is. */
export function expectedChanges(info: PreparableFacts, options: Pick<PreparationOptions, 'maxSize' | 'removeMetadata' | 'crop'>): PreparationChange[] {
  if (NOT_PREPARABLE.has(info.format)) return [];
  const changes: PreparationChange[] = [];
  const cropped = options.crop !== undefined && info.width !== info.height;
  if ((info.orientation ?? 1) > 1) changes.push('rotated');
  if (cropped) changes.push('cropped');
  if (options.maxSize > 0 && (cropped ? Math.min(info.width, info.height) : Math.max(info.width, info.height)) > options.maxSize) changes.push('scaled');
  // A HEIC or JPEG XL is converted from its pixels alone, without its metadata, whatever the setting (prepare.ts says why).
  const removeMetadata = options.removeMetadata || info.format === 'heic' || info.format === 'jxl';
  if (removeMetadata && info.metadata === 'location') changes.push('locationRemoved');
  else if (removeMetadata && info.metadata === 'other') changes.push('metadataRemoved');
  if (!TAKEN_AS_IS.has(info.format)) changes.push('converted');
  // Business Central shows a GIF's first frame and a GIF has no EXIF: only one too big (or cut square) is re-encoded.
  if (info.format === 'gif' && !changes.includes('scaled') && !cropped) return [];
  return changes;
}

/** The size in pixels the picture will have: turned upright (orientations 5-8 swap the sides), cut square if asked, then fitted inside `maxSize`. */
export function expectedSize(info: PreparableFacts, options: Pick<PreparationOptions, 'maxSize' | 'crop'>): { width: number; height: number } {
  const sideways = (info.orientation ?? 1) >= 5 && (info.orientation ?? 1) <= 8;
  let width = sideways ? info.height : info.width;
  let height = sideways ? info.width : info.height;
  if (options.crop) width = height = Math.min(width, height);
  const longest = Math.max(width, height);
  if (options.maxSize <= 0 || longest <= options.maxSize) return { width, height };
  const scale = options.maxSize / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The changes as words: "rotated, scaled, location removed". */
export function describeChanges(changes: readonly PreparationChange[], from?: string): string {
  const words = changes.map((change) => {
    switch (change) {
      case 'rotated':
        return l10n.t('rotated');
      case 'cropped':
        return l10n.t('cropped to a square');
      case 'scaled':
        return l10n.t('scaled down');
      case 'locationRemoved':
        return l10n.t('location removed');
      case 'metadataRemoved':
        return l10n.t('metadata removed');
      case 'converted':
        return from ? l10n.t('converted from {0}', from) : l10n.t('converted');
    }
  });
  return words.join(l10n.t(', '));
}

/**
 * What is sent against the file, for the confirmation: "JPEG, 4032×3024, 4.1 MB → JPEG, 1024×768, 142 KB (rotated,
 * location removed)"; the file alone when it goes as it is.
 */
export function describeSending(file: PreparableFacts, sent: PictureFacts, changes: readonly PreparationChange[]): string {
  if (changes.length === 0) return describePicture(file);
  return l10n.t('{0} → {1} ({2})', describePicture(file), describePicture(sent), describeChanges(changes, formatName(file.format)));
}

/** What the plan can say before anything is prepared: "→ 1024×768: rotated, location removed"; undefined when nothing. */
export function describeExpected(info: PreparableFacts, options: Pick<PreparationOptions, 'maxSize' | 'removeMetadata'>): string | undefined {
  const changes = expectedChanges(info, options);
  if (changes.length === 0) return undefined;
  const size = expectedSize(info, options);
  return l10n.t('Sent as {0}×{1}: {2}', size.width, size.height, describeChanges(changes, formatName(info.format)));
}
