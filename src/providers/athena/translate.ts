// The panel's filter (core/query.ts) → an Athena (Trino SQL) query over the CloudTrail table of ddl.ts.
// providers/ never imports vscode.
//
// The rule: the SQL may return more rows than the filter keeps, never fewer. Every term is translated
// to the exact condition the local evaluator (core/evaluate.ts) applies to the same record read from
// a log file, or not at all; what cannot be translated exactly stays in `localFilter`, which the
// caller applies to the returned rows. So a top-level AND keeps its translatable terms in SQL and
// the rest locally; an OR goes to SQL only when every alternative does; a NOT only when its whole
// term does (the negation of a looser condition would drop rows).
//
// How the local evaluator compares, mirrored here:
// - `field:value` without quotes: case-insensitive whole-value match, `*`/`?` wildcards
//   → `lower(x) = 'value'` or `lower(x) LIKE 'pattern' ESCAPE '\'` (`%`, `_`, `\` in the value escaped).
// - `field:"value"`: exact, case-sensitive → `x = 'value'`.
// - `field:*`: present. `field:>N`: the value read as a number → `try_cast(trim(x) AS DOUBLE) > N`.
// - Normalized fields and the raw paths the loader copies into columns (EXTRACTED_PATHS) treat a
//   missing value and '' alike (`actor:""` finds events with no actor): their SQL value is
//   COALESCE(…, ''). Other raw paths are read from the record, where '' is a value and a missing key
//   matches nothing.
// - Normalized fields are derived the way providers/logFiles/normalize.ts derives them (`actor` is
//   the same COALESCE chain over userIdentity, `error` includes failed console sign-ins, `outcome`
//   is the same CASE), so `actor:*alice*` means the same in SQL as in the panel.
// - `time` terms compare the parsed eventtime; top-level ones, with the from/to range, also bound the
//   `timestamp` partition so Athena reads only those days' files (the upper bound one day later:
//   CloudTrail files land in the folder of the day they were written, minutes after the events).
// - SQL NULL: a missing column makes a comparison NULL. AND/OR treat it as false, as the evaluator
//   does; under NOT it is made false first (`NOT COALESCE(…, FALSE)`), so `-error:*` keeps events
//   without an error code.
//
// Not translated (kept in localFilter, said in `untranslated`):
// - free text: the evaluator searches each record's whole JSON text (keys, escapes, every nested
//   field); no SQL over the table's columns finds exactly the same events, and a partial search
//   would lose matches.
// - `source` (the panel's name for where events came from, not in the data), fields that are not
//   columns of the table, derived fields (`principal`, `origin`, `session`: computed from the
//   loaded events, core/derivedFields.ts), whole structs or JSON documents (`userIdentity:…`), map entries.
// Approximate (translated, caveat in `translated`): paths into the JSON text columns
// (`requestParameters.bucketName` → json_extract_scalar(requestparameters, '$.bucketName')) match
// the key in the case typed, and do not look inside arrays; the panel matches keys in any case.
//
// Every value reaches the SQL as a string literal built by `sqlString` (quotes doubled, control
// characters as U& escapes); field names only ever select from fixed tables of column expressions,
// and numbers/times are printed from validated numbers. Nothing the user typed is concatenated raw.
import { resolveField, type NormalizedField } from '../../core/event';
import { formatQuery, matcherTest, parseQuery, type Comparison, type Matcher, type QueryNode } from '../../core/query';
import { findDerived } from '../../core/derived';
import { DERIVED_FIELDS } from '../../core/derivedFields';
import { EXTRACTED_PATHS } from '../logFiles/normalize';
import { CLOUDTRAIL_COLUMNS, JSON_TEXT_COLUMNS, SELECT_COLUMNS, tableReference, type ColumnType } from './ddl';

export interface SqlOptions {
  /** `table` or `database.table` (lower-case letters, digits, _). */
  table: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** LIMIT of the query (rows, newest first), 1 … 10,000,000. */
  limit: number;
  /** Resolves relative times (`time:-24h`); default Date.now(). */
  now?: number;
}

export interface SqlTranslation {
  sql: string;
  /** Top-level terms (and the time range) that went to SQL, as filter text. */
  translated: string[];
  /** Terms kept for local filtering, each with why. */
  untranslated: string[];
  /** The filter still to apply to the returned rows ('' when the SQL did it all). */
  localFilter: string;
  /** The `timestamp` partitions read, when the time is bounded (yyyy/MM/dd, inclusive). */
  partitions: { from?: string; to?: string };
}

// ---------------------------------------------------------------------------------------------
// Literals

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const NEEDS_UNICODE_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A Trino string literal for any text: single quotes doubled; when there are control characters, the
 * U&'…' form with `\XXXX` escapes so no raw line break or NUL reaches the statement text. Lone UTF-16
 * surrogates (not encodable in UTF-8) become U+FFFD.
 */
export function sqlString(value: string): string {
  const s = value.replace(LONE_SURROGATE, '\ufffd');
  if (!NEEDS_UNICODE_ESCAPE.test(s)) return `'${s.replace(/'/g, "''")}'`;
  let out = "U&'";
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === "'") out += "''";
    else if (ch === '\\') out += '\\\\';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += '\\' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += '\\+' + cp.toString(16).toUpperCase().padStart(6, '0');
  }
  return out + "'";
}

/** A glob's canonical source (`*`, `?`; `\*`, `\?`, `\\` literal) → a LIKE pattern for ESCAPE '\'. */
export function likePattern(globSource: string): string {
  let out = '';
  let prevStar = false;
  for (let i = 0; i < globSource.length; i++) {
    let ch = globSource[i];
    if (ch === '*' || ch === '?') {
      if (ch === '?') out += '_';
      else if (!prevStar) out += '%';
      prevStar = ch === '*';
      continue;
    }
    prevStar = false;
    if (ch === '\\' && i + 1 < globSource.length) ch = globSource[++i];
    out += ch === '%' || ch === '_' || ch === '\\' ? '\\' + ch : ch;
  }
  return out;
}

function numberLiteral(n: number): string {
  // String() of a finite number is a Trino numeric literal (1.5 DECIMAL, -2 BIGINT, 1e+21 and 5e-7
  // DOUBLE), except integers from 2^63 to 1e21, which String() writes without an exponent: Trino reads
  // those as BIGINT literals and refuses them ("Invalid numeric literal"). They go as DOUBLE (1e+20).
  if (Object.is(n, -0)) return '0';
  const s = String(n);
  return Math.abs(n) >= 2 ** 63 && /^-?\d+$/.test(s) ? n.toExponential() : s;
}

/** A TIMESTAMP literal from toISOString needs a four-digit year. */
function inSqlRange(ms: number): boolean {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return false;
  const y = new Date(ms).getUTCFullYear();
  return y >= 1 && y <= 9999;
}

function timestampLiteral(ms: number): string {
  return `from_iso8601_timestamp(${sqlString(new Date(ms).toISOString())})`;
}

function partitionDay(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

// ---------------------------------------------------------------------------------------------
// Fields → SQL values

const EVENT_TIME = 'try(from_iso8601_timestamp(eventtime))';

/**
 * How a field's values are tested:
 * - text: one value, never NULL, '' when missing (normalized fields, extracted paths)
 * - value: one value, NULL when missing ('' is a value)
 * - list: any element of an array (`array`, each element `r`, its value `elem`, NULL when missing)
 * - constant: the same value for every event
 */
type FieldSql =
  | { kind: 'text'; expr: string; note?: string }
  | { kind: 'value'; expr: string; note?: string }
  | { kind: 'list'; array: string; elem: string }
  | { kind: 'constant'; value: string }
  | { kind: 'time' }
  | { kind: 'none'; why: string };

const nz = (col: string) => `NULLIF(${col}, '')`;
const text = (col: string) => `COALESCE(${col}, '')`;

/** normalize.ts outcomeOf's error: the error code, else a failed console sign-in's message. */
const ERROR_EXPR =
  `CASE WHEN ${nz('errorcode')} IS NOT NULL THEN errorcode ` +
  `WHEN json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure' THEN COALESCE(${nz('errormessage')}, 'ConsoleLogin failure') END`;

/** normalize.ts actorOf: the most specific identity the record names. */
const ACTOR_EXPR =
  `(CASE WHEN useridentity.type = 'AWSService' THEN COALESCE(${nz('useridentity.invokedby')}, ${nz('useridentity.principalid')}, 'AWSService') ` +
  `ELSE COALESCE(${[
    'useridentity.arn',
    'useridentity.username',
    'useridentity.invokedby',
    'useridentity.onbehalfof.userid',
    'useridentity.sessioncontext.sessionissuer.arn',
    'useridentity.principalid',
    'useridentity.type',
  ]
    .map(nz)
    .join(', ')}, '') END)`;

const NORMALIZED_SQL: Readonly<Record<Exclude<NormalizedField, 'time' | 'resources' | 'provider' | 'source'>, string>> = {
  id: text('eventid'),
  account: `COALESCE(${nz('recipientaccountid')}, ${nz('useridentity.accountid')}, '')`,
  action: text('eventname'),
  actor: ACTOR_EXPR,
  service: text('eventsource'),
  region: text('awsregion'),
  sourceIp: text('sourceipaddress'),
  userAgent: text('useragent'),
  outcome: `(CASE WHEN (${ERROR_EXPR}) IS NOT NULL THEN 'failure' WHEN eventcategory = 'Insight' OR eventtype = 'AwsCloudTrailInsight' THEN 'unknown' ELSE 'success' END)`,
  error: `COALESCE(${ERROR_EXPR}, '')`,
};

const EXTRACTED = new Set(EXTRACTED_PATHS.map((p) => p.toLowerCase()));

function findField(fields: ReadonlyArray<readonly [string, ColumnType]>, name: string): readonly [string, ColumnType] | undefined {
  const lower = name.toLowerCase();
  return fields.find(([n]) => n.toLowerCase() === lower);
}

/** A JSON path for json_extract_scalar; segments are FIELD_RE parts, so never contain `"` or `]`. */
function jsonPath(segs: readonly string[]): string {
  return '$' + segs.map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `["${s}"]`)).join('');
}

/** A raw CloudTrail path (as typed, `raw.` removed) → its SQL value. */
function rawPathSql(path: string): FieldSql {
  const segs = path.split('.');
  const top = findField(CLOUDTRAIL_COLUMNS, segs[0]);
  if (!top) return { kind: 'none', why: 'not a column of the CloudTrail table' };
  let expr = top[0].toLowerCase();
  let type = top[1];
  for (let i = 1; i < segs.length; i++) {
    if (type.kind === 'string') {
      if (!JSON_TEXT_COLUMNS.has(expr)) return { kind: 'none', why: `${top[0]} is text, not an object` };
      const rest = segs.slice(i);
      return {
        kind: 'value',
        expr: `json_extract_scalar(${expr}, ${sqlString(jsonPath(rest))})`,
        note: `key case as typed, arrays not searched (json_extract_scalar)`,
      };
    }
    if (type.kind === 'array') {
      const of = type.of;
      if (of.kind !== 'struct') return { kind: 'none', why: 'an array of values' };
      const f = findField(of.fields, segs[i]);
      if (!f || f[1].kind !== 'string' || i !== segs.length - 1) return { kind: 'none', why: `not a field of ${top[0]}` };
      return { kind: 'list', array: expr, elem: `r.${f[0].toLowerCase()}` };
    }
    if (type.kind === 'map') return { kind: 'none', why: 'an entry of a map column' };
    const f = findField(type.fields, segs[i]);
    if (!f) return { kind: 'none', why: `not a field of the ${segs.slice(0, i).join('.')} struct in the table` };
    expr += `.${f[0].toLowerCase()}`;
    type = f[1];
  }
  if (type.kind !== 'string') return { kind: 'none', why: 'a whole struct, array or map: filter on one of its fields' };
  if (JSON_TEXT_COLUMNS.has(expr)) return { kind: 'none', why: 'a whole JSON document: filter on one of its keys (e.g. requestParameters.bucketName)' };
  return EXTRACTED.has(path.toLowerCase()) ? { kind: 'text', expr: text(expr) } : { kind: 'value', expr };
}

function fieldSql(field: string): FieldSql {
  const normalized = resolveField(field);
  if (normalized === 'time') return { kind: 'time' };
  if (normalized === 'provider') return { kind: 'constant', value: 'cloudtrail' };
  if (normalized === 'source') return { kind: 'none', why: "the panel's name for the source, not part of the data" };
  if (normalized === 'resources') return { kind: 'list', array: 'resources', elem: nz('r.arn') };
  if (normalized) return { kind: 'text', expr: NORMALIZED_SQL[normalized] };
  if (!field.startsWith('raw.') && findDerived(DERIVED_FIELDS, field)) return { kind: 'none', why: 'computed from the loaded events (principal, origin, session), not a column of the table' };
  return rawPathSql(field.startsWith('raw.') ? field.slice(4) : field);
}

// ---------------------------------------------------------------------------------------------
// Terms

function matcherSql(v: string, m: Matcher): string {
  if (m.kind === 'exact') return `${v} = ${sqlString(m.value)}`;
  if (m.literal !== null) return `lower(${v}) = ${sqlString(m.literal)}`;
  return `lower(${v}) LIKE ${sqlString(likePattern(m.source).toLowerCase())} ESCAPE '\\'`;
}

function compareSql(v: string, op: Comparison, n: number): string {
  return `try_cast(trim(${v}) AS DOUBLE) ${op} ${numberLiteral(n)}`;
}

function constantTest(node: Extract<QueryNode, { type: 'match' | 'exists' | 'compare' }>, value: string): boolean {
  if (node.type === 'exists') return value !== '';
  if (node.type === 'compare') {
    const x = value.trim() === '' ? NaN : Number(value);
    if (Number.isNaN(x)) return false;
    return node.op === '>' ? x > node.value : node.op === '>=' ? x >= node.value : node.op === '<' ? x < node.value : x <= node.value;
  }
  const m = node.matcher;
  return matcherTest(m)(value);
}

function timeSql(op: Comparison, ms: number): string {
  if (inSqlRange(ms)) return `${EVENT_TIME} ${op} ${timestampLiteral(ms)}`;
  // Beyond what a TIMESTAMP holds: every readable time is on one side of it.
  const allBelow = ms > 0;
  const holds = (op === '<' || op === '<=') === allBelow;
  return holds ? `${EVENT_TIME} IS NOT NULL` : 'FALSE';
}

interface Part {
  sql: string;
  /** True when the SQL keeps exactly the events the term keeps; else it keeps more. */
  exact: boolean;
  notes: string[];
}

class Translator {
  /** Why terms stayed local, in order. */
  readonly reasons: string[] = [];

  private skip(node: QueryNode, why: string): undefined {
    this.reasons.push(`${describe(node)}: ${why}`);
    return undefined;
  }

  node(node: QueryNode): Part | undefined {
    switch (node.type) {
      case 'all':
        return { sql: 'TRUE', exact: true, notes: [] };
      case 'and': {
        const parts = node.children.map((c) => this.node(c));
        const kept = parts.filter((p): p is Part => p !== undefined);
        if (kept.length === 0) return undefined;
        return {
          sql: kept.length === 1 ? kept[0].sql : `(${kept.map((p) => p.sql).join(' AND ')})`,
          exact: kept.length === parts.length && kept.every((p) => p.exact),
          notes: kept.flatMap((p) => p.notes),
        };
      }
      case 'or': {
        const parts = node.children.map((c) => this.node(c));
        if (parts.some((p) => p === undefined)) return this.skip(node, 'one of its alternatives cannot be written in SQL, so none of them can');
        const all = parts as Part[];
        return { sql: `(${all.map((p) => p.sql).join(' OR ')})`, exact: all.every((p) => p.exact), notes: all.flatMap((p) => p.notes) };
      }
      case 'not': {
        const inner = this.node(node.child);
        if (!inner) return undefined;
        if (!inner.exact) return this.skip(node, 'a negation goes to SQL only when all of the negated term does');
        return { sql: `NOT COALESCE(${inner.sql}, FALSE)`, exact: true, notes: inner.notes };
      }
      case 'text':
        return this.skip(node, "free text is searched in each record's whole JSON text, which SQL over the table's columns cannot reproduce");
      case 'time':
        return { sql: timeSql(node.op, node.ms), exact: true, notes: [] };
      case 'match':
      case 'exists':
      case 'compare':
        return this.field(node);
    }
  }

  private field(node: Extract<QueryNode, { type: 'match' | 'exists' | 'compare' }>): Part | undefined {
    const f = fieldSql(node.field);
    const notes: string[] = [];
    switch (f.kind) {
      case 'none':
        return this.skip(node, f.why);
      case 'constant':
        return { sql: constantTest(node, f.value) ? 'TRUE' : 'FALSE', exact: true, notes };
      case 'time':
        if (node.type === 'exists') return { sql: `${EVENT_TIME} IS NOT NULL`, exact: true, notes };
        return this.skip(node, 'time takes dates and times, not text or numbers');
      case 'text':
      case 'value': {
        if (f.note) notes.push(`${node.field}: ${f.note}`);
        let sql: string;
        if (node.type === 'exists') sql = f.kind === 'text' ? `${f.expr} <> ''` : `${f.expr} IS NOT NULL`;
        else if (node.type === 'compare') sql = compareSql(f.expr, node.op, node.value);
        else sql = matcherSql(f.expr, node.matcher);
        return { sql, exact: true, notes };
      }
      case 'list': {
        let pred: string;
        if (node.type === 'exists') pred = `${f.elem} IS NOT NULL`;
        else if (node.type === 'compare') pred = compareSql(f.elem, node.op, node.value);
        else pred = matcherSql(f.elem, node.matcher);
        // cardinality(filter(…)) rather than any_match: the same on engine 3, and engine 2 has no any_match;
        // and it is never NULL, so it needs no care under NOT.
        return { sql: `cardinality(filter(${f.array}, r -> ${pred})) > 0`, exact: true, notes };
      }
    }
  }
}

function describe(node: QueryNode): string {
  try {
    return formatQuery(node);
  } catch {
    return node.type;
  }
}

export class SqlTranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlTranslationError';
  }
}

/**
 * Translates the filter. Throws QueryError when the filter does not parse, AthenaNameError for a bad
 * table name, SqlTranslationError for a bad limit.
 */
export function filterToSql(filterText: string, opts: SqlOptions): SqlTranslation {
  const table = tableReference(opts.table);
  if (!Number.isSafeInteger(opts.limit) || opts.limit < 1 || opts.limit > 10_000_000) {
    throw new SqlTranslationError(`The row limit should be a whole number from 1 to 10,000,000, not ${String(opts.limit)}.`);
  }
  const ast = parseQuery(filterText, opts.now ?? Date.now());
  const terms: QueryNode[] = ast.type === 'all' ? [] : ast.type === 'and' ? ast.children : [ast];

  // The time bounds every returned event satisfies: the range and the top-level time terms.
  let lo = opts.from !== undefined && Number.isFinite(opts.from) ? opts.from : undefined;
  let hi = opts.to !== undefined && Number.isFinite(opts.to) ? opts.to : undefined;
  const where: string[] = [];
  const translated: string[] = [];
  const local: QueryNode[] = [];
  const tr = new Translator();
  const notes: string[] = [];

  if (lo !== undefined) where.push(timeSql('>=', lo));
  if (hi !== undefined) where.push(timeSql('<', hi));

  for (const t of terms) {
    if (t.type === 'time') {
      if (t.op === '>' || t.op === '>=') lo = lo === undefined ? t.ms : Math.max(lo, t.ms);
      else hi = hi === undefined ? t.ms : Math.min(hi, t.ms);
    }
    const part = tr.node(t);
    if (part) {
      where.push(part.sql);
      notes.push(...part.notes);
    }
    if (part?.exact) translated.push(describe(t));
    else {
      local.push(t);
      if (part) translated.push(`${describe(t)} (narrowed in SQL, finished locally)`);
    }
  }

  const partitions: SqlTranslation['partitions'] = {};
  if (lo !== undefined && inSqlRange(lo)) {
    partitions.from = partitionDay(lo);
    where.unshift(`"timestamp" >= ${sqlString(partitions.from)}`);
  }
  if (hi !== undefined && inSqlRange(hi + 86_400_000)) {
    partitions.to = partitionDay(hi + 86_400_000);
    where.splice(partitions.from ? 1 : 0, 0, `"timestamp" <= ${sqlString(partitions.to)}`);
  }
  if (opts.from !== undefined || opts.to !== undefined) translated.unshift('time range');
  if (partitions.from || partitions.to) translated.push(`partitions ${partitions.from ?? '…'} to ${partitions.to ?? '…'}`);
  for (const n of new Set(notes)) translated.push(`approximate: ${n}`);

  const sql = [
    `SELECT ${SELECT_COLUMNS.join(', ')}`,
    `FROM ${table}`,
    ...(where.length > 0 ? [`WHERE ${where.join('\n  AND ')}`] : []),
    'ORDER BY eventtime DESC',
    `LIMIT ${opts.limit}`,
  ].join('\n');
  const localFilter = local.length === 0 ? '' : formatQuery(local.length === 1 ? local[0] : { type: 'and', children: local });
  return { sql, translated, untranslated: tr.reasons, localFilter, partitions };
}
