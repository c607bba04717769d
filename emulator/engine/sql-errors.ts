import { SqlError } from './engine-result.js';
import { sparkCatalogName } from './catalog-names.js';
import { syntaxError, tokenize } from './sql-lexer.js';

// Message texts follow Spark's error-conditions.json and the Databricks error pages
// (databricks-behaviour.md §5-§6: SPARK-ERR, D-ERR, D-TVNF, D-UNRES).

const backtick = (parts: readonly string[]): string => parts.map((p) => `\`${p.replace(/`/g, '``')}\``).join('.');

export function tableNotFound(parts: readonly string[], _sql?: string): SqlError {
  return new SqlError(
    'TABLE_OR_VIEW_NOT_FOUND',
    '42P01',
    `[TABLE_OR_VIEW_NOT_FOUND] The table or view ${backtick(parts)} cannot be found. Verify the spelling and correctness of the schema and catalog.\n` +
      'If you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\n' +
      'To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. SQLSTATE: 42P01',
  );
}

export function schemaNotFound(catalog: string, schema: string): SqlError {
  return new SqlError(
    'SCHEMA_NOT_FOUND',
    '42704',
    `[SCHEMA_NOT_FOUND] The schema ${backtick([catalog, schema])} cannot be found. Verify the spelling and correctness of the schema and catalog.\n` +
      'If you did not qualify the name with a catalog, verify the current_schema() output, or qualify the name with the correct catalog.\n' +
      'To tolerate the error on drop use DROP SCHEMA IF EXISTS. SQLSTATE: 42704',
  );
}

/** SQLSTATE is not settled by any source (databricks-behaviour.md §6); 42704 is Spark's for missing objects. */
export function catalogNotFound(catalog: string): SqlError {
  return new SqlError(
    'NO_SUCH_CATALOG_EXCEPTION',
    '42704',
    `[NO_SUCH_CATALOG_EXCEPTION] Catalog '${catalog}' was not found. Please verify the catalog name and then retry the query or command again. SQLSTATE: 42704`,
  );
}

export function tableAlreadyExists(parts: readonly string[]): SqlError {
  return new SqlError(
    'TABLE_OR_VIEW_ALREADY_EXISTS',
    '42P07',
    `[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view ${backtick(parts)} because it already exists.\n` +
      'Choose a different name, drop the existing object, add the IF NOT EXISTS clause to tolerate pre-existing objects, add the OR REPLACE clause to replace the existing materialized view, or add the OR REFRESH clause to refresh the existing streaming table. SQLSTATE: 42P07',
  );
}

export function schemaAlreadyExists(catalog: string, schema: string): SqlError {
  return new SqlError(
    'SCHEMA_ALREADY_EXISTS',
    '42P06',
    `[SCHEMA_ALREADY_EXISTS] Cannot create schema ${backtick([catalog, schema])} because it already exists.\nChoose a different name, drop the existing schema, or add the IF NOT EXISTS clause to tolerate pre-existing schema. SQLSTATE: 42P06`,
  );
}

export function unsupported(what: string): SqlError {
  return new SqlError('UNSUPPORTED_FEATURE', '0A000', `[UNSUPPORTED_FEATURE] The feature is not supported: ${what}. SQLSTATE: 0A000`);
}

export function cancelled(): SqlError {
  return new SqlError('OPERATION_CANCELED', 'HY008', '[OPERATION_CANCELED] Operation has been canceled. SQLSTATE: HY008');
}

export const DIVIDE_BY_ZERO_MESSAGE =
  '[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set "ansi_mode" to "false" to bypass this error. SQLSTATE: 22012';

const DUCK_TO_SPARK_TYPE: Readonly<Record<string, string>> = {
  INT8: 'TINYINT', INT16: 'SMALLINT', INT32: 'INT', INT64: 'BIGINT', FLOAT: 'FLOAT', DOUBLE: 'DOUBLE',
  DATE: 'DATE', TIMESTAMP: 'TIMESTAMP_NTZ', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP', BOOL: 'BOOLEAN', BOOLEAN: 'BOOLEAN',
};

/**
 * Turns anything DuckDB (or the engine) threw into a Databricks-shaped SqlError. `sql` is the
 * statement as the user wrote it, used to print names the way they were written.
 */
export function toSqlError(e: unknown, sql: string): SqlError {
  if (e instanceof SqlError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  // DuckDB appends "LINE n: <sql>\n   ^"; Databricks shows its own context instead.
  const message = raw
    .replace(/\n+LINE \d+:[\s\S]*$/, '')
    .replace(/\b(\w+)__catalog\b/g, (_m, base: string) => sparkCatalogName(`${base}__catalog`));
  const head = message.split('\n')[0]!.replace(/^Failed to extract statements: /, '');
  let m: RegExpExecArray | null;
  if (message.includes('[DIVIDE_BY_ZERO]')) return new SqlError('DIVIDE_BY_ZERO', '22012', DIVIDE_BY_ZERO_MESSAGE);
  if (/^INTERRUPT Error/.test(head)) return cancelled();
  if ((m = /^Parser Error: syntax error at or near "(.*)"/.exec(head))) return syntaxError(m[1]!, sql);
  if (/^Parser Error: syntax error at end of input/.test(head)) return syntaxError('end of input', sql);
  if ((m = /Table with name "?([^"!\s]+)"? does not exist/.exec(head))) {
    return tableNotFound(writtenName(sql, m[1]!.split('.').pop()!) ?? m[1]!.split('.'));
  }
  if ((m = /Catalog with name (\S+) does not exist|Catalog "([^"]+)" does not exist/.exec(head))) {
    return catalogNotFound(sparkCatalogName((m[1] ?? m[2])!));
  }
  if ((m = /Schema with name "?([^"!\s]+)"? does not exist/.exec(head))) {
    return new SqlError(
      'SCHEMA_NOT_FOUND',
      '42704',
      `[SCHEMA_NOT_FOUND] The schema \`${m[1]}\` cannot be found. Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42704`,
    );
  }
  if ((m = /Referenced column "([^"]+)" not found/.exec(head))) {
    const cand = /Candidate bindings: (.*)/.exec(message)?.[1];
    const names = cand ? [...cand.matchAll(/"([^"]+)"/g)].map((x) => `\`${x[1]!.split('.').pop()}\``) : [];
    return unresolvedColumn(m[1]!, names);
  }
  if ((m = /Referenced table "([^"]+)" not found/.exec(head))) return unresolvedColumn(m[1]!, []);
  if ((m = /(?:Scalar|Aggregate|Table) Function with name (\S+) does not exist/.exec(head))) {
    return new SqlError(
      'UNRESOLVED_ROUTINE',
      '42883',
      `[UNRESOLVED_ROUTINE] Cannot resolve routine \`${m[1]}\` on search path [\`system\`.\`builtin\`, \`system\`.\`session\`]. SQLSTATE: 42883`,
    );
  }
  if ((m = /Table with name "?([^"!]+)"? already exists/.exec(head)) || /already exists/.test(head)) {
    const name = m?.[1] ?? head;
    return tableAlreadyExists(writtenName(sql, name.split('.').pop()!) ?? [name]);
  }
  if ((m = /^Conversion Error: Could not convert string '(.*)' to (\w+)/.exec(head))) {
    return castInvalid(m[1]!, 'STRING', DUCK_TO_SPARK_TYPE[m[2]!] ?? m[2]!);
  }
  if (/^Conversion Error: .*out of range for the destination type|^Conversion Error: Type .* can't be cast/.test(head)) {
    return new SqlError('CAST_OVERFLOW', '22003', `[CAST_OVERFLOW] ${head.replace(/^Conversion Error: /, '')}. Use \`try_cast\` to tolerate overflow and return NULL instead. SQLSTATE: 22003`);
  }
  if (/^Conversion Error/.test(head)) {
    return new SqlError('CAST_INVALID_INPUT', '22018', `[CAST_INVALID_INPUT] ${head.replace(/^Conversion Error: /, '')}. Use \`try_cast\` to tolerate malformed input and return NULL instead. SQLSTATE: 22018`);
  }
  if (/^Out of Range Error: Overflow/.test(head)) {
    return new SqlError('ARITHMETIC_OVERFLOW', '22003', `[ARITHMETIC_OVERFLOW] ${head.replace(/^Out of Range Error: /, '')}. If necessary set "ansi_mode" to "false" to bypass this error. SQLSTATE: 22003`);
  }
  if ((m = /^Constraint Error: NOT NULL constraint failed: (.*)/.exec(head))) {
    return new SqlError('DELTA_NOT_NULL_CONSTRAINT_VIOLATED', '23502', `[DELTA_NOT_NULL_CONSTRAINT_VIOLATED] NOT NULL constraint violated for column: ${m[1]!.split('.').pop()}. SQLSTATE: 23502`);
  }
  if (/^Parser Error/.test(head)) {
    return new SqlError('PARSE_SYNTAX_ERROR', '42601', `[PARSE_SYNTAX_ERROR] ${head.replace(/^Parser Error: /, '')}. SQLSTATE: 42601\n\n== SQL ==\n${sql}\n`);
  }
  if (/^Not implemented Error/.test(head)) return unsupported(head.replace(/^Not implemented Error: /, ''));
  if (/^Binder Error|^Catalog Error/.test(head)) {
    return new SqlError('INVALID_SQL_SYNTAX', '42000', `[INVALID_SQL_SYNTAX] ${message.replace(/^\w+ Error: /, '')} SQLSTATE: 42000`);
  }
  return new SqlError('INTERNAL_ERROR', 'XX000', `[INTERNAL_ERROR] ${message} SQLSTATE: XX000`);
}

function unresolvedColumn(name: string, suggestions: readonly string[]): SqlError {
  const base = `A column, variable, or function parameter with name \`${name}\` cannot be resolved.`;
  if (suggestions.length === 0) {
    return new SqlError('UNRESOLVED_COLUMN.WITHOUT_SUGGESTION', '42703', `[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] ${base} SQLSTATE: 42703`);
  }
  return new SqlError(
    'UNRESOLVED_COLUMN.WITH_SUGGESTION',
    '42703',
    `[UNRESOLVED_COLUMN.WITH_SUGGESTION] ${base} Did you mean one of the following? [${suggestions.join(', ')}]. SQLSTATE: 42703`,
  );
}

function castInvalid(value: string, from: string, to: string): SqlError {
  return new SqlError(
    'CAST_INVALID_INPUT',
    '22018',
    `[CAST_INVALID_INPUT] The value '${value}' of the type "${from}" cannot be cast to "${to}" because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead. SQLSTATE: 22018`,
  );
}

/** The dotted name in `sql` whose last part is `last`, as the user wrote it. */
function writtenName(sql: string, last: string): string[] | null {
  let toks;
  try {
    toks = tokenize(sql);
  } catch {
    return null;
  }
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if ((t.kind !== 'word' && t.kind !== 'qident') || t.value.toLowerCase() !== last.toLowerCase()) continue;
    const parts = [t.value];
    let j = i - 1;
    while (j >= 1 && toks[j]!.text === '.' && (toks[j - 1]!.kind === 'word' || toks[j - 1]!.kind === 'qident')) {
      parts.unshift(toks[j - 1]!.value);
      j -= 2;
    }
    return parts;
  }
  return null;
}
