import { isUtf8 } from 'node:buffer';
import type { ByteSink } from './byte-sink.js';
import { ensure, viewOf, writeText } from './byte-sink.js';
import { MAX_NUMBER_BYTES, writeAscii, writeDouble, writeInt, writeScaled } from './byte-digits.js';
import { columnCodec, view } from './column-codec.js';
import type { ColumnData } from './decode-arrow-chunk.js';
import { writeDate, writeMicros } from './byte-temporal.js';

/*
 * The record encoder's inner loop. Every column gets a plan of one shape (a kind and typed views
 * of its buffers), and one loop switches on the kind: the value writers are monomorphic calls
 * V8 inlines, where a function per column (one indirect call per value) cost about twice as much.
 * Kinds without a fast path go through the column's codec as text.
 */

const GENERIC = 0;
const NULL_TYPE = 1;
const BOOL = 2;
const INT32 = 3;
const INT64 = 4;
const FLOAT64 = 5;
const DECIMAL = 6;
const DATE_DAYS = 7;
const TIMESTAMP_MICROS = 8;
const STRING = 9;

/** Bytes a value of each kind needs at most on its fast path (strings are checked per value). */
function maxBytes(plan: ColumnPlan): number {
  switch (plan.kind) {
    case NULL_TYPE:
    case BOOL:
      return 5;
    case INT32:
      return 11;
    case INT64:
      return 21;
    case FLOAT64:
      return MAX_NUMBER_BYTES;
    case DECIMAL:
      // Sign, 16 digits below 2^53, point, leading zero and the scale's digits.
      return 20 + Math.abs(plan.scale);
    case DATE_DAYS:
      return 24;
    case TIMESTAMP_MICROS:
      return 40;
    default:
      return 0;
  }
}

const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_INTS = new Int32Array(0);
const EMPTY_WORDS = new Uint32Array(0);
const EMPTY_DOUBLES = new Float64Array(0);
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

function wordsOf(bytes: Uint8Array): Int32Array {
  const words = new Int32Array(bytes.length >> 2);
  const view = viewOf(bytes);
  for (let w = 0; w < words.length; w++) words[w] = view.getInt32(4 * w, true);
  return words;
}

interface ColumnPlan {
  kind: number;
  /** Validity bitmap, null when the column has no nulls. */
  validity: Uint8Array | null;
  /** `"name":` (after a `,` or `{`). */
  key: Uint8Array;
  /** The key followed by `null`. */
  keyNull: Uint8Array;
  /** The key's bytes as little-endian 32-bit words (the last partial word left out). */
  keyWords: Int32Array;
  keyNullWords: Int32Array;
  ints: Int32Array;
  words: Uint32Array;
  doubles: Float64Array;
  bytes: Uint8Array;
  /** A view of `bytes` (strings), for 4-byte loads. */
  bytesView: DataView;
  offsets: Int32Array;
  /** Decimal: 32-bit words per value. */
  stride: number;
  /** Decimal scale. */
  scale: number;
  /** Timestamps: a UTC instant (`Z`); strings: no byte needs escaping. */
  flag: boolean;
  /** The value as JSON text, for kinds and values without a fast path. */
  json: (row: number) => string;
}

function planColumn(column: ColumnData, key: Uint8Array, start: number, end: number): ColumnPlan {
  const keyNull = Buffer.concat([key, Buffer.from('null')]);
  // Built on first use: most columns never need it.
  let codec: ReturnType<typeof columnCodec> | undefined;
  const plan: ColumnPlan = {
    kind: GENERIC,
    validity: column.validity,
    key,
    keyNull,
    keyWords: wordsOf(key),
    keyNullWords: wordsOf(keyNull),
    ints: EMPTY_INTS,
    words: EMPTY_WORDS,
    doubles: EMPTY_DOUBLES,
    bytes: EMPTY_BYTES,
    bytesView: EMPTY_VIEW,
    offsets: EMPTY_INTS,
    stride: 0,
    scale: 0,
    flag: false,
    json: (row) => (codec ??= columnCodec(column)).json(row),
  };
  const type = column.field.type;
  const values = column.values;
  switch (type.kind) {
    case 'null':
      plan.kind = NULL_TYPE;
      break;
    case 'bool':
      plan.kind = BOOL;
      plan.bytes = values!;
      break;
    case 'int':
      if (type.signed && type.bitWidth === 64) {
        plan.kind = INT64;
        plan.ints = view(Int32Array, values!, column.length * 2);
      } else if (type.signed && type.bitWidth === 32) {
        plan.kind = INT32;
        plan.ints = view(Int32Array, values!, column.length);
      }
      break;
    case 'float':
      if (type.bitWidth === 64) {
        plan.kind = FLOAT64;
        plan.doubles = view(Float64Array, values!, column.length);
      }
      break;
    case 'decimal':
      plan.kind = DECIMAL;
      plan.stride = type.bitWidth / 32;
      plan.scale = type.scale;
      plan.words = view(Uint32Array, values!, column.length * plan.stride);
      break;
    case 'date':
      if (type.unit === 'day') {
        plan.kind = DATE_DAYS;
        plan.ints = view(Int32Array, values!, column.length);
      }
      break;
    case 'timestamp':
      if (type.unit === 'microsecond') {
        plan.kind = TIMESTAMP_MICROS;
        plan.ints = view(Int32Array, values!, column.length * 2);
        // A time zone means UTC instants (Databricks TIMESTAMP); none means TIMESTAMP_NTZ.
        plan.flag = type.timezone !== null;
      }
      break;
    case 'utf8': {
      // Text that stands for another SQL type (native Arrow types off) goes through the codec.
      const sqlName = column.field.sqlName;
      // Invalid UTF-8 goes through the decoder too, which writes replacement characters.
      // Only the rows written are checked, so writing a batch in slices stays linear.
      const used = values!.subarray(column.offsets![start]!, column.offsets![end]!);
      if ((sqlName === null || sqlName.toUpperCase() === 'STRING') && isUtf8(used)) {
        plan.kind = STRING;
        plan.bytes = values!;
        plan.bytesView = viewOf(values!);
        plan.offsets = column.offsets!;
        plan.flag = !needsEscape(used);
      }
      break;
    }
    default:
      break;
  }
  return plan;
}

/** JSON escapes `"`, `\` and control characters; every other character may stay raw. */
const ESCAPED = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPED[b] = 1;
ESCAPED[0x22] = 1;
ESCAPED[0x5c] = 1;

function needsEscape(bytes: Uint8Array): boolean {
  // Four bytes at a time: "has a byte less than n" and "has a zero byte" from Sean Anderson's
  // Bit Twiddling Hacks, exact for whether such a byte exists.
  const view = viewOf(bytes);
  const words = bytes.length >> 2;
  for (let w = 0; w < words; w++) {
    const x = view.getInt32(w << 2, true);
    const quote = x ^ 0x22222222;
    const backslash = x ^ 0x5c5c5c5c;
    const control = (x - 0x20202020) & ~x;
    if (((control | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080) !== 0) return true;
  }
  for (let k = words << 2; k < bytes.length; k++) if (ESCAPED[bytes[k]!] === 1) return true;
  return false;
}

/** Copies constant bytes given also as words (see `wordsOf`). */
function copy(buf: Uint8Array, view: DataView, pos: number, bytes: Uint8Array, words: Int32Array): number {
  // A native copy wins from a few dozen bytes on.
  if (bytes.length > 32) {
    buf.set(bytes, pos);
    return pos + bytes.length;
  }
  for (let w = 0; w < words.length; w++) {
    view.setInt32(pos, words[w]!, true);
    pos += 4;
  }
  for (let b = words.length << 2; b < bytes.length; b++) buf[pos++] = bytes[b]!;
  return pos;
}

function grow(sink: ByteSink, pos: number, extra: number): Buffer {
  sink.pos = pos;
  ensure(sink, extra);
  return sink.buf;
}

/** Writes a JSON text through the sink (any size, any character) and returns the new position. */
function writeJson(sink: ByteSink, pos: number, json: string): number {
  sink.pos = pos;
  writeText(sink, json);
  return sink.pos;
}

/**
 * Appends, for rows `start` to `end - 1`, `prefix` + `{"name":value,...}` + `suffix` with the
 * given columns under the given names (already JSON-quoted, e.g. `"id"`); records where each row
 * ends in `ends` (indexed from `start`) when given.
 */
export function writeRows(
  columns: readonly ColumnData[],
  quotedNames: readonly string[],
  start: number,
  end: number,
  sink: ByteSink,
  prefix: string,
  suffix: string,
  ends: Int32Array | null,
): void {
  const plans = columns.map((c, k) => planColumn(c, Buffer.from((k === 0 ? '{' : ',') + quotedNames[k] + ':'), start, end));
  const head = Buffer.from(prefix);
  const headWords = wordsOf(head);
  const tail = Buffer.from(plans.length === 0 ? '{}' + suffix : '}' + suffix);
  const tailWords = wordsOf(tail);
  const count = plans.length;
  // Room for a row whose strings are empty and whose slow-path values are written separately.
  let fixed = head.length + tail.length;
  for (const p of plans) fixed += p.keyNull.length + maxBytes(p);
  let buf = sink.buf;
  let view = sink.view;
  let pos = sink.pos;
  for (let i = start; i < end; i++) {
    if (pos + fixed > buf.length) {
      buf = grow(sink, pos, fixed);
      view = sink.view;
    }
    pos = copy(buf, view, pos, head, headWords);
    for (let k = 0; k < count; k++) {
      const p = plans[k]!;
      const validity = p.validity;
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) {
        pos = copy(buf, view, pos, p.keyNull, p.keyNullWords);
        continue;
      }
      pos = copy(buf, view, pos, p.key, p.keyWords);
      switch (p.kind) {
        case INT64: {
          const high = p.ints[2 * i + 1]!;
          // |value| < 2^53: exact in a double; the rest through BigInt.
          if (high >= -0x200000 && high < 0x200000) pos = writeInt(buf, pos, high * 4294967296 + (p.ints[2 * i]! >>> 0));
          else pos = writeAscii(buf, pos, p.json(i));
          break;
        }
        case INT32:
          pos = writeInt(buf, pos, p.ints[i]!);
          break;
        case FLOAT64:
          pos = writeDouble(buf, pos, p.doubles[i]!);
          break;
        case STRING: {
          const start = p.offsets[i]!;
          const end = p.offsets[i + 1]!;
          const bytes = p.bytes;
          if (pos + (end - start) * 6 + fixed > buf.length) {
            buf = grow(sink, pos, (end - start) * 6 + fixed);
            view = sink.view;
          }
          buf[pos++] = 34;
          if (!p.flag) pos = writeEscaped(buf, pos, bytes, start, end);
          else if (end - start > 64) {
            buf.set(bytes.subarray(start, end), pos);
            pos += end - start;
          } else {
            const from = p.bytesView;
            let b = start;
            for (; b + 4 <= end; b += 4) {
              view.setInt32(pos, from.getInt32(b, true), true);
              pos += 4;
            }
            for (; b < end; b++) buf[pos++] = bytes[b]!;
          }
          buf[pos++] = 34;
          break;
        }
        case DECIMAL: {
          const at = i * p.stride;
          const w1 = p.words[at + 1]!;
          let high = 0;
          const extend = w1 & 0x80000000 ? 0xffffffff : 0;
          for (let w = 2; w < p.stride; w++) high |= p.words[at + w]! ^ extend;
          // Values within ±2^53 are exact in a double; the rest go through BigInt.
          if (high === 0 && (w1 < 0x200000 || w1 >= 0xffe00000) && p.scale < 40) {
            pos = writeScaled(buf, pos, (w1 | 0) * 4294967296 + p.words[at]!, p.scale);
          } else {
            pos = writeJson(sink, pos, p.json(i));
            if (pos + fixed > sink.buf.length) grow(sink, pos, fixed);
            buf = sink.buf;
            view = sink.view;
          }
          break;
        }
        case BOOL:
          if (((p.bytes[i >> 3]! >> (i & 7)) & 1) === 1) {
            buf[pos] = 116; // true
            buf[pos + 1] = 114;
            buf[pos + 2] = 117;
            buf[pos + 3] = 101;
            pos += 4;
          } else {
            buf[pos] = 102; // false
            buf[pos + 1] = 97;
            buf[pos + 2] = 108;
            buf[pos + 3] = 115;
            buf[pos + 4] = 101;
            pos += 5;
          }
          break;
        case DATE_DAYS: {
          buf[pos++] = 34;
          pos = writeDate(buf, pos, p.ints[i]!);
          buf[pos++] = 34;
          break;
        }
        case TIMESTAMP_MICROS: {
          const high = p.ints[2 * i + 1]!;
          const next = high >= -0x200000 && high < 0x200000 ? writeMicros(buf, pos, high * 4294967296 + (p.ints[2 * i]! >>> 0), p.flag) : -1;
          if (next >= 0) pos = next;
          else {
            pos = writeJson(sink, pos, p.json(i));
            if (pos + fixed > sink.buf.length) grow(sink, pos, fixed);
            buf = sink.buf;
            view = sink.view;
          }
          break;
        }
        case NULL_TYPE:
          pos = writeAscii(buf, pos, 'null');
          break;
        default:
          pos = writeJson(sink, pos, p.json(i));
          if (pos + fixed > sink.buf.length) grow(sink, pos, fixed);
          buf = sink.buf;
          view = sink.view;
          break;
      }
    }
    pos = copy(buf, view, pos, tail, tailWords);
    if (ends !== null) ends[i - start] = pos;
  }
  sink.pos = pos;
}

/** String bytes with `"`, `\` and control characters escaped. */
function writeEscaped(buf: Uint8Array, pos: number, bytes: Uint8Array, start: number, end: number): number {
  for (let k = start; k < end; k++) {
    const b = bytes[k]!;
    if (ESCAPED[b] === 0) buf[pos++] = b;
    else pos = writeEscape(buf, pos, b);
  }
  return pos;
}

const HEX = '0123456789abcdef';

function writeEscape(buf: Uint8Array, pos: number, b: number): number {
  buf[pos++] = 92; // '\'
  switch (b) {
    case 0x22:
      buf[pos++] = 34;
      return pos;
    case 0x5c:
      buf[pos++] = 92;
      return pos;
    case 0x0a:
      buf[pos++] = 110;
      return pos;
    case 0x0d:
      buf[pos++] = 114;
      return pos;
    case 0x09:
      buf[pos++] = 116;
      return pos;
    case 0x08:
      buf[pos++] = 98;
      return pos;
    case 0x0c:
      buf[pos++] = 102;
      return pos;
    default:
      buf[pos++] = 117; // 'u'
      buf[pos++] = 48;
      buf[pos++] = 48;
      buf[pos++] = HEX.charCodeAt(b >> 4);
      buf[pos++] = HEX.charCodeAt(b & 15);
      return pos;
  }
}
