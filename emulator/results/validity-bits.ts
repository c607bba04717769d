/**
 * Validity bitmaps, Arrow style: LSB first, bit set = valid. DuckDB's mask has the same bit
 * order, so whole bytes copy across when source and target rows are byte-aligned.
 */

/**
 * Writes `count` validity bits for rows `[dstRow, dstRow + count)` of a zeroed `dst` from rows
 * starting at `srcRow` of `src` (null = all valid).
 */
export function copyValidity(
  dst: Uint8Array,
  dstRow: number,
  src: Uint8Array | null,
  srcRow: number,
  count: number,
): void {
  let i = 0;
  if (dstRow % 8 === 0 && (src === null || srcRow % 8 === 0)) {
    const wholeBytes = count >> 3;
    if (src === null) dst.fill(0xff, dstRow >> 3, (dstRow >> 3) + wholeBytes);
    else dst.set(src.subarray(srcRow >> 3, (srcRow >> 3) + wholeBytes), dstRow >> 3);
    i = wholeBytes << 3;
  }
  for (; i < count; i++) {
    const s = srcRow + i;
    if (src === null || (src[s >> 3]! & (1 << (s & 7))) !== 0) {
      const d = dstRow + i;
      dst[d >> 3]! |= 1 << (d & 7);
    }
  }
}

const POPCOUNT = new Uint8Array(256);
for (let b = 1; b < 256; b++) POPCOUNT[b] = (b & 1) + POPCOUNT[b >> 1]!;

/** Number of clear (null) bits among the first `length` bits. */
export function countNulls(bits: Uint8Array, length: number): number {
  let valid = 0;
  const whole = length >> 3;
  for (let i = 0; i < whole; i++) valid += POPCOUNT[bits[i]!]!;
  for (let r = whole << 3; r < length; r++) if ((bits[r >> 3]! & (1 << (r & 7))) !== 0) valid++;
  return length - valid;
}

/** An Arrow validity buffer for values where null marks a null, and its null count. */
export function validityOf(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const bits = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bits[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap: nullCount === 0 ? new Uint8Array(0) : bits, nullCount };
}
