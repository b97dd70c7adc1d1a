/**
 * Every service fault the issue lists, one table, against the emulator over loopback HTTP. For each row: the
 * customer's picture afterwards is exactly the old one or exactly the new one (bytes compared with what the
 * emulator stores), the user's error has the right kind and a message naming the cause and the fix, the
 * requests stay within the retry bounds (counted at the emulator), and no credential shows anywhere.
 * Single faults are also tested in test/unit/api/client.test.ts; this suite holds them all to the same checks.
 */
import * as assert from 'node:assert/strict';
import { DEMO, makePng, startEmulator, type Emulator, type FaultSpec } from '../../emulator';
import { bytesUploadSource, ServiceError, type PictureServiceDeps, type ServiceErrorKind } from '../../../src/api';
import { harness, sha256, type Harness } from '../api/helpers';
import { everythingIn, settled, storedPicture } from './helpers';

const TOKEN = 'reliability-faults-SECRET-c0de';
const FRESH_TOKEN = 'reliability-faults-SECRET-f4e5';
const GRAPH_TOKEN = 'reliability-faults-SECRET-9a9a';
const CRONUS = DEMO.cronusId;
/** Has a PNG in the demo data: the "old" picture. */
const CUSTOMER = DEMO.customer(10000);
const MAX_ATTEMPTS = 5;

interface Row {
  readonly name: string;
  /** Scheduled before the operation; `times` defaults to 1. */
  readonly faults: (emu: Emulator) => FaultSpec[];
  /** What is done: upload a new picture (default), or list customers (the nextLink case). */
  readonly op?: 'upload' | 'list';
  readonly api?: 'businessCentral' | 'graph';
  /** The upload succeeded but reading the stored picture back failed: success, with a warning in the log. */
  readonly readBackFailed?: boolean;
  readonly deps?: Partial<PictureServiceDeps>;
  /** The customer's picture afterwards. */
  readonly picture: 'old' | 'new';
  /** The error the user sees, if any: its kind, a pattern for the cause and one for the fix. */
  readonly error?: { kind: ServiceErrorKind; cause: RegExp; fix: RegExp; code?: string; unconfirmed?: boolean };
  /** Statuses of the requests carrying the picture (PATCH on Business Central, POST on Graph), in order; 0 = no answer. */
  readonly uploads?: number[];
  /** All requests the emulator saw, as "METHOD status". */
  readonly requests?: string[];
  /** Waits asked of the retry sleep, exactly, or as a check. */
  readonly sleeps?: number[] | ((sleeps: number[]) => boolean);
  /** Credentials asked for with forceNew (after a 401). */
  readonly freshCredentials?: number;
}

const busy = { cause: /busy or not reachable right now \(HTTP 50[34]\)/, fix: /Try again later/ };
/** All of the picture was sent and no answer said whether it was stored. */
const mayBeSet = (why: RegExp) => ({ cause: new RegExp(`^The picture may have been set: all of it reached Business Central, but ${why.source}`), fix: /Check the customer’s picture before you try again/, unconfirmed: true });
const SETTING = /Check the setting bcPictures\.serviceUrl/;

const ROWS: Row[] = [
  {
    name: '429 with Retry-After in seconds, once',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 429, retryAfter: 2 }],
    picture: 'new',
    uploads: [429, 204],
    sleeps: [2000],
  },
  {
    name: '429 with Retry-After as an HTTP date, once',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 429, retryAfter: new Date(Date.now() + 4_000) }],
    picture: 'new',
    uploads: [429, 204],
    // An HTTP date has whole seconds: the wait is what is left of the 4 s, never more, never nothing.
    sleeps: (s) => s.length === 1 && s[0] > 1_000 && s[0] <= 4_000,
  },
  {
    name: '429 every time',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 429, retryAfter: 1, times: Infinity }],
    picture: 'old',
    error: { kind: 'throttled', cause: /limiting the number of requests from your user/, fix: /Wait a few minutes and try again/, code: 'Application_TooManyRequests' },
    uploads: Array(MAX_ATTEMPTS).fill(429),
    sleeps: Array(MAX_ATTEMPTS - 1).fill(1000),
  },
  {
    name: '503, once',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 503 }],
    picture: 'new',
    uploads: [503, 204],
    sleeps: (s) => s.length === 1,
  },
  {
    name: '503 every time',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 503, times: Infinity }],
    picture: 'old',
    error: { kind: 'unavailable', ...busy, code: 'ServiceUnavailable' },
    uploads: Array(MAX_ATTEMPTS).fill(503),
    sleeps: (s) => s.length === MAX_ATTEMPTS - 1,
  },
  {
    name: '504, once',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 504 }],
    picture: 'new',
    uploads: [504, 204],
    sleeps: (s) => s.length === 1,
  },
  {
    name: '504 every time',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 504, times: Infinity }],
    picture: 'old',
    error: { kind: 'unavailable', ...mayBeSet(/it answered HTTP 504/), code: 'GatewayTimeout' },
    uploads: Array(MAX_ATTEMPTS).fill(504),
    sleeps: (s) => s.length === MAX_ATTEMPTS - 1,
  },
  {
    name: 'connection reset in the middle of the body, once',
    faults: () => [{ method: 'PATCH', kind: 'reset' }],
    picture: 'new',
    uploads: [0, 204],
    sleeps: (s) => s.length === 1,
  },
  {
    name: 'connection reset in the middle of the body, every time',
    faults: () => [{ method: 'PATCH', kind: 'reset', times: Infinity }],
    picture: 'old',
    // The body is small: all of it was in the socket before the reset, so the client cannot know it was not stored.
    error: { kind: 'network', ...mayBeSet(/the connection was lost: ECONNRESET/) },
    uploads: Array(MAX_ATTEMPTS).fill(0),
    sleeps: (s) => s.length === MAX_ATTEMPTS - 1,
  },
  {
    name: 'a response that never comes (timeout)',
    faults: () => [{ method: 'PATCH', kind: 'hang' }],
    deps: { timeouts: { headersMs: 300, uploadHeadersMs: 300, bodyMs: 300 } },
    picture: 'old',
    error: { kind: 'timeout', ...mayBeSet(/it did not answer in time/) },
    uploads: [0],
    sleeps: [],
  },
  {
    name: '401 once (expired token)',
    faults: () => [{ method: 'PATCH', kind: 'expiredToken' }],
    picture: 'new',
    uploads: [401, 204],
    sleeps: [],
    freshCredentials: 1,
  },
  {
    name: '401 every time',
    faults: () => [{ method: 'PATCH', kind: 'expiredToken', times: Infinity }],
    picture: 'old',
    error: { kind: 'auth', cause: /did not accept your sign-in/, fix: /Sign in again/, code: 'Authentication_InvalidCredentials' },
    uploads: [401, 401],
    sleeps: [],
    freshCredentials: 1,
  },
  {
    name: '403',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 403, code: 'Authorization_RequestDenied', message: 'You do not have the following permissions on TableData Customer: Modify.' }],
    picture: 'old',
    error: { kind: 'permission', cause: /not allowed to change customers/, fix: /Ask your administrator for a permission set/, code: 'Authorization_RequestDenied' },
    uploads: [403],
    sleeps: [],
  },
  {
    name: '404',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 404, code: 'BadRequest_NotFound', message: 'The Customer does not exist.' }],
    picture: 'old',
    error: { kind: 'notFound', cause: /customer no longer exists/, fix: /Pick the customer again/, code: 'BadRequest_NotFound' },
    uploads: [404],
    sleeps: [],
  },
  {
    name: '409',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 409, code: 'Request_EntityChanged', message: 'Another user has already changed the record.' }],
    picture: 'old',
    error: { kind: 'conflict', cause: /Someone changed this customer/, fix: /Try again/, code: 'Request_EntityChanged' },
    uploads: [409],
    sleeps: [],
  },
  {
    name: '412',
    faults: () => [{ method: 'PATCH', kind: 'status', status: 412, code: 'Request_EntityChanged', message: 'Another user has already changed the record.' }],
    picture: 'old',
    error: { kind: 'conflict', cause: /Someone changed this customer/, fix: /Try again/, code: 'Request_EntityChanged' },
    uploads: [412],
    sleeps: [],
  },
  {
    name: 'malformed JSON in the answer that follows the upload',
    faults: () => [{ method: 'GET', kind: 'malformedJson' }],
    // The PATCH was stored, so the upload succeeded: only the read-back failed, and the log says so.
    picture: 'new',
    readBackFailed: true,
    requests: ['PATCH 204', 'GET 200'],
    sleeps: [],
  },
  {
    name: 'wrong content type in the answer that follows the upload',
    faults: () => [{ method: 'GET', kind: 'wrongContentType' }],
    picture: 'new',
    readBackFailed: true,
    requests: ['PATCH 204', 'GET 200'],
    sleeps: [],
  },
  {
    name: 'malformed JSON while listing',
    op: 'list',
    faults: () => [{ method: 'GET', kind: 'malformedJson' }],
    picture: 'old',
    error: { kind: 'invalidResponse', cause: /unexpected answer \(malformed JSON\)/, fix: SETTING },
    requests: ['GET 200'],
    sleeps: [],
  },
  {
    name: '@odata.nextLink to another host',
    op: 'list',
    faults: () => [{ method: 'GET', kind: 'foreignNextLink' }],
    picture: 'old',
    error: { kind: 'invalidResponse', cause: /link to the next page on another address \(http:\/\/localhost:\d+\)/, fix: SETTING },
    requests: ['GET 200'],
    sleeps: [],
  },
  {
    name: 'a redirect to another host',
    faults: () => [{ method: 'PATCH', kind: 'redirect' }],
    picture: 'old',
    error: { kind: 'redirect', cause: /redirected the request \(HTTP 3xx\); redirects are not followed/, fix: SETTING },
    uploads: [307],
    requests: ['PATCH 307'],
    sleeps: [],
  },
  {
    name: 'a permanent redirect to another host',
    faults: (emu) => [{ method: 'PATCH', kind: 'redirect', status: 308, location: `http://localhost:${emu.port}/elsewhere` }],
    picture: 'old',
    error: { kind: 'redirect', cause: /redirected the request \(HTTP 3xx\)/, fix: SETTING },
    requests: ['PATCH 308'],
    sleeps: [],
  },
  {
    name: 'Graph: 429, once, on the picture POST',
    api: 'graph',
    faults: () => [{ method: 'POST', kind: 'status', status: 429, retryAfter: 1 }],
    picture: 'new',
    uploads: [429, 201],
    sleeps: [1000],
  },
  {
    name: 'Graph: 503 every time on the picture POST',
    api: 'graph',
    faults: () => [{ method: 'POST', kind: 'status', status: 503, times: Infinity }],
    picture: 'old',
    error: { kind: 'unavailable', ...busy },
    uploads: Array(MAX_ATTEMPTS).fill(503),
    sleeps: (s) => s.length === MAX_ATTEMPTS - 1,
  },
  {
    name: 'Graph: connection reset in the middle of the POST body, once: not sent again',
    api: 'graph',
    faults: () => [{ method: 'POST', kind: 'reset' }],
    picture: 'old',
    // A POST is not idempotent: after its last byte was written, a reset leaves it unknown, and it is not repeated.
    error: { kind: 'network', ...mayBeSet(/the connection was lost: ECONNRESET/) },
    uploads: [0],
    sleeps: [],
  },
  {
    name: 'Graph: a redirect on the POST',
    api: 'graph',
    faults: () => [{ method: 'POST', kind: 'redirect' }],
    picture: 'old',
    error: { kind: 'redirect', cause: /redirected the request \(HTTP 3xx\)/, fix: SETTING },
    requests: ['POST 307'],
    sleeps: [],
  },
];

describe('reliability: service faults, one table', function () {
  this.timeout(30_000);
  let emu: Emulator;
  const logs: string[] = [];
  const messages: string[] = [];

  before(async () => {
    emu = await startEmulator();
    emu.acceptToken(TOKEN, { audience: 'businesscentral' });
    emu.acceptToken(FRESH_TOKEN, { audience: 'businesscentral' });
    emu.acceptToken(GRAPH_TOKEN, { audience: 'graph' });
  });

  after(async () => {
    await emu.close();
  });

  ROWS.forEach((row, index) => {
    it(row.name, async () => {
      emu.clearFaults();
      emu.clearRequests();
      emu.graphPostRefused = false;
      const api = row.api ?? 'businessCentral';
      const h: Harness = harness(
        { api, serviceUrl: emu.url, environment: 'production' },
        api === 'graph' ? { first: GRAPH_TOKEN } : { first: TOKEN, fresh: FRESH_TOKEN },
        row.deps,
      );
      const old = storedPicture(emu, CRONUS, CUSTOMER)!;
      const fresh = makePng(30 + index, 20, index + 1);
      assert.notEqual(sha256(old), sha256(fresh));
      for (const fault of row.faults(emu)) {
        emu.fault(fault);
      }

      let thrown: unknown;
      try {
        if (row.op === 'list') {
          await h.service.listCustomers(CRONUS, { pageSize: 2 });
        } else {
          await h.service.uploadPicture(CRONUS, CUSTOMER, bytesUploadSource(fresh, { contentType: 'image/png', width: 30 + index, height: 20 }));
        }
      } catch (error) {
        thrown = error;
      }
      await settled(emu);
      emu.clearFaults();
      logs.push(h.log.text);

      // Old or new, never anything else.
      const after = sha256(storedPicture(emu, CRONUS, CUSTOMER)!);
      assert.equal(after, sha256(row.picture === 'new' ? fresh : old), `the picture should be the ${row.picture} one`);

      // The user's message.
      if (row.error) {
        assert.ok(thrown instanceof ServiceError, `expected a ServiceError, got ${thrown === undefined ? 'success' : String(thrown)}`);
        assert.equal(thrown.kind, row.error.kind, thrown.message);
        assert.match(thrown.message, row.error.cause);
        assert.match(thrown.message, row.error.fix);
        assert.equal(thrown.outcomeUnknown, row.error.unconfirmed === true, `outcome unknown: ${thrown.message}`);
        if (row.error.code) {
          assert.equal(thrown.code, row.error.code);
          assert.ok(thrown.message.includes(row.error.code), `the message should carry the error code for support: ${thrown.message}`);
        }
        messages.push(thrown.message, everythingIn(thrown));
      } else {
        assert.equal(thrown, undefined, `unexpected failure: ${String(thrown)}`);
        if (row.readBackFailed) {
          assert.match(h.log.text, /uploaded, but reading it back failed/);
        }
      }

      // Retries within their bounds.
      const uploadMethod = api === 'graph' ? 'POST' : 'PATCH';
      const uploads = emu.requests.filter((r) => r.method === uploadMethod);
      assert.ok(uploads.length <= MAX_ATTEMPTS, `${uploads.length} uploads`);
      if (row.uploads) {
        assert.deepEqual(uploads.map((r) => r.status), row.uploads);
      }
      if (row.requests) {
        assert.deepEqual(emu.requests.map((r) => `${r.method} ${r.status}`), row.requests);
      }
      assert.ok(h.sleeps.length <= MAX_ATTEMPTS - 1);
      if (Array.isArray(row.sleeps)) {
        assert.deepEqual(h.sleeps, row.sleeps);
      } else if (row.sleeps) {
        assert.ok(row.sleeps(h.sleeps), `sleeps: ${h.sleeps.join(', ')}`);
      }
      assert.equal(h.authorizeCalls.filter(Boolean).length, row.freshCredentials ?? 0, `authorize calls: ${h.authorizeCalls.join(', ')}`);

      // Credentials only ever reached the configured origin: nothing arrived under another name.
      for (const request of emu.requests) {
        assert.equal(request.headers.host, `127.0.0.1:${emu.port}`, `${request.method} ${request.url}`);
      }
    });
  });

  it('never shows a credential in a log line or an error, whatever the fault', () => {
    assert.ok(logs.length === ROWS.length && messages.length > 0);
    const text = [...logs, ...messages].join('\n');
    for (const secret of [TOKEN, FRESH_TOKEN, GRAPH_TOKEN, 'SECRET']) {
      assert.ok(!text.includes(secret), `found ${secret}`);
    }
    assert.doesNotMatch(text, /Bearer\s+\S{8,}/);
    assert.doesNotMatch(text, /Basic\s+[A-Za-z0-9+/=]{8,}/);
  });
});
