/** Pictures downloaded lately, by URI: a few only and a bounded number of bytes, since each holds a whole image. */
export const MAX_KEPT_PICTURES = 8;
export const MAX_KEPT_BYTES = 400 * 1024 * 1024;

export interface KeptPicture {
  readonly bytes: Promise<Uint8Array>;
  readonly mtime: number;
}

/** Least recently used first out; every insert evicts, and so does every download that turns out large. No `vscode`: unit tests load it. */
export class PictureCache {
  private readonly entries = new Map<string, KeptPicture & { size?: number }>();

  constructor(
    private readonly maxEntries = MAX_KEPT_PICTURES,
    private readonly maxBytes = MAX_KEPT_BYTES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  get(key: string): KeptPicture | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Read again: the most recently used now.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Keeps `bytes` (a download under way, or done) under `key`; true when it replaced an older one. */
  set(key: string, bytes: Promise<Uint8Array>, mtime = Date.now()): boolean {
    const replaced = this.entries.delete(key);
    const entry: KeptPicture & { size?: number } = { bytes, mtime };
    this.entries.set(key, entry);
    this.evict(key);
    bytes.then(
      (value) => {
        entry.size = value.byteLength;
        this.evict(key);
      },
      // A failed download is not kept: the next read tries again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return replaced;
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Drops the oldest entries but `keep` until both bounds hold (the newest picture stays even when it alone is over). */
  private evict(keep: string): void {
    const total = () => [...this.entries.values()].reduce((sum, entry) => sum + (entry.size ?? 0), 0);
    for (const key of this.keys()) {
      if (this.entries.size <= this.maxEntries && total() <= this.maxBytes) return;
      if (key !== keep) this.entries.delete(key);
    }
  }
}
