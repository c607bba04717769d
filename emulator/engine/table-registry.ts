import type { SparkType } from '../spark-type.js';

/** A column as its CREATE/ALTER statement declared it. */
export interface DeclaredColumn {
  readonly name: string;
  readonly type: SparkType;
  readonly nullable: boolean;
  readonly comment: string | null;
}

/** What Databricks knows about a table that DuckDB does not store. */
export interface TableInfo {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  readonly kind: 'MANAGED' | 'VIEW';
  comment: string | null;
  readonly properties: Map<string, string>;
  /** Declared columns, or null when the columns come from a query (CTAS, views). */
  columns: DeclaredColumn[] | null;
  /** Informational PRIMARY KEY: recorded, never enforced (Databricks does not enforce it either). */
  primaryKey: { name: string; columns: string[] } | null;
  readonly createdAt: Date;
  lastAltered: Date;
  /** The view's defining query as the user wrote it. */
  viewText?: string;
}

export interface SchemaInfo {
  readonly catalog: string;
  readonly name: string;
  comment: string | null;
  readonly createdAt: Date;
}

const key = (...parts: string[]): string => parts.map((p) => p.toLowerCase()).join('\u0000');

/**
 * The emulator's catalog of declared metadata, keyed by lower-case names (Databricks names are
 * case-insensitive). DuckDB remains the truth for which tables and columns exist.
 */
export class TableRegistry {
  readonly #tables = new Map<string, TableInfo>();
  readonly #schemas = new Map<string, SchemaInfo>();

  table(catalog: string, schema: string, name: string): TableInfo | undefined {
    return this.#tables.get(key(catalog, schema, name));
  }

  putTable(info: TableInfo): void {
    this.#tables.set(key(info.catalog, info.schema, info.name), info);
  }

  dropTable(catalog: string, schema: string, name: string): void {
    this.#tables.delete(key(catalog, schema, name));
  }

  schema(catalog: string, name: string): SchemaInfo | undefined {
    return this.#schemas.get(key(catalog, name));
  }

  putSchema(info: SchemaInfo): void {
    this.#schemas.set(key(info.catalog, info.name), info);
  }

  /** Forgets a schema (or, with schema null, a catalog) and everything in it. */
  dropNamespace(catalog: string, schema: string | null): void {
    const prefix = schema === null ? key(catalog) + '\u0000' : key(catalog, schema) + '\u0000';
    for (const k of this.#tables.keys()) if (k.startsWith(prefix)) this.#tables.delete(k);
    for (const k of this.#schemas.keys()) {
      if (schema === null ? k.startsWith(prefix) : k === key(catalog, schema)) this.#schemas.delete(k);
    }
  }
}
