import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arrowSchemaMessage, type NativeTypes } from '../../../../emulator/results/arrow-schema.js';
import type { ResultColumn } from '../../../../emulator/engine/engine-result.js';
import type { SparkType } from '../../../../emulator/spark-type.js';
import { driverArrow } from './duck-results.js';

const NATIVE: NativeTypes = { timestamp: true, decimal: true, complex: true, interval: false };
const TEXT: NativeTypes = { timestamp: false, decimal: false, complex: false, interval: false };

const col = (name: string, type: SparkType, nullable = true): ResultColumn => ({ name, type, nullable, comment: '' });

const COLUMNS: ResultColumn[] = [
  col('bool', { kind: 'BOOLEAN' }),
  col('tiny_int', { kind: 'TINYINT' }),
  col('big_int', { kind: 'BIGINT' }, false),
  col('flt', { kind: 'FLOAT' }),
  col('dec', { kind: 'DECIMAL', precision: 3, scale: 2 }),
  col('chr', { kind: 'CHAR', length: 10 }),
  col('vchr', { kind: 'VARCHAR', length: 20 }),
  col('ts', { kind: 'TIMESTAMP' }),
  col('ntz', { kind: 'TIMESTAMP_NTZ' }),
  col('dat', { kind: 'DATE' }),
  col('day_interval', { kind: 'INTERVAL_DAY_TIME' }),
  col('bin', { kind: 'BINARY' }),
  col('nothing', { kind: 'VOID' }),
  col('arr1', { kind: 'ARRAY', element: { kind: 'DECIMAL', precision: 4, scale: 2 } }),
  col('map1', { kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'ARRAY', element: { kind: 'BIGINT' } } }),
  col('struct1', {
    kind: 'STRUCT',
    fields: [
      { name: 's', type: { kind: 'VARCHAR', length: 5 }, nullable: true },
      { name: 'n', type: { kind: 'BIGINT' }, nullable: false },
    ],
  }),
];

interface FieldView {
  name: string;
  nullable: boolean;
  type: { toString(): string; children?: FieldView[]; keysSorted?: boolean; timezone?: string | null; unit?: number };
  metadata: Map<string, string>;
}

/** Reads the schema message the way the driver does (apache-arrow 13), without any batch. */
function schemaOf(native: NativeTypes): FieldView[] {
  const reader = driverArrow.RecordBatchReader.from(arrowSchemaMessage(COLUMNS, native));
  reader.open();
  return reader.schema.fields as unknown as FieldView[];
}

function describeField(f: FieldView): unknown {
  return {
    name: f.name,
    type: String(f.type),
    nullable: f.nullable,
    metadata: Object.fromEntries(f.metadata),
    children: (f.type.children ?? []).map(describeField),
  };
}

describe('arrowSchemaMessage', () => {
  it('is one encapsulated Schema message without an end-of-stream marker', () => {
    const msg = arrowSchemaMessage(COLUMNS, NATIVE);
    assert.equal(msg.readUInt32LE(0), 0xffffffff);
    assert.equal(msg.length, 8 + msg.readInt32LE(4));
    assert.notDeepEqual(msg.subarray(msg.length - 8), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
  });

  it('follows the real warehouse conventions with native types', () => {
    const fields = schemaOf(NATIVE);
    assert.deepEqual(fields.map((f) => [f.name, String(f.type), f.nullable, Object.fromEntries(f.metadata)]), [
      ['bool', 'Bool', true, { 'Spark:DataType:SqlName': 'BOOLEAN' }],
      ['tiny_int', 'Int8', true, { 'Spark:DataType:SqlName': 'TINYINT' }],
      ['big_int', 'Int64', false, { 'Spark:DataType:SqlName': 'BIGINT' }],
      ['flt', 'Float32', true, { 'Spark:DataType:SqlName': 'FLOAT' }],
      ['dec', 'Decimal[3e+2]', true, { 'Spark:DataType:SqlName': 'DECIMAL(3,2)' }],
      ['chr', 'Utf8', true, { 'Spark:DataType:SqlName': 'STRING' }],
      ['vchr', 'Utf8', true, { 'Spark:DataType:SqlName': 'STRING' }],
      ['ts', 'Timestamp<MICROSECOND, Etc/UTC>', true, { 'Spark:DataType:SqlName': 'TIMESTAMP' }],
      ['ntz', 'Timestamp<MICROSECOND>', true, { 'Spark:DataType:SqlName': 'TIMESTAMP_NTZ' }],
      ['dat', 'Date32<DAY>', true, { 'Spark:DataType:SqlName': 'DATE' }],
      ['day_interval', 'Utf8', true, { 'Spark:DataType:SqlName': 'INTERVAL DAY TO SECOND' }],
      ['bin', 'Binary', true, { 'Spark:DataType:SqlName': 'BINARY' }],
      ['nothing', 'Null', true, { 'Spark:DataType:SqlName': 'VOID' }],
      ['arr1', 'List<Decimal[4e+2]>', true, { 'Spark:DataType:SqlName': 'ARRAY<DECIMAL(4,2)>' }],
      ['map1', 'Map<{key:Utf8, value:List<Int64>}>', true, { 'Spark:DataType:SqlName': 'MAP<STRING, ARRAY<BIGINT>>' }],
      ['struct1', 'Struct<{s:Utf8, n:Int64}>', true, { 'Spark:DataType:SqlName': 'STRUCT<s: STRING, n: BIGINT>' }],
    ]);
    const dec = fields[4]!.type as unknown as { precision: number; scale: number; bitWidth: number };
    assert.deepEqual([dec.precision, dec.scale, dec.bitWidth], [3, 2, 128]);
  });

  it('names list children element and map children entries/key/value, with no metadata below the top', () => {
    const fields = schemaOf(NATIVE);
    assert.deepEqual(describeField(fields[13]!), {
      name: 'arr1',
      type: 'List<Decimal[4e+2]>',
      nullable: true,
      metadata: { 'Spark:DataType:SqlName': 'ARRAY<DECIMAL(4,2)>' },
      children: [{ name: 'element', type: 'Decimal[4e+2]', nullable: true, metadata: {}, children: [] }],
    });
    const map = fields[14]!;
    assert.equal(map.type.keysSorted, false);
    assert.deepEqual((describeField(map) as { children: unknown }).children, [
      {
        name: 'entries',
        type: 'Struct<{key:Utf8, value:List<Int64>}>',
        nullable: false,
        metadata: {},
        children: [
          { name: 'key', type: 'Utf8', nullable: false, metadata: {}, children: [] },
          {
            name: 'value',
            type: 'List<Int64>',
            nullable: true,
            metadata: {},
            children: [{ name: 'element', type: 'Int64', nullable: true, metadata: {}, children: [] }],
          },
        ],
      },
    ]);
    assert.deepEqual((describeField(fields[15]!) as { children: unknown }).children, [
      { name: 's', type: 'Utf8', nullable: true, metadata: {}, children: [] },
      { name: 'n', type: 'Int64', nullable: false, metadata: {}, children: [] },
    ]);
  });

  it('sends decimals, timestamps and complex types as Utf8 without native types, but keeps DATE as Date32', () => {
    const fields = schemaOf(TEXT);
    assert.deepEqual(
      fields.map((f) => [f.name, String(f.type)]),
      [
        ['bool', 'Bool'],
        ['tiny_int', 'Int8'],
        ['big_int', 'Int64'],
        ['flt', 'Float32'],
        ['dec', 'Utf8'],
        ['chr', 'Utf8'],
        ['vchr', 'Utf8'],
        ['ts', 'Utf8'],
        ['ntz', 'Utf8'],
        ['dat', 'Date32<DAY>'],
        ['day_interval', 'Utf8'],
        ['bin', 'Binary'],
        ['nothing', 'Null'],
        ['arr1', 'Utf8'],
        ['map1', 'Utf8'],
        ['struct1', 'Utf8'],
      ],
    );
    assert.equal(fields[4]!.metadata.get('Spark:DataType:SqlName'), 'DECIMAL(3,2)');
    assert.equal(fields[15]!.metadata.get('Spark:DataType:SqlName'), 'STRUCT<s: STRING, n: BIGINT>');
  });

  it('has zero fields for a result without columns (DDL)', () => {
    const reader = driverArrow.RecordBatchReader.from(arrowSchemaMessage([], NATIVE));
    reader.open();
    assert.equal(reader.schema.fields.length, 0);
  });
});
