import * as vscode from 'vscode';
import type { UploadSource } from '../api/types';
import type { ImageInfo } from '../images';
import { showFailure } from './failures';

/**
 * Inspects the image behind a Uri by its content; a refused image is shown to the user and gives undefined.
 * `file:` images are read from disk (header only); others through VS Code's file system.
 */
export async function inspectImage(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<ImageInfo | undefined> {
  // Image decoding loads with the first command that needs it, never at activation.
  const images = await import('../images');
  const name = uri.path.split('/').pop() || uri.toString(true);
  try {
    let info: ImageInfo;
    if (uri.scheme === 'file') {
      info = await images.inspectImageFile(uri.fsPath);
    } else {
      const stat = await vscode.workspace.fs.stat(uri).then(undefined, (error: unknown) => {
        throw images.refuse.notFound(name, error);
      });
      if (stat.type & vscode.FileType.Directory) throw images.refuse.folder(name);
      if (stat.size > images.MAX_PICTURE_BYTES) throw images.refuse.tooLarge(name, stat.size);
      info = images.inspectImageBytes(await vscode.workspace.fs.readFile(uri), name);
    }
    log.info(`Inspected ${uri.toString(true)}: ${info.format} ${info.width}x${info.height}, ${info.byteSize} bytes`);
    const mismatch = images.describeExtensionMismatch(info);
    if (mismatch) void vscode.window.showWarningMessage(mismatch);
    return info;
  } catch (error) {
    showFailure(log, error);
    return undefined;
  }
}

/** The bytes to upload: streamed from disk for `file:` images, read through VS Code's file system otherwise. */
export async function uploadSourceFor(uri: vscode.Uri, info: ImageInfo): Promise<UploadSource> {
  const { fileUploadSource, bytesUploadSource } = await import('../api');
  const picture = { byteSize: info.byteSize, contentType: info.mimeType, width: info.width, height: info.height };
  if (uri.scheme === 'file') return fileUploadSource(uri.fsPath, picture);
  return bytesUploadSource(await vscode.workspace.fs.readFile(uri), picture);
}
