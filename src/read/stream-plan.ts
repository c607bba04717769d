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
  /** The user's row filter (stream_filters), checked when the config was read. */
  readonly filter?: string;
}
