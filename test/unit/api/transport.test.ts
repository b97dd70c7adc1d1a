/** The transport's own promises: undici loads lazily, proxies are honoured, loopback bypasses them. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { closeConnections, dispatcherOptions } from '../../../src/api/http';
import { ServiceError } from '../../../src/api/errors';
import { startEmulator } from '../../emulator';
import { harness } from './helpers';

/** A forward proxy that records what it is asked and refuses every tunnel (nothing leaves this machine). */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, socket: Socket) => {
    seen.push(`CONNECT ${req.url} ${req.headers.authorization ? 'with-authorization' : ''}`.trim());
    socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

describe('api/http transport', function () {
  this.timeout(20_000);

  afterEach(async () => {
    await closeConnections();
  });

  it('does not evaluate undici until the first request', () => {
    const root = join(__dirname, '..', '..', '..');
    const script = `
      const api = require(${JSON.stringify(join(root, 'src', 'api', 'index.js'))});
      const loaded = () => Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]undici[\\\\/]/.test(k));
      const service = api.createPictureService({ api: 'businessCentral', environment: 'production' }, { authorize: async () => 'Bearer x', log: require(${JSON.stringify(join(root, 'src', 'common', 'log.js'))}).silentLog });
      const before = loaded() || api.isTransportLoaded();
      service.getCustomer('a1b2c3d4-0001-4000-8000-000000000001', 'nope').catch(() => {
        process.stdout.write(JSON.stringify({ before, afterRefusal: loaded() || api.isTransportLoaded() }));
      });
    `;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { before: false, afterRefusal: false });
  });

  it("maps VS Code's proxy settings to undici's EnvHttpProxyAgent options", () => {
    const strict = dispatcherOptions({ proxy: 'http://proxy.corp:3128', noProxy: ['intranet.corp', ' '] }, { connectMs: 1234 });
    assert.equal(strict.httpProxy, 'http://proxy.corp:3128');
    assert.equal(strict.httpsProxy, 'http://proxy.corp:3128');
    assert.match(String(strict.noProxy), /^intranet\.corp,.*localhost,127\.0\.0\.1,\[::1\]$/);
    assert.deepEqual(strict.connect, { timeout: 1234 });
    assert.equal(strict.requestTls, undefined);
    const lax = dispatcherOptions({ proxyStrictSSL: false });
    assert.equal(lax.httpProxy, undefined, 'empty http.proxy leaves HTTP(S)_PROXY to undici');
    assert.deepEqual(lax.requestTls, { rejectUnauthorized: false });
    assert.deepEqual(lax.proxyTls, { rejectUnauthorized: false });
    assert.deepEqual(lax.connect, { timeout: 30_000, rejectUnauthorized: false });
  });

  it('sends requests through http.proxy, never handing it the credential', async () => {
    const proxy = await startProxy();
    try {
      const h = harness({ api: 'businessCentral', environment: 'production', serviceUrl: 'https://bc.example.invalid' }, { first: 'SECRET-token' }, {
        proxy: { proxy: proxy.url },
        retry: { maxAttempts: 1 },
      });
      await assert.rejects(
        h.service.listCompanies(),
        (error: unknown) => error instanceof ServiceError && error.kind === 'network' && /proxy refused .*HTTP 502.*http\.proxy/.test(error.message),
      );
      assert.deepEqual(proxy.seen, ['CONNECT bc.example.invalid:443']);
      assert.ok(!/SECRET/.test(h.log.text));
    } finally {
      await proxy.close();
    }
  });

  it('never sends a request for this computer through the proxy: all of 127.0.0.0/8, not only 127.0.0.1', async () => {
    const proxy = await startProxy();
    const emu = await startEmulator({ host: '127.0.0.2' });
    try {
      emu.acceptToken('loop-SECRET', { audience: 'businesscentral' });
      assert.match(emu.url, /^http:\/\/127\.0\.0\.2:/);
      const h = harness({ api: 'businessCentral', environment: 'production', serviceUrl: emu.url }, { first: 'loop-SECRET' }, { proxy: { proxy: proxy.url }, retry: { maxAttempts: 1 } });
      assert.deepEqual((await h.service.listCompanies()).map((c) => c.name), ['CRONUS USA, Inc.', 'My Company']);
      assert.deepEqual(proxy.seen, [], 'the proxy saw nothing, so no credential in clear');
    } finally {
      await emu.close();
      await proxy.close();
    }
  });

  it('honours the proxy environment variables and http.noProxy', async () => {
    const proxy = await startProxy();
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, https_proxy: process.env.https_proxy };
    process.env.HTTPS_PROXY = proxy.url;
    delete process.env.https_proxy;
    try {
      const viaEnv = harness({ api: 'graph', environment: 'production', serviceUrl: 'https://graph.example.invalid' }, { first: 'x' }, { retry: { maxAttempts: 1 } });
      await assert.rejects(viaEnv.service.listCompanies(), (error: unknown) => error instanceof ServiceError && error.code === 'PROXY');
      assert.deepEqual(proxy.seen, ['CONNECT graph.example.invalid:443']);
      const bypass = harness({ api: 'graph', environment: 'production', serviceUrl: 'https://graph.example.invalid' }, { first: 'x' }, {
        proxy: { noProxy: ['example.invalid'] },
        retry: { maxAttempts: 1 },
      });
      await assert.rejects(bypass.service.listCompanies(), (error: unknown) => error instanceof ServiceError && error.kind === 'network');
      assert.equal(proxy.seen.length, 1, 'http.noProxy bypassed the proxy');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) {
          delete process.env[name];
        } else {
          process.env[name] = value;
        }
      }
      await proxy.close();
    }
  });
});

describe('api/http sign-in errors', () => {
  it("passes the sign-in layer's own errors through unchanged, and sends nothing", async () => {
    class SignInCancelled extends Error {
      override name = 'SignInCancelled';
    }
    const thrown = new SignInCancelled('Sign-in was cancelled.');
    const h = harness({ api: 'businessCentral', environment: 'production', serviceUrl: 'http://127.0.0.1:9' }, { first: 'x' }, {
      authorize: async () => {
        throw thrown;
      },
    });
    await assert.rejects(h.service.listCompanies(), (error: unknown) => error === thrown);
  });
});
