import type { ExactRow, ExactValue } from '../../client/warehouse.js';
import { UnsupportedArrowError } from './arrow-schema.js';
import { columnCodec } from './column-codec.js';
import type { ColumnData, DecodedBatch } from './decode-arrow-chunk.js';
import { createSink, valueWriter, writeBytes } from './row-writer.js';
import type { ByteSink } from './row-writer.js';

function column(batch: DecodedBatch, name: string): ColumnData {
  const found = batch.columns.find((c) => c.field.name === name);
  if (found === undefined) throw new UnsupportedArrowError(`result has no column "${name}"`);
  return found;
}

/**
 * Appends, for every row, `prefix` + the row's `{"name":value,...}` JSON + `suffix` to the
 * sink, with the given columns in the given order; records where each row ends when asked.
 */
function writeRows(
  batch: DecodedBatch,
  columnNames: readonly string[],
  sink: ByteSink,
  prefix: string,
  suffix: string,
  ends: Int32Array | null,
): void {
  // The bytes before each value (prefix and key) and after the last one, pre-encoded.
  const writers = columnNames.map((name, k) =>
    valueWriter(column(batch, name), sink, Buffer.from((k === 0 ? prefix + '{' : ',') + JSON.stringify(name) + ':')),
  );
  const after = Buffer.from(columnNames.length === 0 ? prefix + '{}' + suffix : '}' + suffix);
  const count = writers.length;
  for (let i = 0; i < batch.length; i++) {
    for (let k = 0; k < count; k++) writers[k]!(i);
    writeBytes(sink, after);
    if (ends !== null) ends[i] = sink.pos;
  }
}

function initialCapacity(batch: DecodedBatch, columnNames: readonly string[], extra: number): number {
  let perRow = extra + 2;
  let variable = 0;
  for (const name of columnNames) {
    const c = column(batch, name);
    perRow += name.length + 24;
    if (c.field.type.kind === 'utf8' && c.values !== null) variable += c.values.length + 2 * c.length;
  }
  return batch.length * perRow + variable;
}

/**
 * The rows of a batch as newline-free JSON lines in one buffer: for every row `prefix`, the
 * row's `{"name":value,...}` object with the given columns in the given order, then `suffix`
 * (e.g. the rest of an Airbyte RECORD message and `\n`). The fastest way to emit records:
 * values are written as UTF-8 bytes straight from the Arrow buffers.
 */
export function encodeRecordLines(batch: DecodedBatch, columnNames: readonly string[], prefix = '', suffix = '\n'): Buffer {
  const sink = createSink(initialCapacity(batch, columnNames, Buffer.byteLength(prefix) + Buffer.byteLength(suffix)));
  writeRows(batch, columnNames, sink, prefix, suffix, null);
  return sink.buf.subarray(0, sink.pos);
}

/** The `{"name":value,...}` JSON text of every row of a batch, with the given columns in the given order. */
export function encodeRows(batch: DecodedBatch, columnNames: readonly string[]): string[] {
  const sink = createSink(initialCapacity(batch, columnNames, 0));
  const ends = new Int32Array(batch.length);
  writeRows(batch, columnNames, sink, '', '', ends);
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
