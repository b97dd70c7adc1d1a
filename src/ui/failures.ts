import * as vscode from 'vscode';

/** Errors whose message was written for the user (service, image, sign-in errors all are). */
const USER_FACING = new Set(['ServiceError', 'ImageRefusal', 'SignInCancelled']);

export { isCancellation } from '../api/errors';

export function failureMessage(error: unknown): string {
  if (error instanceof Error && USER_FACING.has(error.name)) return error.message;
  const detail = error instanceof Error ? error.message : String(error);
  return vscode.l10n.t('Something unexpected went wrong: {0}. The log "Business Central Pictures" has the details.', detail);
}

/** Shows what went wrong and what to do, with the log one click away; the full error goes to the log. */
export function showFailure(log: vscode.LogOutputChannel, error: unknown): void {
  const message = failureMessage(error);
  log.error(error instanceof Error ? error : message);
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(message, showLog).then((action) => {
    if (action === showLog) log.show();
  });
}
