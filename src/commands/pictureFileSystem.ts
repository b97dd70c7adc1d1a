import * as vscode from 'vscode';
import { failureMessage } from '../ui/failures';
import { connect } from './connection';
import type { CommandContext } from '.';

/** Customer pictures open as `bc-picture:/<environment>/<company id>/<customer id>/<number name>.<ext>`. */
export const PICTURE_SCHEME = 'bc-picture';

/** Pictures downloaded lately, by URI; a few only, since each holds a whole image. */
const MAX_KEPT = 8;
const kept = new Map<string, { readonly bytes: Promise<Uint8Array>; readonly mtime: number }>();
const changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();

interface PicturePath {
  readonly environment: string;
  readonly companyId: string;
  readonly customerId: string;
  readonly fileName?: string;
}

export function pictureUri(environment: string, companyId: string, customerId: string, fileName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PICTURE_SCHEME, path: `/${environment}/${companyId.toLowerCase()}/${customerId.toLowerCase()}/${fileName}` });
}

function parse(uri: vscode.Uri): PicturePath | undefined {
  const [environment, companyId, customerId, fileName, ...rest] = uri.path.split('/').slice(1);
  if (!environment || !companyId || !customerId || rest.length > 0) return undefined;
  return { environment, companyId, customerId, fileName: fileName || undefined };
}

/** The show command hands over the bytes it downloaded, so the preview does not download them again. */
export function keepPicture(uri: vscode.Uri, bytes: Uint8Array): void {
  const key = uri.toString();
  const replaced = kept.delete(key);
  kept.set(key, { bytes: Promise.resolve(bytes), mtime: Date.now() });
  while (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
  // An open preview of an older download of the same picture reloads.
  if (replaced) changes.fire([{ type: vscode.FileChangeType.Changed, uri }]);
}

/** After a removal (Deleted) or a new upload (Changed): open previews of the customer's picture learn of it. */
export function forgetPictures(companyId: string, customerId: string, type = vscode.FileChangeType.Deleted): void {
  const events: vscode.FileChangeEvent[] = [];
  for (const key of [...kept.keys()]) {
    const uri = vscode.Uri.parse(key);
    const path = parse(uri);
    if (path?.companyId === companyId.toLowerCase() && path.customerId === customerId.toLowerCase()) {
      kept.delete(key);
      events.push({ type, uri });
    }
  }
  if (events.length) changes.fire(events);
}

/** Read-only: a customer picture is changed with the add and remove commands, never by saving a file. */
class PictureFileSystem implements vscode.FileSystemProvider {
  readonly onDidChangeFile = changes.event;

  constructor(private readonly services: CommandContext) {}

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
  private entry(uri: vscode.Uri, path: PicturePath): { readonly bytes: Promise<Uint8Array>; readonly mtime: number } {
    const key = uri.toString();
    const known = kept.get(key);
    if (known) return known;
    const entry = { bytes: this.download(path), mtime: Date.now() };
    kept.set(key, entry);
    entry.bytes.catch(() => kept.delete(key));
    return entry;
  }

  private async download(path: PicturePath): Promise<Uint8Array> {
    let bytes: Uint8Array | undefined;
    try {
      const connection = await connect(this.services, { environment: path.environment });
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
