import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EARLY_POLL_DELAYS_MS, resultChunks } from '../../../src/client/databricks-sql-client.js';

/** A promise settled from outside. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const RUNNING = 1;
const FINISHED = 2;

/**
 * A driver operation as driver-internals.ts reads it: CloudFetch pages that arrive when the test
 * says, and a status that reports the states given, then the last one for ever.
 */
function fakeOperation(pages: number, states: readonly number[]) {
  const requested = Array.from({ length: pages }, () => deferred<{ batches: Uint8Array[]; rowCount: number }>());
  const calls = { status: 0, finished: 0, fetchNext: 0 };
  const handler = {
    hasMore: async () => calls.fetchNext < pages,
    fetchNext: () => requested[calls.fetchNext++]!.promise,
  };
  const operation = {
    status: async () => ({ operationState: states[Math.min(calls.status++, states.length - 1)] }),
    finished: async () => {
      calls.finished += 1;
    },
    getSchema: async () => ({ columns: [] }),
    getResultMetadata: async () => ({ resultFormat: 'URL_BASED', arrowSchema: new Uint8Array([1, 2]) }),
    getResultHandler: async () => ({ source: { source: handler } }),
  };
  const page = (i: number, rowCount: number) => requested[i]!.resolve({ batches: [new Uint8Array([i])], rowCount });
  return { operation: operation as never, calls, page };
}

/** `promise`, or a failure naming `what` if it is still pending after a second. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting: ${what}`)), 1000)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('resultChunks', () => {
  it('hands out each page while the next one is still being fetched', async () => {
    const fake = fakeOperation(3, [FINISHED]);
    const chunks = resultChunks(fake.operation, 100, undefined)[Symbol.asyncIterator]();
    const first = chunks.next();
    fake.page(0, 10);
    const one = await within(first, 'the first page, with the second not arrived');
    assert.equal(one.done, false);
    assert.equal(one.value!.rowCount, 10);
    assert.equal(fake.calls.fetchNext, 2, 'the second page was asked for before the first was handed out');
    const second = chunks.next();
    fake.page(1, 20);
    assert.equal((await within(second, 'the second page')).value!.rowCount, 20);
    fake.page(2, 30);
    assert.equal((await within(chunks.next(), 'the third page')).value!.rowCount, 30);
    assert.equal((await chunks.next()).done, true);
  });

  it('polls a running statement early before leaving the wait to the driver', async () => {
    const soon = fakeOperation(1, [RUNNING, RUNNING, FINISHED]);
    const chunks = resultChunks(soon.operation, 100, undefined)[Symbol.asyncIterator]();
    const next = chunks.next();
    await new Promise((r) => setTimeout(r, EARLY_POLL_DELAYS_MS.reduce((a, b) => a + b, 0) + 50));
    assert.equal(soon.calls.status, 3, 'polled until it finished');
    assert.equal(soon.calls.finished, 1);
    soon.page(0, 5);
    assert.equal((await next).value!.rowCount, 5);

    const slow = fakeOperation(1, [RUNNING]);
    const pending = resultChunks(slow.operation, 100, undefined)[Symbol.asyncIterator]().next();
    await new Promise((r) => setTimeout(r, EARLY_POLL_DELAYS_MS.reduce((a, b) => a + b, 0) + 50));
    assert.equal(slow.calls.status, EARLY_POLL_DELAYS_MS.length, 'then no more early polls');
    assert.equal(slow.calls.finished, 1, "the driver's own wait takes over");
    slow.page(0, 1);
    await pending;
  });
});
