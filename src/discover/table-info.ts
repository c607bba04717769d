/** A table or view as discovery found it: what discover publishes and what read plans against. */
export interface TableColumn {
  readonly name: string;
  /** Databricks type text as the warehouse reports it, e.g. `DECIMAL(38,18)`, `ARRAY<STRING>`. */
  readonly type: string;
  readonly nullable: boolean;
}

export interface TableInfo {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  /** TABLE, VIEW, MATERIALIZED_VIEW, ... as GetTables reports it. */
  readonly tableType: string;
  /** In table order. */
  readonly columns: readonly TableColumn[];
  /** Informational primary key columns in key order (Unity Catalog only); empty when none. */
  readonly primaryKey: readonly string[];
  /**
   * Delta's change feed is on (`delta.enableChangeDataFeed`); undefined when not looked up
   * (views, or discovery told not to).
   */
  readonly changeDataFeed?: boolean;
}
