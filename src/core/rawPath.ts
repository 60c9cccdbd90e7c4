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
  return JSON.stringify(v);
}
