import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SparkType } from '../spark-type.js';
import { alterStatement, commentStatement, createStatement, dropStatement } from './ddl.js';
import { describeStatement, showStatement, useStatement } from './catalog-commands.js';
import { duckCatalogName, MACRO_DB, META_DB } from './catalog-names.js';
import { translateTokens, type DialectContext } from './dialect.js';
import { SqlError, type EngineResult } from './engine-result.js';
import { createMetadataTables, readCatalog, writeCatalog, type CatalogSnapshot } from './metadata-store.js';
import * as rpc from './metadata-rpc.js';
import { significant, isOp, isWord, syntaxError, tokenize, type Token } from './sql-lexer.js';
import { cancelled, DIVIDE_BY_ZERO_MESSAGE, toSqlError } from './sql-errors.js';
import { quoteDuckIdent, storageShape } from './spark-type-syntax.js';
import { sparkTypeFromDuck } from '../results/duck-to-spark.js';
import { NO_COLUMNS, readName, resultColumns, tableRef, valuesResult, type StatementContext } from './statement-context.js';
import { TableRegistry } from './table-registry.js';
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
  'CREATE MACRO nvl(a, b) AS coalesce(a, b)',
  'CREATE MACRO nvl2(a, b, c) AS CASE WHEN a IS NOT NULL THEN b ELSE c END',
  'CREATE MACRO try_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END',
  'CREATE MACRO collect_list(x) AS list(x)',
  'CREATE MACRO collect_set(x) AS list_distinct(list(x))',
  'CREATE MACRO size(x) AS len(x)',
  'CREATE MACRO to_date(x) AS CAST(x AS DATE)',
  'CREATE MACRO current_timezone() AS \'Etc/UTC\'',
];

const NO_OPS = new Set(['set', 'reset', 'optimize', 'vacuum', 'analyze', 'refresh', 'msck', 'cache', 'uncache', 'clear', 'fsck', 'grant', 'revoke']);

/**
 * The emulator's SQL engine: Databricks SQL in, Databricks-shaped results out, DuckDB in
 * between. One DuckDB connection per operation; results are materialized.
 */
export class Engine {
  readonly #instance: DuckDBInstance;
  readonly #registry = new TableRegistry();
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
    };
    const ctx: StatementContext = {
      conn, sql, toks, sig, session, params, dialect, registry: this.#registry,
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
        return this.#insert(ctx);
      case 'update':
      case 'delete':
        return this.#dml(ctx, ['num_affected_rows']);
      case 'merge':
        return this.#merge(ctx);
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

  async #insert(ctx: StatementContext): Promise<EngineResult> {
    const { sig, sql, conn } = ctx;
    const overwrite = isWord(sig[1], 'overwrite');
    let i = 2;
    if (isWord(sig[i], 'table')) i++;
    const name = readName(sig, i, sql);
    const ref = tableRef(name.parts, ctx.session);
    const rel = `${quoteDuckIdent(duckCatalogName(ref.catalog))}.${quoteDuckIdent(ref.schema)}.${quoteDuckIdent(ref.name)}`;
    const rest = translateTokens(ctx.toks, ctx.toks.indexOf(sig[name.next - 1]!) + 1, ctx.toks.length, ctx.dialect);
    const exists = await conn.run(
      `SELECT 1 FROM duckdb_tables() WHERE database_name = $1 AND schema_name ILIKE $2 AND table_name ILIKE $3`,
      [duckCatalogName(ref.catalog), ref.schema, ref.name],
    );
    if (exists.rowCount === 0) throw toSqlError(new Error(`Catalog Error: Table with name ${ref.name} does not exist!`), sql);
    let count: bigint;
    if (overwrite) {
      await conn.run('BEGIN TRANSACTION');
      try {
        await conn.run(`DELETE FROM ${rel}`);
        count = await countOf(await conn.run(`INSERT INTO ${rel} ${rest}`, ctx.dialect.values));
        await conn.run('COMMIT');
      } catch (e) {
        await conn.run('ROLLBACK');
        throw e;
      }
    } else count = await countOf(await conn.run(`INSERT INTO ${rel} ${rest}`, ctx.dialect.values));
    // INSERT reports num_affected_rows and num_inserted_rows (databricks-behaviour.md §4, JREC-EXEC).
    return valuesResult(conn, [{ name: 'num_affected_rows', duck: 'BIGINT' }, { name: 'num_inserted_rows', duck: 'BIGINT' }], [[count, count]], 'arrow', count);
  }

  async #dml(ctx: StatementContext, names: readonly string[]): Promise<EngineResult> {
    const duckSql = translateTokens(ctx.toks, 0, ctx.toks.length, ctx.dialect);
    const count = await countOf(await ctx.conn.run(duckSql, ctx.dialect.values));
    return valuesResult(ctx.conn, names.map((name) => ({ name, duck: 'BIGINT' })), [names.map(() => count)], 'arrow', count);
  }

  async #merge(ctx: StatementContext): Promise<EngineResult> {
    // Spark's `UPDATE SET *` / `INSERT *` are DuckDB's by-name forms.
    const toks: Token[] = [];
    for (let i = 0; i < ctx.toks.length; i++) {
      const t = ctx.toks[i]!;
      const n = significant(ctx.toks.slice(i + 1, i + 4))[0];
      const n2 = significant(ctx.toks.slice(i + 1, i + 6))[1];
      if (isWord(t, 'update') && isWord(n, 'set') && isOp(n2, '*')) {
        toks.push({ ...t, text: 'UPDATE SET *' });
        i = ctx.toks.indexOf(n2!);
      } else if (isWord(t, 'insert') && isOp(n, '*')) {
        toks.push({ ...t, text: 'INSERT BY NAME' });
        i = ctx.toks.indexOf(n!);
      } else toks.push(t);
    }
    const duckSql = translateTokens(toks, 0, toks.length, ctx.dialect);
    const rows = await (await ctx.conn.run(`${duckSql} RETURNING merge_action`, ctx.dialect.values)).getRows();
    const by = (a: string): bigint => BigInt(rows.filter((r) => r[0] === a).length);
    const total = BigInt(rows.length);
    // MERGE's four counts, in Delta's order (databricks-behaviour.md §4, DELTA-DML).
    return valuesResult(
      ctx.conn,
      ['num_affected_rows', 'num_updated_rows', 'num_deleted_rows', 'num_inserted_rows'].map((name) => ({ name, duck: 'BIGINT' })),
      [[total, by('UPDATE'), by('DELETE'), by('INSERT')]],
      'arrow',
      total,
    );
  }

  /** The catalog snapshot, re-read when DDL ran since the last read. */
  async #catalog(): Promise<CatalogSnapshot> {
    while (this.#dirty || this.#snapshot === null) {
      if (this.#sync === null) {
        this.#dirty = false;
        this.#sync = (async () => {
          const conn = await this.#instance.connect();
          try {
            const snap = await readCatalog(conn, this.#registry);
            await writeCatalog(conn, snap, this.#registry, this.#startedAt);
            this.#snapshot = snap;
            return snap;
          } finally {
            conn.closeSync();
            this.#sync = null;
          }
        })();
      }
      await this.#sync;
    }
    return this.#snapshot;
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

async function countOf(result: { getRows(): Promise<unknown[][]>; columnNames(): string[] }): Promise<bigint> {
  const rows = await result.getRows();
  const v = rows[0]?.[0];
  return typeof v === 'bigint' ? v : BigInt(Number(v ?? 0));
}
