import { CHANGE_FEED_NAMES } from '../catalog/change-feed-columns.js';
import { bindCursorValue } from '../catalog/type-mapping.js';
import { noRetries, withRetries } from '../connection/retry-policy.js';
import { configError } from '../errors/connector-error.js';
import { streamStateMessage } from '../protocol/messages.js';
import { renderTableChanges } from '../sql/change-feed-query.js';
import { renderSelect, type TableScan } from '../sql/select-query.js';
import {
  checkpointDue,
  finishProgress,
  observeBatch,
  startProgress,
  takeCheckpoint,
  type Checkpoint,
  type CursorProgress,
} from '../state/cursor-progress.js';
import { cursorStreamState, streamLabel, type SnapshotProgress } from '../state/stream-state.js';
import { copyRows, type CopyRowsSpec } from './copy-rows.js';
import { emitEstimate, emitEstimateRows } from './estimate.js';
import type { ReadContext, StreamResult } from './read-stream.js';
import type { StreamPlan } from './stream-plan.js';
import { historyGoneClass, latestTableVersion, type TableVersion } from './table-version.js';

/**
 * A stream read through Delta's Change Data Feed (cursor `_ab_cdc_commit_version`):
 *
 * - First sync: the table as of its latest version v (VERSION AS OF v), every row a record with
 *   `_ab_cdc_commit_version` = v and `_ab_cdc_updated_at` = v's commit time. The state then holds v.
 * - Later syncs: the latest version v2; when v2 > v, `table_changes(t, v+1, v2)` without update
 *   pre-images, one record per change (a delete carries the deleted row and `_ab_cdc_deleted_at`),
 *   in commit order; the state then holds v2. When v2 = v nothing else is queried.
 * - Checkpoints fall between commits (a commit's changes are emitted whole before its version is
 *   saved), and during a snapshot between groups of the primary key's first column, with the
 *   snapshot's version kept so a restarted sync continues on the same version.
 * - History gone (VACUUM, log retention, change feed off for part of the range): a config_error
 *   asking for a reset, or with `change_data_feed_resnapshot` a new snapshot at the latest version.
 */
export async function readChangeFeed(plan: StreamPlan, ctx: ReadContext): Promise<StreamResult> {
  const feed = plan.changeFeed!;
  const label = streamLabel(plan.stream);
  const latest = await withRetries(ctx.retry ?? noRetries, 'finding the latest table version', () =>
    latestTableVersion(ctx.warehouse, plan.table, ctx.signal),
  );
  if (latest === undefined) throw new Error(`The table of stream ${label} has no Delta history to read from.`);

  if (feed.after === undefined) {
    if (feed.snapshot !== undefined) {
      try {
        return await readSnapshot(plan, ctx, feed.snapshot);
      } catch (err) {
        const gone = historyGoneClass(err);
        if (gone === undefined) throw err;
        ctx.logger.warn(
          `Stream ${label}: the snapshot started at table version ${feed.snapshot.table_version} can no longer be read (${gone}); ` +
            `starting a new snapshot at version ${latest.version}. Rows deleted in between may stay in the destination until its next full refresh.`,
        );
      }
    }
    return readSnapshot(plan, ctx, { table_version: latest.version, commit_timestamp: latest.timestamp });
  }

  const after = BigInt(feed.after);
  const newest = BigInt(latest.version);
  if (newest === after) {
    ctx.logger.info(`Stream ${label}: no commit after table version ${feed.after}.`);
    await emitEstimateRows(plan, 0, ctx);
    await write(saveState(plan, ctx, { cursor: feed.after }, 0));
    return { records: 0, bytes: 0 };
  }
  try {
    if (newest < after) {
      // Versions only grow; a smaller one means the table was dropped and created again.
      throw new Error(`[DELTA_CDC_START_VERSION_AFTER_LATEST] the table's latest version ${latest.version} is before the saved version ${feed.after}`);
    }
    return await readChanges(plan, ctx, feed.after, latest);
  } catch (err) {
    const gone = historyGoneClass(err);
    if (gone === undefined) throw err;
    const lost = `the table's changes after version ${feed.after} can no longer be read (${gone}: removed by VACUUM or log retention, the table was re-created, or the change feed was off for part of that range)`;
    if (ctx.changeDataFeedResnapshot !== true) {
      throw configError(
        `Stream ${label}: ${lost}. A full refresh is needed: reset the stream in Airbyte to read a new snapshot, or set change_data_feed_resnapshot to true to do so automatically.`,
        { stream: plan.stream },
      );
    }
    ctx.logger.warn(
      `Stream ${label}: ${lost}; reading a new snapshot at version ${latest.version} (change_data_feed_resnapshot). ` +
        `Rows deleted since version ${feed.after} stay in the destination until its next full refresh.`,
    );
    return readSnapshot(plan, ctx, { table_version: latest.version, commit_timestamp: latest.timestamp });
  }
}

/** The table as of one version, every row with that version's change columns; resumable when ordered. */
async function readSnapshot(plan: StreamPlan, ctx: ReadContext, at: SnapshotProgress): Promise<StreamResult> {
  const now = ctx.now ?? Date.now;
  const label = streamLabel(plan.stream);
  const order = plan.order;
  const resume = order !== undefined && at.order_column === order.column && at.after !== undefined ? at.after : undefined;
  if (at.after !== undefined && resume === undefined) {
    ctx.logger.info(`Stream ${label}: the interrupted snapshot was ordered by another column; reading it again from the start.`);
  }
  ctx.logger.info(
    `Stream ${label}: reading a snapshot at table version ${at.table_version}${resume === undefined ? '' : `, after ${order!.column} = ${resume}`}.`,
  );
  const scan: TableScan = {
    table: plan.table,
    versionAsOf: at.table_version,
    ...(plan.filter === undefined ? {} : { filter: plan.filter }),
    ...(resume === undefined ? {} : { lowerBound: { column: order!.column, value: bindCursorValue(order!.type, resume), inclusive: false } }),
  };
  await emitEstimate(plan, scan, ctx);
  const constants = [
    { name: CHANGE_FEED_NAMES.updatedAt, value: { type: 'TIMESTAMP', value: at.commit_timestamp } },
    { name: CHANGE_FEED_NAMES.deletedAt, value: { type: 'TIMESTAMP', value: null } },
    { name: CHANGE_FEED_NAMES.version, value: { type: 'BIGINT', value: at.table_version } },
  ];
  const queryColumns = order === undefined || plan.columns.includes(order.column) ? plan.columns : [...plan.columns, order.column];
  let progress = startProgress({ cursor: resume ?? null }, now());
  const snapshotState = (checkpoint: Checkpoint): SnapshotProgress | undefined =>
    checkpoint.cursor === null
      ? undefined
      : { table_version: at.table_version, commit_timestamp: at.commit_timestamp, order_column: order!.column, after: checkpoint.cursor };

  const spec: CopyRowsSpec = {
    stream: plan.stream,
    columns: recordColumns(plan),
    ...(order === undefined ? {} : { order: { column: order.column } }),
    query: (resumeAt) =>
      renderSelect({
        ...scan,
        ...(resumeAt === undefined ? {} : { lowerBound: { column: order!.column, value: bindCursorValue(order!.type, resumeAt), inclusive: true } }),
        columns: queryColumns,
        constants,
        ...(order === undefined ? {} : { orderBy: [order.column] }),
      }),
    ...(order === undefined
      ? {}
      : {
          observe: async (rowCount: number, valueAt: (row: number) => string | null) => {
            progress = observeBatch(progress, rowCount, (i) => nonNull(valueAt(i), label, order.column));
            if (checkpointDue(progress, ctx.checkpoint, now())) {
              const taken = takeCheckpoint(progress, now());
              progress = taken.progress;
              const snapshot = snapshotState(taken.checkpoint);
              if (snapshot !== undefined) await write(saveState(plan, ctx, { cursor: null, snapshot }, taken.checkpoint.recordCount));
            }
          },
        }),
  };
  const result = await copyRows(spec, ctx);
  const done = finishProgress(progress, now()).checkpoint;
  await write(saveState(plan, ctx, { cursor: at.table_version }, order === undefined ? result.records : done.recordCount));
  return result;
}

/** The changes of commits after `after` up to `latest`, checkpointed between commits. */
async function readChanges(plan: StreamPlan, ctx: ReadContext, after: string, latest: TableVersion): Promise<StreamResult> {
  const now = ctx.now ?? Date.now;
  const label = streamLabel(plan.stream);
  const version = CHANGE_FEED_NAMES.version;
  ctx.logger.info(`Stream ${label}: reading the changes of table versions ${BigInt(after) + 1n} to ${latest.version}.`);
  let progress: CursorProgress = startProgress({ cursor: after }, now());
  const result = await copyRows(
    {
      stream: plan.stream,
      columns: recordColumns(plan),
      order: { column: version },
      // A resumed read restarts at the commit it stopped in; copy-rows skips the records of that
      // commit it already emitted.
      query: (resumeAt) =>
        renderTableChanges({
          table: plan.table,
          columns: plan.columns,
          names: CHANGE_FEED_NAMES,
          startVersion: resumeAt ?? String(BigInt(after) + 1n),
          endVersion: latest.version,
          primaryKey: plan.changeFeed!.primaryKey,
          ...(plan.filter === undefined ? {} : { filter: plan.filter }),
        }),
      observe: async (rowCount, valueAt) => {
        progress = observeBatch(progress, rowCount, (i) => nonNull(valueAt(i), label, version));
        if (checkpointDue(progress, ctx.checkpoint, now())) {
          const taken = takeCheckpoint(progress, now());
          progress = taken.progress;
          await write(saveState(plan, ctx, { cursor: taken.checkpoint.cursor ?? after }, taken.checkpoint.recordCount));
        }
      },
    },
    ctx,
  );
  const done = finishProgress(progress, now()).checkpoint;
  await write(saveState(plan, ctx, { cursor: latest.version }, done.recordCount));
  return result;
}

function recordColumns(plan: StreamPlan): string[] {
  return [...plan.columns, CHANGE_FEED_NAMES.updatedAt, CHANGE_FEED_NAMES.deletedAt, CHANGE_FEED_NAMES.version];
}

function saveState(
  plan: StreamPlan,
  ctx: ReadContext,
  position: { readonly cursor: string | null; readonly snapshot?: SnapshotProgress },
  recordCount: number,
): Promise<void> | undefined {
  return ctx.writer.writeMessage(
    streamStateMessage(
      plan.stream,
      cursorStreamState({
        cursorField: CHANGE_FEED_NAMES.version,
        cursor: position.cursor,
        cursorType: 'BIGINT',
        ...(position.snapshot === undefined ? {} : { snapshot: position.snapshot }),
      }),
      recordCount,
    ),
  );
}

function nonNull(value: string | null, label: string, column: string): string {
  // Bounded, ordered reads never see NULL here: key columns used for order are NOT NULL.
  if (value === null) throw new Error(`NULL ${column} in an ordered read of ${label}`);
  return value;
}

async function write(pending: Promise<void> | undefined): Promise<void> {
  if (pending !== undefined) await pending;
}
