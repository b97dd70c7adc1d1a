/**
 * Prepares pictures on a worker thread of its own (`preparationWorker.ts`), so that a 12-megapixel photo never holds
 * up the extension host: libvips decodes on the thread that calls it. The thread starts with the first picture,
 * ends after a while without one (giving back libvips' memory), and is ended when a lone picture is cancelled.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as l10n from '../common/l10n';
import { ImageRefusal, type RefusalCode } from './imageRefusal';
import type { PreparationOptions, PreparedPicture } from './prepare';

/** What the thread is started with: the translations of the extension's messages, where VS Code has some. */
export interface PreparationThreadData {
  readonly bundle?: Readonly<Record<string, string>>;
}

export interface PreparationRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly fileName: string;
  readonly options: PreparationOptions;
}

export type PreparationReply =
  | { readonly id: number; readonly prepared: PreparedPicture | undefined }
  | { readonly id: number; readonly refusal: { readonly code: RefusalCode; readonly message: string; readonly fileName: string } }
  | { readonly id: number; readonly failure: string };

interface Pending {
  resolve(prepared: PreparedPicture | undefined): void;
  reject(error: unknown): void;
}

export interface PreparationThreadOptions extends PreparationThreadData {
  /** The thread ends after this long without a picture to prepare. */
  readonly idleMs?: number;
  /** The worker's script; by default the one beside this file (in the shipped extension, beside its bundle). */
  readonly script?: string;
}

export class PreparationThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private idle: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: PreparationThreadOptions = {}) {}

  /**
   * The picture as it should be sent, or undefined when it goes as it is. Rejects with the `ImageRefusal` the
   * preparer gave, with the signal's reason when cancelled, and with an error when the thread itself failed.
   */
  prepare(bytes: Uint8Array, fileName: string, options: PreparationOptions, signal?: AbortSignal): Promise<PreparedPicture | undefined> {
    if (this.disposed) return Promise.reject(new Error('the preparation thread has ended'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.start();
    const id = ++this.nextId;
    return new Promise<PreparedPicture | undefined>((resolve, reject) => {
      const onAbort = () => {
        this.settle(id)?.reject(signal?.reason);
        // The only picture it was working on: ended, so that it stops using the processor now.
        if (this.pending.size === 0) this.stop();
      };
      const finish = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (prepared) => (finish(), resolve(prepared)),
        reject: (error) => (finish(), reject(error)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      const request: PreparationRequest = { id, bytes, fileName, options };
      worker.postMessage(request);
    });
  }

  /** Ends the thread; whatever is being prepared is rejected. */
  dispose(): void {
    this.disposed = true;
    this.fail(new Error('the preparation thread has ended'));
    this.stop();
  }

  private start(): Worker {
    clearTimeout(this.idle);
    if (this.worker) {
      this.worker.ref();
      return this.worker;
    }
    const data: PreparationThreadData = { bundle: this.options.bundle };
    const worker = new Worker(this.options.script ?? path.join(__dirname, 'preparationWorker.js'), { workerData: data });
    worker.on('message', (reply: PreparationReply) => this.answer(reply));
    // A thread that fails (libvips out of memory, a crash) fails what it was preparing; the next picture starts another.
    worker.on('error', (error) => this.threadEnded(worker, error.message));
    worker.on('exit', (code) => this.threadEnded(worker, l10n.t('exit code {0}', code)));
    this.worker = worker;
    return worker;
  }

  private answer(reply: PreparationReply): void {
    const pending = this.settle(reply.id);
    if (pending) {
      if ('prepared' in reply) pending.resolve(reply.prepared);
      else if ('refusal' in reply) pending.reject(new ImageRefusal(reply.refusal.code, reply.refusal.message, reply.refusal.fileName));
      else pending.reject(new Error(reply.failure));
    }
    if (this.pending.size === 0) this.rest();
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  /** Nothing to prepare: the thread no longer keeps the process alive, and ends if nothing comes for a while. */
  private rest(): void {
    this.worker?.unref();
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), this.options.idleMs ?? 30_000);
    this.idle.unref();
  }

  private threadEnded(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.fail(new Error(l10n.t('preparing the picture stopped ({0})', why)));
  }

  private fail(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const pending of all) pending.reject(error);
  }

  private stop(): void {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}
