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

const EXTENSION_ID = 'bc-pictures.bc-customer-pictures';
const COMMAND = 'bcPictures.addPicture';

/** What the command returns in the foundation phase: the image's inspection. */
interface Inspection {
  readonly format: string;
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
  readonly byteSize: number;
}

/** The test workspace: a throwaway copy of test/fixtures/workspace made by the launcher. */
function workspaceDir(): string {
  const fromLauncher = process.env.BC_PICTURES_TEST_WORKSPACE;
  if (fromLauncher) {
    return fromLauncher;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (the launcher opens test/fixtures/workspace)');
  return folder.uri.fsPath;
}

function fixture(...segments: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), ...segments));
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
  return ext;
}

describe('Foundation: activation and the Add as Customer Picture command', () => {
  it('is not active before its command runs', () => {
    assert.equal(extension().isActive, false, 'something activated the extension before its command ran');
  });

  it('contributes the command with its title and category', () => {
    const contributes = (extension().packageJSON as { contributes?: { commands?: unknown } }).contributes;
    const commands = (contributes?.commands ?? []) as { command: string; title: string; category?: string }[];
    const command = commands.find((c) => c.command === COMMAND);
    assert.ok(command, `${COMMAND} is not in contributes.commands`);
    assert.ok(command.category, 'the command has no category');
  });

  it('opens the test workspace', () => {
    assert.ok(fs.existsSync(fixture('photo.png').fsPath), `photo.png is missing from ${workspaceDir()}`);
  });

  it('inspects photo.png: a 64×48 PNG', async () => {
    const uri = fixture('photo.png');
    const result = await vscode.commands.executeCommand<Inspection | undefined>(COMMAND, uri);
    assert.ok(result, 'the command returned nothing for a valid PNG');
    assert.equal(result.width, 64);
    assert.equal(result.height, 48);
    assert.match(result.format, /png/i);
    assert.equal(result.mimeType, 'image/png');
    assert.equal(result.byteSize, fs.statSync(uri.fsPath).size);
  });

  it('is active after its command ran, and the command is registered', async () => {
    assert.equal(extension().isActive, true);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND), `${COMMAND} is not among the registered commands`);
  });

  it('inspects photo.JPG (upper-case extension): a 32×24 JPEG', async () => {
    const result = await vscode.commands.executeCommand<Inspection | undefined>(COMMAND, fixture('photo.JPG'));
    assert.ok(result, 'the command returned nothing for a valid JPEG');
    assert.deepEqual([result.width, result.height, result.mimeType], [32, 24, 'image/jpeg']);
  });

  it('inspects an image in a sub-folder (images/logo.gif)', async () => {
    const result = await vscode.commands.executeCommand<Inspection | undefined>(COMMAND, fixture('images', 'logo.gif'));
    assert.ok(result, 'the command returned nothing for a valid GIF');
    assert.deepEqual([result.width, result.height, result.mimeType], [16, 16, 'image/gif']);
  });

  it('returns undefined, without throwing, for a text file named .png', async () => {
    const result = await vscode.commands.executeCommand<Inspection | undefined>(COMMAND, fixture('not-an-image.png'));
    assert.equal(result, undefined);
  });

  it('returns undefined, without throwing, for a file that does not exist', async () => {
    const result = await vscode.commands.executeCommand<Inspection | undefined>(COMMAND, fixture('missing.png'));
    assert.equal(result, undefined);
  });
});
