/**
 * Bodies of one attempt: the request's, streamed in pieces of at most 1 MiB and counted as fetch takes them; the answer's, read
 * under a size bound with the clock watching for silence.
 */
import { responseTooLargeError } from './errors';
import type { AttemptClock } from './clock';

/** A request body that can be sent again: `open` is called once per attempt. */
export interface RequestBody {
  readonly length: number;
  open(): AsyncIterable<Uint8Array> | Uint8Array;
  /** Bytes handed to the socket so far in this attempt. */
  onProgress?(sent: number, total: number): void;
}

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

type Body = ReadableStream<Uint8Array> | null;

/** How long the answer's body may stay silent. */
export interface BodyReading {
  readonly clock: AttemptClock;
  readonly silenceMs: number;
}

export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a fetch body chunk by chunk; a silence longer than `silenceMs` ends the attempt. */
async function* chunksOfBody(body: Body, reading: BodyReading): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      reading.clock.awaitBytes(reading.silenceMs);
      const next = await reader.read();
      reading.clock.endPhase();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    reading.clock.endPhase();
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Reads at most `limit` bytes of a body as text, then drops the rest. */
export async function readLimited(body: Body, limit: number, reading: BodyReading): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunksOfBody(body, reading)) {
    if (size + chunk.byteLength > limit) {
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, limit - size));
      break;
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The whole body, refused as soon as it is known to be over `limit`: by its Content-Length, or while counting. */
export async function readBounded(response: Response, headers: ResponseHeaders, limit: number, correlationId: string | undefined, reading: BodyReading): Promise<Buffer> {
  const declared = Number(headerValue(headers, 'content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw responseTooLargeError(limit, response.status, correlationId);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunksOfBody(response.body, reading)) {
    size += chunk.byteLength;
    if (size > limit) {
      throw responseTooLargeError(limit, response.status, correlationId);
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/**
 * How many bytes a body has, without keeping them: its Content-Length where the bytes come as stored (no content
 * coding), the body then left unread; else counted while read, refused as soon as it is over `limit`.
 */
export async function measureBody(response: Response, headers: ResponseHeaders, limit: number, correlationId: string | undefined, reading: BodyReading): Promise<number> {
  const declared = Number(headerValue(headers, 'content-length') ?? NaN);
  const coding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  if (Number.isSafeInteger(declared) && declared >= 0 && (!coding || coding === 'identity')) {
    await response.body?.cancel().catch(() => undefined);
    return declared;
  }
  let size = 0;
  for await (const chunk of chunksOfBody(response.body, reading)) {
    size += chunk.byteLength;
    if (size > limit) throw responseTooLargeError(limit, response.status, correlationId);
  }
  return size;
}

/** Drops an answer of no interest: up to 64 KiB read (so a small one lets the connection be reused), then cancelled. */
export async function discard(body: Body, reading: BodyReading): Promise<void> {
  try {
    await readLimited(body, 64 * 1024, reading);
  } catch {
    // The connection is dropped instead of reused; nothing to report.
  }
}

const SLICE = 1024 * 1024;

/** The pieces of a body, none empty or over 1 MiB. */
async function* slices(pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of pieces) {
    for (let offset = 0; offset < chunk.byteLength; offset += SLICE) {
      yield chunk.subarray(offset, Math.min(chunk.byteLength, offset + SLICE));
    }
  }
}

/**
 * The body of one attempt as a stream fetch pulls from (high-water mark 0: a chunk is asked for only once the one before
 * was written), in chunks of at most 1 MiB, counting bytes as they are handed over; `sent.all` turns true once the
 * last chunk is handed over, from when the service may have acted on it, and `onAllHandedOver` runs then.
 */
export function countedBody(body: RequestBody, sent: { all: boolean }, onAllHandedOver: () => void): ReadableStream<Uint8Array> {
  let iterator: AsyncGenerator<Uint8Array> | undefined;
  let written = 0;
  let pending = 0;
  const allHandedOver = () => {
    if (!sent.all) {
      sent.all = true;
      onAllHandedOver();
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      start() {
        const opened = body.open();
        iterator = slices(opened instanceof Uint8Array ? [opened] : opened);
        body.onProgress?.(0, body.length);
      },
      async pull(controller) {
        // Asked for more: the chunk handed over before is written.
        if (pending > 0) {
          written += pending;
          pending = 0;
          body.onProgress?.(written, body.length);
        }
        const next = await iterator!.next();
        if (next.done) {
          allHandedOver();
          controller.close();
          return;
        }
        // Marked as the last chunk is handed over: the answer may come before fetch asks for more.
        if (written + next.value.byteLength >= body.length) allHandedOver();
        pending = next.value.byteLength;
        controller.enqueue(next.value);
      },
      async cancel() {
        await iterator?.return?.(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
