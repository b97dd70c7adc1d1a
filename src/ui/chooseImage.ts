import * as vscode from 'vscode';

const IMAGE_PREVIEW = 'imagePreview.previewEditor';

/**
 * The images a command works on: the Explorer selection when the clicked file is part of it,
 * else the clicked file, else whatever the user picks in an open dialog.
 */
export async function chooseImages(clicked?: vscode.Uri, selected?: readonly vscode.Uri[]): Promise<vscode.Uri[] | undefined> {
  // The Explorer passes the whole selection only when the clicked file belongs to it.
  if (clicked && selected && selected.length > 1 && selected.some((uri) => uri.toString() === clicked.toString())) {
    return [...selected];
  }
  if (clicked instanceof vscode.Uri) {
    return [clicked];
  }
  // The images layer loads with the first command that needs it, never at activation.
  const { IMAGE_FILE_EXTENSIONS } = await import('../images/pictureFormats');
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Choose the image to use as a customer picture'),
    openLabel: vscode.l10n.t('Use as Picture'),
    canSelectMany: false,
    defaultUri: activeImage(),
    filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
  });
  return picked && picked.length > 0 ? picked : undefined;
}

/** The image open in VS Code's image preview, if that is the active editor and a file of the user's. */
export function activeImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (!(input instanceof vscode.TabInputCustom) || input.viewType !== IMAGE_PREVIEW) return undefined;
  // A customer's picture shown from Business Central is read-only: the dialog would browse the service, not the user's files.
  return vscode.workspace.fs.isWritableFileSystem(input.uri.scheme) === false ? undefined : input.uri;
}
