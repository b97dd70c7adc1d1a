import type * as vscode from 'vscode';
import { isCancellation, showFailure } from '../ui/failures';

/**
 * Runs a command's work: a cancellation (decided by type) ends it quietly, any other failure is shown once with
 * the log one click away; either way the command gives `fallback`. Every command goes through here.
 */
export async function guard<T, F>(log: vscode.LogOutputChannel, fallback: F, work: () => Promise<T>): Promise<T | F> {
  try {
    return await work();
  } catch (error) {
    if (!isCancellation(error)) showFailure(log, error);
    return fallback;
  }
}
