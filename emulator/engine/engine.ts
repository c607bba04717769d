import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SparkType } from '../spark-type.js';
import { alterStatement, commentStatement, createStatement, dropStatement } from './ddl.js';
import { describeStatement, showStatement, useStatement } from './catalog-commands.js';
import { duckCatalogName, MACRO_DB, META_DB } from './catalog-names.js';
import { translateTokens, type DialectContext } from './dialect.js';
import { SqlError, type EngineResult } from './engine-result.js';
import { createMetadataTables, readCatalog, writeCatalog, type CatalogSnapshot } from './metadata-store.js';
import * as rpc from './metadata-rpc.js';
import { significant, isOp, isWord, syntaxError, tokenize } from './sql-lexer.js';
import { cancelled, DIVIDE_BY_ZERO_MESSAGE, tableNotFound, toSqlError } from './sql-errors.js';
import { quoteDuckIdent, storageShape } from './spark-type-syntax.js';
import { sparkTypeFromDuck } from '../results/duck-to-spark.js';
import { duckRelation, NO_COLUMNS, readName, resultColumns, tableRef, valuesResult, type StatementContext, type TableRef } from './statement-context.js';
import { TableRegistry } from './table-registry.js';
import { TableVersions, type TableHistory } from './table-versions.js';
import { expireVersions, vacuumKeepFrom } from './delta-commits.js';
import { deleteStatement, insertStatement, mergeStatement, truncateStatement, updateStatement } from './dml.js';
import { resolveAsOf, resolveChangeRange, snapshotSql, tableChangesSql, type VersionPoint } from './version-reads.js';
import { timeTravelView } from './delta-errors.js';
import { sampleStatements } from '../sample/sample-data.js';

/** The session namespace; USE CATALOG / USE SCHEMA mutate it. */
export interface SessionState {
  catalog: string;
  schema: string;
}

/** A TSparkParameter: ordinal when `name` is absent; `value` is always the string form. */
export interface BoundParameter {
  name?: string;
  type?: string;
  value: string | null;
}

export interface Execution {
  readonly result: Promise<EngineResult>;
  /** Interrupts DuckDB; the result then rejects with OPERATION_CANCELED. */
  cancel(): void;
}

export interface EngineOptions {
  /** Databricks SQL statements run (in the default session) after start. */
  readonly seedSql?: readonly string[];
  /** Loads the sample catalogs (emulator/sample). */
  readonly sampleData?: boolean;
}

// Spark functions DuckDB lacks, as macros in DuckDB's default database, which every
// connection's search path ends with.
const MACROS = [
  `CREATE MACRO __spark_nz(x) AS CASE WHEN x = 0 THEN error('${DIVIDE_BY_ZERO_MESSAGE.replace(/'/g, "''")}') ELSE x END`,
  // CAST(x AS STRING): DuckDB renders TIMESTAMPTZ with a '+00' suffix that Spark does not print.
  "CREATE MACRO __spark_string(x) AS CASE WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN regexp_replace(CAST(x AS VARCHAR), '[+-]00(:00)?$', '') ELSE CAST(x AS VARCHAR) END",
  'CREATE MACRO nvl(a, b) AS coalesce(a, b)',
  'CREATE MACRO nvl2(a, b, c) AS CASE WHEN a IS NOT NULL THEN b ELSE c END',
  'CREATE MACRO try_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END',
  'CREATE MACRO collect_list(x) AS list(x)',
  'CREATE MACRO collect_set(x) AS list_distinct(list(x))',
  'CREATE MACRO size(x) AS len(x)',
  'CREATE MACRO to_date(x) AS CAST(x AS DATE)',
  'CREATE MACRO current_timezone() AS \'Etc/UTC\'',
];

const NO_OPS = new Set(['set', 'reset', 'optimize', 'analyze', 'refresh', 'msck', 'cache', 'uncache', 'clear', 'fsck', 'grant', 'revoke']);

/**
 * The emulator's SQL engine: Databricks SQL in, Databricks-shaped results out, DuckDB in
 * between. One DuckDB connection per operation; results are materialized.
 */
export class Engine {
  readonly #instance: DuckDBInstance;
  readonly #registry = new TableRegistry();
  readonly #versions = new TableVersions();
  readonly #startedAt = new Date();
  #snapshot: CatalogSnapshot | null = null;
  #dirty = true;
  #sync: Promise<CatalogSnapshot> | null = null;
  #closed = false;

  private constructor(instance: DuckDBInstance) {
    this.#instance = instance;
  }

  static async create(options: EngineOptions = {}): Promise<Engine> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      // Databricks' session time zone defaults to UTC (databricks-behaviour.md §5, D-TZ).
      await conn.run("SET GLOBAL TimeZone = 'UTC'");
      await conn.run(`ATTACH ':memory:' AS ${quoteDuckIdent(META_DB)}`);
      await createMetadataTables(conn);
      for (const m of MACROS) await conn.run(m.replace('CREATE MACRO ', `CREATE MACRO ${MACRO_DB}.main.`));
      for (const catalog of ['hive_metastore', 'main']) {
        await conn.run(`ATTACH ':memory:' AS ${quoteDuckIdent(duckCatalogName(catalog))}`);
        await conn.run(`CREATE SCHEMA ${quoteDuckIdent(duckCatalogName(catalog))}."default"`);
      }
    } finally {
      conn.closeSync();
    }
    const engine = new Engine(instance);
    const seed = [...(options.sampleData ? sampleStatements() : []), ...(options.seedSql ?? [])];
    for (const sql of seed) await engine.execute(sql, [], engine.defaultSession()).result;
    return engine;
  }

  /** hive_metastore.default, the namespace of a workspace without Unity Catalog defaults. */
  defaultSession(): SessionState {
    return { catalog: 'hive_metastore', schema: 'default' };
  }

  execute(sql: string, params: readonly BoundParameter[], session: SessionState): Execution {
    let conn: DuckDBConnection | null = null;
    let isCancelled = false;
    const run = async (): Promise<EngineResult> => {
      if (this.#closed) throw new SqlError('INTERNAL_ERROR', 'XX000', '[INTERNAL_ERROR] The engine is closed. SQLSTATE: XX000');
      conn = await this.#instance.connect();
      try {
        if (isCancelled) throw cancelled();
        return await this.#statement(conn, sql, params, session);
      } catch (e) {
        throw isCancelled ? cancelled() : toSqlError(e, sql);
      } finally {
        conn.closeSync();
      }
    };
    return {
      result: run(),
      cancel: () => {
        isCancelled = true;
        conn?.interrupt();
      },
    };
  }

  async #statement(conn: DuckDBConnection, sql: string, params: readonly BoundParameter[], session: SessionState): Promise<EngineResult> {
    let toks = tokenize(sql);
    // One statement per request; a trailing `;` is allowed.
    let sig = significant(toks);
    while (isOp(sig[sig.length - 1], ';')) {
      toks = toks.slice(0, toks.indexOf(sig[sig.length - 1]!));
      sig = sig.slice(0, -1);
    }
    const semi = sig.findIndex((t) => isOp(t, ';'));
    if (semi >= 0) throw syntaxError(sig[semi + 1]?.text ?? ';', sql);
    if (sig.length === 0) throw syntaxError('end of input', sql);
    await this.#usePath(conn, session);
    const dialect: DialectContext = {
      sql,
      session,
      params,
      values: [],
      positional: 0,
      catalogExists: (c) => this.#snapshot?.catalogs.includes(c) ?? true,
      timeTravel: (parts, point) => this.#timeTravel(tableRef(parts, session), point),
      tableChanges: (table, start, end) => this.#tableChanges(tableRef(nameParts(table, sql), session), start, end),
    };
    const ctx: StatementContext = {
      conn, sql, toks, sig, session, params, dialect, registry: this.#registry, versions: this.#versions,
      catalog: () => this.#catalog(),
      markDirty: () => {
        this.#dirty = true;
      },
    };
    const first = sig[0]!.value.toLowerCase();
    switch (first) {
      case 'use':
        return useStatement(ctx);
      case 'show':
        return showStatement(ctx);
      case 'describe':
      case 'desc':
        return describeStatement(ctx);
      case 'create':
        return createStatement(ctx);
      case 'drop':
        return dropStatement(ctx);
      case 'alter':
        return alterStatement(ctx);
      case 'comment':
        return commentStatement(ctx);
      case 'insert':
        dialect.inlineParams = true;
        return insertStatement(ctx);
      case 'update':
        dialect.inlineParams = true;
        return updateStatement(ctx);
      case 'delete':
        dialect.inlineParams = true;
        return deleteStatement(ctx);
      case 'merge':
        dialect.inlineParams = true;
        return mergeStatement(ctx);
      case 'truncate':
        return truncateStatement(ctx);
      case 'vacuum':
        return this.#vacuum(ctx);
      default:
        if (NO_OPS.has(first) && sig[0]!.kind === 'word') return NO_COLUMNS;
        return this.#query(ctx);
    }
  }

  /** Points DuckDB's search path at the session namespace, then at the Spark macros. */
  async #usePath(conn: DuckDBConnection, session: SessionState): Promise<void> {
    const ns = `${quoteDuckIdent(duckCatalogName(session.catalog))}.${quoteDuckIdent(session.schema)}`;
    try {
      await conn.run(`SET search_path = '${`${ns},${MACRO_DB}.main`.replace(/'/g, "''")}'`);
    } catch {
      // The session namespace is gone (dropped schema): fully qualified names still work.
      await conn.run(`SET search_path = '${MACRO_DB}.main'`);
    }
  }

  async #query(ctx: StatementContext): Promise<EngineResult> {
    // information_schema reads the metadata tables: bring them up to date first.
    if (ctx.sig.some((t) => t.value.toLowerCase() === 'information_schema')) await this.#catalog();
    const duckSql = translateTokens(ctx.toks, 0, ctx.toks.length, ctx.dialect);
    const duck = await ctx.conn.run(duckSql, ctx.dialect.values);
    const declared = this.#declaredTypes(ctx, duck.columnNames(), duck.columnTypes().map(sparkTypeFromDuck));
    // Constant-only queries come back column-based from Databricks (databricks-behaviour.md §0).
    const from = ctx.sig.findIndex((t) => isWord(t, 'from'));
    const constant = from < 0 || (isOp(ctx.sig[from + 1], '(') && isWord(ctx.sig[from + 2], 'values'));
    return {
      columns: resultColumns(duck, declared.map((d) => d?.type), declared.map((d) => (d ? { nullable: d.nullable } : {}))),
      duck,
      preferredFormat: constant ? 'columns' : 'arrow',
    };
  }

  /**
   * Declared Spark types for result columns that come straight from a table in the FROM/JOIN
   * clauses: matched by name and storage shape (best effort).
   */
  #declaredTypes(ctx: StatementContext, names: readonly string[], derived: readonly SparkType[]): ({ type: SparkType; nullable: boolean } | undefined)[] {
    const byName = new Map<string, { type: SparkType; nullable: boolean }[]>();
    ctx.sig.forEach((t, i) => {
      if (!isWord(t, 'from', 'join', 'update', 'into')) return;
      const n = ctx.sig[i + 1];
      if (n === undefined || (n.kind !== 'word' && n.kind !== 'qident')) return;
      const ref = tableRef(readName(ctx.sig, i + 1, ctx.sql).parts, ctx.session);
      for (const c of this.#registry.table(ref.catalog, ref.schema, ref.name)?.columns ?? []) {
        const list = byName.get(c.name.toLowerCase()) ?? [];
        list.push({ type: c.type, nullable: c.nullable });
        byName.set(c.name.toLowerCase(), list);
      }
    });
    return names.map((n, i) => {
      const list = (byName.get(n.toLowerCase()) ?? []).filter((c) => storageShape(c.type) === storageShape(derived[i]!));
      return list.length === 1 ? list[0] : undefined;
    });
  }

  /** The table's history, or the error Databricks gives for a view or a missing table. */
  #history(ref: TableRef): TableHistory {
    const h = this.#versions.get(ref);
    if (h !== undefined) return h;
    if (this.#registry.table(ref.catalog, ref.schema, ref.name)?.kind === 'VIEW') throw timeTravelView();
    throw tableNotFound(ref.written);
  }

  #timeTravel(ref: TableRef, point: VersionPoint): string {
    const h = this.#history(ref);
    return snapshotSql(h, resolveAsOf(h, point, `${ref.catalog}.${ref.schema}.${ref.name}`), duckRelation(ref));
  }

  #tableChanges(ref: TableRef, start: VersionPoint, end: VersionPoint | undefined): string {
    const h = this.#history(ref);
    const range = resolveChangeRange(h, start, end, `${ref.catalog}.${ref.schema}.${ref.name}`);
    return tableChangesSql(h, range.start, range.end);
  }

  /**
   * VACUUM t [RETAIN n HOURS]: versions whose files a vacuum with that retention would delete
   * become unreadable (default retention 168 hours; Databricks' safety check for short
   * retentions is not modelled).
   */
  async #vacuum(ctx: StatementContext): Promise<EngineResult> {
    const { sig, sql } = ctx;
    if (sig.length < 2 || (sig[1]!.kind !== 'word' && sig[1]!.kind !== 'qident')) return NO_COLUMNS;
    const name = readName(sig, 1, sql);
    const ref = tableRef(name.parts, ctx.session);
    const h = this.#history(ref);
    let hours = h.retentionHours;
    const retain = sig.findIndex((t) => isWord(t, 'retain'));
    if (retain >= 0 && sig[retain + 1]?.kind === 'number') hours = Number(sig[retain + 1]!.text);
    if (!sig.some((t) => isWord(t, 'dry'))) {
      await expireVersions(ctx.conn, this.#versions, ref, vacuumKeepFrom(h, hours, BigInt(Date.now()) * 1000n), false);
    }
    return valuesResult(ctx.conn, [{ name: 'path', duck: 'VARCHAR' }], [[`dbfs:/user/hive/warehouse/${ref.schema}.db/${ref.name}`]], 'arrow');
  }

  /**
   * Makes the versions of `table` (a `catalog.schema.table` name; shorter names resolve against
   * hive_metastore.default) before `keepFromVersion` unavailable, for tests of expired history.
   * By default this is a VACUUM: DESCRIBE HISTORY still lists them, but time travel and
   * table_changes fail with DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION.
   * With `dropLog` the transaction log is cleaned too: the versions leave DESCRIBE HISTORY and
   * reads fail with DELTA_VERSION_NOT_FOUND. The latest version always stays readable.
   */
  async expireHistory(table: string, keepFromVersion: number, options: { readonly dropLog?: boolean } = {}): Promise<void> {
    const ref = tableRef(nameParts(table, table), this.defaultSession());
    this.#history(ref);
    const conn = await this.#instance.connect();
    try {
      await expireVersions(conn, this.#versions, ref, keepFromVersion, options.dropLog ?? false);
    } catch (e) {
      throw toSqlError(e, '');
    } finally {
      conn.closeSync();
    }
  }

  /**
   * The catalog snapshot, re-read when DDL ran since the last read. A caller arriving while a
   * refresh is in flight waits for it: that refresh may be the one covering the caller's DDL.
   */
  async #catalog(): Promise<CatalogSnapshot> {
    for (;;) {
      if (this.#sync !== null) {
        await this.#sync;
        continue;
      }
      if (!this.#dirty && this.#snapshot !== null) return this.#snapshot;
      this.#dirty = false;
      this.#sync = (async () => {
        const conn = await this.#instance.connect();
        try {
          const snap = await readCatalog(conn, this.#registry);
          await writeCatalog(conn, snap, this.#registry, this.#startedAt);
          this.#snapshot = snap;
          return snap;
        } catch (e) {
          this.#dirty = true;
          throw e;
        } finally {
          conn.closeSync();
          this.#sync = null;
        }
      })();
    }
  }

  /** Runs a metadata query on its own connection after bringing the metadata tables up to date. */
  async #metadata(build: (conn: DuckDBConnection) => Promise<EngineResult>): Promise<EngineResult> {
    try {
      await this.#catalog();
      const conn = await this.#instance.connect();
      try {
        return await build(conn);
      } finally {
        conn.closeSync();
      }
    } catch (e) {
      throw toSqlError(e, '');
    }
  }

  getCatalogs(): Promise<EngineResult> {
    return this.#metadata((c) => rpc.getCatalogs(c));
  }

  getSchemas(catalog: string | null, schemaPattern: string | null): Promise<EngineResult> {
    return this.#metadata((c) => rpc.getSchemas(c, catalog, schemaPattern));
  }

  getTables(catalog: string | null, schemaPattern: string | null, tablePattern: string | null, tableTypes: readonly string[] | null): Promise<EngineResult> {
    return this.#metadata((c) => rpc.getTables(c, catalog, schemaPattern, tablePattern, tableTypes));
  }

  getColumns(catalog: string | null, schemaPattern: string | null, tablePattern: string | null, columnPattern: string | null): Promise<EngineResult> {
    return this.#metadata((c) => rpc.getColumns(c, catalog, schemaPattern, tablePattern, columnPattern));
  }

  getPrimaryKeys(catalog: string | null, schema: string, table: string): Promise<EngineResult> {
    return this.#metadata((c) => rpc.getPrimaryKeys(c, catalog, schema, table));
  }

  getTypeInfo(): Promise<EngineResult> {
    return this.#metadata((c) => rpc.getTypeInfo(c));
  }

  getTableTypes(): Promise<EngineResult> {
    return this.#metadata((c) => rpc.getTableTypes(c));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#instance.closeSync();
  }
}

/** The parts of a dotted table name written as a string (`table_changes('c.s.t', ...)`). */
function nameParts(text: string, sql: string): string[] {
  const sig = significant(tokenize(text));
  const { parts, next } = readName(sig, 0, sql);
  if (next !== sig.length) throw tableNotFound([text]);
  return parts;
}
