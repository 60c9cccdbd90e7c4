// Which parts of a filter the threat-events list can apply as `search` conditions (max 10, AND-ed;
// API-NOTES §3) and `datasetId`. providers/ never imports vscode.
//
// Only top-level AND terms are considered. Fields (any case, `raw.` accepted on raw names):
//   action, event → event            actor, attacker → attacker
//   region, attackerCountry → attackerCountry     targetCountry → targetCountry
//   service, category → category     targetIndustry → targetIndustry
//   indicator, indicatorType, tags, mitreAttack, mitreCapec, tlp → themselves
//   id, uuid → uuid                  account, datasetId → the `datasetId` parameter
// API-only names (no event field has them, so they are sent and never filtered locally):
//   country → attackerCountry (as region), industry → targetIndustry, dataset → datasetId.
// Values:
// - A quoted value `field:"X"` → `equals X`, applied by the API alone (both sides exact).
// - An unquoted value matches case-insensitively here; whether the API does is UNVERIFIED. So it is
//   sent in the form most likely to return a superset (`like X`; `X*` → startsWith, `*X` →
//   endsWith, `*X*` → contains, as the SQL LIKE behind them is case-insensitive) and the term is
//   ALSO kept in the local filter, which makes the result exact either way. Other globs (`?`, a `*`
//   inside) stay local only.
// - An OR of quoted values on one field → `in [..]` (at most 100); an OR of datasets → datasetId.
// - time terms and LiveQuery from/to → `date gt/gte/lt/lte` (ISO 8601). How the API compares
//   dates is UNVERIFIED, so time terms stay in the local filter too.
// - Conditions past the 10th stay local. NOT, other ORs, free text, numbers and other fields stay
//   local, printed by formatQuery.
// - The dataset terms are not sent when LiveQuery.params.datasetId already picks datasets (the
//   caller says so with `datasetFixed`): they stay local.
import { formatQuery, parseQuery, type QueryNode } from '../../core/query';
import type { PushDown } from '../provider';
import { MAX_SEARCH_CONDITIONS, type SearchCondition, type SearchField, type SearchOp } from './client';

type Target = SearchField | 'datasetId';

/** Normalized field names (lowercase, never with `raw.`). */
const LOCAL_FIELDS: Readonly<Record<string, Target>> = {
  action: 'event',
  actor: 'attacker',
  region: 'attackerCountry',
  service: 'category',
  id: 'uuid',
  account: 'datasetId',
};

/** Raw names (lowercase), with or without `raw.`. */
const RAW_FIELDS: Readonly<Record<string, Target>> = {
  event: 'event',
  attacker: 'attacker',
  attackercountry: 'attackerCountry',
  targetcountry: 'targetCountry',
  category: 'category',
  targetindustry: 'targetIndustry',
  indicator: 'indicator',
  indicatortype: 'indicatorType',
  tags: 'tags',
  mitreattack: 'mitreAttack',
  mitrecapec: 'mitreCapec',
  tlp: 'tlp',
  uuid: 'uuid',
  datasetid: 'datasetId',
};

const API_ONLY: Readonly<Record<string, Target>> = {
  country: 'attackerCountry',
  industry: 'targetIndustry',
  dataset: 'datasetId',
};

const MAX_VALUE = 512;
const MAX_IN = 100;

export interface CfPushDown extends PushDown {
  search: SearchCondition[];
  /** Datasets the filter picked (only when the caller did not fix them). */
  datasetId?: string[];
}

export interface PushDownOptions {
  from?: number;
  to?: number;
  now?: number;
  /** LiveQuery.params.datasetId was given: dataset terms stay local. */
  datasetFixed?: boolean;
}

function targetOf(field: string): { target: Target; apiOnly: boolean } | undefined {
  const lower = field.toLowerCase();
  if (lower.startsWith('raw.')) {
    const t = RAW_FIELDS[lower.slice(4)];
    return t ? { target: t, apiOnly: false } : undefined;
  }
  if (LOCAL_FIELDS[lower]) return { target: LOCAL_FIELDS[lower], apiOnly: false };
  if (RAW_FIELDS[lower]) return { target: RAW_FIELDS[lower], apiOnly: false };
  if (API_ONLY[lower]) return { target: API_ONLY[lower], apiOnly: true };
  return undefined;
}

/** The glob's text between unescaped `*`, or undefined when it has a `?`. */
function globParts(source: string): string[] | undefined {
  const parts: string[] = [''];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\' && i + 1 < source.length) parts[parts.length - 1] += source[++i];
    else if (ch === '?') return undefined;
    else if (ch === '*') parts.push('');
    else parts[parts.length - 1] += ch;
  }
  return parts;
}

interface Planned {
  target: Target;
  op: SearchOp;
  value: string | string[];
  /** Keep the term in the local filter as well. */
  alsoLocal: boolean;
}

/** How one match term goes to the API, if it can. */
function planMatch(node: Extract<QueryNode, { type: 'match' }>): Planned | undefined {
  const t = targetOf(node.field);
  if (!t) return undefined;
  const m = node.matcher;
  if (m.kind === 'exact') {
    if (m.value === '' || m.value.length > MAX_VALUE) return undefined;
    return { target: t.target, op: 'equals', value: m.value, alsoLocal: false };
  }
  const parts = globParts(m.source);
  if (!parts) return undefined;
  const local = !t.apiOnly;
  let plan: Planned | undefined;
  if (parts.length === 1) plan = { target: t.target, op: 'like', value: parts[0], alsoLocal: local };
  else if (parts.length === 2 && parts[0] && !parts[1]) plan = { target: t.target, op: 'startsWith', value: parts[0], alsoLocal: local };
  else if (parts.length === 2 && !parts[0] && parts[1]) plan = { target: t.target, op: 'endsWith', value: parts[1], alsoLocal: local };
  else if (parts.length === 3 && !parts[0] && parts[1] && !parts[2]) plan = { target: t.target, op: 'contains', value: parts[1], alsoLocal: local };
  if (!plan || plan.value === '' || plan.value.length > MAX_VALUE) return undefined;
  // A dataset is picked by id, never by pattern.
  if (plan.target === 'datasetId') return plan.op === 'like' ? { ...plan, op: 'equals', value: (plan.value as string).toLowerCase() } : undefined;
  return plan;
}

/** An OR of quoted values on one field → `in`; an OR of dataset ids → a datasetId list. */
function planOr(node: Extract<QueryNode, { type: 'or' }>): Planned | undefined {
  let target: Target | undefined;
  let alsoLocal = false;
  const values: string[] = [];
  for (const c of node.children) {
    if (c.type !== 'match') return undefined;
    const p = planMatch(c);
    if (!p || (target !== undefined && p.target !== target)) return undefined;
    const datasetTerm = p.target === 'datasetId' && p.op === 'equals';
    if (p.op !== 'equals' && !datasetTerm) return undefined;
    target = p.target;
    alsoLocal ||= p.alsoLocal;
    if (!values.includes(p.value as string)) values.push(p.value as string);
  }
  if (target === undefined || values.length > MAX_IN) return undefined;
  return { target, op: 'in', value: values, alsoLocal };
}

function flatten(node: QueryNode): QueryNode[] {
  if (node.type === 'all') return [];
  if (node.type === 'and') return node.children.flatMap(flatten);
  return [node];
}

interface Bound {
  ms: number;
  strict: boolean;
}

function tighter(a: Bound | undefined, b: Bound, lower: boolean): Bound {
  if (!a) return b;
  if (a.ms === b.ms) return { ms: a.ms, strict: a.strict || b.strict };
  return lower === a.ms > b.ms ? a : b;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const OP_TEXT: Readonly<Record<SearchOp, string>> = {
  equals: '=',
  not: '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  find: 'find',
  in: 'in',
};

/** `event = "…"`, `tlp in ["red", "amber"]`. */
export function describeCondition(c: SearchCondition): string {
  const v = Array.isArray(c.value) ? `[${c.value.map((x) => JSON.stringify(x)).join(', ')}]` : JSON.stringify(c.value);
  return `${c.field} ${OP_TEXT[c.op]} ${v}`;
}

/** Splits a parsed query into `search` conditions, datasets and the filter still to apply locally. */
export function pushDown(ast: QueryNode, opts: PushDownOptions = {}): CfPushDown {
  const local: QueryNode[] = [];
  const planned: { node: QueryNode; plan: Planned }[] = [];
  let lower: Bound | undefined = opts.from === undefined || !Number.isFinite(opts.from) ? undefined : { ms: opts.from, strict: false };
  let upper: Bound | undefined = opts.to === undefined || !Number.isFinite(opts.to) ? undefined : { ms: opts.to, strict: false };
  let datasetId: string[] | undefined;
  const sentDatasets: string[] = [];

  for (const term of flatten(ast)) {
    if (term.type === 'time') {
      const b = { ms: term.ms, strict: term.op === '>' || term.op === '<' };
      if (term.op === '>' || term.op === '>=') lower = tighter(lower, b, true);
      else upper = tighter(upper, b, false);
      local.push(term);
      continue;
    }
    const plan = term.type === 'match' ? planMatch(term) : term.type === 'or' ? planOr(term) : undefined;
    if (plan && plan.target === 'datasetId') {
      if (opts.datasetFixed || datasetId !== undefined) {
        local.push(term);
        continue;
      }
      datasetId = Array.isArray(plan.value) ? plan.value.map((v) => v.toLowerCase()) : [plan.value.toLowerCase()];
      sentDatasets.push(`dataset: ${datasetId.join(', ')}`);
      if (plan.alsoLocal) local.push(term);
      continue;
    }
    if (plan) planned.push({ node: term, plan });
    else local.push(term);
  }

  const search: SearchCondition[] = [];
  const sent: string[] = [];
  if (lower) search.push({ field: 'date', op: lower.strict ? 'gt' : 'gte', value: iso(lower.ms) });
  if (upper) search.push({ field: 'date', op: upper.strict ? 'lt' : 'lte', value: iso(upper.ms) });
  if (lower || upper) sent.push(`time range${lower ? ` from ${iso(lower.ms)}` : ''}${upper ? ` until ${iso(upper.ms)}` : ''}`);
  sent.push(...sentDatasets);
  for (const { node, plan } of planned) {
    if (search.length >= MAX_SEARCH_CONDITIONS) {
      local.push(node);
      continue;
    }
    const c: SearchCondition = { field: plan.target as SearchField, op: plan.op, value: plan.value };
    search.push(c);
    sent.push(describeCondition(c));
    if (plan.alsoLocal) local.push(node);
  }
  // Keep the user's order for what stays local.
  const order = flatten(ast);
  local.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const localFilter = local.length === 0 ? '' : formatQuery(local.length === 1 ? local[0] : { type: 'and', children: local });
  return { sentToApi: sent, localFilter, search, datasetId };
}

/** parseQuery + pushDown. Throws QueryError for a filter that does not parse. */
export function pushDownText(text: string, opts: PushDownOptions = {}): CfPushDown {
  return pushDown(parseQuery(text, opts.now ?? Date.now()), opts);
}
