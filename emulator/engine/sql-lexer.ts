import { SqlError } from './engine-result.js';

/**
 * A token of Databricks SQL. `text` is the source text; `value` is the decoded content of
 * identifiers, strings and parameter names.
 */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: string;
  readonly start: number;
}

export type TokenKind =
  | 'ws'
  | 'comment'
  | 'word' // bare identifier or keyword
  | 'qident' // `back-quoted` identifier
  | 'string' // 'single' or "double" quoted literal (Spark reads both as strings)
  | 'hex' // X'0AFF' binary literal
  | 'number' // numeric literal, possibly with a Spark suffix (1L, 2Y, 3S, 1.5BD, 2D, 2F)
  | 'param' // ? (value '') or :name (value 'name')
  | 'op'; // punctuation and operators

const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;
const OPERATORS = ['<=>', '::', '<=', '>=', '<>', '!=', '==', '||', '->', '=>', '&&'];

// Spark string escapes (sql/catalyst/.../util/SparkParserUtils.scala unescapeSQLString): \% and \_
// keep their backslash so LIKE patterns work.
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '%': '\\%',
  _: '\\_',
};

/** Splits Databricks SQL into tokens; throws PARSE_SYNTAX_ERROR on an unterminated literal. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string): void => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text, start: i });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j]!)) j++;
      push('ws', j);
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl < 0 ? sql.length : nl);
    } else if (c === '/' && next === '*') {
      push('comment', blockCommentEnd(sql, i));
    } else if (c === '`') {
      const [end, value] = readBackquoted(sql, i);
      push('qident', end, value);
    } else if (c === "'" || c === '"') {
      const [end, value] = readString(sql, i + 1, c, false);
      push('string', end, value);
    } else if ((c === 'r' || c === 'R') && (next === "'" || next === '"')) {
      const [end, value] = readString(sql, i + 2, next, true);
      push('string', end, value);
    } else if ((c === 'x' || c === 'X') && next === "'") {
      const [end, value] = readString(sql, i + 2, "'", true);
      push('hex', end, value);
    } else if (/\d/.test(c) || (c === '.' && next !== undefined && /\d/.test(next))) {
      const m = /^(\d*\.?\d*(?:[eE][+-]?\d+)?)(BD|[LSYDF])?(?![\p{L}\p{N}_])/iu.exec(sql.slice(i));
      if (m) push('number', i + m[0].length);
      else {
        // An identifier that starts with digits (Spark allows `1a` unquoted in some places).
        let j = i;
        while (j < sql.length && WORD_PART.test(sql[j]!)) j++;
        push('word', j);
      }
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j++;
      push('word', j);
    } else if (c === '?') {
      push('param', i + 1, '');
    } else if (c === ':' && next !== undefined && WORD_START.test(next) && sql[i - 1] !== ':') {
      let j = i + 2;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j++;
      push('param', j, sql.slice(i + 1, j));
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      push('op', i + (op?.length ?? 1));
    }
  }
  return tokens;
}

function blockCommentEnd(sql: string, from: number): number {
  // Spark allows nested bracketed comments.
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw syntaxError('end of input', sql);
}

function readBackquoted(sql: string, from: number): [number, string] {
  let value = '';
  let i = from + 1;
  while (i < sql.length) {
    if (sql[i] === '`') {
      if (sql[i + 1] === '`') {
        value += '`';
        i += 2;
        continue;
      }
      return [i + 1, value];
    }
    value += sql[i++];
  }
  throw syntaxError('end of input', sql);
}

function readString(sql: string, from: number, quote: string, raw: boolean): [number, string] {
  let value = '';
  let i = from;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === quote) return [i + 1, value];
    if (c === '\\' && !raw && i + 1 < sql.length) {
      const e = sql[i + 1]!;
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(sql.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(sql.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      value += ESCAPES[e] ?? e;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw syntaxError('end of input', sql);
}

/** Databricks' PARSE_SYNTAX_ERROR (databricks-behaviour.md §6, JREC-ERR). */
export function syntaxError(near: string, sql: string): SqlError {
  return new SqlError(
    'PARSE_SYNTAX_ERROR',
    '42601',
    `[PARSE_SYNTAX_ERROR] Syntax error at or near '${near}'. SQLSTATE: 42601\n\n== SQL ==\n${sql}\n`,
  );
}

/** Indexes of the tokens that matter to a parser (no whitespace or comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
}

/** True when `t` is the bare keyword `word` (case-insensitive). */
export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t !== undefined && t.kind === 'word' && words.includes(t.value.toLowerCase());
}

export function isOp(t: Token | undefined, op: string): boolean {
  return t !== undefined && t.kind === 'op' && t.text === op;
}
