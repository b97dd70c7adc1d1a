/**
 * The company and customer pickers as a person sees and drives them (issue #12): what is preselected, what each
 * row says on its one line, the server's order, where the keyboard is after *Load more*, and when
 * *Go to customer* is offered. Read from the workbench through the UI driver.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO, makePng } from '../emulator';
import { choose, dismiss, focusedRow, goToCustomer, searchCustomers, waitForPicker, type PickerView } from './support/pickers';
import { emulatorSuite } from './support/suite';
import { needsUiDriver } from './support/ui';

const BIG = DEMO.bigCompanyId;
const LOAD_MORE = '$(ellipsis) Load more';

/** Show Customer Picture: it asks for company and customer, and changes nothing. */
const show = (target?: object) => vscode.commands.executeCommand('bcPictures.showPicture', target) as Thenable<unknown>;
/** A row's customer number: the first part of its description. */
const numberOf = (row: PickerView['rows'][number]) => row.description.split(' · ')[0];

describe('The company and customer pickers (UI driver)', function () {
  const suite = emulatorSuite({ data: 'demo', bigCompany: 200 });

  beforeEach(function () {
    needsUiDriver(this);
  });

  afterEach(() => vscode.commands.executeCommand('notifications.clearAll'));

  it('preselects the company used last in a list by name, else the first; each row says where the company is, on one line', async () => {
    // This suite's emulator is a service of its own, so nothing was used there yet.
    let running = show();
    let companies = await waitForPicker('company');
    assert.deepEqual(companies.items, ['Big Tenant Ltd.', 'CRONUS USA, Inc.', 'My Company']);
    assert.equal(focusedRow(companies)?.label, 'Big Tenant Ltd.', 'none used yet: the first');
    assert.deepEqual(companies.rows.map((row) => row.description), ['environment production', 'environment production', 'environment production']);
    await dismiss();
    await running;

    // A customer of My Company shown makes it the company used last.
    await show({ companyId: DEMO.myCompanyId, customerId: DEMO.customer(1000) });
    running = show();
    companies = await waitForPicker('company');
    assert.deepEqual(companies.items, ['Big Tenant Ltd.', 'CRONUS USA, Inc.', 'My Company'], 'the order stays');
    assert.equal(focusedRow(companies)?.label, 'My Company');
    assert.deepEqual(
      companies.rows.map((row) => row.description),
      ['environment production', 'environment production', 'environment production · last used'],
    );
    assert.ok(companies.rows.every((row) => row.detail === ''), 'no second line');
    await choose(0);
    const customers = await waitForPicker('customer');
    assert.match(customers.title, /^Select the Customer of My Company \(2\/2\)$/);
    await dismiss();
    await running;
  });

  it('shows a recently used customer as the service has it now, with city and badges on the one line every row has', async () => {
    const table = suite.emulator.data.company(BIG)!.customers;
    const later = table.all()[149]; // C000150: not on the first page of 50
    table.deletePicture(later.id);
    await show({ companyId: BIG, customerId: later.id });
    // Remembered while it had no picture; it has one now.
    table.setPicture(later.id, makePng(8, 8, 3));
    const running = show({ companyId: BIG });
    const customers = await waitForPicker('customer', (state) => state.rows[0]?.description.includes('has a picture') ?? false);
    const [recent] = customers.rows;
    assert.equal(recent.separator, 'Recently used');
    assert.equal(recent.label, later.displayName);
    const blocked = later.blocked.trim() ? [`$(circle-slash) blocked: ${later.blocked}`] : [];
    assert.equal(recent.description, [later.number, later.city, '$(file-media) has a picture', ...blocked].join(' · '));
    assert.ok(customers.rows.some((row) => / · \$\(circle-slash\) blocked: (Ship|Invoice|All)$/.test(row.description)), 'blocked customers are marked too');
    assert.deepEqual(customers.rows.filter((row) => row.detail !== '').map((row) => row.label), [], 'no row has a second line');
    const lookups = suite.emulator.requests.filter((r) => r.query.$filter === `number eq '${later.number}'`);
    assert.deepEqual(lookups.map((r) => r.status), [200], 'one lookup of the recent customers');
    await dismiss();
    await running;
  });

  it('keeps the keyboard and the view where they were after Load more: on the first new row', async () => {
    const running = show({ companyId: BIG });
    const first = await waitForPicker('customer', (state) => state.items.at(-1) === LOAD_MORE);
    await choose(-1); // from the first row up to the last: Load more
    const second = await waitForPicker('customer', (state) => state.rows.length > first.rows.length);
    const focused = focusedRow(second);
    assert.equal(focused && numberOf(focused), 'C000051', 'on the first new row');
    assert.ok(focused?.inView, 'which is in view');
    assert.equal(second.rows.find((row) => numberOf(row) === 'C000001')?.inView, false, 'the list did not jump back to the top');
    assert.equal(second.items.at(-1), LOAD_MORE);
    await dismiss();
    await running;
  });

  it('lists what a search finds in the order the service sent it, and offers Go to customer only for a number or an id, below the matches', async () => {
    let running = show({ companyId: DEMO.cronusId });
    await waitForPicker('customer', (state) => state.items.includes('Adatum Corporation'));
    let found = await searchCustomers(suite.emulator, 'co', (state) => state.items.includes('Coho Winery'));
    // By number, as the service sent them: sorting by label would put "Coho Winery" (it starts with "co") first.
    assert.deepEqual(found.items, ['Adatum Corporation', 'Coho Winery']);
    assert.ok(!suite.emulator.requests.some((r) => (r.query.$filter ?? '').startsWith('contains(number,')), 'a lower-case word is searched by name only');
    await dismiss();
    await running;

    running = show({ companyId: DEMO.cronusId });
    await waitForPicker('customer', (state) => state.items.includes('Adatum Corporation'));
    found = await searchCustomers(suite.emulator, '20000', (state) => state.items.includes('Trey Research'));
    // The row's label holds the number too, so sorting by label would put it first.
    assert.deepEqual(found.items, ['Trey Research', goToCustomer('20000')]);
    assert.equal(found.rows[1].description, 'Look up the customer with exactly this number or id');
    assert.ok(found.rows.every((row) => row.detail === ''), 'no second line');
    await dismiss();
    await running;
  });
});
