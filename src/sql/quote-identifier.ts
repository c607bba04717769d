/**
 * The only way a name enters SQL text: a Databricks quoted identifier, backticks around it and
 * each backtick inside doubled (Databricks SQL reference, "Identifiers"). Anything else in a name
 * (dots, spaces, quotes, semicolons, unicode) is literal inside the backticks.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0) throw new Error('an identifier cannot be empty');
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A three-level name, e.g. `main`.`sales`.`orders`. */
export interface TableName {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
}

export function quoteTableName(table: TableName): string {
  return `${quoteIdentifier(table.catalog)}.${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

/**
 * A Databricks string literal: single quotes, with `\` and `'` backslash-escaped (Spark unescapes
 * string literals: SparkParserUtils.unescapeSQLString). Only for the few places that take a name
 * as a string and accept no parameter marker, such as `table_changes('<table>', ...)`.
 */
export function quoteStringLiteral(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
