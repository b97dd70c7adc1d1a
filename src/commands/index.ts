import * as vscode from 'vscode';
import type { ServiceCapabilities } from '../api/capabilities';
import type { PictureFiles } from './pictureFileSystem';
import { addPicture, type PictureTarget } from './addPicture';
import { addPicturesByNumber, type BulkOptions } from './addPicturesByNumber';
import { asTarget } from './chooseCustomer';
import { forgetCredentials } from './forgetCredentials';
import { removePicture } from './removePicture';
import { selectEnvironment } from './selectEnvironment';
import { showPicture } from './showPicture';
import { switchAccount } from './switchAccount';

/** What every command gets: the extension's context, its one log, and what the services were found to support. */
export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly capabilities: ServiceCapabilities;
  /** The customer pictures open in previews. */
  readonly pictures: PictureFiles;
}

/** Registers every command; one Disposable for all of them. */
export function registerCommands(services: CommandContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('bcPictures.addPicture', (clicked?: vscode.Uri, selected?: vscode.Uri[], target?: PictureTarget) =>
      addPicture(services, asUri(clicked), selected, target),
    ),
    vscode.commands.registerCommand('bcPictures.forgetCredentials', () => forgetCredentials(services)),
    vscode.commands.registerCommand('bcPictures.showPicture', (target?: unknown) => showPicture(services, asTarget(target))),
    vscode.commands.registerCommand('bcPictures.removePicture', (target?: unknown) => removePicture(services, asTarget(target))),
    vscode.commands.registerCommand('bcPictures.selectEnvironment', () => selectEnvironment(services)),
    vscode.commands.registerCommand('bcPictures.switchAccount', () => switchAccount(services)),
    vscode.commands.registerCommand('bcPictures.addPicturesByNumber', (clicked?: vscode.Uri, selected?: vscode.Uri[], options?: BulkOptions) =>
      addPicturesByNumber(services, asUri(clicked), selected, options),
    ),
  );
}

/** Keybindings and tasks may pass anything as the first argument; only a Uri names an image. */
function asUri(value: unknown): vscode.Uri | undefined {
  return value instanceof vscode.Uri ? value : undefined;
}
