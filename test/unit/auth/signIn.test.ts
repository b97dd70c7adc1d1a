import * as assert from 'node:assert/strict';
import { BasicCredentialKeeper, microsoftAuthorizer, microsoftScopes, parseStoredCredentials, SignInCancelled, switchMicrosoftAccount, type GetSession } from '../../../src/auth/signIn';

type Options = Parameters<GetSession>[1];

/** A stand-in for VS Code's Microsoft provider: hands out `tokens` in turn and records what it was asked. */
function provider(initial: string | undefined) {
  const calls: Options[] = [];
  let current = initial;
  let issued = 0;
  const getSession: GetSession = async (_scopes, options) => {
    calls.push(options);
    if (options.silent) return current ? { accessToken: current, account: { label: 'ada@contoso.com' } } : undefined;
    current = `signed-in-${++issued}`;
    return { accessToken: current, account: { label: 'ada@contoso.com' } };
  };
  return { calls, getSession, refresh: (token: string) => (current = token) };
}

describe('sign-in', () => {
  it('asks for the Business Central or Graph resource, then the app and tenant pseudo-scopes, each its own item', () => {
    assert.deepEqual(microsoftScopes('businessCentral', {}), ['https://api.businesscentral.dynamics.com/Financials.ReadWrite.All']);
    assert.deepEqual(microsoftScopes('graph', { clientId: '11111111-2222-3333-4444-555555555555', tenant: 'contoso.onmicrosoft.com' }), [
      'https://graph.microsoft.com/Financials.ReadWrite.All',
      'VSCODE_CLIENT_ID:11111111-2222-3333-4444-555555555555',
      'VSCODE_TENANT:contoso.onmicrosoft.com',
    ]);
  });

  it('uses the signed-in session silently, without a prompt', async () => {
    const fake = provider('token-a');
    const authorize = microsoftAuthorizer(fake.getSession, ['scope'], 'why');
    assert.equal(await authorize({ forceNew: false }), 'Bearer token-a');
    assert.deepEqual(fake.calls, [{ silent: true }]);
  });

  it('prompts with the reason only when nobody is signed in', async () => {
    const fake = provider(undefined);
    const authorize = microsoftAuthorizer(fake.getSession, ['scope'], 'To read customers.');
    assert.equal(await authorize({ forceNew: false }), 'Bearer signed-in-1');
    assert.deepEqual(fake.calls, [{ silent: true }, { createIfNone: { detail: 'To read customers.' } }]);
  });

  it('after a 401 takes a token the provider refreshed meanwhile, without a prompt', async () => {
    const fake = provider('token-a');
    const authorize = microsoftAuthorizer(fake.getSession, ['scope'], 'why');
    await authorize({ forceNew: false });
    fake.refresh('token-b');
    assert.equal(await authorize({ forceNew: true }), 'Bearer token-b');
    assert.deepEqual(fake.calls, [{ silent: true }, { silent: true }]);
  });

  it('after a 401 with the same token, asks for a new session once', async () => {
    const fake = provider('token-a');
    const authorize = microsoftAuthorizer(fake.getSession, ['scope'], 'why');
    await authorize({ forceNew: false });
    assert.equal(await authorize({ forceNew: true }), 'Bearer signed-in-1');
    assert.deepEqual(fake.calls.at(-1), { forceNewSession: { detail: 'why' } });
  });

  it('ends quietly when the user closes the sign-in', async () => {
    const authorize = microsoftAuthorizer(async () => undefined, ['scope'], 'why');
    await assert.rejects(authorize({ forceNew: false }), SignInCancelled);
  });

  it('builds Basic credentials from user name and web service access key, and asks again after a 401', async () => {
    const asked: Array<string | undefined> = [];
    const keys = ['old:key', 'n3w/Key+'];
    const keeper = new BasicCredentialKeeper({ get: async () => undefined, store: async () => undefined, delete: async () => undefined }, 'name', async (previous) => {
      asked.push(previous);
      return { userName: 'ADMIN', key: keys.shift()! };
    });
    assert.equal(await keeper.authorize({ forceNew: false }), `Basic ${Buffer.from('ADMIN:old:key').toString('base64')}`);
    assert.equal(await keeper.authorize({ forceNew: true }), `Basic ${Buffer.from('ADMIN:n3w/Key+').toString('base64')}`);
    assert.deepEqual(asked, [undefined, 'ADMIN']);
    const cancelled = new BasicCredentialKeeper({ get: async () => undefined, store: async () => undefined, delete: async () => undefined }, 'name', async () => undefined);
    await assert.rejects(cancelled.authorize({ forceNew: false }), SignInCancelled);
  });

  it('switches account by clearing the remembered account and asking again, with the reason; only the label comes back', async () => {
    const fake = provider('token-a');
    assert.equal(await switchMicrosoftAccount(fake.getSession, ['scope'], 'To read customers.'), 'ada@contoso.com');
    assert.deepEqual(fake.calls, [{ clearSessionPreference: true, createIfNone: { detail: 'To read customers.' } }]);
    await assert.rejects(switchMicrosoftAccount(async () => undefined, ['scope'], 'why'), SignInCancelled);
  });
});

describe('auth/signIn parseStoredCredentials', () => {
  it('reads what was stored, and refuses anything else without throwing or quoting it', () => {
    assert.deepEqual(parseStoredCredentials('{"userName":"ADMIN","key":"k-SECRET"}'), { userName: 'ADMIN', key: 'k-SECRET' });
    for (const damaged of ['k-SECRET-not-json', '{"userName":"ADMIN"', 'null', '42', '"k-SECRET"', '{"userName":"","key":"k"}', '{"userName":"A","key":7}', '', undefined]) {
      assert.equal(parseStoredCredentials(damaged), undefined, String(damaged));
    }
  });
});
