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
