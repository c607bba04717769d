import { DuckDBBlobValue, type DuckDBValue } from '@duckdb/node-api';
import type { TColumn, TRowSet } from '@databricks/sql/thrift/TCLIService_types.js';
import type { SparkType } from '../spark-type.js';
import type { ResultColumn } from '../engine/engine-result.js';
import { sliceValues, type ChunkSlice } from './chunk-slice.js';
import { sparkText } from './value-text.js';
import { thriftInt64 } from './thrift-int64.js';

/**
 * The Thrift null bitmap: bit i set = row i is NULL, as long as the last NULL needs (Hive's
 * BitSet serialization), so a column without NULLs has an empty buffer.
 */
export function thriftNulls(values: readonly DuckDBValue[]): Buffer {
  let last = -1;
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] === null) {
      last = i;
      break;
    }
  }
  const nulls = Buffer.alloc((last + 8) >> 3);
  for (let i = 0; i <= last; i++) if (values[i] === null) nulls[i >> 3]! |= 1 << (i & 7);
  return nulls;
}

function fill<T>(values: readonly DuckDBValue[], empty: T, convert: (v: DuckDBValue) => T): T[] {
  const out: T[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v === null ? empty : convert(v);
  }
  return out;
}

/**
 * One TColumn. Exact numbers travel in their Thrift type; DECIMAL, dates, timestamps, intervals
 * and complex values as Spark text, which the driver's JsonResultHandler hands on as strings
 * (DECIMAL through Number(), complex through JSON.parse).
 */
export function thriftColumn(t: SparkType, values: readonly DuckDBValue[]): TColumn {
  const nulls = thriftNulls(values);
  switch (t.kind) {
    case 'BOOLEAN':
      return { boolVal: { values: fill(values, false, (v) => v === true), nulls } };
    case 'TINYINT':
      return { byteVal: { values: fill(values, 0, Number), nulls } };
    case 'SMALLINT':
      return { i16Val: { values: fill(values, 0, Number), nulls } };
    case 'INT':
      return { i32Val: { values: fill(values, 0, Number), nulls } };
    case 'BIGINT':
      return { i64Val: { values: fill(values, thriftInt64(0), (v) => thriftInt64(v as bigint | number)), nulls } };
    case 'FLOAT':
    case 'DOUBLE':
      return { doubleVal: { values: fill(values, 0, Number), nulls } };
    case 'BINARY':
      return {
        binaryVal: {
          values: fill(values, Buffer.alloc(0), (v) => (v instanceof DuckDBBlobValue ? Buffer.from(v.bytes) : Buffer.from(String(v)))),
          nulls,
        },
      };
    default:
      return { stringVal: { values: fill(values, '', (v) => sparkText(t, v)), nulls } };
  }
}

/** A column-based TRowSet (COLUMN_BASED_SET) for the rows of `slices`. */
export function columnRowSet(
  columns: readonly ResultColumn[],
  slices: readonly ChunkSlice[],
  startRowOffset: bigint | number,
): TRowSet {
  return {
    startRowOffset: thriftInt64(startRowOffset),
    rows: [],
    columns: columns.map((c, i) => thriftColumn(c.type, sliceValues(slices, i))),
  };
}
