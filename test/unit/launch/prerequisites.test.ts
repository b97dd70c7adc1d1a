// The system check of the sandbox and the host tests on machines that lack packages: a fake system, and the CLI as a user who is not root.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM_PATH, ensurePrerequisites, PrerequisiteError, type System } from '../../launch/prerequisites';

const ALL_COMMANDS = ['apt-get', 'rg', 'krb5-config', 'make', 'g++', 'python3'];
/** What each Debian package puts on this fake machine. */
const PROVIDES: Record<string, { commands?: string[]; files?: string[] }> = {
  chromium: { files: [CHROMIUM_PATH] },
  ripgrep: { commands: ['rg'] },
  'libkrb5-dev': { commands: ['krb5-config'], files: ['/usr/include/gssapi/gssapi.h'] },
  'build-essential': { commands: ['make', 'g++'] },
  python3: { commands: ['python3'] },
};

interface FakeSystem extends System {
  readonly runs: string[];
  readonly logged: string[];
}

function fakeSystem(options: { root: boolean; without?: string[]; node?: string; aptFails?: boolean }): FakeSystem {
  const without = new Set(options.without ?? []);
  const commands = new Set(ALL_COMMANDS.filter((c) => !without.has(c)));
  const files = new Set([CHROMIUM_PATH, '/usr/include/gssapi/gssapi.h'].filter((f) => !without.has(f)));
  const runs: string[] = [];
  const logged: string[] = [];
  return {
    root: options.root,
    nodeVersion: options.node ?? 'v20.19.0',
    which: (command) => (commands.has(command) ? `/usr/bin/${command}` : undefined),
    exists: (file) => files.has(file),
    executable: (file) => files.has(file),
    run: (command, args) => {
      runs.push([command, ...args].join(' '));
      if (options.aptFails) return 100;
      if (command === 'apt-get' && args[0] === 'install') {
        for (const name of args.slice(2)) {
          for (const c of PROVIDES[name]?.commands ?? []) commands.add(c);
          for (const f of PROVIDES[name]?.files ?? []) files.add(f);
        }
      }
      return 0;
    },
    log: (line) => logged.push(line),
    runs,
    logged,
  };
}

const BOTH = { browser: true, codeServerBuild: true };

function prerequisiteError(run: () => void): PrerequisiteError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PrerequisiteError, String(error));
    return error;
  }
  assert.fail('no PrerequisiteError');
}

describe('launch/prerequisites: what the sandbox and the host tests need from the system', () => {
  it('does nothing when everything is there', () => {
    const system = fakeSystem({ root: true });
    ensurePrerequisites(BOTH, system);
    assert.deepEqual(system.runs, []);
    assert.deepEqual(system.logged, []);
  });

  it('as root, installs the missing Debian packages with apt-get and checks again', () => {
    const system = fakeSystem({ root: true, without: [CHROMIUM_PATH, 'rg', 'make'] });
    ensurePrerequisites(BOTH, system);
    assert.deepEqual(system.runs, ['apt-get update', 'apt-get install -y chromium ripgrep build-essential']);
    assert.match(system.logged.join('\n'), /installing chromium, ripgrep, build-essential with apt-get/);
  });

  it('not as root, installs nothing and stops with the one sudo apt-get line', () => {
    const system = fakeSystem({ root: false, without: ['rg', 'krb5-config', '/usr/include/gssapi/gssapi.h', 'python3'] });
    const error = prerequisiteError(() => ensurePrerequisites(BOTH, system));
    assert.deepEqual(system.runs, []);
    assert.equal(error.exitCode, 3);
    const commands = error.message.split('\n').filter((line) => /apt-get/.test(line));
    assert.deepEqual(commands, ['  sudo apt-get update && sudo apt-get install -y ripgrep libkrb5-dev python3']);
    assert.match(error.message, /ripgrep \(rg\)/);
    assert.match(error.message, /Kerberos development headers/);
  });

  it('asks only for what the run needs: no browser for the sandbox, no build tools once code-server is installed', () => {
    const system = fakeSystem({ root: false, without: [CHROMIUM_PATH, 'rg'] });
    ensurePrerequisites({ browser: false, codeServerBuild: false }, system);
    assert.match(prerequisiteError(() => ensurePrerequisites({ browser: false, codeServerBuild: true }, system)).message, /install -y ripgrep$/m);
    assert.match(prerequisiteError(() => ensurePrerequisites({ browser: true, codeServerBuild: false }, system)).message, /install -y chromium$/m);
  });

  it('installs nothing for a Node.js that apt cannot replace, and says which one is needed', () => {
    const system = fakeSystem({ root: true, without: ['rg'], node: 'v22.11.0' });
    const error = prerequisiteError(() => ensurePrerequisites(BOTH, system));
    assert.deepEqual(system.runs, []);
    assert.match(error.message, /Node\.js 20 \(code-server 4\.100\.3 needs it; this is v22\.11\.0\)/);
    assert.match(error.message, /^ {2}apt-get update && apt-get install -y ripgrep$/m);
  });

  it('stops when apt-get fails, and without apt-get names the packages instead of a command', () => {
    const failing = fakeSystem({ root: true, without: ['python3'], aptFails: true });
    assert.match(prerequisiteError(() => ensurePrerequisites(BOTH, failing)).message, /apt-get update failed \(exit code 100\)/);
    assert.deepEqual(failing.runs, ['apt-get update']);

    const noApt = fakeSystem({ root: true, without: ['apt-get', 'python3'] });
    const error = prerequisiteError(() => ensurePrerequisites(BOTH, noApt));
    assert.deepEqual(noApt.runs, []);
    assert.doesNotMatch(error.message, /apt-get/);
    assert.match(error.message, /package manager \(on Debian: python3\)/);
  });

  it('run on its own by a user who is not root, prints the sudo line and exits 3', function () {
    // The real check on this machine, with a PATH that holds only apt-get: ripgrep, make, g++ and python3 are "missing".
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-prereq-'));
    try {
      fs.chmodSync(bin, 0o755);
      const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((file) => fs.existsSync(file));
      if (!aptGet) this.skip();
      fs.symlinkSync(aptGet, path.join(bin, 'apt-get'));
      // A copy (it needs nothing but Node's own modules), so that the user "nobody" can read it wherever the checkout is.
      const script = path.join(bin, 'prerequisites.js');
      fs.copyFileSync(path.resolve(__dirname, '..', '..', 'launch', 'prerequisites.js'), script);
      fs.chmodSync(script, 0o644);
      const asUser = typeof process.getuid === 'function' && process.getuid() === 0 ? { uid: 65534, gid: 65534 } : {};
      if (spawnSync(process.execPath, ['-e', ''], asUser).status !== 0) this.skip(); // this Node is not runnable by nobody
      const result = spawnSync(process.execPath, [script], { env: { PATH: bin }, encoding: 'utf8', ...asUser });
      assert.equal(result.status, 3, result.stderr);
      const commands = result.stderr.split('\n').filter((line) => /apt-get/.test(line));
      assert.equal(commands.length, 1, result.stderr);
      assert.match(commands[0], /^ {2}sudo apt-get update && sudo apt-get install -y (chromium )?ripgrep (libkrb5-dev )?build-essential python3$/);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
