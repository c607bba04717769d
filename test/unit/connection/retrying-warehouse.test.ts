import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArrowChunk, Warehouse } from '../../../src/client/warehouse.js';
import type { RetryNotice, RetryPolicy } from '../../../src/connection/retry-policy.js';
import { RetryingWarehouse } from '../../../src/connection/retrying-warehouse.js';
import { fakeClock, httpError, netError, sessionNotReady } from '../../helpers/retry-fakes.js';

const chunk = (rowCount: number): ArrowChunk => ({ schema: new Uint8Array(0), batches: [], rowCount });

/**
 * Sessions whose calls fail per a script: `script(n, call)` returns the error for the call-th
 * call on session n (1-based), or undefined to succeed.
 */
function fakeDriver(script: (session: number, call: number, what: string) => unknown) {
  const sessions: { id: number; closed: boolean; calls: number }[] = [];
  let connects = 0;
  const connect = async (): Promise<Warehouse> => {
    connects += 1;
    const err = script(0, connects, 'connect');
    if (err !== undefined) throw err;
    const s = { id: sessions.length + 1, closed: false, calls: 0 };
    sessions.push(s);
    const fail = (what: string): void => {
      s.calls += 1;
      const e = script(s.id, s.calls, what);
      if (e !== undefined) throw e;
    };
    return {
      async *queryArrow() {
        fail('execute');
        yield chunk(1);
        fail('fetch');
        yield chunk(2);
      },
      async queryRows() {
        fail('rows');
        return [{ one: 1 }];
      },
      getCatalogs: async () => (fail('catalogs'), [{ TABLE_CAT: 'main' }]),
      getSchemas: async () => [],
      getTables: async () => [],
      getColumns: async () => [],
      getPrimaryKeys: async () => [],
      close: async () => {
        s.closed = true;
      },
    } satisfies Warehouse;
  };
  return { connect, sessions, connects: () => connects };
}

function testPolicy(maxSeconds = 600): { policy: RetryPolicy; notices: RetryNotice[] } {
  const notices: RetryNotice[] = [];
  return { notices, policy: { maxSeconds, baseDelayMs: 1000, maxDelayMs: 30_000, clock: fakeClock(), onRetry: (n) => notices.push(n) } };
}

async function collect(iterable: AsyncIterable<ArrowChunk>): Promise<number[]> {
  const out: number[] = [];
  for await (const c of iterable) out.push(c.rowCount);
  return out;
}

describe('RetryingWarehouse', () => {
  it('keeps opening the session while a cold warehouse answers 503, then works', async () => {
    const driver = fakeDriver((session, call) => (session === 0 && call <= 3 ? httpError(503, { 'retry-after': '5' }) : undefined));
    const { policy, notices } = testPolicy();
    const warehouse = await RetryingWarehouse.open(driver.connect, policy);
    assert.equal(driver.connects(), 4);
    assert.deepEqual(notices.map((n) => [n.what, n.waitMs >= 5000]), [
      ['opening a session', true],
      ['opening a session', true],
      ['opening a session', true],
    ]);
    assert.deepEqual(await warehouse.queryRows('SELECT 1'), [{ one: 1 }]);
    assert.equal(driver.connects(), 4);
    await warehouse.close();
    assert.equal(driver.sessions[0]!.closed, true);
  });

  it('fails at once on rejected credentials', async () => {
    const driver = fakeDriver((session) => (session === 0 ? httpError(403) : undefined));
    const { policy, notices } = testPolicy();
    await assert.rejects(RetryingWarehouse.open(driver.connect, policy), (e: { statusCode?: number }) => e.statusCode === 403);
    assert.equal(driver.connects(), 1);
    assert.equal(notices.length, 0);
  });

  it('replaces a session that a starting warehouse left uninitialised, and closes the old one', async () => {
    const driver = fakeDriver((session, call) => (session === 1 && call <= 2 ? sessionNotReady() : undefined));
    const { policy } = testPolicy();
    const warehouse = await RetryingWarehouse.open(driver.connect, policy);
    assert.deepEqual(await warehouse.getCatalogs(), [{ TABLE_CAT: 'main' }]);
    assert.equal(driver.sessions.length, 2);
    assert.equal(driver.sessions[0]!.closed, true);
    await warehouse.close();
  });

  it('opens one new session for concurrent callers that all saw the old one fail', async () => {
    const driver = fakeDriver((session) => (session === 1 ? sessionNotReady() : undefined));
    const { policy } = testPolicy();
    const warehouse = await RetryingWarehouse.open(driver.connect, policy);
    await Promise.all([warehouse.queryRows('a'), warehouse.queryRows('b'), warehouse.queryRows('c')]);
    assert.equal(driver.sessions.length, 2);
    await warehouse.close();
  });

  it('retries a statement that fails before its first chunk', async () => {
    const driver = fakeDriver((session, call, what) => (what === 'execute' && call === 1 ? httpError(429, { 'retry-after': '1' }) : undefined));
    const { policy, notices } = testPolicy();
    const warehouse = await RetryingWarehouse.open(driver.connect, policy);
    assert.deepEqual(await collect(warehouse.queryArrow('SELECT')), [1, 2]);
    assert.deepEqual(notices.map((n) => [n.what, n.reason]), [['running a query', 'HTTP 429']]);
  });

  it('hands a failure after the first chunk to the caller, which alone knows what it used', async () => {
    const driver = fakeDriver((session, call, what) => (what === 'fetch' ? netError('ECONNRESET') : undefined));
    const { policy, notices } = testPolicy();
    const warehouse = await RetryingWarehouse.open(driver.connect, policy);
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of warehouse.queryArrow('SELECT')) seen.push(c.rowCount);
      })(),
      (e: { code?: string }) => e.code === 'ECONNRESET',
    );
    assert.deepEqual(seen, [1]);
    assert.equal(notices.length, 0);
  });

  it('closes the statement when the caller stops reading early', async () => {
    let finished = false;
    const inner: Warehouse = {
      async *queryArrow() {
        try {
          yield chunk(1);
          yield chunk(2);
        } finally {
          finished = true;
        }
      },
      queryRows: async () => [],
      getCatalogs: async () => [],
      getSchemas: async () => [],
      getTables: async () => [],
      getColumns: async () => [],
      getPrimaryKeys: async () => [],
      close: async () => undefined,
    };
    const warehouse = await RetryingWarehouse.open(async () => inner, testPolicy().policy);
    for await (const c of warehouse.queryArrow('SELECT')) {
      assert.equal(c.rowCount, 1);
      break;
    }
    assert.equal(finished, true);
  });
});
