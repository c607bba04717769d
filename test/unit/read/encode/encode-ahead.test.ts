import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArrowChunk } from '../../../../src/client/warehouse.js';
import type { EncodedSlice } from '../../../../src/read/encode/encode-slices.js';
import { encodeAhead } from '../../../../src/read/encode/encode-ahead.js';
import type { EncodeTicket } from '../../../../src/read/encode/slice-encoder.js';

const chunk = (n: number): ArrowChunk => ({ schema: new Uint8Array(), batches: [], rowCount: n });

/** A source of `count` chunks that records what was asked of it; `failAt` throws instead of that chunk. */
function source(count: number, failAt?: number) {
  const events: string[] = [];
  const chunks: AsyncIterable<ArrowChunk> = {
    [Symbol.asyncIterator]() {
      let n = 0;
      return {
        async next() {
          await new Promise((r) => setImmediate(r));
          if (n === failAt) throw new Error(`chunk ${n} failed`);
          if (n >= count) return { done: true, value: undefined };
          events.push(`fetched ${n}`);
          return { done: false, value: chunk(n++) };
        },
        async return() {
          events.push('closed');
          return { done: true, value: undefined };
        },
      };
    },
  };
  const submit = (c: ArrowChunk): EncodeTicket => {
    events.push(`submitted ${c.rowCount}`);
    return {
      discard: () => void events.push(`discarded ${c.rowCount}`),
      async *[Symbol.asyncIterator](): AsyncGenerator<EncodedSlice> {
        yield { lines: new Uint8Array(), rowCount: c.rowCount, prefixBytes: 0 };
      },
    };
  };
  return { chunks, submit, events };
}

describe('encodeAhead', () => {
  it('submits the next chunk while the current ticket is read, and every chunk once, in order', async () => {
    const { chunks, submit, events } = source(4);
    const seen: number[] = [];
    for await (const ticket of encodeAhead(chunks, submit)) {
      // Let the look-ahead fetch run while this ticket is "written".
      await new Promise((r) => setTimeout(r, 5));
      if (seen.length === 0) assert.ok(events.includes('submitted 1'), `chunk 1 submitted while chunk 0 is read: ${events.join(', ')}`);
      if (seen.length === 0) assert.ok(!events.includes('submitted 2'), 'no more than one chunk ahead');
      for await (const slice of ticket) seen.push(slice.rowCount);
    }
    assert.deepEqual(seen, [0, 1, 2, 3]);
  });

  it('discards the tickets not read and closes the result when the reader stops early', async () => {
    const { chunks, submit, events } = source(10);
    for await (const ticket of encodeAhead(chunks, submit)) {
      await new Promise((r) => setTimeout(r, 5));
      void ticket;
      break;
    }
    assert.ok(events.includes('discarded 1'), events.join(', '));
    assert.equal(events.at(-1), 'closed');
    assert.ok(!events.includes('submitted 3'));
  });

  it('hands out the chunks before a failure, then the failure, and discards what was submitted', async () => {
    const { chunks, submit, events } = source(10, 2);
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const ticket of encodeAhead(chunks, submit)) for await (const slice of ticket) seen.push(slice.rowCount);
      })(),
      /chunk 2 failed/,
    );
    assert.deepEqual(seen, [0, 1]);
    assert.ok(events.includes('closed'));
  });
});
