import type { DuckDBDataChunk, DuckDBMaterializedResult } from '@duckdb/node-api';

/** `length` rows of `chunk` from row `offset`: the unit the result encoders consume. */
export interface ChunkSlice {
  readonly chunk: DuckDBDataChunk;
  readonly offset: number;
  readonly length: number;
}

/** A cursor position to return to (see ResultCursor.restore). */
export interface CursorMark {
  readonly chunkIndex: number;
  readonly chunkOffset: number;
  readonly rowOffset: number;
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
  // getChunk copies the chunk out of DuckDB's result collection (about 1 µs a row), so the chunk a
  // window ends in is kept for the next window instead of being fetched twice.
  #cachedIndex = -1;
  #cachedChunk: DuckDBDataChunk | undefined;

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
    this.restore({ chunkIndex: 0, chunkOffset: 0, rowOffset: 0 });
  }

  mark(): CursorMark {
    return { chunkIndex: this.#chunkIndex, chunkOffset: this.#chunkOffset, rowOffset: this.#rowOffset };
  }

  /** Moves back (or forward) to a position `mark()` returned for this cursor. */
  restore(mark: CursorMark): void {
    this.#chunkIndex = mark.chunkIndex;
    this.#chunkOffset = mark.chunkOffset;
    this.#rowOffset = mark.rowOffset;
  }

  /** The next window of at most `maxRows` rows; empty at the end. */
  next(maxRows: number): ChunkSlice[] {
    const slices: ChunkSlice[] = [];
    const result = this.#result;
    if (!result) return slices;
    const chunkCount = result.chunkCount;
    let wanted = maxRows;
    while (wanted > 0 && this.#chunkIndex < chunkCount) {
      const chunk = this.#chunk(result, this.#chunkIndex);
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

  #chunk(result: DuckDBMaterializedResult, index: number): DuckDBDataChunk {
    if (this.#cachedIndex !== index || !this.#cachedChunk) {
      this.#cachedChunk = result.getChunk(index);
      this.#cachedIndex = index;
    }
    return this.#cachedChunk;
  }
}
