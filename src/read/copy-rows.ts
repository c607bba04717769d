import { noRetries, retryWindow, type RetryPolicy } from '../connection/retry-policy.js';
import type { ArrowChunk, Warehouse } from '../client/warehouse.js';
import type { Logger } from '../output/logger.js';
import type { JsonLinesWriter } from '../output/json-lines-writer.js';
import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';
import type { RenderedQuery } from '../sql/select-query.js';
import { streamLabel } from '../state/stream-state.js';
import { encodeAhead } from './encode/encode-ahead.js';
import { edgeValue, RECORD_SUFFIX } from './encode/encode-slices.js';
import { inlineEncoder, type EncodeTicket, type SliceEncoder } from './encode/slice-encoder.js';
import { dataKey, emittedData, emptyGroup, lineOffset, rememberBatch, type EmittedGroup } from './emitted-group.js';

/** What to copy, and how it can resume. */
export interface CopyRowsSpec {
  readonly stream: StreamDescriptor;
  /** Columns written into records. */
  readonly columns: readonly string[];
  /** The query from the start, or (ordered reads) from `resumeAt`, inclusive. */
  readonly query: (resumeAt: string | undefined) => RenderedQuery;
  /** Rows arrive sorted ascending by this column, whose values are never NULL. */
  readonly order?: { readonly column: string };
  /**
   * Called after each batch is written, with the emitted rows' order values. `valueAt` knows the
   * values from the last row back to the first change of value (what a checkpoint needs), not
   * every row: asking for a row before that may throw.
   */
  readonly observe?: (rowCount: number, valueAt: (row: number) => string | null) => Promise<void>;
}

export interface CopyContext {
  readonly warehouse: Warehouse;
  readonly writer: JsonLinesWriter;
  readonly logger: Logger;
  readonly batchRows: number;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
  readonly onRecords?: (stream: StreamDescriptor, records: number, bytes: number) => void;
  /** Largest group of equal order values remembered for a resume (default 64 MiB). */
  readonly groupMemoryBytes?: number;
  /** Where chunks are decoded and encoded (default: on this thread, as they are written). */
  readonly encoder?: SliceEncoder;
}

export interface CopyResult {
  readonly records: number;
  readonly bytes: number;
  /** How many times the result failed and the read went on. */
  readonly resumes: number;
}

/** Rows encoded and written at a time. */
const SLICE_ROWS = 8192;

/**
 * Rows in the first slice of a query's first chunk: the encoder runs cold then (not yet
 * optimised by the JIT). With one encoder thread, 8192 rows took ~100 ms longer to reach stdout
 * than 512 did (1M rows on 2 CPUs, 4 runs each); on the main thread the gain was smaller.
 */
const FIRST_SLICE_ROWS = 512;

/**
 * Copies a query's rows out as RECORD messages, batch by batch with backpressure, and carries on
 * when the result fails part way (a connection reset in FetchResults, a warehouse restart):
 *
 * - An ordered read (rows sorted by `order.column`: the cursor of an incremental read, the
 *   primary key of a full refresh) resumes with `column >= last value emitted`, skipping the
 *   records of that value's group it already emitted (emitted-group.ts): no row repeated, none
 *   skipped. The query itself is unchanged, so the common case costs nothing extra.
 * - An unordered read (a full refresh of a table without a usable primary key) starts over:
 *   every record emitted before the failure is emitted again (duplicates, never a lost row).
 *
 * Retries follow the policy; the budget restarts whenever a resumed read emits a new row.
 */
export async function copyRows(spec: CopyRowsSpec, ctx: CopyContext): Promise<CopyResult> {
  const head =
    `{"type":"RECORD","record":{` +
    (spec.stream.namespace === undefined ? '' : `"namespace":${JSON.stringify(spec.stream.namespace)},`) +
    `"stream":${JSON.stringify(spec.stream.name)},"emitted_at":`;
  const label = streamLabel(spec.stream);
  const window = retryWindow(ctx.retry ?? noRetries, `reading ${label}`);
  const encoder = ctx.encoder ?? inlineEncoder;
  const job = { columns: spec.columns, head, sliceRows: SLICE_ROWS, ...(spec.order === undefined ? {} : { orderColumn: spec.order.column }) };
  const options = { batchRows: ctx.batchRows, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) };
  let records = 0;
  let bytes = 0;
  let resumes = 0;
  let group: EmittedGroup = emptyGroup;
  /** Records of the group being resumed that were already emitted; undefined when not resuming. */
  let skip: { readonly value: string; readonly counts: Map<string, number> } | undefined;
  let resumeAt: string | undefined;
  // A restarted (unordered) read makes progress only once it passes where the failed one stopped.
  let mark = 0;

  for (;;) {
    const query = spec.query(resumeAt);
    let fresh = 0;
    try {
      const chunks = ctx.warehouse.queryArrow(query.sql, query.parameters, options);
      let submitted = 0;
      const submit = (chunk: ArrowChunk): EncodeTicket =>
        encoder.encode({ ...job, chunk, ...(submitted++ === 0 ? { firstSliceRows: FIRST_SLICE_ROWS } : {}) });
      for await (const ticket of encodeAhead(chunks, submit)) {
        for await (const slice of ticket) {
          let lines = slice.lines;
          let rowCount = slice.rowCount;
          const edges = slice.order;
          const sliceText = edges === undefined ? nothing : (i: number) => edgeValue(edges, i);
          let valueAt = sliceText;
          if (skip !== undefined) {
            const inGroup = edges!.first === skip.value ? edges!.leadingRows : 0;
            const kept = dropEmitted(lines, rowCount, inGroup, skip, slice.prefixBytes);
            if (inGroup < rowCount) skip = undefined;
            lines = kept.lines;
            rowCount = kept.rows.length;
            valueAt = kept.rows.length === slice.rowCount ? sliceText : (i) => sliceText(kept.rows[i]!);
            if (rowCount === 0) {
              encoder.recycle(slice.lines);
              continue;
            }
          }
          const length = lines.length;
          // Remembered before the write: once written, the slice's buffer goes back to be reused.
          const remembered =
            spec.order === undefined
              ? group
              : rememberBatch(group, { rowCount, valueAt, lines, prefixBytes: slice.prefixBytes, suffixBytes: RECORD_SUFFIX.length }, ctx.groupMemoryBytes);
          await write(ctx.writer.writeEncodedLines(lines, () => encoder.recycle(slice.lines)));
          group = remembered;
          records += rowCount;
          bytes += length;
          fresh += rowCount;
          if (resumes > 0 && fresh > mark && fresh - rowCount <= mark) window.progressed();
          ctx.onRecords?.(spec.stream, rowCount, length);
          await spec.observe?.(rowCount, valueAt);
        }
      }
      return { records, bytes, resumes };
    } catch (err) {
      const failure = await window.failed(err, ctx.signal);
      resumes += 1;
      if (spec.order === undefined) {
        mark = Math.max(mark, fresh);
        ctx.logger.warn(
          `Reading ${label} failed after ${fresh} records of this pass (${failure.reason}) and starts over: the table has no ` +
            `usable primary key to resume from, so those records will be emitted again.`,
        );
        // Progress restarts with the read, so the observer (none for unordered reads) is not involved.
        continue;
      }
      if (group.value === undefined) continue;
      resumeAt = group.value;
      skip = group.overflowed ? undefined : { value: group.value, counts: emittedData(group) };
      ctx.logger.warn(
        group.overflowed
          ? `Reading ${label} failed (${failure.reason}); resuming at ${spec.order.column} = ${group.value}, whose group is ` +
              `too large to remember: its records already emitted will be emitted again.`
          : `Reading ${label} failed after ${records} records (${failure.reason}); resuming at ${spec.order.column} = ${group.value}.`,
      );
    }
  }
}

/**
 * Drops, from a resumed read's slice, the rows of the resumed group that were already emitted.
 * The group's rows come first (the read is ordered): `inGroup` of them; everything after is new.
 */
function dropEmitted(
  lines: Uint8Array,
  rowCount: number,
  inGroup: number,
  skip: { readonly value: string; readonly counts: Map<string, number> },
  prefixBytes: number,
): { lines: Uint8Array; rows: number[] } {
  const rows: number[] = [];
  const kept: Uint8Array[] = [];
  let start = 0;
  for (let row = 0; row < inGroup; row += 1) {
    const end = lines.indexOf(0x0a, start) + 1;
    const key = dataKey(lines, start, end, prefixBytes, RECORD_SUFFIX.length);
    const left = skip.counts.get(key) ?? 0;
    if (left > 0) {
      skip.counts.set(key, left - 1);
    } else {
      rows.push(row);
      kept.push(lines.subarray(start, end));
    }
    start = end;
  }
  for (let row = inGroup; row < rowCount; row += 1) rows.push(row);
  if (inGroup < rowCount) kept.push(lines.subarray(lineOffset(lines, rowCount - inGroup)));
  return { lines: kept.length === 1 ? kept[0]! : Buffer.concat(kept), rows };
}

const nothing = (): string | null => null;

async function write(pending: Promise<void> | undefined): Promise<void> {
  if (pending !== undefined) await pending;
}
