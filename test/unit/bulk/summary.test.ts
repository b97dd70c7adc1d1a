import * as assert from 'node:assert/strict';
import { describePassedOver, summarize } from '../../../src/bulk';
import { nameList } from '../../../src/bulk/summary';

describe('bulk/summary', () => {
  const none = { done: [], skipped: [], notStarted: [], failed: [], leftOut: [], cancelled: false };
  const names = new Map([
    ['10000', 'Adatum Corporation'],
    ['20000', 'Trey Research'],
  ]);

  it('says in one sentence which customers changed, by number and name, then what else happened', () => {
    const text = summarize(
      'CRONUS',
      {
        ...none,
        done: ['10000', '20000'],
        skipped: ['30000'],
        failed: [{ customerNumber: '40000', reason: 'refused, twice' }, { customerNumber: '50000', reason: 'no answer', mayBeSet: true }],
        leftOut: [{ file: '/p/logo.png' }],
      },
      names,
      { otherFiles: ['notes.txt'], subfolders: ['old'] },
    );
    assert.equal(
      text,
      'CRONUS: pictures set for 2 customers: 10000 (Adatum Corporation), 20000 (Trey Research). 1 not checked, left as they were. ' +
        '1 failed, their pictures unchanged (40000: refused, twice). 1 not confirmed: the picture may have been set, check 50000. ' +
        'Left out: logo.png, notes.txt, old/; the report says why.',
    );
  });

  it('speaks of one customer in the singular, and of none plainly', () => {
    assert.equal(summarize('CRONUS', { ...none, done: ['20000'] }, names), 'CRONUS: picture set for 1 customer: 20000 (Trey Research).');
    assert.equal(summarize('CRONUS', none), 'CRONUS: no customer picture changed.');
  });

  it('lists the first few and says how many more', () => {
    const many = Array.from({ length: 12 }, (_, i) => String(10000 + i));
    assert.equal(
      summarize('CRONUS', { ...none, done: many }),
      'CRONUS: pictures set for 12 customers: 10000, 10001, 10002, 10003, 10004 and 7 more.',
    );
    const failed = many.map((customerNumber) => ({ customerNumber, reason: 'no' }));
    assert.match(summarize('CRONUS', { ...none, failed }), /12 failed, their pictures unchanged \(10000: no; 10001: no; 10002: no and 9 more\)\./);
    assert.equal(nameList([]), '');
    assert.equal(nameList(['a', 'b'], 1), 'a and 1 more');
  });

  it('after a cancel lists the customers that changed, and how many did not start', () => {
    assert.equal(
      summarize('CRONUS', { ...none, cancelled: true, done: ['10000', '20000'], notStarted: ['30000'] }, names),
      'CRONUS: cancelled. Pictures set before that for 2 customers: 10000 (Adatum Corporation), 20000 (Trey Research). 1 not started.',
    );
    assert.equal(summarize('CRONUS', { ...none, cancelled: true }), 'CRONUS: cancelled; no customer picture changed.');
  });

  it('names what the scan passed over, the same for a folder and a selection', () => {
    assert.equal(describePassedOver({ otherFiles: ['notes.txt', 'a.pdf'], subfolders: ['old'] }), 'Not pictures, left out: notes.txt, a.pdf. Subfolders, not read: old.');
    assert.equal(describePassedOver({ otherFiles: [], subfolders: [] }), undefined);
  });

  it('keeps names from the service inert', () => {
    const text = summarize('$(zap) Evil', { ...none, done: ['10000'] }, new Map([['10000', '[x](command:workbench.action.quit)']]));
    assert.doesNotMatch(text, /\$\(|\]\(/);
  });
});
