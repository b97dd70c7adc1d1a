/**
 * Nothing lost on replace, in a real extension host against the emulator over loopback: the picture a customer had
 * is kept before it is replaced or removed, and Undo, Undo All and Restore Previous Picture… put back its exact bytes.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO, makePng } from '../emulator';
import { formatBytes } from '../../src/images';
import { choose, waitForPicker } from './support/pickers';
import { emulatorSuite, extensionLog, setUserSettings, workspaceDir } from './support/suite';
import { click, needsUiDriver, readTexts, waitUntil } from './support/ui';

const BIG = DEMO.bigCompanyId;
const ADATUM = DEMO.customer(10000); // PNG 64×48
const SCHOOL = DEMO.customer(30000); // JPEG 16×12
const PNG_CUSTOMER = DEMO.customer(60000); // PNG 32×32

interface BulkResult {
  done: string[];
  failed: { customerNumber: string; reason: string }[];
  summary: string;
}

const sha256 = (bytes: Uint8Array | undefined) => (bytes ? createHash('sha256').update(bytes).digest('hex') : 'none');
const number = (n: number) => `C${String(n).padStart(6, '0')}`;
const photo = () => vscode.Uri.file(path.join(workspaceDir(), 'photo.png'));
const toasts = async () => (await readTexts('.notifications-toasts')).join(' ');

/**
 * What the notifications say, where one says `text`: the toasts, or else the notification center (a toast can be held
 * back by the workbench right after the earlier ones were cleared, while the notification is there). Undefined if none.
 */
async function notification(text: string): Promise<string | undefined> {
  const shown = await toasts();
  if (shown.includes(text)) return shown;
  await vscode.commands.executeCommand('notifications.showList');
  try {
    const listed = (await readTexts('.notifications-center')).join(' ');
    return listed.includes(text) ? listed : undefined;
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

/** Waits for a notification saying `text`, and gives what the notifications then say. */
async function waitForNotification(text: string): Promise<string> {
  let said: string | undefined;
  await waitUntil(async () => (said = await notification(text)) !== undefined, `a notification says "${text}"`, 20_000);
  return said!;
}

/** Clicks a notification's button until `done` holds: in its toast, or in the notification center where the toast is held back. */
async function clickUntil(button: string, done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await waitForNotification(button);
  // A click on a toast still sliding in can miss on a busy machine: a person would click again.
  for (let attempt = 0; attempt < 4 && !(await done()); attempt++) {
    if ((await toasts()).includes(button)) {
      await click(`.notifications-toasts .monaco-button:text-is("${button}")`).catch(() => undefined);
    } else {
      await vscode.commands.executeCommand('notifications.showList');
      await click(`.notifications-center .monaco-button:text-is("${button}")`).catch(() => undefined);
      await vscode.commands.executeCommand('notifications.hideList');
    }
    await waitUntil(async () => await done(), what, 8_000).catch(() => undefined);
  }
  assert.ok(await done(), what);
}

describe('Nothing lost on replace: kept pictures, Undo, Undo All and Restore Previous Picture', function () {
  const suite = emulatorSuite({ data: 'demo', bigCompany: 40 }, 'kept-ada');
  const cronus = () => suite.emulator.data.company(DEMO.cronusId)!.customers;
  const big = () => suite.emulator.data.company(BIG)!.customers;
  const idOf = (n: number) => big().all()[n - 1].id;
  const contentGets = (customerId?: string) =>
    suite.emulator.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/picture/pictureContent') && (!customerId || r.path.includes(`customers(${customerId})`)));
  const patches = () => suite.emulator.requests.filter((r) => r.method === 'PATCH');
  let folders = 0;

  beforeEach(async function () {
    needsUiDriver(this);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  afterEach(async function () {
    // What the user saw, and the extension's last log lines, beside the requests the suite prints.
    if (this.currentTest?.state === 'failed') console.log('toasts shown:', await toasts(), '\nlast of the log:', extensionLog().split('\n').slice(-15).join('\n'));
  });

  after(async () => {
    await setUserSettings({ keepReplacedPictures: undefined });
    for (let n = 1; n <= folders; n++) fs.rmSync(path.join(workspaceDir(), `kept-${process.pid}-${n}`), { recursive: true, force: true });
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('replace, then Undo in the notification: the picture is back byte for byte; its own Undo sets the new one again', async () => {
    const before = cronus().picture(ADATUM).bytes!;
    const adding = vscode.commands.executeCommand('bcPictures.addPicture', photo(), undefined, { companyId: DEMO.cronusId, customerId: ADATUM });
    const replace = await waitForPicker('replace');
    // The confirmation's size is the downloaded picture's: one GET of it, kept with the same bytes.
    assert.match(replace.placeholder, new RegExp(`^Current: PNG, 64×48, ${formatBytes(before.length)}\\.`));
    await choose(1);
    assert.ok(await adding, 'the new picture was set');
    assert.equal(contentGets(ADATUM).length, 1, 'the current picture downloaded once, for the confirmation and for keeping');
    assert.equal(sha256(cronus().picture(ADATUM).bytes), sha256(fs.readFileSync(photo().fsPath)));

    await clickUntil('Undo', () => sha256(cronus().picture(ADATUM).bytes) === sha256(before), 'Undo puts back the picture it had');
    await waitForNotification('Picture of Adatum Corporation (10000) in CRONUS USA, Inc. put back as it was on');
    // The undo kept the picture it replaced: undoing it sets the new one again.
    await clickUntil('Undo', () => sha256(cronus().picture(ADATUM).bytes) === sha256(fs.readFileSync(photo().fsPath)), 'the Undo of the undo sets the new picture again');
    // Leave Adatum as the demo has it, for the suites after this one.
    cronus().setPicture(ADATUM, before);
  });

  it('remove, then Restore Previous Picture…: the list shows the kept picture (date, type, pixels, bytes) and puts back its bytes', async () => {
    const before = cronus().picture(PNG_CUSTOMER).bytes!;
    const removing = vscode.commands.executeCommand<boolean>('bcPictures.removePicture', { companyId: DEMO.cronusId, customerId: PNG_CUSTOMER });
    await waitForPicker('remove');
    await choose(1);
    assert.equal(await removing, true);
    assert.equal(cronus().picture(PNG_CUSTOMER).bytes, undefined, 'removed');
    assert.match(await waitForNotification('removed.'), /\bUndo\b/, 'the removal is announced with Undo');

    const restoring = vscode.commands.executeCommand<{ width: number; contentType: string } | undefined>('bcPictures.restorePicture', { companyId: DEMO.cronusId, customerId: PNG_CUSTOMER });
    const list = await waitForPicker('kept');
    assert.match(list.title, /^Restore a Previous Picture of .+ \(60000\)$/);
    const [newest] = list.rows;
    assert.match(newest.label, /\d{4}/, `a date: ${newest.label}`);
    assert.equal(newest.description, `PNG, 32×32, ${formatBytes(before.length)}`);
    assert.equal(newest.detail, `${before.length} bytes, kept on this computer`);
    await choose(0);
    const restored = await restoring;
    assert.deepEqual([restored?.width, restored?.contentType], [32, 'image/png']);
    assert.equal(sha256(cronus().picture(PNG_CUSTOMER).bytes), sha256(before), 'the exact bytes are back');
  });

  it('a customer without kept pictures is told so, and nothing is sent', async () => {
    const result = await vscode.commands.executeCommand('bcPictures.restorePicture', { companyId: DEMO.cronusId, customerId: DEMO.customer(40000) });
    assert.equal(result, undefined);
    await waitForNotification('No earlier picture of');
    assert.equal(patches().length, 0);
  });

  it('a picture that cannot be kept is not replaced silently: the user is asked, and "Don\'t replace it" (first) sends nothing', async () => {
    const before = cronus().picture(SCHOOL).version;
    suite.emulator.fault({ method: 'GET', path: `customers(${SCHOOL})/picture/pictureContent`, kind: 'status', status: 500, times: 1 });
    const adding = vscode.commands.executeCommand('bcPictures.addPicture', photo(), undefined, { companyId: DEMO.cronusId, customerId: SCHOOL });
    await waitForPicker('replace');
    await choose(1);
    const asked = await waitForPicker('keepFailed');
    assert.match(asked.title, /^The current picture of .+ \(30000\) could not be kept\. Replace it anyway\?$/);
    assert.match(asked.placeholder, /^Could not keep it: /);
    assert.deepEqual(asked.rows.map((row) => [row.label, row.focused]), [["Don't replace it", true], ['Replace it anyway', false]]);
    await choose(0);
    assert.equal(await adding, undefined);
    assert.equal(patches().length, 0);
    assert.equal(cronus().picture(SCHOOL).version, before);
  });

  describe('many pictures by customer number', () => {
    beforeEach(() => {
      for (let n = 1; n <= 10; n++) big().deletePicture(idOf(n));
      for (let n = 4; n <= 6; n++) big().setPicture(idOf(n), makePng(40 + n, 30, 200 + n));
    });

    /** C000001–C000003 have no picture, C000004–C000006 have one: a file each. */
    function makeFolder(): vscode.Uri {
      const folder = path.join(workspaceDir(), `kept-${process.pid}-${++folders}`);
      fs.mkdirSync(folder, { recursive: true });
      for (let n = 1; n <= 6; n++) fs.writeFileSync(path.join(folder, `${number(n)}.png`), makePng(12 + n, 9, n));
      return vscode.Uri.file(folder);
    }
    const run = (folder: vscode.Uri) =>
      vscode.commands.executeCommand<BulkResult | undefined>('bcPictures.addPicturesByNumber', folder, undefined, { companyId: BIG, existing: 'replace' }) as Promise<BulkResult | undefined>;

    it('the plan says replaced pictures are kept first, one GET each; Undo All asks, then puts back every replaced picture and removes the new ones', async () => {
      const old = new Map([4, 5, 6].map((n) => [n, sha256(big().picture(idOf(n)).bytes)]));
      const running = run(makeFolder());
      const plan = await waitForPicker('plan');
      const replacing = plan.rows.filter((row) => row.label === `${number(4)}.png`)[0];
      assert.match(replacing.detail, /Its current picture is downloaded and kept on this computer first \(one more request\)\.$/);
      await choose(0);
      const result = (await running)!;
      assert.equal(result.done.length, 6, result.summary);
      assert.deepEqual(
        contentGets().map((r) => big().get(r.path.match(/customers\(([^)]+)\)/)![1])!.number).sort(),
        [number(4), number(5), number(6)],
        'one GET of the content per replaced picture, none for the new ones',
      );

      await clickUntil('Undo All', async () => (await readTexts('.quick-input-widget')).join(' ').includes('Undo the pictures just set'), 'Undo All asks first');
      const asked = await waitForPicker('undoAll');
      assert.equal(asked.title, 'Undo the pictures just set for 6 customers of Big Tenant Ltd.?');
      assert.equal(asked.placeholder, '3 customers get their previous picture back; 3 customers that had no picture lose the new one');
      assert.equal(asked.rows[0].label, 'Keep the new pictures', 'keeping them is the first choice');
      await choose(1);
      await waitForNotification('Big Tenant Ltd.: previous pictures back for 3 customers, new pictures removed for 3.');
      for (const n of [4, 5, 6]) assert.equal(sha256(big().picture(idOf(n)).bytes), old.get(n), `${number(n)} has its old bytes`);
      for (const n of [1, 2, 3]) assert.equal(big().picture(idOf(n)).width, 0, `${number(n)} has no picture again`);
    });

    it('a picture that cannot be kept fails that customer with the reason, nothing sent for it; the rest go on', async () => {
      suite.emulator.fault({ method: 'GET', path: `customers(${idOf(5)})/picture/pictureContent`, kind: 'status', status: 500, times: 1 });
      const before = big().picture(idOf(5)).version;
      const running = run(makeFolder());
      await waitForPicker('plan');
      await choose(0);
      const result = (await running)!;
      assert.deepEqual(result.failed.map((f) => f.customerNumber), [number(5)]);
      assert.match(result.failed[0].reason, /^Could not keep its current picture: .+; nothing was changed\.$/);
      assert.equal(result.done.length, 5);
      assert.ok(!patches().some((p) => p.path.includes(`customers(${idOf(5)})`)), 'no upload for it');
      assert.equal(big().picture(idOf(5)).version, before);
    });

    it('with keeping off, replacing sends no GET to keep pictures and offers no Undo All; a single replace offers no Undo', async () => {
      await setUserSettings({ keepReplacedPictures: false });
      try {
        const running = run(makeFolder());
        const plan = await waitForPicker('plan');
        assert.doesNotMatch(plan.rows.map((row) => row.detail).join(' '), /kept on this computer/);
        await choose(0);
        const result = (await running)!;
        assert.equal(result.done.length, 6);
        assert.equal(contentGets().length, 0, 'no picture downloaded');
        assert.doesNotMatch(await waitForNotification('pictures set for 6 customers'), /Undo All/);

        await vscode.commands.executeCommand('notifications.clearAll');
        suite.emulator.clearRequests();
        const adding = vscode.commands.executeCommand('bcPictures.addPicture', photo(), undefined, { companyId: BIG, customerId: idOf(4) });
        await waitForPicker('replace');
        await choose(1);
        assert.ok(await adding);
        // The success with its buttons, none of them Undo.
        assert.doesNotMatch(await waitForNotification('Show Picture'), /\bUndo\b/);
        // One GET of the current picture, for the preview beside the confirmation; it is kept nowhere.
        assert.equal(contentGets().length, 1);
      } finally {
        await setUserSettings({ keepReplacedPictures: undefined });
      }
    });
  });
});
