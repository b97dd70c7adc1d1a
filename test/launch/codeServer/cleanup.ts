import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { delay } from './log';

/** Everything that must be undone however the run ends. */
export class Cleanup {
  private serverPid: number | undefined;
  private tempDir: string | undefined;
  private browser: Browser | undefined;
  private readonly closers: Array<() => Promise<void>> = [];

  /** Something else to close in the orderly way (the UI driver). */
  add(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  setServer(pid: number | undefined): void {
    this.serverPid = pid;
  }
  setTempDir(dir: string): void {
    this.tempDir = dir;
  }
  setBrowser(browser: Browser): void {
    this.browser = browser;
  }

  /** Kills the code-server process group (server, extension hosts, their children). */
  private killServer(signal: NodeJS.Signals): void {
    if (this.serverPid === undefined) {
      return;
    }
    try {
      process.kill(-this.serverPid, signal);
    } catch {
      // already gone
    }
  }

  private removeTempDir(): void {
    if (this.tempDir) {
      fs.rmSync(this.tempDir, { recursive: true, force: true, maxRetries: 3 });
      this.tempDir = undefined;
    }
  }

  /** The orderly way: close the browser, stop the server, remove the temporary folder. */
  async run(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) {
      await Promise.race([browser.close().catch(() => undefined), delay(5_000)]);
    }
    if (this.serverPid !== undefined) {
      this.killServer('SIGTERM');
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline && processGroupAlive(this.serverPid)) {
        await delay(100);
      }
      this.killServer('SIGKILL');
      this.serverPid = undefined;
    }
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
    this.removeTempDir();
  }

  /** For timeouts and signals: synchronous and final (Playwright kills its browser on exit). */
  now(): void {
    this.killServer('SIGKILL');
    this.serverPid = undefined;
    this.removeTempDir();
  }
}

function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
