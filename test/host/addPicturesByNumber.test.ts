/**
 * Many pictures at once, by customer number, in a real extension host against the emulator over loopback:
 * the plan, the exact uploads, throttling, the bound on requests in flight, cancelling, retrying, the report.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO, makePng, SAMPLE_JPEG, type RecordedRequest } from '../emulator';
import { choose, chooseLabel, dismiss, waitForPicker } from './support/pickers';
import { emulatorSuite, extensionLog, setUserSettings, workspaceDir } from './support/suite';
import { click, needsUiDriver, waitUntil } from './support/ui';

const COMMAND = 'bcPictures.addPicturesByNumber';
const USER = 'bulk-ada';
const BIG = DEMO.bigCompanyId;

interface BulkResult {
  companyId: string;
  done: string[];
  skipped: string[];
  notStarted: string[];
  failed: { file: string; uri: string; customerNumber: string; reason: string; mayBeSet?: boolean }[];
  leftOut: { file: string; reason: string }[];
  cancelled: boolean;
  reportUri?: string;
  summary: string;
}

const number = (n: number) => `C${String(n).padStart(6, '0')}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sorted = (values: readonly string[]) => [...values].sort();

/** The most requests the service had from us at once, from the recorded start and end times. */
function peakInFlight(requests: readonly RecordedRequest[]): number {
  return Math.max(0, ...requests.map((r) => requests.filter((o) => o.startedAt <= r.startedAt && (o.endedAt ?? Infinity) > r.startedAt).length));
}

describe('Add Pictures by Customer Number', function () {
  const suite = emulatorSuite({ data: 'demo', bigCompany: 200 }, USER);
  let folders = 0;

  const customers = () => suite.emulator.data.company(BIG)!.customers;
  const idOf = (n: number) => customers().all()[n - 1].id;
  const patches = () => suite.emulator.requests.filter((r) => r.method === 'PATCH');
  const numberOfPatch = (p: RecordedRequest) => customers().get(p.path.match(/customers\(([^)]+)\)/)![1])!.number;

  /**
   * A folder of 30 images: 20 for customers without a picture (C000001–C000020, some names in lower case),
   * 3 for customers with one (C000021–C000023), 5 with no customer, 2 refused (C000024 empty, C000025 text),
   * and 2 other files and a subfolder that are not read. Returns the bytes per customer number.
   */
  function makeFolder(): { folder: vscode.Uri; bytes: Map<string, Buffer>; files: string[] } {
    const folder = path.join(workspaceDir(), `bulk-${process.pid}-${++folders}`);
    fs.mkdirSync(path.join(folder, 'older'), { recursive: true });
    const photo = fs.readFileSync(path.join(workspaceDir(), 'photo.png'));
    const bytes = new Map<string, Buffer>();
    const write = (name: string, content: Buffer | string) => fs.writeFileSync(path.join(folder, name), content);
    for (let n = 1; n <= 23; n++) {
      const content = n % 5 === 0 ? photo : n % 7 === 0 ? SAMPLE_JPEG : makePng(10 + n, 8 + (n % 4), n);
      const extension = content === SAMPLE_JPEG ? 'jpg' : 'png';
      write(`${n % 3 === 0 ? number(n).toLowerCase() : number(n)}.${extension}`, content);
      bytes.set(number(n), content);
    }
    for (const name of ['99999.png', 'C999999.png', 'logo.png', 'C00001.png', 'C0000001.png']) write(name, makePng(6, 6, name.length));
    write(`${number(24)}.png`, Buffer.alloc(0));
    write(`${number(25)}.png`, 'This is a text file, not a picture.\n');
    write('notes.txt', 'not a picture');
    write('prices.csv', 'a,b\n');
    write(path.join('older', `${number(26)}.png`), makePng(4, 4, 26));
    return { folder: vscode.Uri.file(folder), bytes, files: fs.readdirSync(folder) };
  }

  /** The file makeFolder writes for customer n (1–23). */
  const fileOf = (n: number) => `${n % 3 === 0 ? number(n).toLowerCase() : number(n)}.${n % 7 === 0 && n % 5 !== 0 ? 'jpg' : 'png'}`;
  const ready = () => Array.from({ length: 20 }, (_, i) => fileOf(i + 1));

  const run = (folder: vscode.Uri, options: object = { companyId: BIG }) =>
    vscode.commands.executeCommand<BulkResult | undefined>(COMMAND, folder, undefined, options) as Promise<BulkResult | undefined>;

  /** Waits for the plan and accepts it as it is (Enter). */
  async function acceptPlan() {
    const plan = await waitForPicker('plan');
    await choose(0);
    return plan;
  }

  beforeEach(function () {
    // Every test here confirms the plan in the workbench.
    needsUiDriver(this);
    const table = customers();
    for (let n = 1; n <= 30; n++) table.deletePicture(idOf(n));
    for (let n = 21; n <= 23; n++) table.setPicture(idOf(n), makePng(40, 30, 100 + n));
  });

  after(() => {
    for (let n = 1; n <= folders; n++) fs.rmSync(path.join(workspaceDir(), `bulk-${process.pid}-${n}`), { recursive: true, force: true });
  });

  it('says in the plan what each picture will be sent as, scales the big one, and sends the small one byte for byte', async () => {
    const folder = path.join(workspaceDir(), `bulk-${process.pid}-${++folders}`);
    fs.mkdirSync(folder, { recursive: true });
    const big = makePng(2000, 1000, 7);
    const small = makePng(40, 30, 8);
    fs.writeFileSync(path.join(folder, `${number(1)}.png`), big);
    fs.writeFileSync(path.join(folder, `${number(2)}.png`), small);
    const running = run(vscode.Uri.file(folder));
    const plan = await acceptPlan();
    const detailOf = (name: string) => plan.rows.find((row) => row.label === name)?.detail;
    assert.equal(detailOf(`${number(1)}.png`), 'Sent as 1024×512: scaled down');
    assert.equal(detailOf(`${number(2)}.png`), '', 'nothing to prepare: nothing said');
    const result = (await running)!;
    assert.deepEqual(sorted(result.done), [number(1), number(2)]);
    const first = customers().picture(idOf(1));
    assert.deepEqual([first.width, first.height, first.contentType], [1024, 512, 'image/png']);
    assert.equal(sha256(customers().picture(idOf(2)).bytes!), sha256(small), 'the small picture exactly as the file');
    assert.equal(sha256(fs.readFileSync(path.join(folder, `${number(1)}.png`))), sha256(big), "the user's file is unchanged");
  });

  it('shows the plan, uploads exactly the matched pictures, and sums up in a notification and a report', async () => {
    const { folder, bytes, files } = makeFolder();
    const running = run(folder);
    const plan = await acceptPlan();

    assert.equal(plan.title, 'Pictures for customers of Big Tenant Ltd.: 23 of 30 files match a customer number');
    assert.deepEqual(sorted(plan.items), sorted([...ready(), ...[21, 22, 23].map(fileOf)]), 'only the files that can be uploaded');
    assert.deepEqual(sorted(plan.selected ?? []), sorted(ready()), 'the matched customers without a picture are checked');

    const result = (await running)!;
    assert.equal(result.cancelled, false);
    assert.deepEqual(sorted(result.done), sorted(Array.from({ length: 20 }, (_, i) => number(i + 1))));
    assert.deepEqual(sorted(result.skipped), [number(21), number(22), number(23)]);
    assert.deepEqual(result.failed, []);
    assert.equal(result.leftOut.length, 7);
    assert.match(result.leftOut.find((l) => l.file.endsWith('99999.png'))!.reason, /No customer has the number "99999"/);
    assert.match(result.leftOut.find((l) => l.file.endsWith(`${number(24)}.png`))!.reason, /empty/);
    assert.match(result.leftOut.find((l) => l.file.endsWith(`${number(25)}.png`))!.reason, /text/i);

    // Exactly one PATCH per matched customer, with that file's bytes, and nothing else written.
    assert.deepEqual(
      patches().map((p) => `${numberOfPatch(p)} ${p.status} ${p.bodySha256}`).sort(),
      [...bytes].filter(([n]) => n <= number(20)).map(([n, b]) => `${n} 204 ${sha256(b)}`).sort(),
    );
    assert.ok(suite.emulator.requests.every((r) => r.method === 'GET' || r.method === 'PATCH'));
    for (let n = 21; n <= 23; n++) assert.equal(customers().picture(idOf(n)).width, 40, 'a skipped customer keeps its picture');
    // The customers were looked up in one batched request, not one per file; what was stored was read back the same way, after the last upload.
    const lookups = suite.emulator.requests.filter((r) => r.method === 'GET' && /^number eq /.test(r.query.$filter ?? ''));
    assert.equal(lookups.length, 2, lookups.map((r) => r.url).join('\n'));
    assert.equal(lookups[1].query.$filter!.match(/number eq /g)!.length, 20, 'the read-back asks for the 20 customers uploaded');
    assert.ok(lookups[1].startedAt >= Math.max(...patches().map((p) => p.endedAt ?? 0)), 'read back after the uploads');
    assert.deepEqual(suite.emulator.requests.filter((r) => r.method === 'GET' && /\/picture$/.test(r.path)).map((r) => r.path), [], 'no GET of a picture per upload');

    // One sentence naming the first five customers that changed by number and name, then the rest by name too.
    assert.match(
      result.summary,
      new RegExp(
        `^Big Tenant Ltd\\.: pictures set for 20 customers: ${result.done.slice(0, 5).map((n) => `${n} \\([^)]+\\)`).join(', ')} and 15 more\\. ` +
          '3 not checked, left as they were\\. Left out: ([^,;]+, ){4}[^,;]+ and 5 more; the report says why\\.$',
      ),
    );
    const firstLeftOut = result.leftOut[0].file.split(/[\\/]/).pop()!;
    assert.ok(result.summary.includes(`Left out: ${firstLeftOut}, `), `the files left out by name: ${result.summary}`);

    const report = vscode.Uri.parse(result.reportUri!);
    assert.ok(!report.fsPath.startsWith(workspaceDir()), `the report is not written into the user's folder: ${report.fsPath}`);
    const text = Buffer.from(await vscode.workspace.fs.readFile(report)).toString('utf8');
    assert.match(text, /# Customer pictures by number: Big Tenant Ltd\./);
    assert.match(text, /## Pictures set \(20\)/);
    assert.match(text, /## Skipped \(3\)/);
    assert.match(text, /## Files left out \(10\)/, "7 from the plan, 2 files that are not pictures, 1 subfolder");
    for (let n = 1; n <= 20; n++) {
      // The size and type the service derived, from the batched read-back.
      const stored = customers().picture(idOf(n));
      assert.match(text, new RegExp(`\\| ${number(n)} \\|.*\\| ${stored.width}×${stored.height} ${stored.contentType.replace('/', '\\/')} \\|`), `${number(n)} in the report with what was stored`);
    }
    assert.deepEqual(fs.readdirSync(folder.fsPath), files, 'the user\'s folder is unchanged');

    assert.match(text, /- Environment: /);
    assert.match(text, /\| notes\.txt \| not a picture by its extension \|/, 'what the scan passed over, by name');
    assert.match(text, /\| [^|/]+\.png \| /, 'files named relative to the folder');
    // "Open Report" in the summary opens the report rendered, in the Markdown preview.
    const reportName = report.path.split('/').pop()!;
    const opened = () =>
      vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType) && tab.label.includes(reportName)));
    // A click on a toast still sliding in can miss on a busy machine: a person would click again.
    for (let attempt = 0; attempt < 3 && !opened(); attempt++) {
      await click('.notifications-toasts .monaco-button:has-text("Open Report")').catch(() => undefined);
      await waitUntil(async () => opened(), 'the report opens', 5_000).catch(() => undefined);
    }
    assert.ok(opened(), `Open Report opened the report in the Markdown preview; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('replaces existing pictures when asked, under injected 429s: nothing lost, nothing sent twice, never more than the setting in flight', async () => {
    await setUserSettings({ maxConcurrentUploads: 3 });
    try {
      const { folder, bytes } = makeFolder();
      suite.emulator.fault({ method: 'PATCH', kind: 'latency', ms: 150, times: Infinity });
      suite.emulator.fault({ method: 'PATCH', kind: 'status', status: 429, retryAfter: 1, times: 3 });
      const running = run(folder, { companyId: BIG, existing: 'replace' });
      const plan = await acceptPlan();
      assert.equal(plan.selected?.length, 23, 'customers with a picture are checked too');
      const result = (await running)!;
      assert.deepEqual(sorted(result.done), sorted(Array.from({ length: 23 }, (_, i) => number(i + 1))));
      assert.deepEqual(result.failed, []);
      const stored = patches().filter((p) => p.status === 204);
      assert.deepEqual(
        stored.map((p) => `${numberOfPatch(p)} ${p.bodySha256}`).sort(),
        [...bytes].map(([n, b]) => `${n} ${sha256(b)}`).sort(),
        'exactly one stored PATCH per customer, with its bytes',
      );
      assert.equal(patches().filter((p) => p.status === 429).length, 3);
      assert.equal(patches().length, 26, 'each throttled upload was sent again once, nothing else twice');
      assert.ok(peakInFlight(suite.emulator.requests) <= 3, `peak in flight ${peakInFlight(suite.emulator.requests)}`);
      assert.ok(peakInFlight(patches()) >= 2, 'the uploads did run side by side');
      assert.ok(suite.emulator.userStats(USER).peakInFlight <= 4, 'never over the setting in any test (default 4)');
      for (let n = 21; n <= 23; n++) assert.equal(sha256(customers().picture(idOf(n)).bytes!), sha256(bytes.get(number(n))!), 'replaced');
    } finally {
      await setUserSettings({ maxConcurrentUploads: undefined });
    }
  });

  it('reports a failed upload with its reason, one not confirmed as "may have been set", and "Retry failed" re-runs only those', async () => {
    const { folder } = makeFolder();
    suite.emulator.fault({ method: 'PATCH', path: idOf(4), kind: 'status', status: 400, message: 'Something broke.' });
    // A 500 after the whole picture was sent: the service may have stored it, so it is "not confirmed", not "failed".
    suite.emulator.fault({ method: 'PATCH', path: idOf(9), kind: 'status', status: 500, message: 'Something broke.' });
    const running = run(folder);
    await acceptPlan();
    const result = (await running)!;
    assert.deepEqual(sorted(result.failed.map((f) => f.customerNumber)), [number(4), number(9)]);
    assert.deepEqual(result.failed.filter((f) => f.mayBeSet).map((f) => f.customerNumber), [number(9)]);
    assert.match(result.failed.find((f) => f.customerNumber === number(4))!.reason, /Something broke/);
    assert.equal(result.done.length, 18);
    assert.match(result.summary, /1 failed, their pictures unchanged \(C000004: Business Central refused the request: Something broke\..*\)\. 1 not confirmed: the picture may have been set, check C000009\./);
    assert.equal(customers().picture(idOf(4)).width, 0, 'the old picture (none) stays');
    const report = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.parse(result.reportUri!))).toString('utf8');
    assert.match(report, /## Failed \(the old picture stays\) \(1\)\n[\s\S]*C000004/);
    assert.match(report, /## Not confirmed \(the picture may have been set: check\) \(1\)\n[\s\S]*C000009/);

    suite.emulator.clearRequests();
    // A retry handed in as a command argument (a task, a keybinding, another extension) is confirmed in the plan first.
    const retrying = vscode.commands.executeCommand<BulkResult>(COMMAND, undefined, undefined, { retryFailedOf: result });
    const plan = await waitForPicker('plan');
    assert.deepEqual(sorted(plan.selected ?? []), sorted([`${number(4)}.png`, `${number(9).toLowerCase()}.png`]));
    assert.equal(patches().length, 0, 'nothing is sent before the plan is accepted');
    await choose(0);
    const retried = (await retrying)!;
    assert.deepEqual(sorted(retried.done), [number(4), number(9)]);
    assert.deepEqual(retried.failed, []);
    assert.deepEqual(patches().map(numberOfPatch).sort(), [number(4), number(9)], 'only the failures were sent again');
  });

  it('offers the flow for several images selected with "Add as Customer Picture", and sends nothing when the plan is dismissed', async () => {
    const { folder } = makeFolder();
    const selected = ['C000001.png', 'C000002.png', 'logo.png'].map((name) => vscode.Uri.joinPath(folder, name));
    const running = vscode.commands.executeCommand('bcPictures.addPicture', selected[0], selected);
    const companies = await waitForPicker('company');
    await chooseLabel(companies, 'Big Tenant Ltd.');
    const plan = await waitForPicker('plan');
    assert.deepEqual(plan.selected, ['C000001.png', 'C000002.png']);
    assert.deepEqual(plan.items, ['C000001.png', 'C000002.png'], 'logo.png is left out, not a row that cannot be checked');
    assert.equal(plan.title, 'Pictures for customers of Big Tenant Ltd.: 2 of 3 files match a customer number');
    await dismiss();
    assert.equal(await running, undefined);
    assert.equal(patches().length, 0);
  });

  describe('the plan as a person reads it (UI driver)', function () {
    const TITLE_BUTTON = '.quick-input-widget .quick-input-titlebar .action-label.codicon-warning';
    const CHECK_ALL = '.quick-input-widget .quick-input-header .monaco-checkbox';
    /** Down to the first row (in a multi-select pick the keyboard starts in the input), then Space. */
    const toggleFirstRow = async () => {
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await waitForPicker('plan', (shown) => shown.rows[0]?.focused === true);
      await toggleFocusedRow();
    };
    const toggleFocusedRow = () => vscode.commands.executeCommand('workbench.action.quickPickManyToggle');
    // A test that fails half-way must not leave its plan open for the next one.
    afterEach(() => dismiss());
    const noIconText = (picker: { rows: readonly { label: string; description: string; detail: string }[] }) =>
      assert.ok(picker.rows.every((row) => ![row.label, row.description, row.detail].some((text) => text.includes('$('))), JSON.stringify(picker.rows));

    it('lists only rows that can be checked; the files left out, and why, are one title button away, and Back returns to the plan as it was', async () => {
      const { folder } = makeFolder();
      const running = run(folder);
      const plan = await waitForPicker('plan');
      noIconText(plan);
      // Uncheck the first row, so that the way back can be told from a fresh plan.
      assert.equal(plan.rows[0].label, ready()[0]);
      await toggleFirstRow();
      await waitForPicker('plan', (shown) => shown.selected?.length === 19);

      await click(TITLE_BUTTON);
      const leftOut = await waitForPicker('leftOut');
      assert.equal(leftOut.title, 'Left out of the plan (10), and why', '7 images and 2 other files and 1 subfolder');
      noIconText(leftOut);
      const why = new Map(leftOut.rows.map((row) => [row.label, row.detail]));
      assert.equal(why.get('logo.png'), 'The name "logo" is not a customer number: name the file after one, such as 10000.png.');
      assert.equal(why.get('99999.png'), 'No customer has the number "99999". Rename the file to the customer\'s number.');
      assert.match(why.get(`${number(24)}.png`) ?? '', /empty/);
      assert.deepEqual(
        leftOut.rows.filter((row) => row.separator).map((row) => row.separator),
        ["Not named after a customer's number (5)", 'Not a picture the service takes (2)', 'Not read (3)'],
      );
      assert.match(leftOut.items.at(-1)!, /^Not pictures, left out: (notes\.txt, prices\.csv|prices\.csv, notes\.txt)\. Subfolders, not read: older\.$/);

      await vscode.commands.executeCommand('workbench.action.quickInputBack');
      const again = await waitForPicker('plan');
      assert.deepEqual(sorted(again.selected ?? []), sorted(ready().slice(1)), 'the plan as it was left');
      await dismiss();
      assert.equal(await running, undefined);
      assert.equal(patches().length, 0);
    });

    it('asks before the check-all box checks customers that have a picture, and says so when Enter finds nothing checked', async () => {
      const { folder } = makeFolder();
      const running = run(folder);
      await waitForPicker('plan');
      await toggleFirstRow();
      await waitForPicker('plan', (shown) => shown.selected?.length === 19);

      await click(CHECK_ALL);
      let ask = await waitForPicker('checkAll');
      assert.equal(ask.title, 'Check all? 3 of the customers already have a picture');
      noIconText(ask);
      assert.deepEqual(ask.items, ['Check the new pictures only', 'Check all: also replace the pictures of 3 customers', 'Uncheck all']);
      assert.equal(ask.rows[0].focused, true, 'Enter alone replaces nothing');
      // Back: the plan as it was before the click.
      await vscode.commands.executeCommand('workbench.action.quickInputBack');
      await waitForPicker('plan', (shown) => shown.selected?.length === 19);

      await click(CHECK_ALL);
      await waitForPicker('checkAll');
      await choose(0);
      let plan = await waitForPicker('plan', (shown) => shown.selected?.length === 20);
      assert.deepEqual(sorted(plan.selected!), sorted(ready()), 'the new pictures, and no replacement');

      await click(CHECK_ALL);
      ask = await waitForPicker('checkAll');
      await choose(1);
      plan = await waitForPicker('plan', (shown) => shown.selected?.length === 23);

      // All checked: the box unchecks all, as everywhere, and asks nothing.
      await click(CHECK_ALL);
      plan = await waitForPicker('plan', (shown) => shown.selected?.length === 0);
      await choose(0);
      plan = await waitForPicker('plan', (shown) => shown.title.startsWith('Nothing is checked'));
      assert.equal(plan.title, 'Nothing is checked: check the pictures to upload, or press Escape to leave without uploading');
      assert.equal(patches().length, 0, 'Enter with nothing checked sends nothing, and the plan stays');

      const focused = plan.rows.find((row) => row.focused)?.label ?? plan.rows[0].label;
      if (plan.rows.some((row) => row.focused)) await toggleFocusedRow();
      else await toggleFirstRow();
      plan = await waitForPicker('plan', (shown) => shown.selected?.length === 1);
      assert.equal(plan.title, 'Pictures for customers of Big Tenant Ltd.: 23 of 30 files match a customer number', 'the title is back once something is checked');
      await choose(0);
      const result = (await running)!;
      assert.deepEqual(result.done, [focused.replace(/\.\w+$/, '').toUpperCase()]);
    });
  });

  describe('cancelling as a person would (UI driver)', function () {
    it('stops starting uploads, lets the ones in flight finish, and names exactly the customers that changed', async () => {
      await setUserSettings({ maxConcurrentUploads: 2 });
      try {
        const { folder } = makeFolder();
        const table = customers();
        const before = new Map(Array.from({ length: 23 }, (_, i) => [number(i + 1), table.picture(idOf(i + 1)).version]));
        // The emulator holds every upload until the test lets it go: no race between uploads and the click.
        suite.emulator.fault({ method: 'PATCH', kind: 'hold', times: Infinity });
        const running = run(folder);
        await acceptPlan();
        await suite.emulator.waitForHeld(2);
        suite.emulator.releaseHeld();
        await waitUntil(async () => patches().filter((p) => p.status === 204).length === 2, 'two uploads done');
        // Two uploads done, two in flight (held), sixteen not started: now the person cancels.
        await suite.emulator.waitForHeld(2);
        await click('.notifications-toasts .monaco-button:has-text("Cancel")');
        // Only once the extension has taken the cancel (its log says so) may the held uploads finish.
        await waitUntil(async () => /Cancelled by the user: 2 uploads in flight finish, 16 are not started\./.test(extensionLog()), 'the extension takes the cancel');
        suite.emulator.releaseHeld();
        const result = (await running)!;
        assert.equal(result.cancelled, true);
        const changed = [...before].filter(([n, version]) => table.picture(idOf(Number(n.slice(1)))).version !== version).map(([n]) => n);
        assert.deepEqual(sorted(result.done), sorted(changed), 'the result names exactly the customers whose picture changed');
        assert.equal(result.done.length, 4, 'the two done before the cancel and the two in flight');
        assert.equal(result.notStarted.length, 16);
        assert.deepEqual(result.failed, []);
        assert.equal(patches().length, result.done.length, 'nothing was started after the cancel');
        assert.ok(patches().every((p) => p.status === 204), 'the uploads in flight finished');
        assert.match(
          result.summary,
          new RegExp(`^Big Tenant Ltd\\.: cancelled\\. Pictures set before that for 4 customers: ${result.done.map((n) => `${n} \\([^)]+\\)`).join(', ')}\\. ${result.notStarted.length} not started\\.`),
        );
        const report = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.parse(result.reportUri!))).toString('utf8');
        assert.match(report, /\*\*Cancelled\.\*\*/);
        assert.match(report, new RegExp(`## Not started \\(cancelled\\) \\(${result.notStarted.length}\\)`));
      } finally {
        await setUserSettings({ maxConcurrentUploads: undefined });
      }
    });
  });
});
