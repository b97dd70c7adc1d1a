import * as assert from 'node:assert/strict';
import { FileType, listImages, type FileLister, type FileLocation } from '../../../src/local/imageFiles';

/** An address as `vscode.Uri` gives it: a path, and a string that tells two apart. */
class Location implements FileLocation {
  constructor(readonly path: string) {}
  toString(): string {
    return `file://${this.path}`;
  }
}

/** A file system of `type`s by path; a folder's entries are the paths directly under it, listed in the order given. */
function fileSystem(types: Record<string, number>): FileLister<Location> & { readonly read: string[] } {
  const read: string[] = [];
  return {
    read,
    async stat(uri) {
      const type = types[uri.path];
      if (type === undefined) throw new Error(`no such file: ${uri.path}`);
      return { type };
    },
    async readDirectory(uri) {
      read.push(uri.path);
      return Object.entries(types)
        .filter(([path]) => path.startsWith(uri.path + '/') && !path.slice(uri.path.length + 1).includes('/'))
        .map(([path, type]) => [path.slice(uri.path.length + 1), type] as const);
    },
  };
}

const join = (folder: Location, name: string) => new Location(`${folder.path}/${name}`);
const paths = (images: readonly Location[]) => images.map((image) => image.path);

describe('the images of a folder or a selection', () => {
  it('lists the images directly in a folder by extension, in name order, and names the other files and subfolders', async () => {
    const fs = fileSystem({
      '/pics': FileType.Directory,
      '/pics/20000.JPG': FileType.File,
      '/pics/10000.png': FileType.File,
      '/pics/notes.txt': FileType.File,
      '/pics/png': FileType.File,
      '/pics/30000.tiff': FileType.File | FileType.SymbolicLink,
      '/pics/old': FileType.Directory,
      '/pics/old/40000.png': FileType.File,
      '/pics/linked': FileType.Directory | FileType.SymbolicLink,
      '/pics/x.png': FileType.Directory,
    });
    const collected = await listImages(fs, [new Location('/pics')], join);
    assert.deepEqual(paths(collected.images), ['/pics/10000.png', '/pics/20000.JPG', '/pics/30000.tiff']);
    assert.deepEqual(collected.otherFiles, ['notes.txt', 'png'], 'a file named png has no extension');
    assert.deepEqual(collected.subfolders, ['linked', 'old', 'x.png'], 'a link to a folder, and a folder named like a picture');
    assert.deepEqual(fs.read, ['/pics'], 'one level only');
  });

  it('takes chosen files as they are, by extension, and each image once however often it was chosen', async () => {
    const fs = fileSystem({
      '/a': FileType.Directory,
      '/a/10000.gif': FileType.File,
      '/b.bmp': FileType.File,
      '/c.pdf': FileType.File,
      '/a.png/readme': FileType.File,
    });
    const collected = await listImages(fs, [new Location('/b.bmp'), new Location('/a'), new Location('/c.pdf'), new Location('/a/10000.gif'), new Location('/b.bmp'), new Location('/c.pdf')], join);
    assert.deepEqual(paths(collected.images), ['/b.bmp', '/a/10000.gif']);
    assert.deepEqual(collected.otherFiles, ['c.pdf'], 'named once, as the folder scan names its files');
    assert.deepEqual(collected.subfolders, []);
  });

  it('finds nothing in an empty folder', async () => {
    assert.deepEqual(await listImages(fileSystem({ '/empty': FileType.Directory }), [new Location('/empty')], join), { images: [], otherFiles: [], subfolders: [] });
  });

  it('fails as the file system does for a chosen file that is gone', async () => {
    await assert.rejects(listImages(fileSystem({}), [new Location('/gone.png')], join), /no such file: \/gone\.png/);
  });
});
