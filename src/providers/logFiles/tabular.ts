/**
 * CloudTrail events that arrive as table rows instead of CloudTrail JSON: CSV exports (alerting tools,
 * Athena query results, CloudTrail Lake console downloads) and CloudTrail Lake `GetQueryResults` rows.
 * Each row becomes a CloudTrail-shaped record so the rest of the pipeline never has to know the
 * event came from a table, while the row itself is kept untouched for the "raw" view.
 */

export interface TabularRecord {
  /** 1-based line of the row's start in the file (for CSV); row index+1 for Lake. */
  line: number;
  /** The row exactly as received: column name → cell text. */
  raw: Record<string, string>;
  /** A CloudTrail-shaped record built from the row. */
  record: Record<string, unknown>;
  /** When a column held the whole event JSON: that text exactly (the record is then JSON.parse of it). */
  embeddedJson?: string;
  /** What was wrong with the row though it was read (a Lake row; CSV rows report into the file's problems). */
  problems?: string[];
}

export interface TabularProblem {
  message: string;
  line: number;
  column?: number;
}

export interface TabularResult {
  records: TabularRecord[];
  problems: TabularProblem[];
  columns: string[];
}

// ---------------------------------------------------------------------------------------------
// Column names → CloudTrail record keys
// ---------------------------------------------------------------------------------------------

/**
 * How a cell is turned into a record value:
 * - text: trimmed string
 * - time: ISO 8601 UTC when parseable
 * - bool: true/false
 * - struct: a nested CloudTrail object whose Athena-lowercased keys are mapped back to camelCase
 * - free: nested data with service-defined keys (requestParameters…), keys left alone
 * - resources: array of {ARN, accountId, type}
 */
import { parseIsoTime } from '../../core/time';

type Kind = 'text' | 'time' | 'bool' | 'struct' | 'free' | 'resources';

interface Target {
  key: string;
  kind: Kind;
  /** 0 for the CloudTrail name itself, 1 for a looser alias: the exact name wins when both are present. */
  rank: number;
}

const FIELDS: ReadonlyArray<readonly [key: string, kind: Kind, aliases: readonly string[]]> = [
  ['eventVersion', 'text', []],
  ['userIdentity', 'struct', ['userid']],
  ['eventTime', 'time', ['eventdatetime']],
  ['eventSource', 'text', []],
  ['eventName', 'text', []],
  ['awsRegion', 'text', ['region']],
  ['sourceIPAddress', 'text', ['sourceip']],
  ['userAgent', 'text', ['requestuseragent']],
  ['errorCode', 'text', []],
  ['errorMessage', 'text', []],
  ['requestParameters', 'free', []],
  ['responseElements', 'free', []],
  ['additionalEventData', 'free', []],
  ['requestID', 'text', []],
  ['eventID', 'text', []],
  ['readOnly', 'bool', []],
  ['resources', 'resources', []],
  ['eventType', 'text', []],
  ['apiVersion', 'text', []],
  ['managementEvent', 'bool', []],
  ['recipientAccountId', 'text', []],
  ['serviceEventDetails', 'free', []],
  ['sharedEventID', 'text', []],
  ['vpcEndpointId', 'text', []],
  ['vpcEndpointAccountId', 'text', []],
  ['eventCategory', 'text', []],
  ['tlsDetails', 'struct', []],
  ['sessionCredentialFromConsole', 'text', []],
  ['edgeDeviceDetails', 'free', []],
  ['insightDetails', 'free', []],
];

/** Header spellings differ wildly ("Event Name", event_name, eventname): compare them stripped. */
function normalizeName(name: string): string {
  return name.replace(/[\s_-]+/g, '').toLowerCase();
}

const TARGETS: ReadonlyMap<string, Target> = (() => {
  const m = new Map<string, Target>();
  for (const [key, kind, aliases] of FIELDS) {
    m.set(normalizeName(key), { key, kind, rank: 0 });
    for (const alias of aliases) m.set(alias, { key, kind, rank: 1 });
  }
  return m;
})();

/**
 * Columns that may hold the whole event as JSON. The first two are unambiguous; the others are
 * generic log-tool names (Splunk `_raw`, SIEM `message`…) and count only when their cell really is
 * an event.
 */
const EMBEDDED_STRONG = new Set(['eventjson', 'cloudtrailevent']);
const EMBEDDED_GENERIC = new Set(['event', 'record', 'message', 'raw']);
const EVENT_KEY_TEXT = /"event(?:Name|Source|Version|ID)"/;

/** Athena lowercases struct field names; these are the CloudTrail spellings they came from. */
const CAMEL: ReadonlyMap<string, string> = new Map(
  [
    'principalId', 'accountId', 'accessKeyId', 'userName', 'invokedBy', 'sessionContext',
    'sessionIssuer', 'mfaAuthenticated', 'creationDate', 'webIdFederationData', 'federatedProvider',
    'sourceIdentity', 'ec2RoleDelivery', 'ec2IssuedInVPC', 'assumedRoot', 'identityProvider',
    'credentialId', 'onBehalfOf', 'userId', 'identityStoreArn', 'inScopeOf', 'issuerType',
    'tlsVersion', 'cipherSuite', 'clientProvidedHostHeader', 'sourceArn', 'sourceAccount',
    'credentialsIssuedTo',
  ].map((k) => [k.toLowerCase(), k] as const),
);

const RESOURCE_KEYS: ReadonlyMap<string, string> = new Map([
  ['arn', 'ARN'],
  ['accountid', 'accountId'],
  ['type', 'type'],
]);

/** Assignment with a `__proto__` key would replace the prototype instead of storing a field. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Problems
// ---------------------------------------------------------------------------------------------

/** A broken 1M-row file must not produce 1M problem objects; the tail is summarized instead. */
const MAX_PROBLEMS = 1000;

class ProblemSink {
  readonly list: TabularProblem[] = [];
  private dropped = 0;
  private firstDroppedLine = 0;

  add(message: string, line: number, column?: number): void {
    if (this.list.length < MAX_PROBLEMS) {
      this.list.push(column === undefined ? { message, line } : { message, line, column });
    } else {
      if (this.dropped === 0) this.firstDroppedLine = line;
      this.dropped++;
    }
  }

  finish(): TabularProblem[] {
    if (this.dropped > 0) {
      this.list.push({
        message: `${this.dropped} more problems not listed (from line ${this.firstDroppedLine} on)`,
        line: this.firstDroppedLine,
      });
      this.dropped = 0;
    }
    return this.list;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV scanning (RFC 4180, lenient)
// ---------------------------------------------------------------------------------------------

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** `truncated`: the row ended inside an open quote at end of input. */
type RowSink = (fields: string[], line: number, truncated: boolean) => boolean;

/**
 * Index-based single pass: unquoted fields and quoted fields without `""` are one slice each, so a
 * 100 MB file costs one walk over the characters and no string building.
 */
function scanCsv(text: string, start: number, onRow: RowSink, problems: ProblemSink | undefined): void {
  const n = text.length;
  let i = start;
  let line = 1;
  let lineStart = start;

  // Newlines inside quoted cells still move the line counter, so later rows report true lines.
  const countLines = (from: number, to: number): void => {
    for (let p = from; p < to; p++) {
      const c = text.charCodeAt(p);
      if (c === LF) {
        line++;
        lineStart = p + 1;
      } else if (c === CR && text.charCodeAt(p + 1) !== LF) {
        line++;
        lineStart = p + 1;
      }
    }
  };

  while (i < n) {
    const rowLine = line;
    const fields: string[] = [];
    let truncated = false;
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const openLine = line;
        const openColumn = i - lineStart + 1;
        let segStart = i + 1;
        let parts: string[] | undefined;
        let value: string;
        for (;;) {
          const q = text.indexOf('"', segStart);
          if (q < 0) {
            countLines(segStart, n);
            const tail = text.slice(segStart);
            value = parts ? (parts.push(tail), parts.join('')) : tail;
            problems?.add('unterminated quoted field: the quote opened here is never closed', openLine, openColumn);
            truncated = true;
            i = n;
            break;
          }
          countLines(segStart, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            (parts ??= []).push(text.slice(segStart, q + 1));
            segStart = q + 2;
            continue;
          }
          const seg = text.slice(segStart, q);
          value = parts ? (parts.push(seg), parts.join('')) : seg;
          i = q + 1;
          break;
        }
        if (!truncated) {
          // Writers that pad after the closing quote: keep the text (as Python's csv does) but say so.
          let k = i;
          while (k < n) {
            const c = text.charCodeAt(k);
            if (c === COMMA || c === LF || c === CR) break;
            k++;
          }
          if (k > i) {
            problems?.add('unexpected text after a closing quote (kept as part of the cell)', line, i - lineStart + 1);
            value += text.slice(i, k);
            i = k;
          }
        }
        fields.push(value);
      } else {
        let k = i;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === COMMA || c === LF || c === CR) break;
          k++;
        }
        fields.push(text.slice(i, k));
        i = k;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      lineStart = i;
      break;
    }
    if (!onRow(fields, rowLine, truncated)) return;
  }
}

function isBlankRow(fields: readonly string[]): boolean {
  for (const f of fields) if (f !== '') return false;
  return true;
}

function dedupeHeader(header: readonly string[], problems: ProblemSink | undefined): string[] {
  const seen = new Set<string>();
  return header.map((h, idx) => {
    let name = h === '' ? `column ${idx + 1}` : h;
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name} (${k})`)) k++;
      const renamed = `${name} (${k})`;
      problems?.add(`duplicate column name "${name}": this one is read as "${renamed}"`, 1, undefined);
      name = renamed;
    }
    seen.add(name);
    return name;
  });
}

export function looksLikeCsv(head: string): boolean {
  const start = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  const first = head.slice(start).trimStart().charAt(0);
  if (first === '{' || first === '[' || first === '') return false;
  const rows: string[][] = [];
  // The head is cut at an arbitrary byte, so the second row may be partial; that is fine for a peek.
  scanCsv(head, start, (fields) => rows.push(fields) < 2, undefined);
  const header = rows[0];
  if (!header || header.length < 2) return false;
  let known = 0;
  const genericIdx: number[] = [];
  header.forEach((h, idx) => {
    const norm = normalizeName(h);
    if (TARGETS.has(norm) || EMBEDDED_STRONG.has(norm)) known++;
    else if (EMBEDDED_GENERIC.has(norm)) genericIdx.push(idx);
  });
  if (known >= 2) return true;
  // `_time,_raw,host` style exports: the generic column only counts when its first cell is an event.
  const sample = rows[1];
  if (sample) {
    for (const idx of genericIdx) {
      const cell = sample[idx];
      if (cell !== undefined && cell.trimStart().startsWith('{') && EVENT_KEY_TEXT.test(cell)) {
        return true;
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Row → record
// ---------------------------------------------------------------------------------------------

type Parser = 'json' | 'python' | 'hive';
const PARSERS: readonly Parser[] = ['json', 'python', 'hive'];

interface ColumnPlan {
  name: string;
  target: Target | undefined;
  embedded: 'strong' | 'generic' | undefined;
  /**
   * The parser that last worked for this column goes first next time: every cell of a column is
   * usually in the same notation, and failed JSON.parse/Python attempts cost an exception each.
   */
  prefer: Parser;
}

function planFor(name: string): ColumnPlan {
  const norm = normalizeName(name);
  return {
    name,
    target: TARGETS.get(norm),
    embedded: EMBEDDED_STRONG.has(norm) ? 'strong' : EMBEDDED_GENERIC.has(norm) ? 'generic' : undefined,
    prefer: 'json',
  };
}

interface Parsed {
  value: unknown;
  hive: boolean;
}

function tryParse(text: string, parser: Parser): Parsed | undefined {
  try {
    if (parser === 'json') return { value: JSON.parse(text), hive: false };
    if (parser === 'python') return { value: parsePythonLiteral(text), hive: false };
    const v = parseHiveStruct(text);
    return typeof v === 'object' && v !== null ? { value: v, hive: true } : undefined;
  } catch {
    return undefined;
  }
}

/** JSON, else Python literal, else Athena/Hive; only for cells that open like a container. */
function parseNested(text: string, plan: ColumnPlan): Parsed | undefined {
  const c = text.charAt(0);
  if (c !== '{' && c !== '[' && c !== '(') return undefined;
  const first = tryParse(text, plan.prefer);
  if (first) return first;
  for (const p of PARSERS) {
    if (p === plan.prefer) continue;
    const r = tryParse(text, p);
    if (r) {
      plan.prefer = p;
      return r;
    }
  }
  return undefined;
}

/**
 * Deepest nesting a cell's value may have. JSON.parse takes any depth, but what comes after
 * (JSON.stringify of the record, the detail view) recurses; deeper values stay the cell's text.
 */
export const MAX_CELL_NESTING = 1000;

/** Iterative: a value nested a million deep must not overflow the stack finding out. */
function nestsDeeperThan(v: unknown, limit: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const stack: unknown[] = [v];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const x = stack.pop() as object;
    const d = depths.pop() as number;
    if (d > limit) return true;
    for (const child of Array.isArray(x) ? x : Object.values(x)) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(d + 1);
      }
    }
  }
  return false;
}

function tooDeepMessage(column: string): string {
  return `column "${column}" nests deeper than ${MAX_CELL_NESTING} levels: kept as text, not as structure`;
}

/**
 * Athena prints every field of the table's schema, absent ones as `null`; dropping those brings the
 * object back to what CloudTrail sent. Iterative, like every walk over a cell's value.
 */
function mapKeys(v: unknown, keyMap: ReadonlyMap<string, string> | undefined, dropNulls: boolean): unknown {
  const pending: Array<[src: unknown[] | Record<string, unknown>, dst: unknown[] | Record<string, unknown>]> = [];
  const copyOf = (x: unknown): unknown => {
    if (Array.isArray(x)) {
      const dst: unknown[] = new Array<unknown>(x.length);
      pending.push([x, dst]);
      return dst;
    }
    if (isPlainObject(x)) {
      const dst: Record<string, unknown> = {};
      pending.push([x, dst]);
      return dst;
    }
    return x;
  };
  const root = copyOf(v);
  while (pending.length > 0) {
    const [src, dst] = pending.pop() as [unknown[] | Record<string, unknown>, unknown[] | Record<string, unknown>];
    if (Array.isArray(src)) {
      const out = dst as unknown[];
      for (let i = 0; i < src.length; i++) out[i] = copyOf(src[i]);
      continue;
    }
    const out = dst as Record<string, unknown>;
    for (const [k, val] of Object.entries(src)) {
      if (dropNulls && val === null) continue;
      setKey(out, keyMap?.get(k) ?? k, copyOf(val));
    }
  }
  return root;
}

function mapResource(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null) continue;
    setKey(out, RESOURCE_KEYS.get(k.toLowerCase()) ?? k, val);
  }
  return out;
}

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
/** RFC 1123 / 2822 (`Fri, 18 Feb 2022 17:34:57 GMT`, HTTP's date form), read by hand: Date.parse's legacy fallback is lenient. */
const RFC_1123 = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d\d):(\d\d)(?::(\d\d))?\s*(GMT|UTC|UT|Z|[+-]\d{4})$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function fromRfc1123(t: string): string | undefined {
  const m = RFC_1123.exec(t);
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = MONTHS.indexOf(m[2].toLowerCase()) + 1;
  const hh = m[4];
  const mm = m[5];
  const ss = m[6] ?? '00';
  const zone = /^[+-]/.test(m[7]) ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : 'Z';
  if (month === 0) return undefined;
  const ms = parseIsoTime(`${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${hh}:${mm}:${ss}${zone}`);
  return formatUtc(ms);
}

function formatUtc(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) return undefined;
  return d.toISOString().slice(0, 19) + 'Z';
}

/**
 * Exports write times as ISO with `Z`, with an offset (lookup-events), or zoneless with a space
 * (CloudTrail Lake `2024-01-01 00:00:00.000`, which is UTC). `Date.parse` would read zoneless text
 * as local time, so the ISO-like forms are decoded by hand and zoneless means UTC.
 */
/** Most cells are already in CloudTrail's own form; skipping Date for them matters at a million rows. */
const CANONICAL_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

function toIsoUtc(text: string): string | undefined {
  const t = text.trim();
  if (CANONICAL_TIME.test(t)) return t;
  const m = ISO_LIKE.exec(t);
  if (m) {
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? '0')) as [
      number, number, number, number, number, number,
    ];
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
    if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
    let offsetMin = 0;
    const zone = m[8];
    if (zone && (zone[0] === '+' || zone[0] === '-')) {
      const digits = zone.slice(1).replace(':', '');
      offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
      if (zone[0] === '-') offsetMin = -offsetMin;
    }
    return formatUtc(Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000);
  }
  if (/^\d{10}(?:\.\d+)?$/.test(t)) return formatUtc(Number(t) * 1000);
  if (/^\d{13}$/.test(t)) return formatUtc(Number(t));
  return fromRfc1123(t);
  return undefined;
}

/** undefined means "leave the key out of the record". */
function convertValue(value: unknown, plan: ColumnPlan, report: ReportFn | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') {
    if (nestsDeeperThan(value, MAX_CELL_NESTING)) {
      // Already parsed (a Lake results file): there is no text to keep that would not recurse to make.
      report?.(`column "${plan.name}" nests deeper than ${MAX_CELL_NESTING} levels: left out`);
      return undefined;
    }
    const kind = plan.target?.kind;
    if (kind === 'struct') return mapKeys(value, CAMEL, false);
    if (kind === 'resources') return Array.isArray(value) ? value.map(mapResource) : [mapResource(value)];
    return value;
  }
  const t = value.trim();
  if (t === '' || t === 'null') return undefined;
  const target = plan.target;
  if (!target) return value;
  const nested = (): Parsed | undefined => {
    const p = parseNested(t, plan);
    if (p && nestsDeeperThan(p.value, MAX_CELL_NESTING)) {
      report?.(tooDeepMessage(plan.name));
      return undefined;
    }
    return p;
  };
  switch (target.kind) {
    case 'text':
      return t;
    case 'time':
      return toIsoUtc(t) ?? t;
    case 'bool': {
      const lower = t.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : t;
    }
    case 'struct': {
      const p = nested();
      return p ? mapKeys(p.value, CAMEL, p.hive) : t;
    }
    case 'free': {
      const p = nested();
      return p ? mapKeys(p.value, undefined, p.hive) : t;
    }
    case 'resources': {
      const p = nested();
      if (!p) return t;
      const v = p.value;
      return Array.isArray(v) ? v.map(mapResource) : isPlainObject(v) ? [mapResource(v)] : t;
    }
  }
}

interface Cell {
  plan: ColumnPlan;
  value: unknown;
}

type ReportFn = (message: string) => void;

/** Generic column names (`message`, `_raw`…) hold other JSON too; only an event-looking object counts. */
function isEventLike(v: Record<string, unknown>): boolean {
  return 'eventName' in v || 'eventSource' in v || 'eventVersion' in v || 'eventID' in v;
}

function buildRecord(cells: readonly Cell[], report: ReportFn | undefined): Pick<TabularRecord, 'record' | 'embeddedJson'> {
  for (const { plan, value } of cells) {
    if (!plan.embedded) continue;
    const strong = plan.embedded === 'strong';
    if (isPlainObject(value)) {
      if (!(strong || isEventLike(value))) continue;
      if (!nestsDeeperThan(value, MAX_CELL_NESTING)) return { record: { ...value } };
      report?.(`column "${plan.name}" holds an event nested deeper than ${MAX_CELL_NESTING} levels; the row is read column by column`);
      continue;
    }
    if (typeof value !== 'string' || !value.trimStart().startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(value);
      if (isPlainObject(parsed) && (strong || isEventLike(parsed))) {
        if (!nestsDeeperThan(parsed, MAX_CELL_NESTING)) return { record: parsed, embeddedJson: value };
        report?.(`column "${plan.name}" holds an event nested deeper than ${MAX_CELL_NESTING} levels; the row is read column by column`);
      }
    } catch (e) {
      if (strong || EVENT_KEY_TEXT.test(value)) {
        report?.(
          `column "${plan.name}" looks like event JSON but does not parse (${(e as Error).message}); the row is read column by column`,
        );
      }
    }
  }
  const record: Record<string, unknown> = {};
  const ranks = new Map<string, number>();
  for (const cell of cells) {
    const v = convertValue(cell.value, cell.plan, report);
    if (v === undefined) continue;
    const target = cell.plan.target;
    if (!target) {
      setKey(record, cell.plan.name, v);
      continue;
    }
    const prev = ranks.get(target.key);
    if (prev !== undefined && prev <= target.rank) continue;
    ranks.set(target.key, target.rank);
    setKey(record, target.key, v);
  }
  return { record };
}

export function readCsvExport(text: string): TabularResult {
  const problems = new ProblemSink();
  const records: TabularRecord[] = [];
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let columns: string[] | undefined;
  let plans: ColumnPlan[] = [];
  const extras: ColumnPlan[] = [];
  const extraPlan = (idx: number): ColumnPlan => {
    const k = idx - plans.length;
    return (extras[k] ??= planFor(`column ${idx + 1}`));
  };

  scanCsv(
    text,
    start,
    (fields, line, truncated) => {
      if (!columns) {
        columns = dedupeHeader(fields, problems);
        plans = columns.map(planFor);
        return true;
      }
      if (isBlankRow(fields)) return true;
      if (fields.length !== plans.length && !truncated) {
        problems.add(`row has ${fields.length} fields but the header has ${plans.length}`, line);
      }
      const raw: Record<string, string> = {};
      const cells: Cell[] = [];
      for (let idx = 0; idx < fields.length; idx++) {
        // Extra cells of a ragged row are kept under a made-up name rather than dropped.
        const plan = plans[idx] ?? extraPlan(idx);
        const value = fields[idx] as string;
        setKey(raw, plan.name, value);
        cells.push({ plan, value });
      }
      const built = buildRecord(cells, (message) => problems.add(message, line));
      records.push({ line, raw, ...built });
      return true;
    },
    problems,
  );

  return { records, problems: problems.finish(), columns: columns ?? [] };
}

/** Lake rows repeat the same keys row after row, so their plans (and parser memos) are kept. */
const lakePlans = new Map<string, ColumnPlan>();

export function lakeRowToRecord(row: ReadonlyArray<Record<string, unknown>>, index: number): TabularRecord {
  const raw: Record<string, string> = {};
  const cells: Cell[] = [];
  const problems: string[] = [];
  for (const obj of row) {
    if (!isPlainObject(obj)) continue;
    for (const [key, value] of Object.entries(obj)) {
      const text =
        typeof value === 'string'
          ? value
          : nestsDeeperThan(value, MAX_CELL_NESTING)
            ? `(nested deeper than ${MAX_CELL_NESTING} levels: not kept)`
            : (JSON.stringify(value) ?? String(value));
      setKey(raw, key, text);
      let plan = lakePlans.get(key);
      if (!plan) {
        plan = planFor(key);
        // Queries reuse a handful of column names; the cap only guards against unbounded odd keys.
        if (lakePlans.size < 10_000) lakePlans.set(key, plan);
      }
      cells.push({ plan, value });
    }
  }
  const built = buildRecord(cells, (message) => {
    if (!problems.includes(message)) problems.push(message);
  });
  return problems.length > 0 ? { line: index + 1, raw, ...built, problems } : { line: index + 1, raw, ...built };
}

// ---------------------------------------------------------------------------------------------
// Python literals (repr of dicts written by Python tools into CSV cells)
// ---------------------------------------------------------------------------------------------

const PY_NUMBER =
  /[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)/y;
const PY_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const PY_STRING_PREFIX = /(?:[rR][bBuU]?|[bBuU][rR]?)?(?=['"])/y;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v',
};

class PyParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  parse(): unknown {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.fail('unexpected text after the value');
    return v;
  }

  private fail(message: string): never {
    throw new SyntaxError(`Python literal: ${message} at position ${this.i}`);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === LF || c === CR) this.i++;
      else break;
    }
  }

  private value(): unknown {
    const s = this.s;
    if (this.i >= s.length) this.fail('unexpected end of input');
    const c = s[this.i];
    if (c === '{' || c === '[' || c === '(') {
      if (++this.depth > MAX_CELL_NESTING) this.fail(`nested deeper than ${MAX_CELL_NESTING} levels`);
      const v = c === '{' ? this.dictOrSet() : c === '[' ? this.sequence(']') : this.tuple();
      this.depth--;
      return v;
    }
    PY_STRING_PREFIX.lastIndex = this.i;
    if (PY_STRING_PREFIX.test(s)) return this.strings();
    PY_NUMBER.lastIndex = this.i;
    const num = PY_NUMBER.exec(s);
    if (num && num[0] !== '+' && num[0] !== '-') {
      this.i += num[0].length;
      if (/[A-Za-z0-9_.]/.test(s.charAt(this.i))) this.fail('unsupported number');
      return pyNumber(num[0], () => this.fail('bad number'));
    }
    PY_NAME.lastIndex = this.i;
    const name = PY_NAME.exec(s);
    if (name) {
      const word = name[0];
      if (word === 'True' || word === 'False' || word === 'None') {
        this.i += word.length;
        return word === 'True' ? true : word === 'False' ? false : null;
      }
      this.fail(`"${word}" is not a literal`);
    }
    this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private dictOrSet(): unknown {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return {};
    }
    const first = this.value();
    this.ws();
    if (this.s[this.i] !== ':') {
      const items = [first];
      this.rest(items, '}');
      return items;
    }
    const out: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      this.i++; // the ':'
      this.ws();
      setKey(out, pyKey(key), this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === '}') {
        this.i++;
        return out;
      }
      if (c !== ',') this.fail('expected "," or "}" in dict');
      this.i++;
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      key = this.value();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected ":" in dict');
    }
  }

  private sequence(close: string): unknown[] {
    this.i++;
    this.ws();
    const items: unknown[] = [];
    if (this.s[this.i] === close) {
      this.i++;
      return items;
    }
    items.push(this.value());
    this.ws();
    this.rest(items, close);
    return items;
  }

  /** After the first item: `, item`* then optional trailing comma, then `close`. */
  private rest(items: unknown[], close: string): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === close) {
        this.i++;
        return;
      }
      if (c !== ',') this.fail(`expected "," or "${close}"`);
      this.i++;
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return;
      }
      items.push(this.value());
      this.ws();
    }
  }

  private tuple(): unknown {
    this.i++;
    this.ws();
    if (this.s[this.i] === ')') {
      this.i++;
      return [];
    }
    const first = this.value();
    this.ws();
    // `(x)` is just x in Python; only a comma makes a tuple.
    if (this.s[this.i] === ')') {
      this.i++;
      return first;
    }
    const items = [first];
    this.rest(items, ')');
    return items;
  }

  /** Adjacent literals concatenate in Python (`'a' 'b'` is 'ab'). */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.i;
      this.ws();
      PY_STRING_PREFIX.lastIndex = this.i;
      if (this.i < this.s.length && PY_STRING_PREFIX.test(this.s)) out += this.string();
      else {
        this.i = save;
        return out;
      }
    }
  }

  private string(): string {
    const s = this.s;
    let rawMode = false;
    while (s[this.i] !== "'" && s[this.i] !== '"') {
      if (s[this.i] === 'r' || s[this.i] === 'R') rawMode = true;
      this.i++;
    }
    const q = s[this.i] as string;
    const triple = s.startsWith(q + q + q, this.i);
    const close = triple ? q + q + q : q;
    this.i += close.length;
    const parts: string[] = [];
    let segStart = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string');
      const c = s[this.i];
      if (s.startsWith(close, this.i)) {
        parts.push(s.slice(segStart, this.i));
        this.i += close.length;
        return parts.join('');
      }
      if (!triple && (c === '\n' || c === '\r')) this.fail('newline in string');
      if (c !== '\\') {
        this.i++;
        continue;
      }
      parts.push(s.slice(segStart, this.i));
      const e = s.charAt(this.i + 1);
      if (e === '') this.fail('unterminated string');
      if (rawMode) {
        // Raw strings keep the backslash; it only stops the next quote from closing the string.
        parts.push('\\' + e);
        this.i += 2;
      } else {
        this.i += 2;
        parts.push(this.escape(e));
      }
      segStart = this.i;
    }
  }

  private escape(e: string): string {
    const s = this.s;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e === '\n') return '';
    if (e === '\r') {
      if (s[this.i] === '\n') this.i++;
      return '';
    }
    if (e >= '0' && e <= '7') {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(s.charAt(this.i))) digits += s[this.i++];
      return String.fromCodePoint(parseInt(digits, 8));
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = s.slice(this.i, this.i + width);
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) this.fail(`bad \\${e} escape`);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) this.fail(`bad \\${e} escape`);
      this.i += width;
      return String.fromCodePoint(cp);
    }
    if (e === 'N') this.fail('\\N{...} escapes are not supported');
    // Python keeps unknown escapes as written.
    return '\\' + e;
  }
}

function pyNumber(text: string, fail: () => never): number | string {
  const clean = text.replace(/_/g, '');
  const sign = clean.startsWith('-') ? -1 : 1;
  const body = clean.replace(/^[+-]/, '');
  const radix = /^0[xX]/.test(body) ? 16 : /^0[oO]/.test(body) ? 8 : /^0[bB]/.test(body) ? 2 : 10;
  if (radix !== 10) {
    const digits = body.slice(2);
    if (digits === '') fail();
    const v = sign * parseInt(digits, radix);
    return Number.isSafeInteger(v) ? v : clean;
  }
  const v = Number(body);
  if (Number.isNaN(v)) fail();
  if (/^\d+$/.test(body)) {
    // An int too big for a double keeps its digits rather than silently changing value.
    return Number.isSafeInteger(v) ? (v === 0 ? 0 : sign * v) : clean.replace(/^\+/, '');
  }
  return sign * v;
}

function pyKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === true) return 'True';
  if (key === false) return 'False';
  if (key === null) return 'None';
  if (typeof key === 'number') return String(key);
  return JSON.stringify(key);
}

export function parsePythonLiteral(text: string): unknown {
  return new PyParser(text).parse();
}

// ---------------------------------------------------------------------------------------------
// Athena / Hive struct text
// ---------------------------------------------------------------------------------------------

class HiveFail extends Error {}

/** `, key=` where the key is a bare word: the only safe sign that a struct field ended. */
const HIVE_NEXT_KEY = /,[ \t]+[^\s=,{}[\]]+=/y;
const MAX_HIVE_DEPTH = 64;

class HiveParser {
  i = 0;
  constructor(private readonly s: string) {}

  value(close: string, depth: number): unknown {
    const s = this.s;
    while (s[this.i] === ' ') this.i++;
    const c = s[this.i];
    if ((c === '{' || c === '[') && depth < MAX_HIVE_DEPTH) {
      const save = this.i;
      try {
        return c === '{' ? this.struct(depth) : this.array(depth);
      } catch (e) {
        if (!(e instanceof HiveFail)) throw e;
        // Not a struct after all (JSON text, a stray brace): read it as plain text.
        this.i = save;
      }
    }
    return this.scalar(close);
  }

  private struct(depth: number): Record<string, unknown> {
    const s = this.s;
    this.i++;
    const out: Record<string, unknown> = {};
    while (s[this.i] === ' ') this.i++;
    if (s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      const keyStart = this.i;
      while (this.i < s.length) {
        const c = s[this.i];
        if (c === '=') break;
        if (c === ',' || c === '{' || c === '}' || c === '[' || c === ']') throw new HiveFail();
        this.i++;
      }
      if (this.i >= s.length) throw new HiveFail();
      const key = s.slice(keyStart, this.i).trim();
      if (key === '') throw new HiveFail();
      this.i++; // '='
      setKey(out, key, this.value('}', depth + 1));
      const c = s[this.i];
      if (c === '}') {
        this.i++;
        return out;
      }
      if (c !== ',') throw new HiveFail();
      this.i++;
      while (s[this.i] === ' ') this.i++;
    }
  }

  private array(depth: number): unknown[] {
    const s = this.s;
    this.i++;
    const out: unknown[] = [];
    while (s[this.i] === ' ') this.i++;
    if (s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(']', depth + 1));
      const c = s[this.i];
      if (c === ']') {
        this.i++;
        return out;
      }
      if (c !== ',') throw new HiveFail();
      this.i++;
      while (s[this.i] === ' ') this.i++;
    }
  }

  /**
   * Hive prints values unquoted, so a value ends at the container's closing bracket, or at a comma
   * that starts the next `key=` (structs) or `, ` (arrays). Brackets inside the value are balanced
   * so JSON text or `[…]` in a value survives.
   */
  private scalar(close: string): string | null {
    const s = this.s;
    const start = this.i;
    let depth = 0;
    let i = this.i;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        if (close === ']') {
          if (s[i + 1] === ' ') break;
        } else if (close === '}') {
          HIVE_NEXT_KEY.lastIndex = i;
          if (HIVE_NEXT_KEY.test(s)) break;
        }
      }
    }
    this.i = i;
    const text = s.slice(start, i);
    return text === 'null' ? null : text;
  }
}

export function parseHiveStruct(text: string): unknown {
  const t = text.trim();
  if (t === 'null') return null;
  const c = t.charAt(0);
  if (c !== '{' && c !== '[') return text;
  try {
    const p = new HiveParser(t);
    const v = p.value('', 0);
    return p.i === t.length && typeof v === 'object' ? v : text;
  } catch {
    return text;
  }
}
