import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { SparkType } from '../spark-type.js';
import {
  formatDate,
  formatDayTimeInterval,
  formatDecimal,
  formatJavaDouble,
  formatTimestamp,
  formatYearMonthInterval,
} from './spark-text.js';

const MICROS_PER_DAY = 86_400_000_000n;

/** Microseconds since the epoch of any DuckDB timestamp or date value. */
export function timestampMicros(v: DuckDBValue): bigint {
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return v.micros;
  if (v instanceof DuckDBTimestampMillisecondsValue) return v.millis * 1000n;
  if (v instanceof DuckDBTimestampSecondsValue) return v.seconds * 1_000_000n;
  if (v instanceof DuckDBTimestampNanosecondsValue) return v.nanos / 1000n;
  if (v instanceof DuckDBDateValue) return BigInt(v.days) * MICROS_PER_DAY;
  throw new TypeError(`not a timestamp: ${String(v)}`);
}

/** Days since the epoch of a DuckDB date (or timestamp, truncated towards the past). */
export function dateDays(v: DuckDBValue): number {
  if (v instanceof DuckDBDateValue) return v.days;
  const micros = timestampMicros(v);
  const days = micros / MICROS_PER_DAY;
  return Number(micros < 0n && micros % MICROS_PER_DAY !== 0n ? days - 1n : days);
}

/** The unscaled value of a DuckDB numeric at `scale` fraction digits. */
export function decimalUnscaled(v: DuckDBValue, scale: number): bigint {
  if (v instanceof DuckDBDecimalValue) {
    const shift = scale - v.scale;
    if (shift === 0) return v.value;
    return shift > 0 ? v.value * 10n ** BigInt(shift) : v.value / 10n ** BigInt(-shift);
  }
  if (typeof v === 'bigint') return v * 10n ** BigInt(scale);
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v) * 10n ** BigInt(scale);
  throw new TypeError(`not an exact numeric: ${String(v)}`);
}

function intervalMicros(v: DuckDBValue): bigint {
  if (!(v instanceof DuckDBIntervalValue)) throw new TypeError(`not an interval: ${String(v)}`);
  // Spark day-time intervals have no month field; DuckDB's months count as 30 days, as in DuckDB's own arithmetic.
  return (BigInt(v.months) * 30n + BigInt(v.days)) * MICROS_PER_DAY + v.micros;
}

function intervalMonths(v: DuckDBValue): number {
  if (!(v instanceof DuckDBIntervalValue)) throw new TypeError(`not an interval: ${String(v)}`);
  return v.months;
}

function collectionItems(v: DuckDBValue): readonly DuckDBValue[] {
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items;
  throw new TypeError(`not a list: ${String(v)}`);
}

/** A struct member by name, or by position when the engine renamed the fields. */
export function structEntry(v: DuckDBStructValue, name: string, index: number): DuckDBValue {
  const byName = v.entries[name];
  if (byName !== undefined) return byName;
  return Object.values(v.entries)[index] ?? null;
}

/**
 * A non-null value as the text Databricks sends for it outside native Arrow: STRING columns
 * verbatim, DECIMAL plain, timestamps and dates in Spark's formats, complex values as JSON.
 */
export function sparkText(t: SparkType, v: DuckDBValue): string {
  switch (t.kind) {
    case 'DECIMAL':
      return formatDecimal(decimalUnscaled(v, t.scale), t.scale);
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ':
      return formatTimestamp(timestampMicros(v));
    case 'DATE':
      return formatDate(dateDays(v));
    case 'INTERVAL_DAY_TIME':
      return formatDayTimeInterval(intervalMicros(v));
    case 'INTERVAL_YEAR_MONTH':
      return formatYearMonthInterval(intervalMonths(v));
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return sparkJson(t, v);
    case 'FLOAT':
    case 'DOUBLE':
      return formatJavaDouble(Number(v));
    case 'BINARY':
      return v instanceof DuckDBBlobValue ? Buffer.from(v.bytes).toString('utf8') : String(v);
    default:
      return typeof v === 'string' ? v : String(v);
  }
}

/**
 * JSON text of a value inside or as a complex column (the non-native form the real fixtures
 * show: decimals and integers as JSON numbers, maps as objects keyed by the key's text).
 * Null struct fields are kept as `null`; timestamps are quoted in the top-level format and
 * BINARY is base64 (Jackson writeBinary) — what Databricks does there is unconfirmed.
 */
export function sparkJson(t: SparkType, v: DuckDBValue): string {
  if (v === null) return 'null';
  switch (t.kind) {
    case 'BOOLEAN':
      return v ? 'true' : 'false';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return String(v);
    case 'FLOAT':
    case 'DOUBLE': {
      const x = Number(v);
      // Jackson quotes non-finite doubles (QUOTE_NON_NUMERIC_NUMBERS is on by default).
      return Number.isFinite(x) ? formatJavaDouble(x) : `"${formatJavaDouble(x)}"`;
    }
    case 'DECIMAL':
      return formatDecimal(decimalUnscaled(v, t.scale), t.scale);
    case 'BINARY':
      return JSON.stringify(Buffer.from(v instanceof DuckDBBlobValue ? v.bytes : new Uint8Array()).toString('base64'));
    case 'VOID':
      return 'null';
    case 'ARRAY':
      return `[${collectionItems(v).map((item) => sparkJson(t.element, item)).join(',')}]`;
    case 'MAP': {
      if (!(v instanceof DuckDBMapValue)) throw new TypeError(`not a map: ${String(v)}`);
      const parts = v.entries.map((e) => `${JSON.stringify(sparkText(t.key, e.key))}:${sparkJson(t.value, e.value)}`);
      return `{${parts.join(',')}}`;
    }
    case 'STRUCT': {
      if (!(v instanceof DuckDBStructValue)) throw new TypeError(`not a struct: ${String(v)}`);
      const parts = t.fields.map((f, i) => `${JSON.stringify(f.name)}:${sparkJson(f.type, structEntry(v, f.name, i))}`);
      return `{${parts.join(',')}}`;
    }
    default:
      return JSON.stringify(sparkText(t, v));
  }
}
