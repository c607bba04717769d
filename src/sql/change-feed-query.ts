import { quoteIdentifier, quoteStringLiteral, quoteTableName, type TableName } from './quote-identifier.js';
import { nonNegativeInteger, type RenderedQuery } from './select-query.js';

/**
 * Queries of Delta's Change Data Feed. `table_changes(table_str, start, end)` returns the table's
 * columns, then `_change_type`, `_commit_version` and `_commit_timestamp`; start and end are
 * inclusive commit versions (Databricks SQL reference, "table_changes table-valued function").
 * The table name is a string argument, so it is written as a string literal holding the quoted
 * three-part name; the versions are validated integers.
 */

export interface ChangeFeedNames {
  /** Commit version of the change (BIGINT), the stream's cursor. */
  readonly version: string;
  /** Commit timestamp of the change (TIMESTAMP). */
  readonly updatedAt: string;
  /** Commit timestamp of a delete, NULL for inserts and updates. */
  readonly deletedAt: string;
}

export interface ChangesSpec {
  readonly table: TableName;
  /** Table columns written into records, in table order. */
  readonly columns: readonly string[];
  /** Output names of the change metadata. */
  readonly names: ChangeFeedNames;
  /** First and last commit version, both inclusive. */
  readonly startVersion: string;
  readonly endVersion: string;
  /**
   * The key columns, when known: a delete of a key that the same commit also inserts or updates
   * (INSERT OVERWRITE, REPLACE WHERE) is dropped, so each commit carries one net change per key.
   */
  readonly primaryKey?: readonly string[];
  /** The user's SQL predicate for this stream, added as `AND (<filter>)`. */
  readonly filter?: string;
}

/**
 * The changes of commits [start, end] as records: update pre-images dropped, ordered by commit
 * version and, within a commit, deletes before inserts and updates, so that applying them in order
 * leaves the commit's end state.
 */
export function renderTableChanges(spec: ChangesSpec): RenderedQuery {
  if (spec.columns.length === 0) throw new Error('a SELECT needs at least one column');
  const start = nonNegativeInteger(spec.startVersion, 'startVersion');
  const end = nonNegativeInteger(spec.endVersion, 'endVersion');
  const type = quoteIdentifier('_change_type');
  const commitVersion = quoteIdentifier('_commit_version');
  const commitTimestamp = quoteIdentifier('_commit_timestamp');
  const select = [
    ...spec.columns.map(quoteIdentifier),
    `${commitTimestamp} AS ${quoteIdentifier(spec.names.updatedAt)}`,
    `CASE WHEN ${type} = 'delete' THEN ${commitTimestamp} END AS ${quoteIdentifier(spec.names.deletedAt)}`,
    `${commitVersion} AS ${quoteIdentifier(spec.names.version)}`,
  ];
  let sql =
    `SELECT ${select.join(', ')} FROM table_changes(${quoteStringLiteral(quoteTableName(spec.table))}, ${start}, ${end})` +
    ` WHERE ${type} <> 'update_preimage'`;
  if (spec.filter !== undefined && spec.filter.trim() !== '') sql += ` AND (${spec.filter})`;
  if (spec.primaryKey !== undefined && spec.primaryKey.length > 0) {
    const partition = [commitVersion, ...spec.primaryKey.map(quoteIdentifier)].join(', ');
    sql += ` QUALIFY ${type} <> 'delete' OR COUNT_IF(${type} <> 'delete') OVER (PARTITION BY ${partition}) = 0`;
  }
  sql += ` ORDER BY ${commitVersion} ASC, CASE WHEN ${type} = 'delete' THEN 0 ELSE 1 END ASC`;
  return { sql, parameters: {} };
}

/** The table's properties (`key`, `value` rows), to see whether the change feed is on. */
export function renderShowProperties(table: TableName): RenderedQuery {
  return { sql: `SHOW TBLPROPERTIES ${quoteTableName(table)}`, parameters: {} };
}
