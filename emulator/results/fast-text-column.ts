import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { Type, type Data, type DataType } from 'apache-arrow';
import type { SparkType } from '../spark-type.js';
import type { ChunkSlice } from './chunk-slice.js';
import { makeAnyData } from './arrow-data.js';
import { decimalWidth, isValid, readSliceMemory, type SliceMemory } from './fast-column.js';
import { vectorBytes } from './duck-vector-memory.js';
import { formatDecimal, formatTimestamp } from './spark-text.js';
import { utf8Column } from './value-column.js';

const TWO_POW_32 = 4294967296;

/** Reads row `i` of an int64 vector as a number when exact, else as a bigint. */
function int64At(words: Int32Array, i: number): number | bigint {
  const hi = words[2 * i + 1]!;
  const lo = words[2 * i]! >>> 0;
  // |value| < 2^52 keeps hi within ±2^20, where the double is exact.
  if (hi >= -1048576 && hi < 1048576) return hi * TWO_POW_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function int128At(words: Int32Array, i: number): bigint {
  let x = 0n;
  for (let w = 3; w >= 0; w--) x = (x << 32n) | BigInt(words[4 * i + w]! >>> 0);
  return BigInt.asIntN(128, x);
}

type Reader = (memory: SliceMemory) => (row: number) => string;

function decimalReader(width: number, scale: number): Reader {
  return (m) => {
    const count = m.offset + m.length;
    const bytes = vectorBytes(m.vector, count * width);
    if (width === 2) {
      const src = new Int16Array(bytes.buffer, bytes.byteOffset, count);
      return (i) => formatDecimal(src[i]!, scale);
    }
    if (width === 4) {
      const src = new Int32Array(bytes.buffer, bytes.byteOffset, count);
      return (i) => formatDecimal(src[i]!, scale);
    }
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, (count * width) / 4);
    return width === 8 ? (i) => formatDecimal(int64At(words, i), scale) : (i) => formatDecimal(int128At(words, i), scale);
  };
}

const timestampReader: Reader = (m) => {
  const count = m.offset + m.length;
  const bytes = vectorBytes(m.vector, count * 8);
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, count * 2);
  return (i) => formatTimestamp(int64At(words, i));
};

function readerFor(t: SparkType, duck: DuckDBType): Reader | undefined {
  if (t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_NTZ') {
    const micros = duck.typeId === DuckDBTypeId.TIMESTAMP || duck.typeId === DuckDBTypeId.TIMESTAMP_TZ;
    return micros ? timestampReader : undefined;
  }
  if (t.kind === 'DECIMAL') {
    const width = decimalWidth(duck, t);
    return width === undefined ? undefined : decimalReader(width, t.scale);
  }
  return undefined;
}

/**
 * Spark text for DECIMAL and timestamp columns when the client did not ask for them natively,
 * formatted straight from vector memory; undefined when the generic value path must do it.
 */
export function fastTextColumnData(
  t: SparkType,
  at: DataType,
  duck: DuckDBType | undefined,
  slices: readonly ChunkSlice[],
  column: number,
): Data | undefined {
  if (duck === undefined || at.typeId !== Type.Utf8) return undefined;
  const reader = readerFor(t, duck);
  if (reader === undefined) return undefined;
  const { memory, length, nullBitmap, nullCount } = readSliceMemory(slices, column);
  const strings: (string | null)[] = new Array(length);
  let row = 0;
  for (const m of memory) {
    const read = reader(m);
    for (let i = m.offset; i < m.offset + m.length; i++) strings[row++] = isValid(m.validity, i) ? read(i) : null;
  }
  return makeAnyData({ type: at, length, nullCount, nullBitmap, ...utf8Column(strings) });
}
