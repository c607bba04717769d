import { duckString } from './duck-literal.js';
import {
  beyondRetention, cdcStartAfterLatest, invalidCdcRange, invalidTimestamp, missingChangeData, timestampAfterLatest,
  timestampBeforeEarliest, versionNotFound,
} from './delta-errors.js';
import { quoteDuckIdent } from './spark-type-syntax.js';
import { CHANGE_TYPE_COL, COMMIT_VERSION_COL, hiddenRelation, latestVersion, openEpoch, type Commit, type TableHistory } from './table-versions.js';

/** A point in a table's history as a statement names it: a version or a timestamp string. */
export type VersionPoint = { readonly version: number } | { readonly timestamp: string };

const TS = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?\s*$/i;

/** Parses a Spark timestamp string (UTC unless it names an offset) to microseconds. */
export function parseTimestampMicros(text: string): bigint | null {
  const m = TS.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  let us = BigInt(ms) * 1000n + BigInt((frac + '000000').slice(0, 6));
  if (zone && /^[+-]/.test(zone)) {
    const z = zone.replace(':', '');
    const offsetMin = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * (z[0] === '-' ? -1 : 1);
    us -= BigInt(offsetMin) * 60_000_000n;
  }
  return us;
}

/** Microseconds as Spark prints a timestamp: `2024-01-01 00:00:00.123456`. */
export function formatMicros(us: bigint): string {
  const iso = new Date(Number(us / 1000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(us % 1_000_000n).padStart(6, '0')}`;
}

function micros(text: string): bigint {
  const us = parseTimestampMicros(text);
  if (us === null) throw invalidTimestamp(text);
  return us;
}

const retained = (h: TableHistory): Commit[] => h.commits.filter((c) => c.version >= h.logFrom);

/** The version `VERSION AS OF` / `TIMESTAMP AS OF` reads, or Delta's error when it cannot be read. */
export function resolveAsOf(h: TableHistory, point: VersionPoint, table: string): number {
  const latest = latestVersion(h);
  let v: number;
  if ('version' in point) {
    v = point.version;
    if (v < h.logFrom || v > latest) throw versionNotFound(v, h.logFrom, latest);
  } else {
    const ts = micros(point.timestamp);
    const commits = retained(h);
    const last = commits[commits.length - 1]!;
    if (ts > last.timestamp) throw timestampAfterLatest(point.timestamp, table, formatMicros(last.timestamp));
    const at = commits.filter((c) => c.timestamp <= ts).pop();
    if (at === undefined) throw timestampBeforeEarliest(point.timestamp, formatMicros(commits[0]!.timestamp));
    v = at.version;
  }
  if (v < h.dataFrom) throw beyondRetention(h.retentionHours);
  return v;
}

/**
 * The table as of version `v`, as a parenthesised query. The epoch holding `v` is read from its
 * end state (the visible table `rel`, or the copy kept when the epoch closed) with the logged
 * changes after `v` undone: every row counts +1, later inserts and post-images -1, later deletes
 * and pre-images +1; rows are grouped by content and repeated by their count.
 */
export function snapshotSql(h: TableHistory, v: number, rel: string): string {
  if (v === latestVersion(h)) return `(SELECT * FROM ${rel})`;
  const e = h.epochs.find((x) => x.first <= v && (x.last === null || v <= x.last))!;
  const src = e.last === null ? rel : hiddenRelation(h, e.base!);
  if (e.last === v) return `(SELECT * FROM ${src})`;
  return `(SELECT * EXCLUDE (__w, __i) FROM (SELECT *, unnest(range(__w)) AS __i FROM (
    SELECT * EXCLUDE (__s), CAST(sum(__s) AS BIGINT) AS __w FROM (
      SELECT *, 1 AS __s FROM ${src}
      UNION ALL
      SELECT * EXCLUDE (${CHANGE_TYPE_COL}, ${COMMIT_VERSION_COL}), CASE WHEN ${CHANGE_TYPE_COL} IN ('insert', 'update_postimage') THEN -1 ELSE 1 END
      FROM ${hiddenRelation(h, e.log)} WHERE ${COMMIT_VERSION_COL} > ${v}
    ) GROUP BY ALL HAVING sum(__s) > 0)))`;
}

/** The versions `table_changes(t, start[, end])` covers, or Delta's error for the range (databricks-behaviour.md §7). */
export function resolveChangeRange(h: TableHistory, start: VersionPoint, end: VersionPoint | undefined, table: string): { start: number; end: number } {
  const latest = latestVersion(h);
  const commits = retained(h);
  const last = commits[commits.length - 1]!;
  let s: number;
  if ('version' in start) {
    s = start.version;
    if (s > latest) throw cdcStartAfterLatest(s, latest);
  } else {
    const ts = micros(start.timestamp);
    if (ts > last.timestamp) throw timestampAfterLatest(start.timestamp, table, formatMicros(last.timestamp));
    s = commits.find((c) => c.timestamp >= ts)!.version;
  }
  let e = latest;
  if (end !== undefined) {
    if ('version' in end) e = Math.min(end.version, latest);
    else {
      // An end after the latest commit reads up to the latest version (Delta's CDCReader).
      const ts = micros(end.timestamp);
      e = commits.filter((c) => c.timestamp <= ts).pop()?.version ?? h.logFrom - 1;
    }
  }
  if (e < s) throw invalidCdcRange(s, e);
  if (s < h.logFrom) throw versionNotFound(s, h.logFrom, latest);
  if (s < h.dataFrom) throw beyondRetention(h.retentionHours);
  for (const c of h.commits) {
    if (c.version >= s && c.version <= e && !c.changeDataFeed) throw missingChangeData(s, e, c.version);
  }
  return { start: s, end: e };
}

/**
 * The change rows of versions [start, end]: the table's current columns (older layouts are
 * matched by name, missing columns are NULL), then `_change_type`, `_commit_version`,
 * `_commit_timestamp`.
 */
export function tableChangesSql(h: TableHistory, start: number, end: number): string {
  const cols = openEpoch(h).columns;
  const parts = h.epochs
    .filter((e) => e.first <= end && (e.last === null || e.last >= start))
    .map((e) => {
      const have = new Set(e.columns.map((c) => c.toLowerCase()));
      const list = cols.map((c) => (have.has(c.toLowerCase()) ? quoteDuckIdent(c) : `NULL AS ${quoteDuckIdent(c)}`));
      return `SELECT ${list.join(', ')}, ${CHANGE_TYPE_COL} AS _change_type, ${COMMIT_VERSION_COL} AS _commit_version
        FROM ${hiddenRelation(h, e.log)} WHERE ${COMMIT_VERSION_COL} BETWEEN ${start} AND ${end}`;
    });
  const times = h.commits
    .filter((c) => c.version >= start && c.version <= end)
    .map((c) => `(CAST(${c.version} AS BIGINT), CAST(${c.timestamp} AS BIGINT))`);
  return `(SELECT x.*, CAST(make_timestamp(c.us) AS TIMESTAMPTZ) AS _commit_timestamp
    FROM (${parts.join('\nUNION ALL\n')}) AS x JOIN (VALUES ${times.join(', ')}) AS c(v, us) ON c.v = x._commit_version
    ORDER BY x._commit_version)`;
}

const DATABRICKS_USER = 'emulator@localhost';
const ENGINE_INFO = 'Databricks-Runtime/15.4.x-photon-scala2.12';

const stringMap = (m: Readonly<Record<string, string>>): string => {
  const e = Object.entries(m);
  return `CAST(map([${e.map(([k]) => duckString(k)).join(', ')}]::VARCHAR[], [${e.map(([, v]) => duckString(v)).join(', ')}]::VARCHAR[]) AS MAP(VARCHAR, VARCHAR))`;
};

/**
 * DESCRIBE HISTORY as one query, newest first, in OSS Delta's 15 columns (databricks-behaviour.md
 * §3, DELTA-HIST); job, notebook, clusterId and userMetadata are NULL as for SQL warehouse commits.
 */
export function describeHistorySql(h: TableHistory, limit: number | null): string {
  const rows = retained(h)
    .slice()
    .reverse()
    .slice(0, limit ?? undefined)
    .map(
      (c) => `SELECT CAST(${c.version} AS BIGINT) AS version, CAST(make_timestamp(CAST(${c.timestamp} AS BIGINT)) AS TIMESTAMPTZ) AS "timestamp",
        '1' AS "userId", ${duckString(DATABRICKS_USER)} AS "userName", ${duckString(c.operation)} AS operation,
        ${stringMap(c.parameters)} AS "operationParameters",
        CAST(NULL AS STRUCT("jobId" VARCHAR, "jobName" VARCHAR, "jobRunId" VARCHAR, "runId" VARCHAR, "jobOwnerId" VARCHAR, "triggerType" VARCHAR)) AS job,
        CAST(NULL AS STRUCT("notebookId" VARCHAR)) AS notebook, CAST(NULL AS VARCHAR) AS "clusterId",
        CAST(${c.version === 0 ? 'NULL' : c.version - 1} AS BIGINT) AS "readVersion", 'WriteSerializable' AS "isolationLevel",
        ${c.isBlindAppend ? 'true' : 'false'} AS "isBlindAppend", ${stringMap(c.metrics)} AS "operationMetrics",
        CAST(NULL AS VARCHAR) AS "userMetadata", ${duckString(ENGINE_INFO)} AS "engineInfo"`,
    );
  return `SELECT * FROM (${rows.join('\nUNION ALL\n')}) ORDER BY version DESC`;
}
