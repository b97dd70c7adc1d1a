/**
 * `npm run test:desktop`: the same extension-host suite (test/host/) in
 * desktop VS Code, through `@vscode/test-electron`.
 *
 * Honest note: this launcher cannot run on the CI machines of this project.
 * `@vscode/test-electron` downloads a desktop VS Code build from Microsoft's
 * update service, and those machines reach only the npm registry and Debian's
 * packages; nor is there a display. It is here for developers with desktop
 * VS Code and internet access (on Linux without a display, run it under
 * `xvfb-run -a`). The launcher that CI runs is codeServer.ts (`npm run test:host`).
 * It runs the extension-host suite only; the browser menu checks need the
 * code-server launcher, and so do the tests that read the quick picks or type
 * and click through the UI driver (they skip themselves here, and say why). Unverified here: whether desktop test mode
 * asks for sign-in consent where code-server's launcher pre-trusts the extension.
 *
 * The VS Code version defaults to the one `engines.vscode` and `@types/vscode`
 * are pinned to (1.100.3); set BC_PICTURES_VSCODE_VERSION (for example
 * `stable`) to test another.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<number> {
  console.log('=== Business Central Customer Pictures: extension-host tests (desktop VS Code, @vscode/test-electron) ===');
  const extensionTestsPath = path.join(REPO_ROOT, 'out', 'test', 'host', 'index.js');
  for (const file of [path.join(REPO_ROOT, 'dist', 'extension.js'), extensionTestsPath]) {
    if (!fs.existsSync(file)) {
      console.error(`${path.relative(REPO_ROOT, file)} is missing: run \`npm run compile\` first.`);
      return 2;
    }
  }

  // A throwaway copy of the fixture workspace and a private user-data folder.
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-desktop-'));
  const workspace = path.join(tempDir, 'workspace');
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const userData = path.join(tempDir, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'git.enabled': false,
    }),
  );

  try {
    const exitCode = await runTests({
      version: process.env.BC_PICTURES_VSCODE_VERSION || '1.100.3',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath,
      extensionTestsEnv: { BC_PICTURES_TEST_WORKSPACE: workspace, BC_PICTURES_TEST_LOGS: path.join(userData, 'logs') },
      launchArgs: [
        workspace,
        // Only the extension under development (and built-ins) is loaded.
        '--disable-extensions',
        // The tests register their own `microsoft` sign-in; the built-in one would claim the id first.
        '--disable-extension=vscode.microsoft-authentication',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${userData}`,
      ],
    });
    // The host's mocha report and `host-tests: N passed, M failed` line went
    // to this process's output already; the exit code is what counts here.
    console.log(exitCode === 0 ? 'extension-host tests passed' : `extension-host tests failed (exit code ${exitCode})`);
    return exitCode;
  } catch (error) {
    console.error(`Could not run the tests in desktop VS Code: ${error instanceof Error ? error.message : String(error)}`);
    console.error('(this needs internet access to download VS Code; offline, use `npm run test:host`)');
    return 1;
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
