/**
 * The few private parts of `@databricks/sql` 2.1.0 the connector relies on, each behind a
 * function that checks its shape at run time. They exist to bypass the driver's per-value row
 * materialization (2-5 µs per value) and take the Arrow IPC buffers it fetched as they are.
 * Read from dist/DBSQLOperation.js, dist/thrift-backend/ThriftOperationBackend.js and
 * dist/result/*.js of that version; a test asserts they are present, so a driver upgrade that
 * moves them fails loudly instead of silently.
 */
import { createRequire } from 'node:module';
import { createSecureContext } from 'node:tls';
import { readBodyOnce, type DownloadBuffers, type FetchResponse } from './cloud-fetch-download.js';

export class UnsupportedDriverInternalsError extends Error {
  override readonly name = 'UnsupportedDriverInternalsError';
  constructor(what: string) {
    super(`unsupported @databricks/sql internals: ${what} (the connector is built against @databricks/sql 2.1.0)`);
  }
}

/** How the warehouse delivers a result (TSparkRowSetType through the driver's ResultFormat). */
export type ResultFormat = 'ARROW_BASED' | 'URL_BASED' | 'COLUMN_BASED';

/**
 * The innermost result handler: ArrowResultHandler (inline Arrow) or CloudFetchResultHandler
 * (downloaded files). `fetchNext` resolves to `{ batches, rowCount }` where `batches` holds
 * Arrow IPC bytes, already LZ4-decoded: `[schema, ...recordBatches]` inline, or one complete
 * IPC stream per CloudFetch file.
 */
export interface RawArrowSource {
  hasMore(): Promise<boolean>;
  fetchNext(options: { limit: number }): Promise<{ batches: Uint8Array[]; rowCount: number }>;
}

export interface RawResultMetadata {
  readonly resultFormat: ResultFormat;
  /** The encapsulated Arrow Schema message the warehouse sent, when it sent one. */
  readonly arrowSchema: Uint8Array | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function method(target: unknown, name: string, where: string): (...args: unknown[]) => unknown {
  if (!isObject(target) || typeof target[name] !== 'function') {
    throw new UnsupportedDriverInternalsError(`${where}.${name}() is missing`);
  }
  const fn = target[name] as (...args: unknown[]) => unknown;
  return (...args) => fn.apply(target, args);
}

/**
 * `DBSQLOperation.getResultMetadata()` (waits until the statement finished, then reads the
 * GetResultSetMetadata response; resolves the ResultFormat enum to its string value).
 */
export async function resultMetadata(operation: unknown): Promise<RawResultMetadata> {
  const metadata = await method(operation, 'getResultMetadata', 'DBSQLOperation')();
  if (!isObject(metadata)) throw new UnsupportedDriverInternalsError('DBSQLOperation.getResultMetadata() result');
  const format = metadata['resultFormat'];
  if (format !== 'ARROW_BASED' && format !== 'URL_BASED' && format !== 'COLUMN_BASED') {
    throw new UnsupportedDriverInternalsError(`result format ${String(format)}`);
  }
  const schema = metadata['arrowSchema'];
  return { resultFormat: format, arrowSchema: schema instanceof Uint8Array ? schema : null };
}

/**
 * The Arrow handler under the driver's result pipeline. ThriftOperationBackend.getResultHandler()
 * builds ResultSlicer(ArrowResultConverter(ArrowResultHandler | CloudFetchResultHandler)); the
 * slicer and the converter keep their input in a `source` field. Only call this for Arrow and
 * URL (CloudFetch) results, and never read rows through the outer layers afterwards. With
 * `buffers`, CloudFetch files are downloaded into theirs (readDownloadsOnce) and handed out cut
 * to their length.
 */
export async function rawArrowSource(operation: unknown, buffers?: DownloadBuffers): Promise<RawArrowSource> {
  const slicer = await method(operation, 'getResultHandler', 'DBSQLOperation')();
  const converter = isObject(slicer) ? slicer['source'] : undefined;
  const handler = isObject(converter) ? converter['source'] : undefined;
  readDownloadsOnce(handler, buffers);
  const hasMore = method(handler, 'hasMore', 'ArrowResultHandler');
  const fetchNext = method(handler, 'fetchNext', 'ArrowResultHandler');
  return {
    hasMore: async () => {
      const more = await hasMore();
      if (typeof more !== 'boolean') throw new UnsupportedDriverInternalsError('ArrowResultHandler.hasMore() result');
      return more;
    },
    fetchNext: async (options) => {
      const result = await fetchNext(options);
      if (!isObject(result) || !Array.isArray(result['batches']) || typeof result['rowCount'] !== 'number') {
        throw new UnsupportedDriverInternalsError('ArrowResultHandler.fetchNext() result');
      }
      const batches = result['batches'] as unknown[];
      if (!batches.every((b) => b instanceof Uint8Array)) {
        throw new UnsupportedDriverInternalsError('ArrowResultHandler.fetchNext() batches');
      }
      const bytes = batches as Uint8Array[];
      return { batches: buffers === undefined ? bytes : bytes.map((b) => buffers.body(b)), rowCount: result['rowCount'] };
    },
  };
}

type NodeFetch = ((request: unknown) => Promise<FetchResponse>) & { Request: new (url: string, init: object) => unknown };

const driverRequire = createRequire(createRequire(import.meta.url).resolve('@databricks/sql'));
let nodeFetch: NodeFetch | undefined;

/** The node-fetch the driver itself loads (its dependency, not the connector's). */
function driverNodeFetch(): NodeFetch {
  nodeFetch ??= driverRequire('node-fetch') as NodeFetch;
  if (typeof nodeFetch !== 'function' || typeof nodeFetch.Request !== 'function') throw new UnsupportedDriverInternalsError('node-fetch as the driver loads it');
  return nodeFetch;
}

/**
 * Makes a CloudFetchResultHandler read its files once (cloud-fetch-download.ts). Its
 * `fetch(url, init)` is replaced on the instance by one that differs only in how the body is
 * read: the same node-fetch the driver loads, the same agent, the same retry policy wrapped
 * around request and body alike, the same `{ response, body }` result. With `buffers`, bodies go
 * into theirs. Returns false, changing nothing, for any other handler.
 */
export function readDownloadsOnce(handler: unknown, buffers?: DownloadBuffers): boolean {
  if (!isObject(handler) || typeof handler['fetch'] !== 'function' || typeof handler['downloadLink'] !== 'function') return false;
  const provider = method(handler['context'], 'getConnectionProvider', 'ClientContext');
  const fetch = driverNodeFetch();
  // An LZ4-framed file is decoded from the whole ArrayBuffer (fetchNext: LZ4().decode(buffer)),
  // which a reused, longer buffer would break. The driver asks for LZ4 only without CloudFetch
  // (ThriftSessionBackend.executeStatement), so this is a guard, not a path taken.
  const into = handler['isLZ4Compressed'] === true ? undefined : buffers;
  handler['fetch'] = async (url: string, init: object) => {
    const connection = await provider();
    const agent = await method(connection, 'getAgent', 'ConnectionProvider')();
    const retryPolicy = await method(connection, 'getRetryPolicy', 'ConnectionProvider')();
    let body: ArrayBuffer | undefined;
    const result = (await method(retryPolicy, 'invokeWithRetry', 'HttpRetryPolicy')(async () => {
      body = undefined;
      const request = new fetch.Request(url, { agent, ...init });
      const response = await fetch(request);
      if (response.ok) body = await readBodyOnce(response, into);
      return { request, response };
    })) as { response: FetchResponse };
    return { response: result.response, body };
  };
  return true;
}

/** One FetchResults page of a column-based result: the TRowSet's TColumn list. */
export interface RawColumnSource {
  hasMore(): Promise<boolean>;
  fetchNext(options: { limit: number }): Promise<readonly unknown[]>;
}

/**
 * The RowSetProvider under a column-based result. ThriftOperationBackend.getResultHandler()
 * builds ResultSlicer(JsonResultHandler(RowSetProvider)); the provider's `fetchNext` resolves
 * to the TRowSet of one FetchResults (or undefined once drained).
 */
export async function rawColumnSource(operation: unknown): Promise<RawColumnSource> {
  const slicer = await method(operation, 'getResultHandler', 'DBSQLOperation')();
  const json = isObject(slicer) ? slicer['source'] : undefined;
  const provider = isObject(json) ? json['source'] : undefined;
  const hasMore = method(provider, 'hasMore', 'RowSetProvider');
  const fetchNext = method(provider, 'fetchNext', 'RowSetProvider');
  return {
    hasMore: async () => (await hasMore()) === true,
    fetchNext: async (options) => {
      const rowSet = await fetchNext(options);
      if (rowSet === undefined || rowSet === null) return [];
      if (!isObject(rowSet)) throw new UnsupportedDriverInternalsError('RowSetProvider.fetchNext() result');
      const columns = rowSet['columns'] ?? [];
      if (!Array.isArray(columns)) throw new UnsupportedDriverInternalsError('TRowSet.columns');
      return columns as unknown[];
    },
  };
}

/**
 * Builds the TLS context of the driver's https agent once. With `customCaCert` the driver gives
 * its agent a `ca` list (the system roots plus that CA), and Node then builds a secure context
 * from ~150 certificates for every new socket and joins them into the agent's pool key on every
 * request (https.Agent.getName): measured at 0.5 CPU s per million rows read through CloudFetch.
 * A prebuilt `secureContext` trusts exactly the same roots. Returns false when the agent does not
 * have that shape (nothing changed).
 */
export function shareTlsContext(agent: unknown): boolean {
  if (!isObject(agent) || !isObject(agent['options'])) return false;
  const options = agent['options'];
  // Client certificates (mTLS) would have to move into the context too; leave those agents alone.
  if (!Array.isArray(options['ca']) || options['cert'] !== undefined || options['key'] !== undefined) return false;
  if (options['secureContext'] !== undefined) return false;
  options['secureContext'] = createSecureContext({ ca: options['ca'] as (string | Buffer)[] });
  delete options['ca'];
  return true;
}
