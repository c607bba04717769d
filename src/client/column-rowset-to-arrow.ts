/**
 * Turns a column-based result (TRowSet columns) into the Arrow form a warehouse sends when
 * native Arrow types are off: numbers and booleans native, DECIMAL, TIMESTAMP, DATE, intervals
 * and complex values as Utf8 text tagged with their SQL type. Databricks answers constant-only
 * queries (`SELECT 1`, `VALUES ...`) this way even to clients that read Arrow (see
 * databricks-behaviour.md, resultFormat), so one decoder serves every result.
 * TIMESTAMP and TIMESTAMP_NTZ share one Thrift type id; both are read as TIMESTAMP (UTC).
 */
import * as A from 'apache-arrow';
import type { ArrowChunk } from './warehouse.js';

/** The slice of TTableSchema / TColumnDesc used here. */
export interface ThriftColumnDesc {
  readonly columnName: string;
  readonly position: number;
  readonly typeDesc: { readonly types: readonly { readonly primitiveEntry?: { readonly type: number; readonly typeQualifiers?: unknown } | null }[] };
}

const SQL_NAME = 'Spark:DataType:SqlName';

// TTypeId values (thrift/TCLIService_types.js).
const TYPE = {
  BOOLEAN: 0, TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4, FLOAT: 5, DOUBLE: 6, STRING: 7, TIMESTAMP: 8, BINARY: 9,
  ARRAY: 10, MAP: 11, STRUCT: 12, DECIMAL: 15, NULL: 16, DATE: 17, VARCHAR: 18, CHAR: 19,
} as const;

interface ColumnValues {
  readonly values: readonly unknown[];
  readonly nulls: Uint8Array;
}

function columnValues(column: unknown): ColumnValues {
  const c = column as Record<string, { values?: unknown[]; nulls?: Uint8Array } | undefined>;
  const found = c['boolVal'] ?? c['byteVal'] ?? c['i16Val'] ?? c['i32Val'] ?? c['i64Val'] ?? c['doubleVal'] ?? c['stringVal'] ?? c['binaryVal'];
  return { values: found?.values ?? [], nulls: found?.nulls ?? new Uint8Array(0) };
}

function decimalSqlName(qualifiers: unknown): string {
  const q = (qualifiers as { qualifiers?: Record<string, { i32Value?: number }> } | undefined)?.qualifiers;
  const precision = q?.['precision']?.i32Value;
  const scale = q?.['scale']?.i32Value;
  return precision === undefined ? 'DECIMAL' : `DECIMAL(${precision},${scale ?? 0})`;
}

/** Exact text of a node-int64 value (an 8-byte big-endian buffer underneath). */
function int64Text(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  const octets = (value as { toOctetString?: () => string }).toOctetString?.();
  if (typeof octets === 'string') return BigInt.asIntN(64, BigInt('0x' + octets));
  return BigInt(Number(value));
}

/** One Arrow chunk holding the rows of one TRowSet page. */
export function columnRowSetToArrow(descs: readonly ThriftColumnDesc[], columns: readonly unknown[]): ArrowChunk {
  const sorted = [...descs].sort((a, b) => a.position - b.position);
  const fields: A.Field[] = [];
  const data: A.Data[] = [];
  let length = 0;
  sorted.forEach((desc, k) => {
    const { values, nulls } = columnValues(columns[desc.position - 1]);
    if (k === 0) length = values.length;
    const isNull = (i: number): boolean => ((nulls[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
    const entry = desc.typeDesc.types[0]?.primitiveEntry;
    const typeId = entry?.type ?? TYPE.STRING;
    const present = values.map((v, i) => (isNull(i) ? null : v));
    let vector: A.Vector;
    let sqlName: string;
    switch (typeId) {
      case TYPE.BOOLEAN:
        [vector, sqlName] = [A.vectorFromArray(present as (boolean | null)[], new A.Bool()), 'BOOLEAN'];
        break;
      case TYPE.TINYINT:
        [vector, sqlName] = [A.vectorFromArray(present as (number | null)[], new A.Int8()), 'TINYINT'];
        break;
      case TYPE.SMALLINT:
        [vector, sqlName] = [A.vectorFromArray(present as (number | null)[], new A.Int16()), 'SMALLINT'];
        break;
      case TYPE.INT:
        [vector, sqlName] = [A.vectorFromArray(present as (number | null)[], new A.Int32()), 'INT'];
        break;
      case TYPE.BIGINT:
        [vector, sqlName] = [A.vectorFromArray(present.map((v) => (v === null ? null : int64Text(v))), new A.Int64()), 'BIGINT'];
        break;
      case TYPE.FLOAT:
        [vector, sqlName] = [A.vectorFromArray(present as (number | null)[], new A.Float32()), 'FLOAT'];
        break;
      case TYPE.DOUBLE:
        [vector, sqlName] = [A.vectorFromArray(present as (number | null)[], new A.Float64()), 'DOUBLE'];
        break;
      case TYPE.BINARY:
        [vector, sqlName] = [A.vectorFromArray(present as (Uint8Array | null)[], new A.Binary()), 'BINARY'];
        break;
      case TYPE.NULL:
        [vector, sqlName] = [A.makeVector(A.makeData({ type: new A.Null(), length: values.length })), 'VOID'];
        break;
      default: {
        sqlName =
          typeId === TYPE.DECIMAL
            ? decimalSqlName(entry?.typeQualifiers)
            : typeId === TYPE.TIMESTAMP
              ? 'TIMESTAMP'
              : typeId === TYPE.DATE
                ? 'DATE'
                : typeId === TYPE.ARRAY
                  ? 'ARRAY'
                  : typeId === TYPE.MAP
                    ? 'MAP'
                    : typeId === TYPE.STRUCT
                      ? 'STRUCT'
                      : 'STRING';
        vector = A.vectorFromArray(present.map((v) => (v === null ? null : String(v))), new A.Utf8());
      }
    }
    fields.push(new A.Field(desc.columnName, vector.type, true, new Map([[SQL_NAME, sqlName]])));
    data.push(vector.data[0]!);
  });
  const schema = new A.Schema(fields);
  const writer = new A.RecordBatchStreamWriter();
  writer.write(new A.RecordBatch(schema, A.makeData({ type: new A.Struct(fields), length, nullCount: 0, children: data })));
  writer.finish();
  const stream = writer.toUint8Array(true);
  const schemaOnly = new A.RecordBatchStreamWriter();
  schemaOnly.reset(undefined, schema);
  schemaOnly.finish();
  // Both streams end with the 8-byte end-of-stream marker; the batch follows the schema.
  const schemaLength = schemaOnly.toUint8Array(true).length - 8;
  return { schema: stream.slice(0, schemaLength), batches: [stream.slice(schemaLength, stream.length - 8)], rowCount: length };
}
