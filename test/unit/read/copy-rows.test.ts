import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as A from 'apache-arrow';
import type { ArrowChunk, Warehouse } from '../../../src/client/warehouse.js';
import type { RetryPolicy } from '../../../src/connection/retry-policy.js';
import type { JsonLinesWriter } from '../../../src/output/json-lines-writer.js';
import type { Logger } from '../../../src/output/logger.js';
import { copyRows, type CopyRowsSpec } from '../../../src/read/copy-rows.js';
import { EncoderPool } from '../../../src/read/encode/encoder-pool.js';
import { inlineChunk, vector } from './arrow/build-ipc.js';
import { fakeClock, netError } from '../../helpers/retry-fakes.js';
import { seededRandom } from '../../../emulator/faults/seeded-random.js';

/**
 * copyRows against an in-memory warehouse whose results fail part way at random points and
 * return rows of equal order value in a different order on every execution, as a real warehouse
 * may. Whatever the failures, the records emitted must be exactly the table's rows.
 */

interface Row {
  readonly id: number;
  readonly c: number;
  readonly v: string;
}

/** Rows with heavy ties on `c` and some rows identical apart from `id`. */
function table(random: () => number, size: number): Row[] {
  return Array.from({ length: size }, (_, i) => ({ id: i + 1, c: Math.floor(random() * (size / 6)), v: random() < 0.3 ? 'same' : `v${i}` }));
}

/**
 * A warehouse over `rows`. The SQL text is just `from:<value>` or `all`; an ordered read sorts
 * by c with ties shuffled anew each time, an unordered one shuffles everything. `failAfter()`
 * says after how many chunks the next result breaks (undefined: it does not).
 */
function fakeWarehouse(rows: readonly Row[], random: () => number, ordered: boolean, failAfter: () => number | undefined) {
  const queries: string[] = [];
  const warehouse = {
    async *queryArrow(sql: string, _p?: unknown, options?: { batchRows?: number }): AsyncIterable<ArrowChunk> {
      queries.push(sql);
      const from = sql.startsWith('from:') ? Number(sql.slice(5)) : undefined;
      const keyed = rows.filter((r) => from === undefined || r.c >= from).map((r) => ({ r, k: random() }));
      keyed.sort((a, b) => (ordered ? a.r.c - b.r.c : 0) || a.k - b.k);
      const limit = options?.batchRows ?? 10;
      const breakAt = failAfter();
      for (let start = 0, n = 0; start < keyed.length; start += limit, n += 1) {
        if (breakAt !== undefined && n === breakAt) throw netError('ECONNRESET');
        const part = keyed.slice(start, start + limit).map((x) => x.r);
        yield inlineChunk([
          { name: 'id', vector: vector(new A.Int32(), part.map((r) => r.id)), sqlName: 'INT' },
          { name: 'c', vector: vector(new A.Int32(), part.map((r) => r.c)), sqlName: 'INT' },
          { name: 'v', vector: vector(new A.Utf8(), part.map((r) => r.v)), sqlName: 'STRING' },
        ]);
      }
    },
  } as unknown as Warehouse;
  return { warehouse, queries };
}

function sinks() {
  const out: Buffer[] = [];
  const warnings: string[] = [];
  // Like the real writer, it gives the bytes back once it has them; scribbled over at once, so
  // anything that kept a view of a written slice (instead of a copy) would read garbage.
  const writeEncodedLines = (b: Uint8Array, released?: () => void): undefined => {
    out.push(Buffer.from(b));
    b.fill(0x58);
    released?.();
  };
  const writer = { writeEncodedLines, writeMessage: () => undefined } as unknown as JsonLinesWriter;
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
  const records = (): Record<string, unknown>[] =>
    Buffer.concat(out)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { record: { data: Record<string, unknown> } }).record.data);
  return { writer, logger, warnings, records };
}

const policy: RetryPolicy = { maxSeconds: 600, baseDelayMs: 10, maxDelayMs: 100, clock: fakeClock(), onRetry: () => undefined };
const stream = { namespace: 's', name: 't' };
const ordered = (columns: readonly string[]): CopyRowsSpec => ({
  stream,
  columns,
  order: { column: 'c' },
  query: (resumeAt) => ({ sql: resumeAt === undefined ? 'all' : `from:${resumeAt}`, parameters: {} }),
});
const key = (data: Record<string, unknown>, columns: readonly string[]): string => JSON.stringify(columns.map((c) => data[c]));
const multiset = (items: readonly string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
};

/**
 * Records what an observer can read of each batch's order values, the way the checkpoint and
 * resume logic reads them (from the last row back to the first change of value), and
 * checks it against the cursors of the records emitted.
 */
function edgeObserver(): { observe(n: number, at: (row: number) => string | null): void; check(cursors: readonly string[]): void } {
  const batches: { n: number; reads: [number, string | null][] }[] = [];
  return {
    observe(n, at) {
      let row = n - 1;
      const last = at(row);
      const reads: [number, string | null][] = [[row, last]];
      while (row > 0 && at(row - 1) === last) reads.push([--row, last]);
      if (row > 0) reads.push([row - 1, at(row - 1)]);
      batches.push({ n, reads });
    },
    check(cursors) {
      let offset = 0;
      for (const batch of batches) {
        for (const [row, value] of batch.reads) assert.equal(value, cursors[offset + row], `row ${offset + row}`);
        offset += batch.n;
      }
      assert.equal(offset, cursors.length, 'the observer saw every emitted record');
    },
  };
}

/** The encoder of the tests running now: none (the main thread) or a pool of worker threads. */
let encoding: () => { encoder?: EncoderPool } = () => ({});

for (const threads of [0, 2]) {
describe(`copyRows: a result that fails part way (${threads === 0 ? 'encoded on the main thread' : `encoded by ${threads} worker threads`})`, () => {
  let pool: EncoderPool | undefined;
  before(() => {
    pool = threads === 0 ? undefined : new EncoderPool(threads);
    encoding = () => (pool === undefined ? {} : { encoder: pool });
  });
  after(async () => {
    await pool?.close();
  });

  for (const columns of [['id', 'c', 'v'], ['c', 'v']] as const) {
    it(`resumes an ordered read without repeating or skipping a row, over 40 random failure schedules (columns ${columns.join(',')})`, async () => {
      let failures = 0;
      for (let seed = 1; seed <= 40; seed += 1) {
        const random = seededRandom(seed);
        const rows = table(random, 150 + Math.floor(random() * 150));
        let left = 1 + Math.floor(random() * 5);
        const { warehouse, queries } = fakeWarehouse(rows, random, true, () => (left-- > 0 ? Math.floor(random() * 25) : undefined));
        const { writer, logger, records } = sinks();
        const observed = edgeObserver();
        const result = await copyRows(
          {
            ...ordered(columns),
            observe: async (n, at) => {
              observed.observe(n, at);
            },
          },
          { ...encoding(), warehouse, writer, logger, batchRows: 7, retry: policy },
        );
        const emitted = records();
        failures += result.resumes;
        assert.deepEqual(multiset(emitted.map((d) => key(d, columns))), multiset(rows.map((r) => key(r as never, columns))), `seed ${seed}`);
        assert.equal(result.records, rows.length);
        // Records come out in cursor order, and the observer sees exactly their cursors.
        const cs = emitted.map((d) => d.c as number);
        assert.ok(cs.every((c, i) => i === 0 || cs[i - 1]! <= c), `seed ${seed}: out of order`);
        observed.check(cs.map(String));
        assert.equal(queries.length, result.resumes + 1);
      }
      assert.ok(failures > 60, `only ${failures} failures injected`);
    });
  }

  it('resumes exactly when Arrow batches are larger than the slices they are written in', async () => {
    let failures = 0;
    for (let seed = 1; seed <= 4; seed += 1) {
      const random = seededRandom(1000 + seed);
      // Batches of 20 000 rows are written in slices of 8 192: groups of equal `c` span slices.
      const rows = table(random, 50_000);
      let left = 2;
      const { warehouse } = fakeWarehouse(rows, random, true, () => (left-- > 0 ? 1 + Math.floor(random() * 2) : undefined));
      const { writer, logger, records } = sinks();
      const observed = edgeObserver();
      const result = await copyRows(
        {
          ...ordered(['id', 'c', 'v']),
          observe: async (n, at) => {
            observed.observe(n, at);
          },
        },
        { ...encoding(), warehouse, writer, logger, batchRows: 20_000, retry: policy },
      );
      const emitted = records();
      failures += result.resumes;
      assert.deepEqual(multiset(emitted.map((d) => key(d, ['id', 'c', 'v']))), multiset(rows.map((r) => key(r as never, ['id', 'c', 'v']))), `seed ${seed}`);
      const cs = emitted.map((d) => d.c as number);
      assert.ok(cs.every((c, i) => i === 0 || cs[i - 1]! <= c), `seed ${seed}: out of order`);
      observed.check(cs.map(String));
    }
    assert.ok(failures >= 4, `only ${failures} failures injected`);
  });

  it('restarts an unordered read: every row arrives, and the only duplicates are records emitted before the failure', async () => {
    const random = seededRandom(99);
    const rows = table(random, 200);
    let left = 1;
    const { warehouse } = fakeWarehouse(rows, random, false, () => (left-- > 0 ? 5 : undefined));
    const { writer, logger, records, warnings } = sinks();
    const result = await copyRows({ stream, columns: ['id', 'c', 'v'], query: () => ({ sql: 'all', parameters: {} }) }, { ...encoding(), warehouse, writer, logger, batchRows: 10, retry: policy });
    const ids = records().map((d) => d.id as number);
    assert.deepEqual(new Set(ids), new Set(rows.map((r) => r.id)));
    assert.equal(ids.length, 250);
    assert.equal(result.records, 250);
    assert.match(warnings[0]!, /failed after 50 records of this pass .* starts over: .* emitted again/);
  });

  it('re-emits a group too large to remember rather than lose any of it', async () => {
    const rows: Row[] = Array.from({ length: 60 }, (_, i) => ({ id: i + 1, c: i < 50 ? 1 : 2, v: `v${i}` }));
    let left = 1;
    const random = seededRandom(5);
    const { warehouse } = fakeWarehouse(rows, random, true, () => (left-- > 0 ? 3 : undefined));
    const { writer, logger, records, warnings } = sinks();
    await copyRows(ordered(['id', 'c', 'v']), { ...encoding(), warehouse, writer, logger, batchRows: 10, retry: policy, groupMemoryBytes: 500 });
    const ids = records().map((d) => d.id as number);
    assert.deepEqual(new Set(ids), new Set(rows.map((r) => r.id)));
    assert.equal(ids.length, 90, 'the 30 records of group c=1 emitted before the failure come again');
    assert.match(warnings[0]!, /too large to remember/);
  });

  it('fails with the error when retries are off', async () => {
    const rows = table(seededRandom(1), 50);
    const { warehouse } = fakeWarehouse(rows, seededRandom(2), true, () => 2);
    const { writer, logger } = sinks();
    await assert.rejects(copyRows(ordered(['id']), { ...encoding(), warehouse, writer, logger, batchRows: 10 }), (e: { code?: string }) => e.code === 'ECONNRESET');
  });
});
}
