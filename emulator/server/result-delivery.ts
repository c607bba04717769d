import type { ResultColumn } from '../engine/engine-result.js';
import type { CloudFetchFiles } from './cloud-fetch-files.js';
import type { Operation } from './operation.js';
import type { ChunkSlice, CursorMark } from './result-cursor.js';
import { okStatus } from './status.js';
import { T, i64 } from './thrift-runtime.js';
import type { TTypes } from './thrift-runtime.js';
import type { ResultEncoders } from './warehouse-backend.js';

/** Knobs of result delivery. */
export interface DeliveryOptions {
  readonly encoders: ResultEncoders;
  readonly files: CloudFetchFiles;
  /** `https://host:port` the CloudFetch links point at. */
  readonly baseUrl: string;
  /** Rows per CloudFetch file. */
  readonly cloudFetchFileRows: number;
  /** Lifetime of a CloudFetch link (ms). */
  readonly cloudFetchLinkTtlMs: number;
  /** Upper bound of rows in one inline Arrow batch. */
  readonly arrowBatchRows: number;
}

/** Runs `work` once the current reply has gone out (WarehouseService.runDeferred). */
export type DeferWork = (work: () => void) => void;

/** The Arrow batches of one FetchResults window, possibly encoded before the client asked. */
export interface ArrowWindow {
  readonly startRowOffset: number;
  /** Cursor position before the window: where to go back to when the client asks differently. */
  readonly before: CursorMark;
  readonly maxRows: number;
  readonly batches: TTypes.TSparkArrowBatch[];
  /** CloudFetch windows: links to files already made, instead of inline batches. */
  readonly links?: TTypes.TSparkArrowResultLink[];
}

/**
 * DDL has no result columns, yet Databricks describes it with one STRING column `Result` in the
 * Thrift schema while the Arrow schema has zero fields (databricks-behaviour.md §4 [JREC-EXEC]).
 */
const DDL_SCHEMA: readonly ResultColumn[] = [{ name: 'Result', type: { kind: 'STRING' }, nullable: true, comment: '' }];

function thriftColumns(columns: readonly ResultColumn[]): readonly ResultColumn[] {
  return columns.length === 0 ? DDL_SCHEMA : columns;
}

/** Whether LZ4 frames are used: only on request (canDecompressLZ4Result) and never column-based. */
function usesLz4(op: Operation): boolean {
  return op.capabilities.canDecompressLz4 && op.delivery !== 'columns';
}

export function metadataResponse(op: Operation, opts: DeliveryOptions): TTypes.TGetResultSetMetadataResp {
  const result = op.result;
  if (!result) throw new Error('operation has no result');
  const resp = new T.TGetResultSetMetadataResp({
    status: okStatus(),
    // The generated writers need class instances; their constructors copy plain objects deeply.
    schema: new T.TTableSchema(opts.encoders.thriftTableSchema(thriftColumns(result.columns)) as TTypes.TTableSchema),
    resultFormat: { arrow: T.TSparkRowSetType.ARROW_BASED_SET, columns: T.TSparkRowSetType.COLUMN_BASED_SET, url: T.TSparkRowSetType.URL_BASED_SET }[
      op.delivery
    ],
    lz4Compressed: usesLz4(op),
    isStagingOperation: false,
  });
  if (op.delivery !== 'columns') {
    resp.arrowSchema = op.arrowSchema(() => opts.encoders.arrowSchemaMessage(result.columns, op.capabilities.native));
  }
  return resp;
}

/**
 * One FetchResults answer: the next window of at most `maxRows` rows (or CloudFetch files). With
 * `defer`, the window after an inline Arrow one is encoded once this reply has gone out, while the
 * client decodes: the driver only asks for the next window when it needs it (FetchResults is
 * strictly sequential), so otherwise server and client would take turns idling.
 */
export function fetchResponse(op: Operation, maxRows: number, opts: DeliveryOptions, defer?: DeferWork): TTypes.TFetchResultsResp {
  const result = op.result;
  const cursor = op.cursor;
  if (!result || !cursor) throw new Error('operation has no result');
  const limit = Math.max(1, maxRows);
  if (op.delivery === 'arrow') {
    const window = takeArrowWindow(op, limit, opts);
    const rowSet = new T.TRowSet({ startRowOffset: i64(window.startRowOffset), rows: [], arrowBatches: window.batches });
    const hasMoreRows = cursor.remaining > 0;
    if (hasMoreRows && defer) defer(() => encodeAhead(op, limit, opts));
    return new T.TFetchResultsResp({ status: okStatus(), hasMoreRows, results: rowSet });
  }
  const startRowOffset = cursor.rowOffset;
  if (op.delivery === 'columns') {
    const slices = cursor.next(limit);
    const rowSet = new T.TRowSet(opts.encoders.columnRowSet(result.columns, slices, startRowOffset) as TTypes.TRowSet);
    return new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: cursor.remaining > 0, results: rowSet });
  }
  const rows = Math.max(limit, opts.cloudFetchFileRows);
  const window = takeLinkWindow(op, rows, opts);
  const rowSet = new T.TRowSet({ startRowOffset: i64(window.startRowOffset), rows: [] });
  rowSet.resultLinks = window.links ?? [];
  const hasMoreRows = cursor.remaining > 0;
  // As with inline windows, the next file is made while the client downloads and reads this one.
  if (hasMoreRows && defer) defer(() => linksAhead(op, rows, opts));
  return new T.TFetchResultsResp({ status: okStatus(), hasMoreRows, results: rowSet });
}

/** The CloudFetch window made ahead when it has the asked size, else a freshly made one. */
function takeLinkWindow(op: Operation, rows: number, opts: DeliveryOptions): ArrowWindow {
  const ahead = op.takeAhead();
  if (ahead?.links && ahead.maxRows === rows) return ahead;
  if (ahead) op.cursor?.restore(ahead.before);
  return linkWindow(op, rows, opts);
}

function linksAhead(op: Operation, rows: number, opts: DeliveryOptions): void {
  const cursor = op.cursor;
  if (!cursor || op.hasAhead || cursor.remaining <= 0) return;
  const before = cursor.mark();
  try {
    op.keepAhead(linkWindow(op, rows, opts));
  } catch {
    // The client's own FetchResults makes the file again and reports the failure.
    cursor.restore(before);
  }
}

function linkWindow(op: Operation, rows: number, opts: DeliveryOptions): ArrowWindow {
  const before = op.cursor!.mark();
  return { startRowOffset: before.rowOffset, before, maxRows: rows, batches: [], links: cloudFetchLinks(op, rows, opts) };
}

/** The window encoded ahead when it has the asked size, else a freshly encoded one. */
function takeArrowWindow(op: Operation, limit: number, opts: DeliveryOptions): ArrowWindow {
  const ahead = op.takeAhead();
  if (ahead && !ahead.links && ahead.maxRows === limit) return ahead;
  if (ahead) op.cursor?.restore(ahead.before);
  return encodeArrowWindow(op, limit, opts);
}

function encodeAhead(op: Operation, limit: number, opts: DeliveryOptions): void {
  const cursor = op.cursor;
  if (!cursor || op.hasAhead || cursor.remaining <= 0) return;
  const before = cursor.mark();
  try {
    op.keepAhead(encodeArrowWindow(op, limit, opts));
  } catch {
    // The client's own FetchResults encodes the window again and reports the failure.
    cursor.restore(before);
  }
}

/** Encodes the next `limit` rows as inline Arrow batches of at most `arrowBatchRows` rows. */
function encodeArrowWindow(op: Operation, limit: number, opts: DeliveryOptions): ArrowWindow {
  const result = op.result;
  const cursor = op.cursor;
  if (!result || !cursor) throw new Error('operation has no result');
  const before = cursor.mark();
  const batches: TTypes.TSparkArrowBatch[] = [];
  let left = limit;
  while (left > 0 && cursor.remaining > 0) {
    const slices = cursor.next(Math.min(left, opts.arrowBatchRows));
    const batch = opts.encoders.arrowBatchMessage(result.columns, slices, op.capabilities.native, { lz4: usesLz4(op) });
    batches.push(new T.TSparkArrowBatch({ batch: batch.body, rowCount: i64(batch.rowCount) }));
    left -= batch.rowCount;
  }
  return { startRowOffset: before.rowOffset, before, maxRows: limit, batches };
}

/**
 * CloudFetch: each link is a complete Arrow IPC stream (schema + batches), LZ4-framed as a whole
 * when negotiated; the driver downloads it with its own https agent and no Authorization header
 * and checks expiryTime (epoch ms) itself (driver dist/result/CloudFetchResultHandler.js).
 */
function cloudFetchLinks(op: Operation, rows: number, opts: DeliveryOptions): TTypes.TSparkArrowResultLink[] {
  const result = op.result;
  const cursor = op.cursor;
  if (!result || !cursor) return [];
  const links: TTypes.TSparkArrowResultLink[] = [];
  let left = rows;
  while (left > 0 && cursor.remaining > 0) {
    const startRowOffset = cursor.rowOffset;
    const slices: ChunkSlice[] = cursor.next(Math.min(left, opts.cloudFetchFileRows));
    const rowCount = slices.reduce((n, s) => n + s.length, 0);
    const body = opts.encoders.arrowIpcStream(result.columns, slices, op.capabilities.native, { lz4: usesLz4(op) });
    const { token, expiresAt } = opts.files.put(body, opts.cloudFetchLinkTtlMs);
    links.push(
      new T.TSparkArrowResultLink({
        fileLink: `${opts.baseUrl}/cloud-fetch/${token}`,
        expiryTime: i64(expiresAt),
        startRowOffset: i64(startRowOffset),
        rowCount: i64(rowCount),
        bytesNum: i64(body.length),
        httpHeaders: {},
      }),
    );
    left -= rowCount;
  }
  return links;
}
