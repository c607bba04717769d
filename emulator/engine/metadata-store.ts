import type { DuckDBConnection } from '@duckdb/node-api';
import { sparkCatalogString, sparkSqlName, type SparkType } from '../spark-type.js';
import { isInternalDatabase, isInternalSchema, META_DB, sparkCatalogName } from './catalog-names.js';
import { duckLiteral } from './duck-literal.js';
import { sparkTypeFromDuck } from '../results/duck-to-spark.js';
import { quoteDuckIdent, storageShape } from './spark-type-syntax.js';
import type { TableInfo, TableRegistry } from './table-registry.js';
import {
  columnSize, datetimePrecision, decimalDigits, isNumeric, jdbcTypeCode, numericPrecision, simpleTypeName,
} from './type-metadata.js';

/** One column of a table as the engine reports it. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: SparkType;
  readonly nullable: boolean;
  readonly comment: string | null;
}

export interface CatalogRelation {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  readonly kind: 'MANAGED' | 'VIEW';
  readonly columns: readonly CatalogColumn[];
  readonly info: TableInfo | undefined;
}

export interface CatalogSnapshot {
  readonly catalogs: readonly string[];
  readonly schemas: readonly { catalog: string; schema: string }[];
  readonly relations: readonly CatalogRelation[];
}

const M = `${quoteDuckIdent(META_DB)}.main`;
const OWNER = 'emulator@localhost';

// Column lists of the UC information_schema relations (databricks-behaviour.md §2); Databricks
// returns the names in lower case.
const DDL = [
  `CREATE TABLE ${M}.catalogs (catalog_name VARCHAR, catalog_owner VARCHAR, comment VARCHAR, created TIMESTAMPTZ, created_by VARCHAR, last_altered TIMESTAMPTZ, last_altered_by VARCHAR)`,
  `CREATE TABLE ${M}.schemata (catalog_name VARCHAR, schema_name VARCHAR, schema_owner VARCHAR, comment VARCHAR, created TIMESTAMPTZ, created_by VARCHAR, last_altered TIMESTAMPTZ, last_altered_by VARCHAR)`,
  `CREATE TABLE ${M}.tables (table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, table_type VARCHAR, is_insertable_into VARCHAR, commit_action VARCHAR, table_owner VARCHAR, comment VARCHAR, created TIMESTAMPTZ, created_by VARCHAR, last_altered TIMESTAMPTZ, last_altered_by VARCHAR, data_source_format VARCHAR, storage_path VARCHAR, storage_sub_directory VARCHAR)`,
  `CREATE TABLE ${M}.views (table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, view_definition VARCHAR, check_option VARCHAR, is_updatable VARCHAR, is_insertable_into VARCHAR, sql_path VARCHAR)`,
  `CREATE TABLE ${M}.columns (table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR, ordinal_position INTEGER, column_default VARCHAR, is_nullable VARCHAR, full_data_type VARCHAR, data_type VARCHAR, character_maximum_length BIGINT, character_octet_length BIGINT, numeric_precision INTEGER, numeric_precision_radix INTEGER, numeric_scale INTEGER, datetime_precision INTEGER, interval_type VARCHAR, interval_precision INTEGER, maximum_cardinality BIGINT, is_identity VARCHAR, identity_generation VARCHAR, identity_start VARCHAR, identity_increment VARCHAR, identity_maximum VARCHAR, identity_minimum VARCHAR, identity_cycle VARCHAR, is_generated VARCHAR, generation_expression VARCHAR, is_system_time_period_start VARCHAR, is_system_time_period_end VARCHAR, system_time_period_timestamp_generation VARCHAR, is_updatable VARCHAR, partition_ordinal_position INTEGER, comment VARCHAR, x_type_name VARCHAR, x_jdbc_type INTEGER, x_column_size INTEGER, x_decimal_digits INTEGER, x_num_prec_radix INTEGER, x_nullable INTEGER, x_remarks VARCHAR)`,
  `CREATE TABLE ${M}.table_constraints (constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR, table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, constraint_type VARCHAR, is_deferrable VARCHAR, initially_deferred VARCHAR, enforced VARCHAR, comment VARCHAR)`,
  `CREATE TABLE ${M}.key_column_usage (constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR, table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR, ordinal_position INTEGER, position_in_unique_constraint INTEGER)`,
  `CREATE VIEW ${M}.is_catalogs AS SELECT * FROM ${M}.catalogs`,
  `CREATE VIEW ${M}.is_schemata AS SELECT * FROM ${M}.schemata`,
  `CREATE VIEW ${M}.is_tables AS SELECT * FROM ${M}.tables`,
  `CREATE VIEW ${M}.is_views AS SELECT * FROM ${M}.views`,
  `CREATE VIEW ${M}.is_columns AS SELECT * EXCLUDE (x_type_name, x_jdbc_type, x_column_size, x_decimal_digits, x_num_prec_radix, x_nullable, x_remarks) FROM ${M}.columns`,
  `CREATE VIEW ${M}.is_table_constraints AS SELECT * FROM ${M}.table_constraints`,
  `CREATE VIEW ${M}.is_key_column_usage AS SELECT * FROM ${M}.key_column_usage`,
];

/** Creates the metadata tables once per engine. */
export async function createMetadataTables(conn: DuckDBConnection): Promise<void> {
  for (const sql of DDL) await conn.run(sql);
}

/**
 * Reads what exists in DuckDB and merges the declared metadata in. A declared column type is
 * used while the stored DuckDB column still has that type's storage shape; otherwise the type
 * is derived from DuckDB.
 */
export async function readCatalog(conn: DuckDBConnection, registry: TableRegistry): Promise<CatalogSnapshot> {
  const dbs = (await (await conn.run('SELECT database_name FROM duckdb_databases() WHERE NOT internal ORDER BY 1')).getRowObjectsJson())
    .map((r) => String(r['database_name']))
    .filter((d) => !isInternalDatabase(d));
  const schemas = (await (await conn.run('SELECT database_name, schema_name FROM duckdb_schemas() ORDER BY 1, 2')).getRowObjectsJson())
    .filter((r) => dbs.includes(String(r['database_name'])) && !isInternalSchema(String(r['schema_name'])))
    .map((r) => ({ db: String(r['database_name']), catalog: sparkCatalogName(String(r['database_name'])), schema: String(r['schema_name']) }));
  const rels = (
    await (
      await conn.run(
        `SELECT database_name, schema_name, table_name AS name, 'MANAGED' AS kind FROM duckdb_tables() WHERE NOT internal
         UNION ALL SELECT database_name, schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal ORDER BY 1, 2, 3`,
      )
    ).getRowObjectsJson()
  ).filter((r) => dbs.includes(String(r['database_name'])) && !isInternalSchema(String(r['schema_name'])));
  const relations: CatalogRelation[] = [];
  for (const r of rels) {
    const db = String(r['database_name']);
    const schema = String(r['schema_name']);
    const name = String(r['name']);
    const catalog = sparkCatalogName(db);
    let result;
    try {
      result = await conn.run(`SELECT * FROM ${quoteDuckIdent(db)}.${quoteDuckIdent(schema)}.${quoteDuckIdent(name)} LIMIT 0`);
    } catch {
      continue; // a view whose base table is gone
    }
    const info = registry.table(catalog, schema, name);
    const declared = new Map((info?.columns ?? []).map((c) => [c.name.toLowerCase(), c]));
    const names = result.columnNames();
    const types = result.columnTypes();
    const columns = names.map((col, i): CatalogColumn => {
      const derived = sparkTypeFromDuck(types[i]!);
      const d = declared.get(col.toLowerCase());
      if (d && storageShape(d.type) === storageShape(derived)) return { name: col, type: d.type, nullable: d.nullable, comment: d.comment };
      return { name: col, type: derived, nullable: d?.nullable ?? true, comment: d?.comment ?? null };
    });
    relations.push({ catalog, schema, name, kind: r['kind'] === 'VIEW' ? 'VIEW' : 'MANAGED', columns, info });
  }
  return { catalogs: dbs.map(sparkCatalogName), schemas: schemas.map(({ catalog, schema }) => ({ catalog, schema })), relations };
}

/** Rewrites the metadata tables from a snapshot, in one transaction. */
export async function writeCatalog(conn: DuckDBConnection, snap: CatalogSnapshot, registry: TableRegistry, startedAt: Date): Promise<void> {
  const rows: Record<string, unknown[][]> = {
    catalogs: [], schemata: [], tables: [], views: [], columns: [], table_constraints: [], key_column_usage: [],
  };
  for (const c of snap.catalogs) rows['catalogs']!.push([c, OWNER, null, startedAt, OWNER, startedAt, OWNER]);
  for (const s of snap.schemas) {
    const info = registry.schema(s.catalog, s.schema);
    const created = info?.createdAt ?? startedAt;
    rows['schemata']!.push([s.catalog, s.schema, OWNER, info?.comment ?? null, created, OWNER, created, OWNER]);
  }
  for (const r of snap.relations) {
    const created = r.info?.createdAt ?? startedAt;
    const altered = r.info?.lastAltered ?? created;
    const view = r.kind === 'VIEW';
    rows['tables']!.push([
      r.catalog, r.schema, r.name, r.kind, view ? 'NO' : 'YES', 'PRESERVE', OWNER, r.info?.comment ?? null, created, OWNER,
      altered, OWNER, view ? null : 'DELTA', null, null,
    ]);
    if (view) rows['views']!.push([r.catalog, r.schema, r.name, r.info?.viewText ?? null, 'NONE', 'NO', 'NO', null]);
    r.columns.forEach((c, i) => {
      const t = c.type;
      const numeric = isNumeric(t);
      rows['columns']!.push([
        r.catalog, r.schema, r.name, c.name, i + 1, null, c.nullable ? 'YES' : 'NO', sparkCatalogString(t), simpleTypeName(t),
        null, null, numericPrecision(t), numeric ? (t.kind === 'DECIMAL' ? 10 : 2) : null, t.kind === 'DECIMAL' ? t.scale : numeric ? 0 : null,
        datetimePrecision(t), t.kind === 'INTERVAL_YEAR_MONTH' ? 'YEAR TO MONTH' : t.kind === 'INTERVAL_DAY_TIME' ? 'DAY TO SECOND' : null,
        null, null, 'NO', null, null, null, null, null, null, 'NEVER', null, 'NO', 'NO', null, view ? 'NO' : 'YES', null, c.comment,
        sparkSqlName(t), jdbcTypeCode(t), columnSize(t), decimalDigits(t), numeric ? 10 : null, c.nullable ? 1 : 0, c.comment ?? '',
      ]);
    });
    const pk = r.info?.primaryKey;
    if (pk) {
      rows['table_constraints']!.push([r.catalog, r.schema, pk.name, r.catalog, r.schema, r.name, 'PRIMARY KEY', 'YES', 'NO', 'NO', null]);
      pk.columns.forEach((col, i) => rows['key_column_usage']!.push([r.catalog, r.schema, pk.name, r.catalog, r.schema, r.name, col, i + 1, null]));
    }
  }
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const [table, list] of Object.entries(rows)) {
      await conn.run(`DELETE FROM ${M}.${table}`);
      for (let i = 0; i < list.length; i += 500) {
        const values = list.slice(i, i + 500).map((row) => `(${row.map((v) => duckLiteral(v as never)).join(', ')})`);
        await conn.run(`INSERT INTO ${M}.${table} VALUES ${values.join(',\n')}`);
      }
    }
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}
