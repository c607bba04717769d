/**
 * Raw access to DuckDB vector memory, the one place that reaches below @duckdb/node-api's public
 * value API. It uses the public `DuckDBDataChunk.chunk` handle and functions of
 * `@duckdb/node-bindings` (node-api's own binding layer, same exact version, pinned in
 * package.json through node-api 1.5.6-r.1): `data_chunk_get_vector`, `vector_get_data`,
 * `vector_get_validity`, `get_data_from_pointer`. The layouts read here are DuckDB's C API
 * layouts: fixed-width values packed little-endian, a validity mask of uint64 words
 * (LSB first, 1 = valid, absent when every row is valid), and 16-byte `duckdb_string_t`
 * entries. test/unit/emulator/results/duck-vector-memory.test.ts fails if any of this moves.
 */
import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';

export type RawVector = duckdb.Vector;

/** Size of a `duckdb_string_t` entry in a VARCHAR/BLOB vector. */
export const STRING_ENTRY_BYTES = 16;
/** Strings up to this length are stored inside the entry, after the 4-byte length. */
export const INLINE_STRING_MAX = 12;

export function rawColumnVector(chunk: DuckDBDataChunk, column: number): RawVector {
  return duckdb.data_chunk_get_vector(chunk.chunk, column);
}

/** A view of the first `byteCount` bytes of the vector's data (valid while the chunk lives). */
export function vectorBytes(vector: RawVector, byteCount: number): Uint8Array {
  return duckdb.vector_get_data(vector, byteCount);
}

/** The validity bits of the first `rowCount` rows, or null when all rows are valid. */
export function vectorValidity(vector: RawVector, rowCount: number): Uint8Array | null {
  const bytes = duckdb.vector_get_validity(vector, Math.ceil(rowCount / 64) * 8);
  return bytes ?? null;
}

/**
 * Copies `byteCount` bytes starting at the out-of-line pointer of the string entry at
 * `entryOffset` in `data` (a VARCHAR/BLOB vector's bytes). Reading past one string is only safe
 * when the bytes read belong to strings DuckDB laid out back to back; callers guarantee that.
 */
export function copyFromStringPointer(data: Uint8Array, entryOffset: number, byteCount: number): Uint8Array {
  return duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + entryOffset + 8, byteCount);
}

/** The node-bindings version the layouts above were checked against. */
export const CHECKED_BINDINGS_VERSION = '1.5.6-r.1';
