import type { Warehouse } from '../client/warehouse.js';
import { noRetries, withRetries, type RetryPolicy } from '../connection/retry-policy.js';
import { bindCursorValue } from '../catalog/type-mapping.js';
import type { Logger } from '../output/logger.js';
import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';
import type { JsonLinesWriter } from '../output/json-lines-writer.js';
import { streamStateMessage } from '../protocol/messages.js';
import { renderMaxCursor, renderMinValue, renderSelect, type TableScan } from '../sql/select-query.js';
import { checkpointDue, takeCheckpoint, type Checkpoint, type CheckpointPolicy } from '../state/cursor-progress.js';
import { finishRange, observeRangeBatch, startRanged, type RangedProgress } from '../state/range-progress.js';
import { cursorStreamState, streamLabel } from '../state/stream-state.js';
import type { CopyRowsSpec } from './copy-rows.js';
import type { SliceEncoder } from './encode/slice-encoder.js';
import { emitEstimate, emitEstimateRows } from './estimate.js';
import { equalWidthCuts, splitScale } from './range-cuts.js';
import { readChangeFeed } from './read-change-feed.js';
import { copyRanges, RANGE_MIN_ROWS, rangeBounds, type RangeBounds } from './read-ranges.js';
import { queryScalarText } from './scalar-text.js';
import type { StreamPlan } from './stream-plan.js';
import { latestTableVersion } from './table-version.js';

export interface ReadContext {
  readonly warehouse: Warehouse;
  readonly writer: JsonLinesWriter;
  readonly logger: Logger;
  readonly batchRows: number;
  readonly checkpoint: CheckpointPolicy;
  /** Retries of a result that fails part way (default: none). */
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
  /** Called with each batch's record count and bytes, for progress displays. */
  readonly onRecords?: (stream: StreamDescriptor, records: number, bytes: number) => void;
  readonly now?: () => number;
  /** Change Data Feed streams whose history is gone read a new snapshot instead of failing. */
  readonly changeDataFeedResnapshot?: boolean;
  /** Ordered reads of large tables are split into up to this many ranges read at once (default 1). */
  readonly rangesPerStream?: number;
  /** Where records are encoded (default: on this thread). */
  readonly encoder?: SliceEncoder;
}

export interface StreamResult {
  readonly records: number;
  readonly bytes: number;
}

/**
 * Reads one stream and writes its RECORD, ESTIMATE and STATE messages. Throws on any failure;
 * the caller reports it. Records are encoded straight from the Arrow batches the warehouse sent.
 * A result that fails part way is resumed (copy-rows.ts).
 */
export async function readStream(plan: StreamPlan, ctx: ReadContext): Promise<StreamResult> {
  if (plan.syncMode === 'change_data_feed') return readChangeFeed(plan, ctx);
  const pinned = await pinnedVersion(plan, ctx);
  return plan.syncMode === 'incremental' ? readIncremental(plan, ctx, pinned) : readFullRefresh(plan, ctx, pinned);
}

/**
 * The Delta version a full refresh or cursor read runs at, so its row count, its upper bound and
 * its rows all come from one snapshot, and a resumed result continues on that snapshot. Views and
 * tables without Delta history are read as they are.
 */
async function pinnedVersion(plan: StreamPlan, ctx: ReadContext): Promise<string | undefined> {
  if (plan.table.tableType.toUpperCase().includes('VIEW')) return undefined;
  try {
    const latest = await withRetries(ctx.retry ?? noRetries, 'finding the latest table version', () =>
      latestTableVersion(ctx.warehouse, plan.table, ctx.signal),
    );
    return latest?.version;
  } catch (err) {
    if (ctx.signal?.aborted === true) throw err;
    ctx.logger.info(`Reading ${streamLabel(plan.stream)} without a pinned version (no Delta history: ${(err as Error).message.split('\n')[0]}).`);
    return undefined;
  }
}

async function readFullRefresh(plan: StreamPlan, ctx: ReadContext, pinned: string | undefined): Promise<StreamResult> {
  const scan: TableScan = {
    table: plan.table,
    ...(pinned === undefined ? {} : { versionAsOf: pinned }),
    ...(plan.filter === undefined ? {} : { filter: plan.filter }),
  };
  const order = plan.order;
  // The count decides a split into ranges; otherwise it only feeds the ESTIMATE and runs beside
  // the read, so the first records do not wait for it.
  const estimate = emitEstimate(plan, scan, ctx);
  const count = order !== undefined && mayRange(ctx) ? await estimate : undefined;
  const columns = order === undefined || plan.columns.includes(order.column) ? plan.columns : [...plan.columns, order.column];
  const cuts = order === undefined ? [] : await planCuts(plan, ctx, scan, order, count, undefined);
  const ranges: RangeBounds[] = order === undefined ? [{}] : rangeBounds(order.column, (v) => bindCursorValue(order.type, v), {}, cuts);
  const specFor = (index: number): CopyRowsSpec => {
    const range = ranges[index]!;
    return {
      stream: plan.stream,
      columns: plan.columns,
      ...(order === undefined ? {} : { order }),
      query: (resumeAt) =>
        renderSelect({
          ...scan,
          columns,
          ...(range.lower === undefined ? {} : { lowerBound: range.lower }),
          ...(range.upper === undefined ? {} : { upperBound: range.upper }),
          ...(order === undefined
            ? {}
            : {
                orderBy: [order.column],
                ...(resumeAt === undefined
                  ? {}
                  : { lowerBound: { column: order.column, value: bindCursorValue(order.type, resumeAt), inclusive: true } }),
              }),
        }),
    };
  };
  const result = await settle(copyRanges(ranges.length, specFor, ctx), estimate);
  // A full refresh has no position to keep; this STATE tells the destination the stream is whole
  // and carries the exact record count.
  await write(ctx.writer.writeMessage(streamStateMessage(plan.stream, {}, result.records)));
  return result;
}

async function readIncremental(plan: StreamPlan, ctx: ReadContext, pinned: string | undefined): Promise<StreamResult> {
  const cursor = plan.cursor!;
  const now = ctx.now ?? Date.now;
  const lower: TableScan = {
    table: plan.table,
    ...(pinned === undefined ? {} : { versionAsOf: pinned }),
    ...(plan.filter === undefined ? {} : { filter: plan.filter }),
    ...(cursor.after === undefined
      ? {}
      : { lowerBound: { column: cursor.column, value: bindCursorValue(cursor.type, cursor.after.value), inclusive: cursor.after.inclusive } }),
  };
  const start = { cursor: cursor.after?.value ?? null, inclusive: cursor.after?.inclusive ?? false };
  const saveState = (checkpoint: Checkpoint): Promise<void> | undefined =>
    ctx.writer.writeMessage(
      streamStateMessage(
        plan.stream,
        cursorStreamState({ cursorField: cursor.column, cursor: checkpoint.cursor, inclusive: checkpoint.inclusive, cursorType: cursor.type }),
        checkpoint.recordCount,
      ),
    );

  // The upper bound is fixed before reading, so rows committed during the read wait for the next
  // sync instead of racing the ORDER BY (a row landing below the read position would be lost).
  const max = await withRetries(ctx.retry ?? noRetries, 'finding the largest cursor value', () =>
    queryScalarText(ctx.warehouse, renderMaxCursor(lower, cursor.column), 'max_cursor', ctx.signal),
  );
  if (max === undefined || max === null) {
    await emitEstimateRows(plan, 0, ctx);
    await write(saveState({ cursor: start.cursor, inclusive: start.inclusive, recordCount: 0 }));
    return { records: 0, bytes: 0 };
  }
  const bounded: TableScan = {
    ...lower,
    upperBound: { column: cursor.column, value: bindCursorValue(cursor.type, max), inclusive: true },
  };
  const estimate = emitEstimate(plan, bounded, ctx);
  const count = mayRange(ctx) ? await estimate : undefined;
  const queryColumns = plan.columns.includes(cursor.column) ? plan.columns : [...plan.columns, cursor.column];
  const cuts = await planCuts(plan, ctx, bounded, cursor, count, max);
  const bind = (v: string): ReturnType<typeof bindCursorValue> => bindCursorValue(cursor.type, v);
  const ranges = rangeBounds(cursor.column, bind, { ...(lower.lowerBound === undefined ? {} : { lower: lower.lowerBound }), upper: bounded.upperBound! }, cuts);
  let progress: RangedProgress = startRanged(start, [...cuts, max], now());

  const checkpointIfDue = async (): Promise<void> => {
    if (!checkpointDue(progress.stream, ctx.checkpoint, now())) return;
    const taken = takeCheckpoint(progress.stream, now());
    progress = { ...progress, stream: taken.progress };
    await write(saveState(taken.checkpoint));
  };
  const specFor = (index: number): CopyRowsSpec => {
    const range = ranges[index]!;
    return {
      stream: plan.stream,
      columns: plan.columns,
      order: { column: cursor.column },
      // A resumed read restarts at the cursor value it stopped in, inclusive; copy-rows skips
      // that group's records already emitted.
      query: (resumeAt) =>
        renderSelect({
          ...bounded,
          ...(range.lower === undefined ? { lowerBound: undefined } : { lowerBound: range.lower }),
          ...(range.upper === undefined ? {} : { upperBound: range.upper }),
          ...(resumeAt === undefined ? {} : { lowerBound: { column: cursor.column, value: bind(resumeAt), inclusive: true } }),
          columns: queryColumns,
          orderBy: [cursor.column],
        }),
      observe: async (rowCount, cursorAt) => {
        progress = observeRangeBatch(progress, index, rowCount, (i) => {
          const text = cursorAt(i);
          // The query excludes NULL cursors (comparisons are never true for NULL).
          if (text === null) throw new Error(`NULL cursor value in ${plan.stream.name}.${cursor.column} despite the bounds`);
          return text;
        });
        await checkpointIfDue();
      },
    };
  };
  const result = await settle(
    copyRanges(ranges.length, specFor, ctx, async (index) => {
      progress = finishRange(progress, index, now());
      if (index < ranges.length - 1) await checkpointIfDue();
    }),
    estimate,
  );
  await write(saveState(takeCheckpoint(progress.stream, now()).checkpoint));
  return result;
}

function mayRange(ctx: ReadContext): boolean {
  return (ctx.rangesPerStream ?? 1) > 1;
}

/** The read's result once the estimate running beside it has finished too (it never throws for its own failures). */
async function settle<T>(read: Promise<T>, estimate: Promise<unknown>): Promise<T> {
  try {
    return await read;
  } finally {
    await estimate.catch(() => undefined);
  }
}

/**
 * Cut points for a read split into ranges: only when ranges are asked for, the table is large,
 * and the order column is an integer or decimal (range-cuts.ts). Costs a MIN (and for a full
 * refresh a MAX) query over the same scan.
 */
async function planCuts(
  plan: StreamPlan,
  ctx: ReadContext,
  scan: TableScan,
  order: { readonly column: string; readonly type: string },
  count: number | undefined,
  knownMax: string | undefined,
): Promise<string[]> {
  const parts = ctx.rangesPerStream ?? 1;
  if (parts < 2 || count === undefined || count < RANGE_MIN_ROWS || splitScale(order.type) === undefined) return [];
  const scalar = (query: ReturnType<typeof renderMinValue>, column: string): Promise<string | null | undefined> =>
    withRetries(ctx.retry ?? noRetries, 'finding the range of values to split', () => queryScalarText(ctx.warehouse, query, column, ctx.signal));
  const min = await scalar(renderMinValue(scan, order.column), 'min_value');
  const max = knownMax ?? (await scalar(renderMaxCursor(scan, order.column), 'max_cursor'));
  if (min === undefined || min === null || max === undefined || max === null) return [];
  const cuts = equalWidthCuts(order.type, min, max, parts);
  if (cuts.length > 0) ctx.logger.info(`Reading ${streamLabel(plan.stream)} in ${cuts.length + 1} ranges of ${order.column} at once.`);
  return cuts;
}

async function write(pending: Promise<void> | undefined): Promise<void> {
  if (pending !== undefined) await pending;
}
