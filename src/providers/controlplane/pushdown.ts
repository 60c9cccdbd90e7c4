// Which parts of a filter the Control Plane audit API can apply (API-NOTES §4 query parameters).
// providers/ never imports vscode.
//
// Rules (only top-level AND terms, or a query that is a single term, are considered):
// - `time:>` / `time:>=` → fromEvent, `time:<` / `time:<=` → toEvent (ISO 8601). The latest lower
//   bound and earliest upper bound win, combined with LiveQuery.from/to. Whether the API bounds are
//   inclusive is UNVERIFIED, so time terms are ALSO kept in the local filter: the result is exact
//   either way, and the API still only sends the window.
// - Field terms with one plain value (a quoted exact value, or an unquoted value without wildcards)
//   map to parameters. The local fields these stand for, so pushing down returns what filtering
//   locally would:
//     action, action.type                      → actionType
//     service, resource.type                   → resourceType   (service = resource.type)
//     region, context.location                 → location       (region = context.location)
//     context.gvcAlias                         → gvcAlias
//     context.podId                            → podId
//   (`raw.` prefixes accepted). The API parameter names themselves (actionType, resourceType,
//   location, gvcAlias, podId, contextName, subjectName) are accepted as fields too: they exist
//   only on the API side (no event field has those names), so they are always sent and never local.
// - `resources:` is NOT pushed to resourceType: locally `resources` holds the resource id and name,
//   not its type, so sending it would change the result. It stays local.
// - Unquoted values match case-insensitively locally; the API is assumed to compare exactly. cpln
//   action types, resource kinds and locations are lowercase identifiers, so an unquoted value is
//   sent only when it is already lowercase; otherwise the term stays local (correct, just not
//   narrowed by the server).
// - A second term for the same parameter stays local (the API got the first one; AND still holds).
// - Everything else (OR, NOT, globs, free text, other fields) stays in `localFilter`, printed by
//   formatQuery.
import type { PushDown } from '../provider';
import { formatQuery, parseQuery, type QueryNode } from '../../core/query';
import type { CplnParams } from './client';

type PushParam = 'actionType' | 'resourceType' | 'location' | 'gvcAlias' | 'podId' | 'contextName' | 'subjectName';

/** Local field (lowercased, without `raw.`) → parameter. */
const LOCAL_FIELDS: Readonly<Record<string, PushParam>> = {
  action: 'actionType',
  'action.type': 'actionType',
  service: 'resourceType',
  'resource.type': 'resourceType',
  region: 'location',
  'context.location': 'location',
  'context.gvcalias': 'gvcAlias',
  'context.podid': 'podId',
};

/** API-only names (lowercased) → parameter; no local field has these names. */
const API_FIELDS: Readonly<Record<string, PushParam>> = {
  actiontype: 'actionType',
  resourcetype: 'resourceType',
  location: 'location',
  gvcalias: 'gvcAlias',
  podid: 'podId',
  contextname: 'contextName',
  subjectname: 'subjectName',
};

export interface CplnPushDown extends PushDown {
  params: CplnParams;
}

function fieldParam(field: string): { param: PushParam; apiOnly: boolean } | undefined {
  const f = field.toLowerCase().replace(/^raw\./, '');
  if (LOCAL_FIELDS[f]) return { param: LOCAL_FIELDS[f], apiOnly: false };
  if (!field.toLowerCase().startsWith('raw.') && API_FIELDS[f]) return { param: API_FIELDS[f], apiOnly: true };
  return undefined;
}

/** The single plain value of a match term, or undefined when it has wildcards (or needs case folding). */
function plainValue(node: Extract<QueryNode, { type: 'match' }>, apiOnly: boolean): string | undefined {
  const m = node.matcher;
  if (m.kind === 'exact') return m.value;
  if (m.literal === null) return undefined;
  // No wildcards: the source only has `\*`, `\?`, `\\` escapes left.
  const text = m.source.replace(/\\(.)/g, '$1');
  if (apiOnly) return text;
  return text === text.toLowerCase() ? text : undefined;
}

function iso(ms: number): string | undefined {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

/**
 * Splits `filter` into API parameters and the filter still to apply locally. `from`/`to` (epoch ms,
 * from LiveQuery) are merged into fromEvent/toEvent. Throws QueryError for a filter that does not parse.
 */
export function pushDown(filter: string, range: { from?: number; to?: number } = {}, now: number = Date.now()): CplnPushDown {
  const ast = parseQuery(filter, now);
  const terms: QueryNode[] = ast.type === 'all' ? [] : ast.type === 'and' ? ast.children : [ast];
  const params: CplnParams = {};
  const sent: string[] = [];
  const local: QueryNode[] = [];
  let from = range.from;
  let to = range.to;

  for (const t of terms) {
    if (t.type === 'time') {
      if (t.op === '>' || t.op === '>=') from = from === undefined ? t.ms : Math.max(from, t.ms);
      else to = to === undefined ? t.ms : Math.min(to, t.ms);
      local.push(t);
      continue;
    }
    if (t.type === 'match') {
      const fp = fieldParam(t.field);
      const value = fp ? plainValue(t, fp.apiOnly) : undefined;
      if (fp && value !== undefined && value !== '' && params[fp.param] === undefined) {
        params[fp.param] = value;
        sent.push(`${t.field}: ${value}`);
        continue;
      }
    }
    local.push(t);
  }

  if (from !== undefined && Number.isFinite(from)) params.fromEvent = iso(from);
  if (to !== undefined && Number.isFinite(to)) params.toEvent = iso(to);
  if (params.fromEvent !== undefined || params.toEvent !== undefined) sent.unshift('time range');

  const rest: QueryNode = local.length === 0 ? { type: 'all' } : local.length === 1 ? local[0] : { type: 'and', children: local };
  return { sentToApi: sent, localFilter: formatQuery(rest), params };
}
