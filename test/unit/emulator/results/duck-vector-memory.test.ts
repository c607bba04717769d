import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import duckdb from '@duckdb/node-bindings';
import {
  CHECKED_BINDINGS_VERSION,
  INLINE_STRING_MAX,
  STRING_ENTRY_BYTES,
  copyFromStringPointer,
  rawColumnVector,
  vectorBytes,
  vectorValidity,
} from '../../../../emulator/results/duck-vector-memory.js';
import { query } from './duck-results.js';

const require = createRequire(import.meta.url);

// If any of these fail after a DuckDB upgrade, the fast Arrow path reads memory it no longer
// understands: re-check emulator/results/duck-vector-memory.ts and fast-column.ts before
// updating the expectations.
describe('DuckDB vector memory layout the fast Arrow path relies on', () => {
  it('is the exact node-api / node-bindings version the layouts were checked against', () => {
    const api = require('@duckdb/node-api/package.json') as { version: string; dependencies: Record<string, string> };
    const bindings = require('@duckdb/node-bindings/package.json') as { version: string };
    assert.equal(api.version, CHECKED_BINDINGS_VERSION);
    assert.equal(api.dependencies['@duckdb/node-bindings'], CHECKED_BINDINGS_VERSION);
    assert.equal(bindings.version, CHECKED_BINDINGS_VERSION);
    assert.equal(duckdb.sizeof_bool, 1);
    for (const fn of ['data_chunk_get_vector', 'vector_get_data', 'vector_get_validity', 'get_data_from_pointer'] as const) {
      assert.equal(typeof duckdb[fn], 'function', fn);
    }
  });

  it('stores fixed-width values packed little-endian and 8-byte aligned', async () => {
    const q = await query(`SELECT * FROM (VALUES (1::BIGINT, -2::INT, DATE '1969-12-31', TIMESTAMP '1970-01-01 00:00:00.000001', 1.5::DOUBLE))`);
    const chunk = q.slices[0]!.chunk;
    const expect = [
      [8, (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getBigInt64(0, true), 1n],
      [4, (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getInt32(0, true), -2],
      [4, (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getInt32(0, true), -1],
      [8, (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getBigInt64(0, true), 1n],
      [8, (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getFloat64(0, true), 1.5],
    ] as const;
    expect.forEach(([width, read, value], column) => {
      const bytes = vectorBytes(rawColumnVector(chunk, column), width);
      assert.equal(bytes.byteOffset % 8, 0);
      assert.equal((bytes.buffer as ArrayBuffer).byteLength >= width, true);
      assert.equal(read(bytes), value);
    });
  });

  it('keeps DECIMAL in the narrowest integer for its width', async () => {
    const q = await query(`SELECT -1.5::DECIMAL(4,1) a, -1.5::DECIMAL(9,1) b, -1.5::DECIMAL(18,1) c, -1.5::DECIMAL(38,1) d`);
    const chunk = q.slices[0]!.chunk;
    const read = (c: number, w: number) => Array.from(vectorBytes(rawColumnVector(chunk, c), w));
    assert.deepEqual(read(0, 2), [0xf1, 0xff]);
    assert.deepEqual(read(1, 4), [0xf1, 0xff, 0xff, 0xff]);
    assert.deepEqual(read(2, 8), [0xf1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    assert.deepEqual(read(3, 16), [0xf1, ...new Array<number>(15).fill(0xff)]);
  });

  it('has an Arrow-compatible validity mask, absent when every row is valid', async () => {
    const q = await query(`SELECT CASE WHEN i IN (1, 9) THEN NULL ELSE i END AS n, i AS v FROM range(10) r(i)`);
    const chunk = q.slices[0]!.chunk;
    const mask = vectorValidity(rawColumnVector(chunk, 0), 10);
    assert.ok(mask);
    assert.deepEqual([mask[0], mask[1]! & 0b11], [0b11111101, 0b01]);
    assert.equal(vectorValidity(rawColumnVector(chunk, 1), 10), null);
  });

  it('stores strings as 16-byte entries, inline up to 12 bytes, otherwise behind a pointer', async () => {
    const long = 'a string well over twelve bytes';
    const q = await query(`SELECT * FROM (VALUES ('twelve bytes'), ('${long}'))`);
    const bytes = vectorBytes(rawColumnVector(q.slices[0]!.chunk, 0), 2 * STRING_ENTRY_BYTES);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    assert.equal(view.getUint32(0, true), INLINE_STRING_MAX);
    assert.equal(Buffer.from(bytes.subarray(4, 16)).toString(), 'twelve bytes');
    assert.equal(view.getUint32(16, true), long.length);
    assert.equal(Buffer.from(bytes.subarray(20, 24)).toString(), long.slice(0, 4));
    assert.equal(Buffer.from(copyFromStringPointer(bytes, STRING_ENTRY_BYTES, long.length)).toString(), long);
  });

  it('lays out the long strings of a materialized result back to back', async () => {
    const q = await query(`SELECT 'value number ' || i AS s FROM range(2048) r(i)`);
    const bytes = vectorBytes(rawColumnVector(q.slices[0]!.chunk, 0), 2048 * STRING_ENTRY_BYTES);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    let adjacent = 0;
    for (let i = 1; i < 2048; i++) {
      const previousEnd = view.getBigUint64((i - 1) * 16 + 8, true) + BigInt(view.getUint32((i - 1) * 16, true));
      if (view.getBigUint64(i * 16 + 8, true) === previousEnd) adjacent++;
    }
    // Not a correctness requirement (runs just get shorter), but the speed of the string path is.
    assert.ok(adjacent > 2000, `adjacent strings: ${adjacent}`);
  });
});
