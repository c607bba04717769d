import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryWindow, withRetries, type RetryNotice, type RetryPolicy } from '../../../src/connection/retry-policy.js';
import { ConnectorError } from '../../../src/errors/connector-error.js';
import { fakeClock, httpError, netError, sessionNotReady } from '../../helpers/retry-fakes.js';

function policy(overrides: Partial<RetryPolicy> = {}): { policy: RetryPolicy; notices: RetryNotice[]; slept: number[] } {
  const notices: RetryNotice[] = [];
  const clock = (overrides.clock as ReturnType<typeof fakeClock> | undefined) ?? fakeClock();
  return {
    notices,
    slept: clock.slept,
    policy: { maxSeconds: 600, baseDelayMs: 1000, maxDelayMs: 30_000, onRetry: (n) => notices.push(n), ...overrides, clock },
  };
}

/** An attempt function failing with the given errors in turn, then answering `ok`. */
function failing(...errors: unknown[]): { attempt: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    attempt: async () => {
      calls += 1;
      if (calls <= errors.length) throw errors[calls - 1];
      return 'ok';
    },
  };
}

describe('retry policy', () => {
  it('retries 503, 429, other 5xx, connection resets and a session that is not ready, then succeeds', async () => {
    const { policy: p, notices } = policy();
    const f = failing(httpError(503), httpError(429), httpError(502), netError('ECONNRESET'), sessionNotReady(), new Error('Premature close'));
    assert.equal(await withRetries(p, 'running a query', f.attempt), 'ok');
    assert.equal(f.calls(), 7);
    assert.deepEqual(notices.map((n) => n.attempt), [1, 2, 3, 4, 5, 6]);
    assert.match(notices[0]!.reason, /HTTP 503/);
    assert.match(notices[3]!.reason, /ECONNRESET/);
    assert.match(notices[4]!.reason, /session not ready/);
  });

  it('retries what the driver gave up on (RetryError), with the status and Retry-After of its last response', async () => {
    const { policy: p, notices } = policy({ clock: fakeClock({ random: () => 0 }) });
    const last = httpError(503, { 'retry-after': '3' }) as Error & { response: unknown };
    const exhausted = Object.assign(new Error('Max retry count exceeded'), { errorCode: 'ATTEMPTS_EXCEEDED', payload: { response: last.response } });
    await withRetries(p, 'listing tables', failing(exhausted).attempt);
    assert.deepEqual(notices.map((n) => [n.reason, n.waitMs]), [['HTTP 503', 3000]]);
  });

  it('never retries credentials, a missing warehouse, 501 or SQL errors', async () => {
    const sqlError = Object.assign(new Error('[TABLE_OR_VIEW_NOT_FOUND] The table cannot be found. SQLSTATE: 42P01'), {
      response: { sqlState: '42P01', displayMessage: '[TABLE_OR_VIEW_NOT_FOUND] The table cannot be found.' },
    });
    for (const err of [httpError(401), httpError(403), httpError(404), httpError(501), sqlError]) {
      const { policy: p, notices } = policy();
      const f = failing(err);
      await assert.rejects(withRetries(p, 'running a query', f.attempt), (e) => e === err);
      assert.equal(f.calls(), 1);
      assert.equal(notices.length, 0);
    }
  });

  it('waits at least the Retry-After seconds of a 429 or 503 (the driver would read them as ms)', async () => {
    const { policy: p, slept } = policy({ clock: fakeClock({ random: () => 0 }) });
    const f = failing(httpError(429, { 'retry-after': '7' }), httpError(503, { 'Retry-After': '2' }));
    await withRetries(p, 'x', f.attempt);
    assert.deepEqual(slept, [7000, 2000]);
  });

  it('backs off exponentially with full jitter under a ceiling', async () => {
    const { policy: p, slept } = policy({ clock: fakeClock({ random: () => 0.999999 }), maxDelayMs: 5000 });
    await withRetries(p, 'x', failing(...Array.from({ length: 6 }, () => httpError(500))).attempt);
    assert.deepEqual(slept, [1000, 2000, 4000, 5000, 5000, 5000]);
    const half = policy({ clock: fakeClock({ random: () => 0.5 }) });
    await withRetries(half.policy, 'x', failing(httpError(500), httpError(500)).attempt);
    assert.deepEqual(half.slept, [500, 1000]);
  });

  it('gives up with a transient_error once the next wait would pass the budget', async () => {
    const { policy: p, notices } = policy({ maxSeconds: 10, clock: fakeClock({ random: () => 0.999999 }) });
    const f = failing(...Array.from({ length: 50 }, () => httpError(503)));
    await assert.rejects(withRetries(p, 'opening a session', f.attempt), (e: ConnectorError) => {
      assert.equal(e.failureType, 'transient_error');
      assert.match(e.message, /Opening a session kept failing for 7 s \(4 attempts, retry budget retry_max_seconds = 10\)/);
      assert.match(e.message, /HTTP 503/);
      return true;
    });
    // 1 + 2 + 4 = 7 s waited; the next 8 s wait would end at 15 s.
    assert.deepEqual(notices.map((n) => n.waitMs), [1000, 2000, 4000]);
  });

  it('throws the original error unchanged when retries are disabled (retry_max_seconds = 0)', async () => {
    const { policy: p } = policy({ maxSeconds: 0 });
    const err = httpError(503);
    await assert.rejects(withRetries(p, 'x', failing(err).attempt), (e) => e === err);
  });

  it('does not retry an error the connector already decided on (retries that ran out inside)', async () => {
    const { policy: p } = policy();
    const inner = new ConnectorError('transient_error', 'gave up');
    const f = failing(inner);
    await assert.rejects(withRetries(p, 'x', f.attempt), (e) => e === inner);
    assert.equal(f.calls(), 1);
  });

  it('restarts the budget when the operation made progress', async () => {
    const clock = fakeClock({ random: () => 0.999999 });
    const { policy: p } = policy({ maxSeconds: 3, clock });
    const window = retryWindow(p, 'reading s.t');
    await window.failed(httpError(500));
    await window.failed(httpError(500));
    await assert.rejects(window.failed(httpError(500)), /kept failing/);
    window.progressed();
    await window.failed(httpError(500));
    assert.equal(window.attempts, 1);
  });

  it('stops waiting when the read is aborted', async () => {
    const { policy: p } = policy();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const err = httpError(503);
    await assert.rejects(retryWindow(p, 'x').failed(err, controller.signal), (e) => e === err);
  });
});
