/**
 * A small authenticating HTTP proxy on loopback for tests: CONNECT tunnels and plain forwarding, Basic
 * Proxy-Authorization checked, host names mapped (e.g. `bc.test` to 127.0.0.1). Records what it was asked, with the
 * headers that matter (never forwards a request it refused).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { listenOnLoopback } from './loopback';

export interface ProxySeen {
  readonly method: string;
  readonly target: string;
  /** The Proxy-Authorization header as sent (tests check it is the proxy's credential). */
  readonly proxyAuthorization?: string;
  /** Whether an Authorization header (the service's credential) reached the proxy. */
  readonly authorization: boolean;
  readonly answered: number;
}

export interface AuthProxy {
  /** http://user:pass@127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly seen: ProxySeen[];
  /** The next `n` requests are answered 407 whatever credentials they carry (a proxy that challenges first). */
  challengeNext(n: number): void;
  close(): Promise<void>;
}

export async function startAuthProxy(options: { user: string; password: string; hosts?: Record<string, string> }): Promise<AuthProxy> {
  const expected = 'Basic ' + Buffer.from(`${options.user}:${options.password}`).toString('base64');
  const seen: ProxySeen[] = [];
  let challenges = 0;
  const resolveHost = (host: string) => options.hosts?.[host.toLowerCase()] ?? host;
  const allowed = (req: IncomingMessage): boolean => {
    if (challenges > 0) {
      challenges--;
      return false;
    }
    return req.headers['proxy-authorization'] === expected;
  };
  const record = (req: IncomingMessage, target: string, answered: number) =>
    seen.push({ method: req.method ?? '', target, proxyAuthorization: req.headers['proxy-authorization'], authorization: req.headers.authorization !== undefined, answered });

  const server: Server = createServer((req, res) => {
    const target = req.url ?? '';
    if (!allowed(req)) {
      record(req, target, 407);
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="bc-test"', 'content-length': '0' }).end();
      return;
    }
    const url = new URL(target);
    record(req, target, 200);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: resolveHost(url.hostname), port: url.port || 80, path: url.pathname + url.search, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    if (!allowed(req)) {
      record(req, target, 407);
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="bc-test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const upstream = connect(port, resolveHost(host), () => {
      record(req, target, 200);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    listening.track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const listening = await listenOnLoopback(server);
  const { port } = listening;
  return {
    url: `http://${encodeURIComponent(options.user)}:${encodeURIComponent(options.password)}@127.0.0.1:${port}`,
    port,
    seen,
    challengeNext(n: number) {
      challenges = n;
    },
    close: listening.close,
  };
}
