// The generated module is CommonJS whose exports Node cannot detect statically: import it whole.
import ttypes from '@databricks/sql/thrift/TCLIService_types.js';
import type { TColumnDesc, TTableSchema, TTypeId } from '@databricks/sql/thrift/TCLIService_types.js';
import type { SparkType } from '../spark-type.js';
import type { ResultColumn } from '../engine/engine-result.js';

/**
 * The TTypeId Databricks reports for a Spark type. Complex types go in primitiveEntry too;
 * CHAR/VARCHAR/VARIANT report STRING and both timestamp kinds TIMESTAMP
 * (reference/databricks-behaviour.md §0 "Type ids in TTableSchema").
 */
export function thriftTypeId(t: SparkType): TTypeId {
  const { TTypeId } = ttypes;
  switch (t.kind) {
    case 'BOOLEAN':
      return TTypeId.BOOLEAN_TYPE;
    case 'TINYINT':
      return TTypeId.TINYINT_TYPE;
    case 'SMALLINT':
      return TTypeId.SMALLINT_TYPE;
    case 'INT':
      return TTypeId.INT_TYPE;
    case 'BIGINT':
      return TTypeId.BIGINT_TYPE;
    case 'FLOAT':
      return TTypeId.FLOAT_TYPE;
    case 'DOUBLE':
      return TTypeId.DOUBLE_TYPE;
    case 'DECIMAL':
      return TTypeId.DECIMAL_TYPE;
    case 'BINARY':
      return TTypeId.BINARY_TYPE;
    case 'DATE':
      return TTypeId.DATE_TYPE;
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ':
      return TTypeId.TIMESTAMP_TYPE;
    case 'INTERVAL_YEAR_MONTH':
      return TTypeId.INTERVAL_YEAR_MONTH_TYPE;
    case 'INTERVAL_DAY_TIME':
      return TTypeId.INTERVAL_DAY_TIME_TYPE;
    case 'ARRAY':
      return TTypeId.ARRAY_TYPE;
    case 'MAP':
      return TTypeId.MAP_TYPE;
    case 'STRUCT':
      return TTypeId.STRUCT_TYPE;
    case 'VOID':
      return TTypeId.NULL_TYPE;
    case 'STRING':
    case 'CHAR':
    case 'VARCHAR':
    case 'VARIANT':
      return TTypeId.STRING_TYPE;
  }
}

/** One TColumnDesc: 1-based position, comment "" when none. */
export function thriftColumnDesc(column: ResultColumn, position: number): TColumnDesc {
  const t = column.type;
  const primitiveEntry: TColumnDesc['typeDesc']['types'][number]['primitiveEntry'] =
    t.kind === 'DECIMAL'
      ? {
          type: ttypes.TTypeId.DECIMAL_TYPE,
          typeQualifiers: { qualifiers: { precision: { i32Value: t.precision }, scale: { i32Value: t.scale } } },
        }
      : { type: thriftTypeId(t) };
  return {
    columnName: column.name,
    typeDesc: { types: [{ primitiveEntry }] },
    position,
    comment: column.comment,
  };
}

/** TGetResultSetMetadataResp.schema for a result's columns. */
export function thriftTableSchema(columns: readonly ResultColumn[]): TTableSchema {
  return { columns: columns.map((c, i) => thriftColumnDesc(c, i + 1)) };
}
