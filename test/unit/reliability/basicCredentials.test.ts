/**
 * Basic authentication (on-premises) against the emulator over loopback HTTP: a typed key is stored only once the
 * service accepted a request made with it, a refused key is forgotten (and deleted when it was stored), the user is
 * asked again with the user name pre-filled, and the refusal says what to check for Basic, not for Microsoft sign-in.
 */
import * as assert from 'node:assert/strict';
import { DEMO, startEmulator, type Emulator } from '../../emulator';
import { createPictureService } from '../../../src/api';
import { errorFromStatus, isCancellation } from '../../../src/api/errors';
import type { PictureService } from '../../../src/api/types';
import { BasicCredentialKeeper, credentialAccepted, SignInCancelled, type BasicCredentials, type SecretStore } from '../../../src/auth/signIn';
import { CapturingLog } from '../api/helpers';
import { everythingIn, serviceFailure } from './helpers';

const USER = 'ADMIN';
const KEY = 'wsk-RIGHT-SECRET-7a7a';
const WRONG = 'wsk-WRONG-SECRET-0b0b';
const NAME = 'bcPictures.basic:test';
const stored = (key: string) => JSON.stringify({ userName: USER, key });

/** Secret storage in memory; `ops` records what was done, never a value. */
class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  readonly ops: string[] = [];
  async get(name: string): Promise<string | undefined> {
    this.ops.push('get');
    return this.values.get(name);
  }
  async store(name: string, value: string): Promise<void> {
    this.ops.push('store');
    this.values.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.ops.push('delete');
    this.values.delete(name);
  }
}

/** The user at the prompt: gives `answers` in turn (undefined: closes it) and records the pre-filled user name. */
function user(...answers: Array<BasicCredentials | undefined>) {
  const prefilled: Array<string | undefined> = [];
  const ask = async (previousUserName: string | undefined) => {
    prefilled.push(previousUserName);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return answers.shift();
  };
  return { ask, prefilled };
}

describe('reliability: Basic credentials', () => {
  let emu: Emulator;
  let secrets: MemorySecrets;
  let log: CapturingLog;

  before(async () => {
    emu = await startEmulator({ basic: { userName: USER, key: KEY } });
  });
  beforeEach(() => {
    emu.clearFaults();
    emu.clearRequests();
    secrets = new MemorySecrets();
    log = new CapturingLog();
  });
  after(async () => {
    await emu.close();
  });

  /** One command's service, wired as src/commands/connection.ts wires it. */
  function command(ask: ReturnType<typeof user>['ask']): { service: PictureService; keeper: BasicCredentialKeeper } {
    const keeper = new BasicCredentialKeeper(secrets, NAME, ask);
    // TransportOptions.onCredentialResult: the transport's report of each answer.
    const reports = { onCredentialResult: keeper.onCredentialResult };
    const service = createPictureService(
      { api: 'businessCentral', serviceUrl: `${emu.bcBaseUrl()}/`, environment: 'ignored' },
      {
        authorize: keeper.authorize,
        ...reports,
        log,
        timeouts: { headersMs: 5_000, bodyMs: 5_000 },
        retry: { sleep: async () => undefined, random: () => 0.5 },
      },
    );
    return { service, keeper };
  }

  it('never stores a refused key, and asks again with the user name pre-filled', async () => {
    const typing = user({ userName: USER, key: WRONG }, { userName: USER, key: WRONG + '-again' });
    await serviceFailure(command(typing.ask).service.listCompanies(), 'auth');
    assert.deepEqual(typing.prefilled, [undefined, USER]);
    assert.deepEqual(emu.requests.map((r) => r.status), [401, 401]);
    assert.ok(!secrets.ops.includes('store'), `secret storage: ${secrets.ops.join(', ')}`);
    assert.equal(secrets.values.size, 0);
  });

  it('stores a typed key only once the service accepted a request made with it, and only once', async () => {
    const typing = user({ userName: USER, key: KEY });
    const { service, keeper } = command(typing.ask);
    emu.fault({ kind: 'hold' });
    const listing = service.listCompanies();
    await emu.waitForHeld(1);
    assert.ok(!secrets.ops.includes('store'), 'not stored while the service has not answered');
    emu.releaseHeld();
    assert.equal((await listing).length, 2);
    await service.getCustomer(DEMO.cronusId, DEMO.customer(10000));
    await Promise.all([service.listCompanies(), service.listCompanies()]);
    assert.equal(secrets.ops.filter((op) => op === 'store').length, 1, `secret storage: ${secrets.ops.join(', ')}`);
    assert.equal(secrets.values.get(NAME), stored(KEY));
    assert.equal(keeper.userName, USER);
    assert.deepEqual(typing.prefilled, [undefined]);
  });

  it('forgets a stored key the service refuses, and asks again with its user name', async () => {
    secrets.values.set(NAME, stored(WRONG));
    const typing = user({ userName: USER, key: KEY });
    assert.equal((await command(typing.ask).service.listCompanies()).length, 2);
    assert.deepEqual(emu.requests.map((r) => r.status), [401, 200]);
    assert.ok(secrets.ops.includes('delete'), `secret storage: ${secrets.ops.join(', ')}`);
    assert.deepEqual(typing.prefilled, [USER]);
    assert.notEqual(secrets.values.get(NAME), stored(WRONG), 'the refused key is not sent by the next command');
  });

  it('keeps the new key in place of the refused stored one once it is accepted', async () => {
    secrets.values.set(NAME, stored(WRONG));
    await command(user({ userName: USER, key: KEY }).ask).service.listCompanies();
    assert.equal(secrets.values.get(NAME), stored(KEY));
    assert.ok(secrets.ops.indexOf('delete') < secrets.ops.indexOf('store'), `secret storage: ${secrets.ops.join(', ')}`);
    emu.clearRequests();
    const next = user();
    assert.equal((await command(next.ask).service.listCompanies()).length, 2);
    assert.deepEqual(next.prefilled, [], 'the next command does not ask');
  });

  it('says what to check for Basic when the key is refused: user name, web service access key, server; not the tenant', async () => {
    const error = await serviceFailure(command(user({ userName: USER, key: WRONG }, { userName: USER, key: WRONG }).ask).service.listCompanies(), 'auth');
    assert.equal(error.status, 401);
    assert.match(error.message, /user name/);
    assert.match(error.message, /web service access key from the user’s card in Business Central \(not the password\)/);
    assert.match(error.message, /bcPictures\.serviceUrl/);
    assert.match(error.message, /forgotten/);
    assert.doesNotMatch(error.message, /tenant|Microsoft|sign-in/i);
    const everything = everythingIn(error) + log.text;
    for (const secret of [WRONG, Buffer.from(`${USER}:${WRONG}`).toString('base64')]) assert.ok(!everything.includes(secret), 'no key in the error or the log');
  });

  it('words a 401 for Basic differently from one for Microsoft sign-in', () => {
    const body = { code: 'Authentication_InvalidCredentials', correlationId: '11111111-2222-3333-4444-555555555555' };
    const basic = errorFromStatus({ status: 401, body, authentication: 'basic' });
    assert.equal(basic.kind, 'auth');
    assert.match(basic.message, /user name.*web service access key.*not the password.*bcPictures\.serviceUrl/);
    assert.match(basic.message, /Authentication_InvalidCredentials.*11111111-2222-3333-4444-555555555555/);
    assert.doesNotMatch(basic.message, /tenant/);
    assert.match(errorFromStatus({ status: 401, body }).message, /bcPictures\.tenant/);
  });

  it('ends with SignInCancelled and sends nothing when the prompt is closed', async () => {
    const error = await command(user(undefined).ask).service.listCompanies().then(
      () => assert.fail('expected SignInCancelled'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof SignInCancelled, String(error));
    assert.ok(isCancellation(error));
    assert.equal(emu.requests.length, 0);
  });

  it('has forgotten a refused stored key even when the user then closes the prompt', async () => {
    secrets.values.set(NAME, stored(WRONG));
    await assert.rejects(command(user(undefined).ask).service.listCompanies(), SignInCancelled);
    assert.equal(secrets.values.size, 0);
    assert.deepEqual(emu.requests.map((r) => r.status), [401]);
  });

  it('asks once for requests sent together', async () => {
    const typing = user({ userName: USER, key: KEY }, { userName: USER, key: KEY });
    const { service } = command(typing.ask);
    await Promise.all([service.listCompanies(), service.listCompanies(), service.listCompanies()]);
    assert.deepEqual(typing.prefilled, [undefined]);
  });

  it('takes only a success or a 403 as the service accepting a key, not what a proxy or gateway may answer', () => {
    for (const status of [200, 201, 204, 403]) assert.equal(credentialAccepted(status), true, String(status));
    for (const status of [301, 302, 400, 401, 404, 407, 408, 413, 429, 500, 502, 503, 504]) assert.equal(credentialAccepted(status), false, String(status));
  });

  it('does not store a key answered only by a busy gateway, and stores it on a 403 (signed in, not permitted)', async () => {
    const { service } = command(user({ userName: USER, key: KEY }).ask);
    emu.fault({ kind: 'status', status: 503, times: Infinity });
    await serviceFailure(service.listCompanies(), 'unavailable');
    assert.equal(secrets.values.size, 0);
    emu.clearFaults();
    emu.fault({ kind: 'status', status: 403, code: 'Authorization_RequestDenied', message: 'You do not have the permission.' });
    await serviceFailure(service.listCompanies(), 'permission');
    assert.equal(secrets.values.get(NAME), stored(KEY));
  });
});
