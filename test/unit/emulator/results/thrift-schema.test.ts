import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { thriftTableSchema } from '../../../../emulator/results/thrift-schema.js';
import type { ResultColumn } from '../../../../emulator/engine/engine-result.js';
import type { SparkType } from '../../../../emulator/spark-type.js';

const col = (name: string, type: SparkType, comment = ''): ResultColumn => ({ name, type, nullable: true, comment });

describe('thriftTableSchema', () => {
  it('uses the TTypeIds a warehouse reports, complex types included, in primitiveEntry', () => {
    const types: [SparkType, number][] = [
      [{ kind: 'BOOLEAN' }, 0],
      [{ kind: 'TINYINT' }, 1],
      [{ kind: 'SMALLINT' }, 2],
      [{ kind: 'INT' }, 3],
      [{ kind: 'BIGINT' }, 4],
      [{ kind: 'FLOAT' }, 5],
      [{ kind: 'DOUBLE' }, 6],
      [{ kind: 'STRING' }, 7],
      [{ kind: 'TIMESTAMP' }, 8],
      [{ kind: 'TIMESTAMP_NTZ' }, 8],
      [{ kind: 'BINARY' }, 9],
      [{ kind: 'ARRAY', element: { kind: 'INT' } }, 10],
      [{ kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'INT' } }, 11],
      [{ kind: 'STRUCT', fields: [{ name: 'a', type: { kind: 'INT' }, nullable: true }] }, 12],
      [{ kind: 'VOID' }, 16],
      [{ kind: 'DATE' }, 17],
      [{ kind: 'CHAR', length: 3 }, 7],
      [{ kind: 'VARCHAR', length: 255 }, 7],
      [{ kind: 'VARIANT' }, 7],
      [{ kind: 'INTERVAL_YEAR_MONTH' }, 20],
      [{ kind: 'INTERVAL_DAY_TIME' }, 21],
    ];
    const schema = thriftTableSchema(types.map(([t], i) => col(`c${i}`, t)));
    assert.deepEqual(
      schema.columns.map((c) => c.typeDesc.types[0]!.primitiveEntry!.type),
      types.map(([, id]) => id),
    );
    assert.ok(schema.columns.every((c) => c.typeDesc.types.length === 1));
  });

  it('qualifies DECIMAL with precision and scale, numbers positions from 1, and keeps comments', () => {
    const schema = thriftTableSchema([
      col('id', { kind: 'BIGINT' }),
      col('amount', { kind: 'DECIMAL', precision: 10, scale: 2 }, 'money'),
    ]);
    assert.deepEqual(schema, {
      columns: [
        { columnName: 'id', typeDesc: { types: [{ primitiveEntry: { type: 4 } }] }, position: 1, comment: '' },
        {
          columnName: 'amount',
          typeDesc: {
            types: [
              {
                primitiveEntry: {
                  type: 15,
                  typeQualifiers: { qualifiers: { precision: { i32Value: 10 }, scale: { i32Value: 2 } } },
                },
              },
            ],
          },
          position: 2,
          comment: 'money',
        },
      ],
    });
  });
});
