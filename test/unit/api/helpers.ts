/** Shared pieces of the API layer's tests: a log that keeps every line, and a service wired to an emulator. */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import type { Log } from '../../../src/common/log';
import { createPictureService, type PictureServiceDeps, type PictureServiceSettings } from '../../../src/api';
import type { PictureService } from '../../../src/api/types';

export class CapturingLog implements Log {
  readonly lines: string[] = [];
  private add(level: string, message: unknown, args: unknown[]): void {
    this.lines.push(`${level} ${typeof message === 'string' ? message : inspect(message)} ${args.map((a) => inspect(a, { depth: 5 })).join(' ')}`);
  }
  trace(message: string, ...args: unknown[]): void {
    this.add('trace', message, args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.add('debug', message, args);
  }
  info(message: string, ...args: unknown[]): void {
    this.add('info', message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.add('warn', message, args);
  }
  error(message: string | Error, ...args: unknown[]): void {
    this.add('error', message, args);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface Harness {
  service: PictureService;
  log: CapturingLog;
  /** `forceNew` of each authorize call, in order. */
  authorizeCalls: boolean[];
  /** Waits asked of the injected sleep, in ms. */
  sleeps: number[];
  /** onWaiting calls, in seconds. */
  waits: number[];
}

/**
 * A service against the emulator. The sleep is injected and returns at once (recording the wait), so retry
 * tests are fast; `tokens` are handed out by `authorize`: the first normally, the second on `forceNew`.
 */
export function harness(
  settings: PictureServiceSettings,
  tokens: { first: string; fresh?: string },
  deps: Partial<PictureServiceDeps> = {},
): Harness {
  const log = new CapturingLog();
  const authorizeCalls: boolean[] = [];
  const sleeps: number[] = [];
  const waits: number[] = [];
  const service = createPictureService(settings, {
    authorize: async ({ forceNew }) => {
      authorizeCalls.push(forceNew);
      const token = forceNew && tokens.fresh ? tokens.fresh : tokens.first;
      return /^(Basic|Bearer) /.test(token) ? token : `Bearer ${token}`;
    },
    log,
    timeouts: { headersMs: 5_000, bodyMs: 5_000 },
    onWaiting: (seconds) => waits.push(seconds),
    ...deps,
    retry: {
      sleep: async (ms, signal) => {
        sleeps.push(ms);
        if (signal?.aborted) {
          throw new Error('aborted');
        }
      },
      random: () => 0.5,
      ...deps.retry,
    },
  });
  return { service, log, authorizeCalls, sleeps, waits };
}
