import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { Type, type Data, type DataType } from 'apache-arrow';
import { makeAnyData as make } from './arrow-data.js';
import type { SparkType } from '../spark-type.js';
import { dateDays, decimalUnscaled, sparkText, structEntry, timestampMicros } from './value-text.js';
import { validityOf } from './validity-bits.js';

const utf8 = new TextEncoder();

/**
 * Utf8 buffers for strings, encoded in one call: per-value TextEncoder calls cost more than
 * formatting the values. Offsets come from string lengths when everything is ASCII.
 */
export function utf8Column(strings: readonly (string | null)[]): { valueOffsets: Int32Array; data: Uint8Array } {
  const joined = strings.join('');
  const data = Buffer.from(joined, 'utf8');
  const valueOffsets = new Int32Array(strings.length + 1);
  const ascii = data.length === joined.length;
  let total = 0;
  for (let i = 0; i < strings.length; i++) {
    const str = strings[i];
    if (str) total += ascii ? str.length : Buffer.byteLength(str, 'utf8');
    valueOffsets[i + 1] = total;
  }
  return { valueOffsets, data };
}

function variableWidth(chunks: readonly (Uint8Array | null)[]): { valueOffsets: Int32Array; data: Uint8Array } {
  const valueOffsets = new Int32Array(chunks.length + 1);
  let total = 0;
  for (let i = 0; i < chunks.length; i++) {
    total += chunks[i]?.length ?? 0;
    valueOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (c) data.set(c, valueOffsets[i]!);
  }
  return { valueOffsets, data };
}

function listItems(v: DuckDBValue): readonly DuckDBValue[] {
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items;
  throw new TypeError(`not a list: ${String(v)}`);
}

/**
 * The generic path: Arrow data for one column from node-api values, for every Spark type at any
 * nesting depth. `at` is the Arrow type arrowType() chose for `t`.
 */
export function valueColumnData(t: SparkType, at: DataType, values: readonly DuckDBValue[]): Data {
  const length = values.length;
  const { nullBitmap, nullCount } = validityOf(values);
  const base = { type: at, length, nullCount, nullBitmap };
  switch (at.typeId) {
    case Type.Null:
      return make({ type: at, length, nullCount: length });
    case Type.Bool: {
      const bits = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) bits[i >> 3]! |= 1 << (i & 7);
      return make({ ...base, data: bits });
    }
    case Type.Int: {
      const ArrayType = (at as unknown as { ArrayType: new (n: number) => ArrayLike<number | bigint> }).ArrayType;
      const data = new ArrayType(length) as unknown as (number | bigint)[];
      const wide = data instanceof BigInt64Array;
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) data[i] = wide ? BigInt(v as number | bigint) : Number(v);
      }
      return make({ ...base, data });
    }
    case Type.Float: {
      const data = (at as unknown as { precision: number }).precision === 1 ? new Float32Array(length) : new Float64Array(length);
      for (let i = 0; i < length; i++) if (values[i] !== null) data[i] = Number(values[i]);
      return make({ ...base, data });
    }
    case Type.Decimal: {
      const scale = t.kind === 'DECIMAL' ? t.scale : 0;
      const words = new BigUint64Array(length * 2); // 128-bit little-endian two's complement
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        const x = BigInt.asUintN(128, decimalUnscaled(v, scale));
        words[2 * i] = BigInt.asUintN(64, x);
        words[2 * i + 1] = x >> 64n;
      }
      return make({ ...base, data: new Uint32Array(words.buffer) });
    }
    case Type.Date: {
      const data = new Int32Array(length);
      for (let i = 0; i < length; i++) if (values[i] !== null) data[i] = dateDays(values[i]!);
      return make({ ...base, data });
    }
    case Type.Timestamp: {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) if (values[i] !== null) data[i] = timestampMicros(values[i]!);
      return make({ ...base, data });
    }
    case Type.Utf8:
      return make({ ...base, ...utf8Column(values.map((v) => (v === null ? null : sparkText(t, v)))) });
    case Type.Binary:
      return make({
        ...base,
        ...variableWidth(values.map((v) => (v === null ? null : v instanceof DuckDBBlobValue ? v.bytes : utf8.encode(String(v))))),
      });
    case Type.List: {
      if (t.kind !== 'ARRAY') throw new TypeError(`Arrow List for ${t.kind}`);
      const valueOffsets = new Int32Array(length + 1);
      const flat: DuckDBValue[] = [];
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) for (const item of listItems(v)) flat.push(item);
        valueOffsets[i + 1] = flat.length;
      }
      const child = valueColumnData(t.element, at.children[0]!.type, flat);
      return make({ ...base, valueOffsets, child });
    }
    case Type.Map: {
      if (t.kind !== 'MAP') throw new TypeError(`Arrow Map for ${t.kind}`);
      const valueOffsets = new Int32Array(length + 1);
      const keys: DuckDBValue[] = [];
      const vals: DuckDBValue[] = [];
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v instanceof DuckDBMapValue) {
          for (const e of v.entries) {
            keys.push(e.key);
            vals.push(e.value);
          }
        }
        valueOffsets[i + 1] = keys.length;
      }
      const entriesType = at.children[0]!.type as DataType;
      const child = make({
        type: entriesType,
        length: keys.length,
        nullCount: 0,
        nullBitmap: new Uint8Array(0),
        children: [
          valueColumnData(t.key, entriesType.children[0]!.type, keys),
          valueColumnData(t.value, entriesType.children[1]!.type, vals),
        ],
      });
      return make({ ...base, valueOffsets, child });
    }
    case Type.Struct: {
      if (t.kind !== 'STRUCT') throw new TypeError(`Arrow Struct for ${t.kind}`);
      const children = t.fields.map((f, j) =>
        valueColumnData(
          f.type,
          at.children[j]!.type,
          values.map((v) => (v instanceof DuckDBStructValue ? structEntry(v, f.name, j) : null)),
        ),
      );
      return make({ ...base, children });
    }
    default:
      throw new TypeError(`no Arrow encoder for ${String(at)}`);
  }
}
