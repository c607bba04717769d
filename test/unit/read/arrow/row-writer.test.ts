import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as A from 'apache-arrow';
import { columnCodec } from '../../../../src/read/arrow/column-codec.js';
import { decodeArrowChunk } from '../../../../src/read/arrow/decode-arrow-chunk.js';
import type { DecodedBatch } from '../../../../src/read/arrow/decode-arrow-chunk.js';
import { encodeRecordLines, encodeRows } from '../../../../src/read/arrow/encode-rows.js';
import { dateDayVector, decimalVector, inlineChunk, int64Vector, vector } from './build-ipc.js';
import type { TestColumn } from './build-ipc.js';
import { seededRandom } from './seeded-random.js';

const ROWS = 3000;
const random = seededRandom(7);
const maybeNull = <T>(value: T): T | null => (random.int(5) === 0 ? null : value);
const values = <T>(make: () => T): (T | null)[] => Array.from({ length: ROWS }, () => maybeNull(make()));
const bigint = (bits: number): bigint => {
  let v = 0n;
  for (let k = 0; k < bits; k += 32) v = (v << 32n) | BigInt(random.uint32());
  return BigInt.asIntN(bits, v >> BigInt(random.int(bits)));
};
const double = (): number => {
  const pick = random.int(4);
  if (pick === 0) return random.int(1e8) / 100;
  if (pick === 1) return (random.next() - 0.5) * 10 ** (random.int(40) - 20);
  if (pick === 2) return random.int(1e6) / 7;
  return [0, -0, NaN, Infinity, -Infinity, 2 ** 60][random.int(6)]!;
};
const text = (): string => {
  const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\u0000', '\u001f', 'é', '€', '😀', '\u2028', '/'];
  return Array.from({ length: random.int(12) }, () => alphabet[random.int(random.int(2) === 0 ? 4 : alphabet.length)]).join('');
};

/** Every row the way the general path writes it: each value's JSON text from its column's codec. */
function referenceRows(batch: DecodedBatch, names: readonly string[]): string[] {
  const columns = names.map((name) => batch.columns.find((c) => c.field.name === name)!);
  return Array.from({ length: batch.length }, (_, i) => {
    const parts = columns.map((c, k) => {
      const codec = columnCodec(c);
      return `${JSON.stringify(names[k])}:${codec.isNull(i) ? 'null' : codec.json(i)}`;
    });
    return `{${parts.join(',')}}`;
  });
}

function randomBatch(): DecodedBatch {
  const columns: TestColumn[] = [
    { name: 'i8', vector: vector(new A.Int8(), values(() => random.int(256) - 128)) },
    { name: 'i16', vector: vector(new A.Int16(), values(() => random.int(65536) - 32768)) },
    { name: 'i32', vector: vector(new A.Int32(), values(() => random.uint32() | 0)) },
    { name: 'i64', vector: int64Vector(new A.Int64(), values(() => bigint(64))) },
    { name: 'f32', vector: vector(new A.Float32(), values(() => Math.fround(double()))) },
    { name: 'f64', vector: vector(new A.Float64(), values(double)) },
    { name: 'dec', vector: decimalVector(38, 4, values(() => bigint(127))) },
    { name: 'dec0', vector: decimalVector(18, 0, values(() => bigint(60))) },
    { name: 'str', vector: vector(new A.Utf8(), values(text)) },
    { name: 'ascii', vector: vector(new A.Utf8(), values(() => `customer-${random.int(1e6)}`)) },
    { name: 'bool', vector: vector(new A.Bool(), values(() => random.int(2) === 0)) },
    { name: 'day', vector: dateDayVector(values(() => random.int(4_000_000) - 1_000_000)) },
    { name: 'ts', vector: int64Vector(new A.TimestampMicrosecond('Etc/UTC'), values(() => bigint(random.int(2) === 0 ? 52 : 64))) },
    { name: 'ntz', vector: int64Vector(new A.TimestampMicrosecond(), values(() => bigint(58))) },
    { name: 'ns', vector: int64Vector(new A.TimestampNanosecond('Etc/UTC'), values(() => bigint(64))) },
    { name: 'bin', vector: vector(new A.Binary(), values(() => Buffer.from(text()))) },
  ];
  return decodeArrowChunk(inlineChunk(columns))[0]!;
}

describe('record encoder fast paths', () => {
  const batch = randomBatch();
  const names = batch.columns.map((c) => c.field.name);

  it('write exactly what the general path writes, for every type, on random data with NULLs', () => {
    const fast = encodeRows(batch, names);
    const reference = referenceRows(batch, names);
    for (let i = 0; i < ROWS; i++) assert.equal(fast[i], reference[i], `row ${i}`);
    for (const row of fast) JSON.parse(row);
  });

  it('write each column alone the same way', () => {
    for (const name of names) assert.deepEqual(encodeRows(batch, [name]), referenceRows(batch, [name]), name);
  });

  it('write a batch in slices exactly as in one piece', () => {
    const whole = encodeRecordLines(batch, names, '{"data":', '}\n');
    const slices: Buffer[] = [];
    for (let start = 0; start < ROWS; start += 700) {
      slices.push(encodeRecordLines(batch, names, '{"data":', '}\n', { start, end: Math.min(ROWS, start + 700) }));
    }
    assert.ok(Buffer.concat(slices).equals(whole));
    assert.equal(encodeRecordLines(batch, names, '', '\n', { start: 5, end: 5 }).length, 0);
    assert.throws(() => encodeRecordLines(batch, names, '', '\n', { start: 2, end: ROWS + 1 }), RangeError);
  });
});

describe('string fast path', () => {
  it('escapes a single special character wherever it sits in an otherwise plain column', () => {
    for (const special of ['"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é']) {
      for (let at = 0; at < 9; at++) {
        const strings = ['plain text', 'more plain text', `${'x'.repeat(at)}${special}tail`, 'end'];
        const batch = decodeArrowChunk(inlineChunk([{ name: 's', vector: vector(new A.Utf8(), strings) }]))[0]!;
        assert.deepEqual(encodeRows(batch, ['s']), strings.map((v) => JSON.stringify({ s: v })), `${JSON.stringify(special)} at ${at}`);
      }
    }
  });
});
