import type { BoundParameter, SessionState } from './engine.js';
import { SqlError } from './engine-result.js';
import { duckCatalogName, META_DB } from './catalog-names.js';
import { duckString } from './duck-literal.js';
import { isOp, isWord, syntaxError, tokenize, type Token } from './sql-lexer.js';
import { duckTypeSql, parseSparkType, quoteDuckIdent } from './spark-type-syntax.js';
import { tableNotFound, unsupported } from './sql-errors.js';
import type { SparkType } from '../spark-type.js';
import type { VersionPoint } from './version-reads.js';

/** State shared by every translation in one statement. */
export interface DialectContext {
  readonly sql: string;
  readonly session: SessionState;
  readonly params: readonly BoundParameter[];
  /** Values of the DuckDB `$n` parameters the translation introduced, bound as VARCHAR. */
  readonly values: (string | null)[];
  /** Index of the next `?` marker among the unnamed parameters. */
  positional: number;
  readonly catalogExists: (catalog: string) => boolean;
  /** Parameters become literals instead of `$n`: writes reuse pieces of a statement in several queries. */
  inlineParams?: boolean;
  /** The relation text for a table name followed by `VERSION AS OF`, `TIMESTAMP AS OF` or `@v<n>`. */
  readonly timeTravel?: (parts: readonly string[], point: VersionPoint) => string;
  /** The relation text for `table_changes('t', start[, end])` in FROM. */
  readonly tableChanges?: (table: string, start: VersionPoint, end: VersionPoint | undefined) => string;
}

/** information_schema relations the engine maintains, and the column naming their catalog. */
export const INFORMATION_SCHEMA: Readonly<Record<string, string>> = {
  catalogs: 'catalog_name',
  schemata: 'catalog_name',
  tables: 'table_catalog',
  views: 'table_catalog',
  columns: 'table_catalog',
  table_constraints: 'table_catalog',
  key_column_usage: 'table_catalog',
};

// Words after a relation that start the next clause rather than name an alias.
const CLAUSE_WORDS = new Set([
  'where', 'group', 'order', 'limit', 'having', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural',
  'on', 'using', 'union', 'except', 'intersect', 'minus', 'window', 'qualify', 'lateral', 'pivot', 'unpivot',
  'tablesample', 'offset', 'fetch', 'semi', 'anti', 'when', 'set', 'then', 'values', 'select',
]);

/** Java datetime pattern letters -> strftime (databricks-behaviour.md §5 date_format, minimal). */
const DATE_PATTERN: readonly [RegExp, string][] = [
  [/yyyy/g, '%Y'], [/yy/g, '%y'], [/MMMM/g, '%B'], [/MMM/g, '%b'], [/MM/g, '%m'], [/dd/g, '%d'],
  [/HH/g, '%H'], [/hh/g, '%I'], [/mm/g, '%M'], [/ss/g, '%S'], [/SSSSSS/g, '%f'], [/SSS/g, '%g'],
  [/EEEE/g, '%A'], [/EEE/g, '%a'], [/a/g, '%p'], [/XXX/g, '%z'], [/Z/g, '%z'],
];

/** Translates Databricks SQL text (one expression or statement fragment) to DuckDB SQL. */
export function translateSql(sql: string, ctx: DialectContext): string {
  const toks = tokenize(sql);
  return translateTokens(toks, 0, toks.length, ctx);
}

/** Translates the tokens `[from, to)` to DuckDB SQL. */
export function translateTokens(toks: readonly Token[], from: number, to: number, ctx: DialectContext): string {
  const nextSig = (i: number): number => {
    let j = i;
    while (j < toks.length && (toks[j]!.kind === 'ws' || toks[j]!.kind === 'comment')) j++;
    return j;
  };
  const prevSig = (i: number): Token | undefined => {
    let j = i - 1;
    while (j >= 0 && (toks[j]!.kind === 'ws' || toks[j]!.kind === 'comment')) j--;
    return toks[j];
  };
  const matchClose = (open: number): number => {
    const o = toks[open]!.text;
    const c = o === '(' ? ')' : ']';
    let depth = 0;
    for (let j = open; j < toks.length; j++) {
      const t = toks[j]!;
      if (t.kind !== 'op') continue;
      if (t.text === o) depth++;
      else if (t.text === c && --depth === 0) return j;
    }
    throw syntaxError('end of input', ctx.sql);
  };
  const splitArgs = (open: number, close: number): [number, number][] => {
    const out: [number, number][] = [];
    let start = open + 1;
    let depth = 0;
    for (let j = open + 1; j < close; j++) {
      const t = toks[j]!;
      if (t.kind !== 'op') continue;
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') depth--;
      else if (t.text === ',' && depth === 0) {
        out.push([start, j]);
        start = j + 1;
      }
    }
    if (nextSig(start) < close) out.push([start, close]);
    return out;
  };
  const emitArgs = (args: [number, number][]): string[] => args.map(([a, b]) => emit(a, b).trim());
  /** Significant tokens in `[a, b)`, for type parsing. */
  const sigTokens = (a: number, b: number): Token[] =>
    toks.slice(a, b).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  /** Parses a Spark type starting at token index i; returns DuckDB type text and the end index. */
  const typeAt = (i: number): { duck: string; end: number } => {
    const sig: number[] = [];
    for (let j = i; j < toks.length; j++) if (toks[j]!.kind !== 'ws' && toks[j]!.kind !== 'comment') sig.push(j);
    const list = sig.map((j) => toks[j]!);
    const parsed = parseSparkType(list, 0, ctx.sql);
    return { duck: duckTypeSql(parsed.type), end: sig[parsed.next - 1]! + 1 };
  };
  /** End (exclusive) of the operand starting at the first significant token at or after i. */
  const operandEnd = (i: number): number => {
    let k = nextSig(i);
    while (isOp(toks[k], '-') || isOp(toks[k], '+')) k = nextSig(k + 1);
    const t = toks[k];
    if (t === undefined) throw syntaxError('end of input', ctx.sql);
    let end: number;
    if (isOp(t, '(')) end = matchClose(k) + 1;
    else if (isWord(t, 'case')) {
      let depth = 0;
      end = k;
      for (let j = k; j < toks.length; j++) {
        if (isWord(toks[j], 'case')) depth++;
        else if (isWord(toks[j], 'end') && --depth === 0) {
          end = j + 1;
          break;
        }
      }
    } else if (t.kind === 'word' || t.kind === 'qident') {
      end = k + 1;
      while (isOp(toks[end], '.') && (toks[end + 1]?.kind === 'word' || toks[end + 1]?.kind === 'qident')) end += 2;
      const n = nextSig(end);
      if (isOp(toks[n], '(')) end = matchClose(n) + 1;
      else if (toks[n]?.kind === 'string' && isWord(t, 'timestamp', 'date', 'timestamp_ntz', 'interval')) end = n + 1;
    } else end = k + 1;
    for (;;) {
      const n = nextSig(end);
      if (isOp(toks[n], '[')) end = matchClose(n) + 1;
      else if (isOp(toks[n], '::')) end = typeAt(n + 1).end;
      else return end;
    }
  };
  const bind = (t: Token): string => {
    const p =
      t.value === ''
        ? ctx.params.filter((x) => x.name === undefined || x.name === '')[ctx.positional++]
        : ctx.params.find((x) => x.name === t.value);
    if (p === undefined) throw unboundParameter(t.value === '' ? `_${ctx.positional}` : t.value);
    const type = parameterDuckType(p);
    if (p.value === null) return type === null ? 'NULL' : `CAST(NULL AS ${type})`;
    if (ctx.inlineParams) return `CAST(${duckString(p.value)} AS ${type ?? 'VARCHAR'})`;
    ctx.values.push(p.value);
    return `CAST($${ctx.values.length} AS ${type ?? 'VARCHAR'})`;
  };

  function emit(a: number, b: number): string {
    let out = '';
    let i = a;
    while (i < b) {
      const t = toks[i]!;
      switch (t.kind) {
        case 'ws':
          out += t.text;
          i++;
          break;
        case 'comment':
          // DuckDB has no nested block comments; hints (/*+ ... */) mean nothing to it either.
          out += ' ';
          i++;
          break;
        case 'string':
          out += duckString(t.value);
          i++;
          break;
        case 'hex':
          out += `unhex(${duckString(t.value)})`;
          i++;
          break;
        case 'number':
          out += numberLiteral(t.text);
          i++;
          break;
        case 'param':
          out += bind(t);
          i++;
          break;
        case 'op':
          if (t.text === '==') {
            out += '=';
            i++;
          } else if (t.text === '::') {
            const ty = typeAt(i + 1);
            out += `::${ty.duck}`;
            i = ty.end;
          } else if (t.text === '-' && toks[i + 1]?.kind === 'number' && /[a-z]$/i.test(toks[i + 1]!.text) && isUnaryPosition(prevSig(i))) {
            // -128Y is one literal in Spark; negating CAST(128 AS TINYINT) would overflow.
            out += numberLiteral(`-${toks[i + 1]!.text}`);
            i += 2;
          } else if (t.text === '/' || t.text === '%') {
            const end = operandEnd(i + 1);
            out += `${t.text} __spark_nz(${emit(i + 1, end).trim()})`;
            i = end;
          } else {
            out += t.text;
            i++;
          }
          break;
        case 'word':
        case 'qident': {
          const r = emitName(i);
          out += r.text;
          i = r.end;
          break;
        }
      }
    }
    return out;
  }

  function emitName(i: number): { text: string; end: number } {
    const t = toks[i]!;
    const after = nextSig(i + 1);
    const word = t.kind === 'word' ? t.value.toLowerCase() : null;
    const prev = prevSig(i);
    if (word !== null && !isOp(prev, '.')) {
      const special = emitWord(i, word, after, prev);
      if (special) return special;
    }
    // A dotted name: catalog mapping and information_schema.
    const parts: number[] = [i];
    let end = i + 1;
    while (isOp(toks[end], '.') && (toks[end + 1]?.kind === 'word' || toks[end + 1]?.kind === 'qident')) {
      parts.push(end + 1);
      end += 2;
    }
    const values = parts.map((p) => toks[p]!.value);
    const isCall = isOp(toks[nextSig(end)], '(');
    if (!isOp(prev, '.') && !isCall) {
      const infoAt = values.length === 3 ? 1 : values.length === 2 ? 0 : -1;
      if (infoAt >= 0 && values[infoAt]!.toLowerCase() === 'information_schema') {
        const catalog = infoAt === 1 ? values[0]! : ctx.session.catalog;
        return { text: informationSchemaRelation(catalog, values[infoAt + 1]!, values, end), end };
      }
    }
    if (!isOp(prev, '.') && !isCall && ctx.timeTravel) {
      const tt = temporalClause(end);
      if (tt) {
        const text = ctx.timeTravel(values, tt.point);
        return { text: hasAliasAt(tt.end) ? text : `${text} AS ${quoteDuckIdent(values[values.length - 1]!)}`, end: tt.end };
      }
    }
    const rendered = parts.map((p, n) => {
      const tok = toks[p]!;
      if (n === 0 && parts.length >= 3 && !isCall) return quoteDuckIdent(duckCatalogName(tok.value));
      return tok.kind === 'qident' ? quoteDuckIdent(tok.value) : tok.text;
    });
    return { text: rendered.join('.'), end };
  }

  /** A table alias follows the relation ending before token `end`. */
  function hasAliasAt(end: number): boolean {
    const n = toks[nextSig(end)];
    return isWord(n, 'as') || ((n?.kind === 'word' || n?.kind === 'qident') && !CLAUSE_WORDS.has(n.value.toLowerCase()));
  }

  /** A literal naming a point in a table's history: a version number or a timestamp string. */
  function versionPoint(sig: readonly Token[], timestampOnly: boolean): VersionPoint {
    const [a, b] = sig;
    if (sig.length === 1 && a!.kind === 'number' && !timestampOnly && /^\d+$/.test(a!.text)) return { version: Number(a!.text) };
    if (sig.length === 1 && a!.kind === 'string') return { timestamp: a!.value };
    if (sig.length === 2 && isWord(a, 'timestamp', 'timestamp_ntz', 'date') && b!.kind === 'string') return { timestamp: b!.value };
    throw unsupported(`time travel to ${sig.map((t) => t.text).join(' ')}`);
  }

  /** `[FOR] VERSION|TIMESTAMP AS OF x` or `@v<n>` after a table name ending before `end`. */
  function temporalClause(end: number): { point: VersionPoint; end: number } | null {
    let k = nextSig(end);
    if (isOp(toks[k], '@')) {
      const w = toks[k + 1];
      if (w?.kind === 'word' && /^v\d+$/i.test(w.value)) return { point: { version: Number(w.value.slice(1)) }, end: k + 2 };
      return null;
    }
    if (isWord(toks[k], 'for')) k = nextSig(k + 1);
    const kind = toks[k];
    if (!isWord(kind, 'version', 'timestamp', 'system_version', 'system_time')) return null;
    const as = nextSig(k + 1);
    const of = nextSig(as + 1);
    if (!isWord(toks[as], 'as') || !isWord(toks[of], 'of')) return null;
    const first = nextSig(of + 1);
    let last = first;
    if (isWord(toks[first], 'timestamp', 'timestamp_ntz', 'date') && toks[nextSig(first + 1)]?.kind === 'string') last = nextSig(first + 1);
    const timestampOnly = isWord(kind, 'timestamp', 'system_time');
    return { point: versionPoint(sigTokens(first, last + 1), timestampOnly), end: last + 1 };
  }

  function informationSchemaRelation(catalog: string, relation: string, written: string[], end: number): string {
    const cat = catalog.toLowerCase();
    const rel = relation.toLowerCase();
    const catalogColumn = INFORMATION_SCHEMA[rel];
    // hive_metastore has no information_schema (databricks-behaviour.md §2, IS).
    if (catalogColumn === undefined || cat === 'hive_metastore' || (cat !== 'system' && !ctx.catalogExists(cat))) {
      throw tableNotFound(written, ctx.sql);
    }
    const filter =
      cat === 'system' ? `${catalogColumn} <> 'hive_metastore'` : `${catalogColumn} = ${duckString(cat)}`;
    const n = toks[nextSig(end)];
    const hasAlias = isWord(n, 'as') || ((n?.kind === 'word' || n?.kind === 'qident') && !CLAUSE_WORDS.has(n.value.toLowerCase()));
    return `(SELECT * FROM ${quoteDuckIdent(META_DB)}.main.${quoteDuckIdent(`is_${rel}`)} WHERE ${filter})${hasAlias ? '' : ` AS ${quoteDuckIdent(rel)}`}`;
  }

  /** Spark words with no DuckDB twin. Returns null to fall back to a plain name. */
  function emitWord(i: number, w: string, after: number, prev: Token | undefined): { text: string; end: number } | null {
    const next = toks[after];
    const call = isOp(next, '(');
    if (call) {
      const close = matchClose(after);
      const args = splitArgs(after, close);
      const end = close + 1;
      switch (w) {
        case 'cast':
        case 'try_cast': {
          const asAt = findTopLevelWord(after + 1, close, 'as');
          if (asAt < 0) return null;
          const ty = typeAt(asAt + 1);
          const rest = emit(ty.end, close).trim();
          if (w === 'cast' && ty.duck.toUpperCase() === 'VARCHAR' && rest === '') {
            // Spark prints TIMESTAMP as text without a zone suffix (databricks-behaviour.md §5,
            // SPARK-TOSTR); DuckDB adds one for TIMESTAMPTZ.
            return { text: `__spark_string(${emit(after + 1, asAt).trim()})`, end };
          }
          return { text: `${w.toUpperCase()}(${emit(after + 1, asAt).trim()} AS ${ty.duck}${emit(ty.end, close)})`, end };
        }
        case 'current_timestamp':
        case 'current_date':
          if (args.length === 0) return { text: w, end };
          return null;
        case 'current_catalog':
          return { text: duckString(ctx.session.catalog), end };
        case 'current_schema':
        case 'current_database':
          return { text: duckString(ctx.session.schema), end };
        case 'range':
          // Spark's range() names its column `id` (databricks-behaviour.md §8); numPartitions is ignored.
          if (isWord(prev, 'from', 'join') || isOp(prev, ',')) {
            const a = emitArgs(args.slice(0, 3)).map((x) => `CAST(${x} AS BIGINT)`);
            return { text: `(SELECT range AS id FROM range(${a.join(', ')}))`, end };
          }
          return null;
        case 'named_struct': {
          const a = emitArgs(args);
          const fields: string[] = [];
          for (let k = 0; k + 1 < args.length; k += 2) {
            const nameTok = sigTokens(args[k]![0], args[k]![1]);
            const name = nameTok.length === 1 && nameTok[0]!.kind === 'string' ? nameTok[0]!.value : `col${k / 2 + 1}`;
            fields.push(`${quoteDuckIdent(name)} := ${a[k + 1]}`);
          }
          return { text: `struct_pack(${fields.join(', ')})`, end };
        }
        case 'date_format': {
          const pat = args[1] ? sigTokens(args[1][0], args[1][1]) : [];
          if (args.length !== 2 || pat.length !== 1 || pat[0]!.kind !== 'string') return null;
          const fmt = DATE_PATTERN.reduce((s, [re, rep]) => s.replace(re, rep), pat[0]!.value);
          return { text: `strftime(${emitArgs(args.slice(0, 1))[0]}, ${duckString(fmt)})`, end };
        }
        case 'datediff': {
          if (args.length !== 2) return null;
          const [e, s] = emitArgs(args);
          return { text: `date_diff('day', CAST(${s} AS DATE), CAST(${e} AS DATE))`, end };
        }
        case 'table_changes': {
          if (!ctx.tableChanges || !(isWord(prev, 'from', 'join') || isOp(prev, ','))) return null;
          const a = args.map(([x, y]) => sigTokens(x, y));
          const name = a[0];
          if (name?.length !== 1 || name[0]!.kind !== 'string' || a.length < 2 || a.length > 3) {
            throw unsupported('table_changes with arguments other than a table name string and start/end literals');
          }
          const text = ctx.tableChanges(name[0]!.value, versionPoint(a[1]!, false), a[2] ? versionPoint(a[2], false) : undefined);
          return { text: hasAliasAt(end) ? text : `${text} AS table_changes`, end };
        }
        case 'get_json_object':
          return { text: `json_extract_string(${emitArgs(args).join(', ')})`, end };
        case 'array':
          return { text: `list_value(${emitArgs(args).join(', ')})`, end };
        case 'map': {
          const a = emitArgs(args);
          const pairs: string[] = [];
          for (let k = 0; k + 1 < a.length; k += 2) pairs.push(`${a[k]}: ${a[k + 1]}`);
          return { text: `MAP {${pairs.join(', ')}}`, end };
        }
        default:
          return null;
      }
    }
    if (next?.kind === 'string') {
      if (w === 'timestamp' || w === 'timestamp_ltz') return { text: `CAST(${duckString(next.value)} AS TIMESTAMPTZ)`, end: after + 1 };
      if (w === 'timestamp_ntz') return { text: `CAST(${duckString(next.value)} AS TIMESTAMP)`, end: after + 1 };
      if (w === 'interval') return intervalLiteral(next.value, after + 1);
    }
    if (w === 'div' && prev !== undefined && (prev.kind !== 'op' || prev.text === ')')) {
      const end = operandEnd(i + 1);
      return { text: `// __spark_nz(${emit(i + 1, end).trim()})`, end };
    }
    return null;
  }

  function findTopLevelWord(a: number, b: number, word: string): number {
    let depth = 0;
    for (let j = a; j < b; j++) {
      const t = toks[j]!;
      if (isOp(t, '(') || isOp(t, '[')) depth++;
      else if (isOp(t, ')') || isOp(t, ']')) depth--;
      else if (depth === 0 && isWord(t, word)) return j;
    }
    return -1;
  }

  /** INTERVAL 'y-m' YEAR TO MONTH and INTERVAL 'd h:m:s' DAY TO SECOND, which DuckDB cannot parse. */
  function intervalLiteral(body: string, afterString: number): { text: string; end: number } | null {
    const units: string[] = [];
    let end = afterString;
    for (;;) {
      const n = nextSig(end);
      if (!isWord(toks[n], 'year', 'month', 'day', 'hour', 'minute', 'second', 'to')) break;
      units.push(toks[n]!.value.toLowerCase());
      end = n + 1;
    }
    const spec = units.join(' ');
    const ym = /^\s*([+-])?(\d+)-(\d+)\s*$/.exec(body);
    if (spec === 'year to month' && ym) {
      const sign = ym[1] === '-' ? '-' : '';
      return { text: `CAST(${duckString(`${sign}${ym[2]} years ${sign}${ym[3]} months`)} AS INTERVAL)`, end };
    }
    const dt = /^\s*([+-])?(\d+) (\d+):(\d+):(\d+(?:\.\d+)?)\s*$/.exec(body);
    if (spec === 'day to second' && dt) {
      const sign = dt[1] === '-' ? '-' : '';
      return { text: `CAST(${duckString(`${sign}${dt[2]} days ${sign}${dt[3]}:${dt[4]}:${dt[5]}`)} AS INTERVAL)`, end };
    }
    return null;
  }

  return emit(from, to);
}

function isUnaryPosition(prev: Token | undefined): boolean {
  if (prev === undefined) return true;
  if (prev.kind === 'op') return prev.text !== ')' && prev.text !== ']';
  return prev.kind === 'word' && ['select', 'where', 'and', 'or', 'when', 'then', 'else', 'values', 'by', 'not', 'on', 'having', 'return'].includes(prev.value.toLowerCase());
}

/** Spark numeric literal suffixes: 1L BIGINT, 1S SMALLINT, 1Y TINYINT, 1D DOUBLE, 1F FLOAT, 1BD DECIMAL. */
function numberLiteral(text: string): string {
  const m = /^(.*?)(BD|[LSYDF])$/i.exec(text);
  if (!m) return text;
  const body = m[1]!;
  const suffix = m[2]!.toUpperCase();
  const type: Record<string, string> = { L: 'BIGINT', S: 'SMALLINT', Y: 'TINYINT', D: 'DOUBLE', F: 'FLOAT' };
  if (suffix === 'BD') {
    const [intPart = '', frac = ''] = body.replace(/^-/, '').replace(/^\./, '0.').split('.');
    const scale = frac.length;
    const precision = Math.max(intPart.replace(/^0+/, '').length + scale, 1);
    return `CAST(${duckString(body)} AS DECIMAL(${Math.min(precision, 38)},${scale}))`;
  }
  return `CAST(${body} AS ${type[suffix]})`;
}

/** DuckDB type a TSparkParameter's type names, or null for VOID / untyped nulls. */
export function parameterDuckType(p: BoundParameter): string | null {
  if (p.type === undefined && p.value === null) return null;
  const spelled = (p.type ?? 'STRING').trim();
  if (spelled === '' || spelled.toUpperCase() === 'VOID') return null;
  if (/^DECIMAL$/i.test(spelled) && p.value !== null) {
    const digits = p.value.replace(/^[+-]/, '').split(/[eE]/)[0]!;
    const [i = '', f = ''] = digits.split('.');
    const scale = f.length;
    const precision = Math.min(Math.max(i.replace(/^0+/, '').length + scale, 1, scale), 38);
    return `DECIMAL(${precision},${scale})`;
  }
  try {
    const toks = tokenize(spelled).filter((t) => t.kind !== 'ws');
    const parsed: SparkType = parseSparkType(toks, 0, spelled).type;
    return duckTypeSql(parsed);
  } catch {
    return 'VARCHAR';
  }
}

function unboundParameter(name: string): SqlError {
  return new SqlError(
    'UNBOUND_SQL_PARAMETER',
    '42P02',
    `[UNBOUND_SQL_PARAMETER] Found the unbound parameter: ${name}. Please, fix \`args\` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as \`map()\`, \`array()\`, \`struct()\`. SQLSTATE: 42P02`,
  );
}
