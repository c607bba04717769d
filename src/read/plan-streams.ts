import { CHANGE_FEED_CURSOR, isChangeFeedColumn } from '../catalog/change-feed-columns.js';
import { isCursorType } from '../catalog/type-mapping.js';
import { offersChangeFeed } from '../discover/airbyte-stream.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { streamFilterFor } from '../config/resolve-config.js';
import type { TableInfo } from '../discover/table-info.js';
import { configError, type ConnectorError } from '../errors/connector-error.js';
import type { ConfiguredAirbyteStream } from '../protocol/airbyte-protocol.js';
import { streamDescriptor } from '../protocol/messages.js';
import { streamKey, type IncomingState } from '../state/parse-state.js';
import { resumePoint, streamLabel, type SnapshotProgress } from '../state/stream-state.js';
import type { StreamPlan } from './stream-plan.js';

export type PlanOutcome =
  | { readonly ok: true; readonly plan: StreamPlan; readonly notices: readonly string[] }
  | { readonly ok: false; readonly stream: ReturnType<typeof streamDescriptor>; readonly error: ConnectorError };

/**
 * Checks one configured stream against the table as it is now (it may have been dropped or
 * altered since discover) and fixes how it will be read. Problems are config errors naming the
 * stream and the column, so one bad stream does not stop the others.
 */
export function planStream(
  configured: ConfiguredAirbyteStream,
  tables: ReadonlyMap<string, TableInfo>,
  state: IncomingState,
  config: ResolvedConfig,
): PlanOutcome {
  const stream = streamDescriptor(configured.stream.name, configured.stream.namespace);
  const label = streamLabel(stream);
  const fail = (message: string): PlanOutcome => ({ ok: false, stream, error: configError(message, { stream }) });
  if (stream.namespace === undefined) {
    return fail(`Stream ${label} has no namespace; this source names streams <schema>.<table>. Run discover again and reconfigure the connection.`);
  }
  const table = tables.get(streamKey(stream));
  if (table === undefined) {
    return fail(`Stream ${label}: the table ${config.catalog}.${stream.namespace}.${stream.name} does not exist (dropped, renamed, or not visible to this user). Run discover again.`);
  }
  const live = new Map(table.columns.map((c) => [c.name, c]));
  const cursorField = configured.cursor_field ?? configured.stream.default_cursor_field ?? [];
  const changeFeedMode = configured.sync_mode === 'incremental' && cursorField.length === 1 && cursorField[0] === CHANGE_FEED_CURSOR && !live.has(CHANGE_FEED_CURSOR);
  const properties = Object.keys((configured.stream.json_schema['properties'] as Record<string, unknown> | undefined) ?? {}).filter(
    // The change-feed columns are added by the read, not selected from the table.
    (p) => !(isChangeFeedColumn(p) && !live.has(p)),
  );
  const missing = properties.filter((p) => !live.has(p));
  if (missing.length > 0) {
    return fail(`Stream ${label}: column(s) ${missing.map((m) => JSON.stringify(m)).join(', ')} no longer exist in the table. Refresh the source schema.`);
  }
  const selected = new Set(properties.length > 0 ? properties : table.columns.map((c) => c.name));
  const columns = table.columns.filter((c) => selected.has(c.name)).map((c) => c.name);
  if (columns.length === 0) return fail(`Stream ${label}: no columns are selected.`);
  const filter = streamFilterFor(config, stream);
  const base = { stream, table, columns, ...(filter === undefined ? {} : { filter }) };

  if (configured.sync_mode === 'full_refresh') {
    const order = resumeOrder(table);
    return { ok: true, plan: { ...base, syncMode: 'full_refresh', ...(order === undefined ? {} : { order }) }, notices: [] };
  }
  if (changeFeedMode) return planChangeFeed(configured, table, state, base, fail);
  if (cursorField.length === 0) {
    return fail(`Stream ${label} is set to incremental but has no cursor field: choose a cursor column or use full refresh.`);
  }
  if (cursorField.length > 1) {
    return fail(`Stream ${label}: the cursor ${JSON.stringify(cursorField.join('.'))} is a nested field; choose a top-level column.`);
  }
  const cursorName = cursorField[0]!;
  const cursorColumn = live.get(cursorName);
  if (cursorColumn === undefined) {
    return fail(`Stream ${label}: the cursor column ${JSON.stringify(cursorName)} does not exist in the table (removed or renamed?).`);
  }
  if (!isCursorType(cursorColumn.type)) {
    return fail(`Stream ${label}: the cursor column ${JSON.stringify(cursorName)} has type ${cursorColumn.type}, which cannot be a cursor (use an integer, decimal, date, timestamp or string column).`);
  }
  const resume = resumePoint(state.streams.get(streamKey(stream)), { field: cursorName, type: cursorColumn.type });
  const notices = resume.kind === 'beginning' && resume.reason !== undefined ? [`Stream ${label}: ${resume.reason}.`] : [];
  return {
    ok: true,
    notices,
    plan: {
      ...base,
      syncMode: 'incremental',
      cursor: {
        column: cursorName,
        type: cursorColumn.type,
        ...(resume.kind === 'after' ? { after: { value: resume.cursor, inclusive: resume.inclusive } } : {}),
      },
    },
  };
}

/** Incremental through Delta's change feed: checks the feed is on and picks up the saved position. */
function planChangeFeed(
  configured: ConfiguredAirbyteStream,
  table: TableInfo,
  state: IncomingState,
  base: Omit<StreamPlan, 'syncMode'>,
  fail: (message: string) => PlanOutcome,
): PlanOutcome {
  const label = streamLabel(base.stream);
  if (!offersChangeFeed(table)) {
    return fail(
      `Stream ${label}: the cursor ${CHANGE_FEED_CURSOR} reads Delta's Change Data Feed, which is not on for ${table.catalog}.${table.schema}.${table.name}. ` +
        `Turn it on (ALTER TABLE ... SET TBLPROPERTIES (delta.enableChangeDataFeed = true)) and reset the stream, or choose a cursor column.`,
    );
  }
  const configuredKey = (configured.primary_key ?? []).map((path) => path[0]).filter((c): c is string => c !== undefined);
  const primaryKey = configuredKey.length > 0 ? configuredKey : table.primaryKey;
  const unknownKey = primaryKey.filter((c) => !table.columns.some((t) => t.name === c));
  if (unknownKey.length > 0) {
    return fail(`Stream ${label}: the primary key column(s) ${unknownKey.map((c) => JSON.stringify(c)).join(', ')} do not exist in the table.`);
  }
  const saved = state.streams.get(streamKey(base.stream));
  const notices: string[] = [];
  let after: string | undefined;
  let snapshot: SnapshotProgress | undefined;
  if (saved !== undefined && saved.cursor_field[0] !== CHANGE_FEED_CURSOR) {
    notices.push(`Stream ${label}: the cursor changed from ${saved.cursor_field[0]} to ${CHANGE_FEED_CURSOR}; reading a new snapshot.`);
  } else if (saved !== undefined) {
    if (saved.cursor !== null) {
      if (!/^\d+$/.test(saved.cursor)) return fail(`The saved state of stream ${label} is not valid (the table version ${JSON.stringify(saved.cursor)} is not a number). Reset the stream.`);
      after = saved.cursor;
    } else if (saved.snapshot !== undefined) {
      snapshot = saved.snapshot;
    }
  }
  const order = resumeOrder(table);
  return {
    ok: true,
    notices,
    plan: {
      ...base,
      syncMode: 'change_data_feed',
      changeFeed: { primaryKey, ...(after === undefined ? {} : { after }), ...(snapshot === undefined ? {} : { snapshot }) },
      ...(order === undefined ? {} : { order }),
    },
  };
}

/**
 * The column a full refresh is ordered by so it can resume after a failed fetch: the first
 * primary key column, when it cannot be NULL and binds as a typed parameter. Sorting by the
 * leading key column alone is enough: rows sharing its value form one group, which a resume
 * handles the way an incremental read handles equal cursor values.
 */
function resumeOrder(table: TableInfo): { column: string; type: string } | undefined {
  const first = table.primaryKey[0];
  const column = first === undefined ? undefined : table.columns.find((c) => c.name === first);
  if (column === undefined || column.nullable || !isCursorType(column.type)) return undefined;
  return { column: column.name, type: column.type };
}
