import assert from 'node:assert/strict';
import { JsonNumber, type LosslessValue } from './lossless-json.js';

/**
 * Change Data Feed records applied the way a deduplicating destination applies Airbyte CDC
 * records: keyed by the primary key, a record with `_ab_cdc_deleted_at` set deletes the key,
 * any other upserts it, and a record never replaces one of a later `_ab_cdc_commit_version`.
 */

export const CDC_VERSION = '_ab_cdc_commit_version';
export const CDC_UPDATED_AT = '_ab_cdc_updated_at';
export const CDC_DELETED_AT = '_ab_cdc_deleted_at';

/** A row as text per column (numbers as their exact digits), null for SQL NULL. */
export type TextRow = Readonly<Record<string, string | null>>;

/** What the store holds for one key. */
export interface ReplayedRow {
  readonly row: TextRow;
  readonly version: bigint;
}

/** A value of a record as plain text: a number's digits as written, a string as itself. */
export function valueText(value: LosslessValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The key of a row or record: its key columns' texts joined. */
export function keyOf(row: Readonly<Record<string, string | null>>, key: readonly string[]): string {
  return key.map((c) => row[c] ?? '\u0000null').join('\u0001');
}

/** The user columns of a record as text. */
export function recordRow(data: Readonly<Record<string, LosslessValue>>, columns: readonly string[]): TextRow {
  return Object.fromEntries(columns.map((c) => [c, valueText(data[c])]));
}

/** Applies records in the order given; returns the store for chaining. */
export function applyRecords(
  store: Map<string, ReplayedRow>,
  records: readonly Readonly<Record<string, LosslessValue>>[],
  columns: readonly string[],
  key: readonly string[],
): Map<string, ReplayedRow> {
  for (const data of records) {
    const version = BigInt(valueText(data[CDC_VERSION])!);
    const row = recordRow(data, columns);
    const k = keyOf(row, key);
    const held = store.get(k);
    if (held !== undefined && held.version > version) continue;
    if (data[CDC_DELETED_AT] !== null) store.delete(k);
    else store.set(k, { row, version });
  }
  return store;
}

/** The store holds exactly the table's rows, value for value. */
export function assertStoreEqualsTable(store: ReadonlyMap<string, ReplayedRow>, table: ReadonlyMap<string, TextRow>, when: string): void {
  const missing = [...table.keys()].filter((k) => !store.has(k));
  const extra = [...store.keys()].filter((k) => !table.has(k));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${when}: keys differ from the table's`);
  for (const [k, row] of table) assert.deepEqual(store.get(k)!.row, row, `${when}: key ${k}`);
}

/** Every table row is in the store with its current values (the store may hold more). */
export function assertStoreContainsTable(store: ReadonlyMap<string, ReplayedRow>, table: ReadonlyMap<string, TextRow>, when: string): void {
  for (const [k, row] of table) assert.deepEqual(store.get(k)?.row, row, `${when}: key ${k}`);
}
