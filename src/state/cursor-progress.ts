/**
 * Checkpointing an incremental read, as plain functions over an immutable value.
 *
 * The read selects `cursor > saved` (or `>=` for an inclusive resume) `AND cursor <= max` where
 * `max` is the largest cursor value when the read starts, ORDER BY cursor. Rows with equal
 * cursor values (a group) arrive in no particular order, so a checkpoint must never fall inside
 * a group: if it said "up to value v" while some rows equal to v were still unread, resuming
 * with `> v` would lose them. So a checkpoint carries the last value whose group is complete,
 * which is known the moment a row with a larger value shows up. At the end of a successful read
 * every group up to `max` is complete, so the final state is the last value read.
 *
 * Guarantees, for rows that exist when the read starts (pinned by test/unit/state):
 * - no loss: resuming from any checkpoint reads every row whose cursor is above it;
 * - duplicates only after a failure: the next attempt re-emits exactly the failed attempt's rows
 *   whose cursor is above its last checkpoint (rows emitted after that checkpoint, plus those of
 *   the group that was still open when it was taken); a migrated inclusive state re-emits its one group.
 *
 * Limits, documented for users: rows with a NULL cursor are never read incrementally (SQL
 * comparisons exclude them); a row inserted later with a cursor value at or below the saved one
 * is not picked up (the usual contract of cursor-based incremental sync).
 *
 * A large group delays checkpoints until it ends; that is the price of exactness.
 */

export interface CursorProgress {
  /** Cursor text of the last record emitted in this read; null before the first. */
  readonly lastEmitted: string | null;
  /** The state to resume from right now: last value whose whole group was emitted. */
  readonly safe: string | null;
  /** Whether `safe` is still the inclusive starting value of a migrated state. */
  readonly safeInclusive: boolean;
  /** The cursor value of the last checkpoint handed out (or of the starting state). */
  readonly checkpointed: string | null;
  /** Records emitted since the last checkpoint; becomes STATE sourceStats.recordCount. */
  readonly recordsSinceCheckpoint: number;
  /** When the last checkpoint was taken, epoch ms. */
  readonly checkpointedAt: number;
}

export interface CheckpointPolicy {
  readonly records: number;
  readonly seconds: number;
}

/** Progress at the start of a read that resumes from `start` (null: from the beginning). */
export function startProgress(start: { readonly cursor: string | null; readonly inclusive?: boolean }, now: number): CursorProgress {
  return {
    lastEmitted: null,
    safe: start.cursor,
    safeInclusive: start.inclusive === true && start.cursor !== null,
    checkpointed: start.cursor,
    recordsSinceCheckpoint: 0,
    checkpointedAt: now,
  };
}

/**
 * Records one emitted row (rows must be observed in the order read, i.e. by ascending cursor).
 * `cursor` is the exact text written in the record; NULL cursors cannot occur in a bounded read.
 */
export function observeRecord(progress: CursorProgress, cursor: string): CursorProgress {
  const boundary = progress.lastEmitted !== null && cursor !== progress.lastEmitted;
  return {
    ...progress,
    lastEmitted: cursor,
    safe: boundary ? progress.lastEmitted : progress.safe,
    safeInclusive: boundary ? false : progress.safeInclusive,
    recordsSinceCheckpoint: progress.recordsSinceCheckpoint + 1,
  };
}

/**
 * Records a batch of `rowCount` emitted rows in read order; `cursorAt(i)` gives row i's cursor
 * text. Equivalent to calling `observeRecord` for each row, but only reads cursors from the end
 * back to the first change of value, so a batch of 10 000 rows usually costs two lookups.
 */
export function observeBatch(progress: CursorProgress, rowCount: number, cursorAt: (index: number) => string): CursorProgress {
  if (rowCount === 0) return progress;
  const last = cursorAt(rowCount - 1);
  let safe = progress.safe;
  let safeInclusive = progress.safeInclusive;
  let previous: string | undefined;
  for (let i = rowCount - 2; i >= 0 && previous === undefined; i -= 1) {
    const value = cursorAt(i);
    if (value !== last) previous = value;
  }
  if (previous !== undefined) {
    safe = previous;
    safeInclusive = false;
  } else if (progress.lastEmitted !== null && progress.lastEmitted !== last) {
    safe = progress.lastEmitted;
    safeInclusive = false;
  }
  return {
    ...progress,
    lastEmitted: last,
    safe,
    safeInclusive,
    recordsSinceCheckpoint: progress.recordsSinceCheckpoint + rowCount,
  };
}

/** Whether to emit a STATE now: the policy's interval passed and there is a newer safe value. */
export function checkpointDue(progress: CursorProgress, policy: CheckpointPolicy, now: number): boolean {
  if (progress.safe === progress.checkpointed || progress.safeInclusive) return false;
  return progress.recordsSinceCheckpoint >= policy.records || now - progress.checkpointedAt >= policy.seconds * 1000;
}

export interface Checkpoint {
  /** The cursor value to save (`cursor` of the stream state). */
  readonly cursor: string | null;
  /** True only for a migrated state that has not moved yet. */
  readonly inclusive: boolean;
  /** Records emitted for the stream since the previous STATE message. */
  readonly recordCount: number;
}

/** Hands out a checkpoint of the safe value and resets the interval counters. */
export function takeCheckpoint(progress: CursorProgress, now: number): { progress: CursorProgress; checkpoint: Checkpoint } {
  return {
    checkpoint: { cursor: progress.safe, inclusive: progress.safeInclusive, recordCount: progress.recordsSinceCheckpoint },
    progress: { ...progress, checkpointed: progress.safe, recordsSinceCheckpoint: 0, checkpointedAt: now },
  };
}

/**
 * The final checkpoint after the read's query returned every row: the last group is complete, so
 * the last value read is safe. A read that returned nothing keeps the starting state.
 */
export function finishProgress(progress: CursorProgress, now: number): { progress: CursorProgress; checkpoint: Checkpoint } {
  const complete: CursorProgress =
    progress.lastEmitted === null ? progress : { ...progress, safe: progress.lastEmitted, safeInclusive: false };
  return takeCheckpoint(complete, now);
}
