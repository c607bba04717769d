/**
 * Growing byte buffer the record encoder appends UTF-8 JSON to. Writing bytes straight from the
 * Arrow buffers avoids one JS string per value and the cost of concatenating them into rows.
 */
export interface ByteSink {
  buf: Buffer;
  /** A view of `buf`: its 4-byte stores at any offset copy text about 4x faster than byte stores. */
  view: DataView;
  pos: number;
}

export function createSink(capacity: number): ByteSink {
  const buf = Buffer.allocUnsafe(Math.max(1024, capacity));
  return { buf, view: viewOf(buf), pos: 0 };
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Makes room for `extra` more bytes after `sink.pos`. */
export function ensure(sink: ByteSink, extra: number): void {
  if (sink.pos + extra <= sink.buf.length) return;
  const grown = Buffer.allocUnsafe(Math.max(sink.buf.length * 2, sink.pos + extra));
  sink.buf.copy(grown, 0, 0, sink.pos);
  sink.buf = grown;
  sink.view = viewOf(grown);
}

/** Appends a string that may hold any character. */
export function writeText(sink: ByteSink, text: string): void {
  ensure(sink, text.length * 3);
  sink.pos += sink.buf.write(text, sink.pos, 'utf8');
}
