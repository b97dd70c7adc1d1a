/**
 * The request pipeline: record -> body limit -> faults -> body -> auth ->
 * rate limit -> concurrency gate -> handler. Errors become the service's
 * error shape.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Auth, redactAuthorization } from './auth';
import type { ServiceState } from './bc';
import { type Context, type RecordedRequest, sendEmpty, sendError } from './context';
import { ServiceError } from './errors';
import { type FaultSchedule, type HeldRequests, type Limiter, retryAfterHeader } from './faults';
import { route } from './router';

export interface Pipeline {
  state: ServiceState;
  auth: Auth;
  faults: FaultSchedule;
  limiter: Limiter;
  requests: RecordedRequest[];
  maxBodyBytes: number;
  /** http://host:port, used when a request has no Host header. */
  origin: () => string;
  /** Responses held open by the hang fault (ended on close). */
  hung: Set<ServerResponse>;
  /** Requests held by the hold fault until the test releases them. */
  held: HeldRequests;
  log?: (line: string) => void;
  /** The service's own time for each admitted request (the `online` profile); zero in the strict default. */
  timing: () => Timing;
}

/** Time a request spends executing, holding its concurrency slot. */
export interface Timing {
  /** Per request, whatever it is. */
  latencyMs: number;
  /** Per MiB of request body (the server-side import of a picture). */
  importMsPerMb: number;
}

const DEFAULT_CODES: Record<number, [string, string]> = {
  408: ['RequestTimeout', 'The operation has timed out.'],
  429: ['Application_TooManyRequests', 'Too many requests reached. Please retry later.'],
  500: ['Internal_ServerError', 'An unexpected error occurred on the server.'],
  502: ['BadGateway', 'The server received an invalid response from an upstream server.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The operation exceeded the maximum execution time.'],
};

interface Body {
  body: Buffer;
  size: number;
  sha256: string;
  outcome: 'complete' | 'aborted' | 'tooLarge' | 'reset';
}

function resetSocket(socket: Socket): void {
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof s.resetAndDestroy === 'function') {
    s.resetAndDestroy();
  } else {
    socket.destroy();
  }
}

/** Streams the body, counting and hashing it, into one buffer (preallocated when Content-Length is known). */
function readBody(req: IncomingMessage, limit: number, resetAfter: number | undefined, stallAfter?: number): Promise<Body> {
  return new Promise((resolve) => {
    const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
    const buf = declared !== undefined && declared <= limit ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let size = 0;
    let done = false;
    const finish = (outcome: Body['outcome']): void => {
      if (done) {
        return;
      }
      done = true;
      let body: Buffer = Buffer.alloc(0);
      if (outcome === 'complete') {
        body = buf ? (size === buf.length ? buf : buf.subarray(0, size)) : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      }
      chunks.length = 0;
      resolve({ body, size, sha256: hash.digest('hex'), outcome });
    };
    if (resetAfter !== undefined && resetAfter <= 0) {
      resetSocket(req.socket);
      finish('reset');
      return;
    }
    req.on('data', (chunk: Buffer) => {
      if (done) {
        return; // draining after a 413
      }
      if (resetAfter !== undefined && size + chunk.length >= resetAfter) {
        const part = chunk.subarray(0, resetAfter - size);
        size += part.length;
        hash.update(part);
        resetSocket(req.socket);
        finish('reset');
        return;
      }
      size += chunk.length;
      if (size > limit) {
        finish('tooLarge');
        return;
      }
      hash.update(chunk);
      if (buf && size <= buf.length) {
        chunk.copy(buf, size - chunk.length);
      } else {
        chunks.push(chunk);
      }
      // A stalled upload: nothing more is read, so the client is still sending when the user cancels.
      if (stallAfter !== undefined && size >= stallAfter) req.pause();
    });
    req.on('end', () => {
      if (resetAfter !== undefined && !done) {
        resetSocket(req.socket);
        finish('reset');
        return;
      }
      finish('complete');
    });
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? 'complete' : 'aborted'));
  });
}

function recordHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) {
      continue;
    }
    const value = Array.isArray(v) ? v.join(', ') : v;
    out[k] = k === 'authorization' || k === 'proxy-authorization' ? redactAuthorization(value) : k === 'cookie' ? '<redacted>' : value;
  }
  return out;
}

/** The service takes query strings up to about 8,000 characters. */
export const MAX_QUERY_LENGTH = 8000;

function tooLarge(limit: number): ServiceError {
  return new ServiceError(413, 'Request_EntityTooLarge', `The request body is larger than the maximum allowed size of ${limit} bytes.`, { Connection: 'close' });
}

export async function handle(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const correlationId = randomUUID();
  let origin = req.headers.host ? `http://${req.headers.host}` : p.origin();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', origin);
  } catch {
    origin = p.origin();
    url = new URL('/', origin);
  }
  const method = req.method ?? 'GET';
  const found = route(url.pathname);
  const api = found?.api ?? 'unknown';
  const record: RecordedRequest = {
    seq: p.requests.length + 1,
    method,
    url: req.url ?? '/',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: recordHeaders(req),
    api,
    bodySize: 0,
    bodySha256: createHash('sha256').digest('hex'),
    status: 0,
    correlationId,
    startedAt: Date.now(),
  };
  p.requests.push(record);
  const ctx: Context = { req, res, url, origin, api, correlationId, record, body: Buffer.alloc(0) };

  // Per-user bookkeeping from the moment the request arrives (queued or not).
  const claimed = p.auth.identify(req.headers.authorization);
  if (claimed) {
    p.limiter.arrive(claimed);
  }
  let closed = false;
  res.on('finish', () => {
    record.status = res.statusCode;
  });
  res.on('close', () => {
    closed = true;
    record.endedAt = Date.now();
    if (claimed) {
      p.limiter.leave(claimed);
    }
    p.hung.delete(res);
    p.log?.(`${method} ${record.url} -> ${record.status || 'no answer'}${record.fault ? ` [fault ${record.fault}]` : ''}`);
  });

  try {
    const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : 0;
    if (declared > p.maxBodyBytes) {
      req.resume();
      throw tooLarge(p.maxBodyBytes);
    }
    const { latency, action } = p.faults.take(method, record.url, claimed);
    if (action) {
      record.fault = action.kind;
    } else if (latency > 0) {
      record.fault = 'latency';
    }
    const resetAfter = action?.kind === 'reset' ? (action.afterBytes ?? Math.floor(declared / 2)) : undefined;
    const body = await readBody(req, p.maxBodyBytes, resetAfter, action?.kind === 'stallBody' ? action.afterBytes : undefined);
    record.bodySize = body.size;
    record.bodySha256 = body.sha256;
    if (body.outcome === 'reset' || body.outcome === 'aborted') {
      record.aborted = true;
      if (!res.headersSent) {
        res.destroy();
      }
      return;
    }
    if (body.outcome === 'tooLarge') {
      req.resume();
      throw tooLarge(p.maxBodyBytes);
    }
    ctx.body = body.body;
    if (latency > 0 && action && (action.kind === 'status' || action.kind === 'expiredToken' || action.kind === 'redirect')) {
      await new Promise((r) => setTimeout(r, latency));
      if (closed) {
        return;
      }
    }
    if (action) {
      switch (action.kind) {
        case 'status': {
          const [code, message] = DEFAULT_CODES[action.status] ?? ['Internal_ServerError', `The service answered ${action.status}.`];
          const headers: Record<string, string> = action.retryAfter !== undefined ? { 'Retry-After': retryAfterHeader(action.retryAfter) } : {};
          throw new ServiceError(action.status, action.code ?? code, action.message ?? message, headers);
        }
        case 'hang':
          p.hung.add(res);
          return;
        case 'hold':
          await p.held.hold();
          if (closed) {
            return;
          }
          break;
        case 'ignoreFilter':
          ctx.url.searchParams.delete('$filter');
          break;
        case 'expiredToken': {
          const r = p.auth.expired(api === 'graph' ? 'graph' : 'bc');
          if (!r.ok) {
            throw new ServiceError(r.status, r.code, r.message, { 'WWW-Authenticate': r.wwwAuthenticate });
          }
          break;
        }
        case 'redirect': {
          const location = action.location ?? `http://localhost:${new URL(p.origin()).port}${record.url}`;
          sendEmpty(ctx, action.status ?? 307, { Location: location });
          return;
        }
        case 'reset':
        case 'stallBody':
        case 'latency':
          break;
        default:
          ctx.responseFault = action;
      }
    }
    const query = (req.url ?? '').indexOf('?');
    if (query >= 0 && (req.url ?? '').length - query - 1 > MAX_QUERY_LENGTH) {
      throw new ServiceError(414, 'RequestUriTooLong', `The request URI is too long: its query has ${(req.url ?? '').length - query - 1} characters, more than ${MAX_QUERY_LENGTH}.`);
    }
    if (!found) {
      throw new ServiceError(404, 'BadRequest_NotFound', `No HTTP resource was found that matches the request URI '${url.pathname}'.`);
    }
    const auth = p.auth.check(req.headers.authorization, api === 'graph' ? 'graph' : 'bc');
    if (!auth.ok) {
      throw new ServiceError(auth.status, auth.code, auth.message, auth.wwwAuthenticate.length ? { 'WWW-Authenticate': auth.wwwAuthenticate } : {});
    }
    ctx.user = record.user = auth.user;
    const rate = p.limiter.admitRate(auth.user);
    if (!rate.ok) {
      throw new ServiceError(429, 'Application_TooManyRequests', `Too many requests reached.  Actual (${rate.count}).  Maximum (${p.limiter.limits.requestsPerWindow}).`, {
        'Retry-After': String(rate.retryAfter),
      });
    }
    const load = p.limiter.admitLoad(auth.user);
    if (!load.ok) {
      throw new ServiceError(429, 'Application_TooManyRequests', load.message, { 'Retry-After': '1' });
    }
    const release = await p.limiter.acquire(auth.user, (cancel) => res.on('close', cancel));
    if (!release) {
      if (closed) {
        return;
      }
      throw new ServiceError(503, 'ServiceUnavailable', 'The request was queued for too long because the user has too many concurrent requests. Please retry later.', { 'Retry-After': '1' });
    }
    res.on('close', release);
    if (closed) {
      release();
      return;
    }
    const timing = p.timing();
    const serviceMs = latency + timing.latencyMs + (ctx.body.length / (1024 * 1024)) * timing.importMsPerMb;
    if (serviceMs > 0) {
      // A slow service: the request holds its concurrency slot while it waits.
      await new Promise((r) => setTimeout(r, serviceMs));
      if (closed) {
        return;
      }
    }
    found.handle(ctx, p.state);
  } catch (e) {
    if (closed || res.destroyed) {
      return;
    }
    if (e instanceof ServiceError) {
      sendError(ctx, e);
    } else if (e instanceof URIError) {
      sendError(ctx, new ServiceError(400, 'BadRequest', 'The request URI is not valid.'));
    } else {
      sendError(ctx, new ServiceError(500, 'Internal_ServerError', `The emulator failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
}
