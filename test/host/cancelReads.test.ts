/**
 * Every read the user waits for can be stopped: a slow company list or download shows a notification with Cancel
 * after a moment, and the click aborts the request (the emulator sees the connection close) with no error shown.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO } from '../emulator';
import { emulatorSuite } from './support/suite';
import { click, needsUiDriver, readTexts, waitUntil } from './support/ui';

describe('Cancelling a slow read (UI driver)', function () {
  const suite = emulatorSuite({ data: 'demo' });

  beforeEach(async function () {
    needsUiDriver(this);
    // Earlier suites' notifications would be read as this one's.
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  afterEach(async () => {
    suite.emulator.releaseHeld();
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  const toasts = async () => (await readTexts('.notifications-toasts')).join(' ');

  async function cancelHeld(command: Thenable<unknown>, path: string, title: string): Promise<unknown> {
    await suite.emulator.waitForHeld(1);
    await waitUntil(async () => (await toasts()).includes(title), `the notification "${title}" shows`);
    await click('.notifications-toasts .monaco-button:has-text("Cancel")');
    const held = () => suite.emulator.requests.find((r) => r.path.endsWith(path) && r.method === 'GET');
    // Aborted by the client while the emulator still holds it: the connection closed without an answer.
    await waitUntil(async () => held()?.endedAt !== undefined, 'the held request is aborted');
    assert.equal(held()!.status, 0, 'no answer was sent');
    const result = await command;
    const shown = await toasts();
    assert.doesNotMatch(shown, /went wrong|Could not reach|was cancelled/i, `a cancel is quiet: ${shown}`);
    return result;
  }

  it('cancels the company list from its notification', async () => {
    suite.emulator.fault({ method: 'GET', path: '/companies?', kind: 'hold' });
    const running = vscode.commands.executeCommand('bcPictures.showPicture');
    assert.equal(await cancelHeld(running, '/companies', 'Loading Business Central companies…'), undefined);
  });

  it('cancels a picture download from its notification', async () => {
    suite.emulator.fault({ method: 'GET', path: 'pictureContent', kind: 'hold' });
    const running = vscode.commands.executeCommand('bcPictures.showPicture', { companyId: DEMO.cronusId, customerId: DEMO.customer(10000) });
    assert.equal(await cancelHeld(running, '/pictureContent', 'Downloading the picture of'), undefined);
  });
});
