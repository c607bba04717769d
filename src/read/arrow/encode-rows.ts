import type { ExactRow, ExactValue } from '../../client/warehouse.js';
import { UnsupportedArrowError } from './arrow-schema.js';
import { columnCodec } from './column-codec.js';
import type { ColumnData, DecodedBatch } from './decode-arrow-chunk.js';
import { createSink } from './byte-sink.js';
import type { ByteSink, SinkBuffers } from './byte-sink.js';
import { writeRows } from './row-writer.js';

function column(batch: DecodedBatch, name: string): ColumnData {
  const found = batch.columns.find((c) => c.field.name === name);
  if (found === undefined) throw new UnsupportedArrowError(`result has no column "${name}"`);
  return found;
}

/** A range of a batch's rows: `start` inclusive, `end` exclusive. */
export interface RowRange {
  readonly start: number;
  readonly end: number;
}

/** Writes the rows of a batch with the given columns in the given order (see `writeRows`). */
function writeBatch(
  batch: DecodedBatch,
  columnNames: readonly string[],
  range: RowRange,
  sink: ByteSink,
  prefix: string,
  suffix: string,
  ends: Int32Array | null,
): void {
  const columns = columnNames.map((name) => column(batch, name));
  writeRows(columns, columnNames.map((name) => JSON.stringify(name)), range.start, range.end, sink, prefix, suffix, ends);
}

/** Bytes one value of a fixed-width column takes at most, or about (doubles, nested values). */
function valueBytes(c: ColumnData): number {
  const type = c.field.type;
  switch (type.kind) {
    case 'null':
    case 'bool':
      return 5;
    case 'int':
      return type.bitWidth === 64 ? 20 : type.bitWidth === 32 ? 11 : 6;
    case 'float':
      return 24;
    case 'decimal':
      return type.precision + 3;
    case 'date':
      return 12;
    case 'timestamp':
      return 30;
    case 'fixed-size-binary':
      return Math.ceil(type.byteWidth / 3) * 4 + 2;
    default:
      return 24;
  }
}

/**
 * Bytes the rows will most likely take, so the buffer is allocated once: exact for keys and
 * plain strings, the widest text for numbers. Escaped strings and nested values may grow it.
 */
function initialCapacity(batch: DecodedBatch, columnNames: readonly string[], range: RowRange, extra: number): number {
  const rows = range.end - range.start;
  let perRow = extra + 2;
  let variable = 0;
  for (const name of columnNames) {
    const c = column(batch, name);
    perRow += Buffer.byteLength(JSON.stringify(name)) + 2;
    const kind = c.field.type.kind;
    if ((kind === 'utf8' || kind === 'binary') && c.offsets !== null) {
      const bytes = c.offsets[range.end]! - c.offsets[range.start]!;
      variable += kind === 'utf8' ? bytes : Math.ceil(bytes / 3) * 4 + 3 * rows;
      perRow += 2;
    } else perRow += valueBytes(c);
  }
  return rows * perRow + variable;
}

function checkRange(batch: DecodedBatch, range: RowRange): void {
  if (!(Number.isInteger(range.start) && Number.isInteger(range.end) && 0 <= range.start && range.start <= range.end && range.end <= batch.length)) {
    throw new RangeError(`rows ${range.start}..${range.end} are not within the batch's ${batch.length} rows`);
  }
}

/**
 * The rows of a batch as JSON lines in one buffer: for every row `prefix`, the row's
 * `{"name":value,...}` object with the given columns in the given order, then `suffix` (e.g. the
 * rest of an Airbyte RECORD message and `\n`). The fastest way to emit records: values are
 * written as UTF-8 bytes straight from the Arrow buffers. `rows` limits it to a range of the
 * batch, so a large batch can go out in slices of a few MB instead of one buffer of its size.
 * With `buffers` the result is a view on a buffer from there, to be released once written.
 */
export function encodeRecordLines(
  batch: DecodedBatch,
  columnNames: readonly string[],
  prefix = '',
  suffix = '\n',
  rows: RowRange = { start: 0, end: batch.length },
  buffers?: SinkBuffers,
): Buffer {
  checkRange(batch, rows);
  const sink = createSink(initialCapacity(batch, columnNames, rows, Buffer.byteLength(prefix) + Buffer.byteLength(suffix)), buffers);
  writeBatch(batch, columnNames, rows, sink, prefix, suffix, null);
  return sink.buf.subarray(0, sink.pos);
}

/** The `{"name":value,...}` JSON text of every row of a batch, with the given columns in the given order. */
export function encodeRows(batch: DecodedBatch, columnNames: readonly string[]): string[] {
  const all = { start: 0, end: batch.length };
  const sink = createSink(initialCapacity(batch, columnNames, all, 0));
  const ends = new Int32Array(batch.length);
  writeBatch(batch, columnNames, all, sink, '', '', ends);
  const rows = new Array<string>(batch.length);
  let start = 0;
  for (let i = 0; i < batch.length; i++) {
    rows[i] = sink.buf.toString('utf8', start, ends[i]!);
    start = ends[i]!;
  }
  return rows;
}

/**
 * A reader of one column's exact value as text, null for SQL NULL: strings as they are,
 * numbers as their exact digits, dates `yyyy-mm-dd`, timestamps ISO 8601 with microseconds,
 * nested values as JSON. Meant for cursor values.
 */
export function columnText(batch: DecodedBatch, name: string): (row: number) => string | null {
  const codec = columnCodec(column(batch, name));
  return (row) => (codec.isNull(row) ? null : codec.text(row));
}

/** Every row of a batch as exact JS values (see `ExactRow`), all columns. */
export function batchRows(batch: DecodedBatch): ExactRow[] {
  const names = batch.columns.map((c) => c.field.name);
  const codecs = batch.columns.map(columnCodec);
  const rows: ExactRow[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const row: Record<string, ExactValue> = {};
    for (let k = 0; k < codecs.length; k++) {
      const codec = codecs[k]!;
      row[names[k]!] = codec.isNull(i) ? null : codec.value(i);
    }
    rows[i] = row;
  }
  return rows;
}
