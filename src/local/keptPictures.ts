import { createHash, randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import * as path from 'node:path';
import * as l10n from '../common/l10n';
import type { Log } from '../common/log';

/** The few file operations the store uses; node's `fs/promises` is one (tests wrap it to make writes fail). */
export type KeptPictureFiles = Pick<typeof nodeFs, 'readFile' | 'writeFile' | 'rename' | 'rm' | 'mkdir'>;

/** Whose picture it was: ids to find it again, names to show it by. */
export interface KeptPictureOwner {
  /** The service, tenant and environment (`settingsScope`). */
  readonly scope: string;
  readonly companyId: string;
  readonly companyName: string;
  readonly customerId: string;
  readonly customerNumber: string;
  readonly customerName: string;
}

/** What the picture was, as the service said: type and pixels. */
export interface KeptPictureFacts {
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
}

/** One picture kept before it was replaced or removed. */
export interface KeptPicture extends KeptPictureOwner, KeptPictureFacts {
  readonly id: string;
  /** When it was kept (ISO 8601). */
  readonly keptAt: string;
  readonly byteSize: number;
  /** SHA-256 of the bytes: what is read back must be the picture, never part of one. */
  readonly sha256: string;
  /** The file's name in the store's folder. */
  readonly file: string;
}

/** A picture could not be kept (storage full or unwritable, too large) or read back; the message is for the user. */
export class KeptPictureError extends Error {
  override readonly name = 'KeptPictureError';
}

interface Index {
  readonly version: 1;
  readonly pictures: readonly KeptPicture[];
}

export const INDEX_FILE = 'index.json';
const MEGABYTE = 1024 * 1024;
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/bmp': 'bmp', 'image/tiff': 'tif' };

/**
 * Customer pictures kept on this machine before they were replaced or removed, in a folder of the extension's global
 * storage: one file a picture and a small JSON index beside them, each written to a temporary file and renamed into
 * place. Over the budget the oldest go first. The index is read again for every change (another window may have kept
 * one meanwhile); changes in this window run one at a time. Created in `activate`; nothing is read before first use.
 */
export class KeptPictures {
  private queue: Promise<unknown> = Promise.resolve();
  /** Pictures written, waiting for the index to name them. */
  private readonly unlisted: { readonly entry: KeptPicture; readonly resolve: (entry: KeptPicture) => void; readonly reject: (error: unknown) => void }[] = [];
  private listing: Promise<void> | undefined;
  private disposed = false;
  private readonly files: KeptPictureFiles;
  private readonly now: () => Date;

  constructor(
    /** The folder, or how to find it: asked only when first used, so that activation touches nothing. */
    private readonly where: string | (() => string),
    private readonly options: {
      readonly log: Pick<Log, 'info' | 'warn'>;
      /** The budget in bytes, read at each keep (a setting the user may change meanwhile). */
      readonly budgetBytes: () => number;
      readonly files?: KeptPictureFiles;
      readonly now?: () => Date;
    },
  ) {
    this.files = options.files ?? nodeFs;
    this.now = options.now ?? (() => new Date());
  }

  private get folder(): string {
    return typeof this.where === 'string' ? this.where : this.where();
  }

  /** Keeps `bytes` as the picture of `owner`, then prunes the oldest over the budget. Throws a KeptPictureError. */
  async keep(owner: KeptPictureOwner, facts: KeptPictureFacts, bytes: Uint8Array): Promise<KeptPicture> {
    if (this.disposed) throw new KeptPictureError(l10n.t('the extension is shutting down'));
    const budget = this.options.budgetBytes();
    if (bytes.byteLength > budget) {
      throw new KeptPictureError(
        l10n.t('it is {0} MB, more than the {1} MB set aside for kept pictures (bcPictures.keptPicturesBudget)', megabytes(bytes.byteLength), megabytes(budget)),
      );
    }
    const id = randomUUID();
    const file = `${id}.${EXTENSIONS[facts.contentType.split(';')[0].trim().toLowerCase()] ?? 'bin'}`;
    const entry: KeptPicture = {
      ...owner,
      contentType: facts.contentType,
      width: facts.width,
      height: facts.height,
      id,
      keptAt: this.now().toISOString(),
      byteSize: bytes.byteLength,
      sha256: sha256(bytes),
      file,
    };
    // The picture's own file first, side by side with other keeps: the index names only pictures written whole.
    try {
      await this.files.mkdir(this.folder, { recursive: true });
      await this.writeAtomically(file, bytes);
    } catch (error) {
      throw new KeptPictureError(storageProblem(error));
    }
    return new Promise<KeptPicture>((resolve, reject) => {
      this.unlisted.push({ entry, resolve, reject });
      this.listUnlisted();
    });
  }

  /**
   * Adds the pictures written meanwhile to the index in one write (many uploads keep at once), then prunes the oldest
   * over the budget. A picture of this write that does not fit with the newer ones is refused, never dropped unsaid.
   */
  private listUnlisted(): void {
    if (this.listing) return;
    this.listing = this.exclusive(async () => {
      const batch = this.unlisted.splice(0);
      const budget = this.options.budgetBytes();
      try {
        const kept = [...batch.map((waiting) => waiting.entry), ...(await this.readIndex())].sort((a, b) => b.keptAt.localeCompare(a.keptAt));
        // Newest first: the oldest go from the end until the rest fits (the newest fits on its own).
        const staying = [...kept];
        let total = staying.reduce((sum, picture) => sum + picture.byteSize, 0);
        while (total > budget && staying.length > 1) total -= staying.pop()!.byteSize;
        await this.writeIndex(staying);
        for (const picture of kept.filter((picture) => !staying.includes(picture))) {
          this.options.log.info(`Kept pictures over the budget: removed the oldest, of ${picture.customerNumber} from ${picture.keptAt}.`);
          await this.remove(picture.file);
        }
        for (const { entry, resolve, reject } of batch) {
          if (staying.includes(entry)) resolve(entry);
          else reject(new KeptPictureError(l10n.t('the pictures kept at the same time need more than the {0} MB set aside for kept pictures (bcPictures.keptPicturesBudget)', megabytes(budget))));
        }
      } catch (error) {
        for (const { entry, reject } of batch) {
          await this.remove(entry.file);
          reject(new KeptPictureError(storageProblem(error)));
        }
      }
    });
    void this.listing.finally(() => {
      this.listing = undefined;
      if (this.unlisted.length > 0) this.listUnlisted();
    });
  }

  /** The kept pictures of one customer, newest first. */
  list(scope: string, companyId: string, customerId: string): Promise<KeptPicture[]> {
    return this.exclusive(async () =>
      (await this.readIndex()).filter((p) => p.scope === scope && sameId(p.companyId, companyId) && sameId(p.customerId, customerId)),
    );
  }

  /** The kept picture with this id, if it is still kept. */
  find(id: string): Promise<KeptPicture | undefined> {
    return this.exclusive(async () => (await this.readIndex()).find((p) => p.id === id));
  }

  /** The bytes of a kept picture, exactly as kept; a KeptPictureError when it is gone or damaged. */
  async read(picture: KeptPicture): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await this.files.readFile(path.join(this.folder, picture.file)));
    } catch (error) {
      throw new KeptPictureError(l10n.t('the kept picture could not be read: {0}', storageProblem(error)));
    }
    if (bytes.byteLength !== picture.byteSize || sha256(bytes) !== picture.sha256) {
      throw new KeptPictureError(l10n.t('the kept picture is damaged: its file is not what was kept'));
    }
    return bytes;
  }

  /** Changes already started finish; new ones are refused. */
  dispose(): void {
    this.disposed = true;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new KeptPictureError(l10n.t('the extension is shutting down')));
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Newest first. A missing index is an empty store; an unreadable one is set aside, said so in the log, and the store starts empty. */
  private async readIndex(): Promise<KeptPicture[]> {
    const at = path.join(this.folder, INDEX_FILE);
    let text: string;
    try {
      text = (await this.files.readFile(at)).toString();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new KeptPictureError(storageProblem(error));
    }
    try {
      const index = JSON.parse(text) as Partial<Index>;
      if (index.version !== 1 || !Array.isArray(index.pictures)) throw new Error('not an index of version 1');
      const pictures = index.pictures.filter(isKeptPicture);
      if (pictures.length < index.pictures.length) this.options.log.warn(`The index of kept pictures had ${index.pictures.length - pictures.length} unreadable entries; they were left out.`);
      return pictures.sort((a, b) => b.keptAt.localeCompare(a.keptAt));
    } catch (error) {
      const aside = `index.unreadable-${this.now().toISOString().replace(/[:.]/g, '-')}.json`;
      await this.files.rename(at, path.join(this.folder, aside)).catch(() => undefined);
      this.options.log.warn(`The index of kept pictures could not be read (${error instanceof Error ? error.message : String(error)}); it was set aside as ${aside} and the kept pictures start empty.`);
      return [];
    }
  }

  private writeIndex(pictures: readonly KeptPicture[]): Promise<void> {
    const index: Index = { version: 1, pictures };
    return this.writeAtomically(INDEX_FILE, new TextEncoder().encode(JSON.stringify(index)));
  }

  /** A file is the old one or the new one, never half of one: written beside it, then renamed over it. */
  private async writeAtomically(name: string, bytes: Uint8Array): Promise<void> {
    const temporary = path.join(this.folder, `.${name}.${randomUUID()}.tmp`);
    try {
      await this.files.writeFile(temporary, bytes, { flush: true });
      await this.files.rename(temporary, path.join(this.folder, name));
    } catch (error) {
      await this.files.rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  private async remove(file: string): Promise<void> {
    await this.files.rm(path.join(this.folder, file), { force: true }).catch((error: unknown) => this.options.log.warn(`Could not remove the kept picture ${file}: ${String(error)}`));
  }
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function megabytes(bytes: number): string {
  return (Math.ceil((bytes / MEGABYTE) * 10) / 10).toString();
}

function isKeptPicture(value: unknown): value is KeptPicture {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  const strings = ['scope', 'companyId', 'companyName', 'customerId', 'customerNumber', 'customerName', 'contentType', 'id', 'keptAt', 'sha256', 'file'];
  return (
    strings.every((key) => typeof p[key] === 'string') &&
    ['width', 'height', 'byteSize'].every((key) => typeof p[key] === 'number' && Number.isFinite(p[key])) &&
    // Only a name in the store's own folder.
    /^[0-9a-f-]+\.[a-z]+$/.test(p.file as string)
  );
}

/** A file-system failure in the user's words. */
function storageProblem(error: unknown): string {
  if (error instanceof KeptPictureError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return l10n.t("the disk of VS Code's storage for the extension is full");
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return l10n.t("VS Code's storage for the extension cannot be written to");
  return l10n.t("VS Code's storage for the extension failed: {0}", error instanceof Error ? error.message : String(error));
}
