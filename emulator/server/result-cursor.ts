import type { DuckDBDataChunk, DuckDBMaterializedResult } from '@duckdb/node-api';

/** `length` rows of `chunk` from row `offset`: the unit the result encoders consume. */
export interface ChunkSlice {
  readonly chunk: DuckDBDataChunk;
  readonly offset: number;
  readonly length: number;
}

/**
 * Walks a materialized DuckDB result forward in row windows, without copying: a window is a list
 * of slices of DuckDB chunks. FETCH_FIRST rewinds (TFetchOrientation; the driver only uses
 * FETCH_NEXT, but the IDL allows both).
 */
export class ResultCursor {
  readonly #result: DuckDBMaterializedResult | undefined;
  readonly #totalRows: number;
  #chunkIndex = 0;
  #chunkOffset = 0;
  #rowOffset = 0;

  constructor(result: DuckDBMaterializedResult | undefined) {
    this.#result = result;
    this.#totalRows = result ? result.rowCount : 0;
  }

  get rowOffset(): number {
    return this.#rowOffset;
  }

  get totalRows(): number {
    return this.#totalRows;
  }

  get remaining(): number {
    return this.#totalRows - this.#rowOffset;
  }

  rewind(): void {
    this.#chunkIndex = 0;
    this.#chunkOffset = 0;
    this.#rowOffset = 0;
  }

  /** The next window of at most `maxRows` rows; empty at the end. */
  next(maxRows: number): ChunkSlice[] {
    const slices: ChunkSlice[] = [];
    const result = this.#result;
    if (!result) return slices;
    let wanted = maxRows;
    while (wanted > 0 && this.#chunkIndex < result.chunkCount) {
      const chunk = result.getChunk(this.#chunkIndex);
      const available = chunk.rowCount - this.#chunkOffset;
      if (available <= 0) {
        this.#chunkIndex += 1;
        this.#chunkOffset = 0;
        continue;
      }
      const length = Math.min(available, wanted);
      slices.push({ chunk, offset: this.#chunkOffset, length });
      this.#chunkOffset += length;
      this.#rowOffset += length;
      wanted -= length;
    }
    return slices;
  }
}
