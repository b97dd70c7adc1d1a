import * as vscode from 'vscode';
import { listImages, type CollectedImages } from '../local/imageFiles';

/**
 * The images of an Explorer selection (or the clicked folder or file), else of what the user picks in an
 * open dialog; a folder gives the images directly in it, by extension (their content is checked later).
 */
export async function collectImages(clicked?: vscode.Uri, selected?: readonly vscode.Uri[]): Promise<CollectedImages<vscode.Uri> | undefined> {
  let roots: readonly vscode.Uri[];
  if (clicked && selected && selected.length > 1 && selected.some((uri) => uri.toString() === clicked.toString())) roots = selected;
  else if (clicked) roots = [clicked];
  else {
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Choose a folder of pictures, or the pictures, named after customer numbers'),
      openLabel: vscode.l10n.t('Add Pictures'),
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: true,
    });
    if (!picked || picked.length === 0) return undefined;
    roots = picked;
  }
  return listImages(vscode.workspace.fs, roots, (folder, name) => vscode.Uri.joinPath(folder, name));
}
