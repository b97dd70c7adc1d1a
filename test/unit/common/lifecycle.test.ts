import * as assert from 'node:assert/strict';
import { Disposable } from '../../../src/common/lifecycle';

class Owner extends Disposable {
  own(name: string, log: string[]): void {
    this._register({ dispose: () => log.push(name) });
  }
}

describe('common/lifecycle: Disposable', () => {
  it('disposes what it owns once, last registered first, and at once what comes after its end', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.own('a', log);
    owner.own('b', log);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['b', 'a']);
    owner.own('late', log);
    assert.deepEqual(log, ['b', 'a', 'late']);
  });
});
