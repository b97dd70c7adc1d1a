// "The file sent is the file inspected": plain Node, shared by inspection (src/images) and upload (src/api).
import { createHash } from 'node:crypto';
import { constants, type BigIntStats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/** A file as seen through an open handle; bigints, so no inode or nanosecond is rounded away. */
export interface FileIdentity {
  /** A rename over the file gives another device or inode. */
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  /** `cp -p` and `touch -r` copy the modification time; the change time cannot be set. */
  readonly ctimeNs: bigint;
  /** Every change of the link count changes ctime too; kept to tell a lost name from a rewrite while open. */
  readonly nlink: bigint;
}

export function fileIdentityOf(stats: BigIntStats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, nlink: stats.nlink };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.nlink === b.nlink;
}

/** Unchanged while open, where only losing a name (deleted, or saved over by a rename) may move ctime: this handle still reads the same bytes. */
export function unchangedWhileOpen(seen: FileIdentity, now: FileIdentity): boolean {
  return sameFile(seen, now.nlink < seen.nlink ? { ...now, ctimeNs: seen.ctimeNs, nlink: seen.nlink } : now);
}

/** A regular file open for reading, and its identity taken from the handle (what is read), not from the path. */
export interface OpenedFile {
  readonly handle: FileHandle;
  readonly identity: FileIdentity;
}

// Non-blocking: a FIFO put in place of the file opens at once instead of holding a libuv thread forever (Windows has no such flag).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Opens a regular file (links to one are followed) for reading; 'folder' or 'special' (pipe, device, socket) otherwise. */
export async function openRegularFile(path: string): Promise<OpenedFile | 'folder' | 'special'> {
  // The path first, so a device is not even opened; the handle's fstat below is what decides.
  const seen = await stat(path);
  if (!seen.isFile()) return seen.isDirectory() ? 'folder' : 'special';
  const handle = await open(path, OPEN_FLAGS);
  let stats: BigIntStats;
  try {
    stats = await handle.stat({ bigint: true });
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  if (stats.isFile()) return { handle, identity: fileIdentityOf(stats) };
  await handle.close().catch(() => undefined);
  return stats.isDirectory() ? 'folder' : 'special';
}

/** SHA-256 of bytes as hex: what bytes read again must hash to, to be the bytes inspected. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
