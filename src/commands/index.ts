import * as vscode from 'vscode';
import { addPicture } from './addPicture';

/** What every command gets: the extension's context and its one log. */
export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
}

/** Registers every command; one Disposable for all of them. */
export function registerCommands(services: CommandContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('bcPictures.addPicture', (clicked?: vscode.Uri, selected?: vscode.Uri[]) =>
      addPicture(services, clicked, selected),
    ),
  );
}
