/**
 * The company and customer pickers as a person sees and drives them (issue #12): what is preselected, what each
 * row says on its one line, the server's order, where the keyboard is after *Load more*, and when
 * *Go to customer* is offered. Read from the workbench through the UI driver.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO } from '../emulator';
import { choose, dismiss, focusedRow, waitForPicker } from './support/pickers';
import { emulatorSuite } from './support/suite';
import { needsUiDriver } from './support/ui';

/** Show Customer Picture: it asks for company and customer, and changes nothing. */
const show = (target?: object) => vscode.commands.executeCommand('bcPictures.showPicture', target) as Thenable<unknown>;

describe('The company and customer pickers (UI driver)', function () {
  emulatorSuite({ data: 'demo', bigCompany: 200 });

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
});
