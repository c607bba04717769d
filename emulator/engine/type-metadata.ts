import type { SparkType } from '../spark-type.js';

/**
 * Per-type facts for GetColumns and information_schema.columns, following OSS Spark's
 * SparkGetColumnsOperation (databricks-behaviour.md §1, SPARK-GETCOL) and the UC
 * information_schema docs (§2, IS-COLUMNS).
 */
export function jdbcTypeCode(t: SparkType): number {
  switch (t.kind) {
    case 'BOOLEAN': return 16;
    case 'TINYINT': return -6;
    case 'SMALLINT': return 5;
    case 'INT': return 4;
    case 'BIGINT': return -5;
    case 'FLOAT': return 6;
    case 'DOUBLE': return 8;
    case 'DECIMAL': return 3;
    case 'STRING': return 12;
    case 'VARCHAR': return 12;
    case 'CHAR': return 1;
    case 'BINARY': return -2;
    case 'DATE': return 91;
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ': return 93;
    case 'ARRAY': return 2003;
    case 'MAP': return 2000;
    case 'STRUCT': return 2002;
    case 'VOID': return 0;
    default: return 1111;
  }
}

export function columnSize(t: SparkType): number | null {
  switch (t.kind) {
    case 'BOOLEAN':
    case 'TINYINT': return 1;
    case 'SMALLINT': return 2;
    case 'INT':
    case 'FLOAT':
    case 'DATE': return 4;
    case 'BIGINT':
    case 'DOUBLE':
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ': return 8;
    case 'DECIMAL': return t.precision;
    case 'CHAR':
    case 'VARCHAR': return t.length;
    case 'INTERVAL_YEAR_MONTH': return 4;
    case 'INTERVAL_DAY_TIME': return 8;
    case 'VOID': return 1;
    default: return null;
  }
}

export function decimalDigits(t: SparkType): number | null {
  switch (t.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': return 0;
    case 'FLOAT': return 7;
    case 'DOUBLE': return 15;
    case 'DECIMAL': return t.scale;
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ': return 6;
    default: return null;
  }
}

export function isNumeric(t: SparkType): boolean {
  return ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL'].includes(t.kind);
}

/** information_schema.columns DATA_TYPE: the simple type name. */
export function simpleTypeName(t: SparkType): string {
  switch (t.kind) {
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_DAY_TIME': return 'INTERVAL';
    case 'VOID': return 'VOID';
    default: return t.kind;
  }
}

/** NUMERIC_PRECISION: bits for binary numbers, digits for DECIMAL (IS-COLUMNS). */
export function numericPrecision(t: SparkType): number | null {
  const bits: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64, FLOAT: 24, DOUBLE: 53 };
  if (t.kind === 'DECIMAL') return t.precision;
  return bits[t.kind] ?? null;
}

export function datetimePrecision(t: SparkType): number | null {
  if (t.kind === 'DATE') return 0;
  if (t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_NTZ') return 3;
  return null;
}
