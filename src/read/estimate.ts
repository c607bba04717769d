import { noRetries, withRetries } from '../connection/retry-policy.js';
import { estimateTraceMessage } from '../protocol/messages.js';
import { renderCount, type TableScan } from '../sql/select-query.js';
import { streamLabel } from '../state/stream-state.js';
import type { ReadContext } from './read-stream.js';
import { queryScalarText } from './scalar-text.js';
import type { StreamPlan } from './stream-plan.js';

/**
 * An ESTIMATE trace from a COUNT(*) over the read's scan (Delta answers it from file statistics);
 * returns the count when known. A failure is logged, never fatal: the estimate only feeds
 * progress displays.
 */
export async function emitEstimate(plan: StreamPlan, scan: TableScan, ctx: ReadContext): Promise<number | undefined> {
  try {
    const text = await withRetries(ctx.retry ?? noRetries, 'counting rows', () =>
      queryScalarText(ctx.warehouse, renderCount(scan), 'row_count', ctx.signal),
    );
    if (text === undefined || text === null) return undefined;
    await emitEstimateRows(plan, Number(text), ctx);
    return Number(text);
  } catch (err) {
    ctx.logger.warn(`Could not estimate the size of ${streamLabel(plan.stream)}: ${(err as Error).message}`);
    if (ctx.signal?.aborted === true) throw err;
    return undefined;
  }
}

export async function emitEstimateRows(plan: StreamPlan, rows: number, ctx: ReadContext): Promise<void> {
  const pending = ctx.writer.writeMessage(estimateTraceMessage(plan.stream, { rows }));
  if (pending !== undefined) await pending;
}
