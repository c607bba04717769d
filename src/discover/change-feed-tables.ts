import type { Warehouse } from '../client/warehouse.js';
import { renderShowProperties } from '../sql/change-feed-query.js';
import type { TableInfo } from './table-info.js';

/** Property queries in flight at once. */
const CONCURRENCY = 8;

const PROPERTY = 'delta.enablechangedatafeed';

/**
 * Marks which tables have Delta's change feed on. Databricks lists table properties only per table
 * (SHOW TBLPROPERTIES; information_schema has no properties view), so this costs one small query
 * per table asked about, run `CONCURRENCY` at a time. Views never have a change feed and are not
 * asked about. A table whose properties cannot be read (no privilege, not a Delta table) is marked
 * as without a change feed.
 */
export async function markChangeFeeds(
  warehouse: Warehouse,
  tables: readonly TableInfo[],
  wanted: (table: TableInfo) => boolean,
): Promise<TableInfo[]> {
  const result = [...tables];
  const todo = result.map((t, i) => i).filter((i) => wanted(result[i]!) && !isView(result[i]!.tableType));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const index = todo[next++]!;
      const table = result[index]!;
      result[index] = { ...table, changeDataFeed: await changeFeedOn(warehouse, table) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
  return result;
}

async function changeFeedOn(warehouse: Warehouse, table: TableInfo): Promise<boolean> {
  const query = renderShowProperties(table);
  let rows;
  try {
    rows = await warehouse.queryRows(query.sql, query.parameters);
  } catch {
    return false;
  }
  // Property keys are case-insensitive in Delta; the value is the text `true`.
  return rows.some((r) => String(r['key']).toLowerCase() === PROPERTY && String(r['value']).trim().toLowerCase() === 'true');
}

function isView(tableType: string): boolean {
  return tableType.toUpperCase().includes('VIEW');
}
