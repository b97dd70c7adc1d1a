/**
 * The customer search, "go to number" and the lookup of many numbers against Business Central as it is: the
 * strict emulator of a current server, and one of an older server (which ignores `in` and knows no
 * `$schemaversion=2.1`). Driven in the real workbench as a person would; nothing may page through a table.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO, makePng, type RecordedRequest } from '../emulator';
import { choose, dismiss, searchCustomers, waitForPicker } from './support/pickers';
import { emulatorSuite, workspaceDir } from './support/suite';
import { needsUiDriver } from './support/ui';

const TREY = DEMO.customer(20000);
const BIG = DEMO.bigCompanyId;
const PROBE = "contains(tolower(displayName),'a')";
const number = (n: number) => `C${String(n).padStart(6, '0')}`;

/** Every refused request must be the one probe of what the server supports, and no answer may be a whole table. */
function assertNoRefusalButTheProbe(requests: readonly RecordedRequest[]): void {
  const refused = requests.filter((r) => r.status >= 400 && r.query.$filter !== PROBE);
  assert.deepEqual(refused.map((r) => `${r.status} ${r.errorCode ?? ''} ${decodeURIComponent(r.url)}`), []);
  assert.ok(requests.every((r) => !/skiptoken/i.test(r.url)), 'no request pages on');
}

for (const serverVersion of ['current', 'old'] as const) {
  describe(`Business Central as it is: a ${serverVersion} server`, function () {
    const suite = emulatorSuite({ data: 'demo', bigCompany: 200, serverVersion });

    describe('the customer search, as a person types (UI driver)', function () {
      beforeEach(function () {
        needsUiDriver(this);
        suite.emulator.data.company(DEMO.cronusId)!.customers.deletePicture(TREY);
      });

      /** Starts a command on CRONUS, types `text`, and waits until `expect` is listed. */
      async function search(text: string, expect: string) {
        const running = vscode.commands.executeCommand('bcPictures.addPicture', vscode.Uri.file(path.join(workspaceDir(), 'photo.png')), undefined, {
          companyId: DEMO.cronusId,
        }) as Promise<{ customerId: string } | undefined>;
        await waitForPicker('customer', (state) => state.items.includes('Adatum Corporation'));
        const state = await searchCustomers(suite.emulator, text, (s) => s.items.includes(expect));
        return { running, state };
      }

      for (const [typed, expected] of [
        ['tReY rES', 'Trey Research'],
        ["o'brien", "O'Brien & Sons"],
        ['6000', "O'Brien & Sons"],
        ['adatum CORP', 'Adatum Corporation'],
      ] as const) {
        it(`finds ${expected} when "${typed}" is typed`, async () => {
          const { running, state } = await search(typed, expected);
          assert.ok(!state.items.some((label) => /^\$\(error\)/.test(label)), state.items.join(' | '));
          await dismiss();
          assert.equal(await running, undefined);
          assertNoRefusalButTheProbe(suite.emulator.requests);
          assert.ok(suite.emulator.requests.every((r) => r.method === 'GET'));
        });
      }

      it('goes to a customer by the number typed, in lower case too', async () => {
        const { running } = await search('20000', 'Trey Research');
        await choose(-1); // the last item: "Go to customer"
        assert.equal((await running)?.customerId, TREY);
        assertNoRefusalButTheProbe(suite.emulator.requests);
      });
    });

    it('adds a picture to the customer a caller names by number, with one exact lookup', async () => {
      suite.emulator.data.company(DEMO.cronusId)!.customers.deletePicture(TREY);
      const result = (await vscode.commands.executeCommand('bcPictures.addPicture', vscode.Uri.file(path.join(workspaceDir(), 'photo.png')), undefined, {
        companyId: DEMO.cronusId,
        customerNumber: ' 20000 ',
      })) as { customerId: string } | undefined;
      assert.equal(result?.customerId, TREY);
      const lookups = suite.emulator.requests.filter((r) => r.query.$filter !== undefined);
      assert.deepEqual(lookups.map((r) => r.query.$filter), ["number eq '20000'"]);
      assertNoRefusalButTheProbe(suite.emulator.requests);
    });

    it('sets exactly the right customers from 12 files by number: one name too long, one with no customer', async function () {
      needsUiDriver(this);
      const folder = path.join(workspaceDir(), `fidelity-${serverVersion}-${process.pid}`);
      fs.rmSync(folder, { recursive: true, force: true });
      fs.mkdirSync(folder, { recursive: true });
      const table = suite.emulator.data.company(BIG)!.customers;
      const idOf = (n: number) => table.all()[n - 1].id;
      const bytes = new Map<string, Buffer>();
      for (let n = 1; n <= 10; n++) {
        table.deletePicture(idOf(n));
        const content = makePng(12 + n, 9, 300 + n);
        fs.writeFileSync(path.join(folder, `${n % 2 ? number(n).toLowerCase() : number(n)}.png`), content);
        bytes.set(number(n), content);
      }
      fs.writeFileSync(path.join(folder, 'C000011-A-NAME-TOO-LONG.png'), makePng(5, 5, 11));
      fs.writeFileSync(path.join(folder, 'C999999.png'), makePng(5, 5, 12));
      try {
        const running = vscode.commands.executeCommand('bcPictures.addPicturesByNumber', vscode.Uri.file(folder), undefined, { companyId: BIG }) as Promise<
          { done: string[]; leftOut: { file: string; reason: string }[] } | undefined
        >;
        await waitForPicker('plan');
        await choose(0);
        const result = (await running)!;
        assert.deepEqual([...result.done].sort(), [...bytes.keys()].sort());
        assert.match(result.leftOut.find((l) => l.file.endsWith('C000011-A-NAME-TOO-LONG.png'))!.reason, /longer than 20 characters/);
        assert.match(result.leftOut.find((l) => l.file.endsWith('C999999.png'))!.reason, /No customer has the number "C999999"/);
        for (const [n, content] of bytes) {
          assert.ok(table.picture(table.all().find((c) => c.number === n)!.id).bytes?.equals(content), `${n} has its file's bytes`);
        }
        assert.equal(table.picture(idOf(11)).bytes, undefined, 'no picture for a name that is not a number');
        const lookups = suite.emulator.requests.filter((r) => r.method === 'GET' && /^number eq /.test(r.query.$filter ?? ''));
        // One to plan (which customers have a picture) and one to read back what was stored, however many were sent.
        assert.deepEqual(lookups.map((r) => r.query.$expand ?? ''), ['picture', 'picture'], 'one lookup request for 11 numbers, one read-back for the 10 sent');
        assert.ok(!lookups[0].query.$filter!.includes('NAME-TOO-LONG'));
        assertNoRefusalButTheProbe(suite.emulator.requests);
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}
