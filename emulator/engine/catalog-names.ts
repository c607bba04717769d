/**
 * Databricks catalogs are DuckDB ATTACHed databases. DuckDB reserves some database names
 * (`main`, `system`, `temp`, `memory`), so those catalogs live under a suffixed name.
 */
const RESERVED = new Set(['main', 'system', 'temp', 'memory']);
const SUFFIX = '__catalog';

/** DuckDB database that holds the engine's metadata tables (information_schema, declared types). */
export const META_DB = '__emulator';
/** DuckDB's own default database; holds the Spark compatibility macros. */
export const MACRO_DB = 'memory';

export function duckCatalogName(sparkCatalog: string): string {
  const name = sparkCatalog.toLowerCase();
  return RESERVED.has(name) ? `${name}${SUFFIX}` : name;
}

export function sparkCatalogName(duckDatabase: string): string {
  if (duckDatabase.endsWith(SUFFIX)) {
    const base = duckDatabase.slice(0, -SUFFIX.length);
    if (RESERVED.has(base)) return base;
  }
  return duckDatabase;
}

/** Databases that are not Databricks catalogs. */
export function isInternalDatabase(duckDatabase: string): boolean {
  return duckDatabase === META_DB || duckDatabase === MACRO_DB || duckDatabase === 'system' || duckDatabase === 'temp';
}

/** DuckDB schemas every database has that Databricks would not list. */
export function isInternalSchema(schema: string): boolean {
  return schema === 'main' || schema === 'information_schema' || schema === 'pg_catalog';
}
