/**
 * The emulator in its own process, so that its memory and CPU for building answers are not counted as the
 * client's. Driven over IPC by `EmulatorProcess`; counts the bytes on its sockets (both directions, headers
 * included) so the benchmark can tell what a client exchanged without touching the client.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Server, Socket } from 'node:net';
import type { Emulator, EmulatorOptions, FaultSpec, Limits, RecordedRequest, TokenGrant } from '../emulator';

type Request =
  | { op: 'fault'; spec: FaultSpec }
  | { op: 'clearFaults' }
  | { op: 'clearRequests' }
  | { op: 'requests' }
  | { op: 'bytes' }
  | { op: 'acceptToken'; token: string; grant: TokenGrant }
  | { op: 'setLimits'; limits: Partial<Limits> }
  | { op: 'userStats'; user: string }
  | { op: 'pictureSizes'; companyId: string; ids: string[] }
  | { op: 'close' };

export interface SocketBytes {
  /** Bytes the emulator wrote: what clients received. */
  readonly sent: number;
  /** Bytes the emulator read: what clients sent. */
  readonly received: number;
}

// ------------------------------------------------------------------------------------------------- child side

async function child(): Promise<void> {
  const { startEmulator } = await import('../emulator');
  const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
  const emu: Emulator = await startEmulator(options);
  const server = (emu as unknown as { server?: Server }).server;
  const live = new Set<Socket>();
  let closedSent = 0;
  let closedReceived = 0;
  server?.on('connection', (socket: Socket) => {
    live.add(socket);
    socket.on('close', () => {
      live.delete(socket);
      closedSent += socket.bytesWritten;
      closedReceived += socket.bytesRead;
    });
  });
  const bytes = (): SocketBytes | undefined =>
    server
      ? {
          sent: closedSent + [...live].reduce((sum, s) => sum + s.bytesWritten, 0),
          received: closedReceived + [...live].reduce((sum, s) => sum + s.bytesRead, 0),
        }
      : undefined;

  const answer = async (request: Request): Promise<unknown> => {
    switch (request.op) {
      case 'fault':
        return emu.fault(request.spec);
      case 'clearFaults':
        return emu.clearFaults();
      case 'clearRequests':
        return emu.clearRequests();
      case 'requests':
        return emu.requests;
      case 'bytes':
        return bytes();
      case 'acceptToken':
        return emu.acceptToken(request.token, request.grant);
      case 'setLimits':
        return emu.setLimits(request.limits);
      case 'userStats':
        return emu.userStats(request.user);
      case 'pictureSizes': {
        const company = emu.data.company(request.companyId);
        return request.ids.map((id) => company?.customers.picture(id)?.bytes?.length ?? 0);
      }
      case 'close':
        await emu.close();
        setImmediate(() => process.exit(0));
        return undefined;
    }
  };
  process.on('message', (message: { id: number; request: Request }) => {
    answer(message.request).then(
      (value) => process.send?.({ id: message.id, value }),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
    );
  });
  process.send?.({ id: 0, value: { url: emu.url, bcBaseUrl: emu.bcBaseUrl(), countsBytes: !!server } });
}

// ------------------------------------------------------------------------------------------------- parent side

export class EmulatorProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly proc: ChildProcess,
    readonly url: string,
    readonly bcBaseUrl: string,
    readonly countsBytes: boolean,
  ) {
    proc.on('message', (message: { id: number; value?: unknown; error?: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.value);
    });
  }

  static async start(options: EmulatorOptions): Promise<EmulatorProcess> {
    // 'advanced' serialization keeps RegExp paths and `times: Infinity` of fault specs.
    const proc = fork(__filename, [JSON.stringify(options)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<{ url: string; bcBaseUrl: string; countsBytes: boolean }>((resolve, reject) => {
      proc.once('message', (message: { value: { url: string; bcBaseUrl: string; countsBytes: boolean } }) => resolve(message.value));
      proc.once('exit', (code) => reject(new Error(`emulator process exited (${code})`)));
    });
    proc.removeAllListeners('exit');
    return new EmulatorProcess(proc, ready.url, ready.bcBaseUrl, ready.countsBytes);
  }

  private call<T>(request: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.proc.send({ id, request });
    });
  }

  fault(spec: FaultSpec): Promise<void> {
    return this.call({ op: 'fault', spec });
  }
  clearFaults(): Promise<void> {
    return this.call({ op: 'clearFaults' });
  }
  clearRequests(): Promise<void> {
    return this.call({ op: 'clearRequests' });
  }
  requests(): Promise<RecordedRequest[]> {
    return this.call({ op: 'requests' });
  }
  bytes(): Promise<SocketBytes> {
    return this.call({ op: 'bytes' });
  }
  acceptToken(token: string, grant: TokenGrant): Promise<void> {
    return this.call({ op: 'acceptToken', token, grant });
  }
  setLimits(limits: Partial<Limits>): Promise<void> {
    return this.call({ op: 'setLimits', limits });
  }
  userStats(user: string): Promise<{ peakInFlight: number; totalQueued: number }> {
    return this.call({ op: 'userStats', user });
  }
  pictureSizes(companyId: string, ids: string[]): Promise<number[]> {
    return this.call({ op: 'pictureSizes', companyId, ids });
  }
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    await this.call({ op: 'close' }).catch(() => undefined);
    await exited;
  }
}

if (require.main === module) {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
