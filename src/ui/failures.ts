import * as vscode from 'vscode';

/** Errors whose message was written for the user (service, image, sign-in, kept-picture errors all are). */
const USER_FACING = new Set(['ServiceError', 'ImageRefusal', 'SignInCancelled', 'KeptPictureError']);

export { isCancellation } from '../api/errors';

export function failureMessage(error: unknown): string {
  if (error instanceof Error && USER_FACING.has(error.name)) return error.message;
  const detail = error instanceof Error ? error.message : String(error);
  return vscode.l10n.t('Something unexpected went wrong: {0}. The log "Business Central Customer Pictures" has the details.', detail);
}

/**
 * Shows what went wrong and what to do, with the log one click away. An expected refusal (the service's answer, a file
 * that is no picture) goes to the log as a warning in its own words; only the unexpected gets an error with its stack.
 */
export function showFailure(log: vscode.LogOutputChannel, error: unknown): void {
  const message = failureMessage(error);
  if (error instanceof Error && USER_FACING.has(error.name)) log.warn(logLine(error));
  else log.error(error instanceof Error ? error : message);
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(message, showLog).then((action) => {
    if (action === showLog) log.show();
  });
}

/** An expected failure in one line: its message and what identifies it for the service's support (code, request id). */
function logLine(error: Error): string {
  const { code, status, correlationId } = error as { code?: unknown; status?: unknown; correlationId?: unknown };
  const ids = [status !== undefined ? `HTTP ${String(status)}` : undefined, typeof code === 'string' ? code : undefined, typeof correlationId === 'string' ? `request-id ${correlationId}` : undefined].filter(Boolean);
  return ids.length > 0 ? `${error.message} (${ids.join(', ')})` : error.message;
}
