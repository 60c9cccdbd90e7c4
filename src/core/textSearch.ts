/**
 * Free-text search over the raw bytes of events, case-insensitive for ASCII.
 *
 * Raw bytes are stored compressed: candidate rows are taken in runs that share a raw segment, each
 * run's blocks are inflated once (not through the detail cache), and the run is searched while its
 * text is at hand. Rather than a byte loop in JavaScript, each run is viewed as one latin1 string (a memcpy, one byte per char) and searched with a compiled regular
 * expression, which V8 runs as native code; a match position maps back to its row, and the search
 * resumes at that row's end. Latin1 keeps byte offsets equal to string offsets, so UTF-8 needles
 * match as their byte sequence.
 *
 * Free text finds what the user sees, the decoded strings: `Zürich` is also found where the JSON
 * holds `Z\u00fcrich`, `a/b` where it holds `a\/b`, `say "hi"` in `say \"hi\"`.
 */
import type { RawReader, RawWindow } from './rawReader';
import { RawDataError } from './rawSegment';
import { RUN_FIELDS, runShared, shouldParallelize, watchStore, type SharedSearch } from './searchPool';
import type { EventStore } from './store';

/**
 * Needles longer than this are searched by decoding each candidate (searchDecoded): the
 * escape-aware pattern grows ~30× the needle, and V8 refuses regexes much beyond 30,000 characters.
 */
const MAX_PATTERN_NEEDLE = 256;

export function searchText(store: EventStore, needle: string, cand: Uint32Array): Uint32Array {
  if (needle.length === 0) return cand;
  if (needle.length > MAX_PATTERN_NEEDLE) return searchDecoded(store, needle, cand);
  const search = new RunSearch(needle);
  const runs: number[] = [];
  let bytes = 0;
  planRuns(store, cand, (from, to, seg, lo, hi) => {
    runs.push(from, to, seg, lo, hi);
    bytes += hi - lo;
  });
  if (shouldParallelize(bytes)) return searchShared(store, search, needle, cand, runs);
  const out = new Uint32Array(cand.length);
  let n = 0;
  for (let k = 0; k < runs.length; k += RUN_FIELDS) {
    withWindows(store.rawReader, runs[k + 2], runs[k + 3], runs[k + 4], cand.subarray(runs[k], runs[k + 1]), store, (rows, w) => {
      const hits = search.run(rows, w, store);
      out.set(hits, n);
      n += hits.length;
    });
  }
  return out.subarray(0, n);
}

/**
 * Calls `fn` with the run's rows and one window over [lo, hi). When some of its blocks are
 * damaged, each row is read on its own instead: rows in readable blocks are still searched, rows
 * in a damaged block are passed over (reading such a row reports the damage).
 */
function withWindows(reader: RawReader, seg: number, lo: number, hi: number, rows: Uint32Array, bounds: RowBounds, fn: (rows: Uint32Array, w: RawWindow) => void): void {
  const w = windowOf(reader, seg, lo, hi, false);
  if (w) {
    fn(rows, w);
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    // Kept in the cache: the rows of one readable block come one after another.
    const one = windowOf(reader, seg, bounds.rawStart[rows[i]], bounds.rawEnd[rows[i]], true);
    if (one) fn(rows.subarray(i, i + 1), one);
  }
}

/** A run's window, or undefined when its stored bytes are damaged (its rows then match nothing). */
function windowOf(reader: RawReader, seg: number, lo: number, hi: number, keep: boolean): RawWindow | undefined {
  try {
    return reader.window(seg, lo, hi, keep);
  } catch (err) {
    if (!isDamaged(err)) throw err;
    return undefined;
  }
}

/** The same search on every core (see searchPool.ts); the result is identical, candidates' order kept. */
function searchShared(store: EventStore, search: RunSearch, needle: string, cand: Uint32Array, runs: number[]): Uint32Array {
  const n = cand.length;
  const job: SharedSearch = {
    needle,
    runs: new Uint32Array(new SharedArrayBuffer(runs.length * 4)),
    bounds: new Uint32Array(new SharedArrayBuffer(n * 8)),
    counters: new Int32Array(new SharedArrayBuffer(8)),
    runDone: new Uint8Array(new SharedArrayBuffer(runs.length / RUN_FIELDS)),
    marks: new Uint8Array(new SharedArrayBuffer(n)),
  };
  job.runs.set(runs);
  const { rawStart, rawEnd } = store;
  for (let i = 0; i < n; i++) {
    job.bounds[i] = rawStart[cand[i]];
    job.bounds[n + i] = rawEnd[cand[i]];
  }
  watchStore(store, store.id);
  runShared(store.id, store.segments, job, (k) => searchSharedRun(job, k, store.rawReader, search));
  const out = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (job.marks[i] === 1) out[m++] = cand[i];
  return out.subarray(0, m);
}

/** Searches run k of a shared search and marks its hits (on whichever thread took it). */
export function searchSharedRun(job: SharedSearch, k: number, reader: RawReader, search: RunSearch): void {
  const o = k * RUN_FIELDS;
  const from = job.runs[o];
  const to = job.runs[o + 1];
  const n = job.marks.length;
  const bounds: RowBounds = { rawStart: job.bounds.subarray(0, n), rawEnd: job.bounds.subarray(n) };
  // Rows here are candidate indexes: bounds are per candidate.
  const rows = new Uint32Array(to - from);
  for (let i = 0; i < rows.length; i++) rows[i] = from + i;
  withWindows(reader, job.runs[o + 2], job.runs[o + 3], job.runs[o + 4], rows, bounds, (part, w) => {
    const hits = search.run(part, w, bounds);
    for (let i = 0; i < hits.length; i++) job.marks[hits[i]] = 1;
  });
}

/** Rows whose raw bytes could not be decompressed (they match nothing; reading them says why). */
function isDamaged(err: unknown): boolean {
  return err instanceof RawDataError;
}

/** Below this many bytes a run's window is one inflate; past it, runs are cut so a window stays bounded. */
const MAX_WINDOW = 16 * 1024 * 1024;

/** Where each row's raw bytes lie in its segment (the store's arrays, or a worker's copy for its rows). */
export interface RowBounds {
  readonly rawStart: ArrayLike<number>;
  readonly rawEnd: ArrayLike<number>;
}

/**
 * Cuts candidate rows (in their order) into runs that share a raw segment and fit one window:
 * calls `fn(from, to, seg, lo, hi)` for cand[from..to), whose bytes lie in [lo, hi) of `seg`.
 */
export function planRuns(store: EventStore, cand: Uint32Array, fn: (from: number, to: number, seg: number, lo: number, hi: number) => void): void {
  const { rawSeg, rawStart, rawEnd } = store;
  let i = 0;
  while (i < cand.length) {
    const seg = rawSeg[cand[i]];
    let lo = rawStart[cand[i]];
    let hi = rawEnd[cand[i]];
    let j = i + 1;
    while (j < cand.length && rawSeg[cand[j]] === seg) {
      const r = cand[j];
      const nlo = Math.min(lo, rawStart[r]);
      const nhi = Math.max(hi, rawEnd[r]);
      if (nhi - nlo > MAX_WINDOW) break;
      lo = nlo;
      hi = nhi;
      j++;
    }
    fn(i, j, seg, lo, hi);
    i = j;
  }
}

/**
 * Calls `fn` with each run of candidates (see planRuns) and its window: every block is inflated
 * once per run, and a run's rows are searched while its text is at hand. A run whose bytes are
 * damaged is passed over (its rows match nothing; reading such a row reports the damage).
 */
function forEachRun(store: EventStore, cand: Uint32Array, fn: (rows: Uint32Array, w: RawWindow) => void): void {
  planRuns(store, cand, (from, to, seg, lo, hi) => withWindows(store.rawReader, seg, lo, hi, cand.subarray(from, to), store, fn));
}

/** One needle's patterns, applied run by run (on this thread or a search worker). */
export class RunSearch {
  private readonly literal: RegExp;
  private escaped: RegExp | undefined;
  private readonly prefixes: Buffer[];
  private readonly chars: ReadonlySet<string>;
  private readonly ascii: boolean;

  constructor(private readonly needle: string) {
    // eslint-disable-next-line no-control-regex -- any 7-bit char, controls included
    const ascii = /^[\x00-\x7f]*$/.test(needle);
    this.ascii = ascii;
    this.literal = ascii ? needleRegExp(needle) : escapedNeedleRegExp(needle);
    this.prefixes = ascii ? escapePrefixes(needle) : [];
    this.chars = new Set(needle.toLowerCase());
  }

  /** The rows of `rows` (a subsequence, in order) whose bytes in `w` match the needle. */
  run(rows: Uint32Array, w: RawWindow, store: RowBounds): Uint32Array {
    const hits = scan(store, w, this.literal, rows);
    if (!this.ascii || hits.length === rows.length) return hits;
    // The literal bytes first (native, the common case); then, among the rest, only records holding
    // an escape that could spell a character of the needle are searched for its escaped forms.
    const escapes = new EscapeFinder(store, w, this.prefixes, this.chars);
    const rest = new Uint32Array(rows.length - hits.length);
    let n = 0;
    for (let i = 0, h = 0; i < rows.length; i++) {
      if (h < hits.length && hits[h] === rows[i]) h++;
      else if (escapes.holds(rows[i])) rest[n++] = rows[i];
    }
    if (n === 0) return hits;
    // Built only now: the escape-aware pattern is ~30× the needle, and most searches never need it.
    this.escaped ??= escapedNeedleRegExp(this.needle);
    const extra = scan(store, w, this.escaped, rest.subarray(0, n));
    if (extra.length === 0) return hits;
    // Both are subsequences of rows: merge them back into its order.
    const out = new Uint32Array(hits.length + extra.length);
    let k = 0;
    for (let i = 0, h = 0, e = 0; i < rows.length; i++) {
      if (h < hits.length && hits[h] === rows[i]) out[k++] = hits[h++];
      else if (e < extra.length && extra[e] === rows[i]) out[k++] = extra[e++];
    }
    return out;
  }
}

/**
 * Rows of `cand` (in its order, all in window `w`) whose raw bytes, viewed as latin1, match `re`
 * (flag g) within the row.
 */
function scan(store: RowBounds, w: RawWindow, re: RegExp, cand: Uint32Array): Uint32Array {
  const out = new Uint32Array(cand.length);
  let n = 0;
  const { rawStart, rawEnd } = store;
  let lo = Infinity;
  let hi = 0;
  let ordered = true;
  let sum = 0;
  for (let k = 0; k < cand.length; k++) {
    const r = cand[k];
    if (k > 0 && rawStart[r] < rawEnd[cand[k - 1]]) ordered = false;
    if (rawStart[r] < lo) lo = rawStart[r];
    if (rawEnd[r] > hi) hi = rawEnd[r];
    sum += rawEnd[r] - rawStart[r];
  }
  const buf = w.buf;
  const base = w.base;
  if (ordered && hi - lo < 4 * sum + 65536) {
    // One string for the whole run; rows are in byte order, so one forward pass maps matches to rows.
    const text = buf.toString('latin1', lo - base, hi - base);
    let k = 0;
    re.lastIndex = 0;
    while (k < cand.length) {
      const r = cand[k];
      const from = rawStart[r] - lo;
      if (re.lastIndex < from) re.lastIndex = from;
      const m = re.exec(text);
      if (!m) break;
      const at = m.index;
      while (k < cand.length && rawEnd[cand[k]] - lo <= at) k++;
      if (k < cand.length && rawStart[cand[k]] - lo <= at && at + m[0].length <= rawEnd[cand[k]] - lo) {
        out[n++] = cand[k];
        re.lastIndex = rawEnd[cand[k]] - lo;
        k++;
      } else {
        re.lastIndex = at + 1;
      }
    }
  } else {
    for (let k = 0; k < cand.length; k++) {
      const r = cand[k];
      re.lastIndex = 0;
      if (re.test(buf.toString('latin1', rawStart[r] - base, rawEnd[r] - base))) out[n++] = r;
    }
  }
  return out.subarray(0, n);
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
  /** Absolute offsets in the segment of each prefix's next occurrence (-1: not looked for yet). */
  private readonly next: number[];
  private lastStart = -1;

  constructor(
    private readonly store: RowBounds,
    private readonly w: RawWindow,
    private readonly prefixes: readonly Buffer[],
    /** The needle's characters, lower-cased: what a `\u` escape must spell to count. */
    private readonly chars: ReadonlySet<string>,
  ) {
    this.next = prefixes.map(() => -1);
  }

  holds(row: number): boolean {
    const { rawStart, rawEnd } = this.store;
    const start = rawStart[row];
    const end = rawEnd[row];
    if (start < this.lastStart) this.next.fill(-1);
    this.lastStart = start;
    for (let k = 0; k < this.prefixes.length; k++) {
      if (this.next[k] !== -1 && this.next[k] < start) this.next[k] = -1;
      if (this.next[k] === -1) this.next[k] = this.find(k, start);
      if (this.next[k] + this.prefixes[k].length <= end) return true;
    }
    return false;
  }

  /** The next occurrence of prefix k at or after `from` that can spell a needle character. */
  private find(k: number, from: number): number {
    const { buf, base } = this.w;
    const prefix = this.prefixes[k];
    let at = from - base;
    for (;;) {
      const q = buf.indexOf(prefix, at);
      if (q < 0) return Infinity;
      if (k !== 0 || this.spellsNeedleChar(buf, q)) return q + base;
      at = q + 2;
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
  const { rawStart, rawEnd } = store;
  forEachRun(store, cand, (rows, w) => {
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      const text = w.buf.toString('utf8', rawStart[r] - w.base, rawEnd[r] - w.base);
      if (text.toLowerCase().includes(want) || (text.includes('\\') && decodedIncludes(text, want))) out[n++] = r;
    }
  });
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
