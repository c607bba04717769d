import { configError } from '../errors/connector-error.js';
import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';

/**
 * The per-stream state this connector writes into STATE messages (`stream_state`), and the
 * rules for reading it back. It is a versioned value owned by the connector: Airbyte stores it
 * verbatim and hands it back in the next sync's --state file.
 *
 * Meaning: every row whose cursor is <= `cursor` has been emitted, so the next read selects
 * `cursor_column > cursor` (or `>=` when `cursor_inclusive`, see below). `cursor` is the exact text
 * the record carried (e.g. `2024-01-31T12:34:56.123456Z`, `12.50`), bound back as a typed parameter.
 */

export const STREAM_STATE_VERSION = 1;

// A type alias, not an interface, so it is assignable to the protocol's Record-typed stream_state.
export type CursorStreamState = {
  readonly version: typeof STREAM_STATE_VERSION;
  /** The cursor column, as Airbyte's field path (one element: the top-level column). */
  readonly cursor_field: readonly string[];
  /** Last cursor value whose rows were all emitted; null when no row has been read yet. */
  readonly cursor: string | null;
  /**
   * Set on states migrated from formats that may have stopped inside a group of equal cursor
   * values: the next read uses `>=` and re-emits that one group (duplicates, never loss).
   */
  readonly cursor_inclusive?: true;
  /** The column's Databricks type when the state was written; a changed type restarts the stream. */
  readonly cursor_type?: string;
  /**
   * Change Data Feed streams only (cursor `_ab_cdc_commit_version`, `cursor` = the last table
   * version whose changes were all emitted): a snapshot being read, so a restarted sync goes on
   * with the same table version while the table still has it.
   */
  readonly snapshot?: SnapshotProgress;
};

export type SnapshotProgress = {
  /** The table version the snapshot reads (VERSION AS OF). */
  readonly table_version: string;
  /** That version's commit timestamp, written into the snapshot's records. */
  readonly commit_timestamp: string;
  /** Ordered snapshots: rows are read by this column, and those up to `after` were all emitted. */
  readonly order_column?: string;
  readonly after?: string;
};

/** The state value to save; pass a `Checkpoint` from cursor-progress.ts as `cursor` + `inclusive`. */
export function cursorStreamState(fields: {
  readonly cursorField: string;
  readonly cursor: string | null;
  readonly inclusive?: boolean;
  readonly cursorType?: string;
  readonly snapshot?: SnapshotProgress;
}): CursorStreamState {
  return {
    version: STREAM_STATE_VERSION,
    cursor_field: [fields.cursorField],
    cursor: fields.cursor,
    ...(fields.inclusive === true && fields.cursor !== null ? { cursor_inclusive: true } : {}),
    ...(fields.cursorType === undefined ? {} : { cursor_type: fields.cursorType }),
    ...(fields.snapshot === undefined ? {} : { snapshot: fields.snapshot }),
  };
}

export interface ValidatedStreamState {
  readonly state: CursorStreamState;
  /** Set when an older format was converted; worth a LOG line. */
  readonly migratedFrom?: string;
}

/**
 * Validates one stream's saved `stream_state`, converting older formats. Returns undefined for
 * an empty state (null, `{}`): the stream starts from the beginning. Throws a config_error naming
 * the stream when the value cannot be understood, so a damaged state never silently re-reads
 * or skips data.
 */
export function validateStreamState(value: unknown, stream: StreamDescriptor): ValidatedStreamState | undefined {
  if (value === null || value === undefined) return undefined;
  const label = streamLabel(stream);
  const corrupt = (reason: string): never => {
    throw configError(
      `The saved state of stream ${label} is not valid (${reason}). Reset the stream in Airbyte to read it again from the start.`,
      { stream },
    );
  };
  if (typeof value !== 'object' || Array.isArray(value)) return corrupt('it is not an object');
  const s = value as Record<string, unknown>;
  if (Object.keys(s).length === 0) return undefined;

  if (s.version === STREAM_STATE_VERSION && !('state_type' in s)) {
    const cursorField = s.cursor_field;
    if (!isFieldPath(cursorField)) return corrupt('cursor_field must be a list with one column name');
    if (s.cursor !== null && typeof s.cursor !== 'string') return corrupt('cursor must be a string or null');
    if (s.cursor_inclusive !== undefined && s.cursor_inclusive !== true) return corrupt('cursor_inclusive must be true when present');
    if (s.cursor_type !== undefined && typeof s.cursor_type !== 'string') return corrupt('cursor_type must be a string');
    const snapshot = s.snapshot === undefined ? undefined : snapshotProgress(s.snapshot);
    if (snapshot === null) return corrupt('snapshot must hold a table_version number and a commit_timestamp');
    return {
      state: {
        version: STREAM_STATE_VERSION,
        cursor_field: cursorField,
        cursor: s.cursor,
        ...(s.cursor_inclusive === true ? { cursor_inclusive: true } : {}),
        ...(typeof s.cursor_type === 'string' ? { cursor_type: s.cursor_type } : {}),
        ...(snapshot === undefined ? {} : { snapshot }),
      },
    };
  }
  if (typeof s.version === 'number' && s.version > STREAM_STATE_VERSION && !('state_type' in s)) {
    throw configError(
      `The saved state of stream ${label} was written by a newer version of this connector (state version ${s.version}). Upgrade the connector or reset the stream.`,
      { stream },
    );
  }

  // Airbyte's Java JDBC sources (`state_type: cursor_based`, optional `cursor_record_count`) and
  // the connector's original design (`cursor_value`, `cursor_field` as a string). Both may have
  // stopped in the middle of a group of equal cursor values, so resume inclusively.
  const legacyCursor = 'cursor' in s ? s.cursor : s.cursor_value;
  const legacyField = typeof s.cursor_field === 'string' ? [s.cursor_field] : s.cursor_field;
  if (('cursor' in s || 'cursor_value' in s) && isFieldPath(legacyField)) {
    if (legacyCursor === null || legacyCursor === undefined) {
      return { state: { version: STREAM_STATE_VERSION, cursor_field: legacyField, cursor: null }, migratedFrom: legacyName(s) };
    }
    if (typeof legacyCursor !== 'string' && typeof legacyCursor !== 'number') return corrupt('cursor must be a string');
    return {
      state: { version: STREAM_STATE_VERSION, cursor_field: legacyField, cursor: String(legacyCursor), cursor_inclusive: true },
      migratedFrom: legacyName(s),
    };
  }
  return corrupt('unknown format');
}

/** A saved snapshot marker, or null when it is malformed. */
function snapshotProgress(value: unknown): SnapshotProgress | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.table_version !== 'string' || !/^\d+$/.test(v.table_version) || typeof v.commit_timestamp !== 'string') return null;
  if ((v.order_column === undefined) !== (v.after === undefined)) return null;
  if (v.order_column !== undefined && (typeof v.order_column !== 'string' || typeof v.after !== 'string')) return null;
  return {
    table_version: v.table_version,
    commit_timestamp: v.commit_timestamp,
    ...(typeof v.order_column === 'string' && typeof v.after === 'string' ? { order_column: v.order_column, after: v.after } : {}),
  };
}

function legacyName(s: Record<string, unknown>): string {
  return s.state_type === 'cursor_based' ? 'Airbyte JDBC cursor state' : 'unversioned cursor state';
}

function isFieldPath(value: unknown): value is readonly [string] {
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' && value[0].length > 0;
}

/** `namespace.name`, or `name` for a stream without a namespace. */
export function streamLabel(stream: StreamDescriptor): string {
  return stream.namespace === undefined ? stream.name : `${stream.namespace}.${stream.name}`;
}

/** Where an incremental read starts: nothing (from the beginning) or a bound on the cursor column. */
export type ResumePoint =
  | { readonly kind: 'beginning'; readonly reason?: string }
  | { readonly kind: 'after'; readonly cursor: string; readonly inclusive: boolean };

/**
 * Decides where to resume a stream given its saved state and the cursor the catalog now asks for.
 * A different cursor column or type makes the saved value meaningless: the stream restarts and
 * `reason` says why (for a LOG line).
 */
export function resumePoint(
  saved: CursorStreamState | undefined,
  cursor: { readonly field: string; readonly type?: string },
): ResumePoint {
  if (saved === undefined || saved.cursor === null) return { kind: 'beginning' };
  if (saved.cursor_field[0] !== cursor.field) {
    return {
      kind: 'beginning',
      reason: `the cursor changed from ${saved.cursor_field[0]} to ${cursor.field}; reading the stream from the start`,
    };
  }
  if (saved.cursor_type !== undefined && cursor.type !== undefined && normaliseType(saved.cursor_type) !== normaliseType(cursor.type)) {
    return {
      kind: 'beginning',
      reason: `the cursor column ${cursor.field} changed type from ${saved.cursor_type} to ${cursor.type}; reading the stream from the start`,
    };
  }
  return { kind: 'after', cursor: saved.cursor, inclusive: saved.cursor_inclusive === true };
}

function normaliseType(type: string): string {
  return type.replace(/\s+/g, '').toUpperCase();
}
