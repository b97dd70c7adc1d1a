/**
 * The job journal: a many-pictures job written down as it goes, one JSON line per step, in the extension's own
 * storage, so that a job cut short by a reload, a crash or a closed window can be resumed without sending twice
 * what was set. A line is appended before each upload starts ("sending") and after it ends; a partial last line
 * (the process died while writing) is ignored. The owning process is in the file name: a job whose process is
 * gone was interrupted; a live one belongs to another window. A finished job's journal is deleted.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * planned: not started; sending: the upload began, so it may or may not be stored; sent: the service answered
 * that it stored it; confirmed: read back; failed: refused, the old picture stays; unconfirmed: all of it was sent
 * and no answer came, so it may be set.
 */
export type JobState = 'planned' | 'sending' | 'sent' | 'confirmed' | 'failed' | 'unconfirmed';

/** One picture of the job: the file as it was planned, and its customer. */
export interface JobEntry {
  readonly uri: string;
  /** The file as the report names it. */
  readonly file: string;
  /** The file as planned (size and modification time, or its content's hash): a file changed since is not sent on resume. */
  readonly fingerprint: string;
  readonly customerId: string;
  readonly customerNumber: string;
  readonly customerName: string;
  readonly before: 'picture' | 'none' | 'unknown';
}

export interface JobHeader {
  readonly id: string;
  /** The settings the job ran with (environment, tenant, service): a resume must use the same. */
  readonly scope: string;
  readonly environment: string;
  readonly companyId: string;
  readonly companyName: string;
  readonly startedAt: string;
  readonly entries: readonly JobEntry[];
}

/** Where an entry is, with what the last step said (the stored size and type, or why it failed). */
export interface EntryProgress {
  readonly state: JobState;
  readonly detail?: string;
  /** SHA-256 of the picture as it was sent, where preparing made it other than the file (said when sending began). */
  readonly sentSha256?: string;
}

/** One step of an entry, as `markAll` takes it. */
export interface JournalStep {
  readonly index: number;
  readonly state: JobState;
  readonly detail?: string;
  readonly sentSha256?: string;
}

export interface InterruptedJob {
  readonly header: JobHeader;
  readonly progress: readonly EntryProgress[];
  /** The journal file, to claim or discard. */
  readonly file: string;
}

const VERSION = 1;
const SUFFIX = '.jsonl';

/** Whether the process `pid` still runs (on this machine: the journal is in this machine's storage). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The journals in one folder: created in `activate`, for this process. */
export class JobJournals {
  constructor(
    private readonly folder: string,
    private readonly warn: (message: string) => void,
    private readonly pid = process.pid,
    private readonly alive: (pid: number) => boolean = processAlive,
  ) {}

  /** Starts the journal of a new job: every entry planned. */
  async begin(job: Omit<JobHeader, 'id' | 'startedAt'>, startedAt = new Date()): Promise<JobJournal> {
    await fs.mkdir(this.folder, { recursive: true });
    const header: JobHeader = { ...job, id: randomUUID(), startedAt: startedAt.toISOString() };
    const file = this.fileOf(header.id, this.pid);
    // Written whole before any upload: a job without its header cannot be resumed.
    await fs.writeFile(`${file}.new`, JSON.stringify({ v: VERSION, header }) + '\n', { flag: 'wx' });
    await fs.rename(`${file}.new`, file);
    return JobJournal.open(file);
  }

  /** Jobs whose process is gone before they finished, newest first. Unreadable journals are set aside, and said so. */
  async interrupted(): Promise<InterruptedJob[]> {
    const names = await fs.readdir(this.folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const jobs: InterruptedJob[] = [];
    for (const name of names) {
      const owner = ownerOf(name);
      if (owner === undefined || owner === this.pid || this.alive(owner)) continue;
      const file = path.join(this.folder, name);
      try {
        jobs.push(await readJournal(file));
      } catch (error) {
        this.warn(`The job journal ${name} cannot be read (${error instanceof Error ? error.message : String(error)}); it is set aside as ${name}.unreadable.`);
        await fs.rename(file, `${file}.unreadable`).catch(() => undefined);
      }
    }
    return jobs.sort((a, b) => b.header.startedAt.localeCompare(a.header.startedAt));
  }

  /**
   * Takes an interrupted job over for this process, to resume it: undefined when another window took it first
   * (the rename is atomic: only one succeeds). What the journal says is read again after the rename.
   */
  async claim(job: InterruptedJob): Promise<{ job: InterruptedJob; journal: JobJournal } | undefined> {
    const file = this.fileOf(job.header.id, this.pid);
    try {
      await fs.rename(job.file, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return { job: await readJournal(file), journal: await JobJournal.open(file) };
  }

  /** Forgets an interrupted job; true when it was still there. */
  async discard(job: InterruptedJob): Promise<boolean> {
    try {
      await fs.unlink(job.file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  private fileOf(id: string, pid: number): string {
    return path.join(this.folder, `${id}~${pid}${SUFFIX}`);
  }
}

function ownerOf(name: string): number | undefined {
  const match = /^[0-9a-f-]{36}~(\d+)\.jsonl$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** A journal being written: the steps of one job, in the order they happen. */
export class JobJournal {
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(
    private readonly handle: fs.FileHandle,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<JobJournal> {
    const handle = await fs.open(file, 'a+');
    // A line cut short by a crash ends here, so the next step starts a line of its own.
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    if (size > 0 && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a) await handle.appendFile('\n');
    return new JobJournal(handle, file);
  }

  /** Appends one step; resolves once it is written, so an upload starts only after its "sending" is on disk. */
  mark(index: number, state: JobState, detail?: string): Promise<void> {
    return this.markAll([{ index, state, detail }]);
  }

  /** Appends many steps at once (the read-back of a batch). */
  markAll(steps: readonly JournalStep[]): Promise<void> {
    return this.append(
      steps.map((step) => ({ i: step.index, s: step.state, ...(step.detail === undefined ? {} : { d: step.detail }), ...(step.sentSha256 === undefined ? {} : { h: step.sentSha256 }) })),
    );
  }

  /** The job ended (done, failed or cancelled, and reported): nothing is left to resume. */
  async finish(): Promise<void> {
    await this.close();
    await fs.unlink(this.file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Stops writing and leaves the journal as it is (the extension is deactivated mid-job). */
  async close(): Promise<void> {
    await this.writing;
    await this.handle.close().catch(() => undefined);
  }

  private append(lines: readonly object[]): Promise<void> {
    const text = lines.map((line) => JSON.stringify(line) + '\n').join('');
    // One write after another: lines never interleave, and a failed write fails every later one.
    this.writing = this.writing.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await this.handle.appendFile(text);
      } catch (error) {
        this.failure = error;
        throw error;
      }
    });
    return this.writing;
  }
}

/**
 * Reads a journal: its header and each entry's last step. A line cut short by a crash is skipped: steps only move
 * forward, so the entry keeps the step before it, which a resume checks rather than trusts.
 */
export async function readJournal(file: string): Promise<InterruptedJob> {
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  const first = JSON.parse(lines[0]) as { v?: unknown; header?: JobHeader };
  if (first.v !== VERSION || !first.header || !Array.isArray(first.header.entries)) throw new Error('not a job journal of this version');
  const { header } = first;
  const progress: EntryProgress[] = header.entries.map(() => ({ state: 'planned' }));
  for (const line of lines.slice(1)) {
    const step = parseStep(line);
    if (!step || step.i >= progress.length) continue;
    // What was sent is said once, when sending began: the later steps of the entry keep it.
    const sent = step.h ?? progress[step.i].sentSha256;
    progress[step.i] = { state: step.s, ...(step.d === undefined ? {} : { detail: step.d }), ...(sent === undefined ? {} : { sentSha256: sent }) };
  }
  return { header, progress, file };
}

function parseStep(line: string): { i: number; s: JobState; d?: string; h?: string } | undefined {
  try {
    const step = JSON.parse(line) as { i?: unknown; s?: unknown; d?: unknown; h?: unknown };
    if (typeof step.i !== 'number' || !Number.isInteger(step.i) || step.i < 0 || !isState(step.s)) return undefined;
    return { i: step.i, s: step.s, ...(typeof step.d === 'string' ? { d: step.d } : {}), ...(typeof step.h === 'string' && /^[0-9a-f]{64}$/.test(step.h) ? { h: step.h } : {}) };
  } catch {
    return undefined;
  }
}

const STATES: readonly JobState[] = ['planned', 'sending', 'sent', 'confirmed', 'failed', 'unconfirmed'];
const isState = (value: unknown): value is JobState => STATES.includes(value as JobState);

/** What a resume does with each entry: done already, to check (it may be stored), to send, or failed. */
export type ResumeStep = 'done' | 'check' | 'send' | 'failed';

export function resumeStepOf(state: JobState): ResumeStep {
  switch (state) {
    case 'confirmed':
    case 'sent':
      return 'done';
    case 'sending':
    case 'unconfirmed':
      return 'check';
    case 'planned':
      return 'send';
    case 'failed':
      return 'failed';
  }
}
