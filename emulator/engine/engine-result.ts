import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import type { SparkType } from '../spark-type.js';

/** One result column as Databricks describes it to a client. */
export interface ResultColumn {
  readonly name: string;
  readonly type: SparkType;
  readonly nullable: boolean;
  /** Thrift TColumnDesc.comment; Databricks sends "" when there is none. */
  readonly comment: string;
}

/**
 * What the engine hands the wire layer for one statement. Every result, including DML counts
 * and metadata RPC tables, is a materialized DuckDB result whose columns line up one to one
 * with `columns` (materialized because DuckDB's streaming results drop mid-stream errors).
 */
export interface EngineResult {
  /** Empty for DDL: Databricks sends zero Arrow fields for DDL (databricks-behaviour.md §4). */
  readonly columns: readonly ResultColumn[];
  /** Absent when there are no columns. */
  readonly duck?: DuckDBMaterializedResult;
  /** operationStatus.numModifiedRows for DML. */
  readonly numModifiedRows?: bigint;
  /**
   * 'columns' for results Databricks returns column-based (metadata RPCs, constant-only
   * queries); 'arrow' otherwise (databricks-behaviour.md §0 resultFormat).
   */
  readonly preferredFormat: 'arrow' | 'columns';
}

/** A statement failure in Databricks' terms; the wire layer turns it into a TStatus. */
export class SqlError extends Error {
  readonly errorClass: string;
  readonly sqlState: string;
  constructor(errorClass: string, sqlState: string, message: string) {
    super(message);
    this.name = 'SqlError';
    this.errorClass = errorClass;
    this.sqlState = sqlState;
  }
}
