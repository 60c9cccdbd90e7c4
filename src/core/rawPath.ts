/**
 * Reads a dotted path out of a raw event. Arrays on the way fan out (a path into an array matches
 * if any element matches), and a key that itself contains dots (vendor-enriched records such as
 * `aws.s3.key`) is found by trying the longer key first.
 */
export function extractPath(value: unknown, path: string): string[] {
  const out: string[] = [];
  walk(value, path.split('.'), 0, out);
  return out;
}

function walk(value: unknown, segs: string[], i: number, out: string[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) walk(v, segs, i, out);
    return;
  }
  if (i === segs.length) {
    out.push(leafText(value));
    return;
  }
  if (typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (let j = segs.length; j > i; j--) {
    const key = j === i + 1 ? segs[i] : segs.slice(i, j).join('.');
    const hit = lookupKey(obj, key);
    if (hit !== undefined) {
      walk(hit, segs, j, out);
      return;
    }
  }
}

/** Exact key first; then a case-insensitive match, because people type `useridentity.type` too. */
function lookupKey(obj: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function leafText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    // A BigInt inside (parseRecordExact): written back as the bare integer it was.
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? BIG + String(x) : x)).replace(BIG_OUT, '$1');
  }
}

/**
 * Marks an integer too big for a double while it passes through JSON.parse. It starts with U+0000,
 * which a JSON string can only hold written as `\u0000`; records containing that are parsed
 * plainly, so no real string is ever taken for a number.
 */
const BIG = '\u0000big:';
const BIG_ESCAPED = '\\u0000big:';
const ESCAPED_NUL = '\\u0000';
const BIG_OUT = /"\\u0000big:(-?\d+)"/g;
/** Only a record with 16 digits in a row can hold an integer beyond 2^53. */
const LONG_DIGITS = /\d{16}/;

/**
 * A record's JSON for reading paths out of it, with integers beyond 2^53 kept exact as BigInt
 * (JSON.parse would turn 1234567890123456789 into ...800, and a filter on the exact id would find
 * nothing). Records without such a number cost one native regex test more than JSON.parse.
 */
export function parseRecordExact(text: string): unknown {
  if (!LONG_DIGITS.test(text) || text.includes(ESCAPED_NUL)) return JSON.parse(text);
  const marked = markBigIntegers(text);
  if (marked === text) return JSON.parse(text);
  return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(BIG) ? BigInt(v.slice(BIG.length)) : v));
}

/** Quotes every unsafe integer outside strings behind the marker; one pass, strings skipped whole. */
function markBigIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      if (next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */) {
        while (i < n && isNumberChar(text.charCodeAt(i))) i++;
        continue;
      }
      const token = text.slice(start, i);
      if (token.length >= 16 && !Number.isSafeInteger(Number(token))) {
        out += text.slice(last, start) + '"' + BIG_ESCAPED + token + '"';
        last = i;
      }
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNumberChar(c: number): boolean {
  return isDigit(c) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}
