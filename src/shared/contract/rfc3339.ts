/**
 * RFC 3339 `date-time` text, as the event contract's timestamps are written: its value in epoch
 * milliseconds, and the reason when it is none, for the contract's error messages.
 */

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); valid for years 0000–9999. */
function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses an RFC 3339 `date-time` (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`,
 * `T`/`Z` in either case) into epoch milliseconds; `NaN` when the text is not
 * one or names a date or time that does not exist (2026-02-30, 25:00, offset
 * +24:00). Fractions beyond milliseconds are truncated. The leap second `:60`
 * is rejected, as `Date.parse` does: the instant it names is not representable
 * in epoch milliseconds and no producer of this shop emits it.
 *
 * Hand-rolled rather than `Date.parse`, which is lenient (accepts date-only
 * and offset-less local time) and slower.
 */
export function rfc3339ToMs(s: string): number {
  const n = s.length;
  if (n < 20) return NaN;
  const yh = twoDigits(s, 0);
  const yl = twoDigits(s, 2);
  const mo = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  const h = twoDigits(s, 11);
  const mi = twoDigits(s, 14);
  const se = twoDigits(s, 17);
  // -1 ORed with anything stays negative
  if ((yh | yl | mo | d | h | mi | se) < 0) return NaN;
  if (
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 ||
    (s.charCodeAt(10) | 0x20) !== 0x74 || // T or t
    s.charCodeAt(13) !== 58 || // :
    s.charCodeAt(16) !== 58
  ) {
    return NaN;
  }
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    // .fraction: keep the first three digits
    const start = ++i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 3) ms = ms * 10 + c;
    }
    const digits = i - start;
    if (digits === 0) return NaN;
    if (digits === 1) ms *= 100;
    else if (digits === 2) ms *= 10;
  }
  let offsetMs = 0;
  const c = s.charCodeAt(i);
  if ((c | 0x20) === 0x7a) {
    // Z or z
    if (i + 1 !== n) return NaN;
  } else if (c === 43 || c === 45) {
    // + or -
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return NaN;
    const oh = twoDigits(s, i + 1);
    const om = twoDigits(s, i + 4);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return NaN;
    offsetMs = (oh * 60 + om) * 60_000;
    if (c === 45) offsetMs = -offsetMs;
  } else {
    return NaN;
  }
  const y = yh * 100 + yl;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 59) return NaN;
  return (daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se) * 1000 + ms - offsetMs;
}

const RFC3339_SHAPE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const RFC3339_NO_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Why `rfc3339ToMs(s)` is NaN, for error messages (slow path only). */
export function rfc3339Problem(s: string): string {
  if (DATE_ONLY.test(s))
    return 'date without time; expected RFC 3339 timestamp such as 2026-11-24T09:15:02+01:00';
  if (RFC3339_NO_OFFSET.test(s))
    return 'missing offset; expected Z or ±hh:mm, e.g. 2026-11-24T09:15:02+01:00';
  if (!RFC3339_SHAPE.test(s))
    return 'expected RFC 3339 timestamp with Z or offset, e.g. 2026-11-24T09:15:02+01:00';
  return 'date, time or offset out of range (no such calendar date or time of day)';
}
