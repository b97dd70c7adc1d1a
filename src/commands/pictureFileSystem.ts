import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { failureMessage } from '../ui/failures';
import { PictureCache, type KeptPicture } from './pictureCache';
import type { CommandContext } from './context';

/**
 * Customer pictures open as `bc-picture:/<environment>/<company name>/<number name>.<ext>?company=<id>&customer=<id>`:
 * the breadcrumb and the tab show names, and the ids the picture is read by travel in the query.
 */
export const PICTURE_SCHEME = 'bc-picture';

interface PictureFile {
  readonly environment: string;
  readonly fileName: string;
  readonly companyId: string;
  readonly customerId: string;
}

/** A picture, or a folder (the environment or a company: no ids, nothing to read). */
type PicturePath = PictureFile | { readonly environment: string; readonly fileName?: undefined };

/** `folder` and `fileName` are single path segments already (see images/pictureFileName). */
export function pictureUri(environment: string, folder: string, fileName: string, ids: { readonly companyId: string; readonly customerId: string }): vscode.Uri {
  const query = new URLSearchParams({ company: ids.companyId.toLowerCase(), customer: ids.customerId.toLowerCase() });
  return vscode.Uri.from({ scheme: PICTURE_SCHEME, path: `/${environment}/${folder}/${fileName}`, query: query.toString() });
}

function parse(uri: vscode.Uri): PicturePath | undefined {
  const [environment, folder, fileName, ...rest] = uri.path.split('/').slice(1);
  if (!environment || rest.length > 0 || (fileName && !folder)) return undefined;
  if (!fileName) return { environment };
  const query = new URLSearchParams(uri.query);
  const companyId = query.get('company');
  const customerId = query.get('customer');
  return companyId && customerId ? { environment, fileName, companyId, customerId } : undefined;
}

/** The pictures open in previews: what was downloaded lately, and the news that one changed. Created in `activate`. */
export class PictureFiles extends Disposable {
  readonly cache = new PictureCache();
  private readonly changes = this._register(new vscode.EventEmitter<vscode.FileChangeEvent[]>());
  readonly onDidChange = this.changes.event;

  /** The show command hands over the bytes it downloaded, so the preview does not download them again. */
  keep(uri: vscode.Uri, bytes: Uint8Array): void {
    // An open preview of an older download of the same picture reloads.
    if (this.cache.set(uri.toString(), Promise.resolve(bytes))) this.changes.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  /** After a removal (Deleted) or a new upload (Changed): open previews of the customer's picture learn of it. */
  forget(companyId: string, customerId: string, type = vscode.FileChangeType.Deleted): void {
    const events: vscode.FileChangeEvent[] = [];
    for (const key of this.cache.keys()) {
      const uri = vscode.Uri.parse(key);
      const path = parse(uri);
      if (path?.fileName && path.companyId === companyId.toLowerCase() && path.customerId === customerId.toLowerCase()) {
        this.cache.delete(key);
        events.push({ type, uri });
      }
    }
    if (events.length) this.changes.fire(events);
  }
}

/** Read-only: a customer picture is changed with the add and remove commands, never by saving a file. */
class PictureFileSystem implements vscode.FileSystemProvider {
  readonly onDidChangeFile: vscode.Event<vscode.FileChangeEvent[]>;

  constructor(private readonly services: CommandContext) {
    this.onDidChangeFile = services.pictures.onDidChange;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const path = this.pathOf(uri);
    if (!path.fileName) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    const entry = this.entry(uri, path);
    const bytes = await entry.bytes;
    return { type: vscode.FileType.File, ctime: entry.mtime, mtime: entry.mtime, size: bytes.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const path = this.pathOf(uri);
    if (!path.fileName) throw vscode.FileSystemError.FileIsADirectory(uri);
    return this.entry(uri, path).bytes;
  }

  createDirectory(): never {
    throw this.readOnly();
  }

  writeFile(): never {
    throw this.readOnly();
  }

  delete(): never {
    throw this.readOnly();
  }

  rename(): never {
    throw this.readOnly();
  }

  private pathOf(uri: vscode.Uri): PicturePath {
    const path = parse(uri);
    if (!path) throw vscode.FileSystemError.FileNotFound(uri);
    return path;
  }

  /** The kept download, or a new one through the connection (a preview reopened after a reload). */
  private entry(uri: vscode.Uri, path: PictureFile): KeptPicture {
    const cache = this.services.pictures.cache;
    const key = uri.toString();
    const known = cache.get(key);
    if (known) return known;
    // Kept through the cache, which evicts on every insert: previews reopened one after another never pile up.
    cache.set(key, this.download(path));
    return cache.get(key)!;
  }

  private async download(path: PictureFile): Promise<Uint8Array> {
    let bytes: Uint8Array | undefined;
    try {
      const connection = await this.services.connections.get({ environment: path.environment });
      bytes = await connection.service.downloadPicture(path.companyId, path.customerId);
    } catch (error) {
      this.services.log.error(error instanceof Error ? error : String(error));
      throw vscode.FileSystemError.Unavailable(failureMessage(error));
    }
    if (!bytes) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('This customer has no picture in Business Central any more.'));
    return bytes;
  }

  private readOnly(): vscode.FileSystemError {
    return vscode.FileSystemError.NoPermissions(vscode.l10n.t('Customer pictures open read-only. To change one, use "Add as Customer Picture…" or "Remove Customer Picture…".'));
  }
}

/** Registration only: nothing is downloaded until a picture is read. */
export function registerPictureFileSystem(services: CommandContext): vscode.Disposable {
  return vscode.workspace.registerFileSystemProvider(PICTURE_SCHEME, new PictureFileSystem(services), { isReadonly: true, isCaseSensitive: true });
}
