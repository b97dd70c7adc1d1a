/**
 * Showing and removing a customer picture, choosing the environment and switching account, in a real
 * extension host against the emulator over loopback; sign-in is a fake Microsoft provider.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO, makePng, TenantData } from '../emulator';
import { formatBytes } from '../../src/images';
import { choose, chooseLabel, dismiss, waitForPicker } from './support/pickers';
import { emulatorSuite, extensionLog, setUserSettings, userSetting, workspaceDir } from './support/suite';
import type { QuickInputSnapshot } from '../launch/quickInput';
import { click, needsUiDriver, pressKey, readQuickInput, readTexts, typeText, waitUntil } from './support/ui';

const ADATUM = DEMO.customer(10000); // PNG 64×48
const SCHOOL = DEMO.customer(30000); // JPEG 16×12
const GIF_CUSTOMER = DEMO.customer(50000); // GIF 4×4
const PNG_CUSTOMER = DEMO.customer(60000); // PNG 32×32
const TREY = DEMO.customer(20000); // no picture
const CRONUS = 'CRONUS USA, Inc.';
/** A company and a customer named with what a path, a query, a fragment, an icon or a link would take as its own. */
const ODD_COMPANY = { id: 'a1b2c3d4-0666-4000-8000-000000000666', name: 'Nord/Süd ?#1 $(check) [x](command:y)' };
const ODD_CUSTOMER = { id: 'c0ffee00-0666-4000-8000-000000000666', number: 'N/1', displayName: 'A?b#c %2F $(alert)' };
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** A picture's URI as the product makes it, for a preview restored after a reload. */
const pictureUri = (folder: string, file: string, companyId: string, customerId: string) =>
  vscode.Uri.from({ scheme: 'bc-picture', path: `/production/${folder}/${file}`, query: new URLSearchParams({ company: companyId, customer: customerId }).toString() });

/** The active editor's breadcrumb, item by item, as it reads. */
const breadcrumb = async () => (await readTexts('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item')).map((text) => text.trim());
/** What the image preview says of the picture it shows, in the status bar (e.g. "16x12"). */
const previewSize = async () =>
  (await readTexts('.part.statusbar .statusbar-item'))
    .map((text) => text.trim())
    .find((text) => /^\d+\s*[x×]\s*\d+$/.test(text))
    ?.replace(/\s*[x×]\s*/, 'x');
/** How many "Add as Customer Picture…" buttons the active editor's title bar has. */
const addButtons = async () => (await readTexts('.editor-group-container.active .editor-actions [aria-label^="Add as Customer Picture"]')).length;

describe('Show and remove customer pictures, environments and accounts', function () {
  const suite = emulatorSuite({ data: 'demo' });

  const cronus = () => suite.emulator.data.company(DEMO.cronusId)!.customers;
  const deletes = () => suite.emulator.requests.filter((r) => r.method === 'DELETE');
  const show = (target?: object) => vscode.commands.executeCommand<vscode.Uri | undefined>('bcPictures.showPicture', target) as Promise<vscode.Uri | undefined>;
  const remove = (target?: object) => vscode.commands.executeCommand<boolean>('bcPictures.removePicture', target) as Promise<boolean>;

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('Show Customer Picture', () => {
    after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

    it('opens the picture in the image preview; the bytes read through the provider are the stored ones', async () => {
      const uri = await show({ companyId: DEMO.cronusId, customerId: ADATUM });
      assert.ok(uri, 'a bc-picture: Uri');
      assert.equal(uri.scheme, 'bc-picture');
      assert.equal(uri.path, `/production/${CRONUS}/10000 Adatum Corporation.png`);
      assert.deepEqual(Object.fromEntries(new URLSearchParams(uri.query)), { company: DEMO.cronusId, customer: ADATUM });
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(tab?.input instanceof vscode.TabInputCustom, `a custom editor is active: ${tab?.label}`);
      assert.equal(tab.input.viewType, 'imagePreview.previewEditor');
      assert.equal(tab.input.uri.toString(), uri.toString());
      const stored = cronus().picture(ADATUM).bytes!;
      assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(uri)), Buffer.from(stored));
      assert.equal((await vscode.workspace.fs.stat(uri)).size, stored.length);
      assert.equal(suite.emulator.requests.filter((r) => r.path.endsWith('/pictureContent')).length, 1, 'downloaded once, for the command and the preview');
    });

    it('shows names in the breadcrumb, never an id: environment, company, number and name', async function () {
      needsUiDriver(this);
      const uri = await show({ companyId: DEMO.cronusId, customerId: ADATUM });
      assert.ok(uri);
      await waitUntil(async () => (await breadcrumb()).includes('10000 Adatum Corporation.png'), 'the breadcrumb shows the picture');
      const items = await breadcrumb();
      assert.deepEqual(items, ['production', CRONUS, '10000 Adatum Corporation.png']);
      assert.ok(!items.some((item) => GUID.test(item)), items.join(' › '));
    });

    it("has no Add as Customer Picture… button in the title bar of a customer's picture; a file's preview has one", async function () {
      needsUiDriver(this);
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path.join(workspaceDir(), 'photo.png')), 'imagePreview.previewEditor');
      await waitUntil(async () => (await addButtons()) === 1, "the button is in the title bar of photo.png's preview");
      const uri = await show({ companyId: DEMO.cronusId, customerId: GIF_CUSTOMER });
      assert.ok(uri);
      await waitUntil(async () => (await breadcrumb()).includes('50000 Relecloud.gif'), 'the picture is the active editor');
      await waitUntil(async () => (await previewSize()) === '4x4', 'the preview shows the picture', 20_000);
      assert.equal(await addButtons(), 0, "the button is in the title bar of the customer's picture");
    });

    it("Add as Customer Picture… with a customer's picture in front asks for one of the user's files, not for one in Business Central", async function () {
      needsUiDriver(this);
      const uri = await show({ companyId: DEMO.cronusId, customerId: GIF_CUSTOMER });
      assert.ok(uri);
      await waitUntil(async () => (await breadcrumb()).includes('50000 Relecloud.gif'), 'the picture is the active editor');
      const adding = vscode.commands.executeCommand('bcPictures.addPicture');
      let dialog: QuickInputSnapshot | null = null;
      await waitUntil(async () => (dialog = await readQuickInput())?.title.includes('Choose the image') ?? false, 'the image is asked for', 20_000);
      const where = (dialog as QuickInputSnapshot | null)?.value ?? '';
      await dismiss();
      assert.equal(await adding, undefined);
      // Where VS Code opens it is VS Code's choice (the workspace, or the folder used last): one on this machine.
      assert.ok(!where.includes(CRONUS) && fs.existsSync(where), `the dialog opens in a folder of the user's: ${where}`);
    });

    it('reads a picture it has not downloaded yet through the connection, as after a reload', async () => {
      const uri = pictureUri(CRONUS, '30000 School of Fine Art.jpg', DEMO.cronusId, SCHOOL);
      const bytes = await vscode.workspace.fs.readFile(uri);
      assert.deepEqual(Buffer.from(bytes), Buffer.from(cronus().picture(SCHOOL).bytes!));
      assert.ok(suite.emulator.requests.some((r) => r.method === 'GET' && r.path.endsWith(`customers(${SCHOOL})/picture/pictureContent`)));
    });

    it('reads nothing for a URI without the ids, and a company folder is an empty folder', async () => {
      const file = vscode.Uri.from({ scheme: 'bc-picture', path: `/production/${CRONUS}/30000 School of Fine Art.jpg` });
      await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(file)));
      const folder = vscode.Uri.from({ scheme: 'bc-picture', path: `/production/${CRONUS}` });
      assert.equal((await vscode.workspace.fs.stat(folder)).type, vscode.FileType.Directory);
      assert.deepEqual(await vscode.workspace.fs.readDirectory(folder), []);
      assert.ok(!suite.emulator.requests.some((r) => r.path.endsWith('/pictureContent')), 'nothing downloaded');
    });

    it('a company and customer named with / ? # %2F, an icon and a link: one folder and one file, the picture opens, the names read as text', async function () {
      needsUiDriver(this);
      const company = suite.emulator.data.addCompany('production', ODD_COMPANY.name, ODD_COMPANY.id, [TenantData.customer(ODD_CUSTOMER.id, ODD_CUSTOMER)]);
      const picture = makePng(20, 10, 66);
      company.customers.setPicture(ODD_CUSTOMER.id, picture);
      const uri = await show({ companyId: ODD_COMPANY.id, customerId: ODD_CUSTOMER.id });
      assert.ok(uri);
      const folder = 'Nord_Süd __1 $(check) [x](command_y)';
      const file = 'N_1 A_b_c _2F $(alert).png';
      assert.equal(uri.path, `/production/${folder}/${file}`);
      // Through its text form too, as VS Code keeps it across a reload.
      const again = vscode.Uri.parse(uri.toString());
      assert.deepEqual(Object.fromEntries(new URLSearchParams(again.query)), { company: ODD_COMPANY.id, customer: ODD_CUSTOMER.id });
      assert.equal(again.path, uri.path);
      assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(again)), picture);
      await waitUntil(async () => (await breadcrumb()).includes(file), 'the breadcrumb shows the picture');
      assert.deepEqual(await breadcrumb(), ['production', folder, file]);
      // The preview read the picture through the same URI and shows it.

      await waitUntil(async () => (await previewSize()) === '20x10', 'the preview shows the 20×10 picture', 20_000);
    });

    it('is read-only', async () => {
      const uri = pictureUri(CRONUS, '30000 School of Fine Art.jpg', DEMO.cronusId, SCHOOL);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, new Uint8Array([1, 2, 3]))));
      await assert.rejects(Promise.resolve(vscode.workspace.fs.delete(uri)));
      assert.equal(suite.emulator.requests.filter((r) => r.method !== 'GET').length, 0);
    });

    it('says so for a customer without a picture, and opens nothing', async () => {
      const editors = vscode.window.tabGroups.all.flatMap((group) => group.tabs).length;
      assert.equal(await show({ companyId: DEMO.cronusId, customerNumber: '20000' }), undefined);
      // Only this customer counts: an image preview left open by an earlier test may read its own picture again.
      const trey = `customers(${DEMO.customer(20000)})`;
      assert.ok(!suite.emulator.requests.some((r) => r.path.includes(trey) && r.path.endsWith('/pictureContent')), 'no download');
      assert.equal(vscode.window.tabGroups.all.flatMap((group) => group.tabs).length, editors);
    });

    it('offers to add a picture to a customer without one: its button starts adding one, for that customer', async function () {
      needsUiDriver(this);
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await show({ companyId: DEMO.cronusId, customerNumber: '20000' }), undefined);
      await waitUntil(async () => (await readTexts('.notifications-toasts')).join(' ').includes('Trey Research (20000) has no picture in Business Central.'), 'the message shows');
      await click('.notifications-toasts .monaco-button:has-text("Add Picture…")');
      // The add command, handed this customer, starts by asking for the image.
      await waitUntil(async () => (await readTexts('.quick-input-widget')).join(' ').includes('Choose the image to use as a customer picture'), 'the image is asked for');
      await dismiss();
      await vscode.commands.executeCommand('notifications.clearAll');
    });

    it('is driven through the company and customer quick picks', async function () {
      needsUiDriver(this);
      const running = show();
      await chooseLabel(await waitForPicker('company'), 'CRONUS USA, Inc.');
      const customers = await waitForPicker('customer', (state) => state.items.includes('Adatum Corporation'));
      await chooseLabel(customers, 'Adatum Corporation');
      assert.match((await running)?.path ?? '', /10000 Adatum Corporation\.png$/);
    });
  });

  describe('Show, then set a new picture', () => {
    // An open preview reads its picture again whenever it likes: later tests must not see those requests.
    after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

    it('an open picture shows the new one after an upload, not the old download', async function () {
      needsUiDriver(this);
      const uri = await show({ companyId: DEMO.cronusId, customerId: SCHOOL });
      assert.ok(uri);
      const photo = vscode.Uri.file(path.join(workspaceDir(), 'photo.JPG'));
      const adding = vscode.commands.executeCommand('bcPictures.addPicture', photo, undefined, { companyId: DEMO.cronusId, customerId: SCHOOL });
      await waitForPicker('replace');
      await choose(1);
      assert.ok(await adding, 'the new picture was set');
      const shown = await vscode.workspace.fs.readFile(uri);
      assert.deepEqual(Buffer.from(shown), fs.readFileSync(photo.fsPath));
    });

    it('the open preview shows the new picture after an upload, as the user sees it', async function () {
      needsUiDriver(this);
      const uri = await show({ companyId: DEMO.cronusId, customerId: GIF_CUSTOMER });
      assert.ok(uri);
      // VS Code 1.100's webview host can wait for ever for its service worker when another webview's worker replaced it
      // meanwhile (microsoft/vscode#312020 reworked that wait): a user closes the empty image preview and opens it again.
      await waitUntil(async () => (await previewSize()) === '4x4', 'the preview shows the 4×4 GIF', 20_000).catch(async () => {
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        assert.ok(await show({ companyId: DEMO.cronusId, customerId: GIF_CUSTOMER }));
        await waitUntil(async () => (await previewSize()) === '4x4', 'the preview shows the 4×4 GIF (opened again)', 20_000);
      });
      const photo = vscode.Uri.file(path.join(workspaceDir(), 'photo.png'));
      const adding = vscode.commands.executeCommand('bcPictures.addPicture', photo, undefined, { companyId: DEMO.cronusId, customerId: GIF_CUSTOMER });
      await waitForPicker('replace');
      await choose(1);
      assert.ok(await adding, 'the new picture was set');
      await waitUntil(async () => (await previewSize()) === '64x48', 'the preview shows the new 64×48 PNG', 20_000);
    });
  });

  describe('Remove Customer Picture', () => {
    it('shows size and type, and on yes deletes with If-Match: the picture is gone', async function () {
      needsUiDriver(this);
      const running = remove({ companyId: DEMO.cronusId, customerId: PNG_CUSTOMER });
      const confirm = await waitForPicker('remove');
      assert.match(confirm.title, /^Remove the picture of .+ \(60000\)\?$/);
      const current = `Current: PNG, 32×32, ${formatBytes(cronus().picture(PNG_CUSTOMER).bytes!.length)}`;
      assert.equal(confirm.placeholder, current);
      assert.deepEqual(
        confirm.rows.map((row) => [row.label, row.detail, row.focused]),
        [
          ['Keep the picture', current, true],
          ['Remove the picture', `Removes it from ${cronus().get(PNG_CUSTOMER)!.displayName} in Business Central.`, false],
        ],
      );
      await choose(1);
      assert.equal(await running, true);
      const [request, ...more] = deletes();
      assert.equal(more.length, 0, 'one DELETE');
      assert.match(request.path, new RegExp(`customers\\(${PNG_CUSTOMER}\\)/picture$`));
      assert.equal(request.headers['if-match'], '*');
      assert.equal(request.status, 204);
      assert.equal(cronus().picture(PNG_CUSTOMER).width, 0);
      assert.equal(cronus().picture(PNG_CUSTOMER).bytes, undefined);
    });

    it('on no sends nothing and keeps the picture', async function () {
      needsUiDriver(this);
      const before = cronus().picture(GIF_CUSTOMER).version;
      const running = remove({ companyId: DEMO.cronusId, customerNumber: '50000' });
      await waitForPicker('remove');
      await choose(0);
      assert.equal(await running, false);
      assert.equal(deletes().length, 0);
      assert.equal(cronus().picture(GIF_CUSTOMER).version, before);
    });

    it('goes back to the customer picker from the confirmation, and removes nothing', async function () {
      needsUiDriver(this);
      const before = cronus().picture(ADATUM).version;
      const running = remove();
      await chooseLabel(await waitForPicker('company'), 'CRONUS USA, Inc.');
      await chooseLabel(await waitForPicker('customer', (state) => state.items.includes('Adatum Corporation')), 'Adatum Corporation');
      await waitForPicker('remove');
      await vscode.commands.executeCommand('workbench.action.quickInputBack');
      await waitForPicker('customer', (state) => state.items.includes('Adatum Corporation'));
      await dismiss();
      assert.equal(await running, false);
      assert.equal(deletes().length, 0);
      assert.equal(cronus().picture(ADATUM).version, before);
    });

    it('says so for a customer without a picture, and sends no DELETE', async () => {
      assert.equal(await remove({ companyId: DEMO.cronusId, customerId: TREY }), false);
      assert.equal(deletes().length, 0);
    });
  });

  describe('Select Business Central Environment', () => {
    afterEach(async () => {
      await setUserSettings({ environment: 'production', serviceUrl: suite.emulator.url });
    });

    it("lists the tenant's environments, stores the choice in the user setting, and later commands use it", async function () {
      needsUiDriver(this);
      const running = vscode.commands.executeCommand<string | undefined>('bcPictures.selectEnvironment');
      const picker = await waitForPicker('environment');
      assert.deepEqual(picker.items, ['production', 'sandbox'], 'the current environment first');
      assert.ok(suite.emulator.requests.some((r) => r.api === 'environments' && r.status === 200));
      await choose(1);
      assert.equal(await running, 'sandbox');
      assert.equal(userSetting('environment'), 'sandbox');
      suite.emulator.clearRequests();
      // Sandbox customers have no pictures: the command says so, after asking the sandbox.
      assert.equal(await show({ companyId: DEMO.sandboxCronusId, customerId: DEMO.customer(500000) }), undefined);
      assert.ok(suite.emulator.requests.length > 0 && suite.emulator.requests.every((r) => r.path.startsWith('/v2.0/sandbox/')), suite.emulator.requests.map((r) => r.path).join(', '));
    });

    it('shows the current environment in the status bar, and the item opens the environment list', async function () {
      needsUiDriver(this);
      const statusBar = () => readTexts('.part.statusbar');
      await waitUntil(async () => (await statusBar()).join(' ').includes('production'), 'the status bar shows production');
      await click('.part.statusbar .statusbar-item:has-text("production")');
      await waitForPicker('environment');
      await choose(1);
      await waitUntil(async () => (await statusBar()).join(' ').includes('sandbox'), 'the status bar shows sandbox');
      assert.equal(userSetting('environment'), 'sandbox');
    });

    it('changes nothing when dismissed', async function () {
      needsUiDriver(this);
      const running = vscode.commands.executeCommand<string | undefined>('bcPictures.selectEnvironment');
      await waitForPicker('environment');
      await dismiss();
      assert.equal(await running, undefined);
      assert.equal(userSetting('environment'), 'production');
    });

    it('is not offered for on-premises: says so and sends nothing', async () => {
      await setUserSettings({ serviceUrl: `${suite.emulator.url}/BC/api/v2.0` });
      assert.equal(await vscode.commands.executeCommand('bcPictures.selectEnvironment'), undefined);
      assert.equal(suite.emulator.requests.length, 0);
      assert.equal(userSetting('environment'), 'production');
    });
  });

  describe('Switch Business Central Account', () => {
    it('asks VS Code for the Microsoft account again and reports the account now used', async () => {
      const asked = suite.microsoft.scopesAsked.length;
      assert.equal(await vscode.commands.executeCommand('bcPictures.switchAccount'), 'ada@cronus.test');
      assert.ok(
        suite.microsoft.scopesAsked.slice(asked).some((scopes) => scopes.includes('https://api.businesscentral.dynamics.com/Financials.ReadWrite.All')),
        `the provider was asked: ${JSON.stringify(suite.microsoft.scopesAsked.slice(asked))}`,
      );
      assert.ok(!extensionLog().includes(suite.microsoft.token), 'no token in the log');
    });

    it('with Basic authentication forgets the stored user name and key and asks again', async function () {
      needsUiDriver(this);
      suite.emulator.setBasic({ userName: 'CLERK', key: 'Cl3rk/Key=' });
      await setUserSettings({ authentication: 'basic' });
      try {
        const running = vscode.commands.executeCommand<string | undefined>('bcPictures.switchAccount');
        await waitForPicker('userName', () => true);
        await typeText('CLERK');
        await pressKey('Enter');
        await waitForPicker('accessKey', () => true);
        await typeText('Cl3rk/Key=');
        await pressKey('Enter');
        assert.equal(await running, 'CLERK');
        // The next command uses the new credentials without asking.
        assert.equal(await show({ companyId: DEMO.cronusId, customerId: TREY }), undefined);
        assert.ok(suite.emulator.requests.length > 0 && suite.emulator.requests.every((r) => r.headers.authorization === 'Basic <redacted>' && r.status < 400));
        assert.ok(!extensionLog().includes('Cl3rk'), 'the key is never logged');
      } finally {
        await vscode.commands.executeCommand('bcPictures.forgetCredentials');
        suite.emulator.setBasic(undefined);
        await setUserSettings({ authentication: 'microsoft' });
      }
    });
  });
});

