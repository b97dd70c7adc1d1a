// `npm test` and `npm run sandbox` run `npm ci` first when node_modules is missing or stale, and only then.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'launch', 'npmPackages.js');
// Plain JavaScript (it runs before TypeScript is installed), so no types to import.
const { staleReason } = require(SCRIPT) as { staleReason(root: string): string | undefined };

const LOCK = {
  name: 'p',
  lockfileVersion: 3,
  packages: {
    '': { name: 'p' },
    'node_modules/a': { version: '1.0.0' },
    'node_modules/b/node_modules/a': { version: '2.0.0' },
    'node_modules/b': { version: '3.1.0', dev: true },
    'node_modules/@esbuild/win32-x64': { version: '0.28.2', optional: true },
  },
};

function write(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

/** A project whose node_modules holds `installed` (package path → version), with npm's record of them. */
function project(installed: Record<string, string> | undefined): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-npm-'));
  write(path.join(root, 'package.json'), { name: 'p', version: '1.0.0' });
  write(path.join(root, 'package-lock.json'), LOCK);
  if (installed) {
    const packages: Record<string, { version: string }> = {};
    for (const [key, version] of Object.entries(installed)) {
      packages[key] = { version };
      write(path.join(root, key, 'package.json'), { name: path.basename(key), version });
    }
    write(path.join(root, 'node_modules', '.package-lock.json'), { name: 'p', lockfileVersion: 3, packages });
  }
  return root;
}

const IN_SYNC = { 'node_modules/a': '1.0.0', 'node_modules/b/node_modules/a': '2.0.0', 'node_modules/b': '3.1.0' };

describe('launch/npmPackages: npm ci when node_modules differs from package-lock.json', () => {
  const roots: string[] = [];
  const make = (installed: Record<string, string> | undefined) => {
    const root = project(installed);
    roots.push(root);
    return root;
  };
  after(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

  it('finds nothing to do when every pinned package is installed at its version (other platforms’ optional ones may be absent)', () => {
    assert.equal(staleReason(make(IN_SYNC)), undefined);
  });

  it('says why otherwise: no node_modules, a package missing, another version, a folder deleted by hand', () => {
    assert.equal(staleReason(make(undefined)), 'node_modules is missing');
    assert.equal(staleReason(make({ 'node_modules/a': '1.0.0', 'node_modules/b': '3.1.0' })), 'node_modules/b/node_modules/a is not installed');
    assert.equal(staleReason(make({ ...IN_SYNC, 'node_modules/b': '3.0.0' })), 'node_modules/b is 3.0.0, package-lock.json pins 3.1.0');
    const root = make(IN_SYNC);
    fs.rmSync(path.join(root, 'node_modules', 'a'), { recursive: true });
    assert.equal(staleReason(root), 'node_modules/a is gone from node_modules');
  });

  it('run on its own, calls npm ci once in a fresh checkout and not again once it is installed', () => {
    const root = make(undefined);
    fs.mkdirSync(path.join(root, 'test', 'launch'), { recursive: true });
    fs.copyFileSync(SCRIPT, path.join(root, 'test', 'launch', 'npmPackages.js'));
    // An npm that records its arguments and installs what the lock pins, as npm ci would.
    const bin = path.join(root, 'bin');
    fs.mkdirSync(bin);
    const fakeNpm = path.join(bin, 'npm');
    fs.writeFileSync(
      fakeNpm,
      `#!${process.execPath}\n` +
        `const fs = require('fs'), path = require('path');\n` +
        `fs.appendFileSync(${JSON.stringify(path.join(root, 'calls'))}, process.argv.slice(2).join(' ') + '\\n');\n` +
        `const installed = ${JSON.stringify(IN_SYNC)}, packages = {};\n` +
        `for (const [key, version] of Object.entries(installed)) {\n` +
        `  fs.mkdirSync(key, { recursive: true }); fs.writeFileSync(path.join(key, 'package.json'), '{}'); packages[key] = { version };\n` +
        `}\n` +
        `fs.writeFileSync('node_modules/.package-lock.json', JSON.stringify({ packages }));\n`,
    );
    fs.chmodSync(fakeNpm, 0o755);
    const run = () =>
      spawnSync(process.execPath, [path.join(root, 'test', 'launch', 'npmPackages.js')], {
        cwd: os.tmpdir(),
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
        encoding: 'utf8',
      });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /node_modules is missing: running npm ci/);
    const second = run();
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, '');
    assert.equal(fs.readFileSync(path.join(root, 'calls'), 'utf8'), 'ci --no-audit --no-fund\n');
  });
});
