/**
 * A many-pictures job cut short by a window reload, and resumed, in the real workbench. The emulator runs in a
 * process of its own (the online profile: the service's time per request), so it lives on when the extension host
 * ends; its request log tells what reached it. The first test reloads the window mid-job; the test entry then runs
 * the second in the new extension host (support/reload.ts), and this file runs last for that reason.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bigCustomers, DEMO, makePng } from '../emulator';
import { choose, dismiss, waitForPicker } from './support/pickers';
import { reloadWindow, stateAfterReload } from './support/reload';
import { extensionLog, setUserSettings, workspaceDir } from './support/suite';
import { click, needsUiDriver, pressKey, readTexts, typeText, waitUntil } from './support/ui';

const PICTURES = 200;
const RELOAD_AFTER = 60;
const CONCURRENT = 4;
const USER = 'RELOAD';
const KEY = 'Rel0ad/Key=';
const number = (n: number) => `C${String(n).padStart(6, '0')}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the first half leaves for the second. */
interface Left {
  readonly url: string;
  readonly pid: number;
  readonly requestLog: string;
  readonly folder: string;
  readonly settings: Record<string, unknown>;
  /** The customer numbers the plan listed and the job set out to set. */
  readonly planned: readonly string[];
}

/** The PATCH of each picture the emulator saw, by customer id, from its request log (one line per request ended). */
function patchesByCustomer(requestLog: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, id] of fs.readFileSync(requestLog, 'utf8').matchAll(/ PATCH \S*\/customers\(([0-9a-f-]+)\)\/picture\/pictureContent /g)) {
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Starts the emulator in a process of its own, which stops by itself after a while if the second half never runs. */
async function startEmulatorProcess(requestLog: string): Promise<{ url: string; pid: number }> {
  const cli = path.join(__dirname, '..', 'emulator', 'cli.js');
  const out = fs.openSync(requestLog, 'w');
  const child = spawn(process.execPath, [cli, '--profile', 'online', '--big', String(PICTURES), '--user', USER, '--key', KEY, '--lifetime', '300'], {
    detached: true,
    stdio: ['ignore', out, 'inherit'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  child.unref();
  fs.closeSync(out);
  let url: string | undefined;
  await waitUntil(async () => (url = /listening on (http:\/\/\S+)/.exec(fs.readFileSync(requestLog, 'utf8'))?.[1]) !== undefined, 'the emulator listens', 20_000);
  return { url: url!, pid: child.pid! };
}

describe('Resume a job of many pictures cut short by a reload (UI driver)', function () {
  this.timeout(120_000);

  it('before the reload: a job of 200 pictures on the online profile is under way when the window reloads', async function () {
    needsUiDriver(this);
    const root = path.dirname(workspaceDir());
    const requestLog = path.join(root, 'resume-emulator.log');
    const { url, pid } = await startEmulatorProcess(requestLog);
    const configuration = vscode.workspace.getConfiguration('bcPictures');
    const settings = Object.fromEntries(['serviceUrl', 'authentication', 'maxConcurrentUploads'].map((key) => [key, configuration.inspect(key)?.globalValue]));
    await setUserSettings({ serviceUrl: url, authentication: 'basic', maxConcurrentUploads: CONCURRENT });
    const folder = path.join(workspaceDir(), 'resume-pictures');
    fs.mkdirSync(folder, { recursive: true });
    for (let n = 1; n <= PICTURES; n++) fs.writeFileSync(path.join(folder, `${number(n)}.png`), makePng(8 + (n % 17), 6 + (n % 11), n));

    void vscode.commands.executeCommand('bcPictures.addPicturesByNumber', vscode.Uri.file(folder), undefined, { companyId: DEMO.bigCompanyId });
    // Signed in as a user does, at the first request.
    await waitForPicker('userName', () => true, 30_000);
    await typeText(USER);
    await pressKey('Enter');
    await waitForPicker('accessKey', () => true);
    await typeText(KEY);
    await pressKey('Enter');
    // The customers that can take a picture (the plan lists only those; some of the company's are blocked).
    const plan = await waitForPicker('plan', (picker) => picker.items.length > PICTURES / 2, 60_000);
    const planned = plan.items.map((file) => file.replace(/\.png$/, ''));
    await choose(0);
    // Mid-job: some pictures set, most not yet.
    await waitUntil(async () => [...patchesByCustomer(requestLog).values()].length >= RELOAD_AFTER, `${RELOAD_AFTER} pictures are sent`, 60_000);
    const patchesAtReload = [...patchesByCustomer(requestLog).values()].length;
    assert.ok(patchesAtReload < planned.length, 'the job was still under way');
    await reloadWindow({ url, pid, requestLog, folder, settings, planned } satisfies Left);
  });

  it('after the reload: the next command offers the job; Resume sets every picture, each its file, and sends again at most what was in flight', async function () {
    const left = stateAfterReload<Left>();
    if (!left) this.skip();
    try {
      // The next command: Show Customer Picture, dismissed at its company picker.
      const showing = vscode.commands.executeCommand('bcPictures.showPicture');
      await waitForPicker('company');
      await dismiss();
      await showing;
      await click('.notifications-toasts .monaco-button:has-text("Resume")');
      const ids = new Map(bigCustomers(PICTURES).map((customer) => [customer.number, customer.id]));
      // The summary the user sees covers the whole job: the pictures set before the reload and after it.
      let toasts: string[] = [];
      const all = left.planned.length;
      await waitUntil(async () => (toasts = await readTexts('.notifications-toasts .notification-list-item-message')).some((text) => text.includes(`pictures set for ${all} customers`)), `the summary names all ${all}`, 90_000).catch((error: Error) => {
        throw new Error(`${error.message}; notifications: ${toasts.join(' | ')}; the log ends: ${extensionLog().slice(-1500)}`);
      });
      assert.match(extensionLog(), new RegExp(`Resuming the job of ${all} pictures for Big Tenant Ltd\\.: \\d+ settled, \\d+ to send`));

      const patches = patchesByCustomer(left.requestLog);
      const again = [...patches.values()].reduce((sum, count) => sum + count - 1, 0);
      const resumed = new RegExp(`Resuming the job of ${all} pictures for Big Tenant Ltd\\.: (\\d+) settled, (\\d+) to send`).exec(extensionLog());
      console.log(`      (${resumed?.[1]} settled before the reload, ${resumed?.[2]} sent after it, ${again} sent again)`);
      assert.ok(again <= CONCURRENT, `sent again: ${again}, more than the ${CONCURRENT} uploads that can have been in flight at the reload`);
      // What the service stores is each customer's own file, byte for byte.
      const authorization = `Basic ${Buffer.from(`${USER}:${KEY}`).toString('base64')}`;
      const base = `${left.url}/v2.0/production/api/v2.0/companies(${DEMO.bigCompanyId})`;
      assert.deepEqual([...patches.keys()].sort(), left.planned.map((n) => ids.get(n)).sort(), 'sent to the planned customers, and only to them');
      for (const n of left.planned) {
        const response = await fetch(`${base}/customers(${ids.get(n)})/picture/pictureContent`, { headers: { authorization } });
        assert.equal(response.status, 200, `${n}: ${response.status}`);
        const stored = new Uint8Array(await response.arrayBuffer());
        assert.equal(sha256(stored), sha256(fs.readFileSync(path.join(left.folder, `${n}.png`))), `${n} holds its own file`);
      }
    } finally {
      await setUserSettings(left!.settings);
      try {
        process.kill(left!.pid);
      } catch {
        // Stopped by itself already.
      }
    }
  });
});
