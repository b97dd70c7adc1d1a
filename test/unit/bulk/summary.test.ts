import * as assert from 'node:assert/strict';
import { summarize } from '../../../src/bulk';

describe('bulk/summary', () => {
  const none = { done: [], skipped: [], notStarted: [], failed: [], leftOut: [], cancelled: false };

  it('names what changed, what failed and what may have been set, each apart', () => {
    const text = summarize('CRONUS', { ...none, done: ['10000'], skipped: ['20000'], failed: [{ customerNumber: '30000', reason: 'refused' }, { customerNumber: '40000', reason: 'no answer', mayBeSet: true }], leftOut: [{}] }, undefined);
    assert.equal(text, 'CRONUS: pictures set for 1 customers. 1 skipped. 1 failed (30000: refused). 1 not confirmed: the picture may have been set, check 40000. 1 files left out (no customer, or not a picture).');
  });

  it('after a cancel lists the customers that changed, and how many did not start', () => {
    assert.equal(summarize('CRONUS', { ...none, cancelled: true, done: ['10000', '20000'], notStarted: ['30000'] }, 'Subfolders, not read: 1.'), 'CRONUS: cancelled. Pictures set for 2 customers: 10000, 20000. 1 not started. Subfolders, not read: 1.');
    assert.equal(summarize('CRONUS', { ...none, cancelled: true }, undefined), 'CRONUS: cancelled. No customer picture changed.');
  });
});
