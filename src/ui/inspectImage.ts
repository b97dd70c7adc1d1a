import * as vscode from 'vscode';
import type { UploadSource } from '../api/types';
import type { PictureFacts } from '../common/picture';
import type { ImageInfo } from '../images';
import type { PreparationChange, PreparationOptions, PreparedPicture, SquareCrop } from '../images/prepare';
import { showFailure } from './failures';

/** An inspected image; for a non-`file:` image also the very bytes inspected, so those are the bytes sent. */
export interface InspectedImage {
  readonly info: ImageInfo;
  readonly bytes?: Uint8Array;
}

/**
 * Inspects the image behind a Uri by its content; a refused image is shown to the user and gives undefined.
 * `file:` images are read from disk (header only); others through VS Code's file system, once.
 */
export async function inspectImage(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<InspectedImage | undefined> {
  try {
    const inspected = await readImage(uri);
    const { info } = inspected;
    const images = await import('../images');
    log.info(`Inspected ${uri.toString(true)}: ${info.format} ${info.width}x${info.height}, ${info.byteSize} bytes`);
    const mismatch = images.describeExtensionMismatch(info);
    if (mismatch) void vscode.window.showWarningMessage(mismatch);
    return inspected;
  } catch (error) {
    showFailure(log, error);
    return undefined;
  }
}

/** What the image behind a Uri is, without its bytes (so many can be kept); throws an `ImageRefusal`. Shows nothing. */
export async function readImageInfo(uri: vscode.Uri): Promise<ImageInfo> {
  return (await readImage(uri)).info;
}

/** The image behind a Uri, inspected; throws an `ImageRefusal` saying why it cannot be a picture. Shows nothing. */
async function readImage(uri: vscode.Uri): Promise<InspectedImage> {
  // Image decoding loads with the first command that needs it, never at activation.
  const images = await import('../images');
  const name = uri.path.split('/').pop() || uri.toString(true);
  if (uri.scheme === 'file') return { info: await images.inspectImageFile(uri.fsPath) };
  const stat = await vscode.workspace.fs.stat(uri).then(undefined, (error: unknown) => {
    throw images.refuse.notFound(name, error);
  });
  if (stat.type & vscode.FileType.Directory) throw images.refuse.folder(name);
  if (stat.size > images.MAX_PICTURE_BYTES) throw images.refuse.tooLarge(name, stat.size);
  const bytes = await vscode.workspace.fs.readFile(uri);
  // The hash lets an upload that reads the file again send it only if it still holds these bytes.
  return { info: { ...images.inspectImageBytes(bytes, name), contentSha256: images.contentHash(bytes) }, bytes };
}

/**
 * The bytes to upload: streamed from disk for `file:` images (only while the file is the one inspected); for others
 * the `inspectedBytes` when kept, else read again and sent only if they hash to what was inspected.
 */
export async function uploadSourceFor(uri: vscode.Uri, info: ImageInfo, inspectedBytes?: Uint8Array): Promise<UploadSource> {
  const { fileUploadSource, bytesUploadSource, rereadUploadSource } = await import('../api');
  // What inspection found is what the upload needs: one type, handed on as it is.
  if (uri.scheme === 'file') return fileUploadSource(uri.fsPath, info);
  if (inspectedBytes) return bytesUploadSource(inspectedBytes, info);
  return rereadUploadSource(info.fileName, await vscode.workspace.fs.readFile(uri), info);
}

/** What prepares a picture (the extension's one `Preparing`), as this layer needs it. */
export interface PicturePreparing {
  options(): Omit<PreparationOptions, 'maxPixels'>;
  prepare(bytes: Uint8Array, fileName: string, options: Omit<PreparationOptions, 'maxPixels'>, signal?: AbortSignal): Promise<PreparedPicture | undefined>;
}

/** A picture as it is to be sent: its source, what it is, and what preparing changed (nothing: the file as it is). */
export interface PictureToSend {
  readonly source: UploadSource;
  readonly sent: PictureFacts;
  readonly changes: readonly PreparationChange[];
  /** SHA-256 of the bytes prepared, so that a resumed job can tell them from others; absent for a file sent as it is. */
  readonly sha256?: string;
  /** The bytes prepared (what the preview shows); absent for a file sent as it is. */
  readonly bytes?: Uint8Array;
}

export interface PictureToSendOptions {
  /** The bytes inspected, for a non-`file:` image: those are sent. */
  readonly inspectedBytes?: Uint8Array;
  readonly signal?: AbortSignal;
  /** A square cut from the picture, as the user chose beside the confirmation. */
  readonly crop?: SquareCrop;
}

/**
 * The picture to send for an inspected image: the file as it is (streamed from disk) when the header says it needs
 * nothing, else read whole (only while it is the file inspected) and prepared in memory. Throws an `ImageRefusal` or
 * the upload's 'fileChanged' error; the file itself is never changed.
 */
export async function pictureToSend(uri: vscode.Uri, info: ImageInfo, preparing: PicturePreparing, { inspectedBytes, signal, crop }: PictureToSendOptions = {}): Promise<PictureToSend> {
  const { expectedChanges } = await import('../images/preparation');
  const options = { ...preparing.options(), ...(crop ? { crop } : {}) };
  if (expectedChanges(info, options).length === 0) return { source: await uploadSourceFor(uri, info, inspectedBytes), sent: info, changes: [] };
  const { bytesUploadSource, readInspectedFile, rereadUploadSource } = await import('../api');
  const bytes =
    uri.scheme === 'file'
      ? await readInspectedFile(uri.fsPath, info)
      : (inspectedBytes ?? (await vscode.workspace.fs.readFile(uri)));
  // Bytes read again through VS Code's file system go only if they hash to what was inspected.
  const original = uri.scheme === 'file' || inspectedBytes ? bytesUploadSource(bytes, info) : rereadUploadSource(info.fileName, bytes, info);
  const prepared = await preparing.prepare(bytes, info.fileName, options, signal);
  if (!prepared) return { source: original, sent: info, changes: [] };
  const { contentHash } = await import('../images');
  const sent = { byteSize: prepared.bytes.byteLength, contentType: prepared.contentType, width: prepared.width, height: prepared.height };
  return { source: bytesUploadSource(prepared.bytes, sent), sent, changes: prepared.changes, sha256: contentHash(prepared.bytes), bytes: prepared.bytes };
}
