import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import {
  configureStream,
  configuredCatalog,
  describeRun,
  discoveredStreams,
  emulatorConfig,
  findStream,
  recordData,
  runConnector,
  type ConnectorRun,
} from '../../helpers/connector-cli.js';
import { losslessText } from '../../helpers/lossless-json.js';

/**
 * Every Databricks type read end to end, compared as exact JSON text: numbers digit for digit
 * (BIGINT beyond 2^53, DECIMAL(38,18) extremes), timestamps to the microsecond on both sides of
 * 1970, binary as base64, NaN and infinities as Jackson's strings, nested values recursively.
 */

const SEED = [
  'CREATE SCHEMA main.types',
  `CREATE TABLE main.types.every_type (
     id INT NOT NULL,
     c_tinyint TINYINT, c_smallint SMALLINT, c_int INT, c_bigint BIGINT,
     c_float FLOAT, c_double DOUBLE, c_dec38 DECIMAL(38,18), c_dec10 DECIMAL(10,2),
     c_string STRING, c_char CHAR(5), c_varchar VARCHAR(10), c_binary BINARY, c_boolean BOOLEAN,
     c_date DATE, c_ts TIMESTAMP, c_ntz TIMESTAMP_NTZ,
     c_ym INTERVAL YEAR TO MONTH, c_dt INTERVAL DAY TO SECOND,
     c_array ARRAY<ARRAY<INT>>, c_map MAP<STRING, BIGINT>,
     c_struct STRUCT<name: STRING, at: TIMESTAMP, tags: ARRAY<STRING>, inner: STRUCT<d: DECIMAL(38,18), b: BINARY>>
   )`,
  `INSERT INTO main.types.every_type VALUES
   (1, 1Y, 2S, 3, 9007199254740993L, 1.5F, 0.1D, 12345.678901234567890123BD, 19.99BD,
    'héllo wörld 日本語 🎉', 'abcde', 'varchar', X'DEADBEEF', true,
    DATE '2024-02-29', TIMESTAMP '2024-02-29 12:34:56.123456', TIMESTAMP_NTZ '2024-02-29 12:34:56.123456',
    INTERVAL '1-2' YEAR TO MONTH, INTERVAL '3 04:05:06.789' DAY TO SECOND,
    array(array(1, 2), array(), NULL), map('big', 9223372036854775807L, 'none', NULL),
    named_struct('name', 'Ada', 'at', TIMESTAMP '1969-07-20 20:17:40.000001', 'tags', array('x', NULL),
                 'inner', named_struct('d', -0.000000000000000001BD, 'b', X'00FF'))),
   (2, 127Y, 32767S, 2147483647, 9223372036854775807L, CAST('Infinity' AS FLOAT), CAST('NaN' AS DOUBLE),
    99999999999999999999.999999999999999999BD, 99999999.99BD,
    'line1\\nline2\\t"quoted" \\\\ back', 'üüüüü', '', X'', false,
    DATE '9999-12-31', TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMP_NTZ '1900-01-01 00:00:00.000001',
    INTERVAL '-100-11' YEAR TO MONTH, INTERVAL '-10 10:10:10.5' DAY TO SECOND,
    array(), map(),
    named_struct('name', NULL, 'at', NULL, 'tags', array(), 'inner', NULL)),
   (3, -128Y, -32768S, -2147483648, CAST('-9223372036854775808' AS BIGINT), CAST('-Infinity' AS FLOAT), CAST('-Infinity' AS DOUBLE),
    -99999999999999999999.999999999999999999BD, -0.5BD,
    '', '     ', 'x', X'00', true,
    DATE '1969-12-31', TIMESTAMP '1900-01-01 00:00:00.000001', TIMESTAMP_NTZ '1969-12-31 23:59:59.999999',
    INTERVAL '0-0' YEAR TO MONTH, INTERVAL '0 00:00:00' DAY TO SECOND,
    NULL, NULL, NULL),
   (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
];

const COLUMNS = [
  'id', 'c_tinyint', 'c_smallint', 'c_int', 'c_bigint', 'c_float', 'c_double', 'c_dec38', 'c_dec10',
  'c_string', 'c_char', 'c_varchar', 'c_binary', 'c_boolean', 'c_date', 'c_ts', 'c_ntz', 'c_ym', 'c_dt',
  'c_array', 'c_map', 'c_struct',
];

/** The expected JSON text of each column, per row id. */
const EXPECTED: Record<number, Record<string, string>> = {
  1: {
    id: '1',
    c_tinyint: '1',
    c_smallint: '2',
    c_int: '3',
    c_bigint: '9007199254740993',
    c_float: '1.5',
    c_double: '0.1',
    c_dec38: '12345.678901234567890123',
    c_dec10: '19.99',
    c_string: '"héllo wörld 日本語 🎉"',
    c_char: '"abcde"',
    c_varchar: '"varchar"',
    c_binary: '"3q2+7w=="',
    c_boolean: 'true',
    c_date: '"2024-02-29"',
    c_ts: '"2024-02-29T12:34:56.123456Z"',
    c_ntz: '"2024-02-29T12:34:56.123456"',
    c_ym: '"1-2"',
    c_dt: '"3 04:05:06.789000000"',
    c_array: '[[1,2],[],null]',
    c_map: '{"big":9223372036854775807,"none":null}',
    c_struct: '{"name":"Ada","at":"1969-07-20T20:17:40.000001Z","tags":["x",null],"inner":{"d":-0.000000000000000001,"b":"AP8="}}',
  },
  2: {
    id: '2',
    c_tinyint: '127',
    c_smallint: '32767',
    c_int: '2147483647',
    c_bigint: '9223372036854775807',
    c_float: '"Infinity"',
    c_double: '"NaN"',
    c_dec38: '99999999999999999999.999999999999999999',
    c_dec10: '99999999.99',
    c_string: JSON.stringify('line1\nline2\t"quoted" \\ back'),
    c_char: '"üüüüü"',
    c_varchar: '""',
    c_binary: '""',
    c_boolean: 'false',
    c_date: '"9999-12-31"',
    c_ts: '"1969-12-31T23:59:59.999999Z"',
    c_ntz: '"1900-01-01T00:00:00.000001"',
    c_ym: '"-100-11"',
    c_dt: '"-10 10:10:10.500000000"',
    c_array: '[]',
    c_map: '{}',
    c_struct: '{"name":null,"at":null,"tags":[],"inner":null}',
  },
  3: {
    id: '3',
    c_tinyint: '-128',
    c_smallint: '-32768',
    c_int: '-2147483648',
    c_bigint: '-9223372036854775808',
    c_float: '"-Infinity"',
    c_double: '"-Infinity"',
    c_dec38: '-99999999999999999999.999999999999999999',
    c_dec10: '-0.50',
    c_string: '""',
    c_char: '"     "',
    c_varchar: '"x"',
    c_binary: '"AA=="',
    c_boolean: 'true',
    c_date: '"1969-12-31"',
    c_ts: '"1900-01-01T00:00:00.000001Z"',
    c_ntz: '"1969-12-31T23:59:59.999999"',
    c_ym: '"0-0"',
    c_dt: '"0 00:00:00.000000000"',
    c_array: 'null',
    c_map: 'null',
    c_struct: 'null',
  },
  4: Object.fromEntries(COLUMNS.map((c) => [c, c === 'id' ? '4' : 'null'])),
};

let emulator: RunningEmulator;
let run: ConnectorRun;

describe('connector CLI: every type read exactly', () => {
  before(async () => {
    emulator = await startTestEmulator({ seedSql: SEED });
    const config = emulatorConfig(emulator, { schemas: ['types'] });
    const discover = await runConnector('discover', { config });
    const stream = findStream(discoveredStreams(discover), 'types.every_type');
    run = await runConnector('read', { config, catalog: configuredCatalog(configureStream(stream)) });
  });
  after(async () => {
    await emulator?.stop();
  });

  it('exits 0 with one record per row, every column present in table order', () => {
    assert.equal(run.exitCode, 0, describeRun(run));
    const rows = recordData(run, 'types.every_type');
    assert.equal(rows.length, 4);
    for (const row of rows) assert.deepEqual(Object.keys(row), COLUMNS);
  });

  for (const id of [1, 2, 3, 4]) {
    it(`writes row ${id} with the exact value text of every column`, () => {
      const row = recordData(run, 'types.every_type').find((r) => losslessText(r.id!) === String(id));
      assert.ok(row !== undefined, `row ${id} missing`);
      const actual = Object.fromEntries(COLUMNS.map((c) => [c, losslessText(row[c]!)]));
      assert.deepEqual(actual, EXPECTED[id]);
    });
  }
});
