import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Map_,
  Null,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimeUnit,
  Timestamp,
  Utf8,
  type DataType,
} from 'apache-arrow';
import { sparkSqlName, type SparkType } from '../spark-type.js';
import type { ResultColumn } from '../engine/engine-result.js';

/**
 * Which Spark types travel as native Arrow types; from the client's TSparkArrowTypes
 * (`useArrowNativeTypes`). The Node driver asks for timestamp, decimal and complex, not interval.
 */
export interface NativeTypes {
  readonly timestamp: boolean;
  readonly decimal: boolean;
  readonly complex: boolean;
  /** Accepted for completeness; intervals always travel as Utf8 text, as in the real fixtures. */
  readonly interval: boolean;
}

/** Everything a client may receive as text when it asks for no native types. */
export const NO_NATIVE_TYPES: NativeTypes = { timestamp: false, decimal: false, complex: false, interval: false };

const SQL_NAME_KEY = 'Spark:DataType:SqlName';

/**
 * The Arrow type Databricks uses for a Spark type. DATE is Date32 in both modes and the
 * timestamps are microseconds, TIMESTAMP tagged `Etc/UTC` (the session zone) and TIMESTAMP_NTZ
 * without zone; what is not native travels as Utf8 text (real fixtures
 * databricks-sql-nodejs tests/fixtures/compatibility/{arrow,arrow_native_types}).
 */
export function arrowType(t: SparkType, native: NativeTypes): DataType {
  switch (t.kind) {
    case 'BOOLEAN':
      return new Bool();
    case 'TINYINT':
      return new Int8();
    case 'SMALLINT':
      return new Int16();
    case 'INT':
      return new Int32();
    case 'BIGINT':
      return new Int64();
    case 'FLOAT':
      return new Float32();
    case 'DOUBLE':
      return new Float64();
    case 'BINARY':
      return new Binary();
    case 'DATE':
      return new DateDay();
    case 'VOID':
      return new Null();
    case 'DECIMAL':
      return native.decimal ? new Decimal(t.scale, t.precision, 128) : new Utf8();
    case 'TIMESTAMP':
      return native.timestamp ? new Timestamp(TimeUnit.MICROSECOND, 'Etc/UTC') : new Utf8();
    case 'TIMESTAMP_NTZ':
      return native.timestamp ? new Timestamp(TimeUnit.MICROSECOND) : new Utf8();
    case 'ARRAY':
      return native.complex ? new List(new Field('element', arrowType(t.element, native), true)) : new Utf8();
    case 'MAP':
      if (!native.complex) return new Utf8();
      return new Map_(
        new Field(
          'entries',
          new Struct<{ key: DataType; value: DataType }>([
            new Field('key', arrowType(t.key, native), false),
            new Field('value', arrowType(t.value, native), true),
          ]),
          false,
        ),
        false,
      );
    case 'STRUCT':
      if (!native.complex) return new Utf8();
      return new Struct(t.fields.map((f) => new Field(f.name, arrowType(f.type, native), f.nullable)));
    default:
      return new Utf8();
  }
}

/** CHAR(n)/VARCHAR(n) are reported as STRING in Arrow metadata, at any depth (real fixtures: chr, vchr). */
export function arrowSqlName(t: SparkType): string {
  return sparkSqlName(withoutCharTypes(t));
}

function withoutCharTypes(t: SparkType): SparkType {
  switch (t.kind) {
    case 'CHAR':
    case 'VARCHAR':
      return { kind: 'STRING' };
    case 'ARRAY':
      return { kind: 'ARRAY', element: withoutCharTypes(t.element) };
    case 'MAP':
      return { kind: 'MAP', key: withoutCharTypes(t.key), value: withoutCharTypes(t.value) };
    case 'STRUCT':
      return { kind: 'STRUCT', fields: t.fields.map((f) => ({ ...f, type: withoutCharTypes(f.type) })) };
    default:
      return t;
  }
}

/** The Arrow schema of a result: top-level fields carry the Spark SQL name; children carry none. */
export function arrowSchema(columns: readonly ResultColumn[], native: NativeTypes): Schema {
  return new Schema(
    columns.map(
      (c) => new Field(c.name, arrowType(c.type, native), c.nullable, new Map([[SQL_NAME_KEY, arrowSqlName(c.type)]])),
    ),
  );
}

/** Length of the first encapsulated IPC message (continuation marker, length, flatbuffer, body). */
export function firstMessageLength(ipc: Uint8Array): number {
  const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength);
  if (view.getUint32(0, true) !== 0xffffffff) throw new Error('IPC stream without continuation marker');
  const metadataLength = view.getInt32(4, true);
  // A schema message has no body, so it ends with its metadata.
  return 8 + metadataLength;
}

/**
 * TGetResultSetMetadataResp.arrowSchema: one encapsulated IPC Schema message, without the
 * end-of-stream marker (the driver concatenates it with the batches it fetches).
 */
export function arrowSchemaMessage(columns: readonly ResultColumn[], native: NativeTypes): Buffer {
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, arrowSchema(columns, native));
  writer.finish();
  const stream = writer.toUint8Array(true);
  return Buffer.from(stream.subarray(0, firstMessageLength(stream)));
}
