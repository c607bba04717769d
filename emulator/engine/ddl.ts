import type { EngineResult } from './engine-result.js';
import { duckCatalogName } from './catalog-names.js';
import { translateTokens } from './dialect.js';
import { duckString } from './duck-literal.js';
import { isOp, isWord, syntaxError, type Token } from './sql-lexer.js';
import { duckTypeSql, parseSparkType, quoteDuckIdent } from './spark-type-syntax.js';
import {
  catalogNotFound, schemaAlreadyExists, schemaNotFound, tableAlreadyExists, tableNotFound, unsupported,
} from './sql-errors.js';
import {
  duckRelation, fullIndex, NO_COLUMNS, readName, tableRef, type StatementContext, type TableRef,
} from './statement-context.js';
import type { DeclaredColumn, TableInfo } from './table-registry.js';
import { metadataCommit, schemaCommit, type CommitSpec } from './delta-commits.js';
import { dropHidden } from './table-versions.js';

async function exists(ctx: StatementContext, sql: string): Promise<boolean> {
  return (await ctx.conn.run(sql)).rowCount > 0;
}
const catalogExists = (ctx: StatementContext, c: string): Promise<boolean> =>
  exists(ctx, `SELECT 1 FROM duckdb_databases() WHERE database_name = ${duckString(duckCatalogName(c))}`);
const schemaExists = (ctx: StatementContext, c: string, s: string): Promise<boolean> =>
  exists(ctx, `SELECT 1 FROM duckdb_schemas() WHERE database_name = ${duckString(duckCatalogName(c))} AND schema_name ILIKE ${duckString(s)}`);
export const relationKind = async (ctx: StatementContext, r: TableRef): Promise<'TABLE' | 'VIEW' | null> => {
  const res = await ctx.conn.run(
    `SELECT 'TABLE' AS k FROM duckdb_tables() WHERE database_name = $1 AND schema_name ILIKE $2 AND table_name ILIKE $3
     UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE database_name = $1 AND schema_name ILIKE $2 AND view_name ILIKE $3`,
    [duckCatalogName(r.catalog), r.schema, r.name],
  );
  const rows = await res.getRows();
  return rows.length === 0 ? null : (rows[0]![0] as 'TABLE' | 'VIEW');
};

/** Fails like Databricks when the namespace of `r` is missing. */
export async function requireNamespace(ctx: StatementContext, catalog: string, schema: string): Promise<void> {
  if (!(await catalogExists(ctx, catalog))) throw catalogNotFound(catalog);
  if (!(await schemaExists(ctx, catalog, schema))) throw schemaNotFound(catalog, schema);
}

/** The existing table `r` or TABLE_OR_VIEW_NOT_FOUND. */
export async function requireRelation(ctx: StatementContext, r: TableRef): Promise<'TABLE' | 'VIEW'> {
  const kind = await relationKind(ctx, r);
  if (kind === null) throw tableNotFound(r.written);
  return kind;
}

/** Skips a parenthesised group starting at sig[i] === '('; returns the index after it. */
function skipParens(sig: readonly Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < sig.length; j++) {
    if (isOp(sig[j], '(')) depth++;
    else if (isOp(sig[j], ')') && --depth === 0) return j + 1;
  }
  return sig.length;
}

/** Parses `(k = v, ...)` property lists. */
function readProperties(sig: readonly Token[], i: number, sql: string): { props: [string, string][]; next: number } {
  if (!isOp(sig[i], '(')) throw syntaxError(sig[i]?.text ?? 'end of input', sql);
  const props: [string, string][] = [];
  let j = i + 1;
  while (!isOp(sig[j], ')')) {
    let k = '';
    while (sig[j] && !isOp(sig[j], '=') && !isOp(sig[j], ',') && !isOp(sig[j], ')')) k += sig[j++]!.value;
    let v = '';
    if (isOp(sig[j], '=')) {
      j++;
      v = sig[j]?.value ?? '';
      j++;
    }
    props.push([k, v]);
    if (isOp(sig[j], ',')) j++;
    if (j >= sig.length) throw syntaxError('end of input', sql);
  }
  return { props, next: j + 1 };
}

interface ColumnDefs {
  columns: DeclaredColumn[];
  primaryKey: { name: string; columns: string[] } | null;
  defaults: Map<string, string>;
  next: number;
}

/** Parses a Spark column definition list starting at sig[i] === '('. */
function readColumnDefs(ctx: StatementContext, i: number, table: string): ColumnDefs {
  const { sig, sql } = ctx;
  const columns: DeclaredColumn[] = [];
  const defaults = new Map<string, string>();
  let primaryKey: ColumnDefs['primaryKey'] = null;
  let j = i + 1;
  const readKeyList = (at: number): { cols: string[]; next: number } => {
    const cols: string[] = [];
    let k = at + 1;
    while (!isOp(sig[k], ')')) {
      if (!isOp(sig[k], ',')) cols.push(sig[k]!.value);
      k++;
      if (k >= sig.length) throw syntaxError('end of input', sql);
    }
    return { cols, next: k + 1 };
  };
  while (!isOp(sig[j], ')')) {
    if (isWord(sig[j], 'constraint', 'primary', 'foreign', 'check', 'unique')) {
      let name = `${table}_pk`;
      if (isWord(sig[j], 'constraint')) {
        name = sig[j + 1]!.value;
        j += 2;
      }
      if (isWord(sig[j], 'primary') && isWord(sig[j + 1], 'key')) {
        const keys = readKeyList(j + 2);
        primaryKey = { name, columns: keys.cols };
        j = keys.next;
      }
      // Informational constraint options (RELY, NOT ENFORCED, ...) and other constraints are skipped.
      while (sig[j] && !isOp(sig[j], ',') && !isOp(sig[j], ')')) j = isOp(sig[j], '(') ? skipParens(sig, j) : j + 1;
    } else {
      const nameTok = sig[j];
      if (nameTok === undefined || (nameTok.kind !== 'word' && nameTok.kind !== 'qident')) throw syntaxError(nameTok?.text ?? 'end of input', sql);
      const parsed = parseSparkType(sig, j + 1, sql);
      j = parsed.next;
      let nullable = true;
      let comment: string | null = null;
      while (sig[j] && !isOp(sig[j], ',') && !isOp(sig[j], ')')) {
        if (isWord(sig[j], 'not') && isWord(sig[j + 1], 'null')) {
          nullable = false;
          j += 2;
        } else if (isWord(sig[j], 'comment') && sig[j + 1]?.kind === 'string') {
          comment = sig[j + 1]!.value;
          j += 2;
        } else if (isWord(sig[j], 'primary') && isWord(sig[j + 1], 'key')) {
          primaryKey = { name: `${table}_pk`, columns: [nameTok.value] };
          j += 2;
        } else if (isWord(sig[j], 'default')) {
          const start = j + 1;
          j = start;
          let depth = 0;
          while (sig[j] && !(depth === 0 && (isOp(sig[j], ',') || isOp(sig[j], ')') || isWord(sig[j], 'comment', 'not')))) {
            if (isOp(sig[j], '(')) depth++;
            if (isOp(sig[j], ')')) depth--;
            j++;
          }
          defaults.set(nameTok.value, translateTokens(ctx.toks, fullIndex(ctx, start), fullIndex(ctx, j), ctx.dialect).trim());
        } else if (isOp(sig[j], '(')) j = skipParens(sig, j);
        else j++; // GENERATED ALWAYS AS ..., MASK, etc.: accepted, not modelled
      }
      columns.push({ name: nameTok.value, type: parsed.type, nullable, comment });
    }
    if (isOp(sig[j], ',')) j++;
    if (j >= sig.length) throw syntaxError('end of input', sql);
  }
  return { columns, primaryKey, defaults, next: j + 1 };
}

function columnSql(c: DeclaredColumn, defaults: Map<string, string>): string {
  const def = defaults.get(c.name);
  return `${quoteDuckIdent(c.name)} ${duckTypeSql(c.type)}${c.nullable ? '' : ' NOT NULL'}${def ? ` DEFAULT ${def}` : ''}`;
}

/** CREATE TABLE / VIEW / SCHEMA / CATALOG. */
export async function createStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql } = ctx;
  let i = 1;
  let orReplace = false;
  if (isWord(sig[i], 'or') && isWord(sig[i + 1], 'replace')) {
    orReplace = true;
    i += 2;
  }
  while (isWord(sig[i], 'temporary', 'temp', 'external', 'global', 'managed')) i++;
  const what = sig[i]?.value.toLowerCase();
  i++;
  let ifNotExists = false;
  if (isWord(sig[i], 'if') && isWord(sig[i + 1], 'not') && isWord(sig[i + 2], 'exists')) {
    ifNotExists = true;
    i += 3;
  }
  if (what === 'catalog') return createCatalog(ctx, i, ifNotExists);
  if (what === 'schema' || what === 'database' || what === 'namespace') return createSchema(ctx, i, ifNotExists);
  if (what === 'table' || what === 'view') return createRelation(ctx, i, what, orReplace, ifNotExists);
  throw unsupported(`CREATE ${what?.toUpperCase() ?? ''}`);
}

async function createCatalog(ctx: StatementContext, i: number, ifNotExists: boolean): Promise<EngineResult> {
  const { parts } = readName(ctx.sig, i, ctx.sql);
  const name = parts[0]!.toLowerCase();
  if (await catalogExists(ctx, name)) {
    if (ifNotExists) return NO_COLUMNS;
    throw new Error(`Catalog with name ${name} already exists!`);
  }
  const db = quoteDuckIdent(duckCatalogName(name));
  await ctx.conn.run(`ATTACH ':memory:' AS ${db}`);
  // Unity Catalog creates `default` in every new catalog.
  await ctx.conn.run(`CREATE SCHEMA ${db}."default"`);
  ctx.markDirty();
  return NO_COLUMNS;
}

async function createSchema(ctx: StatementContext, i: number, ifNotExists: boolean): Promise<EngineResult> {
  const { sig, sql, session } = ctx;
  const { parts, next } = readName(sig, i, sql);
  const catalog = parts.length > 1 ? parts[0]!.toLowerCase() : session.catalog;
  const schema = parts[parts.length - 1]!.toLowerCase();
  if (!(await catalogExists(ctx, catalog))) throw catalogNotFound(catalog);
  if (await schemaExists(ctx, catalog, schema)) {
    if (ifNotExists) return NO_COLUMNS;
    throw schemaAlreadyExists(catalog, schema);
  }
  let comment: string | null = null;
  for (let j = next; j < sig.length; j++) if (isWord(sig[j], 'comment') && sig[j + 1]?.kind === 'string') comment = sig[j + 1]!.value;
  await ctx.conn.run(`CREATE SCHEMA ${quoteDuckIdent(duckCatalogName(catalog))}.${quoteDuckIdent(schema)}`);
  ctx.registry.putSchema({ catalog, name: schema, comment, createdAt: new Date() });
  ctx.markDirty();
  return NO_COLUMNS;
}

async function createRelation(
  ctx: StatementContext,
  i: number,
  what: 'table' | 'view',
  orReplace: boolean,
  ifNotExists: boolean,
): Promise<EngineResult> {
  const { sig, sql, session } = ctx;
  const name = readName(sig, i, sql);
  const ref = tableRef(name.parts, session);
  await requireNamespace(ctx, ref.catalog, ref.schema);
  let j = name.next;
  let defs: ColumnDefs | null = null;
  let viewColumns = '';
  if (isOp(sig[j], '(') && !isWord(sig[j + 1], 'select', 'with', 'values')) {
    if (what === 'table') defs = readColumnDefs(ctx, j, ref.name);
    else {
      const end = skipParens(sig, j);
      const cols = sig.slice(j + 1, end - 1).filter((t) => t.kind === 'word' || t.kind === 'qident');
      viewColumns = ` (${cols.filter((_, n) => n === 0 || !isWord(sig[sig.indexOf(cols[n]!) - 1], 'comment')).map((t) => quoteDuckIdent(t.value)).join(', ')})`;
      defs = { columns: [], primaryKey: null, defaults: new Map(), next: end };
    }
    j = defs.next;
  }
  let comment: string | null = null;
  const properties = new Map<string, string>();
  let asAt = -1;
  while (j < sig.length) {
    const t = sig[j]!;
    if (isWord(t, 'as')) {
      asAt = j + 1;
      break;
    }
    if (isWord(t, 'comment') && sig[j + 1]?.kind === 'string') {
      comment = sig[j + 1]!.value;
      j += 2;
    } else if (isWord(t, 'tblproperties', 'options')) {
      const p = readProperties(sig, j + 1, sql);
      if (isWord(t, 'tblproperties')) for (const [k, v] of p.props) properties.set(k, v);
      j = p.next;
    } else if (isWord(t, 'using', 'location', 'with')) j += 2;
    else if (isWord(t, 'partitioned', 'cluster')) {
      j += 2;
      if (isOp(sig[j], '(')) j = skipParens(sig, j);
      else j++;
    } else throw syntaxError(t.text, sql);
  }
  const existing = await relationKind(ctx, ref);
  if (existing !== null) {
    if (ifNotExists) return NO_COLUMNS;
    if (!orReplace) throw tableAlreadyExists([ref.catalog, ref.schema, ref.name]);
  }
  const rel = duckRelation(ref);
  const create = `CREATE ${orReplace ? 'OR REPLACE ' : ''}${what === 'view' ? 'VIEW' : 'TABLE'} ${rel}`;
  const query = asAt >= 0 ? translateTokens(ctx.toks, fullIndex(ctx, asAt), ctx.toks.length, ctx.dialect) : null;
  const now = new Date();
  const info: TableInfo = {
    catalog: ref.catalog,
    schema: ref.schema,
    name: ref.name,
    kind: what === 'view' ? 'VIEW' : 'MANAGED',
    comment,
    properties,
    columns: what === 'table' && defs ? defs.columns : [],
    primaryKey: defs?.primaryKey ?? null,
    createdAt: now,
    lastAltered: now,
    ...(what === 'view' && asAt >= 0 ? { viewText: sql.slice(ctx.sig[asAt]!.start).trim() } : {}),
  };
  if (what === 'view') {
    if (query === null) throw syntaxError('end of input', sql);
    await ctx.conn.run(`${create}${viewColumns} AS ${query}`);
    await dropHidden(ctx.conn, ctx.versions.drop(ref));
    ctx.registry.putTable(info);
    ctx.markDirty();
    return NO_COLUMNS;
  }
  if (query === null && defs === null) throw syntaxError('end of input', sql);
  const replacing = existing === 'TABLE';
  // Delta's operation names for table creation (DESCRIBE HISTORY, DELTA-HIST).
  const spec: CommitSpec = {
    operation: `${orReplace && replacing ? 'CREATE OR REPLACE TABLE' : 'CREATE TABLE'}${query !== null ? ' AS SELECT' : ''}`,
    parameters: {
      isManaged: 'true', description: comment ?? '', partitionBy: '[]',
      properties: JSON.stringify(Object.fromEntries(properties)),
    },
  };
  await schemaCommit(ctx, ref, spec, async () => {
    if (query !== null) {
      if (existing !== null) await ctx.conn.run(`DROP ${existing === 'VIEW' ? 'VIEW' : 'TABLE'} ${rel}`);
      await ctx.conn.run(`CREATE TABLE ${rel} AS ${query}`);
    } else {
      if (existing === 'VIEW') await ctx.conn.run(`DROP VIEW ${rel}`);
      await ctx.conn.run(`${existing === 'VIEW' ? `CREATE TABLE ${rel}` : create} (${defs!.columns.map((c) => columnSql(c, defs!.defaults)).join(', ')})`);
    }
    ctx.registry.putTable(info);
  }, { fresh: !replacing, logInserts: query !== null });
  ctx.markDirty();
  return NO_COLUMNS;
}

/** DROP TABLE / VIEW / SCHEMA / CATALOG. */
export async function dropStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql, session } = ctx;
  let i = 1;
  while (isWord(sig[i], 'temporary', 'materialized')) i++;
  const what = sig[i]?.value.toLowerCase();
  i++;
  let ifExists = false;
  if (isWord(sig[i], 'if') && isWord(sig[i + 1], 'exists')) {
    ifExists = true;
    i += 2;
  }
  const { parts, next } = readName(sig, i, sql);
  const cascade = isWord(sig[next], 'cascade');
  if (what === 'table' || what === 'view') {
    const ref = tableRef(parts, session);
    const kind = await relationKind(ctx, ref);
    if (kind === null) {
      if (ifExists) return NO_COLUMNS;
      throw tableNotFound(parts);
    }
    await ctx.conn.run(`DROP ${kind} ${duckRelation(ref)}`);
    ctx.registry.dropTable(ref.catalog, ref.schema, ref.name);
    await dropHidden(ctx.conn, ctx.versions.drop(ref));
  } else if (what === 'schema' || what === 'database' || what === 'namespace') {
    const catalog = parts.length > 1 ? parts[0]!.toLowerCase() : session.catalog;
    const schema = parts[parts.length - 1]!.toLowerCase();
    if (!(await catalogExists(ctx, catalog)) || !(await schemaExists(ctx, catalog, schema))) {
      if (ifExists) return NO_COLUMNS;
      throw schemaNotFound(catalog, schema);
    }
    await ctx.conn.run(`DROP SCHEMA ${quoteDuckIdent(duckCatalogName(catalog))}.${quoteDuckIdent(schema)}${cascade ? ' CASCADE' : ''}`);
    ctx.registry.dropNamespace(catalog, schema);
    await dropHidden(ctx.conn, ctx.versions.dropNamespace(catalog, schema));
  } else if (what === 'catalog') {
    const catalog = parts[0]!.toLowerCase();
    if (!(await catalogExists(ctx, catalog))) {
      if (ifExists) return NO_COLUMNS;
      throw catalogNotFound(catalog);
    }
    await ctx.conn.run(`DETACH ${quoteDuckIdent(duckCatalogName(catalog))}`);
    ctx.registry.dropNamespace(catalog, null);
    ctx.versions.dropNamespace(catalog, null); // its hidden tables went with the DETACH
  } else throw unsupported(`DROP ${what?.toUpperCase() ?? ''}`);
  ctx.markDirty();
  return NO_COLUMNS;
}

/** ALTER TABLE: columns, properties, comments, informational primary keys. */
export async function alterStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql, session, conn } = ctx;
  if (!isWord(sig[1], 'table', 'view')) throw unsupported(`ALTER ${sig[1]?.text ?? ''}`);
  const { parts, next } = readName(sig, 2, sql);
  const ref = tableRef(parts, session);
  const isTable = (await requireRelation(ctx, ref)) === 'TABLE';
  const rel = duckRelation(ref);
  // Column changes are Delta commits that change the layout; property and comment changes are
  // metadata-only commits (operation names as Delta writes them, DELTA-HIST).
  const layoutCommit = (spec: CommitSpec, change: () => Promise<void>): Promise<void> => (isTable ? schemaCommit(ctx, ref, spec, change) : change());
  let metadata: CommitSpec | null = null;
  const now = new Date();
  const info: TableInfo = ctx.registry.table(ref.catalog, ref.schema, ref.name) ?? {
    catalog: ref.catalog, schema: ref.schema, name: ref.name, kind: 'MANAGED', comment: null, properties: new Map(),
    columns: [], primaryKey: null, createdAt: now, lastAltered: now,
  };
  const declared = info.columns ?? [];
  let j = next;
  const verb = sig[j]?.value.toLowerCase();
  j++;
  if (verb === 'add' && isWord(sig[j], 'columns', 'column')) {
    j++;
    const wrapped = isOp(sig[j], '(');
    // A bare list is parsed as if parenthesised: reuse the column definition reader.
    const defs = wrapped
      ? readColumnDefs(ctx, j, ref.name)
      : readColumnDefs({ ...ctx, sig: [...sig.slice(0, j), { kind: 'op', text: '(', value: '(', start: -1 }, ...sig.slice(j), { kind: 'op', text: ')', value: ')', start: -1 }] }, j, ref.name);
    await layoutCommit({ operation: 'ADD COLUMNS', parameters: { columns: JSON.stringify(defs.columns.map((c) => ({ column: { name: c.name } }))) } }, async () => {
      for (const c of defs.columns) await conn.run(`ALTER TABLE ${rel} ADD COLUMN ${columnSql({ ...c, nullable: true }, defs.defaults)}`);
    });
    declared.push(...defs.columns);
  } else if (verb === 'add' && isWord(sig[j], 'constraint', 'primary')) {
    let name = `${ref.name}_pk`;
    if (isWord(sig[j], 'constraint')) {
      name = sig[j + 1]!.value;
      j += 2;
    }
    if (!isWord(sig[j], 'primary')) throw unsupported('ALTER TABLE ADD CONSTRAINT other than PRIMARY KEY');
    const cols = sig.slice(j + 3, skipParens(sig, j + 2) - 1).filter((t) => !isOp(t, ',')).map((t) => t.value);
    info.primaryKey = { name, columns: cols };
  } else if (verb === 'drop' && isWord(sig[j], 'primary', 'constraint')) {
    info.primaryKey = null;
  } else if (verb === 'drop' && isWord(sig[j], 'column', 'columns')) {
    j++;
    if (isWord(sig[j], 'if') && isWord(sig[j + 1], 'exists')) j += 2;
    const names = sig.slice(j).filter((t) => t.kind === 'word' || t.kind === 'qident').map((t) => t.value);
    await layoutCommit({ operation: 'DROP COLUMNS', parameters: { columns: JSON.stringify(names) } }, async () => {
      for (const n of names) await conn.run(`ALTER TABLE ${rel} DROP COLUMN ${quoteDuckIdent(n)}`);
    });
    for (const n of names) {
      const k = declared.findIndex((c) => c.name.toLowerCase() === n.toLowerCase());
      if (k >= 0) declared.splice(k, 1);
    }
  } else if (verb === 'rename' && isWord(sig[j], 'column')) {
    const from = sig[j + 1]!.value;
    const to = sig[j + 3]!.value;
    await layoutCommit({ operation: 'RENAME COLUMN', parameters: { oldColumnPath: from, newColumnPath: to } }, async () => {
      await conn.run(`ALTER TABLE ${rel} RENAME COLUMN ${quoteDuckIdent(from)} TO ${quoteDuckIdent(to)}`);
    });
    const k = declared.findIndex((c) => c.name.toLowerCase() === from.toLowerCase());
    if (k >= 0) declared[k] = { ...declared[k]!, name: to };
  } else if (verb === 'rename' && isWord(sig[j], 'to')) {
    const target = tableRef(readName(sig, j + 1, sql).parts, session);
    await conn.run(`ALTER TABLE ${rel} RENAME TO ${quoteDuckIdent(target.name)}`);
    ctx.registry.dropTable(ref.catalog, ref.schema, ref.name);
    ctx.registry.putTable({ ...info, name: target.name, columns: declared, lastAltered: now });
    ctx.versions.rename(ref, target);
    ctx.markDirty();
    return NO_COLUMNS;
  } else if (verb === 'set' && isWord(sig[j], 'tblproperties')) {
    const props = readProperties(sig, j + 1, sql).props;
    for (const [k, v] of props) info.properties.set(k, v);
    metadata = { operation: 'SET TBLPROPERTIES', parameters: { properties: JSON.stringify(Object.fromEntries(props)) } };
  } else if (verb === 'unset' && isWord(sig[j], 'tblproperties')) {
    if (isWord(sig[j + 1], 'if')) j += 2;
    const props = readProperties(sig, j + 1, sql).props;
    for (const [k] of props) info.properties.delete(k);
    metadata = { operation: 'UNSET TBLPROPERTIES', parameters: { properties: JSON.stringify(props.map(([k]) => k)), ifExists: 'false' } };
  } else if (verb === 'alter' || verb === 'change') {
    if (isWord(sig[j], 'column')) j++;
    const col = sig[j]!.value;
    const k = declared.findIndex((c) => c.name.toLowerCase() === col.toLowerCase());
    const rest = sig.slice(j + 1);
    metadata = { operation: 'CHANGE COLUMN', parameters: { column: JSON.stringify({ name: col }) } };
    if (isWord(rest[0], 'comment') && rest[1]?.kind === 'string') {
      if (k >= 0) declared[k] = { ...declared[k]!, comment: rest[1].value };
      else {
        const snap = await ctx.catalog();
        const cur = snap.relations.find((r) => r.catalog === ref.catalog && r.schema === ref.schema && r.name === ref.name)?.columns.find((c) => c.name.toLowerCase() === col.toLowerCase());
        if (cur) declared.push({ ...cur, comment: rest[1].value });
      }
    } else if (isWord(rest[0], 'set', 'drop') && isWord(rest[1], 'not')) {
      const setNull = isWord(rest[0], 'set');
      await conn.run(`ALTER TABLE ${rel} ALTER COLUMN ${quoteDuckIdent(col)} ${setNull ? 'SET' : 'DROP'} NOT NULL`);
      if (k >= 0) declared[k] = { ...declared[k]!, nullable: !setNull };
    } else if (isWord(rest[0], 'type')) {
      const parsed = parseSparkType(rest, 1, sql);
      metadata = null;
      await layoutCommit({ operation: 'CHANGE COLUMN', parameters: { column: JSON.stringify({ name: col, type: duckTypeSql(parsed.type) }) } }, async () => {
        await conn.run(`ALTER TABLE ${rel} ALTER COLUMN ${quoteDuckIdent(col)} TYPE ${duckTypeSql(parsed.type)}`);
      });
      if (k >= 0) declared[k] = { ...declared[k]!, type: parsed.type };
    } else throw unsupported(`ALTER TABLE ... ALTER COLUMN ${rest[0]?.text ?? ''}`);
  } else if (verb === 'set' || verb === 'owner') {
    // SET OWNER TO, SET TAGS, ...: accepted and ignored, like permissions.
  } else throw unsupported(`ALTER TABLE ${verb?.toUpperCase() ?? ''}`);
  info.columns = declared;
  info.lastAltered = now;
  ctx.registry.putTable(info);
  if (metadata !== null && isTable) await metadataCommit(ctx, ref, metadata);
  ctx.markDirty();
  return NO_COLUMNS;
}

/** COMMENT ON TABLE t IS '...' / COMMENT ON SCHEMA s IS '...'. */
export async function commentStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql, session } = ctx;
  const what = sig[2]?.value.toLowerCase();
  const { parts, next } = readName(sig, 3, sql);
  const value = isWord(sig[next + 1], 'null') ? null : (sig[next + 1]?.value ?? null);
  if (what === 'table' || what === 'view') {
    const ref = tableRef(parts, session);
    await requireRelation(ctx, ref);
    const now = new Date();
    const info = ctx.registry.table(ref.catalog, ref.schema, ref.name) ?? {
      catalog: ref.catalog, schema: ref.schema, name: ref.name, kind: 'MANAGED' as const, comment: null, properties: new Map(),
      columns: [], primaryKey: null, createdAt: now, lastAltered: now,
    };
    info.comment = value;
    ctx.registry.putTable(info);
  } else if (what === 'schema' || what === 'database') {
    const catalog = parts.length > 1 ? parts[0]!.toLowerCase() : session.catalog;
    const schema = parts[parts.length - 1]!.toLowerCase();
    await requireNamespace(ctx, catalog, schema);
    const info = ctx.registry.schema(catalog, schema) ?? { catalog, name: schema, comment: null, createdAt: new Date() };
    info.comment = value;
    ctx.registry.putSchema(info);
  } else if (what !== 'catalog') throw unsupported(`COMMENT ON ${what?.toUpperCase() ?? ''}`);
  ctx.markDirty();
  return NO_COLUMNS;
}
