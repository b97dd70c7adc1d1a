/** code-server as a child process group with private folders, settings and environment. */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeServerInstallation } from '../installCodeServer';
import type { Cleanup } from './cleanup';
import { say, verbose } from './log';

export interface Server {
  readonly url: string;
  readonly pid: number | undefined;
  readonly exited: Promise<number | null>;
  /** The last lines code-server wrote, for error reports. */
  tail(): string;
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * A folder of symlinks to every built-in extension except
 * microsoft-authentication, so that tests can register their own `microsoft`
 * authentication provider.
 */
function builtinExtensionsDir(inst: CodeServerInstallation, dir: string): string[] {
  const source = path.join(inst.vscodeDir, 'extensions');
  fs.mkdirSync(dir, { recursive: true });
  const linked: string[] = [];
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    if (
      !entry.isDirectory() ||
      entry.name === 'node_modules' ||
      entry.name === 'microsoft-authentication' ||
      !fs.existsSync(path.join(source, entry.name, 'package.json'))
    ) {
      continue;
    }
    fs.symlinkSync(path.join(source, entry.name), path.join(dir, entry.name));
    linked.push(entry.name);
  }
  return linked;
}

/** The environment of code-server and therefore of the extension host. */
function serverEnv(tempDir: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Variables of a surrounding VS Code (integrated terminal) would make the
    // server talk to it.
    if (/^(VSCODE_|ELECTRON_)/.test(key)) {
      continue;
    }
    // The extension host must trust certificates the way a user's VS Code does (its own store loading), not
    // through a Node-wide extra CA file some machines set for their own tools.
    if (key === 'NODE_EXTRA_CA_CERTS') {
      continue;
    }
    env[key] = value;
  }
  const tmp = path.join(tempDir, 't');
  const xdg = path.join(tempDir, 'x');
  for (const dir of [tmp, xdg]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  return {
    ...env,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    XDG_RUNTIME_DIR: xdg,
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

export interface CodeServerOptions {
  readonly tempDir: string;
  readonly workspace: string;
  /** Reaches the extension host. */
  readonly env: NodeJS.ProcessEnv;
  /** User settings besides the quiet defaults. */
  readonly settings?: Record<string, unknown>;
  /** Tests register their own `microsoft` provider; the sandbox keeps VS Code's. */
  readonly withoutMicrosoftSignIn: boolean;
  readonly port?: number;
}

/** Where code-server keeps its user data (settings, and the logs of every extension under `logs/`). */
export const userDataDir = (tempDir: string) => path.join(tempDir, 'd');

/** Starts code-server as its own process group, with private folders; resolves once it listens. */
export async function startCodeServer(inst: CodeServerInstallation, cleanup: Cleanup, options: CodeServerOptions): Promise<Server> {
  const { tempDir, workspace } = options;
  const userData = userDataDir(tempDir);
  const extensions = path.join(tempDir, 'e');
  const builtins = path.join(tempDir, 'b');
  const config = path.join(tempDir, 'config.yaml');
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(config, 'auth: none\n');
  writeJson(path.join(userData, 'User', 'settings.json'), {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    ...options.settings,
  });
  if (options.withoutMicrosoftSignIn) {
    const linked = builtinExtensionsDir(inst, builtins);
    if (verbose) {
      say(`built-in extensions: ${linked.length} (without microsoft-authentication)`);
    }
  }

  const args = [
    inst.entry,
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--auth',
    'none',
    '--config',
    config,
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    ...(options.withoutMicrosoftSignIn ? ['--builtin-extensions-dir', builtins] : []),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    workspace,
  ];
  const child = childProcess.spawn(process.execPath, args, {
    cwd: tempDir,
    env: serverEnv(tempDir, options.env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.setServer(child.pid);

  const lines: string[] = [];
  let onLine: ((line: string) => void) | undefined;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line.trim()) {
        continue;
      }
      lines.push(line);
      if (lines.length > 200) {
        lines.shift();
      }
      if (verbose) {
        console.log(`[code-server] ${line}`);
      }
      onLine?.(line);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const tail = () => lines.slice(-40).join('\n');

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${tail()}`)), 60_000);
    onLine = (line) => {
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (code ${code}) before listening:\n${tail()}`));
    });
  });
  onLine = undefined;
  return { url, pid: child.pid, exited, tail };
}
