// Which parts of a filter `GET /v2/event` can apply: only the time range (its only parameters are
// `from` and `to`). providers/ never imports vscode.
//
// Top-level AND terms `time:>` / `time:>=` raise the start, `time:<` / `time:<=` lower the end,
// combined with LiveQuery.from/to (tightest wins). The windows are half-open [from, to), so `<=`
// ends one millisecond later. The API works in whole seconds and its bounds' inclusivity is
// UNVERIFIED, so the time terms also stay in the local filter: the result is exact either way, and
// the API still only sends the range. Everything else stays in `localFilter`.
import { formatQuery, parseQuery, type QueryNode } from '../../core/query';
import type { PushDown } from '../provider';
import { DEFAULT_RANGE_MS } from './client';

export interface ExoPushDown extends PushDown {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/**
 * Splits `filter` into the time range to fetch and the filter still to apply locally. Without any
 * bound the range is the API's default, the 24 hours before `now`; with only a start it runs to
 * `now`; with only an end it is the 24 hours before it. Throws QueryError for a filter that does not parse.
 */
export function pushDown(filter: string, range: { from?: number; to?: number } = {}, now: number = Date.now()): ExoPushDown {
  const ast = parseQuery(filter, now);
  const terms: QueryNode[] = ast.type === 'all' ? [] : ast.type === 'and' ? ast.children : [ast];
  let from = range.from;
  let to = range.to;
  let timeTerms = false;
  for (const t of terms) {
    if (t.type !== 'time') continue;
    timeTerms = true;
    if (t.op === '>' || t.op === '>=') from = from === undefined ? t.ms : Math.max(from, t.ms);
    else {
      const end = t.op === '<=' ? t.ms + 1 : t.ms;
      to = to === undefined ? end : Math.min(to, end);
    }
  }
  const end = to ?? now;
  const start = from ?? end - DEFAULT_RANGE_MS;
  return {
    from: start,
    to: end,
    // The range always goes to the API (it needs one), but it is only worth naming when the user set it.
    sentToApi: timeTerms || range.from !== undefined || range.to !== undefined ? ['time range'] : [],
    localFilter: formatQuery(ast),
  };
}
