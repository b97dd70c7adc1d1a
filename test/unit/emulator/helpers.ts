/** Shared helpers for the emulator tests: real loopback HTTP through undici. */
import { Agent, type Dispatcher, request } from 'undici';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator';

export const BC_TOKEN = 'bc-token-0123456789';
export const GRAPH_TOKEN = 'graph-token-0123456789';
export const BC_USER = 'alice@cronus.test';
export const GRAPH_USER = 'bob@cronus.test';

/** Starts an emulator that accepts BC_TOKEN (Business Central) and GRAPH_TOKEN (Graph). */
export async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    ...options,
    tokens: {
      [BC_TOKEN]: { audience: 'businesscentral', user: BC_USER },
      [GRAPH_TOKEN]: { audience: 'graph', user: GRAPH_USER },
      ...options.tokens,
    },
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  text: string;
   
  json: any;
}

const agent = new Agent({ keepAliveTimeout: 1000, connections: 32 });

export interface CallOptions {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: Buffer | string | NodeJS.ReadableStream | AsyncIterable<Buffer>;
  token?: string | null;
  signal?: AbortSignal;
  headersTimeout?: number;
}

/** One request; the body is read whole; JSON parsed when it parses. Default credential: BC_TOKEN. */
export async function call(url: string, options: CallOptions = {}): Promise<Answer> {
  const token = options.token === undefined ? BC_TOKEN : options.token;
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers };
  const res = await request(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body as Dispatcher.DispatchOptions['body'],
    dispatcher: agent,
    signal: options.signal,
    headersTimeout: options.headersTimeout,
  } as Parameters<typeof request>[1]);
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, bytes, text, json };
}

export const CORRELATION_RE = / {2}CorrelationId: {2}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.$/;
