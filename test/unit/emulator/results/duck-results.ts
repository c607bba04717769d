import { createRequire } from 'node:module';
import { DuckDBInstance, type DuckDBConnection, type DuckDBMaterializedResult } from '@duckdb/node-api';
import type * as ArrowModule from 'apache-arrow';
import type { ResultColumn } from '../../../../emulator/engine/engine-result.js';
import type { SparkType } from '../../../../emulator/spark-type.js';
import { sparkTypeFromDuck } from '../../../../emulator/results/duck-to-spark.js';
import type { ChunkSlice } from '../../../../emulator/results/chunk-slice.js';

/** The apache-arrow 13 the driver bundles: what clients really decode with. */
export const driverArrow = createRequire(
  createRequire(import.meta.url).resolve('@databricks/sql/package.json'),
)('apache-arrow') as typeof ArrowModule;

let connection: Promise<DuckDBConnection> | undefined;

async function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((i) => i.connect());
  return connection;
}

export interface QueryResult {
  readonly result: DuckDBMaterializedResult;
  readonly columns: ResultColumn[];
  /** Every chunk whole. */
  readonly slices: ChunkSlice[];
}

/** Runs SQL on a shared in-memory DuckDB; `types` overrides the reported Spark types by column name. */
export async function query(sql: string, types: Record<string, SparkType> = {}): Promise<QueryResult> {
  const result = await (await duck()).run(sql);
  const names = result.columnNames();
  const duckTypes = result.columnTypes();
  const columns = names.map((name, i) => ({
    name,
    type: types[name] ?? sparkTypeFromDuck(duckTypes[i]!),
    nullable: true,
    comment: '',
  }));
  const slices: ChunkSlice[] = [];
  for (let i = 0; i < result.chunkCount; i++) {
    const chunk = result.getChunk(i);
    slices.push({ chunk, offset: 0, length: chunk.rowCount });
  }
  return { result, columns, slices };
}

/** The same rows cut into slices of `size` rows that straddle chunk boundaries at odd offsets. */
export function reslice(slices: readonly ChunkSlice[], size: number): ChunkSlice[][] {
  const out: ChunkSlice[][] = [];
  let current: ChunkSlice[] = [];
  let room = size;
  for (const s of slices) {
    let offset = s.offset;
    let left = s.length;
    while (left > 0) {
      const take = Math.min(left, room);
      current.push({ chunk: s.chunk, offset, length: take });
      offset += take;
      left -= take;
      room -= take;
      if (room === 0) {
        out.push(current);
        current = [];
        room = size;
      }
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** JSON-safe rendering of decoded Arrow rows (bigints as strings, typed arrays as arrays). */
export function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Uint8Array) return Array.from(v);
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      return v;
    }),
  );
}

interface DecodedData {
  readonly values: ArrayLike<number | bigint>;
  readonly offset: number;
}

/** The slice of a decoded Arrow vector the raw readers need (apache-arrow 13 and 21 alike). */
export interface DecodedVector {
  readonly data: readonly unknown[];
  readonly length: number;
  isValid(index: number): boolean;
}

/** The exact 128-bit unscaled values of a Decimal column read from its buffer (null for NULL). */
export function decimalsOf(vector: DecodedVector): (bigint | null)[] {
  const data = vector.data[0] as DecodedData;
  const out: (bigint | null)[] = [];
  for (let i = 0; i < vector.length; i++) {
    if (!vector.isValid(i)) {
      out.push(null);
      continue;
    }
    let x = 0n;
    for (let w = 3; w >= 0; w--) x = (x << 32n) | BigInt(Number(data.values[(data.offset + i) * 4 + w]) >>> 0);
    out.push(BigInt.asIntN(128, x));
  }
  return out;
}

/** The raw 64-bit values of an Int64/Timestamp column (null for NULL). */
export function int64sOf(vector: DecodedVector): (bigint | null)[] {
  const data = vector.data[0] as DecodedData;
  const words = data.values;
  const out: (bigint | null)[] = [];
  for (let i = 0; i < vector.length; i++) {
    if (!vector.isValid(i)) out.push(null);
    else if (typeof words[0] === 'bigint') out.push(words[data.offset + i] as bigint);
    else {
      // apache-arrow 13 keeps 64-bit values as pairs of 32-bit words.
      const lo = BigInt(Number(words[(data.offset + i) * 2]) >>> 0);
      const hi = BigInt(Number(words[(data.offset + i) * 2 + 1]) >>> 0);
      out.push(BigInt.asIntN(64, (hi << 32n) | lo));
    }
  }
  return out;
}
