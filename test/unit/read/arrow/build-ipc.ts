import * as A from 'apache-arrow';
import type { ArrowChunk } from '../../../../src/client/warehouse.js';

/** One column of a test result: an apache-arrow vector plus the Databricks SQL type name. */
export interface TestColumn {
  readonly name: string;
  readonly vector: A.Vector;
  readonly sqlName?: string;
}

const SQL_NAME = 'Spark:DataType:SqlName';

function schemaOf(columns: readonly TestColumn[]): A.Schema {
  return new A.Schema(
    columns.map((c) => new A.Field(c.name, c.vector.type, true, c.sqlName === undefined ? new Map() : new Map([[SQL_NAME, c.sqlName]]))),
  );
}

/**
 * Builds a chunk shaped like a Databricks inline Arrow result: one encapsulated Schema message
 * (no end-of-stream marker) and one RecordBatch message per element of `batches`, each batch
 * a list of equally long vectors in column order.
 */
export function inlineChunk(columns: readonly TestColumn[], more: readonly (readonly A.Vector[])[] = []): ArrowChunk {
  const schema = schemaOf(columns);
  const schemaWriter = new A.RecordBatchStreamWriter();
  schemaWriter.reset(undefined, schema);
  schemaWriter.finish();
  const schemaStream = schemaWriter.toUint8Array(true);
  const schemaBytes = schemaStream.subarray(0, schemaStream.length - 8);
  const batches = [columns.map((c) => c.vector), ...more].map((vectors) => {
    const writer = new A.RecordBatchStreamWriter();
    writer.write(recordBatch(schema, vectors));
    writer.finish();
    const stream = writer.toUint8Array(true);
    return stream.slice(schemaBytes.length, stream.length - 8);
  });
  return { schema: schemaBytes, batches, rowCount: batches.length === 0 ? 0 : columns[0]!.vector.length };
}

/** A chunk shaped like a CloudFetch download: one complete IPC stream (schema, batches, EOS). */
export function streamChunk(columns: readonly TestColumn[]): ArrowChunk {
  const schema = schemaOf(columns);
  const writer = new A.RecordBatchStreamWriter();
  writer.write(recordBatch(schema, columns.map((c) => c.vector)));
  writer.finish();
  const stream = writer.toUint8Array(true);
  const schemaWriter = new A.RecordBatchStreamWriter();
  schemaWriter.reset(undefined, schema);
  schemaWriter.finish();
  const schemaStream = schemaWriter.toUint8Array(true);
  return { schema: schemaStream.slice(0, schemaStream.length - 8), batches: [stream], rowCount: columns[0]!.vector.length };
}

function recordBatch(schema: A.Schema, vectors: readonly A.Vector[]): A.RecordBatch {
  const length = vectors[0]?.length ?? 0;
  return new A.RecordBatch(
    schema,
    A.makeData({ type: new A.Struct(schema.fields), length, nullCount: 0, children: vectors.map((v) => v.data[0]!) }),
  );
}

export function vector<T extends A.DataType>(type: T, values: readonly unknown[]): A.Vector<T> {
  return A.vectorFromArray(values as never[], type) as A.Vector<T>;
}

/** Validity bitmap for `values` where null/undefined entries are NULL. */
function validity(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.max(1, Math.ceil(values.length / 8)));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

/** A Decimal128 vector from unscaled integer values (null = NULL). */
export function decimalVector(precision: number, scale: number, unscaled: readonly (bigint | null)[]): A.Vector<A.Decimal> {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((v, i) => {
    const x = BigInt.asUintN(128, v ?? 0n);
    for (let k = 0; k < 4; k++) words[i * 4 + k] = Number((x >> BigInt(32 * k)) & 0xffffffffn);
  });
  const type = new A.Decimal(scale, precision, 128);
  return A.makeVector(A.makeData({ type, length: unscaled.length, ...validity(unscaled), data: words }));
}

/** A 64-bit vector (Int64 or a Timestamp type) from bigint values (null = NULL). */
export function int64Vector<T extends A.Int64 | A.Timestamp>(type: T, values: readonly (bigint | null)[]): A.Vector<T> {
  const data = new BigInt64Array(values.map((v) => v ?? 0n));
  return A.makeVector(A.makeData({ type, length: values.length, ...validity(values), data } as never)) as unknown as A.Vector<T>;
}

/** A Date32 (days) vector (null = NULL). */
export function dateDayVector(days: readonly (number | null)[]): A.Vector<A.DateDay> {
  const data = new Int32Array(days.map((v) => v ?? 0));
  return A.makeVector(A.makeData({ type: new A.DateDay(), length: days.length, ...validity(days), data }));
}
