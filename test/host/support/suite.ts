/**
 * What every host suite against the emulator needs, in one place: its own emulator, a fake Microsoft sign-in
 * that issues tokens the emulator accepts, user settings pointing at it (restored afterwards), and the
 * requests the emulator saw printed when a test fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startEmulator, type Audience, type Emulator, type EmulatorOptions } from '../../emulator';
import { FakeMicrosoftProvider } from './fakeMicrosoft';

const EXTENSION_ID = 'bc-pictures.bc-customer-pictures';

const SETTINGS = ['serviceUrl', 'authentication', 'api', 'environment', 'tenant', 'statusBar', 'maxConcurrentUploads', 'previewFirstPicture'] as const;

/** The test workspace: a throwaway copy of test/fixtures/workspace made by the launcher. */
export function workspaceDir(): string {
  const folder = process.env.BC_PICTURES_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('the tests need a workspace folder (the launcher opens a copy of test/fixtures/workspace)');
  return folder;
}

export async function setUserSettings(values: Record<string, unknown>): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('bcPictures');
  for (const [key, value] of Object.entries(values)) {
    await configuration.update(key, value, vscode.ConfigurationTarget.Global);
  }
}

export const userSetting = (key: string) => vscode.workspace.getConfiguration('bcPictures').inspect(key)?.globalValue;

/**
 * Everything the extension's log channel wrote so far: the files VS Code keeps in a folder named after the extension,
 * under the logs folder of this run's user data (BC_PICTURES_TEST_LOGS, set by the launcher).
 */
export function extensionLog(): string {
  const root = process.env.BC_PICTURES_TEST_LOGS;
  if (!root) throw new Error('BC_PICTURES_TEST_LOGS is not set: the launcher names the logs folder of its user data there');
  const files = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.log') && path.basename(path.dirname(file)) === EXTENSION_ID);
  // No log at all would make every "never logged" check pass unseen.
  if (files.length === 0) throw new Error(`no log of ${EXTENSION_ID} under ${root}`);
  return files.map((file) => fs.readFileSync(path.join(root, file), 'utf8')).join('\n');
}

export interface EmulatorSuite {
  readonly emulator: Emulator;
  readonly microsoft: FakeMicrosoftProvider;
  /** Replaces the fake sign-in by one whose tokens open `audience` (Graph tests). */
  signInFor(audience: Audience): void;
}

/**
 * Registers the hooks in the calling `describe`; the returned object is filled in by its `before`.
 * `user` names the signed-in user in the emulator's per-user statistics.
 */
export function emulatorSuite(options: EmulatorOptions = { data: 'demo' }, user?: string): EmulatorSuite {
  const saved: Record<string, unknown> = {};
  const suite = {
    signInFor(audience: Audience) {
      suite.microsoft?.dispose();
      suite.microsoft = new FakeMicrosoftProvider((token) => suite.emulator.acceptToken(token, { audience, user }));
    },
  } as { emulator: Emulator; microsoft: FakeMicrosoftProvider; signInFor(audience: Audience): void };

  before(async () => {
    suite.emulator = await startEmulator(options);
    suite.signInFor('businesscentral');
    for (const key of SETTINGS) saved[key] = userSetting(key);
    // First pictures are set without the square question (photo.png is 64×48): the tests of that question turn it back on.
    await setUserSettings({ serviceUrl: suite.emulator.url, authentication: 'microsoft', api: 'businessCentral', environment: 'production', tenant: undefined, previewFirstPicture: false });
  });

  beforeEach(() => {
    suite.emulator.clearRequests();
    suite.emulator.clearFaults();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log('emulator saw:', suite.emulator.requests.map((r) => `${r.method} ${r.url} ${r.status} ${r.errorCode ?? ''}`).join('\n  '));
    }
  });

  after(async () => {
    suite.microsoft?.dispose();
    await setUserSettings(saved);
    await suite.emulator?.close();
  });

  return suite;
}
