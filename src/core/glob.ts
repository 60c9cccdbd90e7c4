/**
 * Glob matching (`*` any run, `?` one character, whole value, case-insensitive) without regular
 * expressions. Filters are typed by anyone and evaluated on the extension host, where a
 * backtracking regex (`*a*a*b` against a 5,000-character user agent ran for minutes) would freeze
 * every extension, and a long pattern made V8 throw "Regular expression too large".
 *
 * The pattern is cut at its stars into segments: the first must match at the start, the last at
 * the end, and each one in between is placed at its leftmost match after the previous one. Leftmost
 * placement never loses a match (anything a later segment could use stays to its right), so there
 * is no backtracking: a value of n characters costs at most n × (longest segment) character
 * comparisons, and a plain `*word*` is one indexOf-like scan.
 *
 * Case folding is what a regex with flag `i` (no `u`) does, per UTF-16 unit: both sides upper-cased
 * when that yields one unit, never mapping a non-ASCII unit onto ASCII. `?` is one UTF-16 unit and
 * `*`/`?` match line breaks, as the regexes did (flag `s`).
 */

/** One glob compiled: `segs[i][j]` is a folded UTF-16 unit, or ANY for `?`. */
export interface CompiledGlob {
  readonly segs: readonly Int32Array[];
  /** False when the pattern has no `*`: then the one segment is the whole value. */
  readonly star: boolean;
}

const ANY = -1;

let foldTable: Uint16Array | undefined;

/** Canonicalize() of ECMAScript non-Unicode case-insensitive regexes, for all 65,536 units, built once. */
function folds(): Uint16Array {
  if (foldTable) return foldTable;
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    const u = String.fromCharCode(c).toUpperCase();
    const cu = u.length === 1 ? u.charCodeAt(0) : c;
    t[c] = c >= 128 && cu < 128 ? c : cu;
  }
  foldTable = t;
  return t;
}

/** Compiles canonical glob source (`*`, `?` wildcards; `\*`, `\?`, `\\` literal; see query.ts). */
export function compileGlob(source: string): CompiledGlob {
  const fold = folds();
  const segs: Int32Array[] = [];
  let cur: number[] = [];
  let star = false;
  for (let i = 0; i < source.length; i++) {
    let c = source.charCodeAt(i);
    if (c === 42 /* * */) {
      segs.push(Int32Array.from(cur));
      cur = [];
      star = true;
      // A run of stars is one star.
      while (source.charCodeAt(i + 1) === 42) i++;
      continue;
    }
    if (c === 63 /* ? */) {
      cur.push(ANY);
      continue;
    }
    if (c === 92 /* \ */ && i + 1 < source.length) c = source.charCodeAt(++i);
    cur.push(fold[c]);
  }
  segs.push(Int32Array.from(cur));
  return { segs, star };
}

let steps = 0;

/** Character comparisons made by matchGlob so far: a deterministic measure of its work, for tests. */
export function globSteps(): number {
  return steps;
}

export function matchGlob(g: CompiledGlob, value: string): boolean {
  const segs = g.segs;
  const n = value.length;
  const first = segs[0];
  if (!g.star) return n === first.length && matchAt(value, 0, first);
  const last = segs[segs.length - 1];
  if (first.length + last.length > n) return false;
  if (!matchAt(value, 0, first)) return false;
  const end = n - last.length;
  if (!matchAt(value, end, last)) return false;
  let pos = first.length;
  for (let s = 1; s < segs.length - 1; s++) {
    const seg = segs[s];
    const at = find(value, pos, end, seg);
    if (at < 0) return false;
    pos = at + seg.length;
  }
  return true;
}

/** Leftmost p in [from, to - seg.length] where seg matches, or -1. */
function find(value: string, from: number, to: number, seg: Int32Array): number {
  const len = seg.length;
  if (len === 0) return from;
  const fold = folds();
  const head = seg[0];
  for (let p = from; p + len <= to; p++) {
    steps++;
    if (head !== ANY && fold[value.charCodeAt(p)] !== head) continue;
    if (matchAt(value, p, seg)) return p;
  }
  return -1;
}

function matchAt(value: string, at: number, seg: Int32Array): boolean {
  const fold = folds();
  for (let j = 0; j < seg.length; j++) {
    steps++;
    const want = seg[j];
    if (want !== ANY && fold[value.charCodeAt(at + j)] !== want) return false;
  }
  return true;
}
