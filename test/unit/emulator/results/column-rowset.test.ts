import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import ttypes from '@databricks/sql/thrift/TCLIService_types.js';
import type { TRowSet } from '@databricks/sql/thrift/TCLIService_types.js';
import { columnRowSet } from '../../../../emulator/results/column-rowset.js';
import { thriftTableSchema } from '../../../../emulator/results/thrift-schema.js';
import type { ResultColumn } from '../../../../emulator/engine/engine-result.js';
import { query, reslice } from './duck-results.js';

const driverRequire = createRequire(createRequire(import.meta.url).resolve('@databricks/sql/package.json'));
const thrift = driverRequire('thrift') as {
  TBufferedTransport: (new (buffer: undefined, onFlush: (b: Buffer) => void) => { flush(): void }) & {
    receiver(cb: (transport: unknown) => void): (data: Buffer) => void;
  };
  TBinaryProtocol: new (transport: unknown) => unknown;
};
const JsonResultHandler = (driverRequire('./dist/result/JsonResultHandler.js') as { default: new (...a: unknown[]) => JsonHandler })
  .default;

interface JsonHandler {
  fetchNext(options: { limit: number }): Promise<Record<string, unknown>[]>;
}

/** What the generated struct classes have at run time but their declarations leave out. */
interface ThriftStruct {
  write(protocol: unknown): void;
  read(protocol: unknown): void;
}

/** Serializes with Thrift's binary protocol and reads it back, as the wire does. */
function overTheWire(rowSet: TRowSet): TRowSet {
  let bytes: Buffer | undefined;
  const out = new thrift.TBufferedTransport(undefined, (b) => (bytes = b));
  (new ttypes.TRowSet(rowSet) as unknown as ThriftStruct).write(new thrift.TBinaryProtocol(out));
  out.flush();
  let read: TRowSet | undefined;
  thrift.TBufferedTransport.receiver((transport) => {
    read = new ttypes.TRowSet();
    (read as unknown as ThriftStruct).read(new thrift.TBinaryProtocol(transport));
  })(bytes!);
  return read!;
}

/** The row objects the Node driver builds from a column-based result. */
async function driverRows(columns: readonly ResultColumn[], rowSet: TRowSet): Promise<Record<string, unknown>[]> {
  const source = { fetchNext: async () => rowSet, hasMore: async () => false };
  const handler = new JsonResultHandler({}, source, { schema: new ttypes.TTableSchema(thriftTableSchema(columns)) });
  return handler.fetchNext({ limit: 1000 });
}

const SQL = `
  SELECT id, flag::BOOLEAN AS flag, i8::TINYINT AS i8, i16::SMALLINT AS i16, i32::INT AS i32, big::BIGINT AS big,
    f64::DOUBLE AS f64, dec::DECIMAL(38,18) AS dec, ts::TIMESTAMPTZ AS ts, dt::DATE AS dt, s::VARCHAR AS s, bin::BLOB AS bin,
    arr::INTEGER[] AS arr, st::STRUCT(a INT, b VARCHAR) AS st, iv::INTERVAL AS iv
  FROM (
    SELECT 1 AS id, 'true' AS flag, '-128' AS i8, '32767' AS i16, '-2147483648' AS i32, '9223372036854775807' AS big,
      '2.5' AS f64, '-12345678901234567890.123456789012345678' AS dec, '1969-12-31 23:59:59.5+00' AS ts, '1900-01-01' AS dt,
      'ünïcødé' AS s, 'abc' AS bin, [1, NULL] AS arr, {'a': 1, 'b': NULL} AS st, INTERVAL 1 DAY AS iv
    UNION ALL SELECT 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 3, 'false', '0', '0', '0', '-9223372036854775808', 'NaN', '0.5', '2014-01-17 00:17:13+00', '2014-01-17',
      '', '', [], {'a': NULL, 'b': 'x'}, INTERVAL 90 MINUTE
  ) ORDER BY id`;

describe('columnRowSet', () => {
  it('uses the Thrift column type of each Spark type and marks NULLs with set bits', async () => {
    const q = await query(SQL);
    const rs = columnRowSet(q.columns, q.slices, 0);
    const kinds = rs.columns!.map((c) => Object.entries(c).find(([, v]) => v != null)![0]);
    assert.deepEqual(kinds, [
      'i32Val', 'boolVal', 'byteVal', 'i16Val', 'i32Val', 'i64Val', 'doubleVal', 'stringVal', 'stringVal', 'stringVal',
      'stringVal', 'binaryVal', 'stringVal', 'stringVal', 'stringVal',
    ]);
    assert.deepEqual(rs.columns![0]!.i32Val!.nulls, Buffer.alloc(0));
    assert.deepEqual(rs.columns![1]!.boolVal!.nulls, Buffer.from([0b010]));
  });

  it('survives Thrift serialization and reads back exactly through the driver', async () => {
    const q = await query(SQL);
    const rows = await driverRows(q.columns, overTheWire(columnRowSet(q.columns, q.slices, 0)));
    assert.deepEqual(rows[0], {
      id: 1,
      flag: true,
      i8: -128,
      i16: 32767,
      i32: -2147483648,
      big: Infinity, // node-int64 toNumber() of a value past 2^53: the driver's own loss, the wire is exact
      f64: 2.5,
      dec: -12345678901234567890.123456789012345678,
      ts: '1969-12-31 23:59:59.5',
      dt: '1900-01-01',
      s: 'ünïcødé',
      bin: Buffer.from('abc'),
      arr: [1, null],
      st: { a: 1, b: null },
      iv: '1 00:00:00.000000000',
    });
    assert.deepEqual(Object.values(rows[1]!).slice(1), new Array(14).fill(null));
    assert.deepEqual(rows[2], {
      id: 3,
      flag: false,
      i8: 0,
      i16: 0,
      i32: 0,
      big: -Infinity,
      f64: NaN,
      dec: 0.5,
      ts: '2014-01-17 00:17:13',
      dt: '2014-01-17',
      s: '',
      bin: Buffer.alloc(0),
      arr: [],
      st: { a: null, b: 'x' },
      iv: '0 01:30:00.000000000',
    });
  });

  it('carries 64-bit integers exactly on the wire', async () => {
    const q = await query(SQL);
    const rs = overTheWire(columnRowSet(q.columns, q.slices, 12345678901234n));
    const big = rs.columns![5]!.i64Val!.values.map((v: { buffer: Buffer }) => v.buffer.readBigInt64BE(0));
    assert.deepEqual(big, [9223372036854775807n, 0n, -9223372036854775808n]);
    assert.equal((rs.startRowOffset as { buffer: Buffer }).buffer.readBigInt64BE(0), 12345678901234n);
    assert.deepEqual(rs.columns![7]!.stringVal!.values, ['-12345678901234567890.123456789012345678', '', '0.500000000000000000']);
  });

  it('covers only the rows of the slices it is given', async () => {
    const q = await query(`SELECT i AS n FROM range(5000) r(i)`);
    const parts = reslice(q.slices, 1999).map((s) => columnRowSet(q.columns, s, 0).columns![0]!.i64Val!.values.length);
    assert.deepEqual(parts, [1999, 1999, 1002]);
  });
});
