import { createReadStream } from 'node:fs';
import type { UploadSource } from './types';

/** What the caller knows of an image file (the images layer's `ImageInfo` fits). */
export interface UploadInfo {
  readonly byteSize: number;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
}

/** An upload source streaming a file from disk, in 64 KiB chunks; never reads the whole file. Re-opened per attempt. */
export function fileUploadSource(path: string, info: UploadInfo): UploadSource {
  return {
    byteSize: info.byteSize,
    contentType: info.contentType,
    width: info.width,
    height: info.height,
    open(): AsyncIterable<Uint8Array> {
      return createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Uint8Array>;
    },
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
