import * as vscode from 'vscode';
import type { UploadSource } from '../api/types';
import type { ImageInfo } from '../images';
import { showFailure } from './failures';

/**
 * Inspects the image behind a Uri by its content; a refused image is shown to the user and gives undefined.
 * `file:` images are read from disk (header only); others through VS Code's file system.
 */
export async function inspectImage(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<ImageInfo | undefined> {
  try {
    const info = await readImageInfo(uri);
    const images = await import('../images');
    log.info(`Inspected ${uri.toString(true)}: ${info.format} ${info.width}x${info.height}, ${info.byteSize} bytes`);
    const mismatch = images.describeExtensionMismatch(info);
    if (mismatch) void vscode.window.showWarningMessage(mismatch);
    return info;
  } catch (error) {
    showFailure(log, error);
    return undefined;
  }
}

/** What the image behind a Uri is; throws an `ImageRefusal` saying why it cannot be a picture. Shows nothing. */
export async function readImageInfo(uri: vscode.Uri): Promise<ImageInfo> {
  // Image decoding loads with the first command that needs it, never at activation.
  const images = await import('../images');
  const name = uri.path.split('/').pop() || uri.toString(true);
  if (uri.scheme === 'file') return images.inspectImageFile(uri.fsPath);
  const stat = await vscode.workspace.fs.stat(uri).then(undefined, (error: unknown) => {
    throw images.refuse.notFound(name, error);
  });
  if (stat.type & vscode.FileType.Directory) throw images.refuse.folder(name);
  if (stat.size > images.MAX_PICTURE_BYTES) throw images.refuse.tooLarge(name, stat.size);
  return images.inspectImageBytes(await vscode.workspace.fs.readFile(uri), name);
}

/** The bytes to upload: streamed from disk for `file:` images, read through VS Code's file system otherwise. */
export async function uploadSourceFor(uri: vscode.Uri, info: ImageInfo): Promise<UploadSource> {
  const { fileUploadSource, bytesUploadSource } = await import('../api');
  const picture = { byteSize: info.byteSize, contentType: info.mimeType, width: info.width, height: info.height, modifiedMs: info.modifiedMs };
  if (uri.scheme === 'file') return fileUploadSource(uri.fsPath, picture);
  return bytesUploadSource(await vscode.workspace.fs.readFile(uri), picture);
}
