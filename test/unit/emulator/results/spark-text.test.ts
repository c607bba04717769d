import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDate,
  formatDayTimeInterval,
  formatDecimal,
  formatJavaDouble,
  formatTimestamp,
  formatYearMonthInterval,
} from '../../../../emulator/results/spark-text.js';

describe('Spark text formats', () => {
  it('prints timestamps without fraction when it is zero and trims trailing zeros otherwise', () => {
    assert.equal(formatTimestamp(1389917833000000n), '2014-01-17 00:17:13');
    assert.equal(formatTimestamp(1551798001123400n), '2019-03-05 15:00:01.1234');
    assert.equal(formatTimestamp(1n), '1970-01-01 00:00:00.000001');
    assert.equal(formatTimestamp(0n), '1970-01-01 00:00:00');
  });

  it('prints timestamps before 1970 counting down from the epoch', () => {
    assert.equal(formatTimestamp(-1n), '1969-12-31 23:59:59.999999');
    assert.equal(formatTimestamp(-500000n), '1969-12-31 23:59:59.5');
    assert.equal(formatTimestamp(-2208988800000000n), '1900-01-01 00:00:00');
    assert.equal(formatTimestamp(-62135596800000000n), '0001-01-01 00:00:00');
  });

  it('prints dates as yyyy-MM-dd on both sides of the epoch and across leap days', () => {
    assert.equal(formatDate(0), '1970-01-01');
    assert.equal(formatDate(-1), '1969-12-31');
    assert.equal(formatDate(-25567), '1900-01-01');
    assert.equal(formatDate(19782), '2024-02-29');
    assert.equal(formatDate(2932896), '9999-12-31');
  });

  it('prints decimals plainly with exactly the scale digits', () => {
    assert.equal(formatDecimal(314n, 2), '3.14');
    assert.equal(formatDecimal(-1n, 3), '-0.001');
    assert.equal(formatDecimal(0n, 2), '0.00');
    assert.equal(formatDecimal(10n ** 38n - 1n, 18), '99999999999999999999.999999999999999999');
    assert.equal(formatDecimal(-42n, 0), '-42');
  });

  it('prints intervals in Hive style', () => {
    assert.equal(formatDayTimeInterval(86_400_000_000n), '1 00:00:00.000000000');
    assert.equal(formatDayTimeInterval(-(86_400_000_000n + 7_203_500_000n)), '-1 02:00:03.500000000');
    assert.equal(formatYearMonthInterval(1), '0-1');
    assert.equal(formatYearMonthInterval(14), '1-2');
    assert.equal(formatYearMonthInterval(-13), '-1-1');
  });

  it("prints doubles as Java's Double.toString", () => {
    assert.equal(formatJavaDouble(1), '1.0');
    assert.equal(formatJavaDouble(2.71828182), '2.71828182');
    assert.equal(formatJavaDouble(1e20), '1.0E20');
    assert.equal(formatJavaDouble(1.5e-5), '1.5E-5');
    assert.equal(formatJavaDouble(-0), '-0.0');
    assert.equal(formatJavaDouble(NaN), 'NaN');
    assert.equal(formatJavaDouble(-Infinity), '-Infinity');
  });
});
