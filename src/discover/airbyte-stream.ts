import { CHANGE_FEED_COLUMNS, CHANGE_FEED_CURSOR, isChangeFeedColumn } from '../catalog/change-feed-columns.js';
import { isCursorType, tableJsonSchema } from '../catalog/type-mapping.js';
import type { AirbyteStream, SyncMode } from '../protocol/airbyte-protocol.js';
import type { TableInfo } from './table-info.js';

/**
 * A table as an Airbyte stream: namespace = schema, name = table. The catalog is not part of the
 * stream identity (one source reads one catalog); it is recorded in the json_schema under
 * `x-databricks` with the table type, for people reading the catalog.
 *
 * A Delta table with the change feed on also offers the `_ab_cdc_*` columns and the cursor
 * `_ab_cdc_commit_version`, which reads inserts, updates and deletes from the change feed; it is
 * the default cursor unless the config names a default cursor column the table has.
 */
export function airbyteStream(table: TableInfo, defaultCursorField: string | undefined): AirbyteStream {
  const cursorCandidates = table.columns.filter((c) => isCursorType(c.type));
  const changeFeed = offersChangeFeed(table);
  const syncModes: SyncMode[] = cursorCandidates.length > 0 || changeFeed ? ['full_refresh', 'incremental'] : ['full_refresh'];
  const configuredDefault =
    defaultCursorField === undefined ? undefined : cursorCandidates.find((c) => c.name === defaultCursorField)?.name;
  const defaultCursor = configuredDefault ?? (changeFeed ? CHANGE_FEED_CURSOR : undefined);
  return {
    name: table.name,
    namespace: table.schema,
    json_schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...tableJsonSchema(changeFeed ? [...table.columns, ...CHANGE_FEED_COLUMNS] : table.columns),
      'x-databricks': { catalog: table.catalog, table_type: table.tableType, ...(changeFeed ? { change_data_feed: true } : {}) },
    },
    supported_sync_modes: syncModes,
    source_defined_cursor: false,
    ...(defaultCursor === undefined ? {} : { default_cursor_field: [defaultCursor] }),
    ...(table.primaryKey.length === 0 ? {} : { source_defined_primary_key: table.primaryKey.map((c) => [c]) }),
    // Incremental reads resume from their cursor state; full refresh starts over.
    is_resumable: syncModes.includes('incremental'),
  };
}

/** The change feed is offered when it is on and no table column takes one of the added names. */
export function offersChangeFeed(table: TableInfo): boolean {
  return table.changeDataFeed === true && !table.columns.some((c) => isChangeFeedColumn(c.name));
}
