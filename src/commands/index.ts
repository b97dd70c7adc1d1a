import * as vscode from 'vscode';
import { addPicture } from './addPicture';
import { addPicturesByNumber } from './addPicturesByNumber';
import { asTarget } from './chooseCustomer';
import { forgetCredentials } from './forgetCredentials';
import { removePicture } from './removePicture';
import { offerInterruptedJobs } from './resumeJob';
import { asKeptId, restorePicture } from './restorePicture';
import { selectEnvironment } from './selectEnvironment';
import { showPicture } from './showPicture';
import { switchAccount } from './switchAccount';
import type { BulkOptions, CommandContext, PictureTarget } from './context';
import { guard } from './guard';

export type { CommandContext } from './context';

/**
 * Registers every command, each through `guard` (cancellations quiet, failures shown once); one Disposable for all.
 * The first command after a start also offers the many-pictures jobs a reload or crash cut short.
 */
export function registerCommands(services: CommandContext): vscode.Disposable {
  const offerInterrupted = offerInterruptedJobs(services);
  const register = <A extends unknown[], T, F>(id: string, fallback: F, run: (...args: A) => Promise<T>) =>
    vscode.commands.registerCommand(id, (...args: A) => {
      offerInterrupted();
      return guard(services.log, fallback, () => run(...args));
    });
  return vscode.Disposable.from(
    register('bcPictures.addPicture', undefined, (clicked?: unknown, selected?: vscode.Uri[], target?: PictureTarget) => addPicture(services, asUri(clicked), selected, target)),
    register('bcPictures.forgetCredentials', false, () => forgetCredentials(services)),
    register('bcPictures.showPicture', undefined, (target?: unknown) => showPicture(services, asTarget(target))),
    register('bcPictures.removePicture', false, (target?: unknown) => removePicture(services, asTarget(target))),
    register('bcPictures.restorePicture', undefined, (target?: unknown) => restorePicture(services, { ...asTarget(target), keptId: asKeptId(target) })),
    register('bcPictures.selectEnvironment', undefined, () => selectEnvironment(services)),
    register('bcPictures.switchAccount', undefined, () => switchAccount(services)),
    register('bcPictures.addPicturesByNumber', undefined, (clicked?: unknown, selected?: vscode.Uri[], options?: BulkOptions) =>
      addPicturesByNumber(services, asUri(clicked), selected, options),
    ),
  );
}

/** Keybindings and tasks may pass anything as the first argument; only a Uri names an image. */
function asUri(value: unknown): vscode.Uri | undefined {
  return value instanceof vscode.Uri ? value : undefined;
}
