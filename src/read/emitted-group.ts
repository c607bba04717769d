/**
 * The records already emitted from the last group of an ordered read: the rows sharing the
 * largest order value seen so far. When the read fails part way, it resumes with
 * `order_column >= that value`; the rows of that group come back in no particular order, so the
 * ones to skip are recognised by their record data, not by position.
 *
 * Two rows with the same data are interchangeable in the output, so skipping "one copy per
 * remembered copy" emits exactly the rows not emitted yet. Memory is the size of one group's
 * records (usually a few rows); past `maxBytes` the group is only marked as overflowed and a
 * resume re-emits it whole (duplicates of that one group, never a lost row).
 */

/** One batch's worth of remembered record lines, all of the same group. */
interface Piece {
  /** Newline-terminated RECORD lines as written to stdout. */
  readonly lines: Uint8Array;
  /** Bytes before the record data in each line (`{"type":"RECORD",...,"data":`); emitted_at varies per batch. */
  readonly prefixBytes: number;
  /** Bytes after the data (`}}\n`). */
  readonly suffixBytes: number;
}

export interface EmittedGroup {
  /** Order value of the group, exact text; undefined before the first row. */
  readonly value: string | undefined;
  readonly pieces: readonly Piece[];
  readonly bytes: number;
  /** The group grew past the memory limit; its records were dropped. */
  readonly overflowed: boolean;
}

export const DEFAULT_GROUP_MEMORY_BYTES = 64 * 1024 * 1024;

export const emptyGroup: EmittedGroup = { value: undefined, pieces: [], bytes: 0, overflowed: false };

export interface EmittedBatch {
  readonly rowCount: number;
  /** Order value of emitted row i (rows sorted ascending); null never occurs in a bounded read. */
  readonly valueAt: (row: number) => string | null;
  readonly lines: Uint8Array;
  readonly prefixBytes: number;
  readonly suffixBytes: number;
}

/**
 * The group after a batch was emitted. Only the batch's trailing rows that share its last value
 * are kept (found by reading values back from the end) and copied, so an ordinary batch costs a
 * couple of lookups and a copy of its last line.
 */
export function rememberBatch(group: EmittedGroup, batch: EmittedBatch, maxBytes = DEFAULT_GROUP_MEMORY_BYTES): EmittedGroup {
  const n = batch.rowCount;
  if (n === 0) return group;
  const last = text(batch.valueAt(n - 1));
  let tailStart = n - 1;
  while (tailStart > 0 && text(batch.valueAt(tailStart - 1)) === last) tailStart -= 1;
  const continues = tailStart === 0 && group.value === last;
  const base: EmittedGroup = continues ? group : { value: last, pieces: [], bytes: 0, overflowed: false };
  if (base.overflowed) return base;
  const tail = tailStart === 0 ? batch.lines : batch.lines.subarray(lineOffset(batch.lines, n - tailStart));
  const bytes = base.bytes + tail.length;
  if (bytes > maxBytes) return { value: last, pieces: [], bytes: 0, overflowed: true };
  // A copy: the batch's buffer is filled with later records once it is written.
  const lines = Buffer.from(tail);
  return {
    value: last,
    pieces: [...base.pieces, { lines, prefixBytes: batch.prefixBytes, suffixBytes: batch.suffixBytes }],
    bytes,
    overflowed: false,
  };
}

/** How many times each record data text of the group was emitted, keyed by its bytes. */
export function emittedData(group: EmittedGroup): Map<string, number> {
  const counts = new Map<string, number>();
  for (const piece of group.pieces) {
    let start = 0;
    while (start < piece.lines.length) {
      const end = piece.lines.indexOf(0x0a, start);
      if (end < 0) throw new Error('a remembered record line lost its newline (its buffer was reused)');
      const key = dataKey(piece.lines, start, end + 1, piece.prefixBytes, piece.suffixBytes);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      start = end + 1;
    }
  }
  return counts;
}

/** The record data of the line `lines[start, end)` as a map key (latin1 keeps every byte). */
export function dataKey(lines: Uint8Array, start: number, end: number, prefixBytes: number, suffixBytes: number): string {
  return Buffer.from(lines.buffer, lines.byteOffset, lines.length).toString('latin1', start + prefixBytes, end - suffixBytes);
}

/** Byte offset where the last `count` newline-terminated lines of `lines` begin. */
export function lineOffset(lines: Uint8Array, count: number): number {
  let pos = lines.length - 1; // the final newline
  for (let i = 0; i < count; i += 1) {
    pos = lines.lastIndexOf(0x0a, pos - 1);
    if (pos < 0) return 0;
  }
  return pos + 1;
}

function text(value: string | null): string {
  if (value === null) throw new Error('NULL order value in an ordered read');
  return value;
}
