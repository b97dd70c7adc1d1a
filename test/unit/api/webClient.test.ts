import * as assert from 'node:assert/strict';
import { customerCardUrl } from '../../../src/api/webClient';

const company = { id: 'a1b2c3d4-0001-4000-8000-000000000001', name: 'CRONUS USA, Inc.', displayName: 'CRONUS USA, Inc.' };
const customer = { id: 'c0ffee00-0000-4000-8000-000000060000', number: "O'60000", displayName: "O'Brien & Sons" };

describe('the customer card in the web client', () => {
  it('opens the customer card (page 21) filtered to the number, in the tenant and environment', () => {
    const url = new URL(customerCardUrl({ serviceUrl: '', tenant: 'contoso.onmicrosoft.com', environment: 'Production' }, company, customer)!);
    assert.equal(url.origin + url.pathname, 'https://businesscentral.dynamics.com/contoso.onmicrosoft.com/Production/');
    assert.equal(url.searchParams.get('company'), 'CRONUS USA, Inc.');
    assert.equal(url.searchParams.get('page'), '21');
    assert.equal(url.searchParams.get('filter'), "'No.' IS 'O''60000'");
  });

  it('leaves the tenant out when none is set', () => {
    const url = customerCardUrl({ serviceUrl: '', tenant: '', environment: 'sandbox' }, company, customer)!;
    assert.ok(url.startsWith('https://businesscentral.dynamics.com/sandbox/?company='));
  });

  it('offers no address for on-premises servers and emulators, whose web client the API does not tell', () => {
    assert.equal(customerCardUrl({ serviceUrl: 'http://127.0.0.1:8080', tenant: '', environment: 'production' }, company, customer), undefined);
  });
});
