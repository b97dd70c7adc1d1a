import * as assert from 'node:assert/strict';
import { basicHeader, type BasicCredentials } from '../../../src/auth/signIn';
import { BasicCredentialStore, type SecretStore } from '../../../src/local/secrets';

/** Secret storage in memory, as VS Code's `SecretStorage` keeps it: strings by name. */
class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }
  async store(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.values.delete(name);
  }
}

const SERVER = 'https://bc.example.com/BC/api/v2.0';
const OTHER = 'https://bc2.example.com/BC/api/v2.0';
const ADMIN: BasicCredentials = { userName: 'ADMIN', key: 'key-of-admin' };
const neverAsked = async (): Promise<BasicCredentials | undefined> => assert.fail('the user was asked although credentials were stored');

describe('the Basic credential store', () => {
  let secrets: MemorySecrets;
  let store: BasicCredentialStore;

  beforeEach(() => {
    secrets = new MemorySecrets();
    store = new BasicCredentialStore(secrets);
  });

  it('keeps credentials per service URL: a keeper uses only those of its own service', async () => {
    await secrets.store(`bcPictures.basic:${SERVER}`, JSON.stringify(ADMIN));
    const keeper = store.keeper(SERVER, neverAsked);
    assert.equal(await keeper.authorize({ forceNew: false }), basicHeader(ADMIN));
    assert.equal(keeper.userName, 'ADMIN');
    const asked: Array<string | undefined> = [];
    const other = store.keeper(OTHER, async (serviceUrl, previousUserName) => (asked.push(`${serviceUrl} ${previousUserName}`), { userName: 'CLERK', key: 'key-of-clerk' }));
    assert.equal(await other.authorize({ forceNew: false }), basicHeader({ userName: 'CLERK', key: 'key-of-clerk' }));
    assert.deepEqual(asked, [`${OTHER} undefined`], 'another service asks for its own');
  });

  it('forgets the credentials of one service URL only, and says whether there were any', async () => {
    await secrets.store(`bcPictures.basic:${SERVER}`, JSON.stringify(ADMIN));
    await secrets.store(`bcPictures.basic:${OTHER}`, JSON.stringify(ADMIN));
    await secrets.store('bcPictures.basic:online', JSON.stringify(ADMIN));
    assert.equal(await store.forget(SERVER), true);
    assert.equal(await store.forget(SERVER), false, 'nothing left to forget');
    assert.deepEqual([...secrets.values.keys()], [`bcPictures.basic:${OTHER}`, 'bcPictures.basic:online']);
    assert.equal(await store.forget(''), true, 'no service URL: Business Central online');
    assert.deepEqual([...secrets.values.keys()], [`bcPictures.basic:${OTHER}`]);
  });

  it('asks again after forgetting', async () => {
    await secrets.store(`bcPictures.basic:${SERVER}`, JSON.stringify(ADMIN));
    await store.forget(SERVER);
    let asked = 0;
    const keeper = store.keeper(SERVER, async () => (asked++, undefined));
    await assert.rejects(keeper.authorize({ forceNew: false }), { name: 'SignInCancelled' });
    assert.equal(asked, 1);
  });
});
