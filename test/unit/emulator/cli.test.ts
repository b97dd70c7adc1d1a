import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { call } from './helpers';

const CLI = path.join(__dirname, '..', '..', 'emulator', 'cli.js');

/** Starts the CLI with `args`; `ready` resolves once it is serving, `output()` is all it printed so far. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl+C')) resolve();
    });
    child.on('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  return { child, exited, ready, output: () => out };
}

describe('emulator: command line', function () {
  this.timeout(20_000);

  it('starts on a free port, prints URLs and credentials, serves them, and stops on SIGTERM', async () => {
    const { child, exited, ready, output } = startCli(['--port', '0', '--token', 'cli-test-token', '--user', 'WS', '--key', 'cli-key', '--graph-post-refused']);
    try {
      await ready;
      const out = output();
      const base = /Business Central API v2\.0: (\S+)/.exec(out)![1];
      assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/v2\.0\/production\/api\/v2\.0$/);
      assert.match(out, /Graph beta financials: +http:\/\/127\.0\.0\.1:\d+\/beta\/financials +\(POST picture refused\)/);
      assert.match(out, /Basic: user WS, web service key cli-key/);
      assert.match(out, /Bearer token \(Graph\): +graph-[0-9a-f]{32}/);
      const r = await call(`${base}/companies`, { token: 'cli-test-token' });
      assert.equal(r.status, 200);
      const b = await call(`${base}/companies`, { token: null, headers: { authorization: `Basic ${Buffer.from('WS:cli-key').toString('base64')}` } });
      assert.equal(b.status, 200);
      await new Promise((res) => setTimeout(res, 50));
      assert.match(output(), /GET \/v2\.0\/production\/api\/v2\.0\/companies -> 200/);
      assert.ok(!output().split('Press Ctrl+C')[1].includes('cli-test-token'), 'the request log has no credentials');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('refuses unknown arguments with exit code 2', async () => {
    const child = spawn(process.execPath, [CLI, '--nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /unknown argument --nope/);
  });
  it('--server-version old starts an old server; another value is refused', async () => {
    const { child, exited, ready, output } = startCli(['--port', '0', '--token', 'cli-old-token', '--server-version', 'old', '--quiet']);
    try {
      await ready;
      const out = output();
      assert.match(out, /Server version: +old/);
      const base = /Business Central API v2\.0: (\S+)/.exec(out)![1];
      const companies = await call(`${base}/companies`, { token: 'cli-old-token' });
      const r = await call(`${base}/companies(${companies.json.value[0].id})/customers?$schemaversion=2.1`, { token: 'cli-old-token' });
      assert.equal(r.status, 400);
      assert.match(r.json.error.message, /^The schema version '2\.1' is not supported\./);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    const bad = spawn(process.execPath, [CLI, '--server-version', 'new'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
    assert.equal(await new Promise<number | null>((resolve) => bad.on('exit', resolve)), 2);
    assert.match(err, /--server-version must be current or old/);
  });
});
