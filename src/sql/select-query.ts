import type { BoundValue, QueryParameters } from '../client/warehouse.js';
import { quoteIdentifier, quoteTableName, type TableName } from './quote-identifier.js';

/**
 * Queries are built as data and rendered by one function per statement shape. Names always go
 * through `quoteIdentifier`; values are always named parameters (`:p0`, `:p1`, ...) bound with an
 * explicit type; the only SQL text taken from the user is a stream filter, which is checked by
 * `checkUserPredicate` when the config is read and wrapped in parentheses here.
 */

export interface RenderedQuery {
  readonly sql: string;
  readonly parameters: QueryParameters;
}

/** `column > value` (or `>=` when inclusive) for a lower bound; `<` / `<=` for an upper bound. */
export interface CursorBound {
  readonly column: string;
  readonly value: BoundValue;
  readonly inclusive: boolean;
}

/** What to read from one table. */
export interface TableScan {
  readonly table: TableName;
  readonly lowerBound?: CursorBound;
  readonly upperBound?: CursorBound;
  /** The user's SQL predicate for this stream, added as `AND (<filter>)`. */
  readonly filter?: string;
  /** Delta time travel: read the table as of this version (a non-negative integer). */
  readonly versionAsOf?: number | bigint | string;
}

/** A value selected as a named column, the same on every row: `:p AS name` (NULL: `CAST(NULL AS type)`). */
export interface ConstantColumn {
  readonly name: string;
  readonly value: BoundValue;
}

export interface SelectSpec extends TableScan {
  readonly columns: readonly string[];
  /** Columns after `columns` whose value is the same on every row. */
  readonly constants?: readonly ConstantColumn[];
  /** Columns to sort by, ascending. */
  readonly orderBy?: readonly string[];
  readonly limit?: number;
}

/** SELECT <columns> FROM <table> [VERSION AS OF n] [WHERE ...] [ORDER BY ...] [LIMIT n]. */
export function renderSelect(spec: SelectSpec): RenderedQuery {
  if (spec.columns.length === 0) throw new Error('a SELECT needs at least one column');
  const from = renderFromWhere(spec);
  const parameters: Record<string, BoundValue> = { ...from.parameters };
  const constants = (spec.constants ?? []).map((c) => {
    if (c.value.value === null) return `CAST(NULL AS ${sqlTypeName(c.value.type)}) AS ${quoteIdentifier(c.name)}`;
    const name = `c${Object.keys(parameters).length}`;
    parameters[name] = c.value;
    return `:${name} AS ${quoteIdentifier(c.name)}`;
  });
  let sql = `SELECT ${[...spec.columns.map(quoteIdentifier), ...constants].join(', ')} ${from.sql}`;
  if (spec.orderBy !== undefined && spec.orderBy.length > 0) {
    sql += ` ORDER BY ${spec.orderBy.map((c) => `${quoteIdentifier(c)} ASC`).join(', ')}`;
  }
  if (spec.limit !== undefined) sql += ` LIMIT ${nonNegativeInteger(spec.limit, 'limit')}`;
  return { sql, parameters };
}

/** The largest cursor value in the scan, as column `max_cursor`: the upper bound of a read. */
export function renderMaxCursor(scan: TableScan, cursorColumn: string): RenderedQuery {
  const from = renderFromWhere(scan);
  return { sql: `SELECT MAX(${quoteIdentifier(cursorColumn)}) AS \`max_cursor\` ${from.sql}`, parameters: from.parameters };
}

/** The smallest value of a column in the scan, as column `min_value`: where range reads start. */
export function renderMinValue(scan: TableScan, column: string): RenderedQuery {
  const from = renderFromWhere(scan);
  return { sql: `SELECT MIN(${quoteIdentifier(column)}) AS \`min_value\` ${from.sql}`, parameters: from.parameters };
}

/** The number of rows in the scan, as column `row_count`: the ESTIMATE before a read. */
export function renderCount(scan: TableScan): RenderedQuery {
  const from = renderFromWhere(scan);
  return { sql: `SELECT COUNT(*) AS \`row_count\` ${from.sql}`, parameters: from.parameters };
}

/** Delta table details (one row: sizeInBytes, numFiles, ...), for byte estimates. */
export function renderDescribeDetail(table: TableName): RenderedQuery {
  return { sql: `DESCRIBE DETAIL ${quoteTableName(table)}`, parameters: {} };
}

/** The newest Delta commit (column `version`), to pin a read with VERSION AS OF. */
export function renderLatestVersion(table: TableName): RenderedQuery {
  return { sql: `DESCRIBE HISTORY ${quoteTableName(table)} LIMIT 1`, parameters: {} };
}

function renderFromWhere(scan: TableScan): RenderedQuery {
  const parameters: Record<string, BoundValue> = {};
  const bind = (value: BoundValue): string => {
    const name = `p${Object.keys(parameters).length}`;
    parameters[name] = value;
    return `:${name}`;
  };
  let sql = `FROM ${quoteTableName(scan.table)}`;
  if (scan.versionAsOf !== undefined) sql += ` VERSION AS OF ${nonNegativeInteger(scan.versionAsOf, 'versionAsOf')}`;
  const conditions: string[] = [];
  if (scan.lowerBound !== undefined) {
    const b = scan.lowerBound;
    conditions.push(`${quoteIdentifier(b.column)} ${b.inclusive ? '>=' : '>'} ${bind(b.value)}`);
  }
  if (scan.upperBound !== undefined) {
    const b = scan.upperBound;
    conditions.push(`${quoteIdentifier(b.column)} ${b.inclusive ? '<=' : '<'} ${bind(b.value)}`);
  }
  if (scan.filter !== undefined && scan.filter.trim() !== '') conditions.push(`(${scan.filter})`);
  if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
  return { sql, parameters };
}

/** A type name for CAST: a word with an optional (p) or (p,s), as the type mapping writes them. */
export function sqlTypeName(type: string): string {
  if (!/^[A-Z_]+(\(\d+(,\s*\d+)?\))?$/i.test(type)) throw new Error(`not a plain SQL type name: ${type}`);
  return type;
}

export function nonNegativeInteger(value: number | bigint | string, what: string): string {
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new Error(`${what} must be a non-negative integer`);
  return text;
}
