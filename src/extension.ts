// Business Central Customer Pictures: what the extension registers, and nothing else.
import * as vscode from 'vscode';
import { setTranslator } from './common/l10n';
import { registerCommands } from './commands';

export function activate(context: vscode.ExtensionContext): void {
  setTranslator(vscode.l10n.t);
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Business Central Pictures'), { log: true });
  context.subscriptions.push(log, registerCommands({ context, log }));
}

export function deactivate(): void {}
