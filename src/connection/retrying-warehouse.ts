import type { ArrowChunk, ExactRow, MetadataRow, QueryOptions, QueryParameters, Warehouse } from '../client/warehouse.js';
import { transientFailure } from '../errors/transient-failure.js';
import { withRetries, type RetryPolicy } from './retry-policy.js';

interface Session {
  readonly warehouse: Promise<Warehouse>;
  readonly generation: number;
}

/**
 * A Warehouse that survives a starting, throttling or flaky warehouse: opening the session,
 * running a statement up to its first result chunk and every metadata call are retried under
 * the policy (the driver retries none of OpenSession, ExecuteStatement and FetchResults).
 * A failure saying the session is unusable (a session opened during a cold start) replaces the
 * session before the retry; concurrent callers share the replacement.
 *
 * A result that fails after its first chunk was handed out is not retried here: only the caller
 * knows which rows it already used (see src/read/resumable-read.ts).
 */
export class RetryingWarehouse implements Warehouse {
  readonly #connect: () => Promise<Warehouse>;
  readonly #policy: RetryPolicy;
  #session: Session | undefined;
  #generation = 0;
  #closed = false;

  private constructor(connect: () => Promise<Warehouse>, policy: RetryPolicy) {
    this.#connect = connect;
    this.#policy = policy;
  }

  /** Connects (with retries), so a wrong host, path or credential fails here. */
  static async open(connect: () => Promise<Warehouse>, policy: RetryPolicy): Promise<RetryingWarehouse> {
    const warehouse = new RetryingWarehouse(connect, policy);
    await warehouse.#call('opening a session', async () => undefined);
    return warehouse;
  }

  async *queryArrow(sql: string, parameters?: QueryParameters, options?: QueryOptions): AsyncIterable<ArrowChunk> {
    let iterator: AsyncIterator<ArrowChunk> | undefined;
    let first: IteratorResult<ArrowChunk> | undefined;
    let generation = 0;
    await withRetries(
      this.#policy,
      'running a query',
      async () => {
        const session = this.#current();
        const it = (await session.warehouse).queryArrow(sql, parameters, options)[Symbol.asyncIterator]();
        try {
          first = await it.next();
        } catch (err) {
          this.#noteFailure(err, session.generation);
          throw err;
        }
        iterator = it;
        generation = session.generation;
      },
      options?.signal === undefined ? {} : { signal: options.signal },
    );
    if (first!.done === true) return;
    let done = false;
    try {
      yield first!.value;
      for (;;) {
        const next = await iterator!.next();
        if (next.done === true) break;
        yield next.value;
      }
      done = true;
    } catch (err) {
      done = true;
      this.#noteFailure(err, generation);
      throw err;
    } finally {
      // An early return by the consumer: close the statement.
      if (!done) await iterator!.return?.();
    }
  }

  queryRows(sql: string, parameters?: QueryParameters, options?: QueryOptions): Promise<ExactRow[]> {
    return this.#call('running a query', (w) => w.queryRows(sql, parameters, options), options?.signal);
  }

  getCatalogs(): Promise<MetadataRow[]> {
    return this.#call('listing catalogs', (w) => w.getCatalogs());
  }

  getSchemas(catalog: string, schemaPattern?: string): Promise<MetadataRow[]> {
    return this.#call('listing schemas', (w) => w.getSchemas(catalog, schemaPattern));
  }

  getTables(catalog: string, schemaPattern: string, tablePattern?: string): Promise<MetadataRow[]> {
    return this.#call('listing tables', (w) => w.getTables(catalog, schemaPattern, tablePattern));
  }

  getColumns(catalog: string, schemaPattern: string, tablePattern?: string): Promise<MetadataRow[]> {
    return this.#call('listing columns', (w) => w.getColumns(catalog, schemaPattern, tablePattern));
  }

  getPrimaryKeys(catalog: string, schema: string, table: string): Promise<MetadataRow[]> {
    return this.#call('reading primary keys', (w) => w.getPrimaryKeys(catalog, schema, table));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const session = this.#session;
    this.#session = undefined;
    if (session !== undefined) await (await session.warehouse.catch(() => undefined))?.close();
  }

  #call<T>(what: string, body: (warehouse: Warehouse) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetries(
      this.#policy,
      what,
      async () => {
        const session = this.#current();
        try {
          return await body(await session.warehouse);
        } catch (err) {
          this.#noteFailure(err, session.generation);
          throw err;
        }
      },
      signal === undefined ? {} : { signal },
    );
  }

  /** The open session, or a new one when there is none (first use, or the last one was lost). */
  #current(): Session {
    if (this.#closed) throw new Error('the warehouse connection is closed');
    if (this.#session === undefined) {
      const generation = ++this.#generation;
      const warehouse = this.#connect();
      // A failed connect leaves no session behind: the retry connects again.
      warehouse.catch(() => {
        if (this.#session?.generation === generation) this.#session = undefined;
      });
      this.#session = { warehouse, generation };
    }
    return this.#session;
  }

  /** Drops the session a failure says is unusable; only once, however many callers saw it fail. */
  #noteFailure(err: unknown, generation: number): void {
    if (transientFailure(err)?.sessionLost !== true || this.#session?.generation !== generation) return;
    const lost = this.#session;
    this.#session = undefined;
    void lost.warehouse.then((w) => w.close()).catch(() => undefined);
  }
}
