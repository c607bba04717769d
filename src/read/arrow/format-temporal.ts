/**
 * Calendar text for Arrow dates and timestamps, in the formats Airbyte's Java sources emit
 * (io.airbyte.cdk DataTypeUtils): `yyyy-MM-dd`, `yyyy-MM-dd'T'HH:mm:ss.SSSSSS` with `Z` for UTC
 * timestamps. Fractions always have 6 digits (9 for nanosecond data) so the text is fixed-width
 * and sorts like the values. Proleptic Gregorian calendar, like Spark 3 and java.time; years
 * before 1 print as year-of-era with a ` BC` suffix and years past 9999 with a leading `+`
 * (Java's `yyyy` pattern, SignStyle.EXCEEDS_PAD).
 */

export const MICROS_PER_DAY = 86_400_000_000;

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

export interface CivilDate {
  readonly text: string;
  readonly bc: boolean;
}

// Direct-mapped cache: rows of one batch usually share few distinct days.
const CACHE_SIZE = 4096;
const cacheKeys = new Float64Array(CACHE_SIZE).fill(Number.NaN);
const cacheValues: CivilDate[] = new Array(CACHE_SIZE);

/** Days since 1970-01-01 to `yyyy-mm-dd` (plus era information). */
export function civilDate(days: number): CivilDate {
  const slot = days & (CACHE_SIZE - 1);
  if (cacheKeys[slot] === days) return cacheValues[slot]!;
  // Howard Hinnant's days_from_civil inverse (http://howardhinnant.github.io/date_algorithms.html).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const bc = year <= 0;
  const value = { text: yearText(bc ? 1 - year : year) + '-' + TWO_DIGITS[month] + '-' + TWO_DIGITS[day], bc };
  cacheKeys[slot] = days;
  cacheValues[slot] = value;
  return value;
}

function yearText(year: number): string {
  if (year >= 1000) return year > 9999 ? '+' + year : '' + year;
  return year >= 100 ? '0' + year : year >= 10 ? '00' + year : '000' + year;
}

/** Days since the epoch to `yyyy-mm-dd`. */
export function formatDate(days: number): string {
  const date = civilDate(days);
  return date.bc ? date.text + ' BC' : date.text;
}

/** Milliseconds since the epoch (Arrow Date64) to `yyyy-mm-dd`. */
export function formatDateMillis(millis: number): string {
  return formatDate(Math.floor(millis / 86_400_000));
}

/**
 * Microseconds since the epoch (a safe integer) to `yyyy-mm-ddTHH:MM:SS.ffffff` + `suffix`
 * (`Z` for instants, empty for TIMESTAMP_NTZ).
 */
export function formatMicros(micros: number, suffix: string): string {
  let days = Math.floor(micros / MICROS_PER_DAY);
  let rest = micros - days * MICROS_PER_DAY;
  // The float division can land one day off next to a day boundary.
  if (rest < 0) {
    days--;
    rest += MICROS_PER_DAY;
  } else if (rest >= MICROS_PER_DAY) {
    days++;
    rest -= MICROS_PER_DAY;
  }
  const seconds = Math.floor(rest / 1_000_000);
  const fraction = rest - seconds * 1_000_000;
  return withEra(civilDate(days), timeOfDay(seconds) + '.' + padFraction(fraction, 6) + suffix);
}

/** Any timestamp as a bigint count of `unitsPerSecond` units since the epoch. */
export function formatEpochBig(value: bigint, unitsPerSecond: bigint, fractionDigits: number, suffix: string): string {
  const unitsPerDay = unitsPerSecond * 86_400n;
  let days = value / unitsPerDay;
  let rest = value - days * unitsPerDay;
  if (rest < 0n) {
    days--;
    rest += unitsPerDay;
  }
  const seconds = rest / unitsPerSecond;
  const fraction = rest - seconds * unitsPerSecond;
  // Units coarser than microseconds still print six fraction digits.
  const scaled = fractionDigits === 9 ? fraction : (fraction * 1_000_000n) / unitsPerSecond;
  return withEra(civilDate(Number(days)), timeOfDay(Number(seconds)) + '.' + padFraction(Number(scaled), fractionDigits) + suffix);
}

function withEra(date: CivilDate, time: string): string {
  return date.bc ? date.text + 'T' + time + ' BC' : date.text + 'T' + time;
}

function timeOfDay(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds - hours * 3600) / 60);
  return TWO_DIGITS[hours] + ':' + TWO_DIGITS[minutes] + ':' + TWO_DIGITS[seconds - hours * 3600 - minutes * 60];
}

const FRACTION_BASE = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

function padFraction(value: number, digits: number): string {
  return ('' + (FRACTION_BASE[digits]! + value)).slice(1);
}

const SPARK_TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * Spark's text form of a timestamp (`2014-01-17 00:17:13[.123]`, sent when a warehouse does not
 * use native Arrow timestamps) to the ISO form above, or null when it has another shape. The
 * text is in the session time zone, which is UTC on Databricks SQL warehouses unless changed.
 */
export function sparkTimestampText(text: string, suffix: string): string | null {
  const match = SPARK_TIMESTAMP.exec(text);
  if (match === null) return null;
  const fraction = (match[7] ?? '').padEnd(match[7] !== undefined && match[7].length > 6 ? 9 : 6, '0');
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}.${fraction}${suffix}`;
}
