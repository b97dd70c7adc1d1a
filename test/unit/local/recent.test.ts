import * as assert from 'node:assert/strict';
import type { Company, Customer } from '../../../src/api/types';
import { RecentChoices, type KeptState } from '../../../src/local/recent';

/** Kept state in memory, each value through JSON as VS Code's `Memento` stores it. */
class MemoryState implements KeptState {
  readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
}

const company = (n: number): Company => ({ id: `company-${n}`, name: `Company ${n}`, displayName: `Company ${n}` });
const customer = (n: number): Customer => ({ id: `customer-${n}`, number: String(10000 * n), displayName: `Customer ${n}`, city: 'Atlanta' });
const numbers = (recent: RecentChoices, companyId: string) => recent.customers(companyId).map((c) => c.number);

describe('recent choices', () => {
  it('remember nothing at first', () => {
    const recent = new RecentChoices(new MemoryState(), 'online|home|businessCentral|production');
    assert.equal(recent.companyId, undefined);
    assert.deepEqual(recent.customers('company-1'), []);
  });

  it('keep the last company, and the last 5 customers of each company, latest first and each once', async () => {
    const recent = new RecentChoices(new MemoryState(), 'scope');
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await recent.remember(company(1), customer(n));
    await recent.remember(company(1), customer(4));
    await recent.remember(company(2), customer(9));
    assert.equal(recent.companyId, 'company-2');
    assert.deepEqual(numbers(recent, 'company-1'), ['40000', '70000', '60000', '50000', '30000']);
    assert.deepEqual(numbers(recent, 'company-2'), ['90000']);
  });

  it('keep of a customer only its id, number and name', async () => {
    const recent = new RecentChoices(new MemoryState(), 'scope');
    await recent.remember(company(1), customer(1));
    assert.deepEqual(recent.customers('company-1'), [{ id: 'customer-1', number: '10000', displayName: 'Customer 1' }]);
  });

  it('keep each scope (service, tenant, environment) apart in the same state', async () => {
    const state = new MemoryState();
    const production = new RecentChoices(state, 'online|home|businessCentral|production');
    const sandbox = new RecentChoices(state, 'online|home|businessCentral|sandbox');
    for (const n of [1, 2, 3, 4, 5, 6]) await production.remember(company(1), customer(n));
    await sandbox.remember(company(2), customer(8));
    assert.equal(production.companyId, 'company-1');
    assert.deepEqual(numbers(production, 'company-1'), ['60000', '50000', '40000', '30000', '20000']);
    assert.deepEqual(numbers(production, 'company-2'), []);
    assert.equal(sandbox.companyId, 'company-2');
    assert.deepEqual(numbers(sandbox, 'company-1'), []);
    // A later object over the same state (the next command) reads what the earlier one kept.
    assert.deepEqual(numbers(new RecentChoices(state, 'online|home|businessCentral|sandbox'), 'company-2'), ['80000']);
    assert.equal(state.values.size, 2);
  });
});
