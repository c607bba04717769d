/**
 * The connector's only door to `@databricks/sql` (pinned to 2.1.0): implements `Warehouse` on
 * one driver client and one Thrift session. Databricks runs several operations of one session
 * at once, so concurrent streams share the session. Results are read as the Arrow IPC buffers
 * the driver fetched, bypassing its row objects (see driver-internals.ts). No retries here:
 * driver errors reach the caller unchanged for it to classify.
 */
import { DBSQLClient, DBSQLParameter } from '@databricks/sql';
import type { ArrowChunk, ExactRow, MetadataRow, QueryOptions, QueryParameters, Warehouse } from './warehouse.js';
import { DownloadBuffers } from './cloud-fetch-download.js';
import { rawArrowSource, rawColumnSource, resultMetadata, shareTlsContext } from './driver-internals.js';
import { columnRowSetToArrow } from './column-rowset-to-arrow.js';
import type { ThriftColumnDesc } from './column-rowset-to-arrow.js';
import { decodeArrowChunk } from '../read/arrow/decode-arrow-chunk.js';
import { batchRows } from '../read/arrow/encode-rows.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export type WarehouseAuth =
  | { readonly kind: 'token'; readonly token: string }
  /** `getToken` is called before every RPC, so it should cache and refresh the token itself. */
  | { readonly kind: 'token-provider'; getToken(): Promise<string> };

export interface WarehouseConnectOptions {
  /** Server host name, without scheme (the driver always uses https). */
  readonly host: string;
  /** Defaults to 443. */
  readonly port?: number;
  /** The warehouse's HTTP path, e.g. `/sql/1.0/warehouses/abc123`. */
  readonly httpPath: string;
  readonly auth: WarehouseAuth;
  /** PEM of an extra CA to trust, added to the system roots. Certificates are always verified. */
  readonly caCertPem?: string;
  /** Appended to the driver's User-Agent. */
  readonly userAgentEntry?: string;
  /** Receives the driver's log lines; without it they are dropped (the driver would log to stdout). */
  readonly logger?: (level: LogLevel, message: string) => void;
  /**
   * CloudFetch files downloaded ahead of the reader; default 3. Each is held whole in memory until
   * read (a Databricks file holds up to ~20 MB of LZ4 Arrow), so this bounds the read's memory.
   */
  readonly cloudFetchDownloads?: number;
}

/** Rows per FetchResults round trip when the caller does not say (the driver's default). */
export const DEFAULT_BATCH_ROWS = 100_000;

/**
 * CloudFetch files in flight at once. The driver's default of 10 holds up to 10 files in memory;
 * three keep the reader fed (one being encoded, two arriving) at a third of the memory.
 */
export const DEFAULT_CLOUD_FETCH_DOWNLOADS = 3;

type Session = Awaited<ReturnType<DBSQLClient['openSession']>>;
type Operation = Awaited<ReturnType<Session['executeStatement']>>;

/** Connects and opens the session, so bad hosts, paths and credentials fail here. */
export async function connectWarehouse(options: WarehouseConnectOptions): Promise<Warehouse> {
  const log = options.logger;
  const client = new DBSQLClient({
    logger: { log: async (level: string, message: string) => log?.(level as LogLevel, message) },
  });
  // The driver emits 'error' for connection failures; without a listener EventEmitter throws.
  client.on('error', () => {});
  const auth = options.auth;
  await client.connect({
    host: options.host,
    port: options.port,
    path: options.httpPath,
    ...(auth.kind === 'token'
      ? { authType: 'access-token' as const, token: auth.token }
      : {
          // 'custom' asks for headers before every RPC. A 'token-provider' would cache the
          // token until its JWT `exp` (forever for an opaque token), hiding our own refresh.
          authType: 'custom' as const,
          provider: { authenticate: async () => ({ Authorization: `Bearer ${await auth.getToken()}` }) },
        }),
    ...(options.caCertPem === undefined ? {} : { customCaCert: options.caCertPem }),
    ...(options.userAgentEntry === undefined ? {} : { userAgentEntry: options.userAgentEntry }),
    telemetryEnabled: false,
    preserveBigNumericPrecision: true,
  });
  client.getConfig().cloudFetchConcurrentDownloads = options.cloudFetchDownloads ?? DEFAULT_CLOUD_FETCH_DOWNLOADS;
  if (options.caCertPem !== undefined) {
    shareTlsContext(await (await client.getConnectionProvider()).getAgent());
  }
  let session: Session;
  try {
    session = await client.openSession();
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return new DatabricksWarehouse(client, session);
}

/** Statement parameters as the driver's typed parameters: each value is sent as text with its SQL type. */
export function toDriverParameters(parameters: QueryParameters): Record<string, DBSQLParameter> {
  const out: Record<string, DBSQLParameter> = {};
  for (const [name, bound] of Object.entries(parameters)) {
    // A null value goes out with neither type nor value: SQL NULL (dist/DBSQLParameter.js).
    out[name] = new DBSQLParameter({ type: bound.type as never, value: bound.value ?? undefined });
  }
  return out;
}

class DatabricksWarehouse implements Warehouse {
  readonly #client: DBSQLClient;
  readonly #session: Session;
  /** CloudFetch downloads of this connection's reads, given back as their chunks are encoded. */
  readonly #downloads = new DownloadBuffers();
  #closed = false;

  constructor(client: DBSQLClient, session: Session) {
    this.#client = client;
    this.#session = session;
  }

  async *queryArrow(sql: string, parameters?: QueryParameters, options?: QueryOptions): AsyncIterable<ArrowChunk> {
    const limit = options?.batchRows ?? DEFAULT_BATCH_ROWS;
    const downloads = this.#downloads;
    yield* this.#withOperation(sql, parameters, limit, options?.signal, async function* (operation, signal) {
      yield* resultChunks(operation, limit, signal, downloads);
    });
  }

  async queryRows(sql: string, parameters?: QueryParameters, options?: QueryOptions): Promise<ExactRow[]> {
    const limit = options?.batchRows ?? DEFAULT_BATCH_ROWS;
    const rows: ExactRow[] = [];
    const chunks = this.#withOperation(sql, parameters, limit, options?.signal, (operation, signal) =>
      resultChunks(operation, limit, signal),
    );
    for await (const chunk of chunks) {
      for (const batch of decodeArrowChunk(chunk)) rows.push(...batchRows(batch));
    }
    return rows;
  }

  /**
   * Runs a statement and hands its operation to `body`; the operation is closed however the
   * iteration ends (completion, error, early return) and cancelled when `signal` aborts.
   */
  async *#withOperation(
    sql: string,
    parameters: QueryParameters | undefined,
    maxRows: number,
    signal: AbortSignal | undefined,
    body: (operation: Operation, signal: AbortSignal | undefined) => AsyncIterable<ArrowChunk>,
  ): AsyncIterable<ArrowChunk> {
    signal?.throwIfAborted();
    const operation = await this.#execute(sql, parameters, maxRows);
    const cancel = (): void => {
      operation.cancel().catch(() => {});
    };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      yield* body(operation, signal);
    } catch (error) {
      // After a cancel the driver reports a cancelled operation; the abort reason says why.
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener('abort', cancel);
      await operation.close().catch(() => {});
    }
  }

  getCatalogs(): Promise<MetadataRow[]> {
    return this.#metadata(() => this.#session.getCatalogs());
  }

  getSchemas(catalog: string, schemaPattern?: string): Promise<MetadataRow[]> {
    return this.#metadata(() => this.#session.getSchemas({ catalogName: catalog, schemaName: schemaPattern }));
  }

  getTables(catalog: string, schemaPattern: string, tablePattern?: string): Promise<MetadataRow[]> {
    return this.#metadata(() =>
      this.#session.getTables({ catalogName: catalog, schemaName: schemaPattern, tableName: tablePattern }),
    );
  }

  getColumns(catalog: string, schemaPattern: string, tablePattern?: string): Promise<MetadataRow[]> {
    return this.#metadata(() =>
      this.#session.getColumns({ catalogName: catalog, schemaName: schemaPattern, tableName: tablePattern }),
    );
  }

  getPrimaryKeys(catalog: string, schema: string, table: string): Promise<MetadataRow[]> {
    return this.#metadata(() => this.#session.getPrimaryKeys({ catalogName: catalog, schemaName: schema, tableName: table }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#session.close();
    } finally {
      await this.#client.close();
    }
  }

  async #execute(sql: string, parameters: QueryParameters | undefined, maxRows: number): Promise<Operation> {
    if (this.#closed) throw new Error('the warehouse connection is closed');
    return this.#session.executeStatement(sql, {
      // maxRows sizes the first page, returned with ExecuteStatement as direct results.
      maxRows,
      ...(parameters === undefined || Object.keys(parameters).length === 0 ? {} : { namedParameters: toDriverParameters(parameters) }),
    });
  }

  async #metadata(start: () => Promise<Operation>): Promise<MetadataRow[]> {
    if (this.#closed) throw new Error('the warehouse connection is closed');
    const operation = await start();
    try {
      const rows = await operation.fetchAll();
      return rows.map(metadataRow);
    } finally {
      await operation.close().catch(() => {});
    }
  }
}

/**
 * Waits between the first status polls of a running statement. The driver waits 100 ms between
 * polls (ThriftOperationBackend.waitUntilReady in 2.1.0), so a statement done after 60 ms is
 * seen at about 150 ms. Most statements of a sync (metadata, small incremental reads) finish in
 * well under a second; polling sooner sees them finish at once, for four GetOperationStatus calls
 * at most, after which the driver goes on at its own pace.
 */
export const EARLY_POLL_DELAYS_MS: readonly number[] = [10, 20, 40, 80];

/** TOperationState values of a statement still going (TCLIService.thrift). */
const IN_PROGRESS_STATES: ReadonlySet<number> = new Set([0, 1, 7]); // INITIALIZED, RUNNING, PENDING

/**
 * Waits until the statement finished, polling early as above; the driver's `finished()` then
 * returns at once or carries on, and raises a failed statement's error either way.
 */
async function finished(operation: Operation, signal: AbortSignal | undefined): Promise<void> {
  for (const delayMs of EARLY_POLL_DELAYS_MS) {
    const status = await operation.status();
    if (status.operationState === undefined || !IN_PROGRESS_STATES.has(status.operationState)) break;
    signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  await operation.finished();
}

/**
 * The result of a finished statement as Arrow chunks, whichever way the warehouse delivered
 * it: inline Arrow, CloudFetch files, or (constant-only queries) column-based row sets. With
 * `downloads`, CloudFetch files are read into their buffers and each chunk can give its buffer
 * back (`recycle`) for a later file.
 */
export async function* resultChunks(
  operation: Operation,
  limit: number,
  signal: AbortSignal | undefined,
  downloads?: DownloadBuffers,
): AsyncIterable<ArrowChunk> {
  await finished(operation, signal);
  // null: no result set (e.g. DDL).
  const schema = await operation.getSchema();
  if (schema === null) return;
  const metadata = await resultMetadata(operation);
  if (metadata.resultFormat === 'COLUMN_BASED') {
    const source = await rawColumnSource(operation);
    while (await source.hasMore()) {
      signal?.throwIfAborted();
      const columns = await source.fetchNext({ limit });
      if (columns.length === 0) continue;
      const chunk = columnRowSetToArrow(schema.columns as readonly ThriftColumnDesc[], columns);
      if (chunk.rowCount > 0) yield chunk;
    }
    return;
  }
  const source = await rawArrowSource(operation, downloads);
  const inline = metadata.resultFormat === 'ARROW_BASED';
  // The next page is requested before the current one is handed out, so the warehouse (and
  // the network) work while the caller encodes. The request is returned in a box: an async
  // function returning a promise would wait for it, and every page would wait for the next.
  const fetchAhead = async (): Promise<{ readonly page: Promise<{ batches: Uint8Array[]; rowCount: number }> } | null> => {
    if (!(await source.hasMore())) return null;
    const page = source.fetchNext({ limit });
    // An early return leaves it unread; its failure must not become an unhandled rejection.
    page.catch(() => {});
    return { page };
  };
  let pending = await fetchAhead();
  while (pending !== null) {
    signal?.throwIfAborted();
    const { batches, rowCount } = await pending.page;
    signal?.throwIfAborted();
    pending = await fetchAhead();
    if (batches.length === 0) continue;
    // Inline results repeat the schema as the first buffer; CloudFetch files carry their own.
    if (inline) yield { schema: batches[0]!, batches: batches.slice(1), rowCount };
    else yield { schema: metadata.arrowSchema ?? new Uint8Array(0), batches, rowCount, ...(downloads === undefined ? {} : { recycle: downloads.recycle }) };
  }
}

function metadataRow(row: object): MetadataRow {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      value === null || value === undefined
        ? null
        : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? value
          : String(value);
  }
  return out;
}
