import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { previewPage, type PreviewPicture } from './previewPage';

/**
 * The preview beside a picture confirmation: a webview that shows pictures as Business Central will, opened
 * without taking the focus from the confirmation and closed with it. No script, no local file: only the page's data.
 */
export class PicturePreview implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private closed = false;

  constructor(private readonly title: string) {}

  /** Shows `pictures` (opening the preview the first time); nothing once the user closed it or it was disposed. */
  show(pictures: readonly PreviewPicture[]): void {
    if (this.closed) return;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'bcPictures.picturePreview',
        this.title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableForms: false, localResourceRoots: [] },
      );
      // Closed by the user: the confirmation goes on without it.
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.closed = true;
      });
    }
    this.panel.webview.html = previewPage({
      title: this.title,
      pictures,
      nonce: randomBytes(16).toString('base64'),
      notDrawn: vscode.l10n.t('This picture cannot be drawn here.'),
      circleLabel: vscode.l10n.t('In a circle, as Business Central shows it'),
      squareLabel: vscode.l10n.t('In a square, the whole picture'),
    });
  }

  dispose(): void {
    this.closed = true;
    this.panel?.dispose();
  }
}
