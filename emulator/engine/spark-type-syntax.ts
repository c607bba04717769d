import type { SparkField, SparkType } from '../spark-type.js';
import { isOp, isWord, syntaxError, type Token } from './sql-lexer.js';

const SIMPLE: Readonly<Record<string, SparkType>> = {
  boolean: { kind: 'BOOLEAN' },
  tinyint: { kind: 'TINYINT' },
  byte: { kind: 'TINYINT' },
  smallint: { kind: 'SMALLINT' },
  short: { kind: 'SMALLINT' },
  int: { kind: 'INT' },
  integer: { kind: 'INT' },
  bigint: { kind: 'BIGINT' },
  long: { kind: 'BIGINT' },
  float: { kind: 'FLOAT' },
  real: { kind: 'FLOAT' },
  double: { kind: 'DOUBLE' },
  string: { kind: 'STRING' },
  binary: { kind: 'BINARY' },
  date: { kind: 'DATE' },
  timestamp: { kind: 'TIMESTAMP' },
  timestamp_ltz: { kind: 'TIMESTAMP' },
  timestamp_ntz: { kind: 'TIMESTAMP_NTZ' },
  void: { kind: 'VOID' },
  variant: { kind: 'VARIANT' },
};

const YEAR_MONTH_UNITS = ['year', 'month'];
const DAY_TIME_UNITS = ['day', 'hour', 'minute', 'second'];

/** True when `t` starts a Spark type name this parser knows. */
export function startsSparkType(t: Token | undefined): boolean {
  if (t === undefined || t.kind !== 'word') return false;
  const w = t.value.toLowerCase();
  return w in SIMPLE || ['decimal', 'dec', 'numeric', 'char', 'varchar', 'interval', 'array', 'map', 'struct'].includes(w);
}

/**
 * Parses a Spark SQL type from significant tokens starting at `i`. `>>` is never one token
 * (see the lexer), so nested `ARRAY<ARRAY<INT>>` closes naturally.
 */
export function parseSparkType(toks: readonly Token[], i: number, sql: string): { type: SparkType; next: number } {
  const t = toks[i];
  if (t === undefined || t.kind !== 'word') throw syntaxError(t?.text ?? 'end of input', sql);
  const w = t.value.toLowerCase();
  const simple = SIMPLE[w];
  if (simple) return { type: simple, next: i + 1 };
  if (w === 'decimal' || w === 'dec' || w === 'numeric') {
    if (!isOp(toks[i + 1], '(')) return { type: { kind: 'DECIMAL', precision: 10, scale: 0 }, next: i + 1 };
    const precision = Number(toks[i + 2]?.text);
    let next = i + 3;
    let scale = 0;
    if (isOp(toks[next], ',')) {
      scale = Number(toks[next + 1]?.text);
      next += 2;
    }
    if (!isOp(toks[next], ')') || !Number.isInteger(precision) || !Number.isInteger(scale)) {
      throw syntaxError(toks[next]?.text ?? 'end of input', sql);
    }
    return { type: { kind: 'DECIMAL', precision, scale }, next: next + 1 };
  }
  if (w === 'char' || w === 'varchar') {
    if (!isOp(toks[i + 1], '(') || !isOp(toks[i + 3], ')')) throw syntaxError(toks[i + 1]?.text ?? 'end of input', sql);
    return { type: { kind: w === 'char' ? 'CHAR' : 'VARCHAR', length: Number(toks[i + 2]?.text) }, next: i + 4 };
  }
  if (w === 'interval') {
    let next = i + 1;
    const units: string[] = [];
    while (isWord(toks[next], ...YEAR_MONTH_UNITS, ...DAY_TIME_UNITS, 'to')) {
      const u = toks[next]!.value.toLowerCase();
      if (u !== 'to') units.push(u);
      next++;
    }
    const yearMonth = units.length > 0 && units.every((u) => YEAR_MONTH_UNITS.includes(u));
    return { type: { kind: yearMonth ? 'INTERVAL_YEAR_MONTH' : 'INTERVAL_DAY_TIME' }, next };
  }
  if (!isOp(toks[i + 1], '<')) throw syntaxError(toks[i + 1]?.text ?? 'end of input', sql);
  if (w === 'array') {
    const el = parseSparkType(toks, i + 2, sql);
    return { type: { kind: 'ARRAY', element: el.type }, next: expectClose(toks, el.next, sql) };
  }
  if (w === 'map') {
    const key = parseSparkType(toks, i + 2, sql);
    if (!isOp(toks[key.next], ',')) throw syntaxError(toks[key.next]?.text ?? 'end of input', sql);
    const value = parseSparkType(toks, key.next + 1, sql);
    return { type: { kind: 'MAP', key: key.type, value: value.type }, next: expectClose(toks, value.next, sql) };
  }
  if (w === 'struct') {
    const fields: SparkField[] = [];
    let next = i + 2;
    while (!isOp(toks[next], '>')) {
      const nameTok = toks[next];
      if (nameTok === undefined || (nameTok.kind !== 'word' && nameTok.kind !== 'qident')) {
        throw syntaxError(nameTok?.text ?? 'end of input', sql);
      }
      next++;
      if (isOp(toks[next], ':')) next++;
      const ft = parseSparkType(toks, next, sql);
      next = ft.next;
      let nullable = true;
      let comment: string | null = null;
      if (isWord(toks[next], 'not') && isWord(toks[next + 1], 'null')) {
        nullable = false;
        next += 2;
      }
      if (isWord(toks[next], 'comment') && toks[next + 1]?.kind === 'string') {
        comment = toks[next + 1]!.value;
        next += 2;
      }
      fields.push({ name: nameTok.value, type: ft.type, nullable, comment });
      if (isOp(toks[next], ',')) next++;
    }
    return { type: { kind: 'STRUCT', fields }, next: next + 1 };
  }
  throw syntaxError(t.text, sql);
}

function expectClose(toks: readonly Token[], i: number, sql: string): number {
  if (!isOp(toks[i], '>')) throw syntaxError(toks[i]?.text ?? 'end of input', sql);
  return i + 1;
}

/**
 * The DuckDB type that stores a Spark type. TIMESTAMP is instant semantics (TIMESTAMPTZ) and
 * TIMESTAMP_NTZ is wall-clock (TIMESTAMP); DuckDB type aliases would not survive into result
 * types, so the mapping is fixed here.
 */
export function duckTypeSql(t: SparkType): string {
  switch (t.kind) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
      return t.kind;
    case 'INT':
      return 'INTEGER';
    case 'STRING':
    case 'CHAR':
    case 'VARCHAR':
    case 'VARIANT':
      return 'VARCHAR';
    case 'BINARY':
      return 'BLOB';
    case 'TIMESTAMP':
      return 'TIMESTAMPTZ';
    case 'TIMESTAMP_NTZ':
      return 'TIMESTAMP';
    case 'VOID':
      return 'INTEGER';
    case 'DECIMAL':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_DAY_TIME':
      return 'INTERVAL';
    case 'ARRAY':
      return `${duckTypeSql(t.element)}[]`;
    case 'MAP':
      return `MAP(${duckTypeSql(t.key)}, ${duckTypeSql(t.value)})`;
    case 'STRUCT':
      return `STRUCT(${t.fields.map((f) => `${quoteDuckIdent(f.name)} ${duckTypeSql(f.type)}`).join(', ')})`;
  }
}

/** Double-quoted DuckDB identifier. */
export function quoteDuckIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A key that is equal for a declared Spark type and the Spark type derived from the DuckDB
 * column that stores it, so declared detail (CHAR(n), interval kind) is kept only while the
 * stored column still has that shape.
 */
export function storageShape(t: SparkType): string {
  return duckTypeSql(t).toUpperCase();
}
