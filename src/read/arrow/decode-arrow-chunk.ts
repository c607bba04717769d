import type { ArrowChunk } from '../../client/warehouse.js';
import { FlatTable } from './flatbuffer-table.js';
import { readSchema, UnsupportedArrowError } from './arrow-schema.js';
import type { ArrowField, ArrowSchema } from './arrow-schema.js';

/** One column (or nested child) of a record batch: the raw Arrow buffers, no values materialized. */
export interface ColumnData {
  readonly field: ArrowField;
  readonly length: number;
  readonly nullCount: number;
  /** LSB-first validity bitmap (1 = valid); null when the column has no nulls. */
  readonly validity: Uint8Array | null;
  /** Offsets of variable-size values (Utf8, Binary, List, Map); length + 1 entries. */
  readonly offsets: Int32Array | null;
  /** Fixed-width values or the variable-size value bytes; 8-byte aligned. */
  readonly values: Uint8Array | null;
  readonly children: readonly ColumnData[];
}

export interface DecodedBatch {
  readonly schema: ArrowSchema;
  readonly length: number;
  readonly columns: readonly ColumnData[];
}

// Message.fbs MessageHeader union members.
const SCHEMA_MESSAGE = 1;
const DICTIONARY_BATCH_MESSAGE = 2;
const RECORD_BATCH_MESSAGE = 3;

/**
 * Decodes the Arrow IPC messages of a chunk: `schema` is an encapsulated Schema message and each
 * element of `batches` holds one or more encapsulated messages (an inline RecordBatch, or a
 * whole CloudFetch file with its own Schema and an end-of-stream marker). Buffers are referenced,
 * not copied, unless a body is not 8-byte aligned.
 */
export function decodeArrowChunk(chunk: ArrowChunk): DecodedBatch[] {
  let schema: ArrowSchema | null = null;
  const out: DecodedBatch[] = [];
  const visit = (bytes: Uint8Array): void => {
    for (const message of readMessages(bytes)) {
      if (message.headerType === SCHEMA_MESSAGE) schema = readSchema(message.header);
      else if (message.headerType === RECORD_BATCH_MESSAGE) {
        if (schema === null) throw new UnsupportedArrowError('Arrow record batch arrived before its schema');
        out.push(readRecordBatch(schema, message.header, message.body));
      } else if (message.headerType === DICTIONARY_BATCH_MESSAGE) {
        throw new UnsupportedArrowError('Arrow dictionary batches are not supported');
      } else throw new UnsupportedArrowError(`Arrow message type #${message.headerType} is not supported`);
    }
  };
  visit(chunk.schema);
  for (const bytes of chunk.batches) visit(bytes);
  return out;
}

interface Message {
  readonly headerType: number;
  readonly header: FlatTable;
  readonly body: Uint8Array;
}

function* readMessages(bytes: Uint8Array): Generator<Message> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos + 4 <= bytes.byteLength) {
    let size = view.getInt32(pos, true);
    pos += 4;
    // Since Arrow 0.15 a message starts with the 0xFFFFFFFF continuation marker; older
    // writers put the length first. A zero length is the end-of-stream marker.
    if (size === -1) {
      size = view.getInt32(pos, true);
      pos += 4;
    }
    if (size === 0) return;
    const message = FlatTable.root(bytes.subarray(pos, pos + size));
    pos += size;
    const bodyLength = message.int64(3, 0);
    const header = message.table(2);
    if (header === null) throw new UnsupportedArrowError('Arrow message without a header');
    if (pos + bodyLength > bytes.byteLength) throw new UnsupportedArrowError('truncated Arrow message body');
    yield { headerType: message.uint8(1, 0), header, body: aligned(bytes.subarray(pos, pos + bodyLength)) };
    pos += bodyLength;
  }
}

/** Typed-array views need 8-byte alignment; a body sliced from a Thrift frame often has none. */
function aligned(body: Uint8Array): Uint8Array {
  return body.byteOffset % 8 === 0 ? body : new Uint8Array(body);
}

function readRecordBatch(schema: ArrowSchema, header: FlatTable, body: Uint8Array): DecodedBatch {
  if (header.has(3)) throw new UnsupportedArrowError('Arrow IPC body compression is not supported');
  const length = header.int64(0, 0);
  const nodes = header.int64Structs(1, 2);
  const buffers = header.int64Structs(2, 2);
  let node = 0;
  let buffer = 0;
  const nextBuffer = (): Uint8Array => {
    if (buffer * 2 >= buffers.length) throw new UnsupportedArrowError('Arrow record batch has too few buffers');
    const offset = buffers[buffer * 2]!;
    const size = buffers[buffer * 2 + 1]!;
    buffer++;
    return body.subarray(offset, offset + size);
  };
  const readColumn = (field: ArrowField): ColumnData => {
    if (node * 2 >= nodes.length) throw new UnsupportedArrowError('Arrow record batch has too few field nodes');
    const columnLength = nodes[node * 2]!;
    const nullCount = nodes[node * 2 + 1]!;
    node++;
    const kind = field.type.kind;
    // Null arrays carry no buffers at all (Arrow columnar format, "Buffer Layouts").
    if (kind === 'null') {
      return { field, length: columnLength, nullCount: columnLength, validity: null, offsets: null, values: null, children: [] };
    }
    const validityBytes = nextBuffer();
    const validity = nullCount > 0 ? validityBytes : null;
    let offsets: Int32Array | null = null;
    let values: Uint8Array | null = null;
    let children: ColumnData[] = [];
    if (kind === 'utf8' || kind === 'binary') {
      offsets = int32View(nextBuffer(), columnLength + 1);
      values = nextBuffer();
    } else if (kind === 'list' || kind === 'map') {
      offsets = int32View(nextBuffer(), columnLength + 1);
      children = field.children.map(readColumn);
    } else if (kind === 'struct') {
      children = field.children.map(readColumn);
    } else {
      values = nextBuffer();
    }
    return { field, length: columnLength, nullCount, validity, offsets, values, children };
  };
  return { schema, length, columns: schema.fields.map(readColumn) };
}

function int32View(bytes: Uint8Array, count: number): Int32Array {
  if (count === 1 && bytes.byteLength === 0) return new Int32Array(1);
  if (bytes.byteLength < count * 4) throw new UnsupportedArrowError('Arrow offsets buffer is too short');
  return new Int32Array(bytes.buffer, bytes.byteOffset, count);
}
