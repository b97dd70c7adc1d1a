import * as vscode from 'vscode';

/** How long a read may run with only the status bar saying so, before a notification offers to cancel it. */
const NOTIFY_AFTER_MS = 600;

/**
 * Whether a sign-in prompt (user name, key, Microsoft's dialog) is open: progress for a read waiting on it would spin
 * while the user types, so reads show none meanwhile. One per `Connections`, disposed with it.
 */
export class Prompts extends vscode.Disposable {
  private openCount = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor() {
    super(() => this.changed.dispose());
  }

  get open(): boolean {
    return this.openCount > 0;
  }

  /** Runs `prompt` counted as open. */
  async around<T>(prompt: () => Promise<T>): Promise<T> {
    this.openCount++;
    this.changed.fire();
    try {
      return await prompt();
    } finally {
      this.openCount--;
      this.changed.fire();
    }
  }
}

/**
 * A read from the service (a listing, a download) that the user can stop: the status bar shows it at once, and
 * when it takes longer than a moment a notification with Cancel appears; cancelling aborts the request. While a
 * sign-in prompt is open neither shows (and the moment counts again after it).
 */
export async function cancellableRead<T>(title: string, read: (signal: AbortSignal) => Promise<T>, prompts?: Prompts): Promise<T> {
  const controller = new AbortController();
  const running = read(controller.signal);
  let finished = false;
  const done = running.then(
    () => undefined,
    () => undefined,
  );
  void done.then(() => (finished = true));
  // One showing: the status bar, then the notification, until the read ends or a prompt opens.
  const show = () => {
    const interrupted = new Promise<void>((resolve) => {
      const listener = prompts?.onDidChange(() => prompts.open && end());
      const end = () => {
        listener?.dispose();
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => void withCancellation(title, () => Promise.race([done, interrupted]), controller), NOTIFY_AFTER_MS);
      void done.then(end);
    });
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => interrupted);
    return interrupted;
  };
  void (async () => {
    while (!finished) {
      if (prompts?.open) await new Promise<void>((resolve) => {
        const listener = prompts.onDidChange(() => !prompts.open && (listener.dispose(), resolve()));
        void done.then(() => (listener.dispose(), resolve()));
      });
      else await show();
    }
  })();
  return running;
}

export type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/**
 * Work under a notification with Cancel (single and many uploads alike): Cancel aborts `signal`; what the
 * abort means (stop at once, or start nothing new) is the work's to decide.
 */
export function withCancellation<T>(title: string, work: (progress: Progress, signal: AbortSignal) => Promise<T>, controller = new AbortController()): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const cancelled = token.onCancellationRequested(() => controller.abort());
      try {
        return await work(progress, controller.signal);
      } finally {
        cancelled.dispose();
      }
    }),
  );
}

/** What a progress notification says while the service makes the work wait (throttled or busy). */
export function reportWaiting(progress: Progress): (seconds: number) => void {
  return (seconds) => progress.report({ message: vscode.l10n.t('waiting for the service ({0} s)…', Math.ceil(seconds)) });
}
