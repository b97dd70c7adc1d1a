/** `vscode.FileType`'s values, fixed by VS Code's API: the enum itself lives in the `vscode` module, which plain code does not load. */
export const FileType = { File: 1, Directory: 2, SymbolicLink: 64 } as const;

/** A file's address as `vscode.Uri` has it: `toString()` tells two apart, `path` ends in the file's name. */
export interface FileLocation {
  readonly path: string;
  toString(): string;
}

/** The part of `vscode.workspace.fs` read here; `type` is a sum of `FileType` flags (a link to a folder: 66). */
export interface FileLister<U> {
  stat(uri: U): PromiseLike<{ readonly type: number }>;
  readDirectory(uri: U): PromiseLike<readonly (readonly [string, number])[]>;
}

/** The images to upload many at once, and what was passed over on the way. */
export interface CollectedImages<U> {
  readonly images: U[];
  /** The names of files that are not images by their extension, in the order found. */
  readonly otherFiles: readonly string[];
  /** The names of folders inside a chosen folder: only one level is read. */
  readonly subfolders: readonly string[];
}

/**
 * The images among `roots`: a file by its extension (its content is checked later), a folder by the images directly
 * in it, in name order; each image once. `join` makes the address of an entry of a folder.
 */
export async function listImages<U extends FileLocation>(fs: FileLister<U>, roots: readonly U[], join: (folder: U, name: string) => U): Promise<CollectedImages<U>> {
  // The image layer loads with the first command that needs it, never at activation.
  const { IMAGE_FILE_EXTENSIONS } = await import('../images');
  const isImage = (name: string) => IMAGE_FILE_EXTENSIONS.includes(name.slice(name.lastIndexOf('.') + 1).toLowerCase()) && name.includes('.');
  const images = new Map<string, U>();
  const otherFiles = new Map<string, string>();
  const subfolders = new Map<string, string>();
  const nameOf = (location: U) => location.path.slice(location.path.lastIndexOf('/') + 1);
  for (const root of roots) {
    const stat = await fs.stat(root);
    if (!(stat.type & FileType.Directory)) {
      if (isImage(root.path)) images.set(root.toString(), root);
      else otherFiles.set(root.toString(), nameOf(root));
      continue;
    }
    const entries = await fs.readDirectory(root);
    for (const [name, type] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
      if (type & FileType.Directory) subfolders.set(join(root, name).toString(), name);
      else if (isImage(name)) {
        const image = join(root, name);
        images.set(image.toString(), image);
      } else otherFiles.set(join(root, name).toString(), name);
    }
  }
  return { images: [...images.values()], otherFiles: [...otherFiles.values()], subfolders: [...subfolders.values()] };
}
