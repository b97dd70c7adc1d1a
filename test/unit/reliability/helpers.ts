/**
 * Shared by the reliability suite: the add-picture flow as the command runs it (through the plain layers), the
 * customer's stored picture, waiting for the emulator to finish recording, and scanning text for credentials.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { inspect } from 'node:util';
import { makePng, type Emulator } from '../../emulator';
import { fileUploadSource, ServiceError, type ServiceErrorKind } from '../../../src/api';
import type { Picture, PictureService } from '../../../src/api/types';
import { inspectImageFile } from '../../../src/images';

/** Compiled tests run from out/test/unit/reliability; the corpus stays in the source tree. */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/images');

/**
 * What the add-picture command does once company and customer are picked: inspect the file by its content
 * (throws `ImageRefusal`), then upload it streamed from disk only if it was accepted.
 */
export async function addPictureFromFile(service: PictureService, filePath: string, companyId: string, customerId: string): Promise<Picture> {
  const info = await inspectImageFile(filePath);
  const source = fileUploadSource(filePath, { byteSize: info.byteSize, contentType: info.contentType, width: info.width, height: info.height });
  return service.uploadPicture(companyId, customerId, source);
}

/** The bytes the emulator stores as the customer's picture (undefined: none). */
export function storedPicture(emu: Emulator, companyId: string, customerId: string): Buffer | undefined {
  const bytes = emu.data.company(companyId)?.customers.picture(customerId).bytes;
  return bytes ? Buffer.from(bytes) : undefined;
}

/** Waits until every request the emulator recorded has ended (answered, aborted or reset); at most `limitMs`. */
export async function settled(emu: Emulator, limitMs = 5_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (emu.requests.some((r) => r.endedAt === undefined)) {
    if (Date.now() > until) {
      assert.fail(`requests still open: ${emu.requests.filter((r) => r.endedAt === undefined).map((r) => `${r.method} ${r.path}`).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Awaits `promise`, which must fail with a `ServiceError` of `kind`. */
export async function serviceFailure(promise: Promise<unknown>, kind: ServiceErrorKind): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${inspect(error)}`);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail(`expected a ServiceError of kind ${kind}, got success`);
}

/** Everything an error can show anywhere: message, stack, own properties and its cause chain. */
export function everythingIn(error: unknown): string {
  return [String(error), (error as Error | undefined)?.stack ?? '', JSON.stringify(error) ?? '', inspect(error, { depth: 8, showHidden: true })].join('\n');
}

/** A valid PNG of at least `minBytes`, made large by a private ancillary chunk of random bytes (incompressible). */
export function largePng(minBytes: number, seed: number): Buffer {
  const small = makePng(8, 6, seed);
  const ihdrEnd = 8 + 25;
  const data = randomBytes(minBytes);
  const typed = Buffer.concat([Buffer.from('prVt', 'ascii'), data]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([small.subarray(0, ihdrEnd), head, typed, crc, small.subarray(ihdrEnd)]);
}
