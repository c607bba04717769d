import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import type { SparkType } from '../spark-type.js';
import { duckCatalogName } from './catalog-names.js';
import type { DialectContext } from './dialect.js';
import { duckLiteral } from './duck-literal.js';
import { sparkTypeFromDuck } from '../results/duck-to-spark.js';
import type { BoundParameter, SessionState } from './engine.js';
import type { EngineResult, ResultColumn } from './engine-result.js';
import type { CatalogSnapshot } from './metadata-store.js';
import { isOp, syntaxError, type Token } from './sql-lexer.js';
import { quoteDuckIdent } from './spark-type-syntax.js';
import type { TableRegistry } from './table-registry.js';
import type { TableVersions } from './table-versions.js';

/** Everything a statement handler needs. */
export interface StatementContext {
  readonly conn: DuckDBConnection;
  readonly sql: string;
  /** All tokens, whitespace included, without a trailing `;`. */
  readonly toks: readonly Token[];
  /** The significant tokens of `toks`. */
  readonly sig: readonly Token[];
  readonly session: SessionState;
  readonly params: readonly BoundParameter[];
  readonly dialect: DialectContext;
  readonly registry: TableRegistry;
  /** Delta versions and change logs of every table. */
  readonly versions: TableVersions;
  /** Current catalog contents (re-read when DDL ran since the last read). */
  catalog(): Promise<CatalogSnapshot>;
  markDirty(): void;
}

/** A fully qualified table name in Databricks terms. */
export interface TableRef {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  /** The parts as written, for error messages. */
  readonly written: readonly string[];
}

/** Reads a dotted name from significant tokens at `i`. */
export function readName(sig: readonly Token[], i: number, sql: string): { parts: string[]; next: number } {
  const parts: string[] = [];
  let j = i;
  for (;;) {
    const t = sig[j];
    if (t === undefined || (t.kind !== 'word' && t.kind !== 'qident')) throw syntaxError(t?.text ?? 'end of input', sql);
    parts.push(t.value);
    j++;
    if (!isOp(sig[j], '.')) return { parts, next: j };
    j++;
  }
}

export function tableRef(parts: readonly string[], session: SessionState): TableRef {
  const lower = parts.map((p) => p.toLowerCase());
  const [catalog, schema, name] =
    lower.length >= 3 ? [lower[0]!, lower[1]!, lower[2]!] : lower.length === 2 ? [session.catalog, lower[0]!, lower[1]!] : [session.catalog, session.schema, lower[0]!];
  return { catalog, schema, name, written: parts };
}

export function duckRelation(ref: { catalog: string; schema: string; name: string }): string {
  return `${quoteDuckIdent(duckCatalogName(ref.catalog))}.${quoteDuckIdent(ref.schema)}.${quoteDuckIdent(ref.name)}`;
}

/** Index of a significant token in the full token list. */
export function fullIndex(ctx: StatementContext, sigIndex: number): number {
  const t = ctx.sig[sigIndex];
  return t === undefined ? ctx.toks.length : ctx.toks.indexOf(t);
}

/** The empty result of DDL: zero columns (databricks-behaviour.md §4). */
export const NO_COLUMNS: EngineResult = { columns: [], preferredFormat: 'arrow' };

export interface ValueColumn {
  readonly name: string;
  readonly duck: string;
  readonly spark?: SparkType;
  readonly comment?: string;
  readonly nullable?: boolean;
}

/** Materializes literal rows as a DuckDB result (every EngineResult is one). */
export async function valuesResult(
  conn: DuckDBConnection,
  columns: readonly ValueColumn[],
  rows: readonly (readonly unknown[])[],
  preferredFormat: 'arrow' | 'columns',
  numModifiedRows?: bigint,
): Promise<EngineResult> {
  const casts = columns.map((c, i) => `CAST(v${i} AS ${c.duck}) AS ${quoteDuckIdent(c.name)}`).join(', ');
  const sql =
    rows.length === 0
      ? `SELECT ${columns.map((c) => `CAST(NULL AS ${c.duck}) AS ${quoteDuckIdent(c.name)}`).join(', ')} WHERE false`
      : `SELECT ${casts} FROM (VALUES ${rows.map((r) => `(${r.map((v) => duckLiteral(v as never)).join(', ')})`).join(',\n')}) AS t(${columns.map((_, i) => `v${i}`).join(', ')})`;
  const duck = await conn.run(sql);
  return {
    columns: resultColumns(duck, columns.map((c) => c.spark), columns),
    duck,
    preferredFormat,
    ...(numModifiedRows === undefined ? {} : { numModifiedRows }),
  };
}

/** Result columns of a DuckDB result, with optional declared types / comments per position. */
export function resultColumns(
  duck: DuckDBMaterializedResult,
  declared: readonly (SparkType | undefined)[] = [],
  extra: readonly { comment?: string; nullable?: boolean }[] = [],
): ResultColumn[] {
  const names = duck.columnNames();
  const types = duck.columnTypes();
  return names.map((name, i) => ({
    name,
    type: declared[i] ?? sparkTypeFromDuck(types[i]!),
    nullable: extra[i]?.nullable ?? true,
    comment: extra[i]?.comment ?? '',
  }));
}
