/** Matching file names to customer numbers, and the report of a run. */
import * as assert from 'node:assert/strict';
import { customerNumberOf, matchFiles, numbersToLookUp, runReportMarkdown } from '../../../src/bulk';
import type { Customer } from '../../../src/api/types';

const customer = (number: string, hasPicture?: boolean): Customer => ({
  id: `id-${number}`,
  number,
  displayName: `Customer ${number}`,
  ...(hasPicture === undefined ? {} : { hasPicture }),
});

const file = (name: string, refusal?: string) => ({ file: name, name, ...(refusal ? { refusal } : {}) });

describe('bulk/plan: file names to customer numbers', () => {
  it('takes the name without its last extension', () => {
    assert.equal(customerNumberOf('10000.jpg'), '10000');
    assert.equal(customerNumberOf('C00010.png'), 'C00010');
    assert.equal(customerNumberOf('CUST.01.tiff'), 'CUST.01');
    assert.equal(customerNumberOf('10000'), '10000');
    assert.equal(customerNumberOf('.png'), '.png', 'a dot file is all name');
    assert.equal(customerNumberOf(' .png'), undefined);
  });

  it('asks for each number as written and in upper case, once', () => {
    assert.deepEqual(numbersToLookUp(['10000', 'c00010', 'C00010', 'Ab', ' x1 ', 'A'.repeat(21)]), ['10000', 'C00010', 'AB', 'X1']);
  });

  it('matches exactly and without regard to case, and says why a file is left out', () => {
    const plan = matchFiles(
      [file('10000.jpg'), file('c00010.png'), file('20000.png'), file('99999.png'), file('30000.gif', 'The file is empty.')],
      [customer('10000', false), customer('C00010', false), customer('20000', true), customer('30000', false)],
    );
    assert.deepEqual(
      plan.map((e) => `${e.name} ${e.kind} ${'customer' in e ? e.customer.number : e.reason}`),
      [
        '10000.jpg ready 10000',
        'c00010.png ready C00010',
        '20000.png hasPicture 20000',
        '99999.png noCustomer No customer has the number "99999". Rename the file to the customer\'s number.',
        '30000.gif refused The file is empty.',
      ],
    );
  });

  it('prefers the exact number when two customers differ only in case', () => {
    const plan = matchFiles([file('ab.png'), file('aB.png')], [customer('ab', false), customer('AB', false)]);
    assert.deepEqual(plan.map((e) => e.kind), ['ready', 'noCustomer']);
    assert.equal('customer' in plan[0] && plan[0].customer.number, 'ab');
  });

  it('leaves out every file when two name the same customer', () => {
    const plan = matchFiles([file('10000.png'), file('10000.jpg'), file('20000.png')], [customer('10000', false), customer('20000', false)]);
    assert.deepEqual(plan.map((e) => e.kind), ['duplicate', 'duplicate', 'ready']);
    assert.match('reason' in plan[0] ? plan[0].reason : '', /2 files name customer 10000: 10000\.png, 10000\.jpg/);
  });

  it('asks about a customer when the service does not tell whether it has a picture', () => {
    const [entry] = matchFiles([file('10000.png')], [customer('10000')]);
    assert.equal(entry.kind, 'hasPicture');
    assert.equal(entry.kind === 'hasPicture' && entry.unknown, true);
  });
});

describe('bulk/plan: the report', () => {
  it('lists each outcome in its own table, and escapes what would break one', () => {
    const text = runReportMarkdown({
      companyName: 'CRONUS',
      startedAt: new Date('2026-01-01T10:00:00Z'),
      endedAt: new Date('2026-01-01T10:01:00Z'),
      cancelled: true,
      records: [
        { file: '/p/10000.png', customerNumber: '10000', customerName: 'A | B', state: 'done', detail: '8×6 image/png' },
        { file: '/p/20000.png', customerNumber: '20000', customerName: 'C', state: 'failed', detail: 'line\nbreak' },
        { file: '/p/30000.png', customerNumber: '30000', customerName: 'D', state: 'notStarted', detail: 'cancelled' },
      ],
      leftOut: [{ file: '/p/x.png', reason: 'No customer' }],
    });
    assert.match(text, /^# Customer pictures by number: CRONUS/);
    assert.match(text, /\*\*Cancelled\.\*\*/);
    assert.match(text, /## Pictures set \(1\)\n\n\| Customer \| Name \| File \| Details \|\n\| --- \| --- \| --- \| --- \|\n\| 10000 \| A \\\| B \| \/p\/10000\.png \| 8×6 image\/png \|/);
    assert.match(text, /## Failed \(the old picture stays\) \(1\)[\s\S]*\| 20000 \| C \| \/p\/20000\.png \| line break \|/);
    assert.match(text, /## Not started \(cancelled\) \(1\)/);
    assert.match(text, /## Files left out \(1\)[\s\S]*\| \/p\/x\.png \| No customer \|/);
    assert.doesNotMatch(text, /## Skipped/);
    assert.match(text, /Only the customers listed under "Pictures set" changed\./);
  });

  it('lists a picture sent whole but never confirmed under its own heading: it may be set, not "the old picture stays"', () => {
    const text = runReportMarkdown({
      companyName: 'CRONUS',
      startedAt: new Date('2026-01-01T10:00:00Z'),
      endedAt: new Date('2026-01-01T10:01:00Z'),
      cancelled: true,
      records: [{ file: '/p/40000.png', customerNumber: '40000', customerName: 'E', state: 'unconfirmed', detail: 'The picture may have been set' }],
      leftOut: [],
    });
    assert.match(text, /## Not confirmed \(the picture may have been set: check\) \(1\)[\s\S]*\| 40000 \| E \|/);
    assert.doesNotMatch(text, /## Failed/);
    assert.match(text, /Only the customers listed under "Pictures set" and "Not confirmed" may have changed\./);
  });
});
