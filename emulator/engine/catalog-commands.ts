import { sparkCatalogString } from '../spark-type.js';
import type { EngineResult } from './engine-result.js';
import { duckCatalogName } from './catalog-names.js';
import { translateTokens } from './dialect.js';
import { resultColumns, fullIndex, NO_COLUMNS, readName, tableRef, valuesResult, type StatementContext } from './statement-context.js';
import { isOp, isWord } from './sql-lexer.js';
import { catalogNotFound, schemaNotFound, tableNotFound, unsupported } from './sql-errors.js';
import { cannotDescribeViewHistory } from './delta-errors.js';
import { describeHistorySql } from './version-reads.js';

/** Spark SHOW ... LIKE patterns: `*` any characters, `|` alternatives, case-insensitive. */
function likePattern(p: string | undefined): (s: string) => boolean {
  if (p === undefined) return () => true;
  const re = new RegExp(`^(?:${p.split('|').map((alt) => alt.trim().replace(/[.+?^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`, 'i');
  return (s) => re.test(s);
}

/** USE [CATALOG|SCHEMA|DATABASE|NAMESPACE] name: changes the session namespace. */
export async function useStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql, session } = ctx;
  let i = 1;
  const kind = isWord(sig[i], 'catalog', 'schema', 'database', 'namespace') ? sig[i++]!.value.toLowerCase() : null;
  const { parts } = readName(sig, i, sql);
  const lower = parts.map((p) => p.toLowerCase());
  const snap = await ctx.catalog();
  const hasSchema = (c: string, s: string): boolean => snap.schemas.some((x) => x.catalog === c && x.schema === s);
  if (kind === 'catalog') {
    if (!snap.catalogs.includes(lower[0]!)) throw catalogNotFound(lower[0]!);
    session.catalog = lower[0]!;
    session.schema = 'default';
    return NO_COLUMNS;
  }
  const [catalog, schema] = lower.length > 1 ? [lower[0]!, lower[1]!] : [session.catalog, lower[0]!];
  if (!snap.catalogs.includes(catalog)) throw catalogNotFound(catalog);
  if (!hasSchema(catalog, schema)) throw schemaNotFound(catalog, schema);
  session.catalog = catalog;
  session.schema = schema;
  return NO_COLUMNS;
}

/** SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS / TBLPROPERTIES (databricks-behaviour.md §3). */
export async function showStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql, session, conn } = ctx;
  const what = sig[1]?.value.toLowerCase();
  const snap = await ctx.catalog();
  const trailingPattern = (from: number): string | undefined => {
    const k = isWord(sig[from], 'like') ? from + 1 : from;
    return sig[k]?.kind === 'string' ? sig[k]!.value : undefined;
  };
  if (what === 'catalogs') {
    const match = likePattern(trailingPattern(2));
    return valuesResult(conn, [{ name: 'catalog', duck: 'VARCHAR' }], snap.catalogs.filter(match).map((c) => [c]), 'arrow');
  }
  if (what === 'schemas' || what === 'databases' || what === 'namespaces') {
    let i = 2;
    let catalog = session.catalog;
    if (isWord(sig[i], 'in', 'from')) {
      catalog = sig[i + 1]!.value.toLowerCase();
      i += 2;
    }
    if (!snap.catalogs.includes(catalog)) throw catalogNotFound(catalog);
    const match = likePattern(trailingPattern(i));
    const rows = snap.schemas.filter((s) => s.catalog === catalog && match(s.schema)).map((s) => [s.schema]);
    return valuesResult(conn, [{ name: 'databaseName', duck: 'VARCHAR' }], rows, 'arrow');
  }
  if (what === 'tables' || what === 'views') {
    let i = 2;
    let [catalog, schema] = [session.catalog, session.schema];
    if (isWord(sig[i], 'in', 'from')) {
      const n = readName(sig, i + 1, sql);
      const p = n.parts.map((x) => x.toLowerCase());
      [catalog, schema] = p.length > 1 ? [p[0]!, p[1]!] : [session.catalog, p[0]!];
      i = n.next;
    }
    if (!snap.catalogs.includes(catalog)) throw catalogNotFound(catalog);
    if (!snap.schemas.some((s) => s.catalog === catalog && s.schema === schema)) throw schemaNotFound(catalog, schema);
    const match = likePattern(trailingPattern(i));
    const rows = snap.relations
      .filter((r) => r.catalog === catalog && r.schema === schema && match(r.name) && (what === 'tables' || r.kind === 'VIEW'))
      .map((r) => [schema, r.name, false]);
    return valuesResult(
      conn,
      [{ name: what === 'tables' ? 'database' : 'namespace', duck: 'VARCHAR' }, { name: what === 'tables' ? 'tableName' : 'viewName', duck: 'VARCHAR' }, { name: 'isTemporary', duck: 'BOOLEAN' }],
      rows,
      'arrow',
    );
  }
  if (what === 'columns' || what === 'tblproperties') {
    const i = what === 'columns' ? 3 : 2;
    const n = readName(sig, i, sql);
    let parts = n.parts;
    if (isWord(sig[n.next], 'in', 'from')) parts = [...readName(sig, n.next + 1, sql).parts, ...parts];
    const ref = tableRef(parts, session);
    const rel = snap.relations.find((r) => r.catalog === ref.catalog && r.schema === ref.schema && r.name === ref.name);
    if (!rel) throw tableNotFound(parts);
    if (what === 'columns') return valuesResult(conn, [{ name: 'col_name', duck: 'VARCHAR' }], rel.columns.map((c) => [c.name]), 'arrow');
    const props = [...(rel.info?.properties ?? new Map<string, string>())].map(([k, v]) => [k, v]);
    return valuesResult(conn, [{ name: 'key', duck: 'VARCHAR' }, { name: 'value', duck: 'VARCHAR' }], props, 'arrow');
  }
  throw unsupported(`SHOW ${what?.toUpperCase() ?? ''}`);
}

const DESCRIBE_COLUMNS = [
  { name: 'col_name', duck: 'VARCHAR', comment: 'name of the column' },
  { name: 'data_type', duck: 'VARCHAR', comment: 'data type of the column' },
  { name: 'comment', duck: 'VARCHAR', comment: 'comment of the column' },
];

/** DESCRIBE [TABLE] [EXTENDED] t, DESCRIBE DETAIL t, DESCRIBE QUERY q. */
export async function describeStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql, session, conn } = ctx;
  let i = 1;
  if (isWord(sig[i], 'query') || isWord(sig[i], 'select', 'with', 'values') || isOp(sig[i], '(')) {
    if (isWord(sig[i], 'query')) i++;
    const q = translateTokens(ctx.toks, fullIndex(ctx, i), ctx.toks.length, ctx.dialect);
    const res = await conn.run(`SELECT * FROM (${q}) LIMIT 0`);
    const cols = resultColumns(res);
    return valuesResult(conn, DESCRIBE_COLUMNS, cols.map((c) => [c.name, sparkCatalogString(c.type), null]), 'arrow');
  }
  const detail = isWord(sig[i], 'detail');
  if (detail) i++;
  if (isWord(sig[i], 'history')) return describeHistory(ctx, i + 1);
  if (isWord(sig[i], 'schema', 'database', 'catalog')) throw unsupported(`DESCRIBE ${sig[i]!.text.toUpperCase()}`);
  if (isWord(sig[i], 'table')) i++;
  let extended = false;
  if (isWord(sig[i], 'extended', 'formatted')) {
    extended = true;
    i++;
  }
  const { parts } = readName(sig, i, sql);
  const ref = tableRef(parts, session);
  const snap = await ctx.catalog();
  const rel = snap.relations.find((r) => r.catalog === ref.catalog && r.schema === ref.schema && r.name === ref.name);
  if (!rel) throw tableNotFound(parts);
  const info = rel.info;
  const created = info?.createdAt ?? new Date(0);
  const props = [...(info?.properties ?? new Map<string, string>())];
  if (detail) {
    // One row in Delta's DESCRIBE DETAIL layout (databricks-behaviour.md §3, DELTA-DETAIL).
    const count = await (await conn.run(`SELECT count(*) FROM ${quoteRel(ref)}`)).getRows();
    const propsSql = `MAP {${props.map(([k, v]) => `'${k.replace(/'/g, "''")}': '${v.replace(/'/g, "''")}'`).join(', ')}}`;
    const duck = await conn.run(
      `SELECT 'delta' AS format, ${lit(uuidOf(`${ref.catalog}.${ref.schema}.${ref.name}`))} AS id, ${lit(`${ref.catalog}.${ref.schema}.${ref.name}`)} AS name,
       ${info?.comment ? lit(info.comment) : 'CAST(NULL AS VARCHAR)'} AS description, ${lit(`dbfs:/user/hive/warehouse/${ref.schema}.db/${ref.name}`)} AS location,
       TIMESTAMPTZ ${lit(created.toISOString())} AS "createdAt", TIMESTAMPTZ ${lit((info?.lastAltered ?? created).toISOString())} AS "lastModified",
       CAST([] AS VARCHAR[]) AS "partitionColumns", CAST([] AS VARCHAR[]) AS "clusteringColumns", CAST(1 AS BIGINT) AS "numFiles",
       CAST(${Number(count[0]![0]) * 64} AS BIGINT) AS "sizeInBytes", CAST(${props.length ? propsSql : 'MAP {}'} AS MAP(VARCHAR, VARCHAR)) AS properties,
       1 AS "minReaderVersion", 2 AS "minWriterVersion", CAST(['appendOnly', 'invariants'] AS VARCHAR[]) AS "tableFeatures"`,
    );
    return { columns: resultColumns(duck), duck, preferredFormat: 'arrow' };
  }
  const rows: unknown[][] = rel.columns.map((c) => [c.name, sparkCatalogString(c.type), c.comment]);
  if (extended) {
    rows.push(['', '', ''], ['# Detailed Table Information', '', '']);
    rows.push(
      ['Catalog', ref.catalog, ''], ['Database', ref.schema, ''], ['Table', ref.name, ''],
      ['Created Time', created.toUTCString(), ''], ['Last Access', 'UNKNOWN', ''], ['Created By', 'Spark', ''],
      ['Type', rel.kind === 'VIEW' ? 'VIEW' : 'MANAGED', ''],
      ...(rel.info?.comment ? [['Comment', rel.info.comment, '']] : []),
      ['Location', `dbfs:/user/hive/warehouse/${ref.schema}.db/${ref.name}`, ''], ['Provider', 'delta', ''], ['Owner', 'emulator@localhost', ''],
      ['Table Properties', `[${props.map(([k, v]) => `${k}=${v}`).join(',')}]`, ''],
    );
    if (rel.info?.primaryKey) {
      rows.push(['', '', ''], ['# Constraints', '', ''], [rel.info.primaryKey.name, `PRIMARY KEY (${rel.info.primaryKey.columns.map((c) => `\`${c}\``).join(', ')})`, '']);
    }
  }
  return valuesResult(conn, DESCRIBE_COLUMNS, rows, 'arrow');
}

/** DESCRIBE HISTORY t [LIMIT n]: the table's commits, newest first. */
async function describeHistory(ctx: StatementContext, i: number): Promise<EngineResult> {
  const { sig, sql, session, conn } = ctx;
  const { parts, next } = readName(sig, i, sql);
  const ref = tableRef(parts, session);
  const h = ctx.versions.get(ref);
  if (h === undefined) {
    if (ctx.registry.table(ref.catalog, ref.schema, ref.name)?.kind === 'VIEW') throw cannotDescribeViewHistory();
    throw tableNotFound(parts);
  }
  const limit = isWord(sig[next], 'limit') && sig[next + 1]?.kind === 'number' ? Number(sig[next + 1]!.text) : null;
  const duck = await conn.run(describeHistorySql(h, limit));
  return { columns: resultColumns(duck), duck, preferredFormat: 'arrow' };
}

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const quoteRel = (r: { catalog: string; schema: string; name: string }): string =>
  `"${duckCatalogName(r.catalog)}"."${r.schema.replace(/"/g, '""')}"."${r.name.replace(/"/g, '""')}"`;

/** A stable UUID-shaped id derived from a name. */
function uuidOf(name: string): string {
  let h = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}
