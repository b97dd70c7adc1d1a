// Picture inspection, plain Node (no vscode): inspectImageFile(path) / inspectImageBytes(bytes, name) → ImageInfo, or throw ImageRefusal with a user-facing message.
export { inspectImageFile, inspectImageBytes } from './imageInspector';
export { ImageRefusal, refuse } from './imageRefusal';
// Inspection records the hash of pictures read into memory; the upload checks bytes read again against it.
export { contentHash } from '../common/fileIdentity';
export type { RefusalCode } from './imageRefusal';
export {
  ACCEPTED_FORMATS,
  IMAGE_FILE_EXTENSIONS,
  MAX_PICTURE_BYTES,
  MAX_PICTURE_PIXELS,
  MAX_PICTURE_SIDE,
  MIME_TYPES,
  describeExtensionMismatch,
  describeImage,
  describePicture,
  formatBytes,
} from './pictureFormats';
export type { ImageInfo, PictureFormat } from './pictureFormats';
