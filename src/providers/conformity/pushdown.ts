// Splits a filter-language query into what `GET /events` can apply exactly and what must still be
// applied locally. Only top-level AND terms are considered:
//   time:>X / time:>=X / time:<X / time:<=X  → filter[since] / filter[until]
//       (assumed inclusive on the API side, so `>` sends X+1 and `<` sends X-1; epoch ms are integers)
//   action:/name:/eventName:/attributes.name:  glob or exact  → filter[name] (the API supports * and ?)
//   region:        → filter[regions]     service: → filter[services]
//   account:       → accountIds          actor:/identity: → filter[identities]
// List filters take only values without wildcards; an OR of such values on one field becomes a
// comma list. A second term on a field already sent stays local (the API takes one value per key).
// Everything else (negations, free text, `field:*`, numbers, other fields, nested groups) stays in
// `localFilter`, printed with formatQuery.
// Caveat (UNVERIFIED): the filter language matches case-insensitively; whether the API does is not
// documented. Regions are sent lower-case and services in their documented spelling when they match
// one case-insensitively, which covers the documented values.
import { formatQuery, parseQuery, type QueryNode } from '../../core/query';
import type { PushDown } from '../provider';
import type { EventsFilter } from './client';

type ListKey = 'regions' | 'services' | 'accountIds' | 'identities';

const NAME_FIELDS = new Set(['action', 'name', 'eventname', 'attributes.name']);
const LIST_FIELDS: Readonly<Record<string, ListKey>> = {
  region: 'regions',
  awsregion: 'regions',
  'attributes.region': 'regions',
  service: 'services',
  eventsource: 'services',
  'attributes.service': 'services',
  account: 'accountIds',
  recipientaccountid: 'accountIds',
  'relationships.account.data.id': 'accountIds',
  actor: 'identities',
  identity: 'identities',
  'attributes.identity': 'identities',
};

const LABELS: Readonly<Record<ListKey, string>> = { regions: 'region', services: 'service', accountIds: 'account', identities: 'identity' };

/** The documented `filter[services]` values (Events.md). */
export const DOCUMENTED_SERVICES = [
  'AutoScaling', 'CloudConformity', 'CloudFormation', 'CloudFront', 'CloudTrail', 'CloudWatch', 'CloudWatchEvents',
  'CloudWatchLogs', 'Config', 'DynamoDB', 'EBS', 'EC2', 'ElastiCache', 'Elasticsearch', 'ELB', 'IAM', 'KMS', 'RDS',
  'Redshift', 'ResourceGroup', 'Route53', 'S3', 'SES', 'SNS', 'SQS', 'VPC', 'WAF', 'ACM', 'Inspector', 'TrustedAdvisor',
  'Shield', 'EMR', 'Lambda', 'Support', 'Organizations', 'Kinesis', 'EFS', 'Subscriptions', 'ActivityLog', 'Network',
] as const;

export interface ConformityPushDown extends PushDown {
  /** What to send (merged with the query's time window and params by the caller). */
  filter: EventsFilter;
}

/** A term's value when it is one literal (no wildcard) that can go into a comma list. */
function literalValue(node: QueryNode): { field: string; value: string } | undefined {
  if (node.type !== 'match') return undefined;
  const m = node.matcher;
  const value = m.kind === 'exact' ? m.value : m.literal === null ? undefined : unescapeLiteral(m.source);
  if (value === undefined || value === '' || value.includes(',')) return undefined;
  return { field: node.field.toLowerCase(), value };
}

function unescapeLiteral(source: string): string {
  return source.replace(/\\(.)/g, '$1');
}

function canonical(key: ListKey, value: string): string {
  if (key === 'regions') return value.toLowerCase();
  if (key === 'services') return DOCUMENTED_SERVICES.find((s) => s.toLowerCase() === value.toLowerCase()) ?? value;
  return value;
}

/** A list term (one literal or an OR of literals on one list field). */
function listTerm(node: QueryNode): { key: ListKey; values: string[] } | undefined {
  const alts = node.type === 'or' ? node.children : [node];
  let key: ListKey | undefined;
  const values: string[] = [];
  for (const alt of alts) {
    const lit = literalValue(alt);
    if (!lit) return undefined;
    const k = LIST_FIELDS[lit.field];
    if (!k || (key !== undefined && k !== key)) return undefined;
    key = k;
    const v = canonical(k, lit.value);
    if (!values.includes(v)) values.push(v);
  }
  return key === undefined ? undefined : { key, values };
}

/** The filter[name] value for an action/name term: glob source with escapes removed, if exact. */
function nameTerm(node: QueryNode): string | undefined {
  if (node.type !== 'match' || !NAME_FIELDS.has(node.field.toLowerCase())) return undefined;
  const m = node.matcher;
  if (m.kind === 'exact') return m.value && !/[*?]/.test(m.value) ? m.value : undefined;
  // An escaped * or ? cannot be said to the API (its wildcards cannot be escaped).
  if (/\\[*?]/.test(m.source)) return undefined;
  const v = unescapeLiteral(m.source);
  return v === '' ? undefined : v;
}

function flatten(node: QueryNode): QueryNode[] {
  if (node.type === 'all') return [];
  if (node.type === 'and') return node.children.flatMap(flatten);
  return [node];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Splits a parsed query; `window` is the fetch's time window, merged into since/until. */
export function pushDown(ast: QueryNode, window: { from?: number; to?: number } = {}): ConformityPushDown {
  const filter: EventsFilter = {};
  const sent: string[] = [];
  const local: QueryNode[] = [];
  // The query window (LiveQuery.from/to, both inclusive) narrows whatever the filter says.
  let since: number | undefined = window.from === undefined ? undefined : Math.ceil(window.from);
  let until: number | undefined = window.to === undefined ? undefined : Math.floor(window.to);
  for (const term of flatten(ast)) {
    if (term.type === 'time') {
      if (term.op === '>' || term.op === '>=') {
        const v = term.op === '>' ? Math.floor(term.ms) + 1 : Math.ceil(term.ms);
        since = since === undefined ? v : Math.max(since, v);
      } else {
        const v = term.op === '<' ? Math.ceil(term.ms) - 1 : Math.floor(term.ms);
        until = until === undefined ? v : Math.min(until, v);
      }
      continue;
    }
    const name = nameTerm(term);
    if (name !== undefined && filter.name === undefined) {
      filter.name = name;
      sent.push(`name: ${name}`);
      continue;
    }
    const list = listTerm(term);
    if (list && filter[list.key] === undefined) {
      filter[list.key] = list.values;
      sent.push(`${LABELS[list.key]}: ${list.values.join(', ')}`);
      continue;
    }
    local.push(term);
  }
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (since !== undefined || until !== undefined) {
    sent.unshift(`time range${since !== undefined ? ` from ${iso(since)}` : ''}${until !== undefined ? ` until ${iso(until)}` : ''}`);
  }
  const localFilter = local.length === 0 ? '' : formatQuery(local.length === 1 ? local[0] : { type: 'and', children: local });
  return { sentToApi: sent, localFilter, filter };
}

/** parseQuery + pushDown. */
export function pushDownText(text: string, window: { from?: number; to?: number } = {}, now: number = Date.now()): ConformityPushDown {
  return pushDown(parseQuery(text, now), window);
}
