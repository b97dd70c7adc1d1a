/**
 * System prerequisites of the code-server based extension-host tests.
 *
 * code-server 4.100.3 (installed from npm by installCodeServer.ts) builds
 * native modules (node-pty, kerberos, argon2, ...) and needs ripgrep; the
 * workbench is driven by the system's Chromium. None of that can be fetched
 * from the npm registry, so check for it first and, if anything is missing,
 * stop at once with the exact command that installs it.
 *
 * Run on its own: `node out/test/launch/prerequisites.js`.
 */
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

export function findMissingPrerequisites(): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  if (!isExecutable(CHROMIUM_PATH)) {
    missing.push({ what: `Chromium at ${CHROMIUM_PATH}`, aptPackage: 'chromium' });
  }
  if (!which('rg')) {
    missing.push({ what: 'ripgrep (rg)', aptPackage: 'ripgrep' });
  }
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h') && !which('krb5-config')) {
    missing.push({ what: 'Kerberos development headers (gssapi/gssapi.h, krb5-config)', aptPackage: 'libkrb5-dev' });
  }
  const tools = ['make', 'g++'].filter((tool) => !which(tool));
  if (tools.length > 0) {
    missing.push({ what: `C/C++ build tools (${tools.join(', ')})`, aptPackage: 'build-essential' });
  }
  if (!which('python3')) {
    missing.push({ what: 'python3 (node-gyp)', aptPackage: 'python3' });
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== REQUIRED_NODE_MAJOR) {
    missing.push({ what: `Node.js ${REQUIRED_NODE_MAJOR} (code-server 4.100.3 needs it; this is ${process.version})` });
  }
  return missing;
}

/** The apt command that installs the missing Debian packages, or undefined. */
export function installCommand(missing: readonly MissingPrerequisite[]): string | undefined {
  const packages = [...new Set(missing.flatMap((m) => (m.aptPackage ? [m.aptPackage] : [])))];
  if (packages.length === 0) {
    return undefined;
  }
  const sudo = typeof process.getuid === 'function' && process.getuid() !== 0 ? 'sudo ' : '';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

/** Throws a PrerequisiteError that names what is missing and how to install it. */
export function ensurePrerequisites(): void {
  const missing = findMissingPrerequisites();
  if (missing.length === 0) {
    return;
  }
  const lines = ['Missing system prerequisites for the extension-host tests:'];
  for (const m of missing) {
    lines.push(`  - ${m.what}`);
  }
  const command = installCommand(missing);
  if (command) {
    lines.push('', 'Install them with:', '', `  ${command}`, '');
  }
  throw new PrerequisiteError(lines.join('\n'));
}

if (require.main === module) {
  try {
    ensurePrerequisites();
    console.log('All system prerequisites are present.');
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof PrerequisiteError ? error.exitCode : 1);
  }
}
