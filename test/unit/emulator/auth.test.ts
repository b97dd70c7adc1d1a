import * as assert from 'node:assert/strict';
import { DEMO, type Emulator } from '../../emulator';
import { BC_TOKEN, call, CORRELATION_RE, GRAPH_TOKEN, start } from './helpers';

function basic(user: string, key: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}` };
}

describe('emulator: credentials', () => {
  let emu: Emulator;
  let companies: string;
  let graphCompanies: string;

  beforeEach(async () => {
    emu = await start({ basic: { userName: 'ADMIN', key: 'wsk-Secret+Key/123=' } });
    companies = `${emu.bcBaseUrl()}/companies`;
    graphCompanies = `${emu.graphBaseUrl}/companies`;
  });
  afterEach(() => emu.close());

  it('answers a missing credential with 401, WWW-Authenticate Bearer and Basic challenges', async () => {
    const r = await call(companies, { token: null });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'Authentication_InvalidCredentials');
    assert.match(r.json.error.message, CORRELATION_RE);
    const challenges = ([] as string[]).concat(r.headers['www-authenticate'] ?? []);
    assert.equal(challenges.length, 2);
    assert.match(challenges[0], /^Bearer realm="", authorization_uri="http:\/\/127\.0\.0\.1:\d+\/common\/oauth2\/authorize", resource_id="https:\/\/api\.businesscentral\.dynamics\.com"$/);
    assert.equal(challenges[1], 'Basic realm="Business Central"');
    const env = await call(emu.environmentsUrl, { token: null });
    assert.equal(env.status, 401);
  });

  it('refuses an unknown token and a malformed header', async () => {
    const r = await call(companies, { token: 'made-up' });
    assert.equal(r.status, 401);
    assert.match(String(r.headers['www-authenticate']), /error="invalid_token"/);
    const m = await call(companies, { token: null, headers: { authorization: 'Bearer' } });
    assert.equal(m.status, 401);
    const other = await call(companies, { token: null, headers: { authorization: 'Negotiate abc' } });
    assert.equal(other.status, 401);
  });

  it('binds a token to its audience: Business Central tokens do not open Graph and vice versa', async () => {
    assert.equal((await call(companies, { token: BC_TOKEN })).status, 200);
    assert.equal((await call(graphCompanies, { token: GRAPH_TOKEN })).status, 200);
    const bcOnGraph = await call(graphCompanies, { token: BC_TOKEN });
    assert.equal(bcOnGraph.status, 401);
    assert.equal(bcOnGraph.json.error.code, 'InvalidAuthenticationToken');
    assert.ok(bcOnGraph.json.error.innerError['request-id']);
    assert.match(String(bcOnGraph.headers['www-authenticate']), /client_id="00000003-0000-0000-c000-000000000000"/);
    const graphOnBc = await call(companies, { token: GRAPH_TOKEN });
    assert.equal(graphOnBc.status, 401);
    assert.equal(graphOnBc.json.error.code, 'Authentication_InvalidCredentials');
  });

  it('checks scopes when the grant names them', async () => {
    emu.acceptToken('scoped-ok', { audience: 'businesscentral', scopes: ['https://api.businesscentral.dynamics.com/Financials.ReadWrite.All'] });
    emu.acceptToken('scoped-default', { audience: 'businesscentral', scopes: ['https://api.businesscentral.dynamics.com/.default'] });
    emu.acceptToken('scoped-wrong', { audience: 'businesscentral', scopes: ['User.Read'] });
    emu.acceptToken('graph-wrong', { audience: 'graph', scopes: ['User.Read'] });
    assert.equal((await call(companies, { token: 'scoped-ok' })).status, 200);
    assert.equal((await call(companies, { token: 'scoped-default' })).status, 200);
    const wrong = await call(companies, { token: 'scoped-wrong' });
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.headers['www-authenticate']), /insufficient_scope/);
    const g = await call(graphCompanies, { token: 'graph-wrong' });
    assert.equal(g.status, 403);
  });

  it('answers a revoked or expired token with the expired-token 401', async () => {
    emu.acceptToken('short', { audience: 'businesscentral', expiresAt: Date.now() - 1 });
    const expired = await call(companies, { token: 'short' });
    assert.equal(expired.status, 401);
    assert.match(String(expired.headers['www-authenticate']), /error="invalid_token", error_description="The access token has expired"/);
    assert.equal((await call(companies)).status, 200);
    emu.revokeToken(BC_TOKEN);
    const revoked = await call(companies);
    assert.equal(revoked.status, 401);
    assert.match(revoked.json.error.message, /expired/);
  });

  it('accepts Basic with the configured user name and key on Business Central only', async () => {
    const ok = await call(companies, { token: null, headers: basic('ADMIN', 'wsk-Secret+Key/123=') });
    assert.equal(ok.status, 200);
    const pic = await call(`${companies.replace(/companies$/, '')}companies(${DEMO.cronusId})/customers(${DEMO.customer(10000)})/picture`, { token: null, headers: basic('ADMIN', 'wsk-Secret+Key/123=') });
    assert.equal(pic.status, 200);
    assert.equal((await call(companies, { token: null, headers: basic('ADMIN', 'wrong') })).status, 401);
    assert.equal((await call(companies, { token: null, headers: basic('admin', 'wsk-Secret+Key/123=') })).status, 401);
    assert.equal((await call(graphCompanies, { token: null, headers: basic('ADMIN', 'wsk-Secret+Key/123=') })).status, 401);
    emu.setBasic(undefined);
    const off = await call(companies, { token: null, headers: basic('ADMIN', 'wsk-Secret+Key/123=') });
    assert.equal(off.status, 401);
    assert.equal(([] as string[]).concat(off.headers['www-authenticate'] ?? []).length, 1);
  });

  it('never records a token or key', async () => {
    await call(companies, { token: null, headers: basic('ADMIN', 'wsk-Secret+Key/123=') });
    await call(companies);
    await call(companies, { token: 'made-up-secret' });
    const text = JSON.stringify(emu.requests);
    for (const secret of ['wsk-Secret', BC_TOKEN, 'made-up-secret', Buffer.from('ADMIN:wsk-Secret+Key/123=').toString('base64')]) {
      assert.ok(!text.includes(secret), secret);
    }
    assert.deepEqual(emu.requests.map((r) => r.headers.authorization), ['Basic <redacted>', 'Bearer <redacted>', 'Bearer <redacted>']);
    assert.deepEqual(emu.requests.map((r) => r.user), ['ADMIN', 'alice@cronus.test', undefined]);
  });
});
