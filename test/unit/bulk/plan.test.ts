/** Matching file names to customer numbers, and the report of a run. */
import * as assert from 'node:assert/strict';
import { customerNumberOf, matchFiles, numbersToLookUp, runReportMarkdown } from '../../../src/bulk';
import type { Customer } from '../../../src/api/types';
import { commonFolder, localTime } from '../../../src/bulk/report';

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

  it('says a name without a digit is not a customer number, and a number that no customer has is just that', () => {
    const plan = matchFiles([file('logo.png'), file('Photo.JPG'), file('C999999.png'), file('X'.repeat(21) + '.png')], [customer('10000', false)]);
    assert.deepEqual(
      plan.map((e) => ('reason' in e ? e.reason : e.kind)),
      [
        'The name "logo" is not a customer number: name the file after one, such as 10000.png.',
        'The name "Photo" is not a customer number: name the file after one, such as 10000.JPG.',
        'No customer has the number "C999999". Rename the file to the customer\'s number.',
        `"${'X'.repeat(21)}" is longer than 20 characters, so it cannot be a customer number. Rename the file to the customer's number.`,
      ],
    );
  });

  it('matches a customer whose number has no digit, as the service stores it', () => {
    const [entry] = matchFiles([file('logo.png')], [customer('LOGO', false)]);
    assert.equal(entry.kind, 'ready');
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
      environment: 'production',
      startedAt: new Date('2026-01-01T10:00:00Z'),
      endedAt: new Date('2026-01-01T10:01:00Z'),
      language: 'en',
      cancelled: true,
      records: [
        { file: '/p/10000.png', customerNumber: '10000', customerName: 'A | B', state: 'done', detail: '8×6 image/png', before: 'picture' },
        { file: '/p/20000.png', customerNumber: '20000', customerName: 'C', state: 'failed', detail: 'line\nbreak' },
        { file: '/p/30000.png', customerNumber: '30000', customerName: 'D', state: 'notStarted', detail: 'cancelled' },
      ],
      leftOut: [{ file: '/p/x.png', reason: 'No customer' }],
    });
    assert.match(text, /^# Customer pictures by number: CRONUS/);
    assert.match(text, /\*\*Cancelled\.\*\*/);
    assert.match(text, /- Environment: production\n- Folder: \/p\/\n/);
    assert.match(text, /## Pictures set \(1\)\n\n1 replaced a picture; 0 are the first picture of their customer\.\n\n\| Customer \| Name \| File \| Before \| Details \|\n\| --- \| --- \| --- \| --- \| --- \|\n\| 10000 \| A \\\| B \| 10000\.png \| a picture \| 8×6 image\/png \|/);
    assert.match(text, /## Failed \(the old picture stays\) \(1\)[\s\S]*\| 20000 \| C \| 20000\.png \|  \| line break \|/);
    assert.match(text, /## Not started \(cancelled\) \(1\)/);
    assert.match(text, /## Files left out \(1\)[\s\S]*\| x\.png \| No customer \|/);
    assert.doesNotMatch(text, /## Skipped/);
    assert.match(text, /Only the customers listed under "Pictures set" changed\./);
  });

  it('lists a picture sent whole but never confirmed under its own heading: it may be set, not "the old picture stays"', () => {
    const text = runReportMarkdown({
      companyName: 'CRONUS',
      environment: 'production',
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

describe('bulk/report: where, when, relative to what', () => {
  it('names files relative to the folder they share, also for a selection from several folders', () => {
    assert.equal(commonFolder(['/p/a/1.png', '/p/a/2.png']), '/p/a/');
    assert.equal(commonFolder(['/p/a/1.png', '/p/b/2.png']), '/p/');
    assert.equal(commonFolder(['C:\\pics\\1.png', 'C:\\pics\\2.png']), 'C:\\pics\\');
    assert.equal(commonFolder(['1.png']), '');
    assert.equal(commonFolder([]), '');
  });

  it('gives times in local time with the offset from UTC', () => {
    assert.match(localTime(new Date('2026-01-01T10:00:00Z'), 'en'), /2026.*\(UTC[+−]\d\d:\d\d\)$/);
    assert.match(localTime(new Date('2026-01-01T10:00:00Z'), 'not a language tag!'), /\(UTC/);
  });

  it('lists what the scan passed over with the files left out, and says which pictures were new', () => {
    const text = runReportMarkdown({
      companyName: 'CRONUS',
      environment: 'sandbox (https://bc.example/)',
      startedAt: new Date(0),
      endedAt: new Date(1000),
      cancelled: false,
      records: [
        { file: '/p/10000.png', customerNumber: '10000', customerName: 'A', state: 'done', detail: 'PNG', before: 'none' },
        { file: '/p/20000.png', customerNumber: '20000', customerName: 'B', state: 'done', detail: 'PNG', before: 'none' },
      ],
      leftOut: [],
      passedOver: { otherFiles: ['notes.txt'], subfolders: ['old'] },
    });
    assert.ok(text.includes('- Environment: sandbox \\(https://bc.example/\\)\n'), 'the environment and service, escaped as Markdown');
    assert.match(text, /0 replaced a picture; 2 are the first picture of their customer\./);
    assert.match(text, /\| 10000 \| A \| 10000\.png \| no picture \| PNG \|/);
    assert.match(text, /## Files left out \(2\)[\s\S]*\| notes\.txt \| not a picture by its extension \|\n\| old\/ \| a subfolder: only the chosen folder is read \|/);
  });
});
