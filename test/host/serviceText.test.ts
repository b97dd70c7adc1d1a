/**
 * Text from Business Central is data: a customer named like a command link or an icon is shown as the text it
 * is, in the real workbench's quick pick and notifications (read from the rendered page, not from our labels).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO, TenantData } from '../emulator';
import { dismiss, searchCustomers, waitForPicker } from './support/pickers';
import { emulatorSuite } from './support/suite';
import { needsUiDriver, readTexts, waitUntil } from './support/ui';

const EVIL_ID = 'e0e0e0e0-0000-4000-8000-000000000666';
const LINK = '[Open in BC](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20owned%22%7D)';
const EVIL_NAME = `$(check) Evil ${LINK}`;
const visible = (texts: readonly string[]) => texts.join(' ').split('\u200b').join('');

describe('Text from Business Central is data (UI driver)', function () {
  const suite = emulatorSuite({ data: 'demo' });

  before(() => {
    const table = suite.emulator.data.company(DEMO.cronusId)!.customers;
    if (!table.get(EVIL_ID)) table.add(TenantData.customer(EVIL_ID, { number: 'EVIL1', displayName: EVIL_NAME }));
  });

  beforeEach(function () {
    needsUiDriver(this);
  });

  it('shows a customer name with $(icon) and a command link as plain text in the customer picker', async () => {
    const running = vscode.commands.executeCommand('bcPictures.showPicture', { companyId: DEMO.cronusId });
    await waitForPicker('customer', (state) => state.items.length > 1);
    await searchCustomers(suite.emulator, 'evil', (state) => state.items.some((label) => label.includes('Evil')));
    const rows = await readTexts('.quick-input-list .monaco-list-row');
    assert.ok(visible(rows).includes(EVIL_NAME), `the row reads as the name itself: ${visible(rows)}`);
    await dismiss();
    await running;
  });

  it('shows it as plain text in a notification: no link to click', async () => {
    const running = vscode.commands.executeCommand('bcPictures.removePicture', { companyId: DEMO.cronusId, customerId: EVIL_ID });
    await waitUntil(async () => visible(await readTexts('.notifications-toasts')).includes('has no picture'), 'the notification shows');
    const toast = visible(await readTexts('.notifications-toasts'));
    assert.ok(toast.includes(`${EVIL_NAME} (EVIL1) has no picture in Business Central`), toast);
    assert.deepEqual(await readTexts('.notifications-toasts .notification-list-item-message a'), [], 'no link in the message');
    await running;
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
