import type { DuckDBConnection } from '@duckdb/node-api';
import type { StatementContext, TableRef } from './statement-context.js';
import { duckRelation } from './statement-context.js';
import type { TableRegistry } from './table-registry.js';
import {
  COMMIT_VERSION_COL, dropHidden, hiddenRelation, latestVersion, logRows, newEpoch, openEpoch,
  type Epoch, type TableHistory, type TableKey, type TableVersions,
} from './table-versions.js';

/** What a commit records besides its version and timestamp. */
export interface CommitSpec {
  readonly operation: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly isBlindAppend?: boolean;
}

/** What a data write hands its body: the version being written and the log to record changes in. */
export interface WriteTarget {
  readonly conn: DuckDBConnection;
  readonly history: TableHistory;
  readonly version: number;
  readonly epoch: Epoch;
  /** The visible table, fully qualified for DuckDB. */
  readonly rel: string;
}

/** delta.enableChangeDataFeed as the table's properties have it now (keys are case-insensitive). */
export function changeDataFeedEnabled(registry: TableRegistry, table: TableKey): boolean {
  for (const [k, v] of registry.table(table.catalog, table.schema, table.name)?.properties ?? []) {
    if (k.toLowerCase() === 'delta.enablechangedatafeed') return v.trim().toLowerCase() === 'true';
  }
  return false;
}

function push(ctx: StatementContext, h: TableHistory, table: TableKey, version: number, spec: CommitSpec, metrics: Record<string, string>): void {
  h.commits.push({
    version,
    timestamp: ctx.versions.nextTimestamp(),
    operation: spec.operation,
    parameters: spec.parameters ?? {},
    metrics,
    changeDataFeed: changeDataFeedEnabled(ctx.registry, table),
    isBlindAppend: spec.isBlindAppend ?? false,
  });
}

/**
 * The table's history, started at version 0 when the table predates versioning (a table is
 * always created through the engine, so this is a fallback, not the normal path).
 */
async function ensureHistory(ctx: StatementContext, table: TableRef): Promise<TableHistory> {
  const existing = ctx.versions.get(table);
  if (existing) return existing;
  const h = ctx.versions.start(table);
  await newEpoch(ctx.conn, h, duckRelation(table), 0);
  push(ctx, h, table, 0, { operation: 'CREATE TABLE' }, {});
  return h;
}

/**
 * CREATE TABLE and every schema change (CREATE OR REPLACE, ADD/DROP/RENAME COLUMN, type
 * changes): `change` alters the visible table. A table that already has a history gets a new
 * version: its current epoch is closed by copying the table as it was (so older versions stay
 * readable) and a new epoch starts with the new layout. `fresh` starts a new history (a plain
 * CREATE). With `logInserts`, the rows the statement wrote are recorded as inserts when change
 * data feed is on (CTAS with delta.enableChangeDataFeed).
 */
export async function schemaCommit<T>(
  ctx: StatementContext,
  table: TableRef,
  spec: CommitSpec,
  change: () => Promise<T>,
  options: { fresh?: boolean; logInserts?: boolean } = {},
): Promise<T> {
  const rel = duckRelation(table);
  return ctx.versions.exclusive(table, async () => {
    let h = options.fresh ? undefined : ctx.versions.get(table);
    let version = 0;
    let result: T;
    if (h === undefined) {
      await dropHidden(ctx.conn, ctx.versions.drop(table));
      result = await change();
      h = ctx.versions.start(table);
    } else {
      version = latestVersion(h) + 1;
      const closing = openEpoch(h);
      const base = `delta_${h.id}_base_${h.epochs.length - 1}`;
      await ctx.conn.run(`CREATE TABLE ${hiddenRelation(h, base)} AS SELECT * FROM ${rel}`);
      try {
        result = await change();
      } catch (e) {
        await dropHidden(ctx.conn, [hiddenRelation(h, base)]);
        throw e;
      }
      closing.last = version - 1;
      closing.base = base;
    }
    const epoch = await newEpoch(ctx.conn, h, rel, version);
    const metrics: Record<string, string> = {};
    if (options.logInserts && changeDataFeedEnabled(ctx.registry, table)) {
      metrics['numOutputRows'] = String(await logRows(ctx.conn, h, epoch, `SELECT * FROM ${rel}`, 'insert', version));
    }
    push(ctx, h, table, version, spec, metrics);
    return result;
  });
}

/** A commit that changes only metadata (SET TBLPROPERTIES, column comments, NOT NULL). */
export async function metadataCommit(ctx: StatementContext, table: TableRef, spec: CommitSpec): Promise<void> {
  await ctx.versions.exclusive(table, async () => {
    const h = await ensureHistory(ctx, table);
    push(ctx, h, table, latestVersion(h) + 1, spec, {});
  });
}

/**
 * A data write (INSERT, UPDATE, DELETE, MERGE, TRUNCATE): `body` runs inside one DuckDB
 * transaction, changes the visible table and records the changed rows in the log.
 */
export async function writeCommit<T>(
  ctx: StatementContext,
  table: TableRef,
  spec: CommitSpec,
  body: (target: WriteTarget) => Promise<{ result: T; metrics: Record<string, string> }>,
): Promise<T> {
  return ctx.versions.exclusive(table, async () => {
    const h = await ensureHistory(ctx, table);
    const version = latestVersion(h) + 1;
    await ctx.conn.run('BEGIN TRANSACTION');
    let out: { result: T; metrics: Record<string, string> };
    try {
      out = await body({ conn: ctx.conn, history: h, version, epoch: openEpoch(h), rel: duckRelation(table) });
      await ctx.conn.run('COMMIT');
    } catch (e) {
      await ctx.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
    push(ctx, h, table, version, spec, out.metrics);
    return out.result;
  });
}

/**
 * Makes versions before `keepFrom` unavailable, as a VACUUM (data files gone: time travel fails
 * with DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION) or, with
 * `dropLog`, as a transaction log cleanup (the versions leave DESCRIBE HISTORY too; time travel
 * fails with DELTA_VERSION_NOT_FOUND). The latest version always stays.
 */
export async function expireVersions(conn: DuckDBConnection, versions: TableVersions, table: TableKey, keepFrom: number, dropLog: boolean): Promise<void> {
  await versions.exclusive(table, async () => {
    const h = versions.get(table);
    if (h === undefined) return;
    const keep = Math.max(h.dataFrom, Math.min(keepFrom, latestVersion(h)));
    h.dataFrom = keep;
    if (dropLog) h.logFrom = Math.max(h.logFrom, keep);
    // Reading version v needs only the changes after v, so older log rows can go.
    const gone = h.epochs.filter((e) => e.last !== null && e.last < keep);
    await dropHidden(conn, gone.flatMap((e) => [e.log, ...(e.base ? [e.base] : [])]).map((n) => hiddenRelation(h, n)));
    h.epochs.splice(0, gone.length);
    for (const e of h.epochs) await conn.run(`DELETE FROM ${hiddenRelation(h, e.log)} WHERE ${COMMIT_VERSION_COL} < ${keep}`);
  });
}

/**
 * The first version a VACUUM that keeps `retainHours` of history leaves readable: files
 * removed by commits older than the cutoff are deleted, so versions before the newest such
 * commit can no longer be read.
 */
export function vacuumKeepFrom(h: TableHistory, retainHours: number, nowMicros: bigint): number {
  const cutoff = nowMicros - BigInt(Math.round(retainHours * 3600e6));
  let keep = h.dataFrom;
  for (const c of h.commits) if (c.timestamp <= cutoff) keep = Math.max(keep, c.version);
  return keep;
}
