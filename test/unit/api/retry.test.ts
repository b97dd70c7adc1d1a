import * as assert from 'node:assert/strict';
import { backoffDelay, mayHaveActed, mayRepeat, nextDelay, parseRetryAfter, retryPolicy } from '../../../src/api/retry';
import { errorFromStatus, isCancellation, parseErrorBody, ServiceError } from '../../../src/api/errors';

describe('api/retry', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads Retry-After in seconds and as an HTTP date, capped', () => {
    assert.equal(parseRetryAfter('3', now, 60_000), 3000);
    assert.equal(parseRetryAfter(['0'], now, 60_000), 0);
    assert.equal(parseRetryAfter('3600', now, 60_000), 60_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now, 60_000), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now, 60_000), 0);
    assert.equal(parseRetryAfter('Fri, 02 Jan 2026 00:00:00 GMT', now, 60_000), 60_000);
    assert.equal(parseRetryAfter(undefined, now, 60_000), undefined);
    assert.equal(parseRetryAfter('soon', now, 60_000), undefined);
    assert.equal(parseRetryAfter('-1', now, 60_000), undefined);
  });

  it('repeats a request only after an answer that says "later" or a dropped connection; a POST only where it cannot have run', () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      for (const status of [429, 502, 503, 504]) assert.equal(mayRepeat(method, { status }), true, `${method} ${status}`);
      for (const status of [400, 401, 403, 404, 408, 409, 412, 413, 500]) assert.equal(mayRepeat(method, { status }), false, `${method} ${status}`);
      assert.equal(mayRepeat(method, { reset: true, bodySent: true }), true, `${method} reset after the body`);
      assert.equal(mayRepeat(method, { reset: false, bodySent: false }), false, `${method} timeout`);
    }
    assert.deepEqual([429, 502, 503, 504].filter((status) => mayRepeat('POST', { status })), [429, 503]);
    assert.equal(mayRepeat('POST', { reset: true, bodySent: false }), true, 'a POST reset before its last byte');
    assert.equal(mayRepeat('POST', { reset: true, bodySent: true }), false, 'a POST reset after its last byte may have run');
  });

  it('tells which failures after the last byte may have been acted on', () => {
    for (const kind of ['cancelled', 'timeout', 'network']) assert.equal(mayHaveActed({ kind }), true, kind);
    for (const kind of ['badRequest', 'auth']) assert.equal(mayHaveActed({ kind }), false, kind);
    assert.deepEqual([400, 404, 408, 409, 413, 429, 500, 502, 503, 504].filter((status) => mayHaveActed({ status, kind: 'service' })), [408, 500, 502, 504]);
  });

  it('backs off exponentially with jitter, capped', () => {
    const low = { baseDelayMs: 1000, maxDelayMs: 30_000, random: () => 0 };
    const high = { ...low, random: () => 0.999999 };
    assert.equal(backoffDelay(1, low), 500);
    assert.equal(backoffDelay(1, high), 1000);
    assert.equal(backoffDelay(3, low), 2000);
    assert.equal(backoffDelay(10, high), 30_000);
  });

  it('bounds attempts and total time', () => {
    let clock = 0;
    const policy = retryPolicy({ maxAttempts: 3, maxTotalMs: 10_000, now: () => clock, random: () => 0 });
    assert.equal(nextDelay(1, 0, undefined, policy), 500);
    assert.equal(nextDelay(2, 0, 2000, policy), 2000);
    assert.equal(nextDelay(3, 0, 0, policy), undefined);
    clock = 9_000;
    assert.equal(nextDelay(1, 0, 2000, policy), undefined);
    assert.equal(nextDelay(1, 0, 1000, policy), 1000);
  });
});

describe('api/errors', () => {
  it('reads Business Central and Graph error bodies', () => {
    assert.deepEqual(
      parseErrorBody('{"error":{"code":"BadRequest_NotFound","message":"The customer does not exist.  CorrelationId: 6f1e1a9e-1111-2222-3333-444444444444."}}'),
      { code: 'BadRequest_NotFound', message: 'The customer does not exist.', correlationId: '6f1e1a9e-1111-2222-3333-444444444444' },
    );
    assert.deepEqual(parseErrorBody('{"error":{"code":"X","message":"m","innerError":{"request-id":"r-1","date":"d"}}}'), { code: 'X', message: 'm', correlationId: 'r-1' });
    assert.deepEqual(parseErrorBody('<html>proxy</html>'), {});
    assert.deepEqual(parseErrorBody(''), {});
  });

  it('maps statuses to user errors with code, CorrelationId and the fix', () => {
    const body = { code: 'C', correlationId: 'cid' };
    const cases: Array<[number, string, RegExp]> = [
      [401, 'auth', /Sign in again/],
      [403, 'permission', /D365 BUS FULL ACCESS/],
      [404, 'notFound', /Pick the customer again/],
      [409, 'conflict', /Try again/],
      [413, 'tooLarge', /too large/],
      [429, 'throttled', /Wait/],
      [503, 'unavailable', /busy/],
      [504, 'unavailable', /busy/],
      [400, 'badRequest', /refused/],
    ];
    for (const [status, kind, text] of cases) {
      const error = errorFromStatus({ status, body });
      assert.ok(error instanceof ServiceError);
      assert.equal(error.kind, kind, String(status));
      assert.match(error.message, text);
      assert.match(error.message, /C/);
      assert.match(error.message, /CorrelationId: cid/);
    }
    assert.match(errorFromStatus({ status: 404, body: {}, subject: 'company' }).message, /company/);
  });

  it('explains AADSTS65002 with the clientId setting', () => {
    const error = errorFromStatus({ status: 401, body: { code: 'Unauthorized', message: 'AADSTS65002: Consent between first party application and first party resource must be configured' } });
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /bcPictures\.clientId/);
  });
});

describe('api/errors isCancellation', () => {
  it('decides by type: a service error that mentions "cancelled" is a failure to show', () => {
    const Service = ServiceError;
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    assert.equal(isCancellation(new Service('The request to Business Central was cancelled.', { kind: 'cancelled' })), true);
    assert.equal(isCancellation(new Service('Business Central refused the request: the posting was cancelled by another user.', { kind: 'badRequest', status: 400 })), false);
    assert.equal(isCancellation(named('ImageRefusal', '“cancelled.png” is empty.')), false);
    assert.equal(isCancellation(named('SignInCancelled', 'Sign-in was stopped.')), true);
    assert.equal(isCancellation(named('AbortError', 'This operation was aborted')), true);
    assert.equal(isCancellation(named('Canceled', 'Canceled')), true, 'vscode.CancellationError');
    assert.equal(isCancellation(new Error('User did not consent to login.')), true, "VS Code's sign-in, dismissed");
    assert.equal(isCancellation(new Error('Cancelled')), true);
    assert.equal(isCancellation(new Error('The upload was cancelled halfway, the picture may be set')), false);
    assert.equal(isCancellation('cancelled'), false);
  });
});
