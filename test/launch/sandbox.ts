/**
 * `npm run sandbox`: the whole product against the local emulator, no tenant needed. Starts the emulator
 * with demo data and a VS Code with this extension already configured for it (Basic authentication):
 * desktop VS Code when a `code` command is on the PATH, otherwise code-server, whose URL it prints.
 *
 *   npm run sandbox [-- --port 8081] [--emulator-port 8080] [--code-server]
 */
import * as childProcess from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../emulator';
import { Cleanup } from './codeServer/cleanup';
import { startCodeServer } from './codeServer/server';
import { remoteAuthority, workbenchUrl } from './codeServer/workbench';
import { installCodeServer, REPO_ROOT } from './installCodeServer';

const SANDBOX = path.join(REPO_ROOT, '.vscode-test', 'sandbox');
const SAMPLES = path.join(REPO_ROOT, 'test', 'fixtures', 'sandbox');

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function portOption(name: string, fallback: number): number {
  const value = Number(option(name) ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} takes a port number from 0 to 65535 (0: any free port).`);
    process.exit(2);
  }
  return value;
}

/** The `code` command of a desktop VS Code, if there is one. */
function desktopCode(): string | undefined {
  if (process.argv.includes('--code-server')) return undefined;
  const found = childProcess.spawnSync(process.platform === 'win32' ? 'where' : 'which', ['code'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.split(/\r?\n/)[0].trim() || undefined : undefined;
}

async function main(): Promise<void> {
  for (const file of ['dist/extension.js', 'out/test/emulator/index.js']) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) throw new Error(`${file} is missing: run \`npm run compile\` first (npm run sandbox does).`);
  }
  const credentials = { userName: 'SANDBOX', key: randomBytes(24).toString('base64') };
  const emulator = await startEmulator({ data: 'demo', bigCompany: true, basic: credentials, port: portOption('--emulator-port', 0) });
  const cleanup = new Cleanup();
  cleanup.add(() => emulator.close());

  // A copy, so that whatever the user does in the sandbox never touches the repository's samples.
  const workspace = path.join(SANDBOX, 'workspace');
  if (!fs.existsSync(workspace)) fs.cpSync(SAMPLES, workspace, { recursive: true });
  const settings = {
    'bcPictures.serviceUrl': emulator.url,
    'bcPictures.authentication': 'basic',
    'bcPictures.api': 'businessCentral',
    'bcPictures.environment': 'production',
  };

  const code = desktopCode();
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
    const server = await startCodeServer(installation, cleanup, {
      tempDir,
      workspace,
      env: {},
      settings,
      withoutMicrosoftSignIn: false,
      port: portOption('--port', 8081),
    });
    const authority = await remoteAuthority(server, workspace);
    open = workbenchUrl(server, workspace, [['extensionDevelopmentPath', `vscode-remote://${authority}${REPO_ROOT}`]]);
  }

  console.log(`
Business Central Customer Pictures — sandbox

  Open:          ${open}
  Emulator:      ${emulator.url}   (Business Central API v2.0 at ${emulator.bcBaseUrl()})
  Sign in with:  user name ${credentials.userName}
                 web service access key ${credentials.key}
  Companies:     CRONUS USA, Inc. (customers 10000 to 95000), My Company, Big Tenant Ltd. (100,000 customers)

In the Explorer, right-click 10000.png and choose "Add as Customer Picture…".
Press Ctrl+C here to stop.
`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  console.log('[sandbox] stopping');
  await cleanup.run();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
