import { isAscii } from 'node:buffer';
import type { ExactValue } from '../../client/warehouse.js';
import { UnsupportedArrowError } from './arrow-schema.js';
import type { ColumnData } from './decode-arrow-chunk.js';
import {
  decimalText,
  doubleJson,
  floatJson,
  int64Text,
  isJsonNumberLiteral,
  uint64Text,
} from './format-number.js';
import { formatDate, formatDateMillis, formatEpochBig, formatMicros, sparkTimestampText } from './format-temporal.js';

/**
 * Reads the values of one Arrow column straight from its buffers. `json`, `text` and `value`
 * are only called for rows where `isNull` is false.
 */
export interface ColumnCodec {
  isNull(row: number): boolean;
  /** The value as JSON text (numbers exact, strings escaped). */
  json(row: number): string;
  /** The value as plain text: strings unquoted, numbers as digits, timestamps ISO, nested values as JSON. */
  text(row: number): string;
  /** The value as an exact JS value: 64-bit integers and decimals as strings, timestamps as ISO text. */
  value(row: number): ExactValue;
}

const codecs = new WeakMap<ColumnData, ColumnCodec>();

/** The codec of a column, built once per column. */
export function columnCodec(column: ColumnData): ColumnCodec {
  let codec = codecs.get(column);
  if (codec === undefined) {
    codec = buildCodec(column);
    codecs.set(column, codec);
  }
  return codec;
}

function buildCodec(column: ColumnData): ColumnCodec {
  const type = column.field.type;
  const isNull = nullTest(column);
  switch (type.kind) {
    case 'null':
      return { isNull: () => true, json: () => 'null', text: () => '', value: () => null };
    case 'bool': {
      const bits = column.values!;
      const get = (i: number): boolean => ((bits[i >> 3]! >> (i & 7)) & 1) === 1;
      return { isNull, json: (i) => (get(i) ? 'true' : 'false'), text: (i) => (get(i) ? 'true' : 'false'), value: get };
    }
    case 'int': {
      if (type.bitWidth === 64) {
        const halves = view(Int32Array, column.values!, column.length * 2);
        const text = type.signed
          ? (i: number) => int64Text(halves[2 * i]!, halves[2 * i + 1]!)
          : (i: number) => uint64Text(halves[2 * i]!, halves[2 * i + 1]!);
        return { isNull, json: text, text, value: text };
      }
      const values = intView(type.bitWidth, type.signed, column.values!, column.length);
      const text = (i: number): string => '' + values[i]!;
      return { isNull, json: text, text, value: (i) => values[i]! };
    }
    case 'float': {
      const values =
        type.bitWidth === 64
          ? view(Float64Array, column.values!, column.length)
          : type.bitWidth === 32
            ? view(Float32Array, column.values!, column.length)
            : halfFloats(view(Uint16Array, column.values!, column.length));
      const json = type.bitWidth === 32 ? (i: number) => floatJson(values[i]!) : (i: number) => doubleJson(values[i]!);
      const text = (i: number): string => unquote(json(i));
      const value = (i: number): ExactValue => {
        const v = values[i]!;
        return Number.isFinite(v) ? Number(json(i)) : text(i);
      };
      return { isNull, json, text, value };
    }
    case 'decimal': {
      const words = type.bitWidth / 32;
      const values = view(Uint32Array, column.values!, column.length * words);
      const scale = type.scale;
      const text = (i: number): string => decimalText(values, i * words, words, scale);
      return { isNull, json: text, text, value: text };
    }
    case 'date': {
      const text =
        type.unit === 'day'
          ? ((days) => (i: number) => formatDate(days[i]!))(view(Int32Array, column.values!, column.length))
          : ((halves) => (i: number) => formatDateMillis(halves[2 * i + 1]! * 4294967296 + (halves[2 * i]! >>> 0)))(
              view(Int32Array, column.values!, column.length * 2),
            );
      return quotedTextCodec(isNull, text);
    }
    case 'timestamp':
      return quotedTextCodec(isNull, timestampText(column));
    case 'utf8':
      return utf8Codec(column, isNull);
    case 'binary':
    case 'fixed-size-binary': {
      const data = column.values!;
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const offsets = column.offsets;
      const width = type.kind === 'fixed-size-binary' ? type.byteWidth : 0;
      const text =
        offsets !== null
          ? (i: number) => bytes.toString('base64', offsets[i]!, offsets[i + 1]!)
          : (i: number) => bytes.toString('base64', i * width, (i + 1) * width);
      return quotedTextCodec(isNull, text);
    }
    case 'list':
      return listCodec(column, isNull);
    case 'struct':
      return structCodec(column, isNull);
    case 'map':
      return mapCodec(column, isNull);
  }
}

function nullTest(column: ColumnData): (row: number) => boolean {
  const validity = column.validity;
  if (validity === null) return () => false;
  return (i) => ((validity[i >> 3]! >> (i & 7)) & 1) === 0;
}

function quotedTextCodec(isNull: (row: number) => boolean, text: (row: number) => string): ColumnCodec {
  return { isNull, json: (i) => '"' + text(i) + '"', text, value: text };
}

function unquote(json: string): string {
  return json.charCodeAt(0) === 34 ? json.slice(1, -1) : json;
}

export type TypedArrayConstructor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** A typed view of `count` elements; copies when the bytes are not aligned for the element size. */
export function view<T>(Ctor: TypedArrayConstructor<T>, bytes: Uint8Array, count: number): T {
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength < count * size) throw new UnsupportedArrowError('Arrow values buffer is too short');
  if (bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, count);
  const copy = new Uint8Array(bytes.subarray(0, count * size));
  return new Ctor(copy.buffer, 0, count);
}

function intView(bitWidth: 8 | 16 | 32, signed: boolean, bytes: Uint8Array, count: number): ArrayLike<number> {
  if (bitWidth === 8) return signed ? view(Int8Array, bytes, count) : view(Uint8Array, bytes, count);
  if (bitWidth === 16) return signed ? view(Int16Array, bytes, count) : view(Uint16Array, bytes, count);
  return signed ? view(Int32Array, bytes, count) : view(Uint32Array, bytes, count);
}

function halfFloats(bits: Uint16Array): Float64Array {
  const out = new Float64Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    out[i] =
      exponent === 0
        ? sign * 2 ** -14 * (mantissa / 1024)
        : exponent === 31
          ? mantissa === 0
            ? sign * Infinity
            : Number.NaN
          : sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
  }
  return out;
}

const UNITS_PER_SECOND = { second: 1n, millisecond: 1000n, microsecond: 1_000_000n, nanosecond: 1_000_000_000n };
const MICROS_FACTOR = { second: 1_000_000, millisecond: 1000, microsecond: 1, nanosecond: 0 };

function timestampText(column: ColumnData): (row: number) => string {
  const type = column.field.type;
  if (type.kind !== 'timestamp') throw new Error('unreachable');
  // A time zone means the values are UTC instants (Databricks TIMESTAMP: `Etc/UTC`);
  // without one they are wall-clock values (TIMESTAMP_NTZ).
  const suffix = type.timezone === null ? '' : 'Z';
  const halves = view(Int32Array, column.values!, column.length * 2);
  const unitsPerSecond = UNITS_PER_SECOND[type.unit];
  const digits = type.unit === 'nanosecond' ? 9 : 6;
  const factor = MICROS_FACTOR[type.unit];
  const big = (i: number): string =>
    formatEpochBig(
      BigInt.asIntN(64, (BigInt(halves[2 * i + 1]! >>> 0) << 32n) | BigInt(halves[2 * i]! >>> 0)),
      unitsPerSecond,
      digits,
      suffix,
    );
  if (factor === 0) return big;
  return (i) => {
    const high = halves[2 * i + 1]!;
    if (high >= -0x200000 && high < 0x200000) {
      const micros = (high * 4294967296 + (halves[2 * i]! >>> 0)) * factor;
      if (Number.isSafeInteger(micros)) return formatMicros(micros, suffix);
    }
    return big(i);
  };
}

/**
 * Utf8 values. The whole data buffer is decoded once and values are cut out of that string,
 * which is far cheaper than one decode per value. Databricks sends some types as text when
 * native Arrow types are off; the field's SQL type name tells which.
 */
function utf8Codec(column: ColumnData, isNull: (row: number) => boolean): ColumnCodec {
  const data = column.values!;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const byteOffsets = column.offsets!;
  const ascii = isAscii(bytes);
  const whole = ascii ? bytes.toString('latin1') : bytes.toString('utf8');
  const offsets = ascii ? byteOffsets : charOffsets(data, byteOffsets, column.length, whole.length);
  const text =
    offsets !== null
      ? (i: number) => whole.substring(offsets[i]!, offsets[i + 1]!)
      : (i: number) => bytes.toString('utf8', byteOffsets[i]!, byteOffsets[i + 1]!);
  // One scan tells whether any value needs escaping; usually none does.
  const plain = !/["\\\u0000-\u001f]/.test(whole);
  const stringJson = plain ? (i: number) => '"' + text(i) + '"' : (i: number) => JSON.stringify(text(i));
  const sqlName = (column.field.sqlName ?? '').toUpperCase();
  if (sqlName.startsWith('DECIMAL')) {
    return { isNull, json: (i) => numberOrString(text(i)), text, value: text };
  }
  if (sqlName === 'TIMESTAMP' || sqlName === 'TIMESTAMP_NTZ') {
    const suffix = sqlName === 'TIMESTAMP' ? 'Z' : '';
    const iso = (i: number): string => {
      const raw = text(i);
      return sparkTimestampText(raw, suffix) ?? raw;
    };
    return { isNull, json: (i) => JSON.stringify(iso(i)), text: iso, value: iso };
  }
  if (sqlName.startsWith('ARRAY') || sqlName.startsWith('MAP') || sqlName.startsWith('STRUCT')) {
    // Complex values arrive as JSON text; keep the server's text (exact numbers) once it parses.
    const json = (i: number): string => {
      const raw = text(i);
      try {
        JSON.parse(raw);
        return raw;
      } catch {
        return JSON.stringify(raw);
      }
    };
    return { isNull, json, text, value: (i) => parseJsonOrText(text(i)) };
  }
  return { isNull, json: stringJson, text, value: text };
}

function numberOrString(text: string): string {
  return isJsonNumberLiteral(text) ? text : JSON.stringify(text);
}

function parseJsonOrText(text: string): ExactValue {
  try {
    return JSON.parse(text) as ExactValue;
  } catch {
    return text;
  }
}

/**
 * UTF-16 offsets of each value in the decoded string: every UTF-8 byte that is not a
 * continuation byte starts one code unit, and 4-byte sequences need a surrogate pair. Returns
 * null when the data is not valid UTF-8 (the decoder then inserted replacement characters).
 */
function charOffsets(data: Uint8Array, byteOffsets: Int32Array, count: number, decodedLength: number): Int32Array | null {
  const out = new Int32Array(count + 1);
  let chars = 0;
  let at = byteOffsets[0]!;
  if (at !== 0) return null;
  for (let i = 0; i < count; i++) {
    const end = byteOffsets[i + 1]!;
    for (; at < end; at++) {
      const b = data[at]!;
      if ((b & 0xc0) !== 0x80) chars += b >= 0xf0 ? 2 : 1;
    }
    out[i + 1] = chars;
  }
  return chars === decodedLength && at === data.byteLength ? out : null;
}

function listCodec(column: ColumnData, isNull: (row: number) => boolean): ColumnCodec {
  const offsets = column.offsets!;
  const child = column.children[0]!;
  const codec = columnCodec(child);
  const json = (i: number): string => {
    const end = offsets[i + 1]!;
    let out = '[';
    for (let j = offsets[i]!; j < end; j++) {
      if (j > offsets[i]!) out += ',';
      out += codec.isNull(j) ? 'null' : codec.json(j);
    }
    return out + ']';
  };
  const value = (i: number): ExactValue => {
    const out: ExactValue[] = [];
    for (let j = offsets[i]!; j < offsets[i + 1]!; j++) out.push(codec.isNull(j) ? null : codec.value(j));
    return out;
  };
  return { isNull, json, text: json, value };
}

function structCodec(column: ColumnData, isNull: (row: number) => boolean): ColumnCodec {
  const children = column.children.map(columnCodec);
  const names = column.field.children.map((f) => f.name);
  const prefixes = names.map((name, k) => (k === 0 ? '{' : ',') + JSON.stringify(name) + ':');
  const json = (i: number): string => {
    if (children.length === 0) return '{}';
    let out = '';
    for (let k = 0; k < children.length; k++) {
      const codec = children[k]!;
      out += prefixes[k]! + (codec.isNull(i) ? 'null' : codec.json(i));
    }
    return out + '}';
  };
  const value = (i: number): ExactValue => {
    const out: Record<string, ExactValue> = {};
    for (let k = 0; k < children.length; k++) {
      const codec = children[k]!;
      out[names[k]!] = codec.isNull(i) ? null : codec.value(i);
    }
    return out;
  };
  return { isNull, json, text: json, value };
}

/** MAP is List<Struct<key, value>>; it becomes a JSON object whose keys are the keys' text. */
function mapCodec(column: ColumnData, isNull: (row: number) => boolean): ColumnCodec {
  const offsets = column.offsets!;
  const entries = column.children[0]!;
  const [keyColumn, valueColumn] = entries.children;
  if (keyColumn === undefined || valueColumn === undefined) throw new UnsupportedArrowError('Arrow map without key and value');
  const keys = columnCodec(keyColumn);
  const values = columnCodec(valueColumn);
  const keyJson = keyColumn.field.type.kind === 'utf8' ? keys.json : (j: number) => JSON.stringify(keys.text(j));
  const json = (i: number): string => {
    const end = offsets[i + 1]!;
    let out = '{';
    for (let j = offsets[i]!; j < end; j++) {
      if (j > offsets[i]!) out += ',';
      out += keyJson(j) + ':' + (values.isNull(j) ? 'null' : values.json(j));
    }
    return out + '}';
  };
  const value = (i: number): ExactValue => {
    const out: Record<string, ExactValue> = {};
    for (let j = offsets[i]!; j < offsets[i + 1]!; j++) out[keys.text(j)] = values.isNull(j) ? null : values.value(j);
    return out;
  };
  return { isNull, json, text: json, value };
}
