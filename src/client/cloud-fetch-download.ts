/**
 * CloudFetch files read once into a buffer of their size. The driver's CloudFetchResultHandler
 * (`@databricks/sql` 2.1.0, dist/result/CloudFetchResultHandler.js) reads each file with
 * node-fetch's `arrayBuffer()`, which joins the socket's pieces into one Buffer and copies that
 * again into an ArrayBuffer: two copies and two file-sized allocations per file, measured at
 * 1M rows as ~6% of the main thread and most of the garbage waiting to be collected. Its
 * `fetch(url, init)` is replaced on the handler instance by one that differs only in how the
 * body is read: the same node-fetch the driver loads, the same agent, the same retry policy
 * wrapped around request and body alike, the same `{ response, body }` result.
 */
import { createRequire } from 'node:module';

type NodeFetch = ((request: unknown) => Promise<FetchResponse>) & { Request: new (url: string, init: object) => unknown };

interface FetchResponse {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body: NodeJS.ReadableStream | null;
}

const driverRequire = createRequire(createRequire(import.meta.url).resolve('@databricks/sql'));
let nodeFetch: NodeFetch | undefined;

/** The node-fetch the driver itself loads (its dependency, not the connector's). */
function driverNodeFetch(): NodeFetch {
  nodeFetch ??= driverRequire('node-fetch') as NodeFetch;
  if (typeof nodeFetch !== 'function' || typeof nodeFetch.Request !== 'function') throw new Error('node-fetch as the driver loads it has changed shape');
  return nodeFetch;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function call(target: unknown, name: string): (...args: unknown[]) => unknown {
  if (!isObject(target) || typeof target[name] !== 'function') throw new Error(`@databricks/sql internals: ${name}() is missing`);
  const fn = target[name] as (...args: unknown[]) => unknown;
  return (...args) => fn.apply(target, args);
}

/**
 * Makes a CloudFetchResultHandler read its files once (see above). Returns false, changing
 * nothing, for any other handler or a handler of another shape.
 */
export function readDownloadsOnce(handler: unknown): boolean {
  if (!isObject(handler) || typeof handler['fetch'] !== 'function' || typeof handler['downloadLink'] !== 'function') return false;
  const context = handler['context'];
  if (!isObject(context) || typeof context['getConnectionProvider'] !== 'function') return false;
  const fetch = driverNodeFetch();
  handler['fetch'] = async (url: string, init: object) => {
    const provider = await call(context, 'getConnectionProvider')();
    const agent = await call(provider, 'getAgent')();
    const retryPolicy = await call(provider, 'getRetryPolicy')();
    let body: ArrayBuffer | undefined;
    const result = (await call(retryPolicy, 'invokeWithRetry')(async () => {
      body = undefined;
      const request = new fetch.Request(url, { agent, ...init });
      const response = await fetch(request);
      if (response.ok) body = await readBodyOnce(response);
      return { request, response };
    })) as { response: FetchResponse };
    return { response: result.response, body };
  };
  return true;
}
