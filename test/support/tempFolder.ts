/** A folder of the operating system's temp space for the files one mocha suite makes, removed after it. */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** Call inside `describe`: returns the folder's path once the suite's `before` ran. */
export function tempFolder(prefix: string): () => string {
  let folder: string | undefined;
  before(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  after(async () => {
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });
  return () => {
    if (!folder) throw new Error('tempFolder: used before the suite began');
    return folder;
  };
}
