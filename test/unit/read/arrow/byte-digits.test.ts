import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeDouble, writeInt, writeScaled } from '../../../../src/read/arrow/byte-digits.js';
import { writeDate, writeMicros } from '../../../../src/read/arrow/byte-temporal.js';
import { doubleJson, withScale } from '../../../../src/read/arrow/format-number.js';
import { formatDate, formatMicros } from '../../../../src/read/arrow/format-temporal.js';
import { seededRandom } from './seeded-random.js';

const buf = Buffer.alloc(128);
const written = (write: (buf: Buffer, pos: number) => number): string => buf.toString('latin1', 0, write(buf, 0));

describe('writeDouble', () => {
  it('writes every double exactly as JavaScript prints it', () => {
    const random = seededRandom(1);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const values: number[] = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 0.1, 0.2, 0.1 + 0.2];
    for (let i = 0; i < 200_000; i++) {
      words[0] = random.uint32();
      words[1] = random.uint32();
      values.push(bits[0]!);
    }
    // Short decimals, thirds and sevenths, and values across the plain-notation range and past it.
    for (let i = 0; i < 100_000; i++) values.push(random.int(1e9) / 10 ** random.int(12), -random.int(1e6) / 7);
    for (let i = 0; i < 100_000; i++) values.push((random.next() - 0.5) * 10 ** (random.next() * 44 - 22));
    // Decimals of up to 15 digits at every scale of the plain range (1e-6 to 1e15), with trailing zeros.
    for (let i = 0; i < 100_000; i++) values.push(random.int(10 ** (1 + random.int(15))) / 10 ** random.int(21), (random.int(1e6) * 10 ** random.int(9)) / 10 ** random.int(21));
    // The plain-notation range, where most values need 16 or 17 digits, and powers of two there.
    for (let i = 0; i < 300_000; i++) values.push(10 ** (random.next() * 21 - 6) * (random.int(2) === 0 ? 1 : -1), random.int(1e9) / 3);
    for (let e = -20; e < 50; e++) {
      values.push(2 ** e);
      for (const step of [-1n, 1n]) {
        const neighbour = new Float64Array([2 ** e]);
        new BigInt64Array(neighbour.buffer)[0]! += step;
        values.push(neighbour[0]!);
      }
    }
    for (let e = -9; e < 18; e++) {
      for (const sign of [1, -1]) {
        bits[0] = sign * 10 ** e;
        values.push(bits[0]!);
        for (const step of [-1, 1]) {
          const neighbour = new Float64Array([sign * 10 ** e]);
          new BigInt64Array(neighbour.buffer)[0]! += BigInt(step);
          values.push(neighbour[0]!);
        }
      }
    }
    const wrong = values.filter((v) => written((b, p) => writeDouble(b, p, v)) !== doubleJson(v));
    assert.deepEqual(wrong.slice(0, 5), []);
  });
});

describe('writeInt and writeScaled', () => {
  it('write safe integers and decimals like the text formatter', () => {
    const random = seededRandom(2);
    const samples = [0, 1, -1, 9, 10, 99, 100, 4294967295, 4294967296, -4294967296, 2 ** 53 - 1, -(2 ** 53 - 1), 1e9, 999999999];
    for (let i = 0; i < 50_000; i++) samples.push(Math.floor((random.next() - 0.5) * 2 * 10 ** random.int(16)));
    for (const v of samples) {
      assert.equal(written((b, p) => writeInt(b, p, v)), String(v));
      for (const scale of [-2, 0, 1, 2, 6, 15, 18, 38]) {
        const expected = withScale(String(Math.abs(v)), v < 0, scale);
        assert.equal(written((b, p) => writeScaled(b, p, v, scale)), expected, `${v} scale ${scale}`);
      }
    }
  });
});

describe('writeDate and writeMicros', () => {
  it('write every day like the text formatter, BC and past 9999 included', () => {
    const days = [-719162, -719163, -719528, -1_000_000, 2_932_896, 2_932_897, -354_285, 0, -1, 59, 60, 10_000];
    for (let d = -800_000; d < 3_000_000; d += 97) days.push(d);
    for (const d of days) assert.equal(written((b, p) => writeDate(b, p, d)), formatDate(d), `day ${d}`);
  });

  it('write timestamps like the text formatter, and refuse dates BC', () => {
    const random = seededRandom(3);
    const micros = [0, -1, 1, 86_400_000_000 - 1, -86_400_000_000, -62_135_596_800_000_000, 253_402_300_799_999_999];
    for (let i = 0; i < 100_000; i++) micros.push(Math.floor((random.next() - 0.5) * 2 * 2 ** random.int(54)));
    for (const m of micros) {
      const text = formatMicros(m, 'Z');
      const end = writeMicros(buf, 0, m, true);
      if (text.endsWith(' BC')) assert.equal(end, -1, `${m}`);
      else assert.equal(buf.toString('latin1', 0, end), `"${text}"`, `${m}`);
    }
  });

  it('write runs of timestamps on one day, broken by other days, years past 9999 and dates BC, like the text formatter', () => {
    const day = 86_400_000_000;
    const base = 19_723 * day; // 2024-01-01
    const random = seededRandom(11);
    const micros: number[] = [];
    for (let run = 0; run < 2_000; run++) {
      // Mostly the day before, the same day again, or a day far away, in random order.
      const pick = random.int(4);
      const at = pick === 0 ? base + random.int(40) * day : pick === 1 ? 253_402_300_800_000_000 + random.int(1000) * day : pick === 2 ? -62_135_596_800_000_000 - random.int(1000) * day : base;
      for (let k = random.int(5); k >= 0; k--) micros.push(at + Math.floor(random.next() * day));
    }
    let bc = 0;
    for (const m of micros) {
      const text = formatMicros(m, 'Z');
      const end = writeMicros(buf, 0, m, true);
      if (text.endsWith(' BC')) {
        assert.equal(end, -1, `${m}`);
        bc += 1;
      } else assert.equal(buf.toString('latin1', 0, end), `"${text}"`, `${m}`);
    }
    assert.ok(bc > 0 && bc < micros.length, 'the sequence mixes dates BC with the rest');
  });
});
