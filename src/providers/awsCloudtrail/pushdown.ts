// Which part of a filter LookupEvents can apply (API-NOTES §5): a time range (StartTime/EndTime)
// and at most ONE lookup attribute. providers/ never imports vscode.
//
// Rules:
// - Only top-level AND terms (or a query that is one term) are considered; OR, NOT, globs, free text
//   and comparisons never go to the API.
// - Terms that map to one attribute (field names resolved like the store does: aliases via
//   core/event.ts `resolveField`, raw paths case-insensitively, `raw.` prefix accepted):
//     id, eventID                                  → EventId     (sent lower-case: event ids are UUIDs)
//     userIdentity.accessKeyId                     → AccessKeyId (sent upper-case: AKIA…/ASIA…)
//     resources, resources.ARN                     → ResourceName
//     userIdentity.userName                        → Username
//     action, eventName                            → EventName
//     resources.type                               → ResourceType
//     service, eventSource                         → EventSource (sent lower-case: s3.amazonaws.com)
//     readOnly                                     → ReadOnly    (true/false only)
//   Derived fields (`principal`, `origin`, `session`, core/derivedFields.ts) are never pushed: they
//   are computed from the loaded events (`session:` is not the AccessKeyId attribute: it also names
//   the key an event minted).
//   `actor` is NOT pushed: locally it is an ARN, a user name or a service, while the API's Username
//   is only the user (or session) name, so sending it would drop events the local filter keeps.
// - Values: a quoted exact value, or an unquoted one without wildcards. Locally an unquoted value
//   matches case-insensitively while the API compares exactly, so unquoted values are sent in the
//   case the records use where that case is fixed (above); event names are PascalCase, so an
//   unquoted event name is sent only when it starts with a capital letter (`action:consolelogin`
//   stays local). User, resource names and types are sent as typed: AWS keeps their case, and a
//   value typed in another case will find nothing at the API (UNVERIFIED whether AWS folds case).
// - Of several candidates the most selective goes: EventId > AccessKeyId > ResourceName > Username >
//   EventName > ResourceType > EventSource > ReadOnly (the API takes one attribute).
// - How LookupEvents derives Username, ResourceName and ResourceType from a record is not fully
//   documented, so the WHOLE filter is still applied locally (`localFilter` is the full filter):
//   the result never holds an event the filter rejects, whatever the API matched.
// - Time: `time:>`/`>=` raise StartTime, `time:<`/`<=` lower EndTime, together with LiveQuery.from/to.
//   Default window: the 24 hours before now. LookupEvents only holds 90 days, so an earlier start is
//   moved to now − 90 days and `sentToApi` says so.
import { findDerived } from '../../core/derived';
import { DERIVED_FIELDS } from '../../core/derivedFields';
import { resolveField } from '../../core/event';
import { formatQuery, parseQuery, type QueryNode } from '../../core/query';
import type { PushDown } from '../provider';

export type LookupAttributeKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';

export const ATTRIBUTE_PRIORITY: readonly LookupAttributeKey[] = [
  'EventId',
  'AccessKeyId',
  'ResourceName',
  'Username',
  'EventName',
  'ResourceType',
  'EventSource',
  'ReadOnly',
];

export const DEFAULT_WINDOW_MS = 24 * 3600_000;
export const RETENTION_MS = 90 * 24 * 3600_000;

export interface LookupPushDown extends PushDown {
  attribute?: { AttributeKey: LookupAttributeKey; AttributeValue: string };
  /** Epoch ms sent as StartTime / EndTime (both inclusive at the API). */
  startTime: number;
  endTime: number;
  /** Set when the start was moved to the 90-day limit: the original start. */
  clampedFrom?: number;
  /** True when the whole range lies before the 90 days LookupEvents keeps. */
  outsideRetention: boolean;
}

/** Raw paths (lower-case, without `raw.`) → attribute. */
const RAW_PATHS: Readonly<Record<string, LookupAttributeKey>> = {
  eventid: 'EventId',
  eventname: 'EventName',
  eventsource: 'EventSource',
  readonly: 'ReadOnly',
  'useridentity.username': 'Username',
  'useridentity.accesskeyid': 'AccessKeyId',
  'resources.type': 'ResourceType',
  'resources.arn': 'ResourceName',
};

function attributeFor(field: string): LookupAttributeKey | undefined {
  const normalized = resolveField(field);
  if (normalized === 'id') return 'EventId';
  if (normalized === 'action') return 'EventName';
  if (normalized === 'service') return 'EventSource';
  if (normalized === 'resources') return 'ResourceName';
  if (normalized) return undefined;
  // principal, origin, session…: computed from the loaded events, unknown to the API.
  if (findDerived(DERIVED_FIELDS, field)) return undefined;
  const path = field.replace(/^raw\./i, '').toLowerCase();
  return RAW_PATHS[path];
}

/** The value to send for a term, or undefined when it cannot go to the API unchanged in meaning. */
function apiValue(key: LookupAttributeKey, node: Extract<QueryNode, { type: 'match' }>): string | undefined {
  const m = node.matcher;
  const quoted = m.kind === 'exact';
  let text: string;
  if (m.kind === 'exact') text = m.value;
  else if (m.literal === null) return undefined;
  // No wildcards: only the `\*`, `\?`, `\\` escapes are left in the canonical glob source.
  else text = m.source.replace(/\\(.)/g, '$1');
  if (text === '') return undefined;
  switch (key) {
    case 'EventId':
      return quoted ? text : text.toLowerCase();
    case 'AccessKeyId':
      return quoted ? text : text.toUpperCase();
    case 'EventSource':
      return quoted ? text : text.toLowerCase();
    case 'ReadOnly': {
      const v = text.toLowerCase();
      if (quoted && v !== text) return undefined;
      return v === 'true' || v === 'false' ? v : undefined;
    }
    case 'EventName':
      return quoted || /^[A-Z]/.test(text) ? text : undefined;
    default:
      return text;
  }
}

/**
 * Splits `filter` into LookupEvents parameters and the filter to apply locally (all of it).
 * Throws QueryError for a filter that does not parse.
 */
export function pushDown(filter: string, range: { from?: number; to?: number } = {}, now: number = Date.now()): LookupPushDown {
  const ast = parseQuery(filter, now);
  const terms: QueryNode[] = ast.type === 'all' ? [] : ast.type === 'and' ? ast.children : [ast];
  // A non-finite bound (NaN from a bad date) would reach the API as garbage: treat it as unset.
  let from = range.from !== undefined && Number.isFinite(range.from) ? range.from : undefined;
  let to = range.to !== undefined && Number.isFinite(range.to) ? range.to : undefined;
  const found = new Map<LookupAttributeKey, { value: string; field: string }>();
  for (const t of terms) {
    if (t.type === 'time') {
      if (t.op === '>' || t.op === '>=') from = from === undefined ? t.ms : Math.max(from, t.ms);
      else {
        const end = t.op === '<=' ? t.ms + 1 : t.ms;
        to = to === undefined ? end : Math.min(to, end);
      }
      continue;
    }
    if (t.type !== 'match') continue;
    const key = attributeFor(t.field);
    if (!key || found.has(key)) continue;
    const value = apiValue(key, t);
    if (value !== undefined) found.set(key, { value, field: t.field });
  }

  const endTime = to ?? now;
  let startTime = from ?? endTime - DEFAULT_WINDOW_MS;
  const oldest = now - RETENTION_MS;
  let clampedFrom: number | undefined;
  if (startTime < oldest) {
    clampedFrom = startTime;
    startTime = oldest;
  }
  const outsideRetention = endTime < oldest;

  const sentToApi = [clampedFrom !== undefined ? 'time range (start moved to 90 days ago: LookupEvents keeps only the last 90 days)' : 'time range'];
  let attribute: LookupPushDown['attribute'];
  for (const key of ATTRIBUTE_PRIORITY) {
    const hit = found.get(key);
    if (hit) {
      attribute = { AttributeKey: key, AttributeValue: hit.value };
      sentToApi.push(`${key} = ${hit.value}`);
      break;
    }
  }
  return { sentToApi, localFilter: formatQuery(ast), attribute, startTime, endTime, clampedFrom, outsideRetention };
}
