import type { TableInfo } from '../discover/table-info.js';
import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';

/** How one configured stream is read, fixed before any row is. */
export interface StreamPlan {
  readonly stream: StreamDescriptor;
  readonly table: TableInfo;
  /** Columns written into records, in table order. */
  readonly columns: readonly string[];
  readonly syncMode: 'full_refresh' | 'incremental';
  /** Incremental only. */
  readonly cursor?: {
    readonly column: string;
    /** Databricks type text of the cursor column. */
    readonly type: string;
    /** Where the previous sync stopped; absent: from the beginning. */
    readonly after?: { readonly value: string; readonly inclusive: boolean };
  };
  /**
   * Full refresh only: read in the order of this primary key column (non-null, and of a type
   * that binds as a parameter), so a result that fails part way resumes where it stopped
   * instead of starting over. Absent: the table is read unordered.
   */
  readonly order?: { readonly column: string; readonly type: string };
  /** The user's row filter (stream_filters), checked when the config was read. */
  readonly filter?: string;
}
