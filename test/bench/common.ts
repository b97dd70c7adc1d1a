/** What the bench's sections share: the repository root, a MiB, a promised execFile, the median, a signed-in client per user. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createPictureService, type PictureService } from '../../src/api';
import { silentLog } from '../../src/common/log';
import type { EmulatorProcess } from './emulatorProcess';

export const run = promisify(execFile);
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const MiB = 1024 * 1024;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A client of the emulator as a new user each call (`<prefix>-1`, `<prefix>-2`, …): one run's throttling and request
 * budget must not slow the next. `onWaiting` hears each wait the service asks for.
 */
export function clientsAs(emu: EmulatorProcess, prefix: string): (onWaiting?: (seconds: number) => void) => Promise<{ service: PictureService; user: string }> {
  let runNumber = 0;
  return async (onWaiting) => {
    const user = `${prefix}-${++runNumber}`;
    const token = user;
    await emu.acceptToken(token, { audience: 'businesscentral', user });
    const service = createPictureService(
      { api: 'businessCentral', serviceUrl: emu.bcBaseUrl, environment: 'production' },
      { authorize: async () => `Bearer ${token}`, log: silentLog, onWaiting },
    );
    return { service, user };
  };
}
