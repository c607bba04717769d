import { RecordBatch, RecordBatchStreamWriter, Struct, type Data } from 'apache-arrow';
import { compressFrameSync } from 'lz4-napi';
import type { ResultColumn } from '../engine/engine-result.js';
import { arrowSchema, firstMessageLength, type NativeTypes } from './arrow-schema.js';
import { duckColumnType, sliceRowCount, sliceValues, type ChunkSlice } from './chunk-slice.js';
import { makeAnyData } from './arrow-data.js';
import { fastColumnData } from './fast-column.js';
import { fastTextColumnData } from './fast-text-column.js';
import { valueColumnData } from './value-column.js';

export interface ArrowEncodeOptions {
  /**
   * Wrap the payload in an LZ4 frame, as Databricks does when the client set
   * canDecompressLZ4Result (the driver decodes with lz4-napi decompressFrameSync).
   */
  readonly lz4?: boolean;
}

/** Arrow data for one result column: from vector memory when possible, else from values. */
export function arrowColumnData(
  column: ResultColumn,
  index: number,
  type: Data['type'],
  slices: readonly ChunkSlice[],
): Data {
  const duck = duckColumnType(slices, index);
  return (
    fastColumnData(column.type, type, duck, slices, index) ??
    fastTextColumnData(column.type, type, duck, slices, index) ??
    valueColumnData(column.type, type, sliceValues(slices, index))
  );
}

/** The rows of `slices` as one Arrow record batch with the result's schema. */
export function arrowRecordBatch(
  columns: readonly ResultColumn[],
  slices: readonly ChunkSlice[],
  native: NativeTypes,
): RecordBatch {
  const schema = arrowSchema(columns, native);
  const length = sliceRowCount(slices);
  const children = schema.fields.map((f, i) => arrowColumnData(columns[i]!, i, f.type, slices));
  const data = makeAnyData({ type: new Struct(schema.fields), length, nullCount: 0, children }) as Data<Struct>;
  return new RecordBatch(schema, data);
}

function streamOf(batch: RecordBatch): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

function maybeLz4(bytes: Buffer, options: ArrowEncodeOptions | undefined): Buffer {
  return options?.lz4 ? compressFrameSync(bytes) : bytes;
}

/**
 * TSparkArrowBatch.batch: one encapsulated RecordBatch message (no schema, no end-of-stream
 * marker) holding the concatenation of the slices; the driver prepends the schema message.
 */
export function arrowBatchMessage(
  columns: readonly ResultColumn[],
  slices: readonly ChunkSlice[],
  native: NativeTypes,
  options?: ArrowEncodeOptions,
): { body: Buffer; rowCount: number } {
  const batch = arrowRecordBatch(columns, slices, native);
  const stream = streamOf(batch);
  const start = firstMessageLength(stream);
  const body = Buffer.from(stream.buffer, stream.byteOffset + start, stream.byteLength - start - 8);
  return { body: maybeLz4(body, options), rowCount: batch.numRows };
}

/** A complete Arrow IPC stream (schema, one batch, end-of-stream), as in a CloudFetch file. */
export function arrowIpcStream(
  columns: readonly ResultColumn[],
  slices: readonly ChunkSlice[],
  native: NativeTypes,
  options?: ArrowEncodeOptions,
): Buffer {
  const stream = streamOf(arrowRecordBatch(columns, slices, native));
  return maybeLz4(Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength), options);
}
