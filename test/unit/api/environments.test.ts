/**
 * The environments of the signed-in tenant, from the emulator's `/environments/v1.2`, over real loopback HTTP.
 */
import * as assert from 'node:assert/strict';
import { DEMO, startEmulator, type Emulator } from '../../emulator';
import { buildEnvironmentsUrl, isOnPremises, ServiceError } from '../../../src/api';
import { harness } from './helpers';

const TOKEN = 'bc-token-SECRET-env';

describe('api/client listEnvironments', function () {
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator({ data: 'demo' });
    emu.acceptToken(TOKEN, { audience: 'businesscentral' });
  });

  after(async () => {
    await emu?.close();
  });

  beforeEach(() => emu.clearRequests());

  it('lists name, type and country of each environment with one GET on the service origin', async () => {
    const { service, log } = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN });
    const environments = await service.listEnvironments();
    assert.deepEqual(
      environments.map((e) => [e.name, e.type, e.countryCode]),
      [
        ['production', 'Production', 'US'],
        ['sandbox', 'Sandbox', 'US'],
      ],
    );
    assert.equal(emu.requests.length, 1);
    assert.equal(emu.requests[0].path, '/environments/v1.2');
    assert.equal(emu.requests[0].api, 'environments');
    assert.equal(emu.requests[0].headers.authorization, 'Bearer <redacted>');
    assert.ok(!log.text.includes(TOKEN));
  });

  it('works whatever environment the settings name, even one the tenant does not have', async () => {
    const { service } = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'gone', tenant: DEMO.tenantId }, { first: TOKEN });
    assert.equal((await service.listEnvironments()).length, 2);
  });

  it('passes the service error through: a refused token is an auth error', async () => {
    const { service } = harness({ api: 'businessCentral', serviceUrl: emu.url, environment: 'production' }, { first: 'not-a-token' });
    await assert.rejects(service.listEnvironments(), (error: unknown) => error instanceof ServiceError && error.kind === 'auth');
  });

  it('is refused before any request for on-premises and for Graph, saying what to do', async () => {
    const onPremises = harness({ api: 'businessCentral', serviceUrl: `${emu.url}/BC/api/v2.0`, environment: 'production' }, { first: TOKEN });
    await assert.rejects(onPremises.service.listEnvironments(), (error: unknown) => error instanceof ServiceError && error.kind === 'settings' && /on-premises/.test(error.message));
    const graph = harness({ api: 'graph', serviceUrl: emu.url, environment: 'production' }, { first: TOKEN });
    await assert.rejects(graph.service.listEnvironments(), (error: unknown) => error instanceof ServiceError && error.kind === 'settings' && /bcPictures\.api/.test(error.message));
    assert.equal(emu.requests.length, 0);
  });

  it('addresses the online service by default', () => {
    assert.equal(buildEnvironmentsUrl({}), 'https://api.businesscentral.dynamics.com/environments/v1.2');
    assert.equal(buildEnvironmentsUrl({ serviceUrl: 'http://127.0.0.1:8080/' }), 'http://127.0.0.1:8080/environments/v1.2');
    assert.ok(isOnPremises('https://bc.contoso.local:7048/BC/api/v2.0/'));
    assert.ok(!isOnPremises(''));
  });
});
