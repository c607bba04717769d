import { SqlError } from './engine-result.js';

// Delta's time travel and change data feed errors. Class names and SQLSTATEs follow
// delta-io/delta delta-error-classes.json and DeltaErrors.scala (databricks-behaviour.md §7);
// the retention message is the one Databricks returns to connectors (Fivetran's troubleshooting
// page quotes it verbatim).

/** `VERSION AS OF v` outside the versions the log still has. */
export function versionNotFound(version: number, earliest: number, latest: number): SqlError {
  return new SqlError(
    'DELTA_VERSION_NOT_FOUND',
    '22003',
    `[DELTA_VERSION_NOT_FOUND] Cannot time travel Delta table to version ${version}. Available versions: [${earliest}, ${latest}]. SQLSTATE: 22003`,
  );
}

/** Time travel or change data for versions whose data files a VACUUM removed. */
export function beyondRetention(hours: number): SqlError {
  return new SqlError(
    'DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION',
    '0AKDC',
    `[DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION] Cannot time travel beyond delta.deletedFileRetentionDuration (${hours} HOURS) set on the table. SQLSTATE: 0AKDC`,
  );
}

export function timestampAfterLatest(provided: string, table: string, latest: string): SqlError {
  return new SqlError(
    'DELTA_TIMESTAMP_GREATER_THAN_COMMIT',
    '42816',
    `[DELTA_TIMESTAMP_GREATER_THAN_COMMIT] The provided timestamp (${provided}) is after the latest version available to this table (${table}). Please use a timestamp before or at ${latest}. SQLSTATE: 42816`,
  );
}

export function timestampBeforeEarliest(provided: string, earliest: string): SqlError {
  return new SqlError(
    'DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION',
    '42816',
    `[DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION] The provided timestamp (${provided}) is before the earliest version available to this table (${earliest}). Please use a timestamp after ${earliest}. SQLSTATE: 42816`,
  );
}

export function invalidTimestamp(expr: string): SqlError {
  return new SqlError(
    'DELTA_TIMESTAMP_INVALID',
    '42816',
    `[DELTA_TIMESTAMP_INVALID] The provided timestamp (${expr}) cannot be converted to a valid timestamp. SQLSTATE: 42816`,
  );
}

export function missingChangeData(start: number, end: number, version: number): SqlError {
  return new SqlError(
    'DELTA_MISSING_CHANGE_DATA',
    'KD002',
    `[DELTA_MISSING_CHANGE_DATA] Error getting change data for range [${start} , ${end}] as change data was not recorded for version [${version}]. ` +
      'If you\'ve enabled change data feed on this table, use `DESCRIBE HISTORY` to see when it was first enabled. ' +
      'Otherwise, to start recording change data, use `ALTER TABLE table_name SET TBLPROPERTIES (delta.enableChangeDataFeed=true)`. SQLSTATE: KD002',
  );
}

export function cdcStartAfterLatest(start: number, latest: number): SqlError {
  return new SqlError(
    'DELTA_CDC_START_VERSION_AFTER_LATEST',
    '22003',
    `[DELTA_CDC_START_VERSION_AFTER_LATEST] Start version ${start} for change data feed exceeds the latest table version ${latest}. SQLSTATE: 22003`,
  );
}

export function invalidCdcRange(start: number, end: number): SqlError {
  return new SqlError(
    'DELTA_INVALID_CDC_RANGE',
    '22003',
    `[DELTA_INVALID_CDC_RANGE] CDC range from start ${start} to end ${end} was invalid. End cannot be before start. SQLSTATE: 22003`,
  );
}

export function cannotDescribeViewHistory(): SqlError {
  return new SqlError('DELTA_CANNOT_DESCRIBE_VIEW_HISTORY', '42809', '[DELTA_CANNOT_DESCRIBE_VIEW_HISTORY] Cannot describe the history of a view. SQLSTATE: 42809');
}

export function timeTravelView(): SqlError {
  return new SqlError(
    'DELTA_UNSUPPORTED_TIME_TRAVEL_VIEWS',
    '0AKDC',
    '[DELTA_UNSUPPORTED_TIME_TRAVEL_VIEWS] Cannot time travel views, subqueries, streams or change data feed queries. SQLSTATE: 0AKDC',
  );
}
