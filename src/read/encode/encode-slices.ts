import type { ArrowChunk } from '../../client/warehouse.js';
import type { SinkBuffers } from '../arrow/byte-sink.js';
import { decodeArrowChunk } from '../arrow/decode-arrow-chunk.js';
import { columnText, encodeRecordLines } from '../arrow/encode-rows.js';

/** One fetched chunk to turn into RECORD lines. Plain data, so it can cross to a worker thread. */
export interface EncodeJob {
  readonly chunk: ArrowChunk;
  /** Columns written into records, in this order. */
  readonly columns: readonly string[];
  /** Each line's text before the emitted_at time: `{"type":"RECORD","record":{...,"emitted_at":`. */
  readonly head: string;
  /** Rows per slice: the unit written, remembered and observed. */
  readonly sliceRows: number;
  /** Rows in the job's first slice, when it should leave sooner than a whole slice. */
  readonly firstSliceRows?: number;
  /** The column the rows are sorted by, when the read is ordered. */
  readonly orderColumn?: string;
}

/**
 * The order values a slice's consumers need, in constant size: the resume and checkpoint logic
 * only reads the leading run of equal values and the values from the end back to the first
 * change (emitted-group.ts, cursor-progress.ts). Shipping these instead of every row's value keeps
 * a slice cheap to pass between threads.
 */
export interface OrderEdges {
  readonly rowCount: number;
  readonly first: string | null;
  /** Rows from the start that share `first`. */
  readonly leadingRows: number;
  readonly last: string | null;
  /** First row of the trailing run that shares `last`. */
  readonly trailingStart: number;
  /** The value of row `trailingStart - 1`; undefined when the trailing run starts at 0. */
  readonly beforeTrailing?: string | null;
}

export interface EncodedSlice {
  /** Newline-terminated RECORD lines. */
  readonly lines: Uint8Array;
  readonly rowCount: number;
  /** Bytes before the record data in each line (the prefix, emitted_at included). */
  readonly prefixBytes: number;
  /** Present when the job has an `orderColumn`. */
  readonly order?: OrderEdges;
}

/** The record suffix after each row's data. */
export const RECORD_SUFFIX = '}}\n';

/**
 * Decodes a chunk and encodes its rows slice by slice: the first slice leaves before a large
 * Arrow batch (up to 100 000 rows) is encoded whole, and each buffer stays a few MB. With
 * `buffers`, each slice's lines are a view on a buffer from there, to be given back once written.
 */
export function* encodeSlices(job: EncodeJob, buffers?: SinkBuffers): Generator<EncodedSlice> {
  let first = true;
  for (const batch of decodeArrowChunk(job.chunk)) {
    if (batch.length === 0) continue;
    const orderText = job.orderColumn === undefined ? undefined : columnText(batch, job.orderColumn);
    for (let start = 0, end = 0; start < batch.length; start = end) {
      const rows = first ? Math.max(1, Math.min(job.sliceRows, job.firstSliceRows ?? job.sliceRows)) : job.sliceRows;
      first = false;
      end = Math.min(batch.length, start + rows);
      // emitted_at is when the record was made, per slice.
      const prefix = `${job.head}${Date.now()},"data":`;
      const lines = encodeRecordLines(batch, job.columns, prefix, RECORD_SUFFIX, { start, end }, buffers);
      const slice = { lines, rowCount: end - start, prefixBytes: Buffer.byteLength(prefix) };
      yield orderText === undefined ? slice : { ...slice, order: orderEdges(end - start, (i) => orderText(start + i)) };
    }
  }
}

/** The distinct ArrayBuffers under `batches`. */
export function batchBuffers(batches: readonly Uint8Array[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of batches) if (b.buffer instanceof ArrayBuffer) out.add(b.buffer);
  return [...out];
}

/** The edges of `rowCount` order values read through `valueAt`. */
export function orderEdges(rowCount: number, valueAt: (row: number) => string | null): OrderEdges {
  const first = valueAt(0);
  let leadingRows = 1;
  while (leadingRows < rowCount && valueAt(leadingRows) === first) leadingRows += 1;
  const last = valueAt(rowCount - 1);
  let trailingStart = rowCount - 1;
  if (leadingRows === rowCount) trailingStart = 0;
  else while (trailingStart > 0 && valueAt(trailingStart - 1) === last) trailingStart -= 1;
  const edges = { rowCount, first, leadingRows, last, trailingStart };
  return trailingStart === 0 ? edges : { ...edges, beforeTrailing: valueAt(trailingStart - 1) };
}

/**
 * The order value of `row` as far as the edges know it: the leading run, the trailing run and
 * the row before it. A row in between was never recorded, and asking for it is a bug.
 */
export function edgeValue(edges: OrderEdges, row: number): string | null {
  if (row < 0 || row >= edges.rowCount) throw new RangeError(`row ${row} is not within the slice's ${edges.rowCount} rows`);
  if (row < edges.leadingRows) return edges.first;
  if (row >= edges.trailingStart) return edges.last;
  if (row === edges.trailingStart - 1) return edges.beforeTrailing ?? null;
  throw new RangeError(`row ${row} is inside the slice; only its edges are known`);
}
