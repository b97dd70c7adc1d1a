import * as vscode from 'vscode';
import { readPreparationSettings } from '../local/settings';
import type { PreparationOptions, PreparedPicture } from '../images/prepare';
import type { PreparationThread } from '../images/preparationThread';

/**
 * Prepares pictures before they are sent, on a thread of its own for the extension's life: created in `activate`,
 * started with the first picture that needs it (never at activation), and ended with the extension.
 */
export class Preparing implements vscode.Disposable {
  private thread: PreparationThread | undefined;

  /** The settings now (`bcPictures.maxPictureSize`, `removeMetadata`, `jpegQuality`), read at each picture. */
  options(): Omit<PreparationOptions, 'maxPixels'> {
    const section = vscode.workspace.getConfiguration('bcPictures');
    return readPreparationSettings((key) => section.get(key));
  }

  /** The picture as it is to be sent, or undefined when it goes as it is; throws an `ImageRefusal` the user can act on. */
  async prepare(bytes: Uint8Array, fileName: string, options: Omit<PreparationOptions, 'maxPixels'>, signal?: AbortSignal): Promise<PreparedPicture | undefined> {
    const [{ PreparationThread }, { DEFAULT_PREPARATION }] = await Promise.all([import('../images/preparationThread'), import('../images/prepare')]);
    // The thread's messages (a refusal) in the language VS Code shows.
    this.thread ??= new PreparationThread({ bundle: vscode.l10n.bundle });
    return this.thread.prepare(bytes, fileName, { ...DEFAULT_PREPARATION, ...options }, signal);
  }

  dispose(): void {
    this.thread?.dispose();
    this.thread = undefined;
  }
}
