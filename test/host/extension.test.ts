/**
 * Foundation suite, run inside a real extension host (see test/host/index.ts,
 * which runs this file first): the extension stays inactive until its command
 * runs, the command inspects a real image and refuses a file that only has an
 * image's name.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspaceDir } from './support/suite';

const EXTENSION_ID = 'bc-pictures.bc-customer-pictures';
const COMMAND = 'bcPictures.addPicture';

/**
 * A stand-in for VS Code's Microsoft sign-in (the launcher leaves the built-in
 * provider out): it records the scopes it is asked for and refuses, as a user
 * who closes the sign-in would. Being asked proves the command accepted the
 * image and went on to sign in; nothing is sent anywhere.
 */
class RefusingMicrosoftProvider implements vscode.AuthenticationProvider {
  readonly requests: string[][] = [];
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;

  getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    if (!scopes || scopes.length === 0) {
      // The workbench itself (the Accounts menu) lists all sessions.
      return Promise.resolve([]);
    }
    this.requests.push([...scopes]);
    return Promise.reject(new Error('Sign-in cancelled by the foundation test'));
  }
  createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    this.requests.push([...scopes]);
    return Promise.reject(new Error('Sign-in cancelled by the foundation test'));
  }
  removeSession(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.changed.dispose();
  }
}

function fixture(...segments: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), ...segments));
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
  return ext;
}

/** Runs the command the way the Explorer context menu does, with the clicked file. */
function addPicture(uri: vscode.Uri): Thenable<unknown> {
  return vscode.commands.executeCommand(COMMAND, uri, [uri]);
}

describe('Foundation: activation and the Add as Customer Picture command', () => {
  const provider = new RefusingMicrosoftProvider();
  const disposables: vscode.Disposable[] = [];

  after(() => {
    for (const disposable of disposables.splice(0)) {
      disposable.dispose();
    }
    provider.dispose();
  });

  it('is not active before its command runs', () => {
    assert.equal(extension().isActive, false, 'something activated the extension before its command ran');
  });

  it('contributes the command with a title and category, activated by the command only', () => {
    const manifest = extension().packageJSON as {
      activationEvents?: string[];
      contributes?: { commands?: { command: string; title: string; category?: string }[] };
    };
    const command = manifest.contributes?.commands?.find((c) => c.command === COMMAND);
    assert.ok(command, `${COMMAND} is not in contributes.commands`);
    assert.ok(command.title, 'the command has no title');
    assert.ok(command.category, 'the command has no category');
    // Opening a `bc-picture:` file (a preview restored after a reload) is not eager: it needs the extension.
    const eager = (manifest.activationEvents ?? []).filter((event) => !event.startsWith('onCommand:') && event !== 'onFileSystem:bc-picture');
    assert.deepEqual(eager, [], 'activation events other than the commands');
  });

  it('opens the test workspace', () => {
    for (const name of ['photo.png', 'photo.JPG', 'notes.txt', 'not-an-image.png', path.join('images', 'logo.gif')]) {
      assert.ok(fs.existsSync(fixture(name).fsPath), `${name} is missing from ${workspaceDir()}`);
    }
  });

  it('refuses a text file named .png: returns undefined without throwing, and does not ask to sign in', async () => {
    disposables.push(vscode.authentication.registerAuthenticationProvider('microsoft', 'Microsoft (test)', provider));
    const result = await addPicture(fixture('not-an-image.png'));
    assert.equal(result, undefined);
    assert.deepEqual(provider.requests, [], 'the command asked to sign in for a file that is not an image');
  });

  it('is active after its command ran, and the command is registered', async () => {
    assert.equal(extension().isActive, true);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND), `${COMMAND} is not among the registered commands`);
  });

  it('refuses a file that does not exist, and a text file: returns undefined without throwing', async () => {
    assert.equal(await addPicture(fixture('missing.png')), undefined);
    assert.equal(await addPicture(fixture('notes.txt')), undefined);
    assert.deepEqual(provider.requests, [], 'the command asked to sign in for a file that is not an image');
  });

  for (const name of ['photo.png', 'photo.JPG', path.join('images', 'logo.gif')]) {
    it(`accepts the image ${name} and goes on to sign in (refused here: returns undefined)`, async () => {
      const before = provider.requests.length;
      const result = await addPicture(fixture(name));
      assert.equal(result, undefined, 'the command went on although sign-in was refused');
      const asked = provider.requests.slice(before);
      assert.ok(asked.length > 0, `the command did not ask to sign in for ${name}: was the image refused?`);
      assert.ok(
        asked.every((scopes) => scopes.some((scope) => /\/Financials\.ReadWrite\.All$/.test(scope))),
        `unexpected scopes: ${JSON.stringify(asked)}`,
      );
    });
  }
});
