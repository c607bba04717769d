import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as A from 'apache-arrow';
import { decodeArrowChunk } from '../../../../src/read/arrow/decode-arrow-chunk.js';
import { batchRows, columnText, encodeRecordLines, encodeRows } from '../../../../src/read/arrow/encode-rows.js';
import type { ArrowChunk } from '../../../../src/client/warehouse.js';
import {
  dateDayVector,
  decimalVector,
  inlineChunk,
  int64Vector,
  streamChunk,
  vector,
} from './build-ipc.js';
import type { TestColumn } from './build-ipc.js';

function encodeOne(column: TestColumn): string[] {
  const [batch] = decodeArrowChunk(inlineChunk([column]));
  return encodeRows(batch!, [column.name]).map((row) => row.slice(`{"${column.name}":`.length, -1));
}

describe('encodeRows', () => {
  it('writes TINYINT, SMALLINT and INT as JSON numbers and NULL as null', () => {
    assert.deepEqual(encodeOne({ name: 'a', vector: vector(new A.Int8(), [-128, 127, null, 0]) }), ['-128', '127', 'null', '0']);
    assert.deepEqual(encodeOne({ name: 'a', vector: vector(new A.Int16(), [-32768, 32767]) }), ['-32768', '32767']);
    assert.deepEqual(encodeOne({ name: 'a', vector: vector(new A.Int32(), [-2147483648, 2147483647, null]) }), [
      '-2147483648',
      '2147483647',
      'null',
    ]);
  });

  it('keeps every digit of BIGINT, including its minimum and maximum', () => {
    const values = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 53n, -1n, 0n, null];
    assert.deepEqual(encodeOne({ name: 'b', vector: int64Vector(new A.Int64(), values) }), [
      '-9223372036854775808',
      '9223372036854775807',
      '9007199254740993',
      '-9007199254740993',
      '9007199254740992',
      '-1',
      '0',
      'null',
    ]);
  });

  it('writes DECIMAL exactly with the scale digits Databricks prints', () => {
    const max = 10n ** 38n - 1n;
    assert.deepEqual(encodeOne({ name: 'd', vector: decimalVector(38, 18, [max, -max, 1n, -1n, 0n, null]) }), [
      '99999999999999999999.999999999999999999',
      '-99999999999999999999.999999999999999999',
      '0.000000000000000001',
      '-0.000000000000000001',
      '0.000000000000000000',
      'null',
    ]);
    assert.deepEqual(encodeOne({ name: 'd', vector: decimalVector(10, 2, [150n, -5n, 12345678901n, -(2n ** 53n)]) }), [
      '1.50',
      '-0.05',
      '123456789.01',
      '-90071992547409.92',
    ]);
    assert.deepEqual(encodeOne({ name: 'd', vector: decimalVector(20, 0, [2n ** 64n, -(2n ** 64n)]) }), [
      '18446744073709551616',
      '-18446744073709551616',
    ]);
  });

  it('writes DOUBLE in shortest round-trip form and non-finite values as strings', () => {
    const values = [0.1, 1e21, 5e-324, -0, Number.NaN, Infinity, -Infinity, 1.7976931348623157e308, 123, null];
    const out = encodeOne({ name: 'x', vector: vector(new A.Float64(), values) });
    assert.deepEqual(out, ['0.1', '1e+21', '5e-324', '-0', '"NaN"', '"Infinity"', '"-Infinity"', '1.7976931348623157e+308', '123', 'null']);
    for (let i = 0; i < 4; i++) assert.ok(Object.is(JSON.parse(out[i]!), values[i]));
  });

  it('writes every DOUBLE exactly as JavaScript prints it, on the integer fast path too', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const scale = 10 ** Math.floor(random() * 8);
      const magnitude = 10 ** Math.floor(random() * 20 - 6);
      values.push(Math.round((random() - 0.5) * magnitude * scale) / scale, (random() - 0.5) * magnitude, random() * 2 ** 53);
    }
    values.push(0.1 + 0.2, 4503599627370495.5, 4503599627370497, 2 ** 52 + 0.5, 1e-6, 1.5e-7, 999999.9999995);
    const out = encodeOne({ name: 'x', vector: vector(new A.Float64(), values) });
    assert.deepEqual(out, values.map((v) => (Object.is(v, -0) ? '-0' : String(v))));
  });

  it('writes FLOAT as the shortest decimal that reads back as the same float32', () => {
    const values = [0.1, 1.4142, 3.4028234663852886e38, 1.401298464324817e-45, 16777217, Number.NaN];
    const out = encodeOne({ name: 'f', vector: vector(new A.Float32(), values) });
    assert.deepEqual(out, ['0.1', '1.4142', '3.4028235e+38', '1e-45', '16777216', '"NaN"']);
    for (let i = 0; i < 5; i++) assert.equal(Math.fround(JSON.parse(out[i]!)), Math.fround(values[i]!));
  });

  it('writes BOOLEAN', () => {
    assert.deepEqual(encodeOne({ name: 'b', vector: vector(new A.Bool(), [true, false, null]) }), ['true', 'false', 'null']);
  });

  it('escapes STRING values so JSON.parse returns them unchanged, for all of unicode', () => {
    const values = [
      'plain ascii',
      '',
      'quote " and backslash \\',
      'controls \u0000\u0001\n\t\u001f\u007f',
      'é ü ß ñ 中文 日本語',
      'emoji 😀 👩‍👩‍👧 𝄞',
      '\u2028\u2029',
      null,
    ];
    const out = encodeOne({ name: 's', vector: vector(new A.Utf8(), values) });
    assert.deepEqual(out.map((v) => JSON.parse(v)), values);
    assert.equal(out[0], '"plain ascii"');
  });

  it('takes the fast path for plain ASCII columns and still returns exact text', () => {
    const values = ['a', 'bc', null, 'def', ''];
    assert.deepEqual(encodeOne({ name: 's', vector: vector(new A.Utf8(), values) }), ['"a"', '"bc"', 'null', '"def"', '""']);
  });

  it('writes BINARY as base64', () => {
    const bytes = [Uint8Array.of(0, 255, 16), new Uint8Array(0), null];
    assert.deepEqual(encodeOne({ name: 'b', vector: vector(new A.Binary(), bytes) }), ['"AP8Q"', '""', 'null']);
  });

  it('writes DATE as yyyy-mm-dd before 1970, before year 1000, past 9999 and BC', () => {
    const days = [0, -1, 18_000, -719_162, 2_932_896, -354_286, 2_932_897, -719_163, null];
    assert.deepEqual(encodeOne({ name: 'd', vector: dateDayVector(days) }), [
      '"1970-01-01"',
      '"1969-12-31"',
      '"2019-04-14"',
      '"0001-01-01"',
      '"9999-12-31"',
      '"0999-12-31"',
      '"+10000-01-01"',
      '"0001-12-31 BC"',
      'null',
    ]);
  });

  it('writes TIMESTAMP with microseconds and Z, before 1970 too', () => {
    const values = [0n, -1n, 1_389_917_833_000_000n, 1_389_917_833_123_456n, -62_135_596_800_000_000n, 253_402_300_799_999_999n, -86_400_000_001n, null];
    assert.deepEqual(encodeOne({ name: 't', vector: int64Vector(new A.TimestampMicrosecond('Etc/UTC'), values) }), [
      '"1970-01-01T00:00:00.000000Z"',
      '"1969-12-31T23:59:59.999999Z"',
      '"2014-01-17T00:17:13.000000Z"',
      '"2014-01-17T00:17:13.123456Z"',
      '"0001-01-01T00:00:00.000000Z"',
      '"9999-12-31T23:59:59.999999Z"',
      '"1969-12-30T23:59:59.999999Z"',
      'null',
    ]);
  });

  it('writes TIMESTAMP_NTZ without a zone and other units at their precision', () => {
    assert.deepEqual(encodeOne({ name: 't', vector: int64Vector(new A.TimestampMicrosecond(), [1n]) }), ['"1970-01-01T00:00:00.000001"']);
    assert.deepEqual(encodeOne({ name: 't', vector: int64Vector(new A.TimestampMillisecond('UTC'), [-1n]) }), ['"1969-12-31T23:59:59.999000Z"']);
    assert.deepEqual(encodeOne({ name: 't', vector: int64Vector(new A.TimestampSecond('UTC'), [86_400n]) }), ['"1970-01-02T00:00:00.000000Z"']);
    assert.deepEqual(encodeOne({ name: 't', vector: int64Vector(new A.TimestampNanosecond('UTC'), [1_700_000_000_123_456_789n, -1n]) }), [
      '"2023-11-14T22:13:20.123456789Z"',
      '"1969-12-31T23:59:59.999999999Z"',
    ]);
  });

  it('writes ARRAY, MAP and STRUCT as JSON with NULLs at every level', () => {
    const list = vector(new A.List(new A.Field('element', new A.Int32(), true)), [[1, null, 3], [], null]);
    assert.deepEqual(encodeOne({ name: 'a', vector: list }), ['[1,null,3]', '[]', 'null']);

    const struct = vector(
      new A.Struct([
        new A.Field('s', new A.Utf8(), true),
        new A.Field('n', new A.Int64(), true),
        new A.Field('a', new A.List(new A.Field('element', new A.Utf8(), true)), true),
      ]),
      [{ s: 'x"y', n: 9007199254740993n, a: ['p', null] }, { s: null, n: null, a: null }, null],
    );
    assert.deepEqual(encodeOne({ name: 's', vector: struct }), [
      '{"s":"x\\"y","n":9007199254740993,"a":["p",null]}',
      '{"s":null,"n":null,"a":null}',
      'null',
    ]);

    const map = vector(new A.Map_(new A.Field('entries', new A.Struct([new A.Field('key', new A.Utf8(), false), new A.Field('value', new A.Float64(), true)])) as never), [
      new Map([['e', 2.71], ['pi', null]]),
      new Map(),
      null,
    ]);
    assert.deepEqual(encodeOne({ name: 'm', vector: map }), ['{"e":2.71,"pi":null}', '{}', 'null']);

    const intKeys = vector(new A.Map_(new A.Field('entries', new A.Struct([new A.Field('key', new A.Int32(), false), new A.Field('value', new A.Utf8(), true)])) as never), [
      new Map([[1, 'one'], [-2, 'minus two']]),
    ]);
    assert.deepEqual(encodeOne({ name: 'm', vector: intKeys }), ['{"1":"one","-2":"minus two"}']);

    const deep = vector(
      new A.List(new A.Field('element', new A.List(new A.Field('element', new A.Struct([new A.Field('d', new A.Float64(), true)]), true)), true)),
      [[[{ d: 1.5 }, null, { d: null }], null, []]],
    );
    assert.deepEqual(encodeOne({ name: 'l', vector: deep }), ['[[{"d":1.5},null,{"d":null}],null,[]]']);
  });

  it('writes decimals nested in arrays exactly', () => {
    const decimals = decimalVector(5, 3, [2718n, -3141n, null]).data[0]!;
    const type = new A.List(new A.Field('element', decimals.type, true));
    const list = A.makeVector(
      A.makeData({ type, length: 1, nullCount: 0, valueOffsets: Int32Array.of(0, 3), child: decimals }),
    );
    assert.deepEqual(encodeOne({ name: 'a', vector: list, sqlName: 'ARRAY<DECIMAL(5,3)>' }), ['[2.718,-3.141,null]']);
  });

  it('reads values a warehouse sends as text when native Arrow types are off', () => {
    const [batch] = decodeArrowChunk(
      inlineChunk([
        { name: 'dec', vector: vector(new A.Utf8(), ['3.14', '-0.50', null]), sqlName: 'DECIMAL(3,2)' },
        { name: 'ts', vector: vector(new A.Utf8(), ['2014-01-17 00:17:13', '1969-12-31 23:59:59.5', null]), sqlName: 'TIMESTAMP' },
        { name: 'ntz', vector: vector(new A.Utf8(), ['2014-01-17 00:17:13.123456789', null, null]), sqlName: 'TIMESTAMP_NTZ' },
        { name: 'arr', vector: vector(new A.Utf8(), ['[1.41,2.71,314159265359]', '{"a":{"b":[null]}}', 'not json']), sqlName: 'ARRAY<DECIMAL(4,2)>' },
        { name: 'iv', vector: vector(new A.Utf8(), ['1 00:00:00.000000000', '0-1', null]), sqlName: 'INTERVAL DAY' },
      ]),
    );
    assert.deepEqual(encodeRows(batch!, ['dec', 'ts', 'ntz', 'arr', 'iv']), [
      '{"dec":3.14,"ts":"2014-01-17T00:17:13.000000Z","ntz":"2014-01-17T00:17:13.123456789","arr":[1.41,2.71,314159265359],"iv":"1 00:00:00.000000000"}',
      '{"dec":-0.50,"ts":"1969-12-31T23:59:59.500000Z","ntz":null,"arr":{"a":{"b":[null]}},"iv":"0-1"}',
      '{"dec":null,"ts":null,"ntz":null,"arr":"not json","iv":null}',
    ]);
  });

  it('selects and orders columns by name and escapes column names', () => {
    const [batch] = decodeArrowChunk(
      inlineChunk([
        { name: 'id', vector: vector(new A.Int32(), [1, 2]) },
        { name: 'we"ird', vector: vector(new A.Utf8(), ['x', null]) },
        { name: 'unused', vector: vector(new A.Bool(), [true, false]) },
      ]),
    );
    const rows = encodeRows(batch!, ['we"ird', 'id']);
    assert.deepEqual(rows, ['{"we\\"ird":"x","id":1}', '{"we\\"ird":null,"id":2}']);
    assert.deepEqual(JSON.parse(rows[0]!), { 'we"ird': 'x', id: 1 });
    assert.throws(() => encodeRows(batch!, ['missing']), /no column "missing"/);
  });

  it('writes a NULL-typed column as null', () => {
    const nulls = A.makeVector(A.makeData({ type: new A.Null(), length: 2 }));
    const [batch] = decodeArrowChunk(inlineChunk([{ name: 'n', vector: nulls }, { name: 'i', vector: vector(new A.Int32(), [1, 2]) }]));
    assert.deepEqual(encodeRows(batch!, ['n', 'i']), ['{"n":null,"i":1}', '{"n":null,"i":2}']);
  });
});

describe('encodeRecordLines', () => {
  it('writes one line per row between the given prefix and suffix', () => {
    const [batch] = decodeArrowChunk(
      inlineChunk([
        { name: 'id', vector: int64Vector(new A.Int64(), [1n, 2n ** 60n]) },
        { name: 's', vector: vector(new A.Utf8(), ['é', null]) },
      ]),
    );
    const text = encodeRecordLines(batch!, ['id', 's'], '{"data":', '}\n').toString('utf8');
    assert.equal(text, '{"data":{"id":1,"s":"é"}}\n{"data":{"id":1152921504606846976,"s":null}}\n');
    assert.equal(encodeRecordLines(batch!, [], '<', '>').toString(), '<{}><{}>');
  });

  it('replaces invalid UTF-8 in a STRING column instead of writing broken JSON', () => {
    const data = Uint8Array.of(0x61, 0xff, 0x62);
    const invalid = A.makeVector(A.makeData({ type: new A.Utf8(), length: 1, nullCount: 0, valueOffsets: Int32Array.of(0, 3), data }));
    const [batch] = decodeArrowChunk(inlineChunk([{ name: 's', vector: invalid }]));
    assert.deepEqual(JSON.parse(encodeRows(batch!, ['s'])[0]!), { s: 'a\ufffdb' });
  });
});

describe('decodeArrowChunk', () => {
  it('decodes several inline record batches against one schema', () => {
    const chunk = inlineChunk([{ name: 'i', vector: vector(new A.Int32(), [1, 2]) }], [[vector(new A.Int32(), [3])]]);
    const batches = decodeArrowChunk(chunk);
    assert.deepEqual(batches.map((b) => b.length), [2, 1]);
    assert.deepEqual(batches.flatMap((b) => encodeRows(b, ['i'])), ['{"i":1}', '{"i":2}', '{"i":3}']);
  });

  it('decodes a CloudFetch file: a whole stream with its own schema and end-of-stream marker', () => {
    const chunk = streamChunk([{ name: 's', vector: vector(new A.Utf8(), ['a', 'b']) }]);
    const [batch, ...rest] = decodeArrowChunk(chunk);
    assert.equal(rest.length, 0);
    assert.deepEqual(encodeRows(batch!, ['s']), ['{"s":"a"}', '{"s":"b"}']);
  });

  it('reads buffers that are not 8-byte aligned in memory', () => {
    const chunk = inlineChunk([
      { name: 'b', vector: int64Vector(new A.Int64(), [2n ** 62n, -5n]) },
      { name: 'd', vector: decimalVector(38, 2, [-12345n, 10n ** 37n]) },
      { name: 'x', vector: vector(new A.Float64(), [0.5, 2.25]) },
    ]);
    const misalign = (bytes: Uint8Array): Uint8Array => {
      const copy = new Uint8Array(bytes.length + 3);
      copy.set(bytes, 3);
      return copy.subarray(3);
    };
    const moved: ArrowChunk = { schema: misalign(chunk.schema), batches: chunk.batches.map(misalign), rowCount: 2 };
    const [batch] = decodeArrowChunk(moved);
    assert.deepEqual(encodeRows(batch!, ['b', 'd', 'x']), [
      '{"b":4611686018427387904,"d":-123.45,"x":0.5}',
      '{"b":-5,"d":100000000000000000000000000000000000.00,"x":2.25}',
    ]);
  });

  it('returns no batches for a chunk without record batches', () => {
    const chunk = inlineChunk([{ name: 'i', vector: vector(new A.Int32(), []) }]);
    assert.deepEqual(decodeArrowChunk({ ...chunk, batches: [] }), []);
  });

  it('exposes the Databricks SQL type name of each field', () => {
    const [batch] = decodeArrowChunk(inlineChunk([{ name: 'd', vector: decimalVector(10, 2, [1n]), sqlName: 'DECIMAL(10,2)' }]));
    assert.equal(batch!.schema.fields[0]!.sqlName, 'DECIMAL(10,2)');
    assert.deepEqual(batch!.schema.fields[0]!.type, { kind: 'decimal', precision: 10, scale: 2, bitWidth: 128 });
  });
});

describe('columnText', () => {
  it('gives exact cursor text per type and null for NULL', () => {
    const [batch] = decodeArrowChunk(
      inlineChunk([
        { name: 'ts', vector: int64Vector(new A.TimestampMicrosecond('Etc/UTC'), [-1n, null]) },
        { name: 'big', vector: int64Vector(new A.Int64(), [2n ** 63n - 1n, 1n]) },
        { name: 's', vector: vector(new A.Utf8(), ['a "q"', 'é']) },
        { name: 'dec', vector: decimalVector(10, 2, [-5n, 100n]) },
        { name: 'd', vector: dateDayVector([-1, 0]) },
      ]),
    );
    const read = (name: string) => [0, 1].map(columnText(batch!, name));
    assert.deepEqual(read('ts'), ['1969-12-31T23:59:59.999999Z', null]);
    assert.deepEqual(read('big'), ['9223372036854775807', '1']);
    assert.deepEqual(read('s'), ['a "q"', 'é']);
    assert.deepEqual(read('dec'), ['-0.05', '1.00']);
    assert.deepEqual(read('d'), ['1969-12-31', '1970-01-01']);
  });
});

describe('batchRows', () => {
  it('returns exact JS values: 64-bit integers, decimals and timestamps as strings', () => {
    const [batch] = decodeArrowChunk(
      inlineChunk([
        { name: 'i', vector: vector(new A.Int32(), [7]) },
        { name: 'b', vector: int64Vector(new A.Int64(), [2n ** 63n - 1n]) },
        { name: 'dec', vector: decimalVector(10, 2, [150n]) },
        { name: 'ts', vector: int64Vector(new A.TimestampMicrosecond('Etc/UTC'), [1n]) },
        { name: 'x', vector: vector(new A.Float64(), [Number.NaN]) },
        { name: 'ok', vector: vector(new A.Bool(), [true]) },
        { name: 'a', vector: vector(new A.List(new A.Field('element', new A.Int32(), true)), [[1, null]]) },
        { name: 'n', vector: vector(new A.Utf8(), [null]) },
      ]),
    );
    assert.deepEqual(batchRows(batch!), [
      { i: 7, b: '9223372036854775807', dec: '1.50', ts: '1970-01-01T00:00:00.000001Z', x: 'NaN', ok: true, a: [1, null], n: null },
    ]);
  });
});
