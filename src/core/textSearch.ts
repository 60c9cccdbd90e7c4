/**
 * Free-text search over the raw bytes of events, case-insensitive for ASCII.
 *
 * Rather than a byte loop in JavaScript, each run of candidate rows that share a raw segment is
 * viewed as one latin1 string (a memcpy, one byte per char) and searched with a compiled regular
 * expression, which V8 runs as native code; a match position maps back to its row, and the search
 * resumes at that row's end. Latin1 keeps byte offsets equal to string offsets, so UTF-8 needles
 * match as their byte sequence.
 *
 * Free text finds what the user sees, the decoded strings: `Zürich` is also found where the JSON
 * holds `Z\u00fcrich`, `a/b` where it holds `a\/b`, `say "hi"` in `say \"hi\"`.
 */
import type { EventStore } from './store';

/**
 * Needles longer than this are searched by decoding each candidate (searchDecoded): the
 * escape-aware pattern grows ~30× the needle, and V8 refuses regexes much beyond 30,000 characters.
 */
const MAX_PATTERN_NEEDLE = 256;

export function searchText(store: EventStore, needle: string, cand: Uint32Array): Uint32Array {
  if (needle.length === 0) return cand;
  if (needle.length > MAX_PATTERN_NEEDLE) return searchDecoded(store, needle, cand);
  // eslint-disable-next-line no-control-regex -- any 7-bit char, controls included
  if (!/^[\x00-\x7f]*$/.test(needle)) return scan(store, escapedNeedleRegExp(needle), cand);
  // The literal bytes first (native, the common case); then, among the rest, only records holding
  // an escape that could spell a character of the needle are searched for its escaped forms.
  const hits = scan(store, needleRegExp(needle), cand);
  if (hits.length === cand.length) return hits;
  const escapes = new EscapeFinder(store, escapePrefixes(needle), new Set(needle.toLowerCase()));
  const rest = new Uint32Array(cand.length - hits.length);
  let n = 0;
  for (let i = 0, h = 0; i < cand.length; i++) {
    if (h < hits.length && hits[h] === cand[i]) h++;
    else if (escapes.holds(cand[i])) rest[n++] = cand[i];
  }
  if (n === 0) return hits;
  // Built only now: the escape-aware pattern is ~30× the needle, and most searches never need it.
  const extra = scan(store, escapedNeedleRegExp(needle), rest.subarray(0, n));
  if (extra.length === 0) return hits;
  // Both are subsequences of cand: merge them back into its order.
  const out = new Uint32Array(hits.length + extra.length);
  let k = 0;
  for (let i = 0, h = 0, e = 0; i < cand.length; i++) {
    if (h < hits.length && hits[h] === cand[i]) out[k++] = hits[h++];
    else if (e < extra.length && extra[e] === cand[i]) out[k++] = extra[e++];
  }
  return out;
}

/** Rows of `cand` (in its order) whose raw bytes, viewed as latin1, match `re` (flag g) within the row. */
function scan(store: EventStore, re: RegExp, cand: Uint32Array): Uint32Array {
  const out = new Uint32Array(cand.length);
  let n = 0;
  const { rawSeg, rawStart, rawEnd, segments } = store;
  let i = 0;
  while (i < cand.length) {
    const seg = rawSeg[cand[i]];
    let j = i + 1;
    let lo = rawStart[cand[i]];
    let hi = rawEnd[cand[i]];
    let ordered = true;
    while (j < cand.length && rawSeg[cand[j]] === seg) {
      const r = cand[j];
      if (rawStart[r] < rawEnd[cand[j - 1]]) ordered = false;
      if (rawStart[r] < lo) lo = rawStart[r];
      if (rawEnd[r] > hi) hi = rawEnd[r];
      j++;
    }
    const bytes = segments[seg];
    if (ordered && (hi - lo) < 4 * sumLengths(store, cand, i, j) + 65536) {
      // One string for the whole run; rows are in byte order, so one forward pass maps matches to rows.
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', lo, hi);
      let k = i;
      re.lastIndex = 0;
      while (k < j) {
        const r = cand[k];
        const from = rawStart[r] - lo;
        if (re.lastIndex < from) re.lastIndex = from;
        const m = re.exec(text);
        if (!m) break;
        const at = m.index;
        while (k < j && rawEnd[cand[k]] - lo <= at) k++;
        if (k < j && rawStart[cand[k]] - lo <= at && at + m[0].length <= rawEnd[cand[k]] - lo) {
          out[n++] = cand[k];
          re.lastIndex = rawEnd[cand[k]] - lo;
          k++;
        } else {
          re.lastIndex = at + 1;
        }
      }
    } else {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let k = i; k < j; k++) {
        const r = cand[k];
        re.lastIndex = 0;
        if (re.test(buf.toString('latin1', rawStart[r], rawEnd[r]))) out[n++] = r;
      }
    }
    i = j;
  }
  return out.subarray(0, n);
}

function sumLengths(store: EventStore, cand: Uint32Array, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += store.rawEnd[cand[k]] - store.rawStart[cand[k]];
  return s;
}

/** An ASCII needle as a case-insensitive pattern over latin1-decoded bytes. */
export function needleRegExp(needle: string): RegExp {
  return new RegExp(escapeRegExp(needle), 'gi');
}

/** Escapes JSON may write a character of `needle` with: `\u` for any, and the short ones. */
function escapePrefixes(needle: string): Buffer[] {
  const out = [Buffer.from('\\u', 'latin1')];
  for (const [ch, short] of SHORT_ESCAPES) if (needle.includes(ch)) out.push(Buffer.from('\\' + short, 'latin1'));
  return out;
}

/**
 * Whether a row's raw bytes hold any of the prefixes. Rows come in byte order within a segment, so
 * each prefix's next occurrence is found once and reused until the rows pass it: one native
 * search per segment and prefix, not one per row. A `\u` escape counts only when it spells a
 * character of the needle (`\u0026` cannot help find "AccessDenied"): real logs are full of
 * escapes, and only rows that could match need the slower escape-aware pattern.
 */
class EscapeFinder {
  private seg = -1;
  private buf: Buffer | undefined;
  private readonly next: number[];
  private lastStart = -1;

  constructor(
    private readonly store: EventStore,
    private readonly prefixes: readonly Buffer[],
    /** The needle's characters, lower-cased: what a `\u` escape must spell to count. */
    private readonly chars: ReadonlySet<string>,
  ) {
    this.next = prefixes.map(() => -1);
  }

  holds(row: number): boolean {
    const { rawSeg, rawStart, rawEnd, segments } = this.store;
    const start = rawStart[row];
    const end = rawEnd[row];
    if (rawSeg[row] !== this.seg || start < this.lastStart) {
      this.seg = rawSeg[row];
      const bytes = segments[this.seg];
      this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.next.fill(-1);
    }
    this.lastStart = start;
    const buf = this.buf as Buffer;
    for (let k = 0; k < this.prefixes.length; k++) {
      if (this.next[k] !== -1 && this.next[k] < start) this.next[k] = -1;
      if (this.next[k] === -1) this.next[k] = this.find(buf, k, start);
      if (this.next[k] + this.prefixes[k].length <= end) return true;
    }
    return false;
  }

  /** The next occurrence of prefix k at or after `from` that can spell a needle character. */
  private find(buf: Buffer, k: number, from: number): number {
    const prefix = this.prefixes[k];
    for (;;) {
      const q = buf.indexOf(prefix, from);
      if (q < 0) return Infinity;
      if (k !== 0 || this.spellsNeedleChar(buf, q)) return q;
      from = q + 2;
    }
  }

  private spellsNeedleChar(buf: Buffer, q: number): boolean {
    const hex = buf.toString('latin1', q + 2, q + 6);
    // Not four hex digits (e.g. the `\u` of an escaped backslash before a `u`): no escape at all.
    if (!HEX4.test(hex)) return false;
    return this.chars.has(String.fromCharCode(Number.parseInt(hex, 16)).toLowerCase());
  }
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** JSON's two-character escapes, by the character they stand for. */
const SHORT_ESCAPES: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['\b', 'b'],
  ['\f', 'f'],
  ['\n', 'n'],
  ['\r', 'r'],
  ['\t', 't'],
];

/**
 * A needle as the raw JSON bytes (viewed as latin1) may spell it: each character as its UTF-8
 * bytes, as `\uXXXX` (hex in either case, surrogate pairs for astral characters) or as its short
 * escape, in any of its case variants; a raw backslash also stands for itself, so a needle typed in
 * raw JSON form still finds what it did. What the user sees (decoded text) is found either way.
 */
export function escapedNeedleRegExp(needle: string): RegExp {
  let re = '';
  for (const ch of needle) {
    const forms = new Set<string>();
    for (const v of caseVariants(ch)) {
      forms.add(escapeRegExp(Buffer.from(v, 'utf8').toString('latin1')));
      let esc = '';
      for (let i = 0; i < v.length; i++) esc += '\\\\u' + hexClass(v.charCodeAt(i));
      forms.add(esc);
      const short = SHORT_ESCAPES.find(([c]) => c === v);
      if (short) forms.add('\\\\' + escapeRegExp(short[1]));
    }
    re += forms.size === 1 ? [...forms][0] : `(?:${[...forms].join('|')})`;
  }
  return new RegExp(re, 'g');
}

function caseVariants(ch: string): string[] {
  const out = [ch];
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) if ([...v].length === 1 && !out.includes(v)) out.push(v);
  return out;
}

/** Four hex digits matching either case: `00fc` → `00[fF][cC]`. */
function hexClass(code: number): string {
  let out = '';
  for (const d of code.toString(16).padStart(4, '0')) out += /[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d;
  return out;
}

/**
 * Long needles: each candidate's text is checked as stored and, when it holds a backslash, as its
 * decoded strings (keys and values). Linear in the bytes read; only needles over
 * MAX_PATTERN_NEEDLE characters come here.
 */
function searchDecoded(store: EventStore, needle: string, cand: Uint32Array): Uint32Array {
  const want = needle.toLowerCase();
  const out = new Uint32Array(cand.length);
  let n = 0;
  for (let k = 0; k < cand.length; k++) {
    const text = store.rawText(cand[k]);
    if (text.toLowerCase().includes(want) || (text.includes('\\') && decodedIncludes(text, want))) out[n++] = cand[k];
  }
  return out.subarray(0, n);
}

function decodedIncludes(text: string, want: string): boolean {
  let found = false;
  try {
    JSON.parse(text, (key: string, v: unknown) => {
      if (!found && (key.toLowerCase().includes(want) || (typeof v === 'string' && v.toLowerCase().includes(want)))) found = true;
      return v;
    });
  } catch {
    return false;
  }
  return found;
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
