import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine, type BoundParameter, type SessionState } from '../../../../emulator/engine/engine.js';
import { SqlError, type EngineResult } from '../../../../emulator/engine/engine-result.js';
import { sparkSqlName } from '../../../../emulator/spark-type.js';

let engine: Engine;

before(async () => {
  engine = await Engine.create({ sampleData: true });
});
after(async () => {
  await engine.close();
});

async function run(sql: string, params: BoundParameter[] = [], session?: SessionState): Promise<EngineResult> {
  return engine.execute(sql, params, session ?? engine.defaultSession()).result;
}
async function rows(sql: string, params: BoundParameter[] = [], session?: SessionState): Promise<Record<string, unknown>[]> {
  const r = await run(sql, params, session);
  return (await r.duck?.getRowObjectsJson()) ?? [];
}
async function failure(sql: string, session?: SessionState): Promise<SqlError> {
  try {
    await run(sql, [], session);
  } catch (e) {
    assert.ok(e instanceof SqlError, `expected SqlError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${sql} to fail`);
}
const names = (r: EngineResult): string[] => r.columns.map((c) => c.name);
const types = (r: EngineResult): string[] => r.columns.map((c) => sparkSqlName(c.type));

describe('sample data', () => {
  it('loads user_events with ties on event_timestamp and NULLs', async () => {
    const [r] = await rows(
      'SELECT count(*) AS n, count(DISTINCT event_timestamp) AS ts, count(user_id) AS users, count(amount) AS amounts FROM hive_metastore.analytics.user_events',
    );
    assert.deepEqual(r, { n: '3000', ts: '1000', users: '2969', amounts: '750' });
  });

  it('keeps every declared type of all_types in result columns', async () => {
    const r = await run('SELECT * FROM main.types.all_types ORDER BY id');
    assert.deepEqual(types(r).slice(1), [
      'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL(38,18)', 'DECIMAL(10,2)', 'STRING', 'CHAR(10)',
      'VARCHAR(20)', 'BINARY', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'TIMESTAMP_NTZ', 'INTERVAL YEAR TO MONTH', 'INTERVAL DAY TO SECOND',
      'ARRAY<INT>', 'MAP<STRING, INT>', 'STRUCT<name: STRING, address: STRUCT<city: STRING, zip: INT>, tags: ARRAY<STRING>>',
    ]);
    const all = (await r.duck!.getRowObjectsJson());
    assert.equal(all.length, 4);
    assert.equal(all[1]!['c_bigint'], '9223372036854775807');
    assert.equal(all[2]!['c_bigint'], '-9223372036854775808');
    assert.equal(all[1]!['c_decimal_38_18'], '99999999999999999999.999999999999999999');
    assert.equal(all[1]!['c_double'], 'NaN');
    assert.equal(all[2]!['c_float'], '-Infinity');
    assert.equal(all[1]!['c_string'], 'héllo wörld 日本語 🎉');
    assert.equal(all[2]!['c_string'], 'line1\nline2\ttab "quoted" \'single\'');
    assert.equal(all[1]!['c_timestamp'], '1969-12-31 23:59:59.999999+00');
    assert.equal(all[3]!['c_int'], null);
  });

  it('has a 200-column wide table', async () => {
    const r = await run('SELECT * FROM main.types.wide LIMIT 1');
    assert.equal(r.columns.length, 201);
  });
});

describe('dialect', () => {
  it('reads backticks with doubled backticks, double-quoted strings and backslash escapes', async () => {
    const r = await run('SELECT `a``b`, "dq" AS s, \'it\\\'s -- not a comment\' AS t FROM (SELECT 1 AS `a``b`)');
    assert.deepEqual(names(r), ['a`b', 's', 't']);
    assert.deepEqual(await r.duck!.getRowObjectsJson(), [{ 'a`b': 1, s: 'dq', t: "it's -- not a comment" }]);
  });

  it('does not treat markers inside strings, comments or backticks as parameters', async () => {
    const [r] = await rows("SELECT ':x ?' AS a /* :y ? */, `?` FROM (SELECT 1 AS `?`) -- ?");
    assert.deepEqual(r, { a: ':x ?', '?': 1 });
  });

  it('binds named and positional parameters with their Spark types', async () => {
    const [named] = await rows('SELECT :n + 1 AS n, :d AS d', [
      { name: 'n', type: 'INTEGER', value: '41' },
      { name: 'd', type: 'DATE', value: '2024-01-02' },
    ]);
    assert.deepEqual(named, { n: 42, d: '2024-01-02' });
    const r = await run('SELECT ? AS ts, ? AS dec, ? AS nothing', [
      { type: 'TIMESTAMP', value: '2024-01-02T03:04:05.000Z' },
      { type: 'DECIMAL', value: '123.45' },
      { value: null },
    ]);
    // DuckDB types an untyped NULL as INTEGER; Databricks would say VOID (see DIALECT.md).
    assert.deepEqual(types(r).slice(0, 2), ['TIMESTAMP', 'DECIMAL(5,2)']);
    assert.deepEqual(await r.duck!.getRowObjectsJson(), [{ ts: '2024-01-02 03:04:05+00', dec: '123.45', nothing: null }]);
  });

  it('reports an unbound named parameter', async () => {
    const e = await failure('SELECT :missing');
    assert.equal(e.errorClass, 'UNBOUND_SQL_PARAMETER');
  });

  it('maps Spark literals, casts and functions', async () => {
    const r = await run(
      "SELECT 1L AS l, -128Y AS y, CAST('1' AS STRING) AS s, TIMESTAMP '2021-01-01 10:00:00' AS ts, TIMESTAMP_NTZ '2021-01-01 10:00:00' AS ntz, nvl(NULL, 2) AS n, X'41' AS b",
    );
    assert.deepEqual(types(r), ['BIGINT', 'TINYINT', 'STRING', 'TIMESTAMP', 'TIMESTAMP_NTZ', 'INT', 'BINARY']);
    const [v] = (await r.duck!.getRowObjectsJson());
    assert.equal(v!['ts'], '2021-01-01 10:00:00+00');
    assert.equal(v!['y'], -128);
  });

  it('names range() output id', async () => {
    const r = await run('SELECT * FROM range(3)');
    assert.deepEqual(names(r), ['id']);
    assert.deepEqual(types(r), ['BIGINT']);
  });

  it('raises DIVIDE_BY_ZERO like ANSI mode', async () => {
    const e = await failure('SELECT 1 / (2 - 2)');
    assert.equal(e.errorClass, 'DIVIDE_BY_ZERO');
    assert.equal(e.sqlState, '22012');
    const [ok] = await rows('SELECT 6 / 3 AS q, 7 % 4 AS m, 7 div 2 AS d');
    assert.deepEqual(ok, { q: 2, m: 3, d: 3 });
  });

  it('prefers column-based results for constant-only queries', async () => {
    assert.equal((await run('SELECT 1')).preferredFormat, 'columns');
    assert.equal((await run('SELECT * FROM main.sales.orders LIMIT 1')).preferredFormat, 'arrow');
  });
});

describe('DDL and DML shapes', () => {
  const session = (): SessionState => ({ catalog: 'main', schema: 'default' });

  it('creates tables from Spark DDL and reports Databricks result shapes', async () => {
    const s = session();
    const ddl = await run(
      `CREATE TABLE IF NOT EXISTS shapes (id BIGINT NOT NULL COMMENT 'key', tags ARRAY<STRING>, props MAP<STRING, INT>,
        addr STRUCT<city: STRING, zip: INT>, amount DECIMAL(10,2), code CHAR(3), ym INTERVAL YEAR TO MONTH,
        CONSTRAINT shapes_pk PRIMARY KEY (id)) USING DELTA COMMENT 'shape test' TBLPROPERTIES ('a' = 'b')`,
      [],
      s,
    );
    assert.equal(ddl.columns.length, 0);
    const ins = await run("INSERT INTO shapes (id, code) VALUES (1, 'abc'), (2, 'def')", [], s);
    assert.deepEqual(names(ins), ['num_affected_rows', 'num_inserted_rows']);
    assert.deepEqual(types(ins), ['BIGINT', 'BIGINT']);
    assert.equal(ins.numModifiedRows, 2n);
    const upd = await run("UPDATE shapes SET code = 'zzz' WHERE id = 2", [], s);
    assert.deepEqual(names(upd), ['num_affected_rows']);
    assert.equal(upd.numModifiedRows, 1n);
    const merge = await run(
      'MERGE INTO shapes t USING (SELECT 2 AS id UNION ALL SELECT 3) s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)',
      [],
      s,
    );
    assert.deepEqual(names(merge), ['num_affected_rows', 'num_updated_rows', 'num_deleted_rows', 'num_inserted_rows']);
    assert.deepEqual(await merge.duck!.getRowObjectsJson(), [{ num_affected_rows: '2', num_updated_rows: '0', num_deleted_rows: '1', num_inserted_rows: '1' }]);
    const del = await run('DELETE FROM shapes WHERE id = 3', [], s);
    assert.equal(del.numModifiedRows, 1n);
    const desc = await rows('DESCRIBE TABLE main.default.shapes', [], s);
    assert.deepEqual(desc.map((r) => r['data_type']), [
      'bigint', 'array<string>', 'map<string,int>', 'struct<city:string,zip:int>', 'decimal(10,2)', 'char(3)', 'interval year to month',
    ]);
    assert.equal(desc[0]!['comment'], 'key');
    assert.equal(desc[1]!['comment'], null);
    const again = await failure('CREATE TABLE shapes (x INT)', s);
    assert.equal(again.errorClass, 'TABLE_OR_VIEW_ALREADY_EXISTS');
  });

  it('alters columns and keeps declared metadata', async () => {
    const s = session();
    await run('CREATE TABLE alter_me (a INT, b STRING)', [], s);
    await run("ALTER TABLE alter_me ADD COLUMNS (c CHAR(4) COMMENT 'added')", [], s);
    await run('ALTER TABLE alter_me RENAME COLUMN b TO bb', [], s);
    await run('ALTER TABLE alter_me DROP COLUMN a', [], s);
    await run("ALTER TABLE alter_me SET TBLPROPERTIES ('k' = 'v')", [], s);
    const desc = await rows('DESCRIBE alter_me', [], s);
    assert.deepEqual(desc.map((r) => [r['col_name'], r['data_type'], r['comment']]), [['bb', 'string', null], ['c', 'char(4)', 'added']]);
    assert.deepEqual(await rows('SHOW TBLPROPERTIES alter_me', [], s), [{ key: 'k', value: 'v' }]);
    await run('DROP TABLE alter_me', [], s);
    assert.equal((await run('DROP TABLE IF EXISTS alter_me', [], s)).columns.length, 0);
  });

  it('supports CTAS, views, INSERT OVERWRITE, schemas and catalogs', async () => {
    await run('CREATE CATALOG IF NOT EXISTS scratch');
    await run("CREATE SCHEMA scratch.s1 COMMENT 'tmp'");
    await run('CREATE OR REPLACE TABLE scratch.s1.ctas AS SELECT id, id * 2 AS twice FROM range(5)');
    await run('CREATE VIEW scratch.s1.v AS SELECT twice FROM scratch.s1.ctas WHERE id > 2');
    assert.deepEqual(await rows('SELECT count(*) AS n FROM scratch.s1.v'), [{ n: '2' }]);
    const ow = await run('INSERT OVERWRITE TABLE scratch.s1.ctas SELECT 9, 18');
    assert.equal(ow.numModifiedRows, 1n);
    assert.deepEqual(await rows('SELECT * FROM scratch.s1.ctas'), [{ id: '9', twice: '18' }]);
    await run('DROP CATALOG scratch CASCADE');
    assert.equal((await failure('USE CATALOG scratch')).errorClass, 'NO_SUCH_CATALOG_EXCEPTION');
  });

  it('USE changes the session namespace', async () => {
    const s = engine.defaultSession();
    await run('USE CATALOG main', [], s);
    await run('USE SCHEMA sales', [], s);
    assert.deepEqual(s, { catalog: 'main', schema: 'sales' });
    assert.deepEqual(await rows('SELECT count(*) AS n FROM orders', [], s), [{ n: '1000' }]);
    await run('USE hive_metastore.analytics', [], s);
    assert.deepEqual(s, { catalog: 'hive_metastore', schema: 'analytics' });
    assert.equal((await failure('USE SCHEMA nope', s)).errorClass, 'SCHEMA_NOT_FOUND');
  });
});

describe('errors', () => {
  const cases: [string, string, string][] = [
    ['SELECT * FROM main.sales.nope', 'TABLE_OR_VIEW_NOT_FOUND', '42P01'],
    ['SELEC 1', 'PARSE_SYNTAX_ERROR', '42601'],
    ["SELECT 'unterminated", 'PARSE_SYNTAX_ERROR', '42601'],
    ['SELECT nope FROM main.sales.orders', 'UNRESOLVED_COLUMN.WITH_SUGGESTION', '42703'],
    ["SELECT CAST('abc' AS INT)", 'CAST_INVALID_INPUT', '22018'],
    ['SELECT * FROM nocat.s.t', 'NO_SUCH_CATALOG_EXCEPTION', '42704'],
    ['CREATE TABLE main.nope.t (a INT)', 'SCHEMA_NOT_FOUND', '42704'],
    ['SELECT * FROM hive_metastore.information_schema.tables', 'TABLE_OR_VIEW_NOT_FOUND', '42P01'],
  ];
  for (const [sql, errorClass, sqlState] of cases) {
    it(`${sql} -> ${errorClass}`, async () => {
      const e = await failure(sql);
      assert.equal(e.errorClass, errorClass);
      assert.equal(e.sqlState, sqlState);
      assert.match(e.message, new RegExp(`^\\[${errorClass.replace('.', '\\.')}\\].*SQLSTATE: ${sqlState}`, 's'));
    });
  }

  it('names the missing table as written, back-quoted per part', async () => {
    const e = await failure('SELECT * FROM `main`.sales.missing_table');
    assert.match(e.message, /The table or view `main`\.`sales`\.`missing_table` cannot be found/);
  });

  it('cancels a running statement', async () => {
    const exec = engine.execute('SELECT count(*) FROM range(100000000) a, range(1000) b', [], engine.defaultSession());
    setTimeout(() => exec.cancel(), 50);
    await assert.rejects(exec.result, (e: unknown) => e instanceof SqlError && e.errorClass === 'OPERATION_CANCELED');
  });
});

describe('catalog metadata', () => {
  it('SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS', async () => {
    assert.deepEqual((await rows('SHOW CATALOGS')).map((r) => r['catalog']), ['hive_metastore', 'main', 'samples']);
    assert.deepEqual((await rows('SHOW SCHEMAS IN main')).map((r) => r['databaseName']).filter((s) => s !== 'default').slice(0, 2), ['sales', 'types']);
    const t = await run('SHOW TABLES IN main.sales');
    assert.deepEqual(names(t), ['database', 'tableName', 'isTemporary']);
    assert.deepEqual((await t.duck!.getRowObjectsJson()).map((r) => r['tableName']), ['customers', 'order_summary', 'orders']);
    assert.deepEqual((await rows('SHOW COLUMNS IN main.sales.customers')).map((r) => r['col_name']), ['customer_id', 'name', 'email', 'country', 'created_at']);
  });

  it('information_schema.columns has declared types and 1-based ordinals', async () => {
    const r = await rows(
      "SELECT column_name, ordinal_position, full_data_type, data_type, is_nullable FROM main.information_schema.columns WHERE table_schema = 'sales' AND table_name = 'orders' ORDER BY ordinal_position",
    );
    assert.deepEqual(r[0], { column_name: 'order_id', ordinal_position: 1, full_data_type: 'bigint', data_type: 'BIGINT', is_nullable: 'NO' });
    assert.deepEqual(r[3], { column_name: 'total', ordinal_position: 4, full_data_type: 'decimal(10,2)', data_type: 'DECIMAL', is_nullable: 'YES' });
  });

  it('information_schema tables, constraints and system scope', async () => {
    const t = await rows("SELECT table_name, table_type, data_source_format FROM main.information_schema.tables WHERE table_schema = 'sales' ORDER BY table_name");
    assert.deepEqual(t, [
      { table_name: 'customers', table_type: 'MANAGED', data_source_format: 'DELTA' },
      { table_name: 'order_summary', table_type: 'VIEW', data_source_format: null },
      { table_name: 'orders', table_type: 'MANAGED', data_source_format: 'DELTA' },
    ]);
    const k = await rows(
      "SELECT tc.constraint_name, k.column_name, k.ordinal_position FROM main.information_schema.table_constraints tc JOIN main.information_schema.key_column_usage k USING (constraint_name) WHERE tc.table_name = 'orders' AND tc.constraint_type = 'PRIMARY KEY'",
    );
    assert.deepEqual(k, [{ constraint_name: 'orders_pk', column_name: 'order_id', ordinal_position: 1 }]);
    const cats = await rows('SELECT DISTINCT table_catalog FROM system.information_schema.tables ORDER BY 1');
    assert.deepEqual(cats.map((c) => c['table_catalog']), ['main', 'samples']);
  });

  it('GetColumns has the 23-column JDBC layout', async () => {
    const r = await engine.getColumns('main', 'types', 'all_types', null);
    assert.equal(r.preferredFormat, 'columns');
    assert.deepEqual(names(r), [
      'TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME', 'DATA_TYPE', 'TYPE_NAME', 'COLUMN_SIZE', 'BUFFER_LENGTH', 'DECIMAL_DIGITS',
      'NUM_PREC_RADIX', 'NULLABLE', 'REMARKS', 'COLUMN_DEF', 'SQL_DATA_TYPE', 'SQL_DATETIME_SUB', 'CHAR_OCTET_LENGTH', 'ORDINAL_POSITION',
      'IS_NULLABLE', 'SCOPE_CATALOG', 'SCOPE_SCHEMA', 'SCOPE_TABLE', 'SOURCE_DATA_TYPE', 'IS_AUTO_INCREMENT',
    ]);
    assert.equal(types(r)[7], 'TINYINT');
    assert.equal(types(r)[21], 'SMALLINT');
    assert.equal(types(r)[4], 'INT');
    const all = await r.duck!.getRowObjectsJson();
    const byName = new Map(all.map((row) => [row['COLUMN_NAME'], row]));
    assert.equal(byName.get('c_decimal_10_2')!['TYPE_NAME'], 'DECIMAL(10,2)');
    assert.equal(byName.get('c_decimal_10_2')!['DATA_TYPE'], 3);
    assert.equal(byName.get('c_map')!['TYPE_NAME'], 'MAP<STRING, INT>');
    assert.equal(byName.get('c_map')!['DATA_TYPE'], 2000);
    assert.equal(byName.get('c_struct')!['DATA_TYPE'], 2002);
    assert.equal(byName.get('c_array')!['DATA_TYPE'], 2003);
    assert.equal(byName.get('id')!['ORDINAL_POSITION'], 0);
  });

  it('GetTables, GetSchemas, GetCatalogs and GetPrimaryKeys', async () => {
    const tables = await engine.getTables('main', 'sal%', null, ['VIEW']);
    assert.equal(tables.columns.length, 10);
    assert.deepEqual((await tables.duck!.getRowObjectsJson()).map((r) => [r['TABLE_NAME'], r['TABLE_TYPE']]), [['order_summary', 'VIEW']]);
    const schemas = await engine.getSchemas('main', 'ty_es');
    assert.deepEqual(names(schemas), ['TABLE_SCHEM', 'TABLE_CATALOG']);
    assert.deepEqual(await schemas.duck!.getRowObjectsJson(), [{ TABLE_SCHEM: 'types', TABLE_CATALOG: 'main' }]);
    const cats = await engine.getCatalogs();
    assert.deepEqual((await cats.duck!.getRowObjectsJson()).map((r) => r['TABLE_CAT']), ['hive_metastore', 'main', 'samples']);
    const pk = await engine.getPrimaryKeys('main', 'sales', 'orders');
    assert.deepEqual(await pk.duck!.getRowObjectsJson(), [
      { TABLE_CAT: 'main', TABLE_SCHEM: 'sales', TABLE_NAME: 'orders', COLUMN_NAME: 'order_id', KEQ_SEQ: 1, PK_NAME: 'orders_pk' },
    ]);
  });

  it('metadata RPCs arriving while a post-DDL catalog refresh is in flight see the DDL', async () => {
    await run('CREATE TABLE main.default.race (id INT, gone INT)');
    const columns = async (): Promise<unknown[]> =>
      ((await (await engine.getColumns('main', 'default', 'race', null)).duck!.getRowObjectsJson())).map((r) => r['COLUMN_NAME']);
    assert.deepEqual(await columns(), ['id', 'gone']);
    await run('ALTER TABLE main.default.race DROP COLUMN gone');
    const [, concurrent] = await Promise.all([engine.getTables('main', 'default', null, null), columns()]);
    assert.deepEqual(concurrent, ['id']);
  });
});
