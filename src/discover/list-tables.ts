import type { MetadataRow, Warehouse } from '../client/warehouse.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { compileNamePatterns } from '../config/name-pattern.js';
import { quoteIdentifier } from '../sql/quote-identifier.js';
import { markChangeFeeds } from './change-feed-tables.js';
import type { TableColumn, TableInfo } from './table-info.js';

/** Schemas that hold catalog metadata, never user data. */
const SYSTEM_SCHEMAS = new Set(['information_schema']);

/** Schemas read at once during discovery. */
const SCHEMA_CONCURRENCY = 4;

/** The schemas of the configured catalog that the config selects, sorted. */
export async function listSelectedSchemas(warehouse: Warehouse, config: ResolvedConfig): Promise<string[]> {
  const matches = compileNamePatterns(config.schemas);
  const rows = await warehouse.getSchemas(config.catalog);
  const names = rows.map((r) => String(r['TABLE_SCHEM'] ?? '')).filter((n) => n !== '');
  return names.filter((n) => !SYSTEM_SCHEMAS.has(n.toLowerCase()) && matches(n)).sort();
}

/**
 * Every selected table and view of the selected schemas, with columns and primary keys. The cost
 * is a fixed number of round trips per schema (GetTables, GetColumns for the whole schema, and
 * one information_schema query for keys), never one per table, so a schema of a thousand tables
 * is discovered in seconds. Looking up the change feed adds one query per table (change-feed-tables.ts).
 */
export async function listTables(
  warehouse: Warehouse,
  config: ResolvedConfig,
  schemas: readonly string[],
  options: {
    /** Tables to look up the change feed of; default: all when `change_data_feed_discovery` is on. */
    readonly changeFeedOf?: (table: TableInfo) => boolean;
  } = {},
): Promise<TableInfo[]> {
  const matches = compileNamePatterns(config.tables);
  const results: TableInfo[][] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < schemas.length) {
      const index = next++;
      results[index] = await listSchemaTables(warehouse, config.catalog, schemas[index]!, matches);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCHEMA_CONCURRENCY, schemas.length) }, worker));
  const changeFeedOf = options.changeFeedOf ?? (() => config.changeDataFeedDiscovery);
  return markChangeFeeds(warehouse, results.flat(), changeFeedOf);
}

async function listSchemaTables(
  warehouse: Warehouse,
  catalog: string,
  schema: string,
  matches: (name: string) => boolean,
): Promise<TableInfo[]> {
  const [tableRows, columnRows, keys] = await Promise.all([
    // Patterns treat `_` as a wildcard and escaping is not portable across servers: ask with the
    // name and keep only rows of this exact schema.
    warehouse.getTables(catalog, schema),
    warehouse.getColumns(catalog, schema),
    primaryKeys(warehouse, catalog, schema),
  ]);
  const columns = groupColumns(columnRows.filter((r) => String(r['TABLE_SCHEM']) === schema));
  const tables: TableInfo[] = [];
  for (const row of tableRows) {
    const name = String(row['TABLE_NAME'] ?? '');
    if (name === '' || String(row['TABLE_SCHEM']) !== schema || !matches(name)) continue;
    tables.push({
      catalog,
      schema,
      name,
      tableType: String(row['TABLE_TYPE'] ?? 'TABLE') || 'TABLE',
      columns: columns.get(name) ?? [],
      primaryKey: keys.get(name) ?? [],
    });
  }
  return tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function groupColumns(rows: readonly MetadataRow[]): Map<string, TableColumn[]> {
  const byTable = new Map<string, { position: number; column: TableColumn }[]>();
  for (const row of rows) {
    const table = String(row['TABLE_NAME']);
    const list = byTable.get(table) ?? [];
    list.push({
      position: Number(row['ORDINAL_POSITION'] ?? list.length),
      column: {
        name: String(row['COLUMN_NAME']),
        type: String(row['TYPE_NAME']),
        // JDBC NULLABLE: 0 = columnNoNulls, 1 = columnNullable; Spark's IS_NULLABLE is always "YES"
        // (reference: SparkGetColumnsOperation), so NULLABLE is the one to trust.
        nullable: Number(row['NULLABLE'] ?? 1) !== 0,
      },
    });
    byTable.set(table, list);
  }
  return new Map([...byTable].map(([t, list]) => [t, list.sort((a, b) => a.position - b.position).map((e) => e.column)]));
}

/**
 * Primary keys of every table in a schema from Unity Catalog's information_schema, in one query.
 * hive_metastore has no information_schema and no constraints (Databricks docs, "Information
 * schema"), so it has no keys.
 */
async function primaryKeys(warehouse: Warehouse, catalog: string, schema: string): Promise<Map<string, string[]>> {
  const keys = new Map<string, string[]>();
  if (catalog.toLowerCase() === 'hive_metastore') return keys;
  const is = `${quoteIdentifier(catalog)}.information_schema`;
  const rows = await warehouse.queryRows(
    `SELECT k.table_name AS table_name, k.column_name AS column_name, k.ordinal_position AS ordinal_position ` +
      `FROM ${is}.table_constraints AS c JOIN ${is}.key_column_usage AS k ` +
      `ON k.constraint_catalog = c.constraint_catalog AND k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name ` +
      `WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = :schema ` +
      `ORDER BY k.table_name, k.ordinal_position`,
    { schema: { type: 'STRING', value: schema } },
  );
  for (const row of rows) {
    const table = String(row['table_name']);
    keys.set(table, [...(keys.get(table) ?? []), String(row['column_name'])]);
  }
  return keys;
}
