import * as vscode from 'vscode';

/** How long a read may run with only the status bar saying so, before a notification offers to cancel it. */
const NOTIFY_AFTER_MS = 600;

/**
 * A read from the service (a listing, a download) that the user can stop: the status bar shows it at once, and
 * when it takes longer than a moment a notification with Cancel appears; cancelling aborts the request.
 */
export async function cancellableRead<T>(title: string, read: (signal: AbortSignal) => Promise<T>, notifyAfterMs = NOTIFY_AFTER_MS): Promise<T> {
  const controller = new AbortController();
  const running = read(controller.signal);
  const done = running.then(
    () => undefined,
    () => undefined,
  );
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => done);
  const timer = setTimeout(() => void withCancellation(title, () => done, controller), notifyAfterMs);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
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
