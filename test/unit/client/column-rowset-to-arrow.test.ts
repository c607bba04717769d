import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { columnRowSetToArrow } from '../../../src/client/column-rowset-to-arrow.js';
import type { ThriftColumnDesc } from '../../../src/client/column-rowset-to-arrow.js';
import { decodeArrowChunk } from '../../../src/read/arrow/decode-arrow-chunk.js';
import { batchRows, encodeRows } from '../../../src/read/arrow/encode-rows.js';

const require = createRequire(import.meta.url);
const Int64 = require('node-int64') as new (value: Buffer | number) => object;

function desc(columnName: string, position: number, type: number, typeQualifiers?: unknown): ThriftColumnDesc {
  return { columnName, position, typeDesc: { types: [{ primitiveEntry: { type, typeQualifiers } }] } };
}

/** Null bitmap of a TColumn: bit i set means row i is NULL. */
function nulls(...rows: number[]): Buffer {
  const bytes = Buffer.alloc(1);
  for (const row of rows) bytes[0]! |= 1 << row;
  return bytes;
}

describe('columnRowSetToArrow', () => {
  it('turns a column-based page into Arrow that decodes to exact values', () => {
    const descs = [
      desc('i', 1, 3),
      desc('big', 2, 4),
      desc('dec', 3, 15, { qualifiers: { precision: { i32Value: 10 }, scale: { i32Value: 2 } } }),
      desc('ts', 4, 8),
      desc('day', 5, 17),
      desc('arr', 6, 10),
      desc('s', 7, 7),
      desc('x', 8, 6),
      desc('ok', 9, 0),
      desc('n', 10, 16),
    ];
    const columns = [
      { i32Val: { values: [1, 0], nulls: nulls(1) } },
      { i64Val: { values: [new Int64(Buffer.from('7fffffffffffffff', 'hex')), new Int64(Buffer.from('8000000000000000', 'hex'))], nulls: nulls() } },
      { stringVal: { values: ['1.50', ''], nulls: nulls(1) } },
      { stringVal: { values: ['2014-01-17 00:17:13', '1969-12-31 23:59:59.999999'], nulls: nulls() } },
      { stringVal: { values: ['2024-02-29', ''], nulls: nulls(1) } },
      { stringVal: { values: ['[1,2,314159265359]', ''], nulls: nulls(1) } },
      { stringVal: { values: ['a "b"', 'é'], nulls: nulls() } },
      { doubleVal: { values: [0.1, Number.NaN], nulls: nulls() } },
      { boolVal: { values: [true, false], nulls: nulls() } },
      { stringVal: { values: ['', ''], nulls: nulls(0, 1) } },
    ];
    const chunk = columnRowSetToArrow(descs, columns);
    assert.equal(chunk.rowCount, 2);
    const [batch] = decodeArrowChunk(chunk);
    assert.deepEqual(encodeRows(batch!, descs.map((d) => d.columnName)), [
      '{"i":1,"big":9223372036854775807,"dec":1.50,"ts":"2014-01-17T00:17:13.000000Z","day":"2024-02-29","arr":[1,2,314159265359],"s":"a \\"b\\"","x":0.1,"ok":true,"n":null}',
      '{"i":null,"big":-9223372036854775808,"dec":null,"ts":"1969-12-31T23:59:59.999999Z","day":null,"arr":null,"s":"é","x":"NaN","ok":false,"n":null}',
    ]);
    assert.equal(batchRows(batch!)[0]!['dec'], '1.50');
  });

  it('orders columns by their 1-based position', () => {
    const chunk = columnRowSetToArrow([desc('b', 2, 3), desc('a', 1, 7)], [{ stringVal: { values: ['x'], nulls: nulls() } }, { i32Val: { values: [5], nulls: nulls() } }]);
    const [batch] = decodeArrowChunk(chunk);
    assert.deepEqual(batch!.schema.fields.map((f) => f.name), ['a', 'b']);
    assert.deepEqual(encodeRows(batch!, ['a', 'b']), ['{"a":"x","b":5}']);
  });
});
