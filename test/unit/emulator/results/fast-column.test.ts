import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { arrowType, type NativeTypes } from '../../../../emulator/results/arrow-schema.js';
import { fastColumnData } from '../../../../emulator/results/fast-column.js';
import { fastTextColumnData } from '../../../../emulator/results/fast-text-column.js';
import { valueColumnData } from '../../../../emulator/results/value-column.js';
import { duckColumnType, sliceValues } from '../../../../emulator/results/chunk-slice.js';
import { decimalsOf, int64sOf, plain, query, reslice, type DecodedVector } from './duck-results.js';

const NATIVE: NativeTypes = { timestamp: true, decimal: true, complex: true, interval: false };

// Pseudo-random but repeatable rows: NULLs at different rates per column, strings that are
// inline (<= 12 bytes), out of line, empty and multi-byte, values on both sides of the epoch.
const RANDOM = `
  SELECT
    CASE WHEN h % 11 = 0 THEN NULL ELSE (h >> 3)::BIGINT - 4611686018427387904 END AS big,
    CASE WHEN h % 7 = 0 THEN NULL ELSE ((h >> 5) % 4294967296 - 2147483648)::INT END AS i32,
    CASE WHEN h % 5 = 0 THEN NULL ELSE ((h >> 9) % 65536 - 32768)::SMALLINT END AS i16,
    CASE WHEN h % 3 = 0 THEN NULL ELSE ((h >> 13) % 256 - 128)::TINYINT END AS i8,
    CASE WHEN h % 13 = 0 THEN NULL ELSE ((h % 1000000)::DOUBLE - 500000) / 7 END AS f64,
    CASE WHEN h % 17 = 0 THEN NULL ELSE ((h % 100000)::FLOAT - 50000) / 4 END AS f32,
    CASE WHEN h % 4 = 0 THEN NULL ELSE ((((h >> 2) % 19999) - 9999)::DECIMAL(38,0) / 100)::DECIMAL(4,2) END AS d4,
    CASE WHEN h % 6 = 0 THEN NULL ELSE ((((h >> 2) % 1999999999) - 999999999)::DECIMAL(38,0) / 1000)::DECIMAL(9,3) END AS d9,
    CASE WHEN h % 8 = 0 THEN NULL ELSE (((h >> 4) - 576460752303423488)::DECIMAL(38,0) / 10000)::DECIMAL(18,4) END AS d18,
    CASE WHEN h % 9 = 0 THEN NULL ELSE ((h >> 1) * (h >> 30) * (CASE WHEN h % 2 = 0 THEN -1 ELSE 1 END))::DECIMAL(38,6) END AS d38,
    CASE WHEN h % 10 = 0 THEN NULL ELSE h * 3 - 27670116110564327424 END AS huge,
    CASE WHEN h % 12 = 0 THEN NULL ELSE (h % 3 = 0) END AS flag,
    CASE WHEN h % 14 = 0 THEN NULL ELSE DATE '1960-01-01' + ((h >> 4) % 40000)::INT END AS dt,
    CASE WHEN h % 15 = 0 THEN NULL ELSE make_timestamp(((h >> 4) % 4000000000000000)::BIGINT - 2000000000000000) END AS ntz,
    CASE WHEN h % 16 = 0 THEN NULL ELSE make_timestamp(((h >> 6) % 4000000000000000)::BIGINT - 2000000000000000)::TIMESTAMPTZ END AS ts,
    CASE WHEN h % 18 = 0 THEN NULL WHEN h % 4 = 0 THEN '' WHEN h % 4 = 1 THEN 's' || (h % 1000)
         WHEN h % 4 = 2 THEN 'ünïcødé ✓ 𝄞 long value ' || h ELSE repeat('x', (h % 40)::INT) END AS s,
    CASE WHEN h % 19 = 0 THEN NULL ELSE md5(h::VARCHAR) END AS hash,
    CASE WHEN h % 20 = 0 THEN NULL ELSE ('\\x' || lpad(to_hex(h % 65536), 4, '0'))::BLOB || repeat('b', (h % 20)::INT)::BLOB END AS bin
  FROM (SELECT hash(i)::HUGEINT AS h FROM range(5003) r(i))`;

function rowsOf(data: arrow.Data): unknown[] {
  const v = arrow.makeVector(data) as unknown as DecodedVector & { get(i: number): unknown };
  const type = data.type;
  if (arrow.DataType.isDecimal(type)) return decimalsOf(v);
  if (arrow.DataType.isTimestamp(type) || (arrow.DataType.isInt(type) && type.bitWidth === 64)) return int64sOf(v);
  return plain(Array.from({ length: data.length }, (_, i) => v.get(i))) as unknown[];
}

describe('fastColumnData', () => {
  it('equals the generic value path on random rows, whole chunks and odd slices', async () => {
    const q = await query(RANDOM);
    assert.ok(q.slices.length >= 3);
    assert.deepEqual(q.result.columnTypes().map(String), [
      'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT', 'DECIMAL(4,2)', 'DECIMAL(9,3)', 'DECIMAL(18,4)',
      'DECIMAL(38,6)', 'HUGEINT', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'VARCHAR', 'VARCHAR', 'BLOB',
    ]);
    for (const size of [5003, 777, 2049]) {
      for (const batch of reslice(q.slices, size)) {
        q.columns.forEach((c, i) => {
          const at = arrowType(c.type, NATIVE);
          const fast = fastColumnData(c.type, at, duckColumnType(batch, i), batch, i);
          assert.ok(fast, `fast path applies to ${c.name}`);
          const generic = valueColumnData(c.type, at, sliceValues(batch, i));
          assert.equal(fast.length, generic.length);
          assert.equal(fast.nullCount, generic.nullCount, `${c.name} null count`);
          assert.deepEqual(rowsOf(fast), rowsOf(generic), `${c.name} (slices of ${size})`);
        });
      }
    }
  });

  it('formats decimals and timestamps as text from memory exactly like the generic path', async () => {
    const q = await query(RANDOM);
    const text: NativeTypes = { timestamp: false, decimal: false, complex: false, interval: false };
    const textual = ['d4', 'd9', 'd18', 'd38', 'huge', 'ntz', 'ts'];
    for (const batch of reslice(q.slices, 1000)) {
      q.columns.forEach((c, i) => {
        if (!textual.includes(c.name)) return;
        const at = arrowType(c.type, text);
        const fast = fastTextColumnData(c.type, at, duckColumnType(batch, i), batch, i);
        assert.ok(fast, `text fast path applies to ${c.name}`);
        assert.deepEqual(rowsOf(fast), rowsOf(valueColumnData(c.type, at, sliceValues(batch, i))), c.name);
      });
    }
  });

  it('formats timestamps far from the epoch, beyond exact doubles', async () => {
    const q = await query(`SELECT * FROM (VALUES (TIMESTAMP '0001-01-01 00:00:00'), (TIMESTAMP '9999-12-31 23:59:59.999999'),
      (TIMESTAMP '1500-06-15 12:00:00.25'), (NULL), (TIMESTAMP '2255-01-01 00:00:00.000001')) t(ts)`);
    const text: NativeTypes = { timestamp: false, decimal: false, complex: false, interval: false };
    const c = q.columns[0]!;
    const fast = fastTextColumnData(c.type, arrowType(c.type, text), duckColumnType(q.slices, 0), q.slices, 0);
    assert.ok(fast);
    assert.deepEqual(rowsOf(fast), [
      '0001-01-01 00:00:00',
      '9999-12-31 23:59:59.999999',
      '1500-06-15 12:00:00.25',
      null,
      '2255-01-01 00:00:00.000001',
    ]);
  });

  it('declines columns that need conversion, leaving them to the generic path', async () => {
    const q = await query(`SELECT [1]::INT[] AS l, 1::UINTEGER AS u, TIMESTAMP '2020-01-01' AS t, 1.5::DECIMAL(4,2) AS d`);
    const text: NativeTypes = { timestamp: false, decimal: false, complex: true, interval: false };
    const declined = q.columns.map((c, i) => fastColumnData(c.type, arrowType(c.type, text), duckColumnType(q.slices, i), q.slices, i));
    assert.deepEqual(declined, [undefined, undefined, undefined, undefined]);
  });
});
