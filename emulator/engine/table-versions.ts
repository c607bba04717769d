import type { DuckDBConnection } from '@duckdb/node-api';
import { duckCatalogName } from './catalog-names.js';
import { quoteDuckIdent } from './spark-type-syntax.js';

/** The `_change_type` values of Delta's change data feed. */
export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

/** One Delta commit as DESCRIBE HISTORY reports it. */
export interface Commit {
  readonly version: number;
  /** Commit time, microseconds since the Unix epoch (UTC); strictly increasing per engine. */
  readonly timestamp: bigint;
  readonly operation: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, string>>;
  /** delta.enableChangeDataFeed as the table metadata had it once this commit was written. */
  readonly changeDataFeed: boolean;
  readonly isBlindAppend: boolean;
}

/**
 * A run of versions with one column layout. Every schema change starts a new epoch, so a
 * change log never needs to reconcile two layouts.
 */
export interface Epoch {
  readonly first: number;
  /** Last version of a closed epoch; null for the open (current) one. */
  last: number | null;
  /** Hidden table holding the table as of `last` (closed epochs); the open epoch reads the visible table. */
  base: string | null;
  /** Hidden change log: the table's columns, then `__change_type`, `__commit_version`. */
  readonly log: string;
  /** Column names of this epoch, in table order. */
  readonly columns: readonly string[];
}

export interface TableHistory {
  readonly id: number;
  /** DuckDB database of the table; its hidden tables live in that database's `main` schema. */
  readonly db: string;
  readonly commits: Commit[];
  readonly epochs: Epoch[];
  /** Earliest version whose data is still readable; VACUUM moves it forward. */
  dataFrom: number;
  /** Earliest version the history still lists; log cleanup moves it forward. */
  logFrom: number;
  /** What the retention error reports as delta.deletedFileRetentionDuration. */
  retentionHours: number;
}

/** Columns the change log adds after the table's own. */
export const CHANGE_TYPE_COL = '__change_type';
export const COMMIT_VERSION_COL = '__commit_version';

const key = (r: TableKey): string => [r.catalog, r.schema, r.name].map((p) => p.toLowerCase()).join('\u0000');

export interface TableKey {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
}

/**
 * A hidden table of a history. It lives in the table's own DuckDB database (a DuckDB
 * transaction writes to one database only, and a write must update table and log together), in
 * the `main` schema that every DuckDB database has and the catalog never lists.
 */
export function hiddenRelation(h: TableHistory, name: string): string {
  return `${quoteDuckIdent(h.db)}.main.${quoteDuckIdent(name)}`;
}

/** Default delta.deletedFileRetentionDuration: 7 days (Delta's default). */
const DEFAULT_RETENTION_HOURS = 168;

/**
 * Delta versions of every table: commit history in memory, row changes in hidden DuckDB tables
 * (see DIALECT.md "Versions and change data feed"). Writers to one table are serialized so
 * versions are assigned in commit order.
 */
export class TableVersions {
  readonly #histories = new Map<string, TableHistory>();
  readonly #locks = new Map<string, Promise<unknown>>();
  #nextId = 1;
  #lastTimestamp = 0n;

  get(table: TableKey): TableHistory | undefined {
    return this.#histories.get(key(table));
  }

  /** A fresh history for a newly created table (its version 0 is added by the caller). */
  start(table: TableKey): TableHistory {
    const h: TableHistory = { id: this.#nextId++, db: duckCatalogName(table.catalog), commits: [], epochs: [], dataFrom: 0, logFrom: 0, retentionHours: DEFAULT_RETENTION_HOURS };
    this.#histories.set(key(table), h);
    return h;
  }

  rename(from: TableKey, to: TableKey): void {
    const h = this.#histories.get(key(from));
    if (h === undefined) return;
    this.#histories.delete(key(from));
    this.#histories.set(key(to), h);
  }

  /** Forgets a table's history; returns its hidden tables for the caller to drop. */
  drop(table: TableKey): string[] {
    const h = this.#histories.get(key(table));
    this.#histories.delete(key(table));
    return h ? hiddenTables(h) : [];
  }

  /** Forgets every history in a schema (or, with schema null, a catalog). */
  dropNamespace(catalog: string, schema: string | null): string[] {
    const prefix = [catalog, ...(schema === null ? [] : [schema])].map((p) => p.toLowerCase()).join('\u0000') + '\u0000';
    const out: string[] = [];
    for (const [k, h] of this.#histories) {
      if (!k.startsWith(prefix)) continue;
      this.#histories.delete(k);
      out.push(...hiddenTables(h));
    }
    return out;
  }

  /** A commit timestamp: now in microseconds, strictly after every earlier one. */
  nextTimestamp(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    this.#lastTimestamp = now > this.#lastTimestamp ? now : this.#lastTimestamp + 1n;
    return this.#lastTimestamp;
  }

  /** Runs `fn` with no other writer of the same table running. */
  async exclusive<T>(table: TableKey, fn: () => Promise<T>): Promise<T> {
    const k = key(table);
    const prev = this.#locks.get(k) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const settled = run.then(() => undefined, () => undefined);
    this.#locks.set(k, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(k) === settled) this.#locks.delete(k);
    }
  }
}

export function latestVersion(h: TableHistory): number {
  return h.commits[h.commits.length - 1]?.version ?? -1;
}

export function openEpoch(h: TableHistory): Epoch {
  return h.epochs[h.epochs.length - 1]!;
}

function hiddenTables(h: TableHistory): string[] {
  return h.epochs.flatMap((e) => [e.log, ...(e.base ? [e.base] : [])]).map((n) => hiddenRelation(h, n));
}

/** Creates the change log of a new epoch shaped like the table `rel` now is. */
export async function newEpoch(conn: DuckDBConnection, h: TableHistory, rel: string, first: number): Promise<Epoch> {
  const log = `delta_${h.id}_log_${h.epochs.length}`;
  await conn.run(
    `CREATE TABLE ${hiddenRelation(h, log)} AS SELECT *, CAST(NULL AS VARCHAR) AS ${CHANGE_TYPE_COL}, CAST(NULL AS BIGINT) AS ${COMMIT_VERSION_COL} FROM ${rel} LIMIT 0`,
  );
  const columns = (await conn.run(`SELECT * FROM ${rel} LIMIT 0`)).columnNames();
  const epoch: Epoch = { first, last: null, base: null, log, columns };
  h.epochs.push(epoch);
  return epoch;
}

/** Appends the rows of `select` (a query over the epoch's columns, in order) to the log; returns how many. */
export async function logRows(conn: DuckDBConnection, h: TableHistory, epoch: Epoch, select: string, type: ChangeType, version: number): Promise<number> {
  const res = await conn.run(`INSERT INTO ${hiddenRelation(h, epoch.log)} SELECT *, '${type}', CAST(${version} AS BIGINT) FROM (${select})`);
  return Number((await res.getRows())[0]?.[0] ?? 0);
}

/** Drops hidden tables given as qualified relations. */
export async function dropHidden(conn: DuckDBConnection, relations: readonly string[]): Promise<void> {
  for (const r of relations) await conn.run(`DROP TABLE IF EXISTS ${r}`);
}
