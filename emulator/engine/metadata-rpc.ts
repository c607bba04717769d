import type { DuckDBConnection } from '@duckdb/node-api';
import type { EngineResult } from './engine-result.js';
import { META_DB } from './catalog-names.js';
import { duckString } from './duck-literal.js';
import { quoteDuckIdent } from './spark-type-syntax.js';
import { resultColumns, valuesResult } from './statement-context.js';

// Metadata RPC result sets in their JDBC DatabaseMetaData layouts (databricks-behaviour.md §1).
// Databricks returns them column-based.

const M = `${quoteDuckIdent(META_DB)}.main`;

/** A JDBC search pattern (% and _ wildcards, \ escape); null matches everything. */
function like(column: string, pattern: string | null): string {
  if (pattern === null || pattern === '' || pattern === '%' || pattern === '*') return 'true';
  return `${column} ILIKE ${duckString(pattern)} ESCAPE '\\'`;
}

async function run(conn: DuckDBConnection, sql: string): Promise<EngineResult> {
  const duck = await conn.run(sql);
  return { columns: resultColumns(duck), duck, preferredFormat: 'columns' };
}

export function getCatalogs(conn: DuckDBConnection): Promise<EngineResult> {
  return run(conn, `SELECT catalog_name AS "TABLE_CAT" FROM ${M}.catalogs ORDER BY 1`);
}

export function getSchemas(conn: DuckDBConnection, catalog: string | null, pattern: string | null): Promise<EngineResult> {
  return run(
    conn,
    `SELECT schema_name AS "TABLE_SCHEM", catalog_name AS "TABLE_CATALOG" FROM ${M}.schemata
     WHERE ${like('catalog_name', catalog)} AND ${like('schema_name', pattern)} ORDER BY 2, 1`,
  );
}

export function getTables(
  conn: DuckDBConnection,
  catalog: string | null,
  schemaPattern: string | null,
  tablePattern: string | null,
  types: readonly string[] | null,
): Promise<EngineResult> {
  // Managed and external tables are TABLE over Thrift (SPARK-TTM).
  const typeExpr = `CASE table_type WHEN 'VIEW' THEN 'VIEW' ELSE 'TABLE' END`;
  const typeFilter = types && types.length > 0 ? `${typeExpr} IN (${types.map((t) => duckString(t.toUpperCase())).join(', ')})` : 'true';
  return run(
    conn,
    `SELECT table_catalog AS "TABLE_CAT", table_schema AS "TABLE_SCHEM", table_name AS "TABLE_NAME", ${typeExpr} AS "TABLE_TYPE",
       coalesce(comment, '') AS "REMARKS", CAST(NULL AS VARCHAR) AS "TYPE_CAT", CAST(NULL AS VARCHAR) AS "TYPE_SCHEM",
       CAST(NULL AS VARCHAR) AS "TYPE_NAME", CAST(NULL AS VARCHAR) AS "SELF_REFERENCING_COL_NAME", CAST(NULL AS VARCHAR) AS "REF_GENERATION"
     FROM ${M}.tables
     WHERE ${like('table_catalog', catalog)} AND ${like('table_schema', schemaPattern)} AND ${like('table_name', tablePattern)} AND ${typeFilter}
     ORDER BY 4, 1, 2, 3`,
  );
}

/**
 * ORDINAL_POSITION is 0-based on the Thrift wire (databricks-behaviour.md §1: OSS Spark uses
 * zipWithIndex and the Databricks JDBC driver adds 1).
 */
export const GET_COLUMNS_ORDINAL_BASE = 0;

export function getColumns(
  conn: DuckDBConnection,
  catalog: string | null,
  schemaPattern: string | null,
  tablePattern: string | null,
  columnPattern: string | null,
): Promise<EngineResult> {
  return run(
    conn,
    `SELECT table_catalog AS "TABLE_CAT", table_schema AS "TABLE_SCHEM", table_name AS "TABLE_NAME", column_name AS "COLUMN_NAME",
       x_jdbc_type AS "DATA_TYPE", x_type_name AS "TYPE_NAME", x_column_size AS "COLUMN_SIZE", CAST(NULL AS TINYINT) AS "BUFFER_LENGTH",
       x_decimal_digits AS "DECIMAL_DIGITS", x_num_prec_radix AS "NUM_PREC_RADIX", x_nullable AS "NULLABLE", x_remarks AS "REMARKS",
       CAST(NULL AS VARCHAR) AS "COLUMN_DEF", CAST(NULL AS INTEGER) AS "SQL_DATA_TYPE", CAST(NULL AS INTEGER) AS "SQL_DATETIME_SUB",
       CAST(NULL AS INTEGER) AS "CHAR_OCTET_LENGTH", CAST(ordinal_position - 1 + ${GET_COLUMNS_ORDINAL_BASE} AS INTEGER) AS "ORDINAL_POSITION",
       'YES' AS "IS_NULLABLE", CAST(NULL AS VARCHAR) AS "SCOPE_CATALOG", CAST(NULL AS VARCHAR) AS "SCOPE_SCHEMA",
       CAST(NULL AS VARCHAR) AS "SCOPE_TABLE", CAST(NULL AS SMALLINT) AS "SOURCE_DATA_TYPE", 'NO' AS "IS_AUTO_INCREMENT"
     FROM ${M}.columns
     WHERE ${like('table_catalog', catalog)} AND ${like('table_schema', schemaPattern)} AND ${like('table_name', tablePattern)} AND ${like('column_name', columnPattern)}
     ORDER BY 1, 2, 3, ordinal_position`,
  );
}

/** Six columns as OSS Hive's GetPrimaryKeysOperation, including its `KEQ_SEQ` spelling (SPARK-PK). */
export function getPrimaryKeys(conn: DuckDBConnection, catalog: string | null, schema: string, table: string): Promise<EngineResult> {
  return run(
    conn,
    `SELECT table_catalog AS "TABLE_CAT", table_schema AS "TABLE_SCHEM", table_name AS "TABLE_NAME", column_name AS "COLUMN_NAME",
       ordinal_position AS "KEQ_SEQ", constraint_name AS "PK_NAME"
     FROM ${M}.key_column_usage
     WHERE ${catalog === null ? 'true' : `table_catalog = ${duckString(catalog.toLowerCase())}`}
       AND table_schema = ${duckString(schema.toLowerCase())} AND table_name = ${duckString(table.toLowerCase())}
     ORDER BY ordinal_position`,
  );
}

export function getTableTypes(conn: DuckDBConnection): Promise<EngineResult> {
  return valuesResult(conn, [{ name: 'TABLE_TYPE', duck: 'VARCHAR' }], [['TABLE'], ['VIEW']], 'columns');
}

const TYPE_INFO: readonly [string, number, number | null][] = [
  ['VOID', 0, null], ['BOOLEAN', 16, null], ['TINYINT', -6, 3], ['SMALLINT', 5, 5], ['INT', 4, 10], ['BIGINT', -5, 19],
  ['FLOAT', 6, 7], ['DOUBLE', 8, 15], ['STRING', 12, null], ['CHAR', 1, null], ['VARCHAR', 12, null], ['BINARY', -2, null],
  ['DATE', 91, null], ['TIMESTAMP', 93, null], ['TIMESTAMP_NTZ', 93, null], ['DECIMAL', 3, 38], ['ARRAY', 2003, null],
  ['MAP', 2000, null], ['STRUCT', 2002, null], ['INTERVAL', 1111, null],
];

/** JDBC getTypeInfo layout, as Hive's GetTypeInfoOperation. */
export function getTypeInfo(conn: DuckDBConnection): Promise<EngineResult> {
  const numeric = (code: number): boolean => [-6, 5, 4, -5, 6, 8, 3].includes(code);
  return valuesResult(
    conn,
    [
      { name: 'TYPE_NAME', duck: 'VARCHAR' }, { name: 'DATA_TYPE', duck: 'INTEGER' }, { name: 'PRECISION', duck: 'INTEGER' },
      { name: 'LITERAL_PREFIX', duck: 'VARCHAR' }, { name: 'LITERAL_SUFFIX', duck: 'VARCHAR' }, { name: 'CREATE_PARAMS', duck: 'VARCHAR' },
      { name: 'NULLABLE', duck: 'SMALLINT' }, { name: 'CASE_SENSITIVE', duck: 'BOOLEAN' }, { name: 'SEARCHABLE', duck: 'SMALLINT' },
      { name: 'UNSIGNED_ATTRIBUTE', duck: 'BOOLEAN' }, { name: 'FIXED_PREC_SCALE', duck: 'BOOLEAN' }, { name: 'AUTO_INCREMENT', duck: 'BOOLEAN' },
      { name: 'LOCAL_TYPE_NAME', duck: 'VARCHAR' }, { name: 'MINIMUM_SCALE', duck: 'SMALLINT' }, { name: 'MAXIMUM_SCALE', duck: 'SMALLINT' },
      { name: 'SQL_DATA_TYPE', duck: 'INTEGER' }, { name: 'SQL_DATETIME_SUB', duck: 'INTEGER' }, { name: 'NUM_PREC_RADIX', duck: 'INTEGER' },
    ],
    TYPE_INFO.map(([name, code, precision]) => [
      name, code, precision, null, null, null, 1, code === 12 || code === 1, 3, !numeric(code), false, false, null, 0, 0, null, null,
      numeric(code) ? 10 : null,
    ]),
    'columns',
  );
}
