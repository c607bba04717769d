import { isUtf8 } from 'node:buffer';
import { columnCodec, view } from './column-codec.js';
import type { ColumnData } from './decode-arrow-chunk.js';
import { doubleJson, floatJson } from './format-number.js';
import { civilDate, MICROS_PER_DAY } from './format-temporal.js';

/**
 * Growing byte buffer the row writers append UTF-8 JSON to. Writing bytes straight from the
 * Arrow buffers avoids one JS string per value and the cost of concatenating them into rows.
 */
export interface ByteSink {
  buf: Buffer;
  pos: number;
}

export function createSink(capacity: number): ByteSink {
  return { buf: Buffer.allocUnsafe(Math.max(1024, capacity)), pos: 0 };
}

export function ensure(sink: ByteSink, extra: number): void {
  if (sink.pos + extra <= sink.buf.length) return;
  const grown = Buffer.allocUnsafe(Math.max(sink.buf.length * 2, sink.pos + extra));
  sink.buf.copy(grown, 0, 0, sink.pos);
  sink.buf = grown;
}

/** Appends a string that may hold any character. */
export function writeText(sink: ByteSink, text: string): void {
  ensure(sink, text.length * 3);
  sink.pos += sink.buf.write(text, sink.pos, 'utf8');
}

/** Appends a string known to be ASCII (digits, dates, base64...). */
function writeAscii(sink: ByteSink, text: string): void {
  const n = text.length;
  ensure(sink, n);
  const buf = sink.buf;
  let pos = sink.pos;
  for (let k = 0; k < n; k++) buf[pos++] = text.charCodeAt(k);
  sink.pos = pos;
}

export function writeBytes(sink: ByteSink, bytes: Uint8Array): void {
  const n = bytes.length;
  ensure(sink, n);
  const buf = sink.buf;
  // A native copy wins over the loop from a few dozen bytes on.
  if (n > 32) {
    buf.set(bytes, sink.pos);
    sink.pos += n;
    return;
  }
  let pos = sink.pos;
  for (let k = 0; k < n; k++) buf[pos++] = bytes[k]!;
  sink.pos = pos;
}

const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

function digitCount(v: number): number {
  let n = 1;
  while (v >= 10_000) {
    v = Math.floor(v / 10_000);
    n += 4;
  }
  return v >= 1000 ? n + 3 : v >= 100 ? n + 2 : v >= 10 ? n + 1 : n;
}

/**
 * Appends a safe integer's digits, with a decimal point `scale` digits from the right
 * (at least one digit before it). Integer arithmetic on doubles is exact below 2^53.
 */
function writeScaled(sink: ByteSink, value: number, scale: number): void {
  let v = value;
  ensure(sink, 18 + scale);
  const buf = sink.buf;
  if (v < 0) {
    buf[sink.pos++] = 45; // '-'
    v = -v;
  }
  const digits = Math.max(digitCount(v), scale + 1);
  const end = sink.pos + digits + (scale > 0 ? 1 : 0);
  let pos = end;
  for (let k = 0; k < scale; k++) {
    const q = Math.floor(v / 10);
    buf[--pos] = 48 + (v - q * 10);
    v = q;
  }
  if (scale > 0) buf[--pos] = 46; // '.'
  while (pos > sink.pos) {
    const q = v < 2147483648 ? (v / 10) | 0 : Math.floor(v / 10);
    buf[--pos] = 48 + (v - q * 10);
    v = q;
  }
  sink.pos = end;
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/**
 * Appends a double as JS prints it (shortest round trip). Values with up to 6 decimals are
 * written from integer arithmetic: when 10^-s exceeds the value's ulp (|m| < 2^52) exactly one
 * number with s decimals rounds to the value, so without trailing zeros it is the shortest
 * form, the one JS prints (fixed notation, as 1e-6 <= |value| < 2^52).
 */
export function writeDouble(sink: ByteSink, value: number): void {
  if (value !== 0) {
    for (let s = 0; s < POWERS_OF_TEN.length; s++) {
      let m = value * POWERS_OF_TEN[s]!;
      if (m > 4503599627370496 || m < -4503599627370496) break;
      if (Number.isInteger(m) && m / POWERS_OF_TEN[s]! === value) {
        // The product can round to an integer one power too late (4942.36 * 100 is not
        // integral, * 1000 is): the same decimal with its trailing zeros dropped.
        let scale = s;
        while (scale > 0 && m % 10 === 0) {
          m /= 10;
          scale--;
        }
        writeScaled(sink, m, scale);
        return;
      }
    }
  }
  writeAscii(sink, doubleJson(value));
}

function writeTwo(buf: Buffer, pos: number, v: number): void {
  const tens = (v / 10) | 0;
  buf[pos] = 48 + tens;
  buf[pos + 1] = 48 + v - tens * 10;
}

/** Appends the quoted ISO text of a timestamp given as safe-integer microseconds. */
function writeMicros(sink: ByteSink, micros: number, zone: boolean): boolean {
  let days = Math.floor(micros / MICROS_PER_DAY);
  let rest = micros - days * MICROS_PER_DAY;
  if (rest < 0) {
    days--;
    rest += MICROS_PER_DAY;
  } else if (rest >= MICROS_PER_DAY) {
    days++;
    rest -= MICROS_PER_DAY;
  }
  const date = civilDate(days);
  if (date.bc) return false;
  writeAscii(sink, date.text);
  ensure(sink, 20);
  const buf = sink.buf;
  const pos = sink.pos;
  const seconds = Math.floor(rest / 1_000_000);
  let fraction = rest - seconds * 1_000_000;
  const hours = (seconds / 3600) | 0;
  const minutes = ((seconds - hours * 3600) / 60) | 0;
  buf[pos] = 84; // 'T'
  writeTwo(buf, pos + 1, hours);
  buf[pos + 3] = 58;
  writeTwo(buf, pos + 4, minutes);
  buf[pos + 6] = 58;
  writeTwo(buf, pos + 7, seconds - hours * 3600 - minutes * 60);
  buf[pos + 9] = 46;
  for (let k = 15; k >= 10; k--) {
    const q = (fraction / 10) | 0;
    buf[pos + k] = 48 + fraction - q * 10;
    fraction = q;
  }
  let end = pos + 16;
  if (zone) buf[end++] = 90; // 'Z'
  buf[end++] = 34;
  sink.pos = end;
  return true;
}

/** A function appending one row's value of a column (JSON, `null` for SQL NULL) to the sink. */
export type ValueWriter = (row: number) => void;

/**
 * Builds the writer of a top-level column: it appends `before` (the object key and what
 * precedes it) and the value. The hot types write bytes directly.
 */
export function valueWriter(column: ColumnData, sink: ByteSink, before: Uint8Array): ValueWriter {
  const validity = column.validity;
  const type = column.field.type;
  const withNull = Buffer.concat([before, NULL]);
  const writeNull = (): void => writeBytes(sink, withNull);
  const nullable = (write: ValueWriter): ValueWriter =>
    validity === null
      ? (i) => {
          writeBytes(sink, before);
          write(i);
        }
      : (i) => {
          if (((validity[i >> 3]! >> (i & 7)) & 1) === 0) writeNull();
          else {
            writeBytes(sink, before);
            write(i);
          }
        };
  const values = column.values;
  switch (type.kind) {
    case 'null':
      return writeNull;
    case 'bool': {
      const bits = values!;
      return nullable((i) => writeBytes(sink, ((bits[i >> 3]! >> (i & 7)) & 1) === 1 ? TRUE : FALSE));
    }
    case 'int': {
      if (type.bitWidth === 64 && type.signed) {
        const halves = view(Int32Array, values!, column.length * 2);
        const codec = columnCodec(column);
        return nullable((i) => {
          const high = halves[2 * i + 1]!;
          if (high >= -0x200000 && high < 0x200000) writeScaled(sink, high * 4294967296 + (halves[2 * i]! >>> 0), 0);
          else writeAscii(sink, codec.json(i));
        });
      }
      if (type.bitWidth === 32 && type.signed) {
        const ints = view(Int32Array, values!, column.length);
        return nullable((i) => writeScaled(sink, ints[i]!, 0));
      }
      break;
    }
    case 'float': {
      if (type.bitWidth === 64) {
        const doubles = view(Float64Array, values!, column.length);
        return nullable((i) => writeDouble(sink, doubles[i]!));
      }
      if (type.bitWidth === 32) {
        const floats = view(Float32Array, values!, column.length);
        return nullable((i) => writeAscii(sink, floatJson(floats[i]!)));
      }
      break;
    }
    case 'decimal': {
      const words = view(Uint32Array, values!, column.length * (type.bitWidth / 32));
      const stride = type.bitWidth / 32;
      const scale = type.scale;
      const codec = columnCodec(column);
      return nullable((i) => {
        const at = i * stride;
        const w1 = words[at + 1]!;
        let high = 0;
        for (let k = 2; k < stride; k++) high |= words[at + k]! ^ (w1 & 0x80000000 ? 0xffffffff : 0);
        // Values within ±2^53 take the double fast path; the rest go through BigInt.
        if (high === 0 && scale >= 0 && (w1 < 0x200000 || w1 >= 0xffe00000)) {
          const signed = (w1 | 0) * 4294967296 + words[at]!;
          writeScaled(sink, signed, scale);
        } else writeAscii(sink, codec.json(i));
      });
    }
    case 'date': {
      if (type.unit === 'day') {
        const days = view(Int32Array, values!, column.length);
        return nullable((i) => {
          const date = civilDate(days[i]!);
          writeBytes(sink, QUOTE);
          writeAscii(sink, date.bc ? date.text + ' BC' : date.text);
          writeBytes(sink, QUOTE);
        });
      }
      break;
    }
    case 'timestamp': {
      if (type.unit === 'microsecond') {
        const halves = view(Int32Array, values!, column.length * 2);
        const zone = type.timezone !== null;
        const codec = columnCodec(column);
        return nullable((i) => {
          const high = halves[2 * i + 1]!;
          if (high >= -0x200000 && high < 0x200000) {
            const mark = sink.pos;
            writeBytes(sink, QUOTE);
            if (writeMicros(sink, high * 4294967296 + (halves[2 * i]! >>> 0), zone)) return;
            sink.pos = mark;
          }
          writeAscii(sink, codec.json(i));
        });
      }
      break;
    }
    case 'utf8': {
      if (column.field.sqlName === null || column.field.sqlName.toUpperCase() === 'STRING') {
        const direct = utf8Writer(column, sink);
        if (direct !== null) return nullable(direct);
      }
      break;
    }
    default:
      break;
  }
  const codec = columnCodec(column);
  return nullable((i) => writeText(sink, codec.json(i)));
}

const QUOTE = Buffer.from('"');

/**
 * Strings are copied as UTF-8 bytes, escaping only `"`, `\` and control characters (JSON
 * allows every other character raw). Returns null for data that is not valid UTF-8, which then
 * goes through the decoder and its replacement characters.
 */
function utf8Writer(column: ColumnData, sink: ByteSink): ValueWriter | null {
  const data = column.values!;
  const offsets = column.offsets!;
  if (!isUtf8(data)) return null;
  let plain = true;
  for (let k = 0; k < data.length; k++) {
    const b = data[k]!;
    if (b < 0x20 || b === 0x22 || b === 0x5c) {
      plain = false;
      break;
    }
  }
  return (i) => {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    ensure(sink, (end - start) * 6 + 2);
    const buf = sink.buf;
    let pos = sink.pos;
    buf[pos++] = 34;
    if (plain) {
      for (let k = start; k < end; k++) buf[pos++] = data[k]!;
    } else {
      for (let k = start; k < end; k++) {
        const b = data[k]!;
        if (b >= 0x20 && b !== 0x22 && b !== 0x5c) buf[pos++] = b;
        else pos = writeEscape(buf, pos, b);
      }
    }
    buf[pos++] = 34;
    sink.pos = pos;
  };
}

const HEX = '0123456789abcdef';

function writeEscape(buf: Buffer, pos: number, b: number): number {
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
