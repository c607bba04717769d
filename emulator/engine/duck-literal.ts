/** A DuckDB string literal ('' doubled; DuckDB strings have no backslash escapes). */
export function duckString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A DuckDB literal for a metadata value: strings, numbers, booleans, dates and NULL. */
export function duckLiteral(value: string | number | bigint | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return duckString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `TIMESTAMPTZ ${duckString(value.toISOString())}`;
  return String(value);
}
