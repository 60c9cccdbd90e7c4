/**
 * Fields a filter names that no event has (`srcip:1.2.3.4` gives 0 results without saying why),
 * and the closest field that does exist, for the panel's warning ("no event has the field srcip —
 * did you mean sourceIp?") and its field-name completion.
 *
 * Bounded: names are compared up to MAX_NAME characters, each comparison is one edit-distance
 * table of at most MAX_NAME × MAX_NAME, and the caller hands in the known names (the panel's
 * normalized fields, aliases and the raw paths it sampled, at most a few thousand).
 */
import type { QueryNode } from './query';

const MAX_NAME = 100;

/** Every field name a query tests, once each, in order (free text and time terms have none). */
export function queryFields(node: QueryNode): string[] {
  const out = new Set<string>();
  const stack: QueryNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as QueryNode;
    switch (n.type) {
      case 'and':
      case 'or':
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
        break;
      case 'not':
        stack.push(n.child);
        break;
      case 'match':
      case 'exists':
      case 'compare':
        out.add(n.field);
        break;
      default:
        break;
    }
  }
  return [...out];
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), case-sensitive. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length];
}

/** True when every character of `short` appears in `long` in order (`srcip` in `sourceip`). */
function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (let j = 0; j < long.length && i < short.length; j++) if (long[j] === short[i]) i++;
  return i === short.length;
}

/**
 * The known name closest to `field`, or undefined when none is close: a name whose last segment
 * is the field (`bucketName` → `requestParameters.bucketName`), else the smallest edit distance to
 * the whole name or its last segment, accepted up to half the longer name (abbreviations such as
 * `srcip` for `sourceIp` count as closer than other names at the same distance).
 */
export function suggestField(field: string, known: readonly string[]): string | undefined {
  const f = field.toLowerCase().replace(/^raw\./, '');
  if (f.length === 0 || f.length > MAX_NAME) return undefined;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const name of known) {
    const n = name.toLowerCase();
    if (n === f || n.length > MAX_NAME) continue;
    const last = n.slice(n.lastIndexOf('.') + 1);
    let score: number;
    if (last === f) score = 0.5;
    else {
      const whole = editDistance(f, n);
      const tail = last === n ? Infinity : editDistance(f, last) + 0.25;
      score = Math.min(whole, tail);
      const target = whole <= tail ? n : last;
      if (score > Math.max(2, Math.floor(Math.max(f.length, target.length) / 2))) continue;
      if (isSubsequence(f, target) || isSubsequence(target, f)) score -= 0.1;
    }
    if (score < bestScore || (score === bestScore && best !== undefined && name.length < best.length)) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

export interface MissingField {
  field: string;
  /** The closest field that exists, when one is close. */
  suggestion?: string;
}

/** The fields of a query that no event has (by `present`), each with the closest known name. */
export function missingFields(node: QueryNode, present: (field: string) => boolean, known: readonly string[]): MissingField[] {
  const out: MissingField[] = [];
  for (const field of queryFields(node)) {
    if (present(field)) continue;
    const suggestion = suggestField(field, known);
    out.push(suggestion ? { field, suggestion } : { field });
  }
  return out;
}
