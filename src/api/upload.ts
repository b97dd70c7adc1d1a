import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { contentHash, type FileIdentity, fileIdentityOf, openRegularFile, sameFile, unchangedWhileOpen } from '../common/fileIdentity';
import { fileChangedError, fileMissingError } from './errors';
import type { PictureFacts } from '../common/picture';
import type { UploadSource } from './types';

/** What the caller knows of an image file (the images layer's `ImageInfo` fits). */
export type UploadInfo = PictureFacts;

const FILE_CHUNK = 256 * 1024;

/**
 * An upload source streaming a file from disk, in 256 KiB chunks; never reads the whole file. Re-opened per attempt.
 *
 * The file must stay what was inspected: at each `open()` it must be a regular file of `byteSize` bytes, and the same
 * file (device, inode, size, modification and change time) when its identity is known; the last chunk is handed over
 * only after the open file was checked again (no byte past `byteSize`, unchanged). Otherwise the body fails with a
 * `ServiceError` ('fileChanged'; 'fileMissing' when the file is gone at open), so the request is aborted before it
 * completes and the customer keeps the old picture.
 */
export function fileUploadSource(path: string, info: UploadInfo): UploadSource {
  const name = basename(path) || path;
  // The first identity seen, kept across attempts: a change between two attempts counts too.
  let identity = info.fileIdentity;

  async function openUnchanged(): Promise<{ handle: FileHandle; seen: FileIdentity }> {
    const opened = await openAsInspected(path, info, identity);
    identity ??= opened.seen;
    return opened;
  }

  async function* read(): AsyncGenerator<Uint8Array> {
    const { handle, seen } = await openUnchanged();
    try {
      let position = 0;
      while (position < info.byteSize) {
        const chunk = Buffer.allocUnsafe(Math.min(FILE_CHUNK, info.byteSize - position));
        let filled = 0;
        while (filled < chunk.length) {
          const { bytesRead } = await handle.read(chunk, filled, chunk.length - filled, position + filled);
          if (bytesRead === 0) {
            // The file got shorter than inspected: the request must not complete.
            throw fileChangedError(name, 'during');
          }
          filled += bytesRead;
        }
        position += filled;
        if (position === info.byteSize) {
          // The last chunk: held back until the open file is known to be unchanged, so a changed file aborts the request.
          const beyond = await handle.read(Buffer.alloc(1), 0, 1, position);
          const end = fileIdentityOf(await handle.stat({ bigint: true }));
          if (beyond.bytesRead > 0 || !unchangedWhileOpen(seen, end)) {
            throw fileChangedError(name, 'during');
          }
        }
        yield chunk;
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  return {
    byteSize: info.byteSize,
    contentType: info.contentType,
    width: info.width,
    height: info.height,
    open: () => read(),
  };
}

/** The file opened, only if it is still the one inspected (and `seen` at an earlier attempt); else a 'fileChanged' or 'fileMissing' error. */
async function openAsInspected(path: string, info: UploadInfo, seen: FileIdentity | undefined): Promise<{ handle: FileHandle; seen: FileIdentity }> {
  const name = basename(path) || path;
  const opened = await openRegularFile(path).catch((error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    throw code === 'ENOENT' || code === 'ENOTDIR' ? fileMissingError(name, error) : error;
  });
  // A pipe, device or folder put in its place is refused before a byte is read.
  if (typeof opened === 'string') {
    throw fileChangedError(name, 'before');
  }
  if (opened.identity.size !== BigInt(info.byteSize) || (seen && !sameFile(seen, opened.identity))) {
    await opened.handle.close().catch(() => undefined);
    throw fileChangedError(name, 'before');
  }
  return { handle: opened.handle, seen: seen ?? opened.identity };
}

/**
 * The whole file in memory, for a picture to prepare: only if it is still the one inspected, before and after it is
 * read (the same checks as `fileUploadSource`), so what is prepared is what was inspected.
 */
export async function readInspectedFile(path: string, info: UploadInfo): Promise<Uint8Array> {
  const { handle, seen } = await openAsInspected(path, info, info.fileIdentity);
  try {
    const bytes = Buffer.allocUnsafe(info.byteSize);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) throw fileChangedError(basename(path) || path, 'before');
      filled += bytesRead;
    }
    const beyond = await handle.read(Buffer.alloc(1), 0, 1, filled);
    if (beyond.bytesRead > 0 || !unchangedWhileOpen(seen, fileIdentityOf(await handle.stat({ bigint: true })))) {
      throw fileChangedError(basename(path) || path, 'before');
    }
    return bytes;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** An upload source over bytes already in memory (tests, images from a virtual file system). */
export function bytesUploadSource(bytes: Uint8Array, info: Omit<UploadInfo, 'byteSize'>): UploadSource {
  return { byteSize: bytes.byteLength, contentType: info.contentType, width: info.width, height: info.height, open: () => bytes };
}

/** An upload source over bytes read again after inspection: refused as changed ('before') unless they hash to `contentSha256`. */
export function rereadUploadSource(name: string, bytes: Uint8Array, info: UploadInfo): UploadSource {
  if (contentHash(bytes) !== info.contentSha256) {
    throw fileChangedError(name, 'before');
  }
  return bytesUploadSource(bytes, info);
}

/** The chunks of a source, whichever form `open()` gives. */
export async function* chunksOf(source: UploadSource): AsyncGenerator<Uint8Array> {
  const opened = source.open();
  if (opened instanceof Uint8Array) {
    yield opened;
    return;
  }
  yield* opened;
}

/** Bytes of the Graph JSON body for a picture of `byteSize` bytes: prefix + base64 + suffix. */
export function graphPictureBody(source: UploadSource): { length: number; open(): AsyncIterable<Uint8Array> } {
  const prefix = Buffer.from(
    JSON.stringify({
      '@odata.type': '#microsoft.graph.picture',
      width: source.width,
      height: source.height,
      contentType: source.contentType,
    }).slice(0, -1) + ',"content":"',
    'utf8',
  );
  const suffix = Buffer.from('"}', 'utf8');
  const length = prefix.length + 4 * Math.ceil(source.byteSize / 3) + suffix.length;
  return {
    length,
    // Streams the base64 as the file is read: memory stays at one chunk, whatever the image's size.
    async *open(): AsyncGenerator<Uint8Array> {
      yield prefix;
      let carry: Buffer = Buffer.alloc(0);
      for await (const chunk of chunksOf(source)) {
        const data = carry.length ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const whole = data.length - (data.length % 3);
        if (whole > 0) {
          yield Buffer.from(data.subarray(0, whole).toString('base64'), 'ascii');
        }
        carry = Buffer.from(data.subarray(whole));
      }
      if (carry.length) {
        yield Buffer.from(carry.toString('base64'), 'ascii');
      }
      yield suffix;
    },
  };
}
