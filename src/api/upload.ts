import { open as openFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileChangedError, fileMissingError } from './errors';
import type { UploadSource } from './types';

/** What the caller knows of an image file (the images layer's `ImageInfo` fits). */
export interface UploadInfo {
  readonly byteSize: number;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
  /** The file's modification time (`mtimeMs`) when it was inspected, if known: a later one means it changed since. */
  readonly modifiedMs?: number;
}

const FILE_CHUNK = 256 * 1024;

/**
 * An upload source streaming a file from disk, in 256 KiB chunks; never reads the whole file. Re-opened per attempt.
 *
 * The file must stay what was inspected: at each `open()` its size (and modification time, when known) must match,
 * and the last chunk is handed over only after the open file was checked again (size, modification time, no byte
 * past `byteSize`). Otherwise the body fails with a `ServiceError` ('fileChanged'; 'fileMissing' when the file is
 * gone at open), so the request is aborted before it completes and the customer keeps the old picture.
 */
export function fileUploadSource(path: string, info: UploadInfo): UploadSource {
  const name = basename(path) || path;
  // The first modification time seen, kept across attempts: a change between two attempts counts too.
  let modifiedMs = info.modifiedMs;

  async function* read(): AsyncGenerator<Uint8Array> {
    let handle: FileHandle;
    try {
      handle = await openFile(path, 'r');
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw fileMissingError(name, error);
      }
      throw error;
    }
    try {
      const start = await handle.stat();
      if (!start.isFile() || start.size !== info.byteSize || (modifiedMs !== undefined && start.mtimeMs !== modifiedMs)) {
        throw fileChangedError(name, 'before');
      }
      modifiedMs ??= start.mtimeMs;
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
          const end = await handle.stat();
          if (beyond.bytesRead > 0 || end.size !== info.byteSize || end.mtimeMs !== modifiedMs) {
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

/** An upload source over bytes already in memory (tests, images from a virtual file system). */
export function bytesUploadSource(bytes: Uint8Array, info: Omit<UploadInfo, 'byteSize'>): UploadSource {
  return { byteSize: bytes.byteLength, contentType: info.contentType, width: info.width, height: info.height, open: () => bytes };
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
