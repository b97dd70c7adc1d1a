import * as vscode from 'vscode';
import { readPreparationSettings } from '../local/settings';
import type { PicturePreparer, PreparationOptions, PreparedPicture } from '../images/prepare';

/**
 * Prepares pictures before they are sent, with one libvips for the extension's life: created in `activate`, loaded
 * with the first picture that needs it (never at activation), and ended with the extension.
 */
export class Preparing implements vscode.Disposable {
  private preparer: Promise<PicturePreparer> | undefined;

  /** The settings now (`bcPictures.maxPictureSize`, `removeMetadata`, `jpegQuality`), read at each picture. */
  options(): Omit<PreparationOptions, 'maxPixels'> {
    const section = vscode.workspace.getConfiguration('bcPictures');
    return readPreparationSettings((key) => section.get(key));
  }

  /** The picture as it is to be sent, or undefined when it goes as it is; throws an `ImageRefusal` the user can act on. */
  async prepare(bytes: Uint8Array, fileName: string, options: Omit<PreparationOptions, 'maxPixels'>, signal?: AbortSignal): Promise<PreparedPicture | undefined> {
    const { PicturePreparer, DEFAULT_PREPARATION } = await import('../images/prepare');
    this.preparer ??= Promise.resolve(new PicturePreparer());
    signal?.throwIfAborted();
    return (await this.preparer).prepare(bytes, fileName, { ...DEFAULT_PREPARATION, ...options });
  }

  dispose(): void {
    void this.preparer?.then((preparer) => preparer.dispose());
    this.preparer = undefined;
  }
}
