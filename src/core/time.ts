/**
 * Event times to epoch ms. CloudTrail writes `2024-05-01T12:34:56Z` a million times a day, so that
 * exact shape is read from char codes; anything else goes through Date.parse, and a time nobody
 * can read is NaN (the event is kept and shown as untimed, never dropped).
 */
export function parseIsoTime(s: string): number {
  if (s.length === 20 && s.charCodeAt(19) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */) {
    const y = num(s, 0, 4);
    const mo = num(s, 5, 2);
    const d = num(s, 8, 2);
    const h = num(s, 11, 2);
    const mi = num(s, 14, 2);
    const se = num(s, 17, 2);
    if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 61) {
      return Date.UTC(y, mo - 1, d, h, mi, se);
    }
  }
  if (s === '') return NaN;
  // "2022-02-08 09:23:37+11:00" (lookup-events output) is ISO with a space: make it parseable.
  let iso = /^\d{4}-\d\d-\d\d \d/.test(s) ? s.replace(' ', 'T') : s;
  // A date-time without an offset is UTC here, never the machine's local time.
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(iso)) iso += 'Z';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? NaN : t;
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
