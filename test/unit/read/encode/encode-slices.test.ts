import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as A from 'apache-arrow';
import { decodeArrowChunk } from '../../../../src/read/arrow/decode-arrow-chunk.js';
import { encodeRecordLines } from '../../../../src/read/arrow/encode-rows.js';
import { edgeValue, encodeSlices, orderEdges, RECORD_SUFFIX } from '../../../../src/read/encode/encode-slices.js';
import { inlineChunk, vector } from '../arrow/build-ipc.js';

const at = (values: readonly (string | null)[]) => (row: number) => values[row]!;

describe('orderEdges', () => {
  const cases: [string, (string | null)[]][] = [
    ['one row', ['a']],
    ['all equal', ['a', 'a', 'a']],
    ['all different', ['a', 'b', 'c', 'd']],
    ['a leading and a trailing run', ['a', 'a', 'b', 'c', 'd', 'd', 'd']],
    ['two values', ['a', 'b', 'b']],
    ['NULLs at the end', ['a', 'b', null, null]],
  ];
  for (const [name, values] of cases) {
    it(`knows the leading run, the trailing run and the value before it (${name})`, () => {
      const edges = orderEdges(values.length, at(values));
      let lead = 1;
      while (lead < values.length && values[lead] === values[0]) lead += 1;
      let trail = values.length - 1;
      while (trail > 0 && values[trail - 1] === values.at(-1)) trail -= 1;
      const known = new Set<number>();
      for (let r = 0; r < lead; r++) known.add(r);
      for (let r = trail; r < values.length; r++) known.add(r);
      if (trail > 0) known.add(trail - 1);
      for (let row = 0; row < values.length; row++) {
        if (known.has(row)) assert.equal(edgeValue(edges, row), values[row], `row ${row}`);
        else assert.throws(() => edgeValue(edges, row), /only its edges are known/);
      }
      assert.throws(() => edgeValue(edges, values.length), RangeError);
      assert.throws(() => edgeValue(edges, -1), RangeError);
    });
  }

  it('costs the same for a slice of any size: it holds a fixed handful of values', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => String(i));
    const edges = orderEdges(values.length, at(values));
    assert.deepEqual(edges, { rowCount: 10_000, first: '0', leadingRows: 1, last: '9999', trailingStart: 9999, beforeTrailing: '9998' });
  });
});

describe('encodeSlices', () => {
  const ids = Array.from({ length: 25 }, (_, i) => i + 1);
  const chunk = inlineChunk(
    [
      { name: 'id', vector: vector(new A.Int32(), ids), sqlName: 'INT' },
      { name: 'c', vector: vector(new A.Int32(), ids.map((i) => Math.floor(i / 4))), sqlName: 'INT' },
      { name: 'v', vector: vector(new A.Utf8(), ids.map((i) => `v"${i}`)), sqlName: 'STRING' },
    ],
    [[vector(new A.Int32(), [100, 101]), vector(new A.Int32(), [50, 50]), vector(new A.Utf8(), ['x', 'y'])]],
  );
  const job = { chunk, columns: ['v', 'id'], head: '{"type":"RECORD","record":{"stream":"t","emitted_at":', sliceRows: 10, orderColumn: 'c' };

  it('writes every row of every batch once, in order, in slices of at most sliceRows', () => {
    const slices = [...encodeSlices(job)];
    assert.deepEqual(slices.map((s) => s.rowCount), [10, 10, 5, 2]);
    const lines = Buffer.concat(slices.map((s) => s.lines)).toString('utf8').trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { record: { stream: string; emitted_at: number; data: Record<string, unknown> } });
    assert.deepEqual(records.map((r) => r.record.data), [...ids.map((i) => ({ v: `v"${i}`, id: i })), { v: 'x', id: 100 }, { v: 'y', id: 101 }]);
    assert.ok(records.every((r) => r.record.stream === 't' && Number.isSafeInteger(r.record.emitted_at)));
  });

  it('makes only the first slice of a job shorter with firstSliceRows, every row still once and in order', () => {
    const slices = [...encodeSlices({ ...job, firstSliceRows: 3 })];
    assert.deepEqual(slices.map((s) => s.rowCount), [3, 10, 10, 2, 2]);
    const data = Buffer.concat(slices.map((s) => s.lines)).toString('utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { record: { data: { id: number } } }).record.data.id);
    assert.deepEqual(data, [...ids, 100, 101]);
    // c = floor(id / 4): the first slice holds ids 1..3, the next starts at id 4.
    assert.deepEqual(slices[0]!.order, { rowCount: 3, first: '0', leadingRows: 3, last: '0', trailingStart: 0 });
    assert.deepEqual(slices[1]!.order, { rowCount: 10, first: '1', leadingRows: 4, last: '3', trailingStart: 8, beforeTrailing: '2' });
    // Never longer than sliceRows, never empty.
    assert.deepEqual([...encodeSlices({ ...job, firstSliceRows: 50 })].map((s) => s.rowCount), [10, 10, 5, 2]);
    assert.deepEqual([...encodeSlices({ ...job, firstSliceRows: 0 })].map((s) => s.rowCount), [1, 10, 10, 4, 2]);
  });

  it('gives the same bytes as encoding the batch at once, and the prefix length of each line', () => {
    const [first] = decodeArrowChunk(chunk);
    for (const slice of encodeSlices(job)) {
      const line = Buffer.from(slice.lines).toString('utf8').split('\n')[0]!;
      const prefix = line.slice(0, slice.prefixBytes);
      assert.match(prefix, /"emitted_at":\d+,"data":$/);
      assert.ok(line.endsWith(RECORD_SUFFIX.trimEnd()));
    }
    const whole = encodeRecordLines(first!, ['v', 'id'], 'P', RECORD_SUFFIX);
    const sliced = [...encodeSlices({ ...job, head: 'P', sliceRows: 7 })].slice(0, 4);
    const strip = (b: Uint8Array): string => Buffer.from(b).toString('utf8').replace(/P\d+,"data":/g, 'P');
    assert.equal(sliced.map((s) => strip(s.lines)).join(''), Buffer.from(whole).toString('utf8'));
  });

  it('carries the order edges of each slice, read from the order column', () => {
    const slices = [...encodeSlices(job)];
    // c = floor(id / 4): slice 1 holds ids 1..10 (c 0,0,0,1,1,1,1,2,2,2).
    assert.deepEqual(slices[0]!.order, { rowCount: 10, first: '0', leadingRows: 3, last: '2', trailingStart: 7, beforeTrailing: '1' });
    assert.deepEqual(slices[3]!.order, { rowCount: 2, first: '50', leadingRows: 2, last: '50', trailingStart: 0 });
    assert.equal([...encodeSlices({ ...job, orderColumn: undefined } as never)][0]!.order, undefined);
  });
});
