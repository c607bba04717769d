import type { DuckDBConnection } from '@duckdb/node-api';
import { writeCommit } from './delta-commits.js';
import { translateTokens } from './dialect.js';
import type { EngineResult } from './engine-result.js';
import { isOp, isWord, significant, type Token } from './sql-lexer.js';
import { quoteDuckIdent } from './spark-type-syntax.js';
import { tableNotFound } from './sql-errors.js';
import { fullIndex, readName, tableRef, valuesResult, type StatementContext, type TableRef } from './statement-context.js';
import { logRows } from './table-versions.js';
import { relationKind } from './ddl.js';

// Every write is one Delta commit: the statement runs in a DuckDB transaction together with
// the rows it changed being appended to the table's change log (DIALECT.md "Versions and change
// data feed"). Parameters are inlined as literals (DialectContext.inlineParams) because pieces
// of one statement are reused in the capture queries, each with its own parameter count.

const count = (n: number | bigint): Record<string, string> => ({ numOutputRows: String(n) });

async function maxRowid(conn: DuckDBConnection, rel: string): Promise<bigint> {
  const v = (await (await conn.run(`SELECT coalesce(max(rowid), -1) FROM ${rel}`)).getRows())[0]![0];
  return BigInt(v as bigint);
}

async function countOf(result: { getRows(): Promise<unknown[][]> }): Promise<bigint> {
  const v = (await result.getRows())[0]?.[0];
  return typeof v === 'bigint' ? v : BigInt(Number(v ?? 0));
}

async function requireTable(ctx: StatementContext, ref: TableRef): Promise<void> {
  if ((await relationKind(ctx, ref)) === null) throw tableNotFound(ref.written);
}

/** Index (in sig) of the first top-level word `w` at or after `from`, or -1. */
function topLevelWord(sig: readonly Token[], from: number, ...w: string[]): number {
  let depth = 0;
  for (let i = from; i < sig.length; i++) {
    if (isOp(sig[i], '(')) depth++;
    else if (isOp(sig[i], ')')) depth--;
    else if (depth === 0 && isWord(sig[i], ...w)) return i;
  }
  return -1;
}

const bigintResult = (ctx: StatementContext, names: readonly string[], values: readonly bigint[], modified: bigint): Promise<EngineResult> =>
  valuesResult(ctx.conn, names.map((name) => ({ name, duck: 'BIGINT' })), [values], 'arrow', modified);

/** INSERT INTO|OVERWRITE [TABLE] t ...: Delta's WRITE operation (mode Append or Overwrite). */
export async function insertStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql } = ctx;
  const overwrite = isWord(sig[1], 'overwrite');
  let i = 2;
  if (isWord(sig[i], 'table')) i++;
  const name = readName(sig, i, sql);
  const ref = tableRef(name.parts, ctx.session);
  const rest = translateTokens(ctx.toks, fullIndex(ctx, name.next), ctx.toks.length, ctx.dialect);
  await requireTable(ctx, ref);
  const spec = { operation: 'WRITE', parameters: { mode: overwrite ? 'Overwrite' : 'Append', statsOnLoad: 'false', partitionBy: '[]' }, isBlindAppend: !overwrite };
  const n = await writeCommit(ctx, ref, spec, async ({ conn, rel, epoch, version, history }) => {
    // The new rows are written before the old ones are removed: the query may read the table
    // itself (INSERT OVERWRITE t SELECT ... FROM t), and it must see the table as it was.
    const before = await maxRowid(conn, rel);
    const inserted = await countOf(await conn.run(`INSERT INTO ${rel} ${rest}`));
    if (overwrite) {
      await logRows(conn, history, epoch, `SELECT * FROM ${rel} WHERE rowid <= ${before}`, 'delete', version);
      await conn.run(`DELETE FROM ${rel} WHERE rowid <= ${before}`);
    }
    await logRows(conn, history, epoch, `SELECT * FROM ${rel} WHERE rowid > ${before}`, 'insert', version);
    return { result: inserted, metrics: { numFiles: '1', ...count(inserted) } };
  });
  // INSERT reports num_affected_rows and num_inserted_rows (databricks-behaviour.md §4, JREC-EXEC).
  return bigintResult(ctx, ['num_affected_rows', 'num_inserted_rows'], [n, n], n);
}

/** DELETE FROM t [alias] [WHERE ...]. */
export async function deleteStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql } = ctx;
  if (!isWord(sig[1], 'from')) return plainDml(ctx);
  const name = readName(sig, 2, sql);
  const ref = tableRef(name.parts, ctx.session);
  const where = topLevelWord(sig, name.next, 'where');
  const tail = translateTokens(ctx.toks, fullIndex(ctx, 2), ctx.toks.length, ctx.dialect);
  await requireTable(ctx, ref);
  const predicate = where < 0 ? [] : [sql.slice(sig[where + 1]!.start).trim()];
  const n = await writeCommit(ctx, ref, { operation: 'DELETE', parameters: { predicate: JSON.stringify(predicate) } }, async ({ conn, epoch, version, history }) => {
    const deleted = await logRows(conn, history, epoch, `SELECT * FROM ${tail}`, 'delete', version);
    await conn.run(`DELETE FROM ${tail}`);
    return { result: BigInt(deleted), metrics: { numDeletedRows: String(deleted), numCopiedRows: '0' } };
  });
  return bigintResult(ctx, ['num_affected_rows'], [n], n);
}

/** TRUNCATE TABLE t: every row deleted, as Delta's TRUNCATE operation. */
export async function truncateStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql } = ctx;
  const name = readName(sig, isWord(sig[1], 'table') ? 2 : 1, sql);
  const ref = tableRef(name.parts, ctx.session);
  await requireTable(ctx, ref);
  await writeCommit(ctx, ref, { operation: 'TRUNCATE' }, async ({ conn, rel, epoch, version, history }) => {
    const deleted = await logRows(conn, history, epoch, `SELECT * FROM ${rel}`, 'delete', version);
    await conn.run(`DELETE FROM ${rel}`);
    return { result: undefined, metrics: { numRemovedFiles: deleted > 0 ? '1' : '0' } };
  });
  return { columns: [], preferredFormat: 'arrow' };
}

/** UPDATE t [alias] SET ... [WHERE ...]: pre-images before, post-images after, by row id. */
export async function updateStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql } = ctx;
  const name = readName(sig, 1, sql);
  const ref = tableRef(name.parts, ctx.session);
  const set = topLevelWord(sig, name.next, 'set');
  if (set < 0) return plainDml(ctx);
  const where = topLevelWord(sig, set + 1, 'where');
  const end = ctx.toks.length;
  const head = translateTokens(ctx.toks, fullIndex(ctx, 1), fullIndex(ctx, set), ctx.dialect);
  const assignments = translateTokens(ctx.toks, fullIndex(ctx, set), where < 0 ? end : fullIndex(ctx, where), ctx.dialect);
  const filter = where < 0 ? '' : translateTokens(ctx.toks, fullIndex(ctx, where), end, ctx.dialect);
  await requireTable(ctx, ref);
  const predicate = where < 0 ? [] : [sql.slice(sig[where + 1]!.start).trim()];
  const n = await writeCommit(ctx, ref, { operation: 'UPDATE', parameters: { predicate: JSON.stringify(predicate) } }, async ({ conn, rel, epoch, version, history }) => {
    const before = await maxRowid(conn, rel);
    await conn.run(`CREATE TEMP TABLE __pre AS SELECT rowid AS __rid, * FROM ${head} ${filter}`);
    const updated = await countOf(await conn.run(`UPDATE ${head} ${assignments} ${filter}`));
    await logRows(conn, history, epoch, 'SELECT * EXCLUDE (__rid) FROM __pre', 'update_preimage', version);
    // DuckDB updates nested-type columns as delete + insert: such rows get new row ids (> before).
    await logRows(conn, history, epoch, `SELECT * FROM ${rel} WHERE rowid IN (SELECT __rid FROM __pre) OR rowid > ${before}`, 'update_postimage', version);
    await conn.run('DROP TABLE __pre');
    return { result: updated, metrics: { numUpdatedRows: String(updated), numCopiedRows: '0' } };
  });
  return bigintResult(ctx, ['num_affected_rows'], [n], n);
}

/** UPDATE/DELETE forms the versioned paths do not parse: run as they are (no change capture). */
async function plainDml(ctx: StatementContext): Promise<EngineResult> {
  const n = await countOf(await ctx.conn.run(translateTokens(ctx.toks, 0, ctx.toks.length, ctx.dialect)));
  return bigintResult(ctx, ['num_affected_rows'], [n], n);
}

/**
 * MERGE INTO t USING s ON ... WHEN ...: the target is copied with its row ids first; after the
 * merge, rows gone from the copy are deletes, rows whose content changed in place are updates,
 * and rows with new row ids are inserts. DuckDB moves updated nested-type rows to new row ids;
 * those are told apart from deletes and inserts by comparing with the RETURNING rows.
 * Limitation: an update that sets every column to its old value is not recorded.
 */
export async function mergeStatement(ctx: StatementContext): Promise<EngineResult> {
  const { sig, sql } = ctx;
  const name = readName(sig, isWord(sig[1], 'into') ? 2 : 1, sql);
  const ref = tableRef(name.parts, ctx.session);
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
  await requireTable(ctx, ref);
  const on = topLevelWord(sig, name.next, 'on');
  const when = topLevelWord(sig, on + 1, 'when');
  const predicate = on < 0 ? '' : sql.slice(sig[on + 1]!.start, when < 0 ? sql.length : sig[when]!.start).trim();
  const counts = await writeCommit(ctx, ref, { operation: 'MERGE', parameters: { predicate: JSON.stringify([predicate]) } }, async ({ conn, rel, epoch, version, history }) => {
    const before = await maxRowid(conn, rel);
    await conn.run(`CREATE TEMP TABLE __pre AS SELECT rowid AS __rid, * FROM ${rel}`);
    const returned = await (await conn.run(`${duckSql} RETURNING merge_action, *`)).getRowsJson();
    const by = (a: string): bigint => BigInt(returned.filter((r) => r[0] === a).length);
    const cols = epoch.columns.map(quoteDuckIdent);
    const row = (alias: string): string => `ROW(${cols.map((c) => `${alias}.${c}`).join(', ')})`;
    await conn.run(
      `CREATE TEMP TABLE __upd AS SELECT p.__rid FROM __pre p JOIN ${rel} t ON t.rowid = p.__rid WHERE ${row('p')} IS DISTINCT FROM ${row('t')}`,
    );
    await conn.run(`CREATE TEMP TABLE __gone AS SELECT __rid FROM __pre WHERE __rid NOT IN (SELECT rowid FROM ${rel})`);
    let goneDeleted = 'SELECT __rid FROM __gone';
    let newInserted = `SELECT rowid FROM ${rel} WHERE rowid > ${before}`;
    const gone = Number((await (await conn.run('SELECT count(*) FROM __gone')).getRows())[0]![0]);
    if (gone > Number(by('DELETE'))) {
      // Some gone rows were moved by an update: match contents against what MERGE returned.
      const key = (r: readonly unknown[]): string => JSON.stringify(r);
      const pool = (action: string): Map<string, number> => {
        const m = new Map<string, number>();
        for (const r of returned) if (r[0] === action) m.set(key(r.slice(1)), (m.get(key(r.slice(1))) ?? 0) + 1);
        return m;
      };
      const take = (m: Map<string, number>, k: string): boolean => {
        const n = m.get(k) ?? 0;
        if (n === 0) return false;
        m.set(k, n - 1);
        return true;
      };
      const deletes = pool('DELETE');
      const inserts = pool('INSERT');
      const goneRows = await (await conn.run(`SELECT __rid, * EXCLUDE (__rid) FROM __pre WHERE __rid IN (SELECT __rid FROM __gone)`)).getRowsJson();
      const newRows = await (await conn.run(`SELECT rowid, * FROM ${rel} WHERE rowid > ${before}`)).getRowsJson();
      const deletedIds = goneRows.filter((r) => take(deletes, key(r.slice(1)))).map((r) => String(r[0]));
      const insertedIds = newRows.filter((r) => take(inserts, key(r.slice(1)))).map((r) => String(r[0]));
      const list = (ids: string[]): string => (ids.length ? ids.join(', ') : 'NULL');
      goneDeleted = `SELECT __rid FROM __gone WHERE __rid IN (${list(deletedIds)})`;
      newInserted = `SELECT rowid FROM ${rel} WHERE rowid IN (${list(insertedIds)})`;
      const movedPre = goneRows.map((r) => String(r[0])).filter((id) => !deletedIds.includes(id));
      const movedPost = newRows.map((r) => String(r[0])).filter((id) => !insertedIds.includes(id));
      await conn.run(`INSERT INTO __upd SELECT UNNEST([${movedPre.join(', ')}]::BIGINT[])`);
      await conn.run(`CREATE TEMP TABLE __moved AS SELECT UNNEST([${movedPost.join(', ')}]::BIGINT[]) AS rid`);
    } else await conn.run('CREATE TEMP TABLE __moved AS SELECT CAST(NULL AS BIGINT) AS rid WHERE false');
    await logRows(conn, history, epoch, `SELECT * EXCLUDE (__rid) FROM __pre WHERE __rid IN (${goneDeleted})`, 'delete', version);
    await logRows(conn, history, epoch, 'SELECT * EXCLUDE (__rid) FROM __pre WHERE __rid IN (SELECT __rid FROM __upd)', 'update_preimage', version);
    await logRows(conn, history, epoch,
      `SELECT * FROM ${rel} WHERE (rowid <= ${before} AND rowid IN (SELECT __rid FROM __upd)) OR rowid IN (SELECT rid FROM __moved)`,
      'update_postimage', version,
    );
    await logRows(conn, history, epoch, `SELECT * FROM ${rel} WHERE rowid IN (${newInserted})`, 'insert', version);
    for (const t of ['__pre', '__upd', '__gone', '__moved']) await conn.run(`DROP TABLE ${t}`);
    const c = { total: BigInt(returned.length), updated: by('UPDATE'), deleted: by('DELETE'), inserted: by('INSERT') };
    return {
      result: c,
      metrics: {
        numTargetRowsUpdated: String(c.updated), numTargetRowsDeleted: String(c.deleted), numTargetRowsInserted: String(c.inserted),
        numOutputRows: String(c.updated + c.inserted),
      },
    };
  });
  // MERGE's four counts, in Delta's order (databricks-behaviour.md §4, DELTA-DML).
  return bigintResult(
    ctx,
    ['num_affected_rows', 'num_updated_rows', 'num_deleted_rows', 'num_inserted_rows'],
    [counts.total, counts.updated, counts.deleted, counts.inserted],
    counts.total,
  );
}

