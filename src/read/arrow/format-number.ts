/**
 * Exact number text. JSON has no NaN or infinities: like Airbyte's Java sources (Jackson) they
 * become the strings "NaN", "Infinity" and "-Infinity".
 */

/** JSON text of a double: JS's shortest round-trip form; -0 keeps its sign. */
export function doubleJson(value: number): string {
  if (value !== value) return '"NaN"';
  if (value === Infinity) return '"Infinity"';
  if (value === -Infinity) return '"-Infinity"';
  if (value === 0 && 1 / value < 0) return '-0';
  return '' + value;
}

/**
 * JSON text of a float32 value: the shortest decimal that reads back as the same float32
 * (so 0.1f prints `0.1`, not the widened double 0.10000000149011612).
 */
export function floatJson(value: number): string {
  if (value !== value || value === Infinity || value === -Infinity || value === 0) return doubleJson(value);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return '' + candidate;
  }
  return '' + Number(value.toPrecision(9));
}

/** Text of a signed 64-bit integer stored as two little-endian 32-bit halves. */
export function int64Text(low: number, high: number): string {
  // |value| < 2^53: the double arithmetic is exact and much faster than BigInt.
  if (high >= -0x200000 && high < 0x200000) return '' + (high * 4294967296 + (low >>> 0));
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
}

/** Text of an unsigned 64-bit integer stored as two little-endian 32-bit halves. */
export function uint64Text(low: number, high: number): string {
  const h = high >>> 0;
  if (h < 0x200000) return '' + (h * 4294967296 + (low >>> 0));
  return ((BigInt(h) << 32n) | BigInt(low >>> 0)).toString();
}

/**
 * Text of a Decimal128/256 value (two's complement, little-endian 32-bit words starting at
 * `words[start]`) with exactly `scale` fraction digits, as Databricks prints DECIMAL(p,s)
 * (`1.50` for 1.5 in DECIMAL(10,2)).
 */
export function decimalText(words: Uint32Array, start: number, wordCount: number, scale: number): string {
  const w0 = words[start]!;
  const w1 = words[start + 1]!;
  let allZero = true;
  let allOnes = true;
  for (let k = 2; k < wordCount; k++) {
    const w = words[start + k]!;
    if (w !== 0) allZero = false;
    if (w !== 0xffffffff) allOnes = false;
  }
  let negative: boolean;
  let digits: string;
  if (allZero && w1 < 0x200000) {
    negative = false;
    digits = '' + (w1 * 4294967296 + w0);
  } else if (allOnes && w1 >= 0xffe00000) {
    negative = true;
    // Two's complement negation: ~x + 1, still below 2^53 so exact in a double.
    digits = '' + ((~w1 >>> 0) * 4294967296 + (~w0 >>> 0) + 1);
  } else {
    let big = 0n;
    for (let k = wordCount - 1; k >= 0; k--) big = (big << 32n) | BigInt(words[start + k]!);
    big = BigInt.asIntN(wordCount * 32, big);
    negative = big < 0n;
    digits = (negative ? -big : big).toString();
  }
  return withScale(digits, negative, scale);
}

/** Places the decimal point `scale` digits from the right of an unsigned digit string. */
export function withScale(digits: string, negative: boolean, scale: number): string {
  let text = digits;
  if (scale > 0) {
    if (text.length <= scale) text = '0'.repeat(scale - text.length + 1) + text;
    text = text.slice(0, text.length - scale) + '.' + text.slice(text.length - scale);
  } else if (scale < 0 && text !== '0') {
    text += '0'.repeat(-scale);
  }
  return negative ? '-' + text : text;
}

const DECIMAL_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** True when `text` can be written as a JSON number literal unchanged. */
export function isJsonNumberLiteral(text: string): boolean {
  return DECIMAL_LITERAL.test(text);
}
