import * as vscode from 'vscode';

/** The images to upload many at once, and what was passed over on the way. */
export interface CollectedImages {
  readonly images: vscode.Uri[];
  /** Files that are not images by their extension. */
  readonly otherFiles: number;
  /** Folders inside a chosen folder: only one level is read. */
  readonly subfolders: number;
}

/**
 * The images of an Explorer selection (or the clicked folder or file), else of what the user picks in an
 * open dialog; a folder gives the images directly in it, by extension (their content is checked later).
 */
export async function collectImages(clicked?: vscode.Uri, selected?: readonly vscode.Uri[]): Promise<CollectedImages | undefined> {
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
  const { IMAGE_FILE_EXTENSIONS } = await import('../images');
  const isImage = (name: string) => IMAGE_FILE_EXTENSIONS.includes(name.slice(name.lastIndexOf('.') + 1).toLowerCase()) && name.includes('.');
  const images = new Map<string, vscode.Uri>();
  let otherFiles = 0;
  let subfolders = 0;
  for (const root of roots) {
    const stat = await vscode.workspace.fs.stat(root);
    if (!(stat.type & vscode.FileType.Directory)) {
      if (isImage(root.path)) images.set(root.toString(), root);
      else otherFiles++;
      continue;
    }
    const entries = await vscode.workspace.fs.readDirectory(root);
    for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      if (type & vscode.FileType.Directory) subfolders++;
      else if (isImage(name)) images.set(vscode.Uri.joinPath(root, name).toString(), vscode.Uri.joinPath(root, name));
      else otherFiles++;
    }
  }
  return { images: [...images.values()], otherFiles, subfolders };
}
