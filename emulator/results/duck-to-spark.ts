import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { SparkType } from '../spark-type.js';

/**
 * The Spark type Databricks would report for a DuckDB column when the engine has no declared type.
 * DuckDB TIMESTAMP has no zone, which is Spark's TIMESTAMP_NTZ; TIMESTAMPTZ is Spark's TIMESTAMP
 * (session time zone UTC). Unsigned integers widen to the next signed type; the 64- and 128-bit
 * ones only fit DECIMAL(38,0). Types Spark has no equivalent for (UUID, ENUM, TIME, BIT, ...)
 * are reported as STRING and rendered as text.
 */
export function sparkTypeFromDuck(t: DuckDBType): SparkType {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { kind: 'BOOLEAN' };
    case DuckDBTypeId.TINYINT:
      return { kind: 'TINYINT' };
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return { kind: 'SMALLINT' };
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return { kind: 'INT' };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return { kind: 'BIGINT' };
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { kind: 'DECIMAL', precision: 38, scale: 0 };
    case DuckDBTypeId.FLOAT:
      return { kind: 'FLOAT' };
    case DuckDBTypeId.DOUBLE:
      return { kind: 'DOUBLE' };
    case DuckDBTypeId.DECIMAL:
      return { kind: 'DECIMAL', precision: t.width, scale: t.scale };
    case DuckDBTypeId.BLOB:
      return { kind: 'BINARY' };
    case DuckDBTypeId.DATE:
      return { kind: 'DATE' };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { kind: 'TIMESTAMP' };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { kind: 'TIMESTAMP_NTZ' };
    case DuckDBTypeId.INTERVAL:
      return { kind: 'INTERVAL_DAY_TIME' };
    case DuckDBTypeId.SQLNULL:
      return { kind: 'VOID' };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { kind: 'ARRAY', element: sparkTypeFromDuck(t.valueType) };
    case DuckDBTypeId.MAP:
      return { kind: 'MAP', key: sparkTypeFromDuck(t.keyType), value: sparkTypeFromDuck(t.valueType) };
    case DuckDBTypeId.STRUCT:
      return {
        kind: 'STRUCT',
        fields: t.entryNames.map((name, i) => ({ name, type: sparkTypeFromDuck(t.entryTypes[i]!), nullable: true })),
      };
    default:
      return { kind: 'STRING' };
  }
}
