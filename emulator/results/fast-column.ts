import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { Type, type Data, type DataType } from 'apache-arrow';
import type { SparkType } from '../spark-type.js';
import type { ChunkSlice } from './chunk-slice.js';
import { makeAnyData } from './arrow-data.js';
import {
  INLINE_STRING_MAX,
  STRING_ENTRY_BYTES,
  copyFromStringPointer,
  rawColumnVector,
  vectorBytes,
  vectorValidity,
  type RawVector,
} from './duck-vector-memory.js';
import { copyValidity, countNulls } from './validity-bits.js';

/** How a column's DuckDB vectors become Arrow buffers without materializing values. */
type Plan =
  | { readonly kind: 'copy'; readonly width: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'decimal'; readonly width: number }
  | { readonly kind: 'string' };

const COPY_WIDTH: Partial<Record<DuckDBTypeId, readonly [Type, number]>> = {
  [DuckDBTypeId.TINYINT]: [Type.Int, 1],
  [DuckDBTypeId.SMALLINT]: [Type.Int, 2],
  [DuckDBTypeId.INTEGER]: [Type.Int, 4],
  [DuckDBTypeId.BIGINT]: [Type.Int, 8],
  [DuckDBTypeId.FLOAT]: [Type.Float, 4],
  [DuckDBTypeId.DOUBLE]: [Type.Float, 8],
  // DATE is int32 days and both timestamps int64 microseconds, exactly Arrow's Date32/Timestamp(µs).
  [DuckDBTypeId.DATE]: [Type.Date, 4],
  [DuckDBTypeId.TIMESTAMP]: [Type.Timestamp, 8],
  [DuckDBTypeId.TIMESTAMP_TZ]: [Type.Timestamp, 8],
};

export function decimalWidth(duck: DuckDBType, t: SparkType): number | undefined {
  if (t.kind !== 'DECIMAL') return undefined;
  if (duck.typeId === DuckDBTypeId.HUGEINT) return t.scale === 0 ? 16 : undefined;
  if (duck.typeId !== DuckDBTypeId.DECIMAL || duck.scale !== t.scale) return undefined;
  // DuckDB stores DECIMAL(w,s) as int16/32/64/128 depending on the width.
  return duck.width <= 4 ? 2 : duck.width <= 9 ? 4 : duck.width <= 18 ? 8 : 16;
}

function planFor(t: SparkType, at: DataType, duck: DuckDBType): Plan | undefined {
  const copy = COPY_WIDTH[duck.typeId];
  if (copy && copy[0] === at.typeId && copy[1] * 8 === bitWidthOf(at)) return { kind: 'copy', width: copy[1] };
  if (at.typeId === Type.Bool && duck.typeId === DuckDBTypeId.BOOLEAN) return { kind: 'bool' };
  if (at.typeId === Type.Decimal) {
    const width = decimalWidth(duck, t);
    return width === undefined ? undefined : { kind: 'decimal', width };
  }
  if (at.typeId === Type.Utf8 && duck.typeId === DuckDBTypeId.VARCHAR && isTextAsIs(t)) return { kind: 'string' };
  if (at.typeId === Type.Binary && duck.typeId === DuckDBTypeId.BLOB) return { kind: 'string' };
  return undefined;
}

function isTextAsIs(t: SparkType): boolean {
  return t.kind === 'STRING' || t.kind === 'CHAR' || t.kind === 'VARCHAR' || t.kind === 'VARIANT';
}

function bitWidthOf(at: DataType): number {
  switch (at.typeId) {
    case Type.Int:
      return (at as unknown as { bitWidth: number }).bitWidth;
    case Type.Float:
      return (at as unknown as { precision: number }).precision === 1 ? 32 : 64;
    case Type.Date:
      return 32;
    case Type.Timestamp:
      return 64;
    default:
      return 0;
  }
}

export interface SliceMemory {
  readonly vector: RawVector;
  readonly validity: Uint8Array | null;
  readonly offset: number;
  readonly length: number;
}

/**
 * The fast path: Arrow data for a flat column copied straight from DuckDB vector memory, or
 * undefined when the column needs the generic value path (nested types, text renderings,
 * conversions between DuckDB and Spark representations).
 */
export function fastColumnData(
  t: SparkType,
  at: DataType,
  duck: DuckDBType | undefined,
  slices: readonly ChunkSlice[],
  column: number,
): Data | undefined {
  if (duck === undefined) return undefined;
  const plan = planFor(t, at, duck);
  if (plan === undefined) return undefined;
  const { memory, length, nullBitmap, nullCount } = readSliceMemory(slices, column);
  const base = { type: at, length, nullCount, nullBitmap };
  switch (plan.kind) {
    case 'copy':
      return makeAnyData({ ...base, data: typedView(at, copyFixed(memory, plan.width, length)) });
    case 'bool':
      return makeAnyData({ ...base, data: packBooleans(memory, length) });
    case 'decimal':
      return makeAnyData({ ...base, data: widenDecimals(memory, plan.width, length) });
    case 'string':
      return makeAnyData({ ...base, ...copyStrings(memory, length) });
  }
}

/** The raw vectors behind the slices of one column, with their validity merged Arrow-style. */
export function readSliceMemory(
  slices: readonly ChunkSlice[],
  column: number,
): { memory: SliceMemory[]; length: number; nullBitmap: Uint8Array; nullCount: number } {
  const memory: SliceMemory[] = slices.map((s) => {
    const vector = rawColumnVector(s.chunk, column);
    return { vector, validity: vectorValidity(vector, s.offset + s.length), offset: s.offset, length: s.length };
  });
  let length = 0;
  for (const m of memory) length += m.length;
  let nullBitmap = new Uint8Array(0);
  let nullCount = 0;
  if (memory.some((m) => m.validity !== null)) {
    nullBitmap = new Uint8Array((length + 7) >> 3);
    let row = 0;
    for (const m of memory) {
      copyValidity(nullBitmap, row, m.validity, m.offset, m.length);
      row += m.length;
    }
    nullCount = countNulls(nullBitmap, length);
    if (nullCount === 0) nullBitmap = new Uint8Array(0);
  }
  return { memory, length, nullBitmap, nullCount };
}

function copyFixed(memory: readonly SliceMemory[], width: number, length: number): Uint8Array {
  const out = new Uint8Array(length * width);
  let pos = 0;
  for (const m of memory) {
    const bytes = vectorBytes(m.vector, (m.offset + m.length) * width);
    out.set(bytes.subarray(m.offset * width, (m.offset + m.length) * width), pos);
    pos += m.length * width;
  }
  return out;
}

function typedView(at: DataType, bytes: Uint8Array): ArrayBufferView {
  const ArrayType = (at as unknown as { ArrayType: new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView }).ArrayType;
  const bytesPer = (ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return new ArrayType(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / bytesPer);
}

function packBooleans(memory: readonly SliceMemory[], length: number): Uint8Array {
  // DuckDB's bool is one byte per value (sizeof(bool) == 1, asserted by the memory test).
  const bits = new Uint8Array((length + 7) >> 3);
  let row = 0;
  for (const m of memory) {
    const bytes = vectorBytes(m.vector, m.offset + m.length);
    for (let i = 0; i < m.length; i++, row++) if (bytes[m.offset + i] !== 0) bits[row >> 3]! |= 1 << (row & 7);
  }
  return bits;
}

/** Decimal128 words: DuckDB's int16/32/64 sign-extended to 128 bits, int128 copied. */
function widenDecimals(memory: readonly SliceMemory[], width: number, length: number): Uint32Array {
  if (width === 16) return new Uint32Array(copyFixed(memory, 16, length).buffer);
  const out = new Int32Array(length * 4);
  let row = 0;
  for (const m of memory) {
    const bytes = vectorBytes(m.vector, (m.offset + m.length) * width);
    const count = m.offset + m.length;
    if (width === 8) {
      const src = new Int32Array(bytes.buffer, bytes.byteOffset, count * 2);
      for (let i = m.offset; i < count; i++, row++) {
        const hi = src[2 * i + 1]!;
        const sign = hi < 0 ? -1 : 0;
        out[4 * row] = src[2 * i]!;
        out[4 * row + 1] = hi;
        out[4 * row + 2] = sign;
        out[4 * row + 3] = sign;
      }
    } else {
      const src =
        width === 4 ? new Int32Array(bytes.buffer, bytes.byteOffset, count) : new Int16Array(bytes.buffer, bytes.byteOffset, count);
      for (let i = m.offset; i < count; i++, row++) {
        const v = src[i]!;
        const sign = v < 0 ? -1 : 0;
        out[4 * row] = v;
        out[4 * row + 1] = sign;
        out[4 * row + 2] = sign;
        out[4 * row + 3] = sign;
      }
    }
  }
  return new Uint32Array(out.buffer);
}

export function isValid(validity: Uint8Array | null, row: number): boolean {
  return validity === null || (validity[row >> 3]! & (1 << (row & 7))) !== 0;
}

/**
 * Utf8/Binary buffers from `duckdb_string_t` entries. Long strings live out of line; in a
 * materialized result DuckDB lays them out back to back, so each run of adjacent strings is
 * fetched with one native call instead of one per value.
 */
function copyStrings(memory: readonly SliceMemory[], length: number): { valueOffsets: Int32Array; data: Uint8Array } {
  const valueOffsets = new Int32Array(length + 1);
  const entries: Uint32Array[] = [];
  const bytesOf: Uint8Array[] = [];
  let row = 0;
  let total = 0;
  for (const m of memory) {
    const bytes = vectorBytes(m.vector, (m.offset + m.length) * STRING_ENTRY_BYTES);
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    bytesOf.push(bytes);
    entries.push(words);
    for (let i = m.offset; i < m.offset + m.length; i++) {
      if (isValid(m.validity, i)) total += words[i * 4]!;
      valueOffsets[++row] = total;
    }
  }
  const data = new Uint8Array(total);
  row = 0;
  for (let k = 0; k < memory.length; k++) {
    const m = memory[k]!;
    const words = entries[k]!;
    const bytes = bytesOf[k]!;
    let runEntry = -1;
    let runBytes = 0;
    let runOut = 0;
    let runNext = 0;
    const flush = (): void => {
      if (runEntry >= 0) data.set(copyFromStringPointer(bytes, runEntry * STRING_ENTRY_BYTES, runBytes), runOut);
      runEntry = -1;
    };
    for (let i = m.offset; i < m.offset + m.length; i++, row++) {
      if (!isValid(m.validity, i)) continue;
      const len = words[i * 4]!;
      if (len === 0) continue;
      const out = valueOffsets[row]!;
      if (len <= INLINE_STRING_MAX) {
        flush();
        const start = i * STRING_ENTRY_BYTES + 4;
        for (let b = 0; b < len; b++) data[out + b] = bytes[start + b]!;
        continue;
      }
      // Pointers are below 2^53, so a double holds them exactly.
      const pointer = words[i * 4 + 3]! * 4294967296 + words[i * 4 + 2]!;
      if (runEntry >= 0 && pointer === runNext) {
        runBytes += len;
      } else {
        flush();
        runEntry = i;
        runBytes = len;
        runOut = out;
      }
      runNext = pointer + len;
    }
    flush();
  }
  return { valueOffsets, data };
}
