/**
 * CloudFetch files read once into a buffer of their size. The driver's CloudFetchResultHandler
 * (`@databricks/sql` 2.1.0, dist/result/CloudFetchResultHandler.js) reads each file with
 * node-fetch's `arrayBuffer()`, which joins the socket's pieces into one Buffer and copies that
 * again into an ArrayBuffer: two copies and two file-sized allocations per file, measured at
 * 1M rows as ~6% of the main thread and most of the garbage waiting to be collected. The body
 * reader here replaces that read; driver-internals.ts puts it in the handler's `fetch`.
 *
 * A file's buffer can also come from earlier files (DownloadBuffers): once a chunk is encoded its
 * buffer takes the next download, so a read touches a few files' worth of fresh memory, not the
 * whole result's. Measured on the benchmark table (10 columns, 50 000-row files of 5.5 MB), two
 * runs each: at 5M rows 94–95 of 100 files reused a buffer, and the connector's peak RSS fell
 * from 237–249 to 198–222 MB encoding on the main thread and from 252–264 to 216–222 MB with an
 * encoder thread (1M rows: 204–219 to 174–200 MB, and 234–238 to 199–209 MB).
 */
import { BufferPool, MIN_POOLED_BYTES } from '../memory/buffer-pool.js';

/** The parts of a node-fetch (v2) Response the reader uses. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body: NodeJS.ReadableStream | null;
}

/**
 * Download buffers handed out again. The driver wraps the ArrayBuffer a download returns whole
 * (`Buffer.from(body)`), and a reused one may be larger than the file, so the length downloaded
 * into each is kept here and `body` cuts the driver's view back to it.
 */
export class DownloadBuffers {
  // Two free buffers serve a read: one download starts as each encoded chunk comes back.
  readonly #pool = new BufferPool({ maxFree: 2, maxFreeBytes: 64 * 1024 * 1024 });
  readonly #lengths = new WeakMap<ArrayBuffer, number>();

  /** A view of `bytes` bytes at the start of a buffer of its own (contents undefined). */
  acquire(bytes: number): Buffer {
    // allocUnsafeSlow: an ArrayBuffer of its own and exactly this size, not zeroed first.
    const view = bytes >= MIN_POOLED_BYTES ? this.#pool.acquire(bytes) : Buffer.allocUnsafeSlow(bytes);
    this.#lengths.set(view.buffer as ArrayBuffer, bytes);
    return view;
  }

  /** A downloaded file's bytes: `view` cut to the length downloaded, when it covers more. */
  body(view: Uint8Array): Uint8Array {
    const length = view.buffer instanceof ArrayBuffer ? this.#lengths.get(view.buffer) : undefined;
    return length !== undefined && view.byteOffset === 0 && view.byteLength > length ? view.subarray(0, length) : view;
  }

  /**
   * Takes back buffers that held downloaded files (the same memory, also when it moved back from
   * another thread): a chunk's `recycle`. Nothing may read them afterwards.
   */
  readonly recycle = (buffers: readonly ArrayBuffer[]): void => {
    for (const buffer of buffers) if (buffer.byteLength > 0) this.#pool.release(new Uint8Array(buffer));
  };

  /** Downloads that reused a buffer and that needed a new one. */
  get stats(): { reused: number; allocated: number } {
    const { reused, allocated } = this.#pool.stats;
    return { reused, allocated };
  }
}

/**
 * A body stream's bytes as one ArrayBuffer, copied once: straight into place when the response
 * says its length (and is not re-encoded), else joined at the end. With `buffers`, a body of
 * declared length goes into one of theirs, which may be longer (see DownloadBuffers); without,
 * the ArrayBuffer has exactly the body's size.
 * A stream error becomes what node-fetch makes of it (type 'system', the cause's code), which
 * the driver's retry policy retries; the message leaves out the URL, a pre-signed one carries
 * credentials.
 */
export async function readBodyOnce(response: FetchResponse, buffers?: DownloadBuffers): Promise<ArrayBuffer> {
  const body = response.body;
  if (body === null) return new ArrayBuffer(0);
  const encoding = response.headers.get('content-encoding');
  const declared = Number(response.headers.get('content-length'));
  const sized = (encoding === null || encoding === 'identity') && Number.isSafeInteger(declared) && declared > 0;
  // allocUnsafeSlow: an ArrayBuffer of its own and exactly this size, not zeroed first.
  let target: Buffer | undefined = sized ? (buffers?.acquire(declared) ?? Buffer.allocUnsafeSlow(declared)) : undefined;
  const pieces: Buffer[] = [];
  let received = 0;
  // 'data' events rather than async iteration: a file comes in a few hundred pieces, and a
  // promise per piece cost more than copying it.
  await new Promise<void>((resolve, reject) => {
    body.on('data', (piece: Buffer) => {
      if (target !== undefined && received + piece.length <= target.length) target.set(piece, received);
      else {
        // Longer than declared: keep what arrived and join at the end.
        if (target !== undefined) pieces.push(Buffer.from(target.buffer, 0, received));
        target = undefined;
        pieces.push(piece);
      }
      received += piece.length;
    });
    body.once('error', (error) => reject(bodyError(error)));
    body.once('end', () => resolve());
  });
  if (target !== undefined) {
    if (received === target.length) return target.buffer as ArrayBuffer;
    // Shorter than declared without an error: the connection closed early.
    throw bodyError(Object.assign(new Error(`premature close: ${received} of ${target.length} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
  }
  const joined = Buffer.concat(pieces, received);
  return joined.byteOffset === 0 && joined.buffer.byteLength === received
    ? (joined.buffer as ArrayBuffer)
    : (joined.buffer.slice(joined.byteOffset, joined.byteOffset + received) as ArrayBuffer);
}

function bodyError(cause: unknown): Error {
  if (cause instanceof Error && cause.name === 'AbortError') return cause;
  const c = (cause ?? {}) as { message?: unknown; code?: unknown; errno?: unknown };
  const error = new Error(`Invalid response body while reading a CloudFetch file: ${String(c.message ?? cause)}`);
  return Object.assign(error, { name: 'FetchError', type: 'system', code: c.code, errno: c.errno });
}
