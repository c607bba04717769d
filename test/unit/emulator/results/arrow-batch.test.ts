import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { decompressFrameSync } from 'lz4-napi';
import { arrowSchemaMessage, type NativeTypes } from '../../../../emulator/results/arrow-schema.js';
import { arrowBatchMessage, arrowIpcStream } from '../../../../emulator/results/arrow-batch.js';
import type { ResultColumn } from '../../../../emulator/engine/engine-result.js';
import type { ChunkSlice } from '../../../../emulator/results/chunk-slice.js';
import { decimalsOf, driverArrow, int64sOf, plain, query, reslice, type DecodedVector } from './duck-results.js';

const NATIVE: NativeTypes = { timestamp: true, decimal: true, complex: true, interval: false };
const TEXT: NativeTypes = { timestamp: false, decimal: false, complex: false, interval: false };
const LIBS = [
  ['apache-arrow 21', arrow],
  ['apache-arrow 13 (driver)', driverArrow],
] as const;

type Lib = typeof arrow;

/** What the driver does: schema message + batch messages, read as one stream. */
function decode(lib: Lib, columns: readonly ResultColumn[], batches: readonly ChunkSlice[][], native: NativeTypes) {
  const bodies = batches.map((b) => arrowBatchMessage(columns, b, native).body);
  return lib.tableFromIPC(Buffer.concat([arrowSchemaMessage(columns, native), ...bodies]));
}

function column(table: arrow.Table, name: string): DecodedVector & { get(i: number): unknown; toArray(): unknown } {
  const v = table.getChild(name);
  assert.ok(v, `column ${name}`);
  return v as unknown as DecodedVector & { get(i: number): unknown; toArray(): unknown };
}

function values(table: arrow.Table, name: string): unknown[] {
  const v = column(table, name);
  return Array.from({ length: table.numRows }, (_, i) => v.get(i));
}

// Literals are unioned untyped, then cast once, so DuckDB cannot widen a column to fit a literal.
const SCALARS = `
  SELECT id, big::BIGINT AS big, i32::INT AS i32, i16::SMALLINT AS i16, i8::TINYINT AS i8, f32::FLOAT AS f32,
    f64::DOUBLE AS f64, d38::DECIMAL(38,18) AS d38, d4::DECIMAL(4,2) AS d4, d9::DECIMAL(9,3) AS d9, d18::DECIMAL(18,4) AS d18,
    ts::TIMESTAMPTZ AS ts, ntz::TIMESTAMP AS ntz, dt::DATE AS dt, s::VARCHAR AS s, s2::VARCHAR AS s2, bin::BLOB AS bin,
    flag::BOOLEAN AS flag
  FROM (
    SELECT 1 AS id, '9223372036854775807' AS big, '2147483647' AS i32, '32767' AS i16, '127' AS i8, '1.5' AS f32, 'NaN' AS f64,
      '99999999999999999999.999999999999999999' AS d38, '12.34' AS d4, '999999.999' AS d9, '99999999999999.9999' AS d18,
      '1969-12-31 23:59:59.999999+00' AS ts, '2024-02-29 12:34:56.000001' AS ntz, '1900-01-01' AS dt,
      'héllo wörld ✓ 𝄞, a string longer than twelve bytes' AS s, 'short' AS s2, '\\xAA\\x00\\xFF' AS bin, 'true' AS flag
    UNION ALL SELECT 2, '-9223372036854775808', '-2147483648', '-32768', '-128', '-3.25', 'Infinity',
      '-99999999999999999999.999999999999999999', '-99.99', '-123456.789', '-99999999999999.9999',
      '1900-01-01 00:00:00+00', '1969-07-20 20:17:40', '1969-12-31', '', '', '', 'false'
    UNION ALL SELECT 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 4, '0', '0', '0', '0', '0', '-Infinity', '0.000000000000000001', '0.01', '-0.001', '0.0001',
      '2021-01-01 10:00:00+00', '1970-01-01 00:00:00', '1970-01-01', 'ü', 'x', 'abc', NULL
  )
  ORDER BY id`;

describe('arrowBatchMessage: scalar values decode exactly', () => {
  for (const [label, lib] of LIBS) {
    it(`with native types, read by ${label}`, async () => {
      const q = await query(SCALARS);
      assert.deepEqual(
        q.result.columnTypes().map(String),
        ['INTEGER', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'FLOAT', 'DOUBLE', 'DECIMAL(38,18)', 'DECIMAL(4,2)',
          'DECIMAL(9,3)', 'DECIMAL(18,4)', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP', 'DATE', 'VARCHAR', 'VARCHAR', 'BLOB', 'BOOLEAN'],
      );
      const t = decode(lib, q.columns, [q.slices], NATIVE);
      assert.equal(t.numRows, 4);
      assert.deepEqual(int64sOf(column(t, 'big')), [9223372036854775807n, -9223372036854775808n, null, 0n]);
      assert.deepEqual(values(t, 'i32'), [2147483647, -2147483648, null, 0]);
      assert.deepEqual(values(t, 'i16'), [32767, -32768, null, 0]);
      assert.deepEqual(values(t, 'i8'), [127, -128, null, 0]);
      assert.deepEqual(values(t, 'f32'), [1.5, -3.25, null, 0]);
      assert.deepEqual(values(t, 'f64'), [NaN, Infinity, null, -Infinity]);
      assert.deepEqual(decimalsOf(column(t, 'd38')), [10n ** 38n - 1n, -(10n ** 38n - 1n), null, 1n]);
      assert.deepEqual(decimalsOf(column(t, 'd4')), [1234n, -9999n, null, 1n]);
      assert.deepEqual(decimalsOf(column(t, 'd9')), [999999999n, -123456789n, null, -1n]);
      assert.deepEqual(decimalsOf(column(t, 'd18')), [999999999999999999n, -999999999999999999n, null, 1n]);
      assert.deepEqual(int64sOf(column(t, 'ts')), [-1n, -2208988800000000n, null, 1609495200000000n]);
      assert.deepEqual(int64sOf(column(t, 'ntz')), [1709210096000001n, -14182940000000n, null, 0n]);
      assert.deepEqual(values(t, 'dt').map((v) => (v === null ? null : Number(v))), [-25567 * 86400000, -86400000, null, 0]);
      assert.deepEqual(values(t, 's'), ['héllo wörld ✓ 𝄞, a string longer than twelve bytes', '', null, 'ü']);
      assert.deepEqual(values(t, 's2'), ['short', '', null, 'x']);
      assert.deepEqual(plain(values(t, 'bin')), [[0xaa, 0, 0xff], [], null, [97, 98, 99]]);
      assert.deepEqual(values(t, 'flag'), [true, false, null, null]);
    });
  }

  it('renders timestamps, decimals and dates as Spark text without native types', async () => {
    const q = await query(SCALARS);
    const t = decode(driverArrow, q.columns, [q.slices], TEXT);
    assert.deepEqual(values(t, 'd38'), [
      '99999999999999999999.999999999999999999',
      '-99999999999999999999.999999999999999999',
      null,
      '0.000000000000000001',
    ]);
    assert.deepEqual(values(t, 'd4'), ['12.34', '-99.99', null, '0.01']);
    assert.deepEqual(values(t, 'd9'), ['999999.999', '-123456.789', null, '-0.001']);
    assert.deepEqual(values(t, 'ts'), ['1969-12-31 23:59:59.999999', '1900-01-01 00:00:00', null, '2021-01-01 10:00:00']);
    assert.deepEqual(values(t, 'ntz'), ['2024-02-29 12:34:56.000001', '1969-07-20 20:17:40', null, '1970-01-01 00:00:00']);
    // DATE stays Date32 without native types (real non-native fixture).
    assert.equal(String(t.schema.fields.find((f) => f.name === 'dt')?.type), 'Date32<DAY>');
    assert.deepEqual(int64sOf(column(t, 'big')), [9223372036854775807n, -9223372036854775808n, null, 0n]);
  });
});

const NESTED = `
  SELECT 1 AS id, [1, NULL, 3]::INTEGER[] AS arr, MAP {'a': 1, 'b': NULL}::MAP(VARCHAR, INTEGER) AS m,
    {'x': 1, 'y': 'p', 'z': ['q', NULL]}::STRUCT(x INTEGER, y VARCHAR, z VARCHAR[]) AS s,
    [[1, NULL], NULL, []]::INTEGER[][] AS ll,
    [{'k': 'long string value over twelve', 'd': 1.25}]::STRUCT(k VARCHAR, d DECIMAL(5,2))[] AS ls,
    MAP {'e': [2.5, NULL]}::MAP(VARCHAR, DECIMAL(20,3)[]) AS md
  UNION ALL SELECT 2, [], MAP {}, {'x': NULL, 'y': NULL, 'z': NULL}, [], [NULL], MAP {'n': NULL}
  UNION ALL SELECT 3, NULL, NULL, NULL, NULL, NULL, NULL
  UNION ALL SELECT 4, [NULL], MAP {'c': 3}, {'x': 4, 'y': '', 'z': []}, [NULL], [{'k': NULL, 'd': NULL}], MAP {}
  ORDER BY id`;

describe('arrowBatchMessage: nested values with NULLs at every level', () => {
  for (const [label, lib] of LIBS) {
    it(`native complex types, read by ${label}`, async () => {
      const q = await query(NESTED);
      const t = decode(lib, q.columns, [q.slices], NATIVE);
      const json = (name: string) => plain(values(t, name).map((v) => (v === null ? null : (v as { toJSON(): unknown }).toJSON())));
      assert.deepEqual(json('arr'), [[1, null, 3], [], null, [null]]);
      assert.deepEqual(json('m'), [{ a: 1, b: null }, {}, null, { c: 3 }]);
      assert.deepEqual(plain(values(t, 's').map((v) => (v === null ? null : plain(v)))), [
        { x: 1, y: 'p', z: ['q', null] },
        { x: null, y: null, z: null },
        null,
        { x: 4, y: '', z: [] },
      ]);
      assert.deepEqual(plain(values(t, 'll').map((v) => (v === null ? null : plain(v)))), [[[1, null], null, []], [], null, [null]]);
      const ls = column(t, 'ls');
      const first = ls.get(0) as arrow.Vector;
      const structs = first.get(0) as { k: string; d: unknown };
      assert.equal(structs.k, 'long string value over twelve');
      const decimals = (ls.data[0] as arrow.Data).children[0]!.children[1]!;
      assert.deepEqual(decimalsOf(new lib.Vector([decimals as never]) as unknown as DecodedVector), [125n, null, null]);
    });
  }

  it('sends complex values as JSON text without native complex types', async () => {
    const q = await query(NESTED);
    const t = decode(driverArrow, q.columns, [q.slices], TEXT);
    assert.deepEqual(values(t, 'arr'), ['[1,null,3]', '[]', null, '[null]']);
    assert.deepEqual(values(t, 'm'), ['{"a":1,"b":null}', '{}', null, '{"c":3}']);
    assert.deepEqual(values(t, 's'), [
      '{"x":1,"y":"p","z":["q",null]}',
      '{"x":null,"y":null,"z":null}',
      null,
      '{"x":4,"y":"","z":[]}',
    ]);
    assert.deepEqual(values(t, 'll'), ['[[1,null],null,[]]', '[]', null, '[null]']);
    assert.deepEqual(values(t, 'ls'), ['[{"k":"long string value over twelve","d":1.25}]', '[null]', null, '[{"k":null,"d":null}]']);
    assert.deepEqual(values(t, 'md'), ['{"e":[2.500,null]}', '{"n":null}', null, '{}']);
  });
});

describe('arrowBatchMessage: declared types and special columns', () => {
  it('encodes VOID as an Arrow Null column and intervals as Spark text', async () => {
    const q = await query(`SELECT NULL AS v, INTERVAL 1 DAY AS dt, INTERVAL 1 MONTH AS ym, 'abc' AS c
      UNION ALL SELECT NULL, INTERVAL '-1 day -2 hours -3.5 seconds', INTERVAL 14 MONTH, NULL`, {
      v: { kind: 'VOID' },
      ym: { kind: 'INTERVAL_YEAR_MONTH' },
      c: { kind: 'CHAR', length: 5 },
    });
    for (const [, lib] of LIBS) {
      const t = decode(lib, q.columns, [q.slices], NATIVE);
      assert.equal(String(t.schema.fields[0]!.type), 'Null');
      assert.deepEqual(values(t, 'v'), [null, null]);
      assert.deepEqual(values(t, 'dt'), ['1 00:00:00.000000000', '-1 02:00:03.500000000']);
      assert.deepEqual(values(t, 'ym'), ['0-1', '1-2']);
      assert.deepEqual(values(t, 'c'), ['abc', null]);
    }
  });

  it('widens unsigned and 128-bit integers to the declared Spark types', async () => {
    const q = await query(`SELECT 4294967295::UINTEGER AS u32, 18446744073709551615::UBIGINT AS u64,
      -170141183460469231731687303715884105727::HUGEINT AS h, 255::UTINYINT AS u8`);
    const t = decode(driverArrow, q.columns, [q.slices], NATIVE);
    assert.deepEqual(int64sOf(column(t, 'u32')), [4294967295n]);
    assert.deepEqual(decimalsOf(column(t, 'u64')), [18446744073709551615n]);
    assert.deepEqual(decimalsOf(column(t, 'h')), [-170141183460469231731687303715884105727n]);
    assert.deepEqual(values(t, 'u8'), [255]);
  });

  it('reports the row count and encodes zero rows', async () => {
    const q = await query(`SELECT 1::INT AS a, 'x' AS b WHERE false`);
    const { body, rowCount } = arrowBatchMessage(q.columns, q.slices, NATIVE);
    assert.equal(rowCount, 0);
    const t = driverArrow.tableFromIPC(Buffer.concat([arrowSchemaMessage(q.columns, NATIVE), body]));
    assert.equal(t.numRows, 0);
  });
});

describe('arrowBatchMessage: slicing and compression', () => {
  it('keeps every row when slices start and end mid-chunk', async () => {
    const q = await query(`SELECT i::BIGINT AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE 'value number ' || i END AS s,
      CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END AS b, CASE WHEN i % 3 = 0 THEN NULL ELSE (i / 8)::DECIMAL(10,2) END AS d
      FROM range(5000) r(i) ORDER BY i`);
    const batches = reslice(q.slices, 777);
    const t = decode(driverArrow, q.columns, batches, NATIVE);
    assert.equal(t.numRows, 5000);
    const ids = int64sOf(column(t, 'id') as DecodedVector);
    assert.deepEqual(ids.slice(0, 3), [0n, 1n, 2n]);
    const all = driverArrow.tableFromIPC(Buffer.concat([
      arrowSchemaMessage(q.columns, NATIVE),
      ...batches.map((b) => arrowBatchMessage(q.columns, b, NATIVE).body),
    ]));
    for (let i = 0; i < 5000; i += 1) {
      const row = all.get(i)!;
      assert.equal(row.s, i % 7 === 0 ? null : `value number ${i}`);
      assert.equal(row.b, i % 5 === 0 ? null : i % 2 === 0);
    }
  });

  it('wraps the batch in an LZ4 frame the driver can decode', async () => {
    const q = await query(SCALARS);
    const plainBody = arrowBatchMessage(q.columns, q.slices, NATIVE).body;
    const framed = arrowBatchMessage(q.columns, q.slices, NATIVE, { lz4: true });
    assert.equal(framed.body.readUInt32LE(0), 0x184d2204);
    assert.deepEqual(decompressFrameSync(framed.body), plainBody);
    assert.equal(framed.rowCount, 4);
  });

  it('builds a complete IPC stream for CloudFetch files', async () => {
    const q = await query(SCALARS);
    const stream = arrowIpcStream(q.columns, q.slices, NATIVE);
    assert.deepEqual(stream.subarray(stream.length - 8), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const t = driverArrow.tableFromIPC(stream);
    assert.equal(t.numRows, 4);
    assert.deepEqual(values(t, 'i32'), [2147483647, -2147483648, null, 0]);
    const compressed = arrowIpcStream(q.columns, q.slices, NATIVE, { lz4: true });
    assert.deepEqual(decompressFrameSync(compressed), stream);
  });
});
