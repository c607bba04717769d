import type { CursorBound } from '../sql/select-query.js';
import { copyRows, type CopyContext, type CopyResult, type CopyRowsSpec } from './copy-rows.js';

/** Tables with fewer rows than this are read by one query whatever the range setting. */
export const RANGE_MIN_ROWS = 100_000;

export interface RangeBounds {
  readonly lower?: CursorBound;
  readonly upper?: CursorBound;
}

/**
 * The bounds of each range: the first keeps the read's lower bound, each later one starts after
 * the previous cut, each but the last ends at its cut inclusive, and the last keeps the read's
 * upper bound. `cuts` are strictly increasing values of `column` (range-cuts.ts).
 */
export function rangeBounds(
  column: string,
  bind: (value: string) => CursorBound['value'],
  base: RangeBounds,
  cuts: readonly string[],
): RangeBounds[] {
  const ranges: RangeBounds[] = [];
  for (let i = 0; i <= cuts.length; i += 1) {
    const lower = i === 0 ? base.lower : { column, value: bind(cuts[i - 1]!), inclusive: false };
    const upper = i === cuts.length ? base.upper : { column, value: bind(cuts[i]!), inclusive: true };
    ranges.push({ ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) });
  }
  return ranges;
}

/**
 * Copies every range at once, one query each, into the same output. A range that fails after its
 * retries stops the others and the error is thrown; what was emitted stays emitted (the caller's
 * checkpoints only ever cover finished work). `onFinished(i)` runs when range i has returned all
 * its rows.
 */
export async function copyRanges(
  count: number,
  specFor: (index: number) => CopyRowsSpec,
  ctx: CopyContext,
  onFinished?: (index: number) => Promise<void>,
): Promise<CopyResult> {
  const stop = new AbortController();
  const outer = ctx.signal;
  const forward = (): void => stop.abort(outer?.reason);
  outer?.addEventListener('abort', forward, { once: true });
  let failure: { error: unknown } | undefined;
  try {
    const results = await Promise.all(
      Array.from({ length: count }, async (_, index): Promise<CopyResult> => {
        try {
          const result = await copyRows(specFor(index), { ...ctx, signal: stop.signal });
          await onFinished?.(index);
          return result;
        } catch (error) {
          if (failure === undefined) failure = { error };
          stop.abort(error);
          return { records: 0, bytes: 0, resumes: 0 };
        }
      }),
    );
    if (failure !== undefined) throw failure.error;
    return results.reduce((a, b) => ({ records: a.records + b.records, bytes: a.bytes + b.bytes, resumes: a.resumes + b.resumes }));
  } finally {
    outer?.removeEventListener('abort', forward);
  }
}
