/**
 * System prerequisites of code-server (the sandbox and the extension-host tests) and of the headless browser
 * that drives the tests.
 *
 * code-server 4.100.3 (installed from npm by installCodeServer.ts) builds native modules (node-pty, kerberos,
 * argon2, ...) and needs ripgrep; the workbench is driven by the system's Chromium. None of that comes from the
 * npm registry. What is missing is installed with apt-get when this runs as root; otherwise the run stops with
 * the one command that installs it.
 *
 * Run on its own: `node out/test/launch/prerequisites.js` (what the extension-host tests need).
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** code-server 4.100.x refuses to install on anything but Node 20. */
export const REQUIRED_NODE_MAJOR = 20;

export interface MissingPrerequisite {
  /** What is missing, for people. */
  readonly what: string;
  /** The Debian package that provides it, or undefined if apt cannot help. */
  readonly aptPackage?: string;
}

/** Prerequisite failures carry an exit code; the launchers exit with it. */
export class PrerequisiteError extends Error {
  constructor(message: string, readonly exitCode = 3) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

/** What a run needs besides Node 20. */
export interface Needs {
  /** Chromium, which drives the workbench (tests, screenshots). */
  readonly browser: boolean;
  /** What installing code-server takes: ripgrep, Kerberos headers, C/C++ build tools, python3. */
  readonly codeServerBuild: boolean;
}

/** The machine as the check sees it; tests pass their own. */
export interface System {
  /** Whether this process runs as root, so that apt-get can install without sudo. */
  readonly root: boolean;
  readonly nodeVersion: string;
  /** The full path of a command on PATH, or undefined. */
  which(command: string): string | undefined;
  exists(file: string): boolean;
  executable(file: string): boolean;
  /** Runs a command with the output shown; its exit code. */
  run(command: string, args: readonly string[]): number;
  log(line: string): void;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The full path of an executable found on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) {
      return path.join(dir, command);
    }
  }
  return undefined;
}

export function thisSystem(): System {
  return {
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    nodeVersion: process.version,
    which,
    exists: (file) => fs.existsSync(file),
    executable: isExecutable,
    run: (command, args) => {
      const result = childProcess.spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      return result.status ?? 1;
    },
    log: (line) => console.log(`[prerequisites] ${line}`),
  };
}

export function findMissingPrerequisites(needs: Needs, system: System): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  if (needs.browser && !system.executable(CHROMIUM_PATH)) {
    missing.push({ what: `Chromium at ${CHROMIUM_PATH}`, aptPackage: 'chromium' });
  }
  if (needs.codeServerBuild) {
    if (!system.which('rg')) {
      missing.push({ what: 'ripgrep (rg)', aptPackage: 'ripgrep' });
    }
    if (!system.exists('/usr/include/gssapi/gssapi.h') && !system.which('krb5-config')) {
      missing.push({ what: 'Kerberos development headers (gssapi/gssapi.h, krb5-config)', aptPackage: 'libkrb5-dev' });
    }
    const tools = ['make', 'g++'].filter((tool) => !system.which(tool));
    if (tools.length > 0) {
      missing.push({ what: `C/C++ build tools (${tools.join(', ')})`, aptPackage: 'build-essential' });
    }
    if (!system.which('python3')) {
      missing.push({ what: 'python3 (node-gyp)', aptPackage: 'python3' });
    }
  }
  const major = Number(system.nodeVersion.replace(/^v/, '').split('.')[0]);
  if (major !== REQUIRED_NODE_MAJOR) {
    missing.push({ what: `Node.js ${REQUIRED_NODE_MAJOR} (code-server 4.100.3 needs it; this is ${system.nodeVersion})` });
  }
  return missing;
}

function aptPackages(missing: readonly MissingPrerequisite[]): string[] {
  return [...new Set(missing.flatMap((m) => (m.aptPackage ? [m.aptPackage] : [])))];
}

/** The one line that installs the missing Debian packages (with sudo unless root), or undefined. */
export function installCommand(missing: readonly MissingPrerequisite[], root: boolean): string | undefined {
  const packages = aptPackages(missing);
  if (packages.length === 0) {
    return undefined;
  }
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

function missingMessage(missing: readonly MissingPrerequisite[], command: string | undefined): string {
  const lines = ['Missing system prerequisites:', ...missing.map((m) => `  - ${m.what}`)];
  if (command) {
    lines.push('', 'Install them with this command, then try again:', '', `  ${command}`, '');
  } else if (aptPackages(missing).length > 0) {
    lines.push('', `Install them with your system's package manager (on Debian: ${aptPackages(missing).join(' ')}).`);
  }
  return lines.join('\n');
}

/**
 * Makes sure what `needs` names is there: nothing happens when it is; as root with apt-get, the missing Debian
 * packages are installed; otherwise throws a PrerequisiteError that names what is missing and the one command
 * that installs it.
 */
export function ensurePrerequisites(needs: Needs, system: System = thisSystem()): void {
  const missing = findMissingPrerequisites(needs, system);
  if (missing.length === 0) {
    return;
  }
  const apt = system.which('apt-get') !== undefined;
  // Installing is only worth it when apt can provide everything that is missing (a wrong Node.js it cannot).
  if (!system.root || !apt || missing.some((m) => !m.aptPackage)) {
    throw new PrerequisiteError(missingMessage(missing, apt ? installCommand(missing, system.root) : undefined));
  }
  const packages = aptPackages(missing);
  system.log(`installing ${packages.join(', ')} with apt-get (${missing.map((m) => m.what).join('; ')} missing)`);
  for (const args of [['update'], ['install', '-y', ...packages]]) {
    const code = system.run('apt-get', args);
    if (code !== 0) {
      throw new PrerequisiteError(`apt-get ${args.join(' ')} failed (exit code ${code}); its output is above.`);
    }
  }
  const still = findMissingPrerequisites(needs, system);
  if (still.length > 0) {
    throw new PrerequisiteError(`apt-get installed ${packages.join(' ')}, but these are still missing:\n${still.map((m) => `  - ${m.what}`).join('\n')}`);
  }
}

if (require.main === module) {
  try {
    ensurePrerequisites({ browser: true, codeServerBuild: true });
    console.log('All system prerequisites are present.');
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof PrerequisiteError ? error.exitCode : 1);
  }
}
