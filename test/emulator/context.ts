/** One request in flight: what the handlers see and how they answer. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiKind, errorBody, type ServiceError } from './errors';
import type { ResponseFault } from './faults';

export interface RecordedRequest {
  /** Sequence number (1-based) within the emulator's life. */
  seq: number;
  method: string;
  /** Path and query exactly as received. */
  url: string;
  path: string;
  query: Record<string, string>;
  /** Request headers, lower-case names; Authorization reduced to its scheme ("Bearer <redacted>"). */
  headers: Record<string, string>;
  api: ApiKind;
  /** The authenticated user, if any. */
  user?: string;
  /** Bytes of request body received. */
  bodySize: number;
  /** sha256 (hex) of the request body received. */
  bodySha256: string;
  /** Status answered; 0 when no answer was sent (reset, hang, client gone). */
  status: number;
  /** Error code answered, if any. */
  errorCode?: string;
  /** Kind of the fault that was applied, if any. */
  fault?: string;
  /** True when the request body ended early (client abort or reset). */
  aborted?: boolean;
  correlationId: string;
  startedAt: number;
  endedAt?: number;
}

export interface Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly origin: string;
  readonly api: ApiKind;
  readonly correlationId: string;
  readonly record: RecordedRequest;
  /** The whole request body (empty when none). */
  body: Buffer;
  user?: string;
  responseFault?: ResponseFault;
}

const JSON_TYPE = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

function baseHeaders(ctx: Context): Record<string, string> {
  return { 'request-id': ctx.correlationId, 'ms-correlation-x': ctx.correlationId, 'OData-Version': '4.0' };
}

/** Sends a JSON answer, applying a response fault if one is scheduled. */
export function sendJson(ctx: Context, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  let text = JSON.stringify(body);
  let type = JSON_TYPE;
  const fault = ctx.responseFault;
  if (fault) {
    ctx.record.fault = fault.kind;
    if (fault.kind === 'malformedJson') {
      text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    } else if (fault.kind === 'wrongContentType') {
      type = fault.contentType ?? 'text/html; charset=utf-8';
    } else if (fault.kind === 'foreignNextLink' && typeof body === 'object' && body !== null) {
      const b = body as Record<string, unknown>;
      const own = typeof b['@odata.nextLink'] === 'string' ? new URL(b['@odata.nextLink'] as string) : new URL(ctx.url.href);
      const other = new URL(fault.origin ?? `http://localhost:${new URL(ctx.origin).port}`);
      own.protocol = other.protocol;
      own.host = other.host;
      text = JSON.stringify({ ...b, '@odata.nextLink': own.href });
    } else if (fault.kind === 'selfNextLink' && typeof body === 'object' && body !== null) {
      // A broken server or proxy: the next page is this page again, for ever.
      text = JSON.stringify({ ...(body as Record<string, unknown>), '@odata.nextLink': `${ctx.origin}${ctx.req.url ?? '/'}` });
    }
  }
  writeBody(ctx, status, { ...baseHeaders(ctx), 'Content-Type': type, ...headers }, Buffer.from(text, 'utf8'), 'json');
}

/** Writes an answer, applying the faults that change how its body travels (trickle, largeBody). */
function writeBody(ctx: Context, status: number, headers: Record<string, string | string[]>, body: Buffer, kind: 'json' | 'bytes'): void {
  const fault = ctx.responseFault;
  let buf = body;
  let chunked = false;
  if (fault?.kind === 'largeBody') {
    ctx.record.fault = fault.kind;
    const pad = Math.max(0, fault.bytes - body.length);
    // JSON stays valid: whitespace before the closing brace.
    buf = kind === 'json' && body.length > 0 ? Buffer.concat([body.subarray(0, body.length - 1), Buffer.alloc(pad, 0x20), body.subarray(body.length - 1)]) : Buffer.concat([body, Buffer.alloc(pad)]);
    chunked = fault.chunked === true;
  }
  ctx.res.writeHead(status, chunked ? headers : { ...headers, 'Content-Length': String(buf.length) });
  if (fault?.kind === 'trickle') {
    ctx.record.fault = fault.kind;
    let at = 0;
    const timer = setInterval(() => {
      if (ctx.res.destroyed || at >= buf.length) {
        clearInterval(timer);
        if (!ctx.res.destroyed) ctx.res.end();
        return;
      }
      ctx.res.write(buf.subarray(at, at + 1));
      at++;
    }, fault.everyMs);
    ctx.res.on('close', () => clearInterval(timer));
    return;
  }
  if (chunked) {
    // Without Content-Length: written in pieces, so only counting while reading can tell its size.
    const piece = 1024 * 1024;
    for (let at = 0; at < buf.length; at += piece) ctx.res.write(buf.subarray(at, at + piece));
    ctx.res.end();
    return;
  }
  ctx.res.end(buf);
}

export function sendError(ctx: Context, err: ServiceError): void {
  ctx.record.errorCode = err.code;
  const api = ctx.api === 'graph' ? 'graph' : 'bc';
  const buf = Buffer.from(JSON.stringify(errorBody(api, err.code, err.message, ctx.correlationId)), 'utf8');
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  ctx.res.writeHead(err.status, {
    ...baseHeaders(ctx),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(buf.length),
    ...err.headers,
  });
  ctx.res.end(buf);
}

export function sendBytes(ctx: Context, bytes: Buffer, contentType: string, headers: Record<string, string> = {}): void {
  writeBody(ctx, 200, { ...baseHeaders(ctx), 'Content-Type': contentType || 'application/octet-stream', ...headers }, bytes, 'bytes');
}

export function sendText(ctx: Context, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  const buf = Buffer.from(text, 'utf8');
  ctx.res.writeHead(status, { ...baseHeaders(ctx), 'Content-Type': contentType, 'Content-Length': String(buf.length) });
  ctx.res.end(buf);
}

export function sendEmpty(ctx: Context, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { ...baseHeaders(ctx), ...headers });
  ctx.res.end();
}
