import type { Warehouse } from '../client/warehouse.js';
import { renderLatestVersion } from '../sql/select-query.js';
import type { TableName } from '../sql/quote-identifier.js';

/** A Delta commit: its version and commit timestamp (ISO text, microseconds, UTC). */
export interface TableVersion {
  readonly version: string;
  readonly timestamp: string;
}

/**
 * The table's newest commit, from DESCRIBE HISTORY (newest row first; Databricks docs, "DESCRIBE
 * HISTORY"). Undefined when the history is empty. Throws for views and non-Delta tables.
 */
export async function latestTableVersion(warehouse: Warehouse, table: TableName, signal?: AbortSignal): Promise<TableVersion | undefined> {
  const query = renderLatestVersion(table);
  const rows = await warehouse.queryRows(query.sql, query.parameters, signal === undefined ? {} : { signal });
  const row = rows[0];
  if (row === undefined) return undefined;
  const version = String(row['version']);
  const timestamp = row['timestamp'];
  if (!/^\d+$/.test(version) || typeof timestamp !== 'string') {
    throw new Error(`DESCRIBE HISTORY of ${table.catalog}.${table.schema}.${table.name} returned an unexpected row`);
  }
  return { version, timestamp };
}

/**
 * Delta errors meaning a table version, or the changes after it, can no longer be read: the
 * files or log entries were removed (VACUUM, log retention) or change data was not recorded for
 * part of the range (error classes from databricks-behaviour.md §7, OSS Delta's
 * delta-error-classes.json).
 */
const HISTORY_GONE = [
  'DELTA_VERSION_NOT_FOUND',
  'DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION',
  'DELTA_MISSING_CHANGE_DATA',
  'DELTA_CDC_START_VERSION_AFTER_LATEST',
  'DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION',
  'DELTA_VERSIONS_NOT_CONTIGUOUS',
  'DELTA_CHANGE_DATA_FILE_NOT_FOUND',
  'DELTA_FILE_NOT_FOUND_DETAILED',
];

/** The Delta error class when `err` says the history is gone, else undefined. */
export function historyGoneClass(err: unknown): string | undefined {
  const text = err instanceof Error ? err.message : String(err);
  return HISTORY_GONE.find((c) => text.includes(c));
}
