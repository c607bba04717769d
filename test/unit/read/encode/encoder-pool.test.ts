import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as A from 'apache-arrow';
import type { ArrowChunk } from '../../../../src/client/warehouse.js';
import { UnsupportedArrowError } from '../../../../src/read/arrow/arrow-schema.js';
import type { EncodedSlice, EncodeJob } from '../../../../src/read/encode/encode-slices.js';
import { EncoderPool } from '../../../../src/read/encode/encoder-pool.js';
import { inlineEncoder, type EncodeTicket } from '../../../../src/read/encode/slice-encoder.js';
import { int64Vector, streamChunk, vector } from '../arrow/build-ipc.js';

function chunkOf(from: number, rows: number): ArrowChunk {
  const ids = Array.from({ length: rows }, (_, i) => BigInt(from + i) * 1_000_003n + 9_007_199_254_740_993n);
  return streamChunk([
    { name: 'id', vector: int64Vector(new A.Int64(), ids), sqlName: 'BIGINT' },
    { name: 'g', vector: vector(new A.Int32(), ids.map((_, i) => Math.floor((from + i) / 3))), sqlName: 'INT' },
    { name: 's', vector: vector(new A.Utf8(), ids.map((_, i) => `row ${from + i} \u00e9\n`)), sqlName: 'STRING' },
  ]);
}

const jobOf = (chunk: ArrowChunk): EncodeJob => ({ chunk, columns: ['id', 's'], head: '{"type":"RECORD","record":{"stream":"t","emitted_at":', sliceRows: 1000, orderColumn: 'g' });

async function collect(ticket: EncodeTicket): Promise<EncodedSlice[]> {
  const out: EncodedSlice[] = [];
  for await (const slice of ticket) out.push(slice);
  return out;
}

/** The slice without its emitted_at time, which differs between two encodings. */
const comparable = (s: EncodedSlice) => ({ ...s, lines: Buffer.from(s.lines).toString('utf8').replace(/"emitted_at":\d+/g, ''), prefixBytes: undefined });

describe('EncoderPool', () => {
  const pool = new EncoderPool(2);
  after(() => pool.close());

  it('gives the same slices and order edges as encoding on the main thread', async () => {
    const job = jobOf(chunkOf(0, 4500));
    const [pooled, inline] = await Promise.all([collect(pool.encode(job)), collect(inlineEncoder.encode(jobOf(chunkOf(0, 4500))))]);
    assert.equal(pooled.length, 5);
    assert.deepEqual(pooled.map(comparable), inline.map(comparable));
    assert.ok(Buffer.from(pooled[0]!.lines).toString('utf8').startsWith('{"type":"RECORD","record":{"stream":"t","emitted_at":'));
    assert.match(Buffer.from(pooled[0]!.lines).toString('utf8'), /"id":9007199254740993,/);
  });

  it('keeps each job in order when many are in flight on both threads', async () => {
    const tickets = Array.from({ length: 12 }, (_, j) => pool.encode(jobOf(chunkOf(j * 700, 700))));
    const results = await Promise.all(tickets.map(collect));
    results.forEach((slices, j) => {
      const ids = Buffer.concat(slices.map((s) => s.lines)).toString('utf8').trimEnd().split('\n').map((l) => /"s":"row (\d+) /.exec(l)![1]);
      assert.deepEqual(ids, Array.from({ length: 700 }, (_, i) => String(j * 700 + i)), `job ${j}`);
    });
  });

  it('moves large buffers to the worker without copying, and copies the shared schema', () => {
    const chunk = chunkOf(0, 2000);
    const batch = chunk.batches[0]!;
    assert.ok(batch.byteLength > Buffer.poolSize && batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength);
    const ticket = pool.encode(jobOf(chunk));
    assert.equal(batch.byteLength, 0, 'the batch was transferred (detached here)');
    assert.ok(chunk.schema.byteLength > 0, 'the schema stays usable for the next chunks');
    return collect(ticket).then((slices) => assert.equal(slices.reduce((n, s) => n + s.rowCount, 0), 2000));
  });

  it('fails a ticket with the error class the encoder threw', async () => {
    const broken = { schema: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), batches: [], rowCount: 0 };
    const inline = await collect(inlineEncoder.encode(jobOf(broken))).catch((e: unknown) => e);
    const pooled = await collect(pool.encode(jobOf(broken))).catch((e: unknown) => e);
    assert.ok(inline instanceof Error && pooled instanceof Error);
    assert.equal(pooled.name, inline.name);
    assert.equal(pooled.message, inline.message);
    const unknownColumn = await collect(pool.encode({ ...jobOf(chunkOf(0, 10)), columns: ['nope'] })).catch((e: unknown) => e);
    assert.ok(unknownColumn instanceof UnsupportedArrowError, String(unknownColumn));
    assert.match(unknownColumn.message, /no column "nope"/);
  });

  it('drops a discarded job and goes on with the next', async () => {
    const dropped = pool.encode(jobOf(chunkOf(0, 5000)));
    dropped.discard();
    assert.deepEqual(await collect(dropped), []);
    const next = await collect(pool.encode(jobOf(chunkOf(5000, 10))));
    assert.equal(next.reduce((n, s) => n + s.rowCount, 0), 10);
  });

  it('takes slice buffers back once written and fills them again with the right records', async () => {
    // Slices of 1000 rows here are over 64 KiB, so their buffers are pooled and go back and forth.
    for (const encoder of [pool, inlineEncoder]) {
      for (let round = 0; round < 6; round += 1) {
        const slices = await collect(encoder.encode(jobOf(chunkOf(round * 3000, 3000))));
        assert.ok(slices[0]!.lines.buffer.byteLength >= 64 * 1024, `slice buffer of ${slices[0]!.lines.buffer.byteLength} bytes`);
        const ids = Buffer.concat(slices.map((s) => Buffer.from(s.lines))).toString('utf8').trimEnd().split('\n').map((l) => /"s":"row (\d+) /.exec(l)![1]);
        assert.deepEqual(ids, Array.from({ length: 3000 }, (_, i) => String(round * 3000 + i)), `round ${round}`);
        for (const slice of slices) encoder.recycle(slice.lines);
      }
    }
  });

  it("gives a chunk's buffers back through its recycle once every slice is made, moved back from the worker", async () => {
    for (const encoder of [pool, inlineEncoder]) {
      const chunk = chunkOf(0, 3000);
      const sizes = chunk.batches.map((b) => b.buffer.byteLength);
      const recycled: ArrayBuffer[][] = [];
      const ticket = encoder.encode(jobOf({ ...chunk, recycle: (buffers) => recycled.push([...buffers]) }));
      const slices: EncodedSlice[] = [];
      for await (const slice of ticket) {
        // Not before the last slice was handed out: the encoder reads the chunk until then.
        if (encoder === inlineEncoder) assert.equal(recycled.length, 0);
        slices.push(slice);
      }
      assert.equal(slices.reduce((n, s) => n + s.rowCount, 0), 3000);
      assert.equal(recycled.length, 1, 'recycled once');
      // The same memory, whole and usable here again (a transferred buffer arrives attached).
      assert.deepEqual(recycled[0]!.map((b) => b.byteLength), sizes);
      assert.ok(recycled[0]!.every((b) => b instanceof ArrayBuffer));
    }
  });

  it('recycles nothing of a failed job, nor of a job discarded on this thread', async () => {
    for (const encoder of [pool, inlineEncoder]) {
      const recycled: unknown[] = [];
      const recycle = (buffers: readonly ArrayBuffer[]) => recycled.push(buffers);
      const failed = await collect(encoder.encode({ ...jobOf({ ...chunkOf(0, 10), recycle }), columns: ['nope'] })).catch((e: unknown) => e);
      assert.ok(failed instanceof UnsupportedArrowError);
      // A worker finishes its jobs in order: once this one is back, the failed one is long done.
      await collect(encoder.encode(jobOf(chunkOf(0, 10))));
      assert.deepEqual(recycled, [], 'a failed job keeps its buffers');
    }
    const recycled: unknown[] = [];
    const dropped = inlineEncoder.encode(jobOf({ ...chunkOf(0, 5000), recycle: (buffers) => recycled.push(buffers) }));
    const iterator = dropped[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).done, false);
    dropped.discard();
    while ((await iterator.next()).done !== true);
    assert.deepEqual(recycled, [], 'a discarded inline job may still be read by its caller');
  });

  it('fails unfinished tickets when closed, and takes no more jobs', async () => {
    const own = new EncoderPool(1);
    const pending = own.encode(jobOf(chunkOf(0, 20_000)));
    await own.close();
    await assert.rejects(collect(pending), /closed/);
    assert.throws(() => own.encode(jobOf(chunkOf(0, 1))), /closed/);
  });

  it('refuses a pool without threads', () => {
    assert.throws(() => new EncoderPool(0), RangeError);
  });
});
