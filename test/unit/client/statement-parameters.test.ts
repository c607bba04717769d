import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toDriverParameters } from '../../../src/client/databricks-sql-client.js';

describe('toDriverParameters', () => {
  it('sends every value as text with its explicit SQL type, as a named TSparkParameter', () => {
    const parameters = toDriverParameters({
      id: { type: 'BIGINT', value: '9223372036854775807' },
      amount: { type: 'DECIMAL(38,6)', value: '-12345678901234567890.123456' },
      at: { type: 'TIMESTAMP', value: '2024-02-29T23:59:59.999999Z' },
      day: { type: 'DATE', value: '0001-01-01' },
      name: { type: 'STRING', value: "O'Brien \\ \"x\"" },
      flag: { type: 'BOOLEAN', value: 'true' },
    });
    const wire = Object.entries(parameters).map(([name, p]) => {
      const spark = p.toSparkParameter({ name });
      return { name: spark.name, type: spark.type, value: spark.value?.stringValue };
    });
    assert.deepEqual(wire, [
      { name: 'id', type: 'BIGINT', value: '9223372036854775807' },
      { name: 'amount', type: 'DECIMAL(38,6)', value: '-12345678901234567890.123456' },
      { name: 'at', type: 'TIMESTAMP', value: '2024-02-29T23:59:59.999999Z' },
      { name: 'day', type: 'DATE', value: '0001-01-01' },
      { name: 'name', type: 'STRING', value: "O'Brien \\ \"x\"" },
      { name: 'flag', type: 'BOOLEAN', value: 'true' },
    ]);
  });

  it('sends a NULL value with neither type nor value, which the warehouse reads as NULL', () => {
    const spark = toDriverParameters({ cursor: { type: 'TIMESTAMP', value: null } })['cursor']!.toSparkParameter({ name: 'cursor' });
    assert.equal(spark.name, 'cursor');
    assert.equal(spark.type ?? null, null);
    assert.equal(spark.value ?? null, null);
  });
});
