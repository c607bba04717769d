import type { BoundValue } from '../client/warehouse.js';
import type { JsonSchema } from '../protocol/airbyte-protocol.js';
import { formatDatabricksType, parseDatabricksType, type DatabricksType } from './type-mapping-parser.js';

/**
 * Databricks column types to JSON schema, Airbyte style: `["null", T]` for nullable columns,
 * `airbyte_type` and `format` as in Airbyte's well-known types (airbyte-protocol
 * well_known_types.yaml). One table drives discovery, cursor choice and the README.
 */

export interface TypeMappingRow {
  /** Databricks type names this row covers (canonical first, then Spark aliases). */
  readonly databricks: readonly string[];
  /** JSON schema of a non-null value; complex types get their children filled in. */
  readonly schema: JsonSchema;
  /** SQL type used to bind a cursor value of this type; undefined: not usable as a cursor. */
  readonly cursorParameterType?: (type: DatabricksType) => string;
  /** How values are written in records, for the README. */
  readonly note: string;
}

const sameName = (type: DatabricksType): string => formatDatabricksType(type);

export const TYPE_MAPPING: readonly TypeMappingRow[] = [
  { databricks: ['TINYINT', 'BYTE'], schema: { type: 'integer', airbyte_type: 'integer' }, cursorParameterType: sameName, note: 'JSON number' },
  { databricks: ['SMALLINT', 'SHORT'], schema: { type: 'integer', airbyte_type: 'integer' }, cursorParameterType: sameName, note: 'JSON number' },
  { databricks: ['INT', 'INTEGER'], schema: { type: 'integer', airbyte_type: 'integer' }, cursorParameterType: sameName, note: 'JSON number' },
  {
    databricks: ['BIGINT', 'LONG'],
    schema: { type: 'integer', airbyte_type: 'integer' },
    cursorParameterType: sameName,
    note: 'JSON number, exact beyond 2^53',
  },
  {
    databricks: ['DECIMAL(p,s)', 'DEC', 'NUMERIC'],
    schema: { type: 'number' },
    cursorParameterType: sameName,
    note: 'JSON number with the exact digits',
  },
  { databricks: ['FLOAT', 'REAL'], schema: { type: 'number' }, note: 'JSON number' },
  { databricks: ['DOUBLE'], schema: { type: 'number' }, note: 'JSON number' },
  { databricks: ['BOOLEAN'], schema: { type: 'boolean' }, note: 'true / false' },
  { databricks: ['STRING'], schema: { type: 'string' }, cursorParameterType: () => 'STRING', note: 'text' },
  { databricks: ['VARCHAR(n)'], schema: { type: 'string' }, cursorParameterType: () => 'STRING', note: 'text' },
  { databricks: ['CHAR(n)'], schema: { type: 'string' }, cursorParameterType: () => 'STRING', note: 'text, padded to n' },
  { databricks: ['DATE'], schema: { type: 'string', format: 'date' }, cursorParameterType: () => 'DATE', note: '`2024-01-31`' },
  {
    databricks: ['TIMESTAMP', 'TIMESTAMP_LTZ'],
    schema: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
    cursorParameterType: () => 'TIMESTAMP',
    note: '`2024-01-31T12:34:56.123456Z` (UTC, microseconds)',
  },
  {
    databricks: ['TIMESTAMP_NTZ'],
    schema: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
    cursorParameterType: () => 'TIMESTAMP_NTZ',
    note: '`2024-01-31T12:34:56.123456`',
  },
  { databricks: ['BINARY'], schema: { type: 'string', contentEncoding: 'base64' }, note: 'base64 text' },
  { databricks: ['ARRAY<T>'], schema: { type: 'array' }, note: 'JSON array; `items` from T' },
  { databricks: ['STRUCT<...>'], schema: { type: 'object' }, note: 'JSON object; `properties` from the fields' },
  { databricks: ['MAP<K, V>'], schema: { type: 'object' }, note: 'JSON object keyed by the key text; `additionalProperties` from V' },
  { databricks: ['INTERVAL ...'], schema: { type: 'string' }, note: "Databricks' text, e.g. `1 02:03:04.000000000`" },
  { databricks: ['VARIANT'], schema: { type: 'string' }, note: 'JSON text of the value' },
  { databricks: ['GEOGRAPHY', 'GEOMETRY'], schema: { type: 'string' }, note: 'text as Databricks returns it' },
  { databricks: ['VOID'], schema: { type: 'string' }, note: 'always null' },
  { databricks: ['(any other)'], schema: { type: 'string' }, note: 'text as Databricks returns it' },
];

const FALLBACK_ROW = TYPE_MAPPING[TYPE_MAPPING.length - 1]!;
const ROWS_BY_NAME = new Map<string, TypeMappingRow>();
for (const row of TYPE_MAPPING) {
  for (const name of row.databricks) ROWS_BY_NAME.set(name.replace(/[(<].*$/, '').replace(' ...', ''), row);
}

/** The table row for a parsed type. */
export function typeMappingRow(type: DatabricksType): TypeMappingRow {
  switch (type.kind) {
    case 'decimal':
      return ROWS_BY_NAME.get('DECIMAL')!;
    case 'interval':
      return ROWS_BY_NAME.get('INTERVAL')!;
    case 'array':
      return ROWS_BY_NAME.get('ARRAY')!;
    case 'map':
      return ROWS_BY_NAME.get('MAP')!;
    case 'struct':
      return ROWS_BY_NAME.get('STRUCT')!;
    case 'primitive':
      return ROWS_BY_NAME.get(type.name) ?? FALLBACK_ROW;
  }
}

/** Parses `typeText`; a string no parser understands maps like an unknown type (to string). */
export function parseTypeOrUndefined(typeText: string): DatabricksType | undefined {
  try {
    return parseDatabricksType(typeText);
  } catch {
    return undefined;
  }
}

/**
 * JSON schema for a column of type `typeText` (GetColumns TYPE_NAME, information_schema
 * FULL_DATA_TYPE, or Arrow SqlName). Nested values are always nullable except struct fields
 * declared NOT NULL.
 */
export function jsonSchemaForType(typeText: string, nullable = true): JsonSchema {
  const type = parseTypeOrUndefined(typeText);
  return type === undefined ? withNull({ type: 'string' }, nullable) : jsonSchemaFor(type, nullable);
}

export function jsonSchemaFor(type: DatabricksType, nullable = true): JsonSchema {
  const base = typeMappingRow(type).schema;
  switch (type.kind) {
    case 'array':
      return withNull({ ...base, items: jsonSchemaFor(type.element, true) }, nullable);
    case 'map':
      return withNull({ ...base, additionalProperties: jsonSchemaFor(type.value, true) }, nullable);
    case 'struct':
      return withNull(
        { ...base, properties: Object.fromEntries(type.fields.map((f) => [f.name, jsonSchemaFor(f.type, f.nullable)])) },
        nullable,
      );
    default:
      return withNull(base, nullable);
  }
}

function withNull(schema: JsonSchema, nullable: boolean): JsonSchema {
  return nullable ? { ...schema, type: ['null', schema.type] } : { ...schema };
}

/**
 * The SQL type used to bind a cursor value of this column type, or undefined when the type
 * cannot be a cursor. Cursors need a total order that survives the round trip through the
 * record's text: integers, DECIMAL, DATE, TIMESTAMP, TIMESTAMP_NTZ and strings qualify; FLOAT and
 * DOUBLE do not (their text is not exact), nor do BOOLEAN, BINARY and complex types.
 */
export function cursorParameterType(typeText: string): string | undefined {
  const type = parseTypeOrUndefined(typeText);
  return type === undefined ? undefined : typeMappingRow(type).cursorParameterType?.(type);
}

/** Whether a column of this type can be offered as a cursor. */
export function isCursorType(typeText: string): boolean {
  return cursorParameterType(typeText) !== undefined;
}

/**
 * Binds a cursor value (the exact text written in records and state) as a typed parameter.
 * Databricks casts the text to the parameter type, so `2024-01-31T12:34:56.123456Z` binds as a
 * TIMESTAMP without losing microseconds.
 */
export function bindCursorValue(typeText: string, value: string | null): BoundValue {
  const type = cursorParameterType(typeText);
  if (type === undefined) throw new Error(`a column of type ${typeText} cannot be a cursor`);
  return { type, value };
}

/** The mapping table as Markdown, for the README. */
export function renderTypeMappingMarkdown(): string {
  const lines = [
    '| Databricks type | JSON schema (nullable columns add `"null"` to `type`) | Cursor | Value in records |',
    '|---|---|---|---|',
  ];
  for (const row of TYPE_MAPPING) {
    const cursor = row.cursorParameterType === undefined ? 'no' : 'yes';
    lines.push(`| ${row.databricks.map((n) => `\`${n}\``).join(', ')} | \`${JSON.stringify(row.schema)}\` | ${cursor} | ${row.note} |`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ColumnType {
  readonly name: string;
  /** The Databricks type text (GetColumns TYPE_NAME or information_schema FULL_DATA_TYPE). */
  readonly type: string;
  readonly nullable: boolean;
}

/**
 * A stream's json_schema from its columns, in column order. Extra properties stay allowed so a
 * column added after discovery does not make records invalid before the next discover.
 */
export function tableJsonSchema(columns: readonly ColumnType[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: true,
    properties: Object.fromEntries(columns.map((c) => [c.name, jsonSchemaForType(c.type, c.nullable)])),
  };
}
