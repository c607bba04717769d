/**
 * Read-only access to one flatbuffer table, just enough for Arrow's Message, Schema and
 * RecordBatch metadata (https://flatbuffers.dev/internals/). Fields are addressed by their
 * index in the .fbs declaration order; absent fields return the given default.
 */
export class FlatTable {
  readonly #view: DataView;
  readonly #pos: number;
  readonly #vtable: number;
  readonly #vtableSize: number;

  constructor(view: DataView, pos: number) {
    this.#view = view;
    this.#pos = pos;
    this.#vtable = pos - view.getInt32(pos, true);
    this.#vtableSize = view.getUint16(this.#vtable, true);
  }

  /** The table whose offset is stored at `byteOffset` (the root of a buffer is at 0). */
  static root(bytes: Uint8Array): FlatTable {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new FlatTable(view, view.getUint32(0, true));
  }

  #fieldOffset(index: number): number {
    const slot = 4 + index * 2;
    return slot < this.#vtableSize ? this.#view.getUint16(this.#vtable + slot, true) : 0;
  }

  #indirect(index: number): number {
    const offset = this.#fieldOffset(index);
    if (offset === 0) return -1;
    const at = this.#pos + offset;
    return at + this.#view.getUint32(at, true);
  }

  has(index: number): boolean {
    return this.#fieldOffset(index) !== 0;
  }

  uint8(index: number, fallback: number): number {
    const offset = this.#fieldOffset(index);
    return offset === 0 ? fallback : this.#view.getUint8(this.#pos + offset);
  }

  bool(index: number, fallback: boolean): boolean {
    const offset = this.#fieldOffset(index);
    return offset === 0 ? fallback : this.#view.getUint8(this.#pos + offset) !== 0;
  }

  int16(index: number, fallback: number): number {
    const offset = this.#fieldOffset(index);
    return offset === 0 ? fallback : this.#view.getInt16(this.#pos + offset, true);
  }

  int32(index: number, fallback: number): number {
    const offset = this.#fieldOffset(index);
    return offset === 0 ? fallback : this.#view.getInt32(this.#pos + offset, true);
  }

  /** A 64-bit integer field as a JS number (Arrow lengths and offsets stay far below 2^53). */
  int64(index: number, fallback: number): number {
    const offset = this.#fieldOffset(index);
    return offset === 0 ? fallback : readInt64(this.#view, this.#pos + offset);
  }

  string(index: number): string | null {
    const at = this.#indirect(index);
    if (at < 0) return null;
    const length = this.#view.getUint32(at, true);
    const start = this.#view.byteOffset + at + 4;
    return Buffer.from(this.#view.buffer, start, length).toString('utf8');
  }

  table(index: number): FlatTable | null {
    const at = this.#indirect(index);
    return at < 0 ? null : new FlatTable(this.#view, at);
  }

  tables(index: number): FlatTable[] {
    const at = this.#indirect(index);
    if (at < 0) return [];
    const count = this.#view.getUint32(at, true);
    const out: FlatTable[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const element = at + 4 + i * 4;
      out[i] = new FlatTable(this.#view, element + this.#view.getUint32(element, true));
    }
    return out;
  }

  /** A vector of structs made of `width` 64-bit integers each (FieldNode, Buffer), flattened. */
  int64Structs(index: number, width: number): number[] {
    const at = this.#indirect(index);
    if (at < 0) return [];
    const count = this.#view.getUint32(at, true) * width;
    const out: number[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = readInt64(this.#view, at + 4 + i * 8);
    return out;
  }
}

function readInt64(view: DataView, at: number): number {
  return view.getInt32(at + 4, true) * 4294967296 + view.getUint32(at, true);
}
