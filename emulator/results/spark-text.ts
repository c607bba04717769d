/**
 * Spark's string renderings of values, as Databricks sends them wherever a value travels as text:
 * column-based results and Arrow results with native types switched off
 * (reference/databricks-behaviour.md §0 "Column-based results" and §5 "CAST(… AS STRING)").
 */

const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_DAY_NUMBER = 86_400_000_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  const s = String(Math.abs(n)).padStart(4, '0');
  return n < 0 ? `-${s}` : s;
}

/** Proleptic Gregorian civil date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** DATE as `yyyy-MM-dd`. */
export function formatDate(daysSinceEpoch: number): string {
  const { y, m, d } = civilFromDays(daysSinceEpoch);
  return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
}

/**
 * TIMESTAMP / TIMESTAMP_NTZ as `yyyy-MM-dd HH:mm:ss[.ffffff]` in UTC, the fraction with trailing
 * zeros removed and absent when zero (Spark TimestampFormatter via ToStringBase).
 */
export function formatTimestamp(micros: bigint | number): string {
  let days: number;
  let rest: number;
  if (typeof micros === 'number' || (micros < 9_007_199_254_740_991n && micros > -9_007_199_254_740_991n)) {
    // Exact in doubles (±285 years around 1970); the floor is corrected for division rounding.
    const m = Number(micros);
    days = Math.floor(m / MICROS_PER_DAY_NUMBER);
    rest = m - days * MICROS_PER_DAY_NUMBER;
    if (rest < 0) {
      days -= 1;
      rest += MICROS_PER_DAY_NUMBER;
    } else if (rest >= MICROS_PER_DAY_NUMBER) {
      days += 1;
      rest -= MICROS_PER_DAY_NUMBER;
    }
  } else {
    let d = micros / MICROS_PER_DAY;
    let r = micros % MICROS_PER_DAY;
    if (r < 0n) {
      r += MICROS_PER_DAY;
      d -= 1n;
    }
    days = Number(d);
    rest = Number(r);
  }
  const secondsOfDay = Math.floor(rest / 1_000_000);
  const fraction = rest % 1_000_000;
  const hh = Math.floor(secondsOfDay / 3600);
  const mm = Math.floor((secondsOfDay % 3600) / 60);
  const ss = secondsOfDay % 60;
  let s = `${formatDate(days)} ${pad2(hh)}:${pad2(mm)}:${pad2(ss)}`;
  if (fraction !== 0) s += `.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`;
  return s;
}

/** DECIMAL in plain notation with exactly `scale` fraction digits, never scientific. */
export function formatDecimal(unscaled: bigint | number, scale: number): string {
  const negative = unscaled < 0;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/** INTERVAL YEAR TO MONTH in Hive style, `y-m` (`'0-1'` for one month). */
export function formatYearMonthInterval(months: number): string {
  const sign = months < 0 ? '-' : '';
  const abs = Math.abs(months);
  return `${sign}${Math.floor(abs / 12)}-${abs % 12}`;
}

/** INTERVAL DAY TO SECOND in Hive style, `d hh:mm:ss.nnnnnnnnn` (`'1 00:00:00.000000000'`). */
export function formatDayTimeInterval(totalMicros: bigint): string {
  const sign = totalMicros < 0n ? '-' : '';
  const abs = totalMicros < 0n ? -totalMicros : totalMicros;
  const days = abs / MICROS_PER_DAY;
  const r = Number(abs % MICROS_PER_DAY);
  const secondsOfDay = Math.floor(r / 1_000_000);
  const nanos = (r % 1_000_000) * 1000;
  const hh = Math.floor(secondsOfDay / 3600);
  const mm = Math.floor((secondsOfDay % 3600) / 60);
  const ss = secondsOfDay % 60;
  return `${sign}${days} ${pad2(hh)}:${pad2(mm)}:${pad2(ss)}.${String(nanos).padStart(9, '0')}`;
}

/**
 * A double as Java's `Double.toString` prints it (`1.0`, `1.0E20`, `1.0E-5`, `NaN`, `Infinity`),
 * which is how Spark renders FLOAT/DOUBLE inside complex values.
 */
export function formatJavaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}
