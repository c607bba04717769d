import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBSQLNullType } from '@duckdb/node-api';
import { sparkSqlName } from '../../../../emulator/spark-type.js';
import { sparkTypeFromDuck } from '../../../../emulator/results/duck-to-spark.js';
import { query } from './duck-results.js';

describe('sparkTypeFromDuck', () => {
  const cases: [duckSql: string, spark: string][] = [
    ['true', 'BOOLEAN'],
    ['1::TINYINT', 'TINYINT'],
    ['1::SMALLINT', 'SMALLINT'],
    ['1::INTEGER', 'INT'],
    ['1::BIGINT', 'BIGINT'],
    ['1::UTINYINT', 'SMALLINT'],
    ['1::USMALLINT', 'INT'],
    ['1::UINTEGER', 'BIGINT'],
    ['1::UBIGINT', 'DECIMAL(38,0)'],
    ['1::HUGEINT', 'DECIMAL(38,0)'],
    ['1::UHUGEINT', 'DECIMAL(38,0)'],
    ['1::FLOAT', 'FLOAT'],
    ['1::DOUBLE', 'DOUBLE'],
    ['1::DECIMAL(10,2)', 'DECIMAL(10,2)'],
    ['1::DECIMAL(38,18)', 'DECIMAL(38,18)'],
    ["'x'", 'STRING'],
    ["'x'::BLOB", 'BINARY'],
    ["DATE '2020-01-01'", 'DATE'],
    ["TIMESTAMPTZ '2020-01-01 00:00:00+00'", 'TIMESTAMP'],
    ["TIMESTAMP '2020-01-01'", 'TIMESTAMP_NTZ'],
    ["TIMESTAMP_MS '2020-01-01'", 'TIMESTAMP_NTZ'],
    ['INTERVAL 1 DAY', 'INTERVAL DAY TO SECOND'],
    ['gen_random_uuid()', 'STRING'],
    ["TIME '12:00:00'", 'STRING'],
    ['[1, 2]::INTEGER[]', 'ARRAY<INT>'],
    ['[1, 2]::INTEGER[2]', 'ARRAY<INT>'],
    ["MAP {'a': 1.5::DECIMAL(4,2)}", 'MAP<STRING, DECIMAL(4,2)>'],
    ["{'street': 'x', 'zip': 1::INT, 'tags': ['a']}", 'STRUCT<street: STRING, zip: INT, tags: ARRAY<STRING>>'],
    ["'{}'::JSON", 'STRING'],
  ];
  for (const [sql, spark] of cases) {
    it(`reports ${sql} as ${spark}`, async () => {
      const q = await query(`SELECT ${sql} AS c`);
      assert.equal(sparkSqlName(q.columns[0]!.type), spark);
    });
  }

  // DuckDB's results turn a bare NULL into INTEGER, so the engine declares VOID itself; the
  // mapping still covers the type for results that carry it.
  it('reports the NULL type as VOID', () => {
    assert.deepEqual(sparkTypeFromDuck(DuckDBSQLNullType.instance), { kind: 'VOID' });
  });
});
