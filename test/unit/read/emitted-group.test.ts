import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emittedData, emptyGroup, lineOffset, rememberBatch, type EmittedBatch } from '../../../src/read/emitted-group.js';

const PREFIX = '{"type":"RECORD","record":{"stream":"t","emitted_at":1700000000000,"data":';

/** A batch of records `{"c":..,"v":..}` with their order values. */
function batch(rows: readonly (readonly [string, string])[], prefix = PREFIX): EmittedBatch {
  const lines = Buffer.from(rows.map(([c, v]) => `${prefix}{"c":${c},"v":"${v}"}}}\n`).join(''));
  return { rowCount: rows.length, valueAt: (i) => rows[i]![0], lines, prefixBytes: Buffer.byteLength(prefix), suffixBytes: 3 };
}

const counts = (m: Map<string, number>): Record<string, number> => Object.fromEntries(m);

describe('the emitted records of the last group', () => {
  it('keeps only the trailing rows that share the batch’s last value', () => {
    const g = rememberBatch(emptyGroup, batch([['1', 'a'], ['2', 'b'], ['3', 'c'], ['3', 'd']]));
    assert.equal(g.value, '3');
    assert.deepEqual(counts(emittedData(g)), { '{"c":3,"v":"c"}': 1, '{"c":3,"v":"d"}': 1 });
  });

  it('carries a group across batches and counts identical records', () => {
    let g = rememberBatch(emptyGroup, batch([['1', 'a'], ['5', 'x']]));
    g = rememberBatch(g, batch([['5', 'x'], ['5', 'y']], PREFIX.replace('1700000000000', '1700000000123')));
    assert.equal(g.value, '5');
    assert.deepEqual(counts(emittedData(g)), { '{"c":5,"v":"x"}': 2, '{"c":5,"v":"y"}': 1 });
  });

  it('starts a new group when a batch begins with a new value', () => {
    let g = rememberBatch(emptyGroup, batch([['1', 'a'], ['5', 'x']]));
    g = rememberBatch(g, batch([['6', 'z']]));
    assert.deepEqual(counts(emittedData(g)), { '{"c":6,"v":"z"}': 1 });
  });

  it('marks a group that outgrows the memory limit instead of keeping it', () => {
    let g = rememberBatch(emptyGroup, batch([['5', 'x']]), 200);
    assert.equal(g.overflowed, false);
    g = rememberBatch(g, batch([['5', 'y'], ['5', 'z']]), 200);
    assert.equal(g.overflowed, true);
    assert.equal(emittedData(g).size, 0);
    g = rememberBatch(g, batch([['5', 'w']]), 200);
    assert.equal(g.overflowed, true, 'an overflowed group stays overflowed until its value changes');
    g = rememberBatch(g, batch([['6', 'w']]), 200);
    assert.equal(g.overflowed, false);
  });

  it('finds where the last n lines start', () => {
    const lines = Buffer.from('aa\nb\nccc\n');
    assert.equal(lineOffset(lines, 1), 5);
    assert.equal(lineOffset(lines, 2), 3);
    assert.equal(lineOffset(lines, 3), 0);
  });
});
