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
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const cancelled = token.onCancellationRequested(() => controller.abort());
      return done.finally(() => cancelled.dispose());
    });
  }, notifyAfterMs);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}
