/**
 * Pure helpers shared by the components: number and time formatting, building filter terms that
 * the filter language reads back exactly (DESIGN.md, "The filter language"), and JSON paths.
 * No DOM here, so the unit tests run it under node.
 */
import type { FacetValue, HistogramDto, ServerAggregateDto, SourceSummary } from '../src/protocol';

const NUMBER = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return NUMBER.format(n);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2024-05-01 12:34:56` (UTC) from epoch ms; '' for anything that is not a finite number. */
export function formatTime(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Full ISO 8601 with milliseconds, for filters and copies of a time cell. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/**
 * UTC label for a timeline tick, precise enough for the tick step. The first tick and every tick
 * on a new UTC day carry the date, so a zoomed-in axis still says which day it shows.
 */
export function tickLabel(ms: number, stepMs: number, prevMs?: number): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (stepMs >= 86_400_000) return date;
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  const time = stepMs < 60_000 ? `${hm}:${pad(d.getUTCSeconds())}` : hm;
  const day = Math.floor(ms / 86_400_000);
  if (prevMs !== undefined && Math.floor(prevMs / 86_400_000) === day) return time;
  const midnight = ms % 86_400_000 === 0;
  if (prevMs === undefined) return midnight && stepMs >= 3_600_000 ? date : `${date} ${time}`;
  return midnight && stepMs >= 3_600_000 ? date : `${date.slice(5)} ${time}`;
}

/** Human duration for a bucket ("5 min", "1 h", "1 day"). */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? '1 day' : `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

// ---- filter terms ------------------------------------------------------------------------------

/** A value in double quotes: inside quotes only `\` and `"` need a backslash. */
export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

const FIELD_SEGMENT = /^[\p{L}\p{N}_@$][\p{L}\p{N}_@$-]*$/u;

/** True when `field` can stand before a colon in the filter language. */
export function isFilterField(field: string): boolean {
  return field.length > 0 && field.length <= 500 && field.split('.').every((s) => FIELD_SEGMENT.test(s));
}

/**
 * `field:"value"` (or `-field:"value"`). A field the language cannot name falls back to a quoted
 * free-text phrase, which still narrows to events containing the value.
 */
export function filterTerm(field: string, value: string, exclude = false): string {
  const neg = exclude ? '-' : '';
  if (!isFilterField(field)) return value === '' ? '' : `${neg}${quoteValue(value)}`;
  return `${neg}${field}:${quoteValue(value)}`;
}

function termIndex(filter: string, term: string): number {
  let from = 0;
  while (true) {
    const i = filter.indexOf(term, from);
    if (i < 0) return -1;
    const before = i === 0 ? ' ' : filter[i - 1];
    const after = i + term.length >= filter.length ? ' ' : filter[i + term.length];
    if (/\s/.test(before) && /\s/.test(after)) return i;
    from = i + 1;
  }
}

/**
 * Adds a term to a filter (terms are ANDed). A term already present is not added twice, and adding
 * `-x:"v"` replaces `x:"v"` (and the other way round) instead of producing an empty result.
 */
export function addTerm(filter: string, term: string): string {
  const f = filter.trim();
  if (term === '') return f;
  if (termIndex(f, term) >= 0) return f;
  const opposite = term.startsWith('-') ? term.slice(1) : `-${term}`;
  const j = termIndex(f, opposite);
  if (j >= 0) {
    return (f.slice(0, j) + term + f.slice(j + opposite.length)).trim();
  }
  return f === '' ? term : `${f} ${term}`;
}

// ---- JSON paths ----------------------------------------------------------------------------------

export type PathSegment = string | number;

/** Dotted path as users read it: `userIdentity.sessionContext.sessionIssuer.userName`, `resources.0.ARN`. */
export function dottedPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}

/**
 * Normalized field names, the CloudTrail aliases that resolve to them and the derived fields
 * (core/event.ts NORMALIZED_FIELDS, FIELD_ALIASES and PATH_ALIASES, core/derivedFields.ts;
 * test/webview/format.test.ts keeps this list in step). A raw
 * path whose name collides with one of these needs the `raw.` prefix to mean the raw field.
 */
export const RESERVED_FIELDS = [
  'time', 'id', 'provider', 'account', 'action', 'actor', 'service', 'region', 'sourceIp', 'userAgent',
  'outcome', 'error', 'source', 'resources',
  'eventID', 'eventTime', 'eventName', 'eventSource', 'awsRegion', 'sourceIPAddress', 'errorCode',
  'recipientAccountId', 'resources.ARN',
  // PATH_ALIASES
  'accessKey',
  // Derived fields (core/derivedFields.ts): computed from the events, and suggested like the others.
  'principal', 'origin', 'session', 'country', 'asn', 'asOrg', 'ipClass', 'rule', 'level',
];
const RESERVED_LOWER = new Set(RESERVED_FIELDS.map((f) => f.toLowerCase()));

/**
 * The filter field for a node of the raw event: array indices are dropped (a path into an array
 * matches if any element matches), and a path that would resolve to a normalized field gets `raw.`.
 * Undefined when a key cannot be written as a field name.
 */
export function filterFieldForPath(path: readonly PathSegment[]): string | undefined {
  const segs = path.filter((s): s is string => typeof s === 'string');
  if (segs.length === 0) return undefined;
  const field = segs.join('.');
  if (!isFilterField(field)) return undefined;
  return RESERVED_LOWER.has(field.toLowerCase()) ? `raw.${field}` : field;
}

/** Text of a JSON leaf as the filter language compares it. */
export function leafText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

// ---- grid geometry -------------------------------------------------------------------------------

/**
 * Scaled scrolling: Chromium caps an element's height near 33.5M px (Firefox near 17.9M), so the
 * spacer is never taller than `maxSpacer`; past that the scrollbar position is mapped linearly onto
 * the full content height.
 */
export class ScrollMap {
  constructor(
    readonly count: number,
    readonly rowHeight: number,
    /** Height of the rows area (viewport minus header). */
    readonly viewHeight: number,
    readonly maxSpacer = 15_000_000,
  ) {}

  /** Full content height, in virtual px. */
  get contentHeight(): number {
    return this.count * this.rowHeight;
  }

  /** Height the spacer gets in the DOM. */
  get spacerHeight(): number {
    return Math.min(this.contentHeight, this.maxSpacer);
  }

  get scaled(): boolean {
    return this.contentHeight > this.maxSpacer;
  }

  get maxContentTop(): number {
    return Math.max(0, this.contentHeight - this.viewHeight);
  }

  get maxScrollTop(): number {
    return Math.max(0, this.spacerHeight - this.viewHeight);
  }

  /** Virtual px from the top of row 0 that the top of the view shows, for a scrollTop. */
  contentTop(scrollTop: number): number {
    const ms = this.maxScrollTop;
    if (ms <= 0) return 0;
    const s = Math.min(Math.max(0, scrollTop), ms);
    if (!this.scaled) return s;
    return (s / ms) * this.maxContentTop;
  }

  /** The scrollTop that shows `contentTop` (inverse of contentTop()). */
  scrollTop(contentTop: number): number {
    const mc = this.maxContentTop;
    const c = Math.min(Math.max(0, contentTop), mc);
    if (!this.scaled) return c;
    return mc <= 0 ? 0 : (c / mc) * this.maxScrollTop;
  }
}

/** Most bars a server histogram may turn into: more would be a broken answer, not a timeline. */
const MAX_SERVER_BUCKETS = 10_000;

/** A server histogram (sparse buckets, oldest first) as the timeline's dense HistogramDto. */
export function serverHistogram(h: { bucketMs: number; buckets: Array<{ time: number; count: number }> }): HistogramDto {
  const b = h.bucketMs;
  const buckets = h.buckets.filter((x) => Number.isFinite(x.time) && Number.isFinite(x.count));
  if (!(b > 0) || buckets.length === 0) return { start: 0, bucketMs: b > 0 ? b : 86_400_000, counts: [], untimed: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const x of buckets) {
    if (x.time < min) min = x.time;
    if (x.time > max) max = x.time;
  }
  const n = Math.min(MAX_SERVER_BUCKETS, Math.floor((max - min) / b) + 1);
  const counts = new Array<number>(n).fill(0);
  for (const x of buckets) {
    const i = Math.floor((x.time - min) / b);
    if (i < n) counts[i] += x.count;
  }
  return { start: min, bucketMs: b, counts, untimed: 0 };
}

/**
 * The API counts of every live source of a panel, as one: facet counts add up by value, the
 * notes are kept per source (they say what each number covers), histograms add up when their
 * buckets are the same size (another size is left out, and the note says so).
 */
export function mergeServerAggregates(sources: readonly SourceSummary[]): ServerAggregateDto | undefined {
  const withServer = sources.filter((s) => s.live?.server);
  if (withServer.length === 0) return undefined;
  if (withServer.length === 1) return withServer[0].live?.server;
  const notes: string[] = [];
  const facets = new Map<string, Map<string, number>>();
  let total: number | undefined = 0;
  let bucketMs: number | undefined;
  const buckets = new Map<number, number>();
  for (const s of withServer) {
    const a = s.live?.server;
    if (!a) continue;
    let note = `${s.label}: ${a.note}`;
    total = total !== undefined && a.total !== undefined ? total + a.total : undefined;
    for (const [field, values] of Object.entries(a.facets)) {
      const m = facets.get(field) ?? new Map<string, number>();
      facets.set(field, m);
      for (const v of values) m.set(v.value, (m.get(v.value) ?? 0) + v.count);
    }
    if (a.histogram) {
      bucketMs ??= a.histogram.bucketMs;
      if (a.histogram.bucketMs === bucketMs) for (const b of a.histogram.buckets) buckets.set(b.time, (buckets.get(b.time) ?? 0) + b.count);
      else note += ' (its timeline uses other buckets and is not shown)';
    }
    notes.push(note);
  }
  const out: ServerAggregateDto = { note: notes.join('\n'), facets: {} };
  if (total !== undefined) out.total = total;
  for (const [field, m] of facets) {
    out.facets[field] = [...m].map(([value, count]): FacetValue => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  if (bucketMs !== undefined) out.histogram = { bucketMs, buckets: [...buckets].sort((a, b) => a[0] - b[0]).map(([time, count]) => ({ time, count })) };
  return out;
}

// ---- raw event text ------------------------------------------------------------------------------

/** A run of raw event text; `string` runs are JSON string literals, quotes included. */
export interface RawRun {
  text: string;
  string: boolean;
}

/**
 * The raw text cut into JSON string literals and what lies between them, so each string can be its
 * own bidi island in the Raw view (a right-to-left string cannot reorder the keys around it). Text
 * that is not JSON still splits at its quotes, which is harmless. Bounded: past `maxRuns` runs (or
 * for text over `maxChars`) the rest is one run, so a huge event stays a handful of DOM nodes.
 */
export function rawRuns(raw: string, maxRuns = 5_000, maxChars = 2_000_000): RawRun[] {
  if (raw.length > maxChars) return [{ text: raw, string: false }];
  const out: RawRun[] = [];
  let last = 0;
  let i = 0;
  while (i < raw.length && out.length < maxRuns) {
    const q = raw.indexOf('"', i);
    if (q < 0) break;
    let j = q + 1;
    while (j < raw.length && raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
    const end = Math.min(raw.length, j + 1);
    if (q > last) out.push({ text: raw.slice(last, q), string: false });
    out.push({ text: raw.slice(q, end), string: true });
    last = i = end;
  }
  if (last < raw.length) out.push({ text: raw.slice(last), string: false });
  return out;
}

// ---- field-name completion ----------------------------------------------------------------------

export interface FieldCompletion {
  /** The typed part of the field name: [start, end) of the text, replaced on accept. */
  start: number;
  end: number;
  options: string[];
}

const TERM_BREAK = /[\s()]/;

/**
 * Field names for the word at the caret, while it is still a field name (no `:` or quote yet):
 * names starting with it first, then names containing it, case-insensitively. Undefined when
 * nothing fits or the word is already a whole field name.
 */
export function fieldCompletion(text: string, caret: number, fields: readonly string[], max = 12): FieldCompletion | undefined {
  const at = Math.max(0, Math.min(text.length, caret));
  let start = at;
  while (start > 0 && !TERM_BREAK.test(text[start - 1])) start--;
  if (text[start] === '-') start++;
  let end = at;
  while (end < text.length && !TERM_BREAK.test(text[end]) && text[end] !== ':') end++;
  const word = text.slice(start, end);
  if (word.length === 0 || /[:"\\*?]/.test(word) || at < start) return undefined;
  const w = word.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  const seen = new Set<string>();
  for (const f of fields) {
    const l = f.toLowerCase();
    if (seen.has(l)) continue;
    seen.add(l);
    if (l.startsWith(w)) starts.push(f);
    else if (l.includes(w)) contains.push(f);
  }
  const options = [...starts, ...contains].slice(0, max);
  if (options.length === 0 || (options.length === 1 && options[0].toLowerCase() === w)) return undefined;
  return { start, end, options };
}

/** The text with a completion accepted: the word replaced by `field:` (one colon), and where the caret goes. */
export function acceptCompletion(text: string, c: FieldCompletion, field: string): { text: string; caret: number } {
  const colon = text[c.end] === ':' ? '' : ':';
  const before = text.slice(0, c.start) + field + colon;
  return { text: before + text.slice(c.end), caret: before.length + (colon ? 0 : 1) };
}

/** The filter with one field name replaced by another wherever it stands before a colon. */
export function replaceField(filter: string, from: string, to: string): string {
  const esc = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return filter.replace(new RegExp(`(^|[\\s(-])${esc}(?=:)`, 'gi'), `$1${to}`);
}
