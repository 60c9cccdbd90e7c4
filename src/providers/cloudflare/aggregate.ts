// Facet counts and a daily histogram for the events panel from `GET .../events/aggregate`
// [CFTS aggregate.ts]: Cloudflare counts over the whole dataset, so the panel can show them
// without fetching every event. providers/ never imports vscode.
import type { CallOptions } from '../../core/http';
import { aggregateEvents, type CfApi } from './client';

export interface FacetValue {
  value: string;
  count: number;
}

export interface DateBucket {
  /** As Cloudflare sends it (a YYYY-MM-DD day). */
  date: string;
  count: number;
}

export interface AggregateScope {
  datasetId?: readonly string[];
  /** Epoch ms, sent as ISO dates (whole days: the API takes dates, not times). */
  from?: number;
  to?: number;
}

function isoDate(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString().slice(0, 10);
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/**
 * `{value, count}[]` per column (one request per column, so each has its own top `limit`), most
 * frequent first. Columns are event fields: attacker, category, targetIndustry, attackerCountry, …
 */
export async function aggregateFacets(
  api: CfApi,
  columns: readonly string[],
  scope: AggregateScope & { limit?: number } = {},
  opts: CallOptions = {},
): Promise<Record<string, FacetValue[]>> {
  const out: Record<string, FacetValue[]> = {};
  for (const column of columns) {
    const r = await aggregateEvents(
      api,
      { aggregateBy: column, datasetId: scope.datasetId, startDate: isoDate(scope.from), endDate: isoDate(scope.to), limit: scope.limit },
      opts,
    );
    const counts = new Map<string, number>();
    for (const a of r.aggregations) {
      const v = text(a[column]);
      counts.set(v, (counts.get(v) ?? 0) + a.count);
    }
    out[column] = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  return out;
}

/**
 * Events per day. The endpoint needs an `aggregateBy` column even when grouping by date, so the
 * groups of `by` (default `tlp`, a handful of values) are summed per day.
 */
export async function aggregateHistogram(api: CfApi, scope: AggregateScope & { by?: string } = {}, opts: CallOptions = {}): Promise<DateBucket[]> {
  const r = await aggregateEvents(
    api,
    { aggregateBy: scope.by ?? 'tlp', groupByDate: true, datasetId: scope.datasetId, startDate: isoDate(scope.from), endDate: isoDate(scope.to) },
    opts,
  );
  const byDate = new Map<string, number>();
  for (const a of r.aggregations) {
    if (!a.date) continue;
    byDate.set(a.date, (byDate.get(a.date) ?? 0) + a.count);
  }
  return [...byDate].map(([date, count]) => ({ date, count })).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
