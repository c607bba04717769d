import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { equalWidthCuts, splitScale } from '../../../src/read/range-cuts.js';
import { rangeBounds } from '../../../src/read/read-ranges.js';

describe('equalWidthCuts', () => {
  it('splits integers exactly, beyond 2^53 too', () => {
    assert.deepEqual(equalWidthCuts('BIGINT', '0', '100', 4), ['25', '50', '75']);
    assert.deepEqual(equalWidthCuts('BIGINT', '9007199254740993', '9007199254740997', 2), ['9007199254740995']);
    assert.deepEqual(equalWidthCuts('INT', '-10', '10', 2), ['0']);
    assert.deepEqual(equalWidthCuts('INT', '-7', '-1', 3), ['-5', '-3']);
  });

  it('splits decimals at their scale', () => {
    assert.deepEqual(equalWidthCuts('DECIMAL(10,2)', '0.00', '1.00', 4), ['0.25', '0.50', '0.75']);
    assert.deepEqual(equalWidthCuts('DECIMAL(38,18)', '-1.000000000000000000', '1.000000000000000000', 2), ['0.000000000000000000']);
    assert.deepEqual(equalWidthCuts('DECIMAL(5,2)', '-0.05', '0.05', 2), ['0.00']);
    assert.deepEqual(equalWidthCuts('DECIMAL(5,2)', '-0.04', '0.00', 2), ['-0.02']);
  });

  it('never repeats a cut or reaches max on narrow ranges', () => {
    assert.deepEqual(equalWidthCuts('INT', '1', '3', 8), ['1', '2']);
    assert.deepEqual(equalWidthCuts('INT', '5', '6', 4), ['5']);
    assert.deepEqual(equalWidthCuts('INT', '5', '5', 4), []);
  });

  it('gives no cuts for types it cannot split or values that do not parse', () => {
    assert.deepEqual(equalWidthCuts('STRING', 'a', 'z', 4), []);
    assert.deepEqual(equalWidthCuts('TIMESTAMP', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 4), []);
    assert.deepEqual(equalWidthCuts('INT', 'x', '10', 4), []);
    assert.deepEqual(equalWidthCuts('INT', '0', '10', 1), []);
    assert.equal(splitScale('DECIMAL(12, 4)'), 4);
    assert.equal(splitScale('DECIMAL'), 0);
    assert.equal(splitScale('DOUBLE'), undefined);
  });
});

describe('rangeBounds', () => {
  const bind = (value: string) => ({ type: 'BIGINT', value });
  it('keeps the outer bounds and chains the cuts without overlap', () => {
    const ranges = rangeBounds('id', bind, { lower: { column: 'id', value: bind('0'), inclusive: false }, upper: { column: 'id', value: bind('100'), inclusive: true } }, ['25', '50']);
    assert.deepEqual(ranges, [
      { lower: { column: 'id', value: bind('0'), inclusive: false }, upper: { column: 'id', value: bind('25'), inclusive: true } },
      { lower: { column: 'id', value: bind('25'), inclusive: false }, upper: { column: 'id', value: bind('50'), inclusive: true } },
      { lower: { column: 'id', value: bind('50'), inclusive: false }, upper: { column: 'id', value: bind('100'), inclusive: true } },
    ]);
    assert.deepEqual(rangeBounds('id', bind, {}, []), [{}]);
  });
});
