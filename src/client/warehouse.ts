/**
 * The narrow slice of a Databricks SQL warehouse the connector uses. Only
 * `databricks-sql-client.ts` implements it (the one module that imports `@databricks/sql`);
 * everything else depends on this interface.
 */

/** A value bound to a statement parameter; always sent as text with an explicit SQL type. */
export interface BoundValue {
  /** Databricks SQL type name of the parameter, e.g. STRING, BIGINT, TIMESTAMP, DECIMAL(38,6). */
  readonly type: string;
  /** The value as text, or null for SQL NULL. */
  readonly value: string | null;
}

/** Named (`:name`) parameters. */
export type QueryParameters = Readonly<Record<string, BoundValue>>;

/**
 * One piece of a result as Arrow IPC: `schema` is an encapsulated Schema message and `batches`
 * are encapsulated RecordBatch messages (already LZ4-decoded), exactly as the warehouse sent them.
 */
export interface ArrowChunk {
  readonly schema: Uint8Array;
  readonly batches: readonly Uint8Array[];
  readonly rowCount: number;
  /**
   * Takes back the buffers that held `batches` (the same memory, also when it moved to another
   * thread and back) for later downloads. Call it only once nothing reads the batches or any view
   * of them; a chunk never recycled is simply collected. Absent when there is nothing to reuse.
   */
  readonly recycle?: (buffers: readonly ArrayBuffer[]) => void;
}

/** A small result row with exact values: 64-bit integers and decimals as strings, timestamps as ISO text with microseconds. */
export type ExactRow = Readonly<Record<string, ExactValue>>;
export type ExactValue = string | number | boolean | null | readonly ExactValue[] | { readonly [k: string]: ExactValue };

/** A row of a metadata RPC result (GetTables, GetColumns, ...), JDBC column names as keys. */
export type MetadataRow = Readonly<Record<string, string | number | boolean | null>>;

export interface QueryOptions {
  /** Rows per FetchResults round trip (the config's batch_size). */
  readonly batchRows?: number;
  /** Aborts the statement (CancelOperation) and ends iteration with an error. */
  readonly signal?: AbortSignal;
}

export interface Warehouse {
  /** Runs a statement and streams its result as Arrow chunks; the operation is closed when iteration ends. */
  queryArrow(sql: string, parameters?: QueryParameters, options?: QueryOptions): AsyncIterable<ArrowChunk>;
  /** Runs a statement with a small result and returns its rows with exact values. */
  queryRows(sql: string, parameters?: QueryParameters, options?: QueryOptions): Promise<ExactRow[]>;
  getCatalogs(): Promise<MetadataRow[]>;
  getSchemas(catalog: string, schemaPattern?: string): Promise<MetadataRow[]>;
  getTables(catalog: string, schemaPattern: string, tablePattern?: string): Promise<MetadataRow[]>;
  getColumns(catalog: string, schemaPattern: string, tablePattern?: string): Promise<MetadataRow[]>;
  getPrimaryKeys(catalog: string, schema: string, table: string): Promise<MetadataRow[]>;
  close(): Promise<void>;
}
