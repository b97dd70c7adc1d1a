/**
 * The walkthrough checks a step off when it succeeded, read from its page in the workbench: not when a command was
 * merely opened (from the Command Palette, as a user does) and cancelled, and from the settings and stored
 * credentials as the extension reads them. The tests run in order: each checks one more step.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO } from '../emulator';
import { choose, dismiss, waitForPicker } from './support/pickers';
import { emulatorSuite, extensionLog, setUserSettings, userSetting, workspaceDir } from './support/suite';
import type { QuickInputSnapshot } from '../launch/quickInput';
import { needsUiDriver, pressKey, readQuickInput, readTexts, typeText, waitUntil } from './support/ui';

const WALKTHROUGH = 'bc-pictures.bc-customer-pictures#bcPictures.gettingStarted';
const STEP = {
  settings: 'Enter the client ID and tenant',
  signIn: 'Sign in',
  environment: 'Select the environment',
  picture: 'Add your first customer picture',
};
const CLERK = { userName: 'CLERK', key: 'Cl3rk/Key=' };
const TREY = DEMO.customer(20000); // no picture
const ALPINE = DEMO.customer(40000); // no picture

const shown = () => readTexts('.gettingStartedContainer .getting-started-step .step-title');
const checked = () => readTexts('.gettingStartedContainer .getting-started-step:has([data-done-step-id][aria-checked="true"]) .step-title');
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

/** Runs a command as a user does: from the Command Palette (VS Code sees the command run, as it does from a menu). */
async function runFromPalette(title: string): Promise<void> {
  const palette = (input: QuickInputSnapshot | null) => !!input && input.value.startsWith('>');
  const ready = (input: QuickInputSnapshot | null) => palette(input) && !!input?.rows.find((row) => row.focused)?.label.includes(title);
  let shown: QuickInputSnapshot | null = null;
  // A page that has just opened (the walkthrough) can take the focus back, and the palette closes: a person opens it again.
  for (let attempt = 1; !ready(shown); attempt++) {
    // The palette opened with the title in it, as after typing it (typed keys can land before the palette takes them).
    await vscode.commands.executeCommand('workbench.action.quickOpen', `>${title}`);
    // Enter runs the row the keyboard is on: only once that is the command.
    await waitUntil(async () => ready((shown = await readQuickInput())), `${title} is focused`, 5_000).catch((error: Error) => {
      if (attempt === 3) throw new Error(`${error.message}; the quick input shows: ${JSON.stringify(shown)}`);
    });
  }
  await pressKey('Enter');
  // On a loaded machine a key can reach the palette before its list takes keys: then it is still open, and a person presses again.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  if (palette(await readQuickInput())) await pressKey('Enter');
}

/** Waits for the quick input titled `title`, and says what was shown instead. */
async function waitForTitle(title: string, timeoutMs: number): Promise<void> {
  let shown: QuickInputSnapshot | null = null;
  await waitUntil(async () => (shown = await readQuickInput())?.title.includes(title) ?? false, `"${title}" is shown`, timeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}; the quick input shows: ${JSON.stringify(shown)}; the log ends: ${extensionLog().slice(-800)}`);
  });
}

describe('Walkthrough: a step is checked when it succeeded (UI driver)', function () {
  const suite = emulatorSuite({ data: 'demo' });
  const photo = () => vscode.Uri.file(path.join(workspaceDir(), 'photo.png'));
  let elsewhere: string;

  // Inside: its hooks run within the emulator suite's (its after, restoring the settings, runs last).
  describe('from a new window on', () => {

    before(async function () {
      if (!process.env.BC_PICTURES_UI_DRIVER) this.skip();
      // A Basic key stored for the emulator; a second address for it (same server, other name) has none.
      suite.emulator.setBasic(CLERK);
      elsewhere = suite.emulator.url.replace('127.0.0.1', 'localhost');
      await setUserSettings({ authentication: 'basic', environment: undefined });
      const signingIn = vscode.commands.executeCommand('bcPictures.switchAccount');
      await waitForPicker('userName', () => true);
      await typeText(CLERK.userName);
      await pressKey('Enter');
      await waitForPicker('accessKey', () => true);
      await typeText(CLERK.key);
      await pressKey('Enter');
      assert.equal(await signingIn, CLERK.userName);
      await setUserSettings({ serviceUrl: elsewhere });
      await settle();
      // Whatever earlier suites did: no step checked.
      await vscode.commands.executeCommand('resetGettingStartedProgress');
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
      await waitUntil(async () => (await shown()).includes(STEP.picture), 'the walkthrough shows its steps');
      await settle();
    });

    beforeEach(function () {
      needsUiDriver(this);
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await setUserSettings({ authentication: 'basic', serviceUrl: suite.emulator.url });
      await vscode.commands.executeCommand('bcPictures.forgetCredentials');
      suite.emulator.setBasic(undefined);
    });

    it('shows no step checked before anything was done', async () => {
      assert.deepEqual(await shown(), [STEP.settings, STEP.signIn, STEP.environment, STEP.picture], 'on-premises: no app registration');
      assert.deepEqual(await checked(), []);
    });

    it('leaves Sign in and the picture unchecked when Add as Customer Picture… is opened from the palette and cancelled', async () => {
      await runFromPalette('Business Central: Add as Customer Picture…');
      // The file dialog is a quick input that follows the palette's; on a loaded machine it takes a while.
      await waitForTitle('Choose the image to use as a customer picture', 30_000);
      await dismiss();
      await settle();
      assert.deepEqual(await checked(), []);
    });

    it('leaves Sign in and the picture unchecked when Add as Customer Picture… is cancelled at the sign-in', async () => {
      const running = vscode.commands.executeCommand('bcPictures.addPicture', photo());
      await waitForPicker('userName', () => true);
      await dismiss();
      assert.equal(await running, undefined);
      await settle();
      assert.deepEqual(await checked(), []);
    });

    it('checks the settings and Sign in for a configured Basic setup with a stored key, without a request', async () => {
      suite.emulator.clearRequests();
      await setUserSettings({ serviceUrl: suite.emulator.url });
      await waitUntil(async () => (await checked()).length === 2, 'two steps are checked');
      assert.deepEqual(await checked(), [STEP.settings, STEP.signIn]);
      assert.equal(suite.emulator.requests.length, 0, 'read from the settings and the secret storage only');
    });

    it('leaves the picture unchecked when the customer picker is dismissed, and checks it once a picture is set', async () => {
      const cancelled = vscode.commands.executeCommand('bcPictures.addPicture', photo(), undefined, { companyId: DEMO.cronusId });
      await waitForPicker('customer');
      await dismiss();
      assert.equal(await cancelled, undefined);
      await settle();
      assert.ok(!(await checked()).includes(STEP.picture), 'checked although nothing was set');
      const result = await vscode.commands.executeCommand('bcPictures.addPicture', photo(), undefined, { companyId: DEMO.cronusId, customerId: TREY });
      assert.ok(result, 'the picture was set');
      await waitUntil(async () => (await checked()).includes(STEP.picture), 'the picture step is checked');
    });

    it('leaves the environment unchecked when Select Environment… is dismissed, and checks it once one is chosen', async () => {
      // The environment list is Business Central online's: signed in with Microsoft.
      await setUserSettings({ authentication: 'microsoft' });
      await runFromPalette('Business Central: Select Environment…');
      await waitForPicker('environment');
      await dismiss();
      await settle();
      assert.ok(!(await checked()).includes(STEP.environment), 'checked although nothing was chosen');
      const chosen = vscode.commands.executeCommand('bcPictures.selectEnvironment');
      await waitForPicker('environment');
      await choose(0);
      assert.equal(await chosen, 'production');
      assert.equal(userSetting('environment'), 'production');
      await waitUntil(async () => (await checked()).includes(STEP.environment), 'the environment step is checked');
    });

    it('checks a step done while the walkthrough was closed, when it is opened again', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('resetGettingStartedProgress');
      const result = await vscode.commands.executeCommand('bcPictures.addPicture', photo(), undefined, { companyId: DEMO.cronusId, customerId: ALPINE });
      assert.ok(result, 'the picture was set');
      await settle();
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
      await waitUntil(async () => (await shown()).includes(STEP.picture), 'the walkthrough shows its steps');
      await waitUntil(async () => (await checked()).includes(STEP.picture), 'the picture step is checked');
    });
  });
});
