import { DuckDBVector, type DuckDBDataChunk, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { rawColumnVector } from './duck-vector-memory.js';

/** Rows `[offset, offset + length)` of one chunk of a materialized DuckDB result. */
export interface ChunkSlice {
  readonly chunk: DuckDBDataChunk;
  readonly offset: number;
  readonly length: number;
}

export function sliceRowCount(slices: readonly ChunkSlice[]): number {
  let n = 0;
  for (const s of slices) n += s.length;
  return n;
}

/** The DuckDB type of a column as the chunks store it, or undefined when there are no chunks. */
export function duckColumnType(slices: readonly ChunkSlice[], column: number): DuckDBType | undefined {
  const first = slices[0];
  return first === undefined ? undefined : first.chunk.getColumnVector(column).type;
}

/**
 * A column's values across the slices, through node-api's value API (the generic path). The
 * vectors are built fresh rather than through `chunk.getColumnVector`, which keeps them (and
 * VARCHAR vectors' decoded strings) alive as long as the chunk, i.e. the whole result.
 */
export function sliceValues(slices: readonly ChunkSlice[], column: number): DuckDBValue[] {
  const values: DuckDBValue[] = new Array(sliceRowCount(slices));
  let row = 0;
  for (const s of slices) {
    const vector = DuckDBVector.create(rawColumnVector(s.chunk, column), s.offset + s.length);
    for (let i = 0; i < s.length; i++) values[row++] = vector.getItem(s.offset + i);
  }
  return values;
}
