/**
 * The filter language (DESIGN.md, "The filter language"): query text → AST. Evaluation over the
 * store lives elsewhere and works only from the AST below, so everything the evaluator needs to know
 * about the text is decided here, once, and the same text means the same thing everywhere.
 *
 * Decisions where the design is silent (the evaluator and the docs rely on these):
 *
 * Structure
 * - Precedence, tightest first: `-`/`NOT` (unary) > `OR` > `AND` (explicit or implicit). So
 *   `a b OR c d` = a AND (b OR c) AND d, `a AND b OR c` = a AND (b OR c), `-a OR b` = (NOT a) OR b.
 * - Keywords are the uppercase words OR, AND, NOT standing alone (followed by whitespace, `(`, `)` or
 *   the end). `OR:x` is the field `OR`; `or`, `and`, `not` are ordinary words; to search for the word
 *   OR, quote it: "OR".
 * - The AST is normalized: nested and-in-and / or-in-or are flattened, an and/or never has a single
 *   child, `(a)` is just `a`. `{ type: 'all' }` only ever appears as the whole query.
 * - `-` negates only when a term follows it directly (`-a`, `-(…)`, `-"…"`); `- a` is an error.
 *   `--a` is NOT NOT a. Parentheses and negations together may nest at most 64 deep.
 * - A term may directly follow a closing `)` (`(a)(b)` = a AND b); a closing quote must be followed
 *   by whitespace, `)` or the end, because `"a"b` is almost always a typo.
 *
 * Words, values and escapes
 * - A bare word or unquoted value ends at whitespace; inside parentheses also at a `)` that does not
 *   close a `(` opened in the same word, so `(actor:f(x) OR b)` keeps `f(x)`. Outside parentheses
 *   `)` inside a word is literal (a lone `)` term is still "Unexpected )").
 * - `\` followed by any character that is not an ASCII letter or digit yields that character
 *   literally (`\*`, `\?`, `\"`, `\:`, `\\`, `\(`, `\)`, `\-`, `\>`, `\ `…). Before a letter or digit,
 *   or at the very end, the backslash itself is literal, so Windows paths like `C:\Users` survive.
 *   The same rule applies inside double quotes.
 * - An unescaped `"` in the middle of a word is an error (quote the whole value or escape it).
 * - `field:(…)` is an error: grouping after a field is not supported; escape the `(` to match it.
 * - Field names: letters and digits (any script), `_ - @ $`, dot-separated, not starting with `-`,
 *   no empty segments. Field names are kept as typed; resolving aliases and case is the evaluator's
 *   job (core/event.ts `resolveField`), except for time, below.
 * - Quoted phrases keep their case (`text.value`, `exact.value`); the evaluator lowercases for
 *   case-insensitive text search. `""` as free text is an error; `field:""` is an exact match of the
 *   empty string (useful for `actor:""`).
 * - Glob `literal` is `value.toLowerCase()`, so the evaluator's fast path compares it with the
 *   candidate's toLowerCase(); `matchGlob` (core/glob.ts, regex-`i` folding) is the reference when
 *   the two could differ.
 * - Glob `source` is canonical glob syntax, not the text as typed: `*`/`?` are wildcards and the only
 *   escapes are `\*`, `\?`, `\\`. `globMatcher(source)` rebuilds a Matcher from it and
 *   `escapeGlob(text)` makes a source matching `text` literally (for "filter to this value").
 *   Globs are never regular expressions: `matcherTest` matches them in linear time (core/glob.ts).
 *
 * Size
 * - A filter is at most MAX_QUERY_LENGTH characters and MAX_TERMS terms; beyond that parseQuery
 *   throws a QueryError saying so (the CLI exits 2), rather than anything running for minutes.
 * - Only the value `*` alone (unescaped) means "present"; `**` is a glob.
 * - `field:>N` needs a plain decimal number (`-1.5`, `1e3`, `.5`); hex, `Infinity` and overflow are
 *   errors. The number may be quoted. An unknown operator like `field:=5` is just a glob value.
 *
 * Time
 * - `time` and `eventTime` (any case) always take times; `time:*`/`eventTime:*` is presence.
 * - A time value denotes a range [start, end): a month, a day, a minute (`T12:00`), a second
 *   (`T12:00:05`), or an instant (fractional seconds, `now`, relative forms) where start = end.
 *   Without a zone the value is UTC. Zones: `Z`, `±hh:mm`, `±hhmm`, `±hh`. The date-time separator
 *   is `T` (or `t`, or a space inside quotes: `time:>"2024-05-01 12:00"`); fractional seconds keep
 *   millisecond precision; expanded years (`+010000-01-01`) are accepted so every time formatQuery
 *   prints parses back. A bare year (`2024`) is not a time. Relative forms (`-30s -15m -24h -7d
 *   -2w`, whole numbers only) and `now` are resolved against `now` at parse time, so the AST holds
 *   absolute epoch ms; a non-finite `now` argument falls back to Date.now().
 * - `time:>V` → time > start, `time:>=V` → time >= start, `time:<V` → time < start ("before V"),
 *   `time:<=V` → time < end for a range ("up to and including V") and time <= start for an instant.
 *   So `time:>=2024-05-01 time:<=2024-05-31` is all of May and `time:>2024-05-01` starts at
 *   2024-05-01T00:00Z, as in the design's example.
 * - `time:V` without operator: a range → `and` of time >= start and time < end; an absolute instant
 *   → `and` of >= and <=; a relative form or `now` → time >= start, so `time:-24h` is "the last 24h".
 *
 * Errors: parseQuery throws nothing but QueryError, whose span points at the offending token and whose
 * message says what to do; columns in messages are 1-based UTF-16 offsets, like spans. Anything
 * unforeseen inside the parser is turned into a QueryError over the whole text rather than escaping.
 */

import { compileGlob, matchGlob } from './glob';
import { LEVEL_FIELD, levelsCompared } from './sigma/detectionFields';

export interface Span {
  start: number;
  end: number;
}

export class QueryError extends Error {
  constructor(
    message: string,
    readonly span: Span,
    readonly token: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export type Comparison = '>' | '<' | '>=' | '<=';

export type Matcher =
  | { kind: 'exact'; value: string }
  | { kind: 'glob'; source: string; literal: string | null };

export type QueryNode =
  | { type: 'all' }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode; span: Span }
  | { type: 'match'; field: string; matcher: Matcher; span: Span }
  | { type: 'exists'; field: string; span: Span }
  | { type: 'compare'; field: string; op: Comparison; value: number; span: Span; /** The number as typed: integers beyond 2^53 compare exactly. */ text?: string }
  | { type: 'time'; op: Comparison; ms: number; span: Span }
  | { type: 'text'; value: string; span: Span };

export const MAX_NESTING = 64;
/** Longer filters are refused: a pasted list of 500 IPs fits, a 40,000-character paste does not. */
export const MAX_QUERY_LENGTH = 10_000;
/** Field, free-text, time and presence terms in one filter. */
export const MAX_TERMS = 1_000;

const FIELD_RE = /^[\p{L}\p{N}_@$][\p{L}\p{N}_@$-]*(?:\.[\p{L}\p{N}_@$-]+)*$/u;
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WS_RE = /\s/;
const ALNUM_RE = /[A-Za-z0-9]/;
const TIME_FIELDS = new Set(['time', 'eventtime']);
const TIME_HINT = '(try 2024-05-01, 2024-05-01T12:00Z or -24h)';

/** True for the field names that always take time values (`time`, `eventTime`, any case). */
export function isTimeField(field: string): boolean {
  return TIME_FIELDS.has(field.toLowerCase());
}

/** True when `field` is a name the parser accepts before a colon. */
export function isFieldName(field: string): boolean {
  return FIELD_RE.test(field);
}

function isSpace(ch: string): boolean {
  return WS_RE.test(ch);
}

function isEscapable(ch: string): boolean {
  return !ALNUM_RE.test(ch);
}

/** Control characters and line breaks as spaces, one for one, so offsets still line up. */
function flatten(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 32 || c === 0x7f || c === 0x2028 || c === 0x2029 ? ' ' : s[i];
  }
  return out;
}

/** Long tokens (pasted queries) would drown the message; the caret line shows the rest. */
function show(token: string): string {
  const oneLine = flatten(token);
  return `"${oneLine.length > 40 ? oneLine.slice(0, 39) + '…' : oneLine}"`;
}

// ---------------------------------------------------------------------------------------------
// Globs

/** Builds a glob matcher from canonical glob source (`*`, `?` wildcards; `\*`, `\?`, `\\` literal). */
export function globMatcher(source: string): Matcher {
  let literal = '';
  let wildcard = false;
  for (let i = 0; i < source.length; i++) {
    let ch = source[i];
    if (ch === '*' || ch === '?') {
      wildcard = true;
      continue;
    }
    if (ch === '\\' && i + 1 < source.length) ch = source[++i];
    literal += ch;
  }
  return { kind: 'glob', source, literal: wildcard ? null : literal.toLowerCase() };
}

/** A matcher as a test of one value: exact, or a glob matched in linear time (never a regex). */
export function matcherTest(m: Matcher): (v: string) => boolean {
  if (m.kind === 'exact') return (v) => v === m.value;
  if (m.literal !== null) {
    const lit = m.literal;
    return (v) => v.toLowerCase() === lit;
  }
  const g = compileGlob(m.source);
  return (v) => matchGlob(g, v);
}

/** Canonical glob source that matches `text` literally (case-insensitively, whole value). */
export function escapeGlob(text: string): string {
  return text.replace(/[\\*?]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Times

const DAY_MS = 86_400_000;
const MAX_TIME_MS = 8.64e15;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
const RELATIVE_RE = /^-(\d{1,15})([smhdw])$/;
const ISO_RE =
  /^([+-]\d{6}|\d{4})-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?$/;

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant); Date.UTC maps years < 100 to 19xx. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

interface TimeRange {
  start: number;
  end: number;
  /** Depends on `now`: relative forms and `now` itself. */
  relative: boolean;
}

function resolveTime(value: string, now: number): TimeRange | undefined {
  if (value.toLowerCase() === 'now') return { start: now, end: now, relative: true };
  const rel = RELATIVE_RE.exec(value);
  if (rel) {
    const ms = now - Number(rel[1]) * UNIT_MS[rel[2]];
    return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS ? { start: ms, end: ms, relative: true } : undefined;
  }
  const m = ISO_RE.exec(value);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const year = Number(ys);
  const month = Number(mos);
  if (month < 1 || month > 12) return undefined;
  if (ds === undefined) {
    const start = daysFromCivil(year, month, 1) * DAY_MS;
    const end = (month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1)) * DAY_MS;
    return Math.abs(start) <= MAX_TIME_MS ? { start, end, relative: false } : undefined;
  }
  const day = Number(ds);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  const dayStart = daysFromCivil(year, month, day) * DAY_MS;
  if (hs === undefined) {
    return Math.abs(dayStart) <= MAX_TIME_MS ? { start: dayStart, end: dayStart + DAY_MS, relative: false } : undefined;
  }
  const hour = Number(hs);
  const minute = Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const fracMs = frac === undefined ? 0 : Math.floor(Number(frac.padEnd(3, '0').slice(0, 3)));
  const start = dayStart + hour * 3_600_000 + minute * 60_000 + second * 1000 + fracMs - offset;
  if (Math.abs(start) > MAX_TIME_MS) return undefined;
  const width = frac !== undefined ? 0 : ss !== undefined ? 1000 : 60_000;
  return { start, end: start + width, relative: false };
}

export function parseTimeValue(value: string, now: number): { start: number; end: number } | undefined {
  const r = resolveTime(value, now);
  return r && { start: r.start, end: r.end };
}

// ---------------------------------------------------------------------------------------------
// Parser

type Keyword = 'AND' | 'OR' | 'NOT';

interface Scan {
  end: number;
  /** The word with escapes resolved. */
  text: string;
  /** The same word as canonical glob source. */
  source: string;
  wildcard: boolean;
  /** Offset of the first unescaped `:` when the scan was asked to stop there. */
  colon?: number;
}

function combine(type: 'and' | 'or', parts: QueryNode[]): QueryNode {
  const children: QueryNode[] = [];
  for (const p of parts) {
    if (p.type === type) children.push(...p.children);
    else children.push(p);
  }
  return children.length === 1 ? children[0] : { type, children };
}

class Parser {
  private pos = 0;
  private parenDepth = 0;
  private nesting = 0;
  private terms = 0;

  constructor(
    private readonly text: string,
    private readonly now: number,
  ) {}

  parse(): QueryNode {
    this.skipSpace();
    if (this.atEnd()) return { type: 'all' };
    return this.parseAnd(false);
  }

  private fail(message: string, start: number, end: number): never {
    throw new QueryError(message, { start, end }, this.text.slice(start, end));
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text[this.pos])) this.pos++;
  }

  private keywordAt(i: number): Keyword | undefined {
    const t = this.text;
    let kw: Keyword;
    if (t.startsWith('OR', i)) kw = 'OR';
    else if (t.startsWith('AND', i)) kw = 'AND';
    else if (t.startsWith('NOT', i)) kw = 'NOT';
    else return undefined;
    const after = t[i + kw.length];
    return after === undefined || isSpace(after) || after === '(' || after === ')' ? kw : undefined;
  }

  /** At a point where a binary operator's right-hand term must start. */
  private termMissing(): boolean {
    if (this.atEnd() || this.text[this.pos] === ')') return true;
    const kw = this.keywordAt(this.pos);
    return kw === 'OR' || kw === 'AND';
  }

  private needsBoth(kw: 'OR' | 'AND', at: number): never {
    this.fail(`${kw} needs a term on both sides (column ${at + 1}); to search for the word, quote it: "${kw}"`, at, at + kw.length);
  }

  private parseAnd(inGroup: boolean): QueryNode {
    const children: QueryNode[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) break;
      if (this.text[this.pos] === ')') {
        if (inGroup) break;
        this.fail(`Unexpected ")" (column ${this.pos + 1}): remove it or add a matching "(" before it`, this.pos, this.pos + 1);
      }
      const kw = this.keywordAt(this.pos);
      if (kw === 'AND') {
        const at = this.pos;
        if (children.length === 0) this.needsBoth('AND', at);
        this.pos += 3;
        this.skipSpace();
        if (this.termMissing()) this.needsBoth('AND', at);
        continue;
      }
      // Any OR with a term on its left was consumed by parseOr; this one has nothing there.
      if (kw === 'OR') this.needsBoth('OR', this.pos);
      children.push(this.parseOr());
    }
    return combine('and', children);
  }

  private parseOr(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      this.skipSpace();
      if (this.keywordAt(this.pos) !== 'OR') break;
      const at = this.pos;
      this.pos += 2;
      this.skipSpace();
      if (this.termMissing()) this.needsBoth('OR', at);
      children.push(this.parseUnary());
    }
    return combine('or', children);
  }

  private parseUnary(): QueryNode {
    // Iterative so a pasted `-------…` cannot recurse; the nesting limit still bounds the AST depth.
    const starts: number[] = [];
    for (;;) {
      const at = this.pos;
      if (this.text[at] === '-') {
        const next = this.text[at + 1];
        if (next === undefined || isSpace(next) || next === ')') {
          this.fail(`"-" needs a term right after it, with no space, e.g. -eventName:Get* (column ${at + 1})`, at, at + 1);
        }
        this.pos++;
      } else if (this.keywordAt(at) === 'NOT') {
        this.pos += 3;
        this.skipSpace();
        if (this.termMissing()) this.fail(`NOT needs a term after it (column ${at + 1})`, at, at + 3);
      } else {
        break;
      }
      starts.push(at);
      if (this.nesting + starts.length > MAX_NESTING) this.tooDeep(at, this.text[at] === '-' ? 1 : 3);
    }
    this.nesting += starts.length;
    let node = this.parsePrimary();
    this.nesting -= starts.length;
    for (let i = starts.length - 1; i >= 0; i--) node = { type: 'not', child: node, span: { start: starts[i], end: this.pos } };
    return node;
  }

  private tooDeep(at: number, len: number): never {
    this.fail(
      `Too deeply nested at column ${at + 1}: at most ${MAX_NESTING} levels of parentheses and negations`,
      at,
      at + len,
    );
  }

  private parsePrimary(): QueryNode {
    const ch = this.text[this.pos];
    if (ch === '(') return this.parseGroup();
    if (++this.terms > MAX_TERMS) {
      this.fail(`Too many terms: a filter has at most ${MAX_TERMS.toLocaleString('en-US')} (this is term ${MAX_TERMS + 1}, column ${this.pos + 1})`, this.pos, this.pos + 1);
    }
    if (ch === '"') {
      const start = this.pos;
      const value = this.readQuoted();
      if (value === '') this.fail(`Empty quotes (column ${start + 1}): put the text to search for between them`, start, this.pos);
      return { type: 'text', value, span: { start, end: this.pos } };
    }
    const kw = this.keywordAt(this.pos);
    if (kw === 'OR' || kw === 'AND') this.needsBoth(kw, this.pos);
    return this.parseWordTerm();
  }

  private parseGroup(): QueryNode {
    const open = this.pos;
    if (this.nesting + 1 > MAX_NESTING) this.tooDeep(open, 1);
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.fail(`Empty parentheses (column ${open + 1}): put a term inside or remove them`, open, this.pos + 1);
    }
    this.nesting++;
    this.parenDepth++;
    const node = this.atEnd() ? undefined : this.parseAnd(true);
    this.nesting--;
    this.parenDepth--;
    if (node === undefined || this.atEnd()) this.fail(`Missing ")" for the "(" at column ${open + 1}`, open, open + 1);
    this.pos++;
    return node;
  }

  /** Reads `"…"` at pos, leaves pos after the closing quote. */
  private readQuoted(): string {
    const t = this.text;
    const open = this.pos;
    let out = '';
    let chunk = open + 1;
    let i = chunk;
    for (;;) {
      if (i >= t.length) this.fail(`Unclosed quote: add a closing " (column ${open + 1})`, open, t.length);
      const ch = t[i];
      if (ch === '"') break;
      if (ch === '\\' && i + 1 < t.length && isEscapable(t[i + 1])) {
        out += t.slice(chunk, i) + t[i + 1];
        i += 2;
        chunk = i;
      } else {
        i++;
      }
    }
    out += t.slice(chunk, i);
    this.pos = i + 1;
    const after = t[this.pos];
    if (after !== undefined && !isSpace(after) && after !== ')') {
      this.fail(`Add a space after the closing quote (column ${this.pos + 1})`, this.pos, this.pos + 1);
    }
    return out;
  }

  /** Scans one unquoted word from `from`; see the header for where it ends. */
  private scan(from: number, stopAtColon: boolean): Scan {
    const t = this.text;
    let i = from;
    let balance = 0;
    let text = '';
    let source = '';
    let wildcard = false;
    while (i < t.length) {
      const ch = t[i];
      if (isSpace(ch)) break;
      if (ch === '\\') {
        const next = t[i + 1];
        if (next !== undefined && isEscapable(next)) {
          text += next;
          source += next === '*' || next === '?' || next === '\\' ? '\\' + next : next;
          i += 2;
        } else {
          text += '\\';
          source += '\\\\';
          i++;
        }
        continue;
      }
      if (ch === '"') {
        this.fail(`Unexpected " inside a term (column ${i + 1}): quote the whole value or escape the quote as \\"`, i, i + 1);
      }
      if (ch === ':' && stopAtColon) return { end: i, text, source, wildcard, colon: i };
      if (ch === '(') balance++;
      else if (ch === ')') {
        if (balance > 0) balance--;
        else if (this.parenDepth > 0) break;
      } else if (ch === '*' || ch === '?') wildcard = true;
      text += ch;
      source += ch;
      i++;
    }
    return { end: i, text, source, wildcard };
  }

  private valueEnds(i: number): boolean {
    const ch = this.text[i];
    return ch === undefined || isSpace(ch) || (ch === ')' && this.parenDepth > 0);
  }

  private parseWordTerm(): QueryNode {
    const start = this.pos;
    const head = this.scan(start, true);
    if (head.colon === undefined) {
      if (head.wildcard) {
        const word = this.text.slice(start, head.end);
        this.fail(
          `${show(word)} has a wildcard, but wildcards only work in field:value terms (free text is a plain substring): ` +
            `write a field, e.g. eventName:${word}, or escape it as ${word.replace(/[*?]/g, '\\$&')}`,
          start,
          head.end,
        );
      }
      this.pos = head.end;
      return { type: 'text', value: head.text, span: { start, end: head.end } };
    }
    const field = this.text.slice(start, head.colon);
    if (field === '') {
      this.fail(`Missing field name before ":" (column ${start + 1}): write field:value, or escape the colon (\\:) to search for it`, start, start + 1);
    }
    if (!FIELD_RE.test(field)) {
      this.fail(
        `${show(field)} is not a field name (letters, digits, _ - @ $ and dots): quote the term to search for it as text`,
        start,
        head.colon,
      );
    }
    return this.parseValue(start, field, head.colon + 1);
  }

  private parseValue(termStart: number, field: string, v: number): QueryNode {
    const t = this.text;
    const time = isTimeField(field);
    if (this.valueEnds(v)) {
      const label = t.slice(termStart, v);
      this.fail(`Missing value after ${show(label)}: write ${label}value (no space), or ${label}* for "present"`, termStart, v);
    }
    const ch = t[v];
    if (ch === '"') {
      this.pos = v;
      const value = this.readQuoted();
      const span = { start: termStart, end: this.pos };
      if (time) return this.timeTerm(undefined, value, span, v);
      return { type: 'match', field, matcher: { kind: 'exact', value }, span };
    }
    if (ch === '(') {
      this.fail(
        `Grouping after ${show(t.slice(termStart, v))} is not supported (column ${v + 1}): write (${field}:a OR ${field}:b), or escape the "(" as \\(`,
        v,
        v + 1,
      );
    }
    if (ch === '>' || ch === '<') {
      let w = v + 1;
      let op: Comparison = ch;
      if (t[w] === '=') {
        op = ch === '>' ? '>=' : '<=';
        w++;
      }
      if (this.valueEnds(w)) {
        this.fail(`Missing value after ${show(t.slice(termStart, w))}: write e.g. ${field}:${op}${time ? '2024-05-01' : '100'}`, termStart, w);
      }
      let raw: string;
      if (t[w] === '"') {
        this.pos = w;
        raw = this.readQuoted();
      } else {
        const s = this.scan(w, false);
        raw = s.text;
        this.pos = s.end;
      }
      const span = { start: termStart, end: this.pos };
      if (time) return this.timeTerm(op, raw, span, w);
      // `level:>=high`: Sigma levels are ordered names, so the comparison becomes a choice of them.
      const levels = field.toLowerCase() === LEVEL_FIELD ? levelsCompared(op, raw) : undefined;
      if (levels) return { type: 'or', children: levels.map((l) => ({ type: 'match', field, matcher: { kind: 'exact', value: l }, span })) };
      const value = NUMBER_RE.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(value)) {
        this.fail(
          `${show(raw)} is not a number: ${field}:${op}N compares numbers; to match text, escape the operator (${field}:\\${op}…) or quote the value (${field}:"${op}…")`,
          w,
          this.pos,
        );
      }
      // An integer a double cannot hold keeps its text, so it compares exactly (evaluate.ts).
      if (/^[+-]?\d+$/.test(raw) && !Number.isSafeInteger(value)) return { type: 'compare', field, op, value, span, text: raw };
      return { type: 'compare', field, op, value, span };
    }
    const s = this.scan(v, false);
    this.pos = s.end;
    const span = { start: termStart, end: s.end };
    if (s.source === '*') return { type: 'exists', field, span };
    if (time) return this.timeTerm(undefined, s.text, span, v);
    return { type: 'match', field, matcher: globMatcher(s.source), span };
  }

  private timeTerm(op: Comparison | undefined, raw: string, span: Span, valueStart: number): QueryNode {
    const r = resolveTime(raw, this.now);
    if (r === undefined) this.fail(`${show(raw)} is not a date or time ${TIME_HINT}`, valueStart, span.end);
    if (op === undefined) {
      if (r.relative) return { type: 'time', op: '>=', ms: r.start, span };
      return {
        type: 'and',
        children: [
          { type: 'time', op: '>=', ms: r.start, span },
          r.end > r.start ? { type: 'time', op: '<', ms: r.end, span } : { type: 'time', op: '<=', ms: r.start, span },
        ],
      };
    }
    if (op === '<=' && r.end > r.start) return { type: 'time', op: '<', ms: r.end, span };
    return { type: 'time', op, ms: r.start, span };
  }
}

export function parseQuery(text: string, now: number = Date.now()): QueryNode {
  try {
    if (typeof text === 'string' && text.length > MAX_QUERY_LENGTH) {
      throw new QueryError(
        `The filter is ${text.length.toLocaleString('en-US')} characters long; at most ${MAX_QUERY_LENGTH.toLocaleString('en-US')} are read. Shorten it (e.g. a common prefix with * instead of a list of values)`,
        { start: MAX_QUERY_LENGTH, end: text.length },
        '',
      );
    }
    return new Parser(text, Number.isFinite(now) ? now : Date.now()).parse();
  } catch (e) {
    if (e instanceof QueryError) throw e;
    // The contract is "only QueryError": a parser bug must still reach the user as a message.
    const len = typeof text === 'string' ? text.length : 0;
    const detail = e instanceof Error ? e.message : String(e);
    throw new QueryError(`Internal error while reading the query (${detail})`, { start: 0, end: len }, typeof text === 'string' ? text : '');
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

const SAFE_WORD_RE = /^[^\s"*?:\\()-][^\s"*?:\\()]*$/;

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function formatGlobValue(source: string): string {
  if (source === '') return '""';
  let out = '';
  for (let i = 0; i < source.length; i++) {
    let ch = source[i];
    if (ch === '*' || ch === '?') {
      out += ch;
      continue;
    }
    if (ch === '\\' && i + 1 < source.length) ch = source[++i];
    const special = ch === '\\' || ch === '*' || ch === '?' || ch === '"' || ch === '(' || ch === ')' || isSpace(ch);
    out += special || (out === '' && (ch === '>' || ch === '<')) ? '\\' + ch : ch;
  }
  return out;
}

function formatTimeValue(op: Comparison, ms: number): string {
  const iso = new Date(ms).toISOString();
  // `<=` against a day or minute would mean "through its end", so it always prints an instant.
  if (op === '<=') return iso;
  const t = iso.indexOf('T');
  const mod = (n: number): number => ((ms % n) + n) % n;
  if (mod(DAY_MS) === 0) return iso.slice(0, t);
  if (mod(60_000) === 0) return iso.slice(0, t + 6) + 'Z';
  if (mod(1000) === 0) return iso.slice(0, t + 9) + 'Z';
  return iso;
}

function formatField(field: string, allowTime: boolean): string {
  if (!FIELD_RE.test(field)) throw new Error(`formatQuery: ${show(field)} is not a field name`);
  if (!allowTime && isTimeField(field)) throw new Error(`formatQuery: ${show(field)} only takes times`);
  return field;
}

function formatNode(node: QueryNode, root: boolean): string {
  switch (node.type) {
    case 'all':
      if (root) return '';
      throw new Error('formatQuery: "all" can only be the whole query');
    case 'and': {
      const parts = node.children.filter((c) => c.type !== 'all');
      if (parts.length === 0) {
        if (root) return '';
        throw new Error('formatQuery: an empty "and" can only be the whole query');
      }
      // OR binds tighter than AND, so only a nested AND needs parentheses (it re-parses flattened).
      return parts.map((c) => (c.type === 'and' ? `(${formatNode(c, false)})` : formatNode(c, false))).join(' ');
    }
    case 'or':
      if (node.children.length === 0) throw new Error('formatQuery: an empty "or" matches nothing and has no syntax');
      return node.children
        .map((c) => (c.type === 'and' || c.type === 'or' ? `(${formatNode(c, false)})` : formatNode(c, false)))
        .join(' OR ');
    case 'not': {
      const c = node.child;
      return c.type === 'and' || c.type === 'or' ? `-(${formatNode(c, false)})` : `-${formatNode(c, false)}`;
    }
    case 'match': {
      const field = formatField(node.field, false);
      const m = node.matcher;
      return m.kind === 'exact' ? `${field}:${quote(m.value)}` : `${field}:${formatGlobValue(m.source)}`;
    }
    case 'exists':
      return `${formatField(node.field, true)}:*`;
    case 'compare': {
      if (!Number.isFinite(node.value)) throw new Error(`formatQuery: ${node.value} is not a finite number`);
      const n =
        node.text !== undefined && NUMBER_RE.test(node.text) && Number(node.text) === node.value ? node.text : Object.is(node.value, -0) ? '-0' : String(node.value);
      return `${formatField(node.field, false)}:${node.op}${n}`;
    }
    case 'time':
      return `time:${node.op}${formatTimeValue(node.op, node.ms)}`;
    case 'text':
      if (node.value === '') throw new Error('formatQuery: empty free text has no syntax');
      return SAFE_WORD_RE.test(node.value) && node.value !== 'OR' && node.value !== 'AND' && node.value !== 'NOT'
        ? node.value
        : quote(node.value);
  }
}

/**
 * Prints a query that parses back to an equivalent AST (spans aside; nested and/or come back
 * flattened). Relative times print as the absolute times they resolved to. Throws a plain Error for
 * ASTs the language cannot express (e.g. a glob on `time`, a nested `all`, a non-finite number).
 */
export function formatQuery(node: QueryNode): string {
  return formatNode(node, true);
}

/** Message, the query (a window of it when long) and a caret line under the offending token. */
export function describeQueryError(text: string, err: QueryError): string {
  const WIDTH = 100;
  const start = Math.min(Math.max(err.span.start, 0), text.length);
  const end = Math.min(Math.max(err.span.end, start), text.length);
  let from = 0;
  let to = text.length;
  if (to > WIDTH) {
    from = Math.max(0, start - 30);
    to = Math.min(text.length, from + WIDTH);
    from = Math.max(0, to - WIDTH);
  }
  const prefix = from > 0 ? '…' : '';
  const suffix = to < text.length ? '…' : '';
  const line = flatten(text.slice(from, to));
  const caretCount = Math.max(1, Math.min(end, to) - start);
  return `${err.message}\n  ${prefix}${line}${suffix}\n  ${' '.repeat(prefix.length + start - from)}${'^'.repeat(caretCount)}`;
}
