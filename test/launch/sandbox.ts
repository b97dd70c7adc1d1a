/**
 * `npm run sandbox`: the whole product against the local emulator, no tenant needed. Starts the emulator
 * with demo data and a VS Code with this extension already configured for it (Basic authentication),
 * with the samples of `customer-pictures/` open: desktop VS Code when a `code` command is on the PATH,
 * otherwise code-server, whose URL it prints.
 *
 *   npm run sandbox [-- --port 8081] [--emulator-port 8080] [--code-server]
 */
import * as childProcess from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../emulator';
import { Cleanup } from './codeServer/cleanup';
import { startCodeServer } from './codeServer/server';
import { remoteAuthority, workbenchUrl } from './codeServer/workbench';
import { installCodeServer, REPO_ROOT } from './installCodeServer';
import { PrerequisiteError } from './prerequisites';

const SANDBOX = path.join(REPO_ROOT, '.vscode-test', 'sandbox');
export const SAMPLES = path.join(REPO_ROOT, 'customer-pictures');
/** The user name the sandbox's emulator takes; the key is made once per checkout. */
const USER_NAME = 'SANDBOX';

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function portOption(args: readonly string[], name: string, fallback: number): number {
  const value = Number(option(args, name) ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new PrerequisiteError(`${name} takes a port number from 0 to 65535 (0: any free port).`, 2);
  }
  return value;
}

/** Whether 127.0.0.1:port can be listened on (0: any port, always). */
export function portIsFree(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The first free port after `port`, for the hint; one the system picks if none of the next 100 is. */
export async function nextFreePort(port: number): Promise<number> {
  for (let candidate = port + 1; candidate <= Math.min(port + 100, 65535); candidate++) {
    if (await portIsFree(candidate)) return candidate;
  }
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: any } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(any));
    });
  });
}

/** `npm run sandbox` with the same arguments, `name` set to `value`. */
export function sandboxCommand(args: readonly string[], name: string, value: number): string {
  const rest = [...args];
  const at = rest.indexOf(name);
  if (at >= 0) rest.splice(at, 2);
  return `npm run sandbox -- ${[...rest, name, String(value)].join(' ')}`;
}

/** Stops at once, with the command that starts the sandbox on a free port, when `port` is taken. */
async function requireFreePort(args: readonly string[], name: string, port: number): Promise<void> {
  if (await portIsFree(port)) return;
  const free = await nextFreePort(port);
  throw new PrerequisiteError(
    `Port ${port} (${name}) is in use, by another sandbox or another program. Start the sandbox on a free port:\n\n  ${sandboxCommand(args, name, free)}\n`,
    2,
  );
}

export interface SandboxCredentials {
  readonly userName: string;
  readonly key: string;
  /** Made on this run although earlier runs of this checkout had one: what was typed then no longer works. */
  readonly changed: boolean;
}

/** The sandbox's user name and key, the same on every run of this checkout: made once, kept in `dir` (git-ignored). */
export function sandboxCredentials(dir: string): SandboxCredentials {
  const file = path.join(dir, 'credentials.json');
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SandboxCredentials>;
    if (stored.userName === USER_NAME && typeof stored.key === 'string' && stored.key.length >= 16) {
      return { userName: stored.userName, key: stored.key, changed: false };
    }
  } catch {
    // none yet, or unreadable: a new one below
  }
  // Earlier runs leave their workspace behind; a key made after them differs from the one typed then.
  const ranBefore = fs.existsSync(dir) && fs.readdirSync(dir).some((entry) => entry !== 'credentials.json');
  const key = randomBytes(24).toString('base64');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ userName: USER_NAME, key }, null, 2) + '\n', { mode: 0o600 });
  return { userName: USER_NAME, key, changed: ranBefore };
}

/** The `code` command of a desktop VS Code, if there is one. */
function desktopCode(args: readonly string[]): string | undefined {
  if (args.includes('--code-server')) return undefined;
  const found = childProcess.spawnSync(process.platform === 'win32' ? 'where' : 'which', ['code'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.split(/\r?\n/)[0].trim() || undefined : undefined;
}

/** Starts everything, prints how to use it, and returns once `untilStopped` (called when all runs) resolves. */
async function sandbox(args: readonly string[], cleanup: Cleanup, untilStopped: () => Promise<void>): Promise<void> {
  for (const file of ['dist/extension.js', 'out/test/emulator/index.js']) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) throw new Error(`${file} is missing: run \`npm run compile\` first (npm run sandbox does).`);
  }
  const code = desktopCode(args);
  const emulatorPort = portOption(args, '--emulator-port', 0);
  const port = portOption(args, '--port', 8081);
  await requireFreePort(args, '--emulator-port', emulatorPort);
  if (!code) await requireFreePort(args, '--port', port);

  const credentials = sandboxCredentials(SANDBOX);
  const emulator = await startEmulator({ data: 'demo', bigCompany: true, basic: credentials, port: emulatorPort });
  cleanup.add(() => emulator.close());

  // A copy, so that whatever the user does in the sandbox never touches the repository's samples.
  const workspace = path.join(SANDBOX, 'pictures');
  const folder = path.join(workspace, path.basename(SAMPLES));
  if (!fs.existsSync(folder)) fs.cpSync(SAMPLES, folder, { recursive: true });
  const settings = {
    'bcPictures.serviceUrl': emulator.url,
    'bcPictures.authentication': 'basic',
    'bcPictures.api': 'businessCentral',
    'bcPictures.environment': 'production',
  };

  let open: string;
  if (code) {
    const userData = path.join(SANDBOX, 'code-user');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    childProcess.spawn(code, ['--user-data-dir', userData, '--new-window', `--extensionDevelopmentPath=${REPO_ROOT}`, workspace], {
      stdio: 'ignore',
      detached: true,
    }).unref();
    open = 'a new VS Code window was opened';
  } else {
    const installation = await installCodeServer({ log: (line) => console.log(`[sandbox] ${line}`) });
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-sandbox-'));
    cleanup.setTempDir(tempDir);
    const server = await startCodeServer(installation, cleanup, { tempDir, workspace, env: {}, settings, withoutMicrosoftSignIn: false, port });
    const authority = await remoteAuthority(server, workspace);
    open = workbenchUrl(server, workspace, [['extensionDevelopmentPath', `vscode-remote://${authority}${REPO_ROOT}`]]);
  }

  console.log(`
Business Central Customer Pictures — sandbox

  Open:          ${open}
  Emulator:      ${emulator.url}   (Business Central API v2.0 at ${emulator.bcBaseUrl()})
  Sign in with:  user name ${credentials.userName}
                 web service access key ${credentials.key}${
                   credentials.changed ? '\n                 (a new key: the one typed in an earlier run is refused once, then asked for again)' : ''
                 }
  Companies:     CRONUS USA, Inc. (customers 10000 to 95000), My Company, Big Tenant Ltd. (100,000 customers)

In the Explorer, right-click customer-pictures/20000.jpg and choose "Add as Customer Picture…",
or right-click the customer-pictures folder and choose "Add Pictures by Customer Number…".
Press Ctrl+C here to stop.
`);
  await untilStopped();
  console.log('[sandbox] stopping');
}

/**
 * Runs `body` and returns the exit code; however it ends, what it started is stopped and its temporary
 * folder removed. A failure is printed (a PrerequisiteError with its own exit code).
 */
export async function runWithCleanup(body: (cleanup: Cleanup) => Promise<void>, cleanup = new Cleanup()): Promise<number> {
  try {
    await body(cleanup);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof PrerequisiteError ? error.exitCode : 1;
  } finally {
    await cleanup.run();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const cleanup = new Cleanup();
  let ready = false;
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (ready) {
        ready = false;
        return stop();
      }
      // Still starting (an install, code-server), or a second Ctrl+C: stop what runs and remove the temporary folder now.
      cleanup.now();
      process.exit(130);
    });
  }
  const untilStopped = () => {
    ready = true;
    return stopped;
  };
  void runWithCleanup((c) => sandbox(args, c, untilStopped), cleanup).then((exitCode) => process.exit(exitCode));
}
