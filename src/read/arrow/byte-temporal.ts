/**
 * Dates and timestamps written straight into a byte buffer, in the formats of format-temporal.ts
 * (which stays the reference for every year): `yyyy-mm-dd` and `yyyy-mm-ddTHH:MM:SS.ffffff`.
 * Only years 1000 to 9999 take this path; the rest are written from format-temporal.ts's text.
 */
import { writePadded, writeTwoDigits } from './byte-digits.js';
import { civilDate, MICROS_PER_DAY } from './format-temporal.js';

function writeCivilText(buf: Uint8Array, pos: number, days: number): number {
  const date = civilDate(days);
  const text = date.bc ? date.text + ' BC' : date.text;
  for (let k = 0; k < text.length; k++) buf[pos++] = text.charCodeAt(k);
  return pos;
}

/** Days since 1970-01-01 as `yyyy-mm-dd` (unquoted). */
export function writeDate(buf: Uint8Array, pos: number, days: number): number {
  // Howard Hinnant's civil_from_days (http://howardhinnant.github.io/date_algorithms.html).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) - ((doe / 146096) | 0)) / 365) | 0;
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doy + 2) / 153) | 0;
  const day = doy - (((153 * mp + 2) / 5) | 0) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1000 || year > 9999) return writeCivilText(buf, pos, days);
  const century = (year / 100) | 0;
  pos = writeTwoDigits(buf, pos, century);
  pos = writeTwoDigits(buf, pos, year - century * 100);
  buf[pos++] = 45; // '-'
  pos = writeTwoDigits(buf, pos, month);
  buf[pos++] = 45;
  return writeTwoDigits(buf, pos, day);
}

/**
 * The day `writeMicros` wrote last and its `yyyy-mm-dd` text: the timestamps of a result often
 * fall on the same day as the row before (event times, load times), and copying the ten bytes
 * costs less than working the date out again: encoding 500 000 records of one TIMESTAMP column
 * took 111–149 ms against 160–180 ms (medians of five, two runs each; Node 20, 2 × AMD EPYC).
 */
let lastDays = Number.NaN;
const lastDate = new Uint8Array(10);

/**
 * A timestamp given as safe-integer microseconds since the epoch, quoted, with `Z` when `zone`;
 * returns -1 (nothing usable written) for dates BC, whose era suffix goes after the time.
 */
export function writeMicros(buf: Uint8Array, pos: number, micros: number, zone: boolean): number {
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
  // Day 0 of year 1 is -719162; anything before is BC.
  if (days < -719162) return -1;
  buf[pos++] = 34;
  if (days === lastDays) {
    for (let k = 0; k < 10; k++) buf[pos + k] = lastDate[k]!;
    pos += 10;
  } else {
    const start = pos;
    pos = writeDate(buf, pos, days);
    // Years 1000 to 9999 only: other years have other lengths.
    if (pos - start === 10) {
      for (let k = 0; k < 10; k++) lastDate[k] = buf[start + k]!;
      lastDays = days;
    }
  }
  const seconds = Math.floor(rest / 1_000_000);
  const hours = (seconds / 3600) | 0;
  const minutes = ((seconds - hours * 3600) / 60) | 0;
  buf[pos++] = 84; // 'T'
  pos = writeTwoDigits(buf, pos, hours);
  buf[pos++] = 58; // ':'
  pos = writeTwoDigits(buf, pos, minutes);
  buf[pos++] = 58;
  pos = writeTwoDigits(buf, pos, seconds - hours * 3600 - minutes * 60);
  buf[pos++] = 46; // '.'
  pos = writePadded(buf, pos, rest - seconds * 1_000_000, 6);
  if (zone) buf[pos++] = 90; // 'Z'
  buf[pos++] = 34;
  return pos;
}
