/** The transport's own promises: the host's fetch from the first request on, proxies are honoured, loopback bypasses them. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { ServiceError } from '../../../src/api/errors';
import { startEmulator } from '../../emulator';
import { listenOnLoopback } from '../../support/loopback';
import { harness } from './helpers';

/** A forward proxy that records what it is asked and refuses every tunnel (nothing leaves this machine). */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, socket: Socket) => {
    seen.push(`CONNECT ${req.url} ${req.headers.authorization ? 'with-authorization' : ''}`.trim());
    socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  });
  const { port, close } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, seen, close };
}

describe('api/http transport', function () {
  this.timeout(20_000);

  it("makes no request before the first call, then uses the host's fetch and never loads the npm undici", () => {
    const root = join(__dirname, '..', '..', '..');
    // Port 9 on loopback: refused at once, so the one attempt fails as a network error without a server.
    const script = `
      let calls = 0;
      const real = globalThis.fetch;
      globalThis.fetch = (...args) => { calls++; return real(...args); };
      const loaded = () => Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]undici[\\\\/]/.test(k));
      const api = require(${JSON.stringify(join(root, 'src', 'api', 'index.js'))});
      const service = api.createPictureService({ api: 'businessCentral', environment: 'production', serviceUrl: 'http://127.0.0.1:9' }, { authorize: async () => 'Bearer x', log: require(${JSON.stringify(join(root, 'src', 'common', 'log.js'))}).silentLog, retry: { maxAttempts: 1 } });
      const before = { calls, undici: loaded() };
      service.listCompanies().then(() => process.exit(3), (error) => {
        process.stdout.write(JSON.stringify({ before, after: { calls, undici: loaded() }, kind: error.kind }));
      });
    `;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { before: { calls: 0, undici: false }, after: { calls: 1, undici: false }, kind: 'network' });
  });

  /**
   * The extension host's `fetch` as VS Code patches it (@vscode/proxy-agent's createFetchPatch): Node's own fetch with an
   * undici `ProxyAgent` for every URL, the original kept as `__vscodeOriginalFetch`. Proxy resolution itself is VS Code's
   * (host tests cover it); here only what the transport does with that fetch.
   */
  async function withPatchedFetch<T>(proxyUrl: string, body: (seen: string[]) => Promise<T>): Promise<T> {
    const { ProxyAgent } = await import('undici');
    const original = globalThis.fetch;
    const seen: string[] = [];
    const g = globalThis as { fetch: typeof fetch; __vscodeOriginalFetch?: typeof fetch };
    g.__vscodeOriginalFetch = original;
    g.fetch = (input, init) => {
      seen.push(String(input));
      return original(input, { ...init, dispatcher: new ProxyAgent(proxyUrl) } as unknown as RequestInit);
    };
    try {
      return await body(seen);
    } finally {
      g.fetch = original;
      delete g.__vscodeOriginalFetch;
    }
  }

  it("sends requests through the extension host's fetch, never handing the proxy the credential", async () => {
    const proxy = await startProxy();
    try {
      await withPatchedFetch(proxy.url, async (seen) => {
        const h = harness({ api: 'businessCentral', environment: 'production', serviceUrl: 'https://bc.example.invalid' }, { first: 'SECRET-token' }, { retry: { maxAttempts: 1 } });
        await assert.rejects(
          h.service.listCompanies(),
          (error: unknown) => error instanceof ServiceError && error.kind === 'network' && error.code === 'PROXY' && /proxy refused .*HTTP 502.*http\.proxy/.test(error.message),
        );
        assert.equal(seen.length, 1);
        assert.deepEqual(proxy.seen, ['CONNECT bc.example.invalid:443']);
        assert.ok(!/SECRET/.test(h.log.text));
      });
    } finally {
      await proxy.close();
    }
  });

  it('never sends a request for this computer through the proxy: all of 127.0.0.0/8, not only 127.0.0.1', async () => {
    const proxy = await startProxy();
    const emu = await startEmulator({ host: '127.0.0.2' });
    try {
      await withPatchedFetch(proxy.url, async (seen) => {
        emu.acceptToken('loop-SECRET', { audience: 'businesscentral' });
        assert.match(emu.url, /^http:\/\/127\.0\.0\.2:/);
        const h = harness({ api: 'businessCentral', environment: 'production', serviceUrl: emu.url }, { first: 'loop-SECRET' }, { retry: { maxAttempts: 1 } });
        assert.deepEqual((await h.service.listCompanies()).map((c) => c.name), ['CRONUS USA, Inc.', 'My Company']);
        assert.deepEqual(seen, [], "VS Code's fetch was not used");
        assert.deepEqual(proxy.seen, [], 'the proxy saw nothing, so no credential in clear');
      });
    } finally {
      await emu.close();
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
