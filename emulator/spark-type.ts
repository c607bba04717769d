/**
 * Spark SQL data types as the emulator reasons about them. DuckDB stores the data; this model is
 * what the emulator reports to clients (Thrift column descriptors, Arrow field metadata,
 * DESCRIBE, information_schema, GetColumns).
 */
export type SparkType =
  | { readonly kind: 'BOOLEAN' | 'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' }
  | { readonly kind: 'STRING' | 'BINARY' | 'DATE' | 'TIMESTAMP' | 'TIMESTAMP_NTZ' | 'VOID' | 'VARIANT' }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'CHAR' | 'VARCHAR'; readonly length: number }
  | { readonly kind: 'INTERVAL_YEAR_MONTH' | 'INTERVAL_DAY_TIME' }
  | { readonly kind: 'ARRAY'; readonly element: SparkType }
  | { readonly kind: 'MAP'; readonly key: SparkType; readonly value: SparkType }
  | { readonly kind: 'STRUCT'; readonly fields: readonly SparkField[] };

export interface SparkField {
  readonly name: string;
  readonly type: SparkType;
  readonly nullable: boolean;
  readonly comment?: string | null;
}

/**
 * The name Databricks puts in the Arrow field metadata `Spark:DataType:SqlName` and in
 * GetColumns' TYPE_NAME: upper case, `DECIMAL(10,2)` without a space, `MAP<K, V>` and
 * `STRUCT<a: INT, b: STRING>` with spaces (reference/databricks-behaviour.md §0, §1).
 */
export function sparkSqlName(t: SparkType): string {
  switch (t.kind) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'CHAR':
    case 'VARCHAR':
      return `${t.kind}(${t.length})`;
    case 'INTERVAL_YEAR_MONTH':
      return 'INTERVAL YEAR TO MONTH';
    case 'INTERVAL_DAY_TIME':
      return 'INTERVAL DAY TO SECOND';
    case 'ARRAY':
      return `ARRAY<${sparkSqlName(t.element)}>`;
    case 'MAP':
      return `MAP<${sparkSqlName(t.key)}, ${sparkSqlName(t.value)}>`;
    case 'STRUCT':
      return `STRUCT<${t.fields.map((f) => `${f.name}: ${sparkSqlName(f.type)}`).join(', ')}>`;
    default:
      return t.kind;
  }
}

/**
 * The lower-case catalog form DESCRIBE TABLE prints: `decimal(3,2)`, `array<string>`,
 * `map<string,int>`, `struct<city:string,state:string>` (databricks-behaviour.md §3).
 */
export function sparkCatalogString(t: SparkType): string {
  switch (t.kind) {
    case 'DECIMAL':
      return `decimal(${t.precision},${t.scale})`;
    case 'CHAR':
    case 'VARCHAR':
      return `${t.kind.toLowerCase()}(${t.length})`;
    case 'INTERVAL_YEAR_MONTH':
      return 'interval year to month';
    case 'INTERVAL_DAY_TIME':
      return 'interval day to second';
    case 'INT':
      return 'int';
    case 'ARRAY':
      return `array<${sparkCatalogString(t.element)}>`;
    case 'MAP':
      return `map<${sparkCatalogString(t.key)},${sparkCatalogString(t.value)}>`;
    case 'STRUCT':
      return `struct<${t.fields.map((f) => `${f.name}:${sparkCatalogString(f.type)}`).join(',')}>`;
    default:
      return t.kind.toLowerCase();
  }
}
