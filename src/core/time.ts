/**
 * Event times to epoch ms, UTC.
 *
 * Only the forms audit sources really write are read, by hand, never by `Date.parse`: its legacy
 * fallback reads "1", "Tuesday 5" or "2024/05/01 12:00" in the machine's local time zone (so
 * counts would change with TZ) and rolls "2024-02-31" over into March. Accepted:
 *
 * - `2024-05-01T12:34:56Z` (CloudTrail, a million times a day: read from char codes first)
 * - ISO 8601 / RFC 3339 date-times: `T`, `t` or one space between date and time; seconds optional;
 *   any number of fractional digits (`.` or `,`; kept to the millisecond, truncated); `Z`, `z`,
 *   `±hh:mm`, `±hhmm` or `±hh`. Without a zone the time is UTC (CloudTrail Lake and Athena write
 *   `2024-05-01 12:00:00.000`, which is UTC), never the machine's local time.
 *
 * Calendar fields are validated (no Feb 31, no hour 24); a leap second (`:60`) is accepted and reads
 * as the next second, as Date.UTC does. Anything else is NaN: the event is kept and shown as
 * untimed, and the loader reports it (never dropped, never guessed).
 */
export function parseIsoTime(s: string): number {
  if (s.length === 20 && s.charCodeAt(19) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
    const y = num(s, 0, 4);
    const mo = num(s, 5, 2);
    const d = num(s, 8, 2);
    const h = num(s, 11, 2);
    const mi = num(s, 14, 2);
    const se = num(s, 17, 2);
    if (valid(y, mo, d, h, mi, se)) return utc(y, mo, d, h, mi, se, 0);
    return NaN;
  }
  const m = ISO_RE.exec(s);
  if (!m) return NaN;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const se = ss === undefined ? 0 : Number(ss);
  if (!valid(y, mo, d, h, mi, se)) return NaN;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1);
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return NaN;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  return utc(y, mo, d, h, mi, se, ms) - offset;
}

/** Date, time, optional seconds and fraction, optional zone; nothing before or after. */
const ISO_RE = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,12}))?)?([Zz]|[+-]\d\d(?::\d\d|\d\d)?)?$/;

function valid(y: number, mo: number, d: number, h: number, mi: number, se: number): boolean {
  return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se <= 60;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, se: number, ms: number): number {
  const t = Date.UTC(y, mo - 1, d, h, mi, se, ms);
  // Date.UTC reads years 0–99 as 1900–1999.
  return y < 100 ? new Date(t).setUTCFullYear(y, mo - 1, d) : t;
}

function num(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
