import { isCursorType, tableJsonSchema } from '../catalog/type-mapping.js';
import type { AirbyteStream, SyncMode } from '../protocol/airbyte-protocol.js';
import type { TableInfo } from './table-info.js';

/**
 * A table as an Airbyte stream: namespace = schema, name = table. The catalog is not part of the
 * stream identity (one source reads one catalog); it is recorded in the json_schema under
 * `x-databricks` with the table type, for people reading the catalog.
 */
export function airbyteStream(table: TableInfo, defaultCursorField: string | undefined): AirbyteStream {
  const cursorCandidates = table.columns.filter((c) => isCursorType(c.type));
  const syncModes: SyncMode[] = cursorCandidates.length > 0 ? ['full_refresh', 'incremental'] : ['full_refresh'];
  const defaultCursor =
    defaultCursorField === undefined ? undefined : cursorCandidates.find((c) => c.name === defaultCursorField);
  return {
    name: table.name,
    namespace: table.schema,
    json_schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...tableJsonSchema(table.columns),
      'x-databricks': { catalog: table.catalog, table_type: table.tableType },
    },
    supported_sync_modes: syncModes,
    source_defined_cursor: false,
    ...(defaultCursor === undefined ? {} : { default_cursor_field: [defaultCursor.name] }),
    ...(table.primaryKey.length === 0 ? {} : { source_defined_primary_key: table.primaryKey.map((c) => [c]) }),
    // Incremental reads resume from their cursor state; full refresh starts over.
    is_resumable: syncModes.includes('incremental'),
  };
}
