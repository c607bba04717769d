import { finishProgress, observeBatch, startProgress, type CursorProgress } from './cursor-progress.js';

/**
 * Checkpointing an ordered read split into ranges read at once (range i covers order values
 * (end[i-1], end[i]]). Each range keeps its own tie-safe progress (cursor-progress.ts); the
 * stream's safe value is the safe value of the first range not yet finished, since every range
 * before it is complete and nothing after it may be assumed. So a checkpoint only ever covers
 * rows already emitted, and resuming from it re-reads at most what later ranges had already sent.
 */
export interface RangedProgress {
  /** Stream-level bookkeeping (checkpointed value, record count, time); `safe` is derived. */
  readonly stream: CursorProgress;
  readonly ranges: readonly CursorProgress[];
  readonly done: readonly boolean[];
  /** Upper bound (inclusive) of each range; the last is the read's upper bound. */
  readonly ends: readonly string[];
}

export function startRanged(start: { readonly cursor: string | null; readonly inclusive?: boolean }, ends: readonly string[], now: number): RangedProgress {
  if (ends.length === 0) throw new Error('a ranged read needs at least one range');
  return {
    stream: startProgress(start, now),
    ranges: ends.map((_, i) => (i === 0 ? startProgress(start, now) : startProgress({ cursor: ends[i - 1]! }, now))),
    done: ends.map(() => false),
    ends,
  };
}

/** Records a batch emitted by range `index` (rows in ascending order within the range). */
export function observeRangeBatch(p: RangedProgress, index: number, rowCount: number, cursorAt: (row: number) => string): RangedProgress {
  const ranges = p.ranges.map((r, i) => (i === index ? observeBatch(r, rowCount, cursorAt) : r));
  return derive({ ...p, ranges, stream: { ...p.stream, recordsSinceCheckpoint: p.stream.recordsSinceCheckpoint + rowCount } });
}

/** Range `index` returned every row of its bounds. */
export function finishRange(p: RangedProgress, index: number, now: number): RangedProgress {
  const ranges = p.ranges.map((r, i) => (i === index ? finishProgress(r, now).progress : r));
  return derive({ ...p, ranges, done: p.done.map((d, i) => d || i === index) });
}

function derive(p: RangedProgress): RangedProgress {
  const open = p.done.findIndex((d) => !d);
  if (open < 0) return { ...p, stream: { ...p.stream, safe: p.ends[p.ends.length - 1]!, safeInclusive: false } };
  const range = p.ranges[open]!;
  return { ...p, stream: { ...p.stream, safe: range.safe, safeInclusive: range.safeInclusive } };
}
