/**
 * Encoder throughput on the benchmark table (1M rows x 10 columns), server side only.
 * Run: node --import tsx test/unit/emulator/results/encode-benchmark.ts [rows]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { arrowBatchMessage } from '../../../../emulator/results/arrow-batch.js';
import { columnRowSet } from '../../../../emulator/results/column-rowset.js';
import { sparkTypeFromDuck } from '../../../../emulator/results/duck-to-spark.js';
import type { NativeTypes } from '../../../../emulator/results/arrow-schema.js';
import type { ChunkSlice } from '../../../../emulator/results/chunk-slice.js';
import { reslice } from './duck-results.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const connection = await (await DuckDBInstance.create(':memory:')).connect();
await connection.run(`CREATE TABLE t AS SELECT i::BIGINT AS id, (i % 1000)::INT AS qty, i / 3 AS price,
  ((i - 500000) / 7)::DECIMAL(10,2) AS amount, 'customer name ' || i AS name, i % 2 = 0 AS active,
  DATE '1960-01-01' + (i % 20000)::INT AS day, TIMESTAMP '1969-12-31 23:59:59.5' + to_microseconds(i * 1234567) AS ts,
  md5(i::VARCHAR)::VARCHAR(32) AS hash, i * 7 AS other FROM range(${rows}) r(i)`);
const result = await connection.run('SELECT * FROM t');
const columns = result.columnNames().map((name, i) => ({
  name,
  type: sparkTypeFromDuck(result.columnTypes()[i]!),
  nullable: true,
  comment: '',
}));
const whole: ChunkSlice[] = [];
for (let i = 0; i < result.chunkCount; i++) {
  const chunk = result.getChunk(i);
  whole.push({ chunk, offset: 0, length: chunk.rowCount });
}
// FetchResults of 100k rows, cut mid-chunk like a real client's maxRows would.
const fetches = reslice(whole, 100_000);

function time(label: string, encode: (slices: ChunkSlice[]) => number): void {
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    let bytes = 0;
    for (const f of fetches) bytes += encode(f);
    const ms = performance.now() - start;
    console.log(`${label} run ${run + 1}: ${rows} rows in ${ms.toFixed(0)} ms = ${Math.round((rows / ms) * 1000)} rows/s, ${(bytes / 1e6).toFixed(1)} MB`);
  }
}

const native: NativeTypes = { timestamp: true, decimal: true, complex: true, interval: false };
const text: NativeTypes = { timestamp: false, decimal: false, complex: false, interval: false };
time('arrow native', (s) => arrowBatchMessage(columns, s, native).body.length);
time('arrow native lz4', (s) => arrowBatchMessage(columns, s, native, { lz4: true }).body.length);
time('arrow text', (s) => arrowBatchMessage(columns, s, text).body.length);
if (rows <= 200_000) time('column-based', (s) => columnRowSet(columns, s, 0).columns!.length);
