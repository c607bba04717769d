import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkpointDue,
  finishProgress,
  observeBatch,
  observeRecord,
  startProgress,
  takeCheckpoint,
  type Checkpoint,
  type CursorProgress,
} from '../../../src/state/cursor-progress.js';

interface Row {
  readonly id: number;
  readonly cursor: string;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A table with heavy ties: `n` rows over `distinct` cursor values, fixed-width so text order = value order. */
function table(n: number, distinct: number, random: () => number): Row[] {
  return Array.from({ length: n }, (_, id) => ({ id, cursor: String(Math.floor(random() * distinct)).padStart(4, '0') }));
}

interface ReadResult {
  readonly emitted: Row[];
  /** Each checkpoint with how many rows had been emitted when it was taken. */
  readonly checkpoints: Array<{ checkpoint: Checkpoint; emittedBefore: number }>;
  readonly completed: boolean;
}

/**
 * Simulates one read: `> start` (or `>=`), `<= max`, ORDER BY cursor with ties in random order,
 * fetched in random batch sizes, observed per batch or per record, crashing after `failAfter` rows.
 */
function simulateRead(
  rows: readonly Row[],
  start: { cursor: string | null; inclusive: boolean },
  random: () => number,
  options: { failAfter?: number; everyRecords?: number; perRecord?: boolean } = {},
): ReadResult {
  const max = rows.reduce<string | null>((m, r) => (m === null || r.cursor > m ? r.cursor : m), null);
  const selected = rows
    .filter((r) => start.cursor === null || (start.inclusive ? r.cursor >= start.cursor : r.cursor > start.cursor))
    .filter((r) => max !== null && r.cursor <= max)
    .map((r) => ({ r, k: random() }))
    .sort((a, b) => (a.r.cursor < b.r.cursor ? -1 : a.r.cursor > b.r.cursor ? 1 : a.k - b.k))
    .map((x) => x.r);
  const policy = { records: options.everyRecords ?? 1, seconds: 1e9 };
  let progress: CursorProgress = startProgress(start, 0);
  const emitted: Row[] = [];
  const checkpoints: ReadResult['checkpoints'] = [];
  let offset = 0;
  while (offset < selected.length) {
    let batch = selected.slice(offset, offset + 1 + Math.floor(random() * 17));
    offset += batch.length;
    const crash = options.failAfter !== undefined && emitted.length + batch.length > options.failAfter;
    if (crash) batch = batch.slice(0, options.failAfter! - emitted.length);
    emitted.push(...batch);
    if (options.perRecord === true) for (const r of batch) progress = observeRecord(progress, r.cursor);
    else progress = observeBatch(progress, batch.length, (i) => batch[i]!.cursor);
    if (crash) return { emitted, checkpoints, completed: false };
    if (checkpointDue(progress, policy, 0)) {
      const taken = takeCheckpoint(progress, 0);
      progress = taken.progress;
      checkpoints.push({ checkpoint: taken.checkpoint, emittedBefore: emitted.length });
    }
  }
  if (options.failAfter !== undefined && emitted.length >= options.failAfter) return { emitted, checkpoints, completed: false };
  const final = finishProgress(progress, 0);
  checkpoints.push({ checkpoint: final.checkpoint, emittedBefore: emitted.length });
  return { emitted, checkpoints, completed: true };
}

const ids = (rows: readonly Row[]): number[] => rows.map((r) => r.id).sort((a, b) => a - b);

describe('cursor checkpoints with ties', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`never checkpoints inside a group of equal cursors and resumes from every checkpoint without loss (seed ${seed})`, () => {
      const random = rng(seed);
      const rows = table(300, 25, random);
      const full = simulateRead(rows, { cursor: null, inclusive: false }, random, { perRecord: seed % 2 === 0 });
      assert.equal(full.completed, true);
      assert.deepEqual(ids(full.emitted), ids(rows));
      assert.ok(full.checkpoints.length > 10);
      for (const { checkpoint, emittedBefore } of full.checkpoints) {
        const saved = checkpoint.cursor!;
        assert.equal(checkpoint.inclusive, false);
        // Everything at or below the checkpoint was emitted before it, nothing above it.
        assert.deepEqual(ids(full.emitted.slice(0, emittedBefore).filter((r) => r.cursor <= saved)), ids(rows.filter((r) => r.cursor <= saved)));
        const resumed = simulateRead(rows, { cursor: saved, inclusive: false }, random);
        assert.deepEqual(ids(resumed.emitted), ids(rows.filter((r) => r.cursor > saved)));
        // Rows emitted before the checkpoint but above it belong to the one group still open then.
        const open = new Set(full.emitted.slice(0, emittedBefore).filter((r) => r.cursor > saved).map((r) => r.cursor));
        assert.ok(open.size <= 1, `checkpoint ${saved} taken with ${open.size} groups above it`);
      }
      assert.equal(full.checkpoints.at(-1)!.checkpoint.cursor, rows.reduce((m, r) => (r.cursor > m ? r.cursor : m), ''));
    });
  }

  it('loses no row when a read fails after any number of records, and duplicates only rows after the last checkpoint', () => {
    const random = rng(42);
    const rows = table(120, 12, random);
    for (let failAfter = 0; failAfter <= rows.length; failAfter += 1) {
      const failed = simulateRead(rows, { cursor: null, inclusive: false }, random, { failAfter, everyRecords: 7 });
      const last = failed.checkpoints.at(-1);
      const start = { cursor: last?.checkpoint.cursor ?? null, inclusive: false };
      const retry = simulateRead(rows, start, random, { everyRecords: 7 });
      assert.equal(retry.completed, true);
      const all = [...failed.emitted, ...retry.emitted];
      assert.deepEqual([...new Set(ids(all))], ids(rows), `row lost after failing at ${failAfter}`);
      // Exactly the failed attempt's rows above its last checkpoint come again, nothing else.
      const duplicated = failed.emitted.filter((r) => retry.emitted.includes(r));
      const aboveCheckpoint = failed.emitted.filter((r) => start.cursor === null || r.cursor > start.cursor);
      assert.deepEqual(ids(duplicated), ids(aboveCheckpoint), `failAfter ${failAfter}`);
      assert.equal(all.length - rows.length, duplicated.length);
    }
  });

  it('chains several failures and still reads every row', () => {
    const random = rng(7);
    const rows = table(200, 15, random);
    let start: { cursor: string | null; inclusive: boolean } = { cursor: null, inclusive: false };
    const seen = new Set<number>();
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const failAfter = attempt < 49 ? Math.floor(random() * 40) : undefined;
      const r = simulateRead(rows, start, random, failAfter === undefined ? { everyRecords: 5 } : { failAfter, everyRecords: 5 });
      for (const row of r.emitted) seen.add(row.id);
      const last = r.checkpoints.at(-1)?.checkpoint;
      if (last !== undefined) start = { cursor: last.cursor, inclusive: last.inclusive };
      if (r.completed) break;
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), ids(rows));
  });

  it('observes a batch exactly like its records one by one', () => {
    const random = rng(9);
    for (let trial = 0; trial < 200; trial += 1) {
      const cursors = Array.from({ length: 1 + Math.floor(random() * 30) }, () => String(Math.floor(random() * 5))).sort();
      let perRecord = startProgress({ cursor: null }, 0);
      let perBatch = perRecord;
      let i = 0;
      while (i < cursors.length) {
        const batch = cursors.slice(i, i + 1 + Math.floor(random() * 6));
        i += batch.length;
        for (const c of batch) perRecord = observeRecord(perRecord, c);
        perBatch = observeBatch(perBatch, batch.length, (k) => batch[k]!);
        assert.deepEqual(perBatch, perRecord);
      }
    }
  });

  it('reads only the cursors it needs from a batch', () => {
    const batch = ['1', '2', '3', '3', '3'];
    const read: number[] = [];
    const p = observeBatch(startProgress({ cursor: null }, 0), batch.length, (i) => {
      read.push(i);
      return batch[i]!;
    });
    assert.equal(p.safe, '2');
    assert.deepEqual(read, [4, 3, 2, 1], 'stops at the first different value from the end');
  });
});

describe('checkpoint policy', () => {
  it('waits for the record interval and for a completed group', () => {
    let p = startProgress({ cursor: null }, 0);
    const policy = { records: 3, seconds: 60 };
    for (const c of ['a', 'a', 'a', 'a']) p = observeRecord(p, c);
    assert.equal(checkpointDue(p, policy, 0), false, 'four records but the group of "a" is still open');
    p = observeRecord(p, 'b');
    assert.equal(checkpointDue(p, policy, 0), true);
    const { checkpoint, progress } = takeCheckpoint(p, 0);
    assert.deepEqual(checkpoint, { cursor: 'a', inclusive: false, recordCount: 5 });
    assert.equal(checkpointDue(progress, policy, 0), false);
  });

  it('checkpoints on time even when few records arrived', () => {
    let p = startProgress({ cursor: '0' }, 1000);
    p = observeRecord(observeRecord(p, '1'), '2');
    const policy = { records: 1000, seconds: 60 };
    assert.equal(checkpointDue(p, policy, 60_999), false);
    assert.equal(checkpointDue(p, policy, 61_000), true);
    assert.equal(takeCheckpoint(p, 61_000).checkpoint.cursor, '1');
  });

  it('keeps the starting state when the read returns nothing', () => {
    const { checkpoint } = finishProgress(startProgress({ cursor: '2024-01-01' }, 0), 0);
    assert.deepEqual(checkpoint, { cursor: '2024-01-01', inclusive: false, recordCount: 0 });
    assert.deepEqual(finishProgress(startProgress({ cursor: null }, 0), 0).checkpoint, { cursor: null, inclusive: false, recordCount: 0 });
  });

  it('resumes a migrated inclusive state by re-reading its group once, then saves exclusive states', () => {
    let p = startProgress({ cursor: '5', inclusive: true }, 0);
    assert.equal(checkpointDue(observeRecord(p, '5'), { records: 1, seconds: 1 }, 10_000), false);
    assert.deepEqual(finishProgress(p, 0).checkpoint.inclusive, true);
    p = observeRecord(observeRecord(p, '5'), '6');
    assert.deepEqual(takeCheckpoint(p, 0).checkpoint, { cursor: '5', inclusive: false, recordCount: 2 });
    assert.deepEqual(finishProgress(p, 0).checkpoint, { cursor: '6', inclusive: false, recordCount: 2 });
  });
});
