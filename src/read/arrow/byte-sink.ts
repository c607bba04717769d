/**
 * Growing byte buffer the record encoder appends UTF-8 JSON to. Writing bytes straight from the
 * Arrow buffers avoids one JS string per value and the cost of concatenating them into rows.
 */
export interface ByteSink {
  buf: Buffer;
  /** A view of `buf`: its 4-byte stores at any offset copy text about 4x faster than byte stores. */
  view: DataView;
  pos: number;
  /** Where buffers come from and go back to when the sink outgrows them; none: allocated fresh. */
  readonly buffers?: SinkBuffers;
}

/** A source of output buffers (src/memory/buffer-pool.ts). */
export interface SinkBuffers {
  acquire(bytes: number): Buffer;
  release(view: Uint8Array): void;
}

export function createSink(capacity: number, buffers?: SinkBuffers): ByteSink {
  const buf = allocate(Math.max(1024, capacity), buffers);
  return { buf, view: viewOf(buf), pos: 0, ...(buffers === undefined ? {} : { buffers }) };
}

function allocate(bytes: number, buffers: SinkBuffers | undefined): Buffer {
  return buffers === undefined ? Buffer.allocUnsafe(bytes) : buffers.acquire(bytes);
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Makes room for `extra` more bytes after `sink.pos`. */
export function ensure(sink: ByteSink, extra: number): void {
  if (sink.pos + extra <= sink.buf.length) return;
  const grown = allocate(Math.max(sink.buf.length * 2, sink.pos + extra), sink.buffers);
  sink.buf.copy(grown, 0, 0, sink.pos);
  sink.buffers?.release(sink.buf);
  sink.buf = grown;
  sink.view = viewOf(grown);
}

/** Appends a string that may hold any character. */
export function writeText(sink: ByteSink, text: string): void {
  ensure(sink, text.length * 3);
  sink.pos += sink.buf.write(text, sink.pos, 'utf8');
}
