// Business Central Customer Pictures: what the extension registers, and nothing else.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { ServiceCapabilities } from './api/capabilities';
import { JobJournals } from './bulk/journal';
import { setTranslator } from './common/l10n';
import { registerCommands } from './commands';
import { Connections } from './commands/connection';
import { createKeptPictures } from './commands/keeping';
import { PictureFiles, registerPictureFileSystem } from './commands/pictureFileSystem';
import { Preparing } from './commands/preparing';
import { EnvironmentStatus } from './ui/environmentStatus';
import { WalkthroughProgress } from './ui/walkthroughProgress';

export function activate(context: vscode.ExtensionContext): void {
  setTranslator(vscode.l10n.t);
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Business Central Customer Pictures'), { log: true });
  // What each Business Central service supports is learned once and kept while the extension runs.
  const capabilities = new ServiceCapabilities();
  const walkthrough = new WalkthroughProgress(context.extension.id, context.secrets, log);
  const connections = new Connections({ context, log, capabilities, walkthrough });
  // A many-pictures job is written down as it goes, in this machine's storage of the extension, to resume after a reload.
  const jobs = new JobJournals(path.join(context.globalStorageUri.fsPath, 'jobs'), (message) => log.warn(message));
  const services = { context, log, capabilities, pictures: new PictureFiles(), connections, walkthrough, jobs, kept: createKeptPictures(context, log), preparing: new Preparing() };
  context.subscriptions.push(log, walkthrough, connections, services.pictures, services.kept, services.preparing, registerCommands(services));
  context.subscriptions.push(registerPictureFileSystem(services), new EnvironmentStatus(connections.onDidConnect, () => connections.settings()));
}
