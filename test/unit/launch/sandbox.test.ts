// `npm run sandbox`: its samples, its key kept per checkout, a busy port, and what is left after a failure.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectImageFile } from '../../../src/images';
import { DEMO, TenantData } from '../../emulator/data';
import { Cleanup } from '../../launch/codeServer/cleanup';
import { PrerequisiteError } from '../../launch/prerequisites';
import { nextFreePort, portIsFree, runWithCleanup, SAMPLES, sandboxCommand, sandboxCredentials } from '../../launch/sandbox';

function listen(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;
const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Runs with console.error silenced, since the failures below are on purpose. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const error = console.error;
  console.error = () => undefined;
  try {
    return await run();
  } finally {
    console.error = error;
  }
}

describe('launch/sandbox', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-sandbox-test-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('ships customer-pictures/: small pictures named after CRONUS customers, and the names the plan leaves out', async () => {
    const cronus = new TenantData().company(DEMO.cronusId)!;
    const numbers = new Set(cronus.customers.all().map((c) => c.number));
    const files = fs.readdirSync(SAMPLES).sort();
    const pictures = files.filter((file) => /\.(png|jpe?g)$/i.test(file));
    for (const file of pictures) {
      const info = await inspectImageFile(path.join(SAMPLES, file));
      assert.ok(info.width > 0 && info.height > 0, file);
      assert.ok(fs.statSync(path.join(SAMPLES, file)).size < 16 * 1024, `${file} is a few KB`);
    }
    const stem = (file: string) => path.parse(file).name.toUpperCase();
    assert.deepEqual(pictures.filter((f) => numbers.has(stem(f))), ['10000.png', '20000.jpg', '30000.png', '40000.jpg', '60000.png']);
    assert.deepEqual(pictures.filter((f) => !numbers.has(stem(f))), ['99999.png', 'C00010.png', 'logo.png']);
    assert.ok(files.includes('README.txt'), 'a file that is not a picture');
  });

  it('keeps one key per checkout, and says so when it had to make a new one after earlier runs', () => {
    const dir = path.join(tempDir(), 'sandbox');
    const first = sandboxCredentials(dir);
    assert.equal(first.userName, 'SANDBOX');
    assert.equal(first.changed, false, 'the first run has nothing to compare with');
    assert.equal(fs.statSync(path.join(dir, 'credentials.json')).mode & 0o077, 0, 'only the owner reads the key');
    assert.deepEqual(sandboxCredentials(dir), first);

    fs.mkdirSync(path.join(dir, 'pictures'));
    fs.rmSync(path.join(dir, 'credentials.json'));
    const remade = sandboxCredentials(dir);
    assert.notEqual(remade.key, first.key);
    assert.equal(remade.changed, true);
    assert.equal(sandboxCredentials(dir).changed, false);

    fs.writeFileSync(path.join(dir, 'credentials.json'), '{ not json');
    assert.equal(sandboxCredentials(dir).changed, true);
  });

  it('finds a busy port and a free one after it, and names the command with the other arguments kept', async () => {
    const busy = await listen();
    try {
      const port = portOf(busy);
      assert.equal(await portIsFree(port), false);
      const free = await nextFreePort(port);
      assert.notEqual(free, port);
      assert.equal(await portIsFree(free), true);
    } finally {
      await close(busy);
    }
    assert.equal(sandboxCommand(['--code-server', '--port', '8081'], '--port', 8082), 'npm run sandbox -- --code-server --port 8082');
    assert.equal(sandboxCommand([], '--emulator-port', 8080), 'npm run sandbox -- --emulator-port 8080');
  });

  it('stops on a busy --port with the npm run sandbox -- --port N to run instead, before starting anything', async () => {
    const busy = await listen();
    try {
      const port = portOf(busy);
      const result = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', 'launch', 'sandbox.js'), '--code-server', '--port', String(port)], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(result.status, 2, result.stderr + result.stdout);
      const hint = /npm run sandbox -- --code-server --port (\d+)/.exec(result.stderr);
      assert.ok(hint, result.stderr);
      assert.notEqual(Number(hint[1]), port);
      assert.match(result.stderr, new RegExp(`Port ${port} \\(--port\\) is in use`));
      assert.doesNotMatch(result.stdout, /Sign in with/);
    } finally {
      await close(busy);
    }
  });

  it('removes its temporary folder and stops what it started when the start fails', async () => {
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, 'file'), 'x');
    const closed: string[] = [];
    const code = await quietly(() =>
      runWithCleanup(async (cleanup) => {
        cleanup.add(async () => void closed.push('emulator'));
        cleanup.setTempDir(folder);
        throw new Error('code-server exited (code 1) before listening');
      }, new Cleanup()),
    );
    assert.equal(code, 1);
    assert.equal(fs.existsSync(folder), false);
    assert.deepEqual(closed, ['emulator']);
    assert.equal(await quietly(() => runWithCleanup(() => Promise.reject(new PrerequisiteError('busy', 2)))), 2);
  });
});
