import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bindCursorValue,
  cursorParameterType,
  isCursorType,
  jsonSchemaForType,
  renderTypeMappingMarkdown,
  tableJsonSchema,
  TYPE_MAPPING,
  typeMappingRow,
} from '../../../src/catalog/type-mapping.js';
import { formatDatabricksType, parseDatabricksType, TypeParseError } from '../../../src/catalog/type-mapping-parser.js';

const int = { type: ['null', 'integer'], airbyte_type: 'integer' };
const num = { type: ['null', 'number'] };
const str = { type: ['null', 'string'] };

// [type text, expected JSON schema (nullable), cursor parameter type or undefined]; one or more per table row.
const cases: Array<[string, object, string | undefined]> = [
  ['TINYINT', int, 'TINYINT'],
  ['byte', int, 'TINYINT'],
  ['SMALLINT', int, 'SMALLINT'],
  ['short', int, 'SMALLINT'],
  ['INT', int, 'INT'],
  ['integer', int, 'INT'],
  ['BIGINT', int, 'BIGINT'],
  ['long', int, 'BIGINT'],
  ['DECIMAL(38,18)', num, 'DECIMAL(38,18)'],
  ['decimal(4, 2)', num, 'DECIMAL(4,2)'],
  ['DECIMAL', num, 'DECIMAL(10,0)'],
  ['numeric(5)', num, 'DECIMAL(5,0)'],
  ['dec(3,1)', num, 'DECIMAL(3,1)'],
  ['FLOAT', num, undefined],
  ['real', num, undefined],
  ['DOUBLE', num, undefined],
  ['BOOLEAN', { type: ['null', 'boolean'] }, undefined],
  ['STRING', str, 'STRING'],
  ['string', str, 'STRING'],
  ['VARCHAR(20)', str, 'STRING'],
  ['varchar(255)', str, 'STRING'],
  ['CHAR(10)', str, 'STRING'],
  ['DATE', { type: ['null', 'string'], format: 'date' }, 'DATE'],
  ['TIMESTAMP', { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' }, 'TIMESTAMP'],
  ['timestamp_ltz', { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' }, 'TIMESTAMP'],
  ['TIMESTAMP_NTZ', { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' }, 'TIMESTAMP_NTZ'],
  ['BINARY', { type: ['null', 'string'], contentEncoding: 'base64' }, undefined],
  ['ARRAY<INT>', { type: ['null', 'array'], items: int }, undefined],
  ['array<string>', { type: ['null', 'array'], items: str }, undefined],
  ['MAP<STRING, DOUBLE>', { type: ['null', 'object'], additionalProperties: num }, undefined],
  ['map<string,int>', { type: ['null', 'object'], additionalProperties: int }, undefined],
  ['STRUCT<a: INT, b: STRING>', { type: ['null', 'object'], properties: { a: int, b: str } }, undefined],
  ['struct<city:string,zip:int>', { type: ['null', 'object'], properties: { city: str, zip: int } }, undefined],
  ['INTERVAL DAY TO SECOND', str, undefined],
  ['interval year to month', str, undefined],
  ['INTERVAL DAY', str, undefined],
  ['VARIANT', str, undefined],
  ['GEOGRAPHY', str, undefined],
  ['GEOGRAPHY(4326)', str, undefined],
  ['GEOMETRY(OGC:CRS84)', str, undefined],
  ['VOID', str, undefined],
  ['SOMETHING_NEW', str, undefined],
  ['not a <type', str, undefined],
];

describe('type mapping', () => {
  for (const [text, schema, cursor] of cases) {
    it(`maps ${text} to ${JSON.stringify(schema)}${cursor === undefined ? ', not a cursor' : `, cursor bound as ${cursor}`}`, () => {
      assert.deepEqual(jsonSchemaForType(text), schema);
      assert.equal(cursorParameterType(text), cursor);
      assert.equal(isCursorType(text), cursor !== undefined);
    });
  }

  it('has a test case for every row of the table', () => {
    const covered = new Set(cases.map(([text]) => typeMappingRow(parseOr(text))));
    for (const row of TYPE_MAPPING) assert.ok(covered.has(row), `no case for ${row.databricks.join(', ')}`);
  });

  it('leaves out "null" for NOT NULL columns', () => {
    assert.deepEqual(jsonSchemaForType('BIGINT', false), { type: 'integer', airbyte_type: 'integer' });
    assert.deepEqual(jsonSchemaForType('weird', false), { type: 'string' });
  });

  it('maps nested types recursively, keeping NOT NULL struct fields non-null', () => {
    assert.deepEqual(jsonSchemaForType('ARRAY<STRUCT<a: INT, b: MAP<STRING, DOUBLE>>>'), {
      type: ['null', 'array'],
      items: {
        type: ['null', 'object'],
        properties: { a: int, b: { type: ['null', 'object'], additionalProperties: num } },
      },
    });
    assert.deepEqual(jsonSchemaForType("struct<`my field`: int NOT NULL COMMENT 'it''s', ts: timestamp>", false), {
      type: 'object',
      properties: {
        'my field': { type: 'integer', airbyte_type: 'integer' },
        ts: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      },
    });
  });

  it('binds cursor values as typed parameters and refuses non-cursor types', () => {
    assert.deepEqual(bindCursorValue('TIMESTAMP', '2024-01-31T12:34:56.123456Z'), { type: 'TIMESTAMP', value: '2024-01-31T12:34:56.123456Z' });
    assert.deepEqual(bindCursorValue('decimal(10,2)', '12.50'), { type: 'DECIMAL(10,2)', value: '12.50' });
    assert.deepEqual(bindCursorValue('varchar(5)', null), { type: 'STRING', value: null });
    assert.throws(() => bindCursorValue('DOUBLE', '1.5'), /cannot be a cursor/);
  });

  it('builds a stream schema from columns in order, honouring NOT NULL', () => {
    const schema = tableJsonSchema([
      { name: 'id', type: 'BIGINT', nullable: false },
      { name: 'tags', type: 'array<string>', nullable: true },
    ]);
    assert.deepEqual(schema, {
      type: 'object',
      additionalProperties: true,
      properties: { id: { type: 'integer', airbyte_type: 'integer' }, tags: { type: ['null', 'array'], items: str } },
    });
    assert.deepEqual(Object.keys(schema.properties as object), ['id', 'tags']);
  });

  it('renders the table as Markdown with one line per row', () => {
    const md = renderTypeMappingMarkdown();
    const lines = md.trimEnd().split('\n');
    assert.equal(lines.length, TYPE_MAPPING.length + 2);
    assert.match(md, /\| `TIMESTAMP_NTZ` \| `\{"type":"string","format":"date-time","airbyte_type":"timestamp_without_timezone"\}` \| yes \|/);
    assert.match(md, /\| `DOUBLE` \| `\{"type":"number"\}` \| no \|/);
  });
});

function parseOr(text: string) {
  try {
    return parseDatabricksType(text);
  } catch {
    return parseDatabricksType('SOMETHING_NEW');
  }
}

describe('Databricks type parser', () => {
  it('reads every spelling of a nested type to the same tree', () => {
    const spellings = [
      'ARRAY<STRUCT<a: INT, b: MAP<STRING, DOUBLE>>>',
      'array<struct<a:int,b:map<string,double>>>',
      'array < struct < `a` : integer , b map<string, double> > >',
    ];
    const trees = spellings.map(parseDatabricksType);
    for (const t of trees) assert.deepEqual(t, trees[0]);
    assert.equal(formatDatabricksType(trees[0]!), 'ARRAY<STRUCT<a: INT, b: MAP<STRING, DOUBLE>>>');
  });

  it('keeps odd struct field names and formats them back quoted', () => {
    const t = parseDatabricksType('STRUCT<`we``ird name`: INT NOT NULL, `1x`: STRING>');
    assert.deepEqual(t, {
      kind: 'struct',
      fields: [
        { name: 'we`ird name', type: { kind: 'primitive', name: 'INT', args: [] }, nullable: false },
        { name: '1x', type: { kind: 'primitive', name: 'STRING', args: [] }, nullable: true },
      ],
    });
    assert.equal(formatDatabricksType(t), 'STRUCT<`we``ird name`: INT NOT NULL, `1x`: STRING>');
  });

  it('parses intervals, empty structs and type arguments', () => {
    assert.deepEqual(parseDatabricksType('interval day to second'), { kind: 'interval', from: 'DAY', to: 'SECOND' });
    assert.deepEqual(parseDatabricksType('ARRAY<INTERVAL MONTH>'), { kind: 'array', element: { kind: 'interval', from: 'MONTH', to: undefined } });
    assert.deepEqual(parseDatabricksType('STRUCT<>'), { kind: 'struct', fields: [] });
    assert.deepEqual(parseDatabricksType('VARCHAR(20)'), { kind: 'primitive', name: 'VARCHAR', args: ['20'] });
  });

  for (const bad of ['', 'ARRAY<INT', 'MAP<STRING>', 'STRUCT<a INT', 'DECIMAL(a,b)', 'INT INT', 'STRUCT<`a: INT>']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseDatabricksType(bad), TypeParseError);
    });
  }
});
