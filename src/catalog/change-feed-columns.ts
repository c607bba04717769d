import type { ColumnType } from './type-mapping.js';
import type { ChangeFeedNames } from '../sql/change-feed-query.js';

/**
 * The columns a Change Data Feed stream adds to each record, named by Airbyte's CDC conventions
 * (`_ab_cdc_updated_at`, `_ab_cdc_deleted_at`: destinations that deduplicate apply a record with
 * `_ab_cdc_deleted_at` set as a delete) plus the Delta commit version, which orders the changes
 * and is the stream's cursor.
 */
export const CHANGE_FEED_NAMES: ChangeFeedNames = {
  version: '_ab_cdc_commit_version',
  updatedAt: '_ab_cdc_updated_at',
  deletedAt: '_ab_cdc_deleted_at',
};

/** The change-order column: choosing it as the cursor selects Change Data Feed mode. */
export const CHANGE_FEED_CURSOR = CHANGE_FEED_NAMES.version;

/** The added columns with their Databricks types, as discover publishes them. */
export const CHANGE_FEED_COLUMNS: readonly ColumnType[] = [
  { name: CHANGE_FEED_NAMES.updatedAt, type: 'TIMESTAMP', nullable: false },
  { name: CHANGE_FEED_NAMES.deletedAt, type: 'TIMESTAMP', nullable: true },
  { name: CHANGE_FEED_NAMES.version, type: 'BIGINT', nullable: false },
];

const NAMES = new Set(CHANGE_FEED_COLUMNS.map((c) => c.name));

export function isChangeFeedColumn(name: string): boolean {
  return NAMES.has(name);
}
