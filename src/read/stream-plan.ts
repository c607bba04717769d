import type { TableInfo } from '../discover/table-info.js';
import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';
import type { SnapshotProgress } from '../state/stream-state.js';

/** How one configured stream is read, fixed before any row is. */
export interface StreamPlan {
  readonly stream: StreamDescriptor;
  readonly table: TableInfo;
  /** Columns written into records, in table order. */
  readonly columns: readonly string[];
  /** `change_data_feed`: incremental with the cursor `_ab_cdc_commit_version` (read-change-feed.ts). */
  readonly syncMode: 'full_refresh' | 'incremental' | 'change_data_feed';
  /** Incremental only. */
  readonly cursor?: {
    readonly column: string;
    /** Databricks type text of the cursor column. */
    readonly type: string;
    /** Where the previous sync stopped; absent: from the beginning. */
    readonly after?: { readonly value: string; readonly inclusive: boolean };
  };
  /** Change Data Feed only. */
  readonly changeFeed?: {
    /** Key columns (the configured primary key, else the table's): one net change per key and commit. */
    readonly primaryKey: readonly string[];
    /** Last table version whose changes were all emitted; absent: a snapshot comes first. */
    readonly after?: string;
    /** A snapshot a previous sync started and did not finish. */
    readonly snapshot?: SnapshotProgress;
  };
  /**
   * Full refresh and change-feed snapshots: read in the order of this primary key column (non-null, and of a type
   * that binds as a parameter), so a result that fails part way resumes where it stopped
   * instead of starting over. Absent: the table is read unordered.
   */
  readonly order?: { readonly column: string; readonly type: string };
  /** The user's row filter (stream_filters), checked when the config was read. */
  readonly filter?: string;
}
