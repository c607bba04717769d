import type { EngineResult, ResultColumn } from '../engine/engine-result.js';
import type { ChunkSlice } from './result-cursor.js';

/**
 * The slice of the SQL engine and of the result encoders the wire layer uses. start-emulator.ts
 * binds them to emulator/engine and emulator/results; tests can bind stand-ins.
 */

/** A statement parameter as the driver sends it: every value is a string or absent (VOID). */
export interface StatementParameter {
  /** Set for named markers (`:name`); ordinal markers (`?`) come in order without one. */
  readonly name?: string;
  /** Spark type name the driver inferred (INTEGER, BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP, STRING, ...). */
  readonly type?: string;
  readonly value: string | null;
}

/** A started statement: its result and a way to interrupt it. */
export interface RunningStatement {
  readonly result: Promise<EngineResult>;
  cancel(): void;
}

/** Filters of the Thrift metadata RPCs, patterns in JDBC LIKE syntax. */
export interface MetadataFilter {
  readonly catalogName?: string;
  readonly schemaName?: string;
  readonly tableName?: string;
  readonly columnName?: string;
  readonly tableTypes?: readonly string[];
}

/** Per-session engine state (current catalog and schema, conf). */
export interface EngineSessionState {
  catalog: string;
  schema: string;
}

export interface SqlEngine {
  defaultSession(): EngineSessionState;
  execute(sql: string, params: readonly StatementParameter[], session: EngineSessionState): RunningStatement;
  getCatalogs(session: EngineSessionState): Promise<EngineResult>;
  getSchemas(session: EngineSessionState, filter: MetadataFilter): Promise<EngineResult>;
  getTables(session: EngineSessionState, filter: MetadataFilter): Promise<EngineResult>;
  getColumns(session: EngineSessionState, filter: MetadataFilter): Promise<EngineResult>;
  getPrimaryKeys(session: EngineSessionState, filter: MetadataFilter): Promise<EngineResult>;
  getTypeInfo(session: EngineSessionState): Promise<EngineResult>;
  getTableTypes(session: EngineSessionState): Promise<EngineResult>;
  getFunctions(session: EngineSessionState, filter: MetadataFilter & { readonly functionName?: string }): Promise<EngineResult>;
  close(): Promise<void> | void;
  /** Makes a Delta table's versions before `keepFromVersion` unreadable (retention); absent when the engine keeps no history. */
  expireHistory?(table: string, keepFromVersion: number, options: { readonly dropLog?: boolean }): Promise<void>;
}

/** Which Spark types travel as native Arrow types (TSparkArrowTypes from the request). */
export interface NativeTypes {
  readonly timestamp: boolean;
  readonly decimal: boolean;
  readonly complex: boolean;
  readonly interval: boolean;
}

/** One encapsulated Arrow RecordBatch message and its row count. */
export interface EncodedBatch {
  readonly body: Buffer;
  readonly rowCount: number;
}

/** Thrift structures may come back as plain objects; the wire layer wraps them in the generated classes. */
export interface ResultEncoders {
  thriftTableSchema(columns: readonly ResultColumn[]): unknown;
  arrowSchemaMessage(columns: readonly ResultColumn[], native: NativeTypes): Buffer;
  arrowBatchMessage(columns: readonly ResultColumn[], slices: readonly ChunkSlice[], native: NativeTypes, options: { lz4: boolean }): EncodedBatch;
  /** A complete Arrow IPC stream (schema, batches, end marker), for a CloudFetch file. */
  arrowIpcStream(columns: readonly ResultColumn[], slices: readonly ChunkSlice[], native: NativeTypes, options: { lz4: boolean }): Buffer;
  columnRowSet(columns: readonly ResultColumn[], slices: readonly ChunkSlice[], startRowOffset: number): unknown;
}
