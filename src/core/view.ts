/**
 * The result of one query: matching rows in display order, read by window, plus the facets and
 * time histogram of exactly those rows.
 */
import type { EventStore, StoreColumn } from './store';
import { formatTime } from './store';
import { radixSortByKey, radixSortByTime } from './radixSort';
import { facetPage, type FacetPage, type FacetPageOptions } from './facetPage';

export interface SortSpec {
  field: string;
  dir: 'asc' | 'desc';
}

export type Cell = string | number;
export type Row = Record<string, Cell> & { row: number };

export type { FacetValue } from './facetPage';
import type { FacetValue } from './facetPage';

export interface Histogram {
  /** Start of the first bucket, epoch ms (aligned to the bucket size in UTC). */
  start: number;
  bucketMs: number;
  counts: number[];
  /** Matching events with no readable time: never silently left out of the total. */
  untimed: number;
}

export class ResultView {
  constructor(
    readonly store: EventStore,
    /** Row indices in display order. */
    readonly order: Uint32Array,
    readonly sort: SortSpec,
    readonly version: number,
  ) {}

  get count(): number {
    return this.order.length;
  }

  /** True when events were added to the store after this view was made. */
  get stale(): boolean {
    return this.version !== this.store.version;
  }

  /** A window of rows, projected to the given columns; `time` stays epoch ms. */
  rows(offset: number, limit: number, columns: readonly string[]): Row[] {
    const end = Math.min(this.order.length, Math.max(0, offset) + Math.max(0, limit));
    const readers = columns.map((c) => [c, this.store.cellReader(c)] as const);
    const out: Row[] = [];
    for (let i = Math.max(0, offset); i < end; i++) {
      const row = this.order[i];
      const r: Row = { row };
      for (const [name, read] of readers) r[name] = read(row);
      out.push(r);
    }
    return out;
  }

  /** Top values with counts for each column, over the matching rows. */
  facets(columns: readonly string[], top = 10): Record<string, FacetValue[]> {
    return this.facetSummary(columns, top).facets;
  }

  /** Top values per column, and how many distinct values each column has over the matching rows. */
  facetSummary(columns: readonly string[], top = 10): { facets: Record<string, FacetValue[]>; distinct: Record<string, number> } {
    const facets: Record<string, FacetValue[]> = {};
    const distinct: Record<string, number> = {};
    for (const name of columns) {
      const page = this.facetPage(name, { offset: 0, limit: top, order: 'desc' });
      facets[name] = page.values;
      distinct[name] = page.distinct;
    }
    return { facets, distinct };
  }

  /** One page of a column's values over the matching rows (see core/facetPage.ts). */
  facetPage(name: string, opts: FacetPageOptions): FacetPage {
    const col = this.store.resolveColumn(name);
    if (col === 'time') return { values: [], distinct: 0, matched: 0 };
    return facetPage(facetPairs(col, this.order), opts);
  }

  /**
   * Counts per time bucket. The bucket size is the smallest "nice" interval that keeps the bucket
   * count at or under `maxBuckets`, so the timeline reads naturally at any zoom.
   */
  histogram(opts: { maxBuckets?: number; from?: number; to?: number } = {}): Histogram {
    const maxBuckets = Math.max(1, Math.floor(opts.maxBuckets ?? 120));
    const t = this.store.time;
    let min = Infinity;
    let max = -Infinity;
    let untimed = 0;
    for (let i = 0; i < this.order.length; i++) {
      const x = t[this.order[i]];
      if (!Number.isFinite(x)) {
        untimed++;
        continue;
      }
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (opts.from !== undefined) min = opts.from;
    if (opts.to !== undefined) max = opts.to;
    if (!Number.isFinite(min) || !Number.isFinite(max)) return { start: 0, bucketMs: 60_000, counts: [], untimed };
    const bucketMs = niceBucket(min, max, maxBuckets);
    const start = Math.floor(min / bucketMs) * bucketMs;
    const counts = new Array<number>(Math.floor((max - start) / bucketMs) + 1).fill(0);
    for (let i = 0; i < this.order.length; i++) {
      const x = t[this.order[i]];
      if (Number.isFinite(x) && x >= start && x <= max) counts[Math.floor((x - start) / bucketMs)]++;
    }
    return { start, bucketMs, counts, untimed };
  }

  /** Time of the earliest and latest matching event (ISO), for summaries. */
  timeRange(): { from: string; to: string } | undefined {
    const t = this.store.time;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.order.length; i++) {
      const x = t[this.order[i]];
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return Number.isFinite(min) ? { from: formatTime(min), to: formatTime(max) } : undefined;
  }
}

const NICE_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 2 * 86_400_000, 7 * 86_400_000, 14 * 86_400_000,
  30 * 86_400_000, 91 * 86_400_000, 365 * 86_400_000,
];

/** The smallest nice bucket size whose aligned buckets from min to max number at most maxBuckets. */
export function niceBucket(min: number, max: number, maxBuckets: number): number {
  const count = (b: number) => Math.floor(max / b) - Math.floor(min / b) + 1;
  for (const b of NICE_MS) if (count(b) <= maxBuckets) return b;
  let b = NICE_MS[NICE_MS.length - 1];
  while (count(b) > maxBuckets) b *= 2;
  return b;
}

/** Each distinct value of a column over the rows, with its count (list columns: per element). */
function* facetPairs(col: StoreColumn, order: Uint32Array): Generator<FacetValue> {
  const counts = new Uint32Array(col.dict.size);
  const ids = col.ids;
  for (let i = 0; i < order.length; i++) counts[ids[order[i]]]++;
  if (col.kind === 'list') {
    const byValue = new Map<string, number>();
    for (let id = 1; id < counts.length; id++) {
      if (counts[id] === 0) continue;
      for (const v of new Set(col.valuesOf(id))) byValue.set(v, (byValue.get(v) ?? 0) + counts[id]);
    }
    for (const [value, count] of byValue) yield { value, count };
    return;
  }
  for (let id = 1; id < counts.length; id++) if (counts[id] !== 0) yield { value: col.dict.values[id], count: counts[id] };
}

/** Orders rows by a field; stable, so equal keys keep their time order. */
export function sortRows(store: EventStore, rows: Uint32Array, sort: SortSpec): Uint32Array {
  const timeOrder = radixSortByTime(rows, store.time);
  let out = timeOrder;
  const col = sort.field === 'time' ? 'time' : store.resolveColumn(sort.field);
  if (col !== 'time') {
    const rank = col.dict.rank();
    const ids = col.ids;
    out = radixSortByKey(timeOrder, (r) => rank[ids[r]]);
  }
  if (sort.dir === 'desc') out.reverse();
  return out;
}
