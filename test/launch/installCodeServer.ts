/**
 * Installs code-server 4.100.3 from the npm registry into
 * `<repo>/.vscode-test/code-server/` (git-ignored), without any download
 * beyond the npm registry, and caches it: a second call returns at once when
 * the installation is complete and `code-server --version` works.
 *
 * Why it takes more than `npm install code-server`:
 *  - npm 11 blocks dependency install scripts unless allowed. code-server's
 *    own postinstall runs nested `npm install`s in `lib/vscode` and
 *    `lib/vscode/extensions`, which are separate projects: an allowScripts
 *    field here does not reach them, and `--allow-scripts` / its environment
 *    variable is refused in project installs. So: install with code-server's
 *    postinstall denied, write an `.npmrc` with `allow-scripts=...` into both
 *    nested projects, then do what its `postinstall.sh` does ourselves. (The
 *    script itself refuses root unless `npm_config_unsafe_perm=true`, a setting
 *    npm 11 no longer knows and warns about on every npm command.)
 *  - `@vscode/ripgrep` downloads ripgrep from the internet unless its cache
 *    archive exists in `$TMPDIR`: seed it with Debian's `/usr/bin/rg`.
 *  - node-pty's install runs `npx node-gyp` (`npm_config_yes=true`), and native
 *    modules are built against the machine's Node headers (`nodedir=/usr`).
 *
 * Run on its own: `node out/test/launch/installCodeServer.js`.
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensurePrerequisites, PrerequisiteError, which } from './prerequisites';

export const CODE_SERVER_VERSION = '4.100.3';

/** The repository root (this file is compiled to out/test/launch/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Packages (by name) whose install scripts the nested VS Code installs may run. */
const VSCODE_INSTALL_SCRIPTS = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/windows-ca-certs',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'kerberos',
  'native-watchdog',
  'node-pty',
  'esbuild',
];

const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET_VERSION = 'v13.0.0-10';

export interface CodeServerInstallation {
  /** `<repo>/.vscode-test/code-server` */
  readonly root: string;
  /** The code-server package: `<root>/node_modules/code-server` */
  readonly packageDir: string;
  /** `<packageDir>/out/node/entry.js`, run with `node`. */
  readonly entry: string;
  /** `<packageDir>/lib/vscode` */
  readonly vscodeDir: string;
}

export function codeServerInstallation(repoRoot = REPO_ROOT): CodeServerInstallation {
  const root = path.join(repoRoot, '.vscode-test', 'code-server');
  const packageDir = path.join(root, 'node_modules', 'code-server');
  return {
    root,
    packageDir,
    entry: path.join(packageDir, 'out', 'node', 'entry.js'),
    vscodeDir: path.join(packageDir, 'lib', 'vscode'),
  };
}

type Log = (line: string) => void;
const defaultLog: Log = (line) => console.log(`[code-server install] ${line}`);

const MARKER = '.installed.json';

interface Marker {
  version: string;
  node: string;
  modules: string;
}

function currentMarker(): Marker {
  return { version: CODE_SERVER_VERSION, node: process.version, modules: process.versions.modules };
}

/** Files whose absence means the install scripts did not all run. */
function requiredFiles(inst: CodeServerInstallation): string[] {
  const nm = path.join(inst.vscodeDir, 'node_modules');
  return [
    inst.entry,
    path.join(nm, 'node-pty', 'build', 'Release', 'pty.node'),
    path.join(nm, '@vscode', 'ripgrep', 'bin', 'rg'),
    path.join(nm, '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    path.join(nm, 'kerberos', 'build', 'Release', 'kerberos.node'),
    path.join(inst.vscodeDir, 'extensions', 'node_modules', 'typescript', 'package.json'),
    path.join(inst.vscodeDir, 'out', 'server-main.js'),
  ];
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: Log; timeoutMs: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    options.log(`$ ${[command, ...args].join(' ')}   (in ${path.relative(REPO_ROOT, options.cwd) || '.'})`);
    const child = childProcess.spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let removed = 0;
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        // VS Code's extensions postinstall lists every file it prunes.
        if (/^\s*removed /i.test(line)) {
          removed++;
        } else if (line.trim()) {
          options.log(`  ${line}`);
        }
      }
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out after ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (removed > 0) {
        options.log(`  (pruned ${removed} files)`);
      }
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
      }
    });
  });
}

function capture(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): string | undefined {
  const result = childProcess.spawnSync(command, args, { encoding: 'utf8', env, timeout: 60_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * `code-server --version`, e.g. `4.100.3 <commit> with Code 1.100.3`, or
 * undefined. Run with private XDG folders: code-server writes a default
 * config file and a log folder into the user's home otherwise.
 */
export function codeServerVersion(inst = codeServerInstallation()): string | undefined {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-csv-'));
  try {
    const output = capture(process.execPath, [inst.entry, '--version'], {
      ...process.env,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
    });
    return output?.split(/\r?\n/).find((line) => /^\d+\.\d+\.\d+ /.test(line));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** True if the cached installation is complete and `code-server --version` runs. */
export function isInstalled(inst = codeServerInstallation()): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(inst.root, MARKER), 'utf8')) as Marker;
    const expected = currentMarker();
    if (marker.version !== expected.version || marker.modules !== expected.modules) {
      return false;
    }
  } catch {
    return false;
  }
  if (!requiredFiles(inst).every((file) => fs.existsSync(file))) {
    return false;
  }
  return codeServerVersion(inst)?.startsWith(`${CODE_SERVER_VERSION} `) === true;
}

/**
 * The environment for npm: the caller's, minus what `npm run` leaks from the
 * outer project (which would point nested npm runs at the wrong project or
 * make them refuse to run), plus the settings the recipe needs.
 */
function npmEnv(tmpDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const k = key.toLowerCase();
    if (
      k.startsWith('npm_package_') ||
      k.startsWith('npm_lifecycle_') ||
      k === 'npm_command' ||
      k === 'npm_config_local_prefix' ||
      k === 'npm_config_allow_scripts' ||
      k === 'npm_config_ignore_scripts' ||
      k === 'npm_config_omit' ||
      k === 'npm_config_include' ||
      k === 'npm_config_production' ||
      k === 'init_cwd'
    ) {
      continue;
    }
    env[key] = value;
  }
  Object.assign(env, {
    TMPDIR: tmpDir,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_progress: 'false',
    // A download that stalls is given up after a minute and tried again, instead of npm's five minutes (a
    // registry hiccup once held a CI run's install past the launcher's own timeout).
    npm_config_fetch_timeout: '60000',
    npm_config_fetch_retries: '4',
    npm_config_fetch_retry_maxtimeout: '30000',
  });
  if (fs.existsSync('/usr/include/node/node.h')) {
    env.npm_config_nodedir = '/usr';
  }
  return env;
}

function ripgrepTarget(): string {
  switch (os.arch()) {
    case 'x64':
      return 'x86_64-unknown-linux-musl';
    case 'arm64':
      return 'aarch64-unknown-linux-musl';
    default:
      throw new Error(`Seeding the ripgrep cache is only set up for x64 and arm64 Linux, not ${os.arch()}`);
  }
}

/** Puts Debian's rg where `@vscode/ripgrep`'s postinstall looks for its cached download. */
function seedRipgrepCache(tmpDir: string, log: Log): void {
  const rg = which('rg');
  if (!rg) {
    throw new PrerequisiteError('ripgrep (rg) is not on PATH');
  }
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const archive = path.join(cacheDir, `ripgrep-${RIPGREP_ASSET_VERSION}-${ripgrepTarget()}.tar.gz`);
  const real = fs.realpathSync(rg);
  const result = childProcess.spawnSync(
    'tar',
    ['-czf', archive, '-C', path.dirname(real), '--transform', `s|^${path.basename(real)}$|rg|`, path.basename(real)],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`Could not create the ripgrep cache archive: ${result.stderr}`);
  }
  log(`seeded the ripgrep cache with ${real}`);
}

/** The links code-server's postinstall.sh makes: VS Code looks for bundled modules in node_modules.asar, and for the CLI scripts by these names. */
function linkLikePostinstall(inst: CodeServerInstallation): void {
  const variant = process.platform === 'darwin' ? 'darwin' : 'linux';
  for (const [dir, target, name] of [
    [inst.vscodeDir, 'node_modules', 'node_modules.asar'],
    [path.join(inst.vscodeDir, 'bin', 'remote-cli'), `code-${variant}.sh`, 'code-server'],
    [path.join(inst.vscodeDir, 'bin', 'helpers'), `browser-${variant}.sh`, 'browser.sh'],
  ]) {
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    fs.symlinkSync(target, path.join(dir, name));
  }
}

/**
 * Installs code-server (or reuses the cached installation) and returns where
 * it is. Throws with a clear message on failure.
 */
export async function installCodeServer(options: { log?: Log; force?: boolean } = {}): Promise<CodeServerInstallation> {
  const log = options.log ?? defaultLog;
  const inst = codeServerInstallation();
  if (!options.force && isInstalled(inst)) {
    log(`using the cached code-server ${CODE_SERVER_VERSION} in ${path.relative(REPO_ROOT, inst.root)}`);
    return inst;
  }
  ensurePrerequisites({ browser: false, codeServerBuild: true });

  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(REPO_ROOT, inst.root)} (takes 1-3 minutes, about 300 MB)`);
  // Start from a clean folder: a half-finished nested install is hard to repair.
  fs.rmSync(inst.root, { recursive: true, force: true });
  fs.mkdirSync(inst.root, { recursive: true });
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-csi-'));
  try {
    const env = npmEnv(tmpDir);
    seedRipgrepCache(tmpDir, log);

    // Phase 1: code-server and its own dependencies. argon2 builds from
    // source once its prebuilt download fails; code-server's postinstall is
    // denied here and run in phase 2.
    fs.writeFileSync(
      path.join(inst.root, 'package.json'),
      JSON.stringify(
        {
          name: 'bc-pictures-test-code-server',
          private: true,
          description: 'code-server for the extension-host tests (generated by test/launch/installCodeServer.ts)',
          dependencies: { 'code-server': CODE_SERVER_VERSION },
          allowScripts: { argon2: true, 'code-server': false },
        },
        null,
        2,
      ) + '\n',
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], {
      cwd: inst.root,
      env,
      log,
      timeoutMs: 15 * 60_000,
    });

    // Phase 2: what code-server's postinstall.sh does: VS Code's dependencies, the links it expects, then those
    // of the built-in extensions, with the install scripts allowed through .npmrc files.
    const npmrc = `allow-scripts=${VSCODE_INSTALL_SCRIPTS.join(',')}\n`;
    const extensionsDir = path.join(inst.vscodeDir, 'extensions');
    for (const dir of [inst.vscodeDir, extensionsDir]) {
      fs.writeFileSync(path.join(dir, '.npmrc'), npmrc);
    }
    await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], { cwd: inst.vscodeDir, env, log, timeoutMs: 15 * 60_000 });
    linkLikePostinstall(inst);
    await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], { cwd: extensionsDir, env, log, timeoutMs: 10 * 60_000 });

    const absent = requiredFiles(inst).filter((file) => !fs.existsSync(file));
    if (absent.length > 0) {
      throw new Error(
        `code-server was installed, but these files are missing (an install script was skipped or failed):\n` +
          absent.map((file) => `  ${path.relative(inst.root, file)}`).join('\n'),
      );
    }
    const version = codeServerVersion(inst);
    if (!version?.startsWith(`${CODE_SERVER_VERSION} `)) {
      throw new Error(`code-server was installed but \`code-server --version\` does not work (got ${JSON.stringify(version)})`);
    }
    fs.writeFileSync(path.join(inst.root, MARKER), JSON.stringify(currentMarker(), null, 2) + '\n');
    log(`installed code-server ${version.split(/\s+/)[0]} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return inst;
  } catch (error) {
    throw new Error(
      `Installing code-server ${CODE_SERVER_VERSION} failed: ${error instanceof Error ? error.message : String(error)}\n` +
        `(the npm output is above; delete ${inst.root} and retry)`,
    );
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  installCodeServer({ force: process.argv.includes('--force') }).then(
    (inst) => console.log(`code-server: ${inst.entry}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(error instanceof PrerequisiteError ? error.exitCode : 1);
    },
  );
}
