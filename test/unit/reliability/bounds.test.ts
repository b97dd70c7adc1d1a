/**
 * Every wait and every read has an end: an answer that trickles in a byte at a time meets the attempt's deadline
 * (which grows with an upload's size), an answer larger than a JSON page or a picture can be is refused, and a
 * request whose last byte was sent but never confirmed says the picture may have been set instead of "nothing changed".
 * Against the emulator over loopback HTTP.
 */
import * as assert from 'node:assert/strict';
import { DEMO, makePng, startEmulator, type Emulator } from '../../emulator';
import { bytesUploadSource, ServiceError } from '../../../src/api';
import { isCancellation } from '../../../src/api/errors';
import type { UploadSource } from '../../../src/api/types';
import { harness, sha256 } from '../api/helpers';
import { largePng, serviceFailure, settled, storedPicture } from './helpers';

const TOKEN = 'reliability-bounds-SECRET-b0b0';
const GRAPH_TOKEN = 'reliability-bounds-SECRET-9f9f';
const CRONUS = DEMO.cronusId;
const CUSTOMER = DEMO.customer(10000);

describe('reliability: every wait and read is bounded', function () {
  this.timeout(30_000);
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator();
    emu.acceptToken(TOKEN, { audience: 'businesscentral' });
    emu.acceptToken(GRAPH_TOKEN, { audience: 'graph' });
  });

  beforeEach(() => {
    emu.clearFaults();
    emu.clearRequests();
  });

  after(async () => {
    await emu.close();
  });

  const service = (deps: Parameters<typeof harness>[2] = {}, api: 'businessCentral' | 'graph' = 'businessCentral') =>
    harness({ api, serviceUrl: emu.url, environment: 'production' }, { first: api === 'graph' ? GRAPH_TOKEN : TOKEN }, deps);

  describe('deadlines', () => {
    it('stops a listing whose answer never goes silent long enough to time out', async () => {
      // A byte every 50 ms: the 1 s silence limit never fires, and the ~400-byte answer would take 20 s.
      const h = service({ timeouts: { headersMs: 2_000, bodyMs: 1_000, attemptMs: 2_000 } });
      emu.fault({ method: 'GET', path: '/companies', kind: 'trickle', everyMs: 50 });
      const error = await serviceFailure(h.service.listCompanies(), 'timeout');
      assert.equal(error.code, 'DEADLINE');
      assert.match(error.message, /did not finish answering within 2 seconds, so the request was stopped/);
      assert.equal(error.outcomeUnknown, false, 'a GET changes nothing');
      await settled(emu);
    });

    it('gives an upload time in proportion to its size, and stops it past that', async () => {
      // 1 s, plus 20,000 bytes at 10,000 bytes a second: 3 s in all.
      const timeouts = { headersMs: 10_000, uploadHeadersMs: 10_000, bodyMs: 10_000, attemptMs: 1_000, minBytesPerSecond: 10_000 };
      const picture = largePng(19_000, 7);
      const source = bytesUploadSource(picture, { contentType: 'image/png', width: 8, height: 6 });
      assert.ok(picture.length > 19_000 && picture.length < 20_000);

      emu.fault({ method: 'PATCH', kind: 'latency', ms: 1_500 });
      const stored = await service({ timeouts }).service.uploadPicture(CRONUS, CUSTOMER, source);
      assert.equal(stored.width, 8, 'a service slower than the base deadline but within the size-based one is waited for');
      assert.equal(sha256(storedPicture(emu, CRONUS, CUSTOMER)!), sha256(picture));

      emu.fault({ method: 'PATCH', kind: 'hang' });
      const error = await serviceFailure(service({ timeouts }).service.uploadPicture(CRONUS, CUSTOMER, source), 'timeout');
      assert.equal(error.outcomeUnknown, true);
      assert.match(error.message, /^The picture may have been set: all of it reached Business Central, but it did not answer in time\. Check the customer’s picture/);
    });
  });

  describe('sizes of answers', () => {
    for (const chunked of [false, true]) {
      const how = chunked ? 'without a Content-Length, while counting' : 'by its Content-Length, before reading';
      it(`refuses a JSON page over the bound ${how}`, async () => {
        const h = service({ limits: { jsonBytes: 1_000_000 } });
        emu.fault({ method: 'GET', path: '/companies', kind: 'largeBody', bytes: 5_000_000, chunked });
        const error = await serviceFailure(h.service.listCompanies(), 'invalidResponse');
        assert.equal(error.code, 'RESPONSE_TOO_LARGE');
        assert.match(error.message, /unexpected answer \(more than 1,000,000 bytes, the most this extension reads\)/);
        // The same answer within the bound is read: the padding keeps it valid JSON.
        emu.fault({ method: 'GET', path: '/companies', kind: 'largeBody', bytes: 900_000, chunked });
        assert.ok((await h.service.listCompanies()).length > 0);
      });

      it(`refuses a picture download over the bound ${how}`, async () => {
        const h = service({ limits: { pictureBytes: 100_000 } });
        emu.fault({ method: 'GET', path: 'pictureContent', kind: 'largeBody', bytes: 1_000_000, chunked });
        const error = await serviceFailure(h.service.downloadPicture(CRONUS, DEMO.customer(10000)), 'invalidResponse');
        assert.match(error.message, /more than 100,000 bytes/);
        emu.fault({ method: 'GET', path: 'pictureContent', kind: 'largeBody', bytes: 90_000, chunked });
        assert.equal((await h.service.downloadPicture(CRONUS, DEMO.customer(10000)))?.length, 90_000);
      });
    }
  });

  describe('after the last byte', () => {
    it('a cancel before the last byte is quiet: nothing was stored', async () => {
      const h = service();
      const controller = new AbortController();
      let release: () => void = () => undefined;
      const stalled = new Promise<void>((resolve) => (release = resolve));
      const png = makePng(12, 9, 3);
      // Half the picture, then nothing until the test lets go: the cancel comes while bytes are still due.
      const source: UploadSource = {
        byteSize: png.length,
        contentType: 'image/png',
        width: 12,
        height: 9,
        open: async function* () {
          yield png.subarray(0, 20);
          controller.abort();
          await stalled;
          yield png.subarray(20);
        },
      };
      const old = sha256(storedPicture(emu, CRONUS, CUSTOMER)!);
      try {
        const error = await serviceFailure(h.service.uploadPicture(CRONUS, CUSTOMER, source, { signal: controller.signal }), 'cancelled');
        assert.equal(error.outcomeUnknown, false);
        assert.ok(isCancellation(error));
      } finally {
        release();
      }
      await settled(emu);
      assert.equal(sha256(storedPicture(emu, CRONUS, CUSTOMER)!), old);
    });

    it('a cancel after the last byte says the picture may have been set, and is not taken for a quiet cancel', async () => {
      const h = service();
      const controller = new AbortController();
      emu.fault({ method: 'PATCH', kind: 'hold' });
      const png = makePng(14, 9, 4);
      const upload = h.service.uploadPicture(CRONUS, CUSTOMER, bytesUploadSource(png, { contentType: 'image/png', width: 14, height: 9 }), { signal: controller.signal });
      await emu.waitForHeld(1);
      controller.abort();
      const error = await serviceFailure(upload, 'cancelled');
      emu.releaseHeld();
      assert.equal(error.outcomeUnknown, true);
      assert.equal(isCancellation(error), false);
      assert.match(error.message, /^The picture may have been set: all of it reached Business Central, but you cancelled before it answered\. Check the customer’s picture before you try again\.$/);
      await settled(emu);
    });

    for (const [status, unknown] of [[500, true], [502, true], [408, true], [503, false], [400, false]] as const) {
      it(`HTTP ${status} after the whole picture was sent ${unknown ? 'may have set it' : 'left the old one'}`, async () => {
        const h = service({ retry: { maxAttempts: 1 } });
        emu.fault({ method: 'PATCH', kind: 'status', status });
        const png = makePng(15, 9, status);
        const error = await h.service.uploadPicture(CRONUS, CUSTOMER, bytesUploadSource(png, { contentType: 'image/png', width: 15, height: 9 })).then(
          () => assert.fail('expected a failure'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof ServiceError);
        assert.equal(error.status, status);
        assert.equal(error.outcomeUnknown, unknown, error.message);
        assert.equal(/may have been set/.test(error.message), unknown, error.message);
      });
    }

    it('Graph: a 502 on the picture POST is not sent again (it is not idempotent); a 429 is', async () => {
      emu.graphPostRefused = false;
      const png = makePng(16, 9, 5);
      const source = bytesUploadSource(png, { contentType: 'image/png', width: 16, height: 9 });
      emu.fault({ method: 'POST', kind: 'status', status: 502 });
      const error = await serviceFailure(service({}, 'graph').service.uploadPicture(CRONUS, CUSTOMER, source), 'unavailable');
      assert.equal(error.outcomeUnknown, true);
      assert.deepEqual(emu.requests.filter((r) => r.method === 'POST').map((r) => r.status), [502]);

      emu.clearRequests();
      emu.fault({ method: 'POST', kind: 'status', status: 429, retryAfter: 1 });
      await service({}, 'graph').service.uploadPicture(CRONUS, CUSTOMER, source);
      assert.deepEqual(emu.requests.filter((r) => r.method === 'POST').map((r) => r.status), [429, 201]);
    });
  });
});
