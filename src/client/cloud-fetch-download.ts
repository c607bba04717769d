/**
 * CloudFetch files read once into a buffer of their size. The driver's CloudFetchResultHandler
 * (`@databricks/sql` 2.1.0, dist/result/CloudFetchResultHandler.js) reads each file with
 * node-fetch's `arrayBuffer()`, which joins the socket's pieces into one Buffer and copies that
 * again into an ArrayBuffer: two copies and two file-sized allocations per file, measured at
 * 1M rows as ~6% of the main thread and most of the garbage waiting to be collected. The body
 * reader here replaces that read; driver-internals.ts puts it in the handler's `fetch`.
 */

/** The parts of a node-fetch (v2) Response the reader uses. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body: NodeJS.ReadableStream | null;
}

/**
 * A body stream's bytes as one ArrayBuffer of exactly their size, copied once: straight into
 * place when the response says its length (and is not re-encoded), else joined at the end.
 * A stream error becomes what node-fetch makes of it (type 'system', the cause's code), which
 * the driver's retry policy retries; the message leaves out the URL, a pre-signed one carries
 * credentials.
 */
export async function readBodyOnce(response: FetchResponse): Promise<ArrayBuffer> {
  const body = response.body;
  if (body === null) return new ArrayBuffer(0);
  const encoding = response.headers.get('content-encoding');
  const declared = Number(response.headers.get('content-length'));
  const sized = (encoding === null || encoding === 'identity') && Number.isSafeInteger(declared) && declared > 0;
  // allocUnsafeSlow: an ArrayBuffer of its own and exactly this size, not zeroed first.
  let target: Buffer | undefined = sized ? Buffer.allocUnsafeSlow(declared) : undefined;
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
