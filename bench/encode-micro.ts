/**
 * Micro benchmark of the Arrow -> JSON record encoder alone (no network, no driver):
 * 1M rows x 10 columns (BIGINT, INT, DOUBLE, DECIMAL(10,2), STRING, STRING, BOOLEAN, DATE,
 * TIMESTAMP, BIGINT) in 100k-row Arrow IPC batches, decoded and encoded to row JSON text.
 * Run: npx tsx bench/encode-micro.ts [rows]
 */
import * as A from 'apache-arrow';
import { createHash } from 'node:crypto';
import type { ArrowChunk } from '../src/client/warehouse.js';
import { decodeArrowChunk } from '../src/read/arrow/decode-arrow-chunk.js';
import { encodeRecordLines, encodeRows } from '../src/read/arrow/encode-rows.js';

const totalRows = Number(process.argv[2] ?? 1_000_000);
const batchRows = 100_000;
const names = ['id', 'qty', 'price', 'amount', 'name', 'hash', 'active', 'day', 'ts', 'ref'];

function column(type: A.DataType, length: number, data: ArrayBufferView, nulls = false, offsets?: Int32Array): A.Data {
  const nullBitmap = nulls ? new Uint8Array(Math.ceil(length / 8)).fill(0xef) : undefined;
  const nullCount = nulls ? Math.floor(length / 8) + (length % 8 > 4 ? 1 : 0) : 0;
  return A.makeData({ type, length, nullCount, nullBitmap, data, valueOffsets: offsets } as never);
}

function strings(values: string[]): { data: Uint8Array; offsets: Int32Array } {
  const bytes = Buffer.from(values.join(''), 'utf8');
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  values.forEach((v, i) => {
    at += Buffer.byteLength(v);
    offsets[i + 1] = at;
  });
  return { data: bytes, offsets };
}

function makeChunk(start: number, length: number): ArrowChunk {
  const ids = new BigInt64Array(length);
  const qty = new Int32Array(length);
  const price = new Float64Array(length);
  const amount = new Uint32Array(length * 4);
  const bools = new Uint8Array(Math.ceil(length / 8));
  const days = new Int32Array(length);
  const ts = new BigInt64Array(length);
  const refs = new BigInt64Array(length);
  const nameValues: string[] = [];
  const hashValues: string[] = [];
  for (let i = 0; i < length; i++) {
    const n = start + i;
    ids[i] = BigInt(n);
    qty[i] = (n * 7919) % 100_000;
    price[i] = ((n * 37) % 1_000_000) / 100 + 0.125;
    amount[i * 4] = (n * 131) % 100_000_000;
    if (n % 2 === 0) bools[i >> 3]! |= 1 << (i & 7);
    days[i] = 18_000 + (n % 3650);
    ts[i] = 1_600_000_000_000_000n + BigInt(n) * 1_234_567n;
    refs[i] = 9_000_000_000_000_000_000n - BigInt(n);
    nameValues.push(`customer_${n}`);
    hashValues.push(createHash('md5').update(String(n)).digest('hex'));
  }
  const nameData = strings(nameValues);
  const hashData = strings(hashValues);
  const fields = [
    new A.Field('id', new A.Int64(), false),
    new A.Field('qty', new A.Int32(), true),
    new A.Field('price', new A.Float64(), true),
    new A.Field('amount', new A.Decimal(2, 10, 128), true),
    new A.Field('name', new A.Utf8(), true),
    new A.Field('hash', new A.Utf8(), true),
    new A.Field('active', new A.Bool(), true),
    new A.Field('day', new A.DateDay(), true),
    new A.Field('ts', new A.TimestampMicrosecond('Etc/UTC'), true),
    new A.Field('ref', new A.Int64(), true),
  ];
  const children = [
    column(fields[0]!.type, length, ids),
    column(fields[1]!.type, length, qty, true),
    column(fields[2]!.type, length, price),
    column(fields[3]!.type, length, amount),
    column(fields[4]!.type, length, nameData.data, false, nameData.offsets),
    column(fields[5]!.type, length, hashData.data, true, hashData.offsets),
    column(fields[6]!.type, length, bools),
    column(fields[7]!.type, length, days),
    column(fields[8]!.type, length, ts),
    column(fields[9]!.type, length, refs),
  ];
  const schema = new A.Schema(fields);
  const batch = new A.RecordBatch(schema, A.makeData({ type: new A.Struct(fields), length, nullCount: 0, children }));
  const writer = new A.RecordBatchStreamWriter();
  writer.write(batch);
  writer.finish();
  const stream = writer.toUint8Array(true);
  const schemaWriter = new A.RecordBatchStreamWriter();
  schemaWriter.reset(undefined, schema);
  schemaWriter.finish();
  const schemaLength = schemaWriter.toUint8Array(true).length - 8;
  return { schema: stream.slice(0, schemaLength), batches: [stream.slice(schemaLength, stream.length - 8)], rowCount: length };
}

const chunks: ArrowChunk[] = [];
for (let start = 0; start < totalRows; start += batchRows) chunks.push(makeChunk(start, Math.min(batchRows, totalRows - start)));

const RECORD_PREFIX = '{"type":"RECORD","record":{"stream":"orders","namespace":"main.sales","data":';
const RECORD_SUFFIX = ',"emitted_at":1700000000000}}\n';

function run(): { rows: number; bytes: number; ms: number; cpuMs: number } {
  const began = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let rows = 0;
  let bytes = 0;
  for (const chunk of chunks) {
    for (const batch of decodeArrowChunk(chunk)) {
      // Each row becomes a full Airbyte RECORD line, as the connector writes them to stdout.
      bytes += encodeRecordLines(batch, names, RECORD_PREFIX, RECORD_SUFFIX).length;
      rows += batch.length;
    }
  }
  const used = process.cpuUsage(cpu);
  return { rows, bytes, ms: Number(process.hrtime.bigint() - began) / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

const sample = decodeArrowChunk(chunks[0]!);
console.log('sample row:', encodeRows(sample[0]!, names)[1]);
run(); // warm-up
const results = [run(), run(), run()];
for (const r of results) {
  console.log(`${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.ms.toFixed(0)} ms -> ${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en-US')} rows/s (CPU ${r.cpuMs.toFixed(0)} ms -> ${Math.round(r.rows / (r.cpuMs / 1000)).toLocaleString('en-US')} rows/s per core)`);
}
const best = Math.min(...results.map((r) => r.ms));
console.log(`best: ${Math.round(totalRows / (best / 1000)).toLocaleString('en-US')} rows/s`);
