/**
 * One page of a facet's values: the distinct values of a field over the matching events, by count
 * (most or least frequent first), optionally only those containing some text. Used for the
 * panel's facets past their top 10 ("Show more", "Rarest first", the filter box), so the values
 * an analyst looks for (often the rare ones) are reachable.
 *
 * Bounded by design: one pass over the distinct values, keeping only the best `offset + limit`
 * (for the panel at most FACET_WINDOW_MAX + FACET_PAGE_MAX) in a buffer cut back whenever it doubles.
 */

export interface FacetValue {
  value: string;
  count: number;
}

/** Furthest a page may start: past this, the filter box finds a value faster than paging. */
export const FACET_WINDOW_MAX = 10_000;
/** Most values in one page. */
export const FACET_PAGE_MAX = 500;

export interface FacetPageOptions {
  offset: number;
  limit: number;
  /** `desc`: most frequent first; `asc`: rarest first. Equal counts go by value. */
  order: 'desc' | 'asc';
  /** Only values containing this text (case-insensitive); '' or undefined: all. */
  search?: string;
}

export interface FacetPage {
  values: FacetValue[];
  /** Distinct values of the field over the matching events. */
  distinct: number;
  /** Distinct values containing the search text (= distinct without one). */
  matched: number;
}

function byValue(a: FacetValue, b: FacetValue): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export function compareFacetValues(order: 'desc' | 'asc'): (a: FacetValue, b: FacetValue) => number {
  return order === 'desc' ? (a, b) => b.count - a.count || byValue(a, b) : (a, b) => a.count - b.count || byValue(a, b);
}

export function facetPage(pairs: Iterable<FacetValue>, opts: FacetPageOptions): FacetPage {
  // The panel's requests are held to FACET_WINDOW_MAX and FACET_PAGE_MAX by the protocol's schema;
  // the CLI asks for every value.
  const offset = Math.max(0, Math.floor(opts.offset));
  const limit = Math.max(0, Math.floor(opts.limit));
  const keep = offset + limit;
  const cmp = compareFacetValues(opts.order);
  const needle = (opts.search ?? '').toLowerCase();
  let distinct = 0;
  let matched = 0;
  let best: FacetValue[] = [];
  /** The worst kept value once the buffer was cut: anything not better is skipped. */
  let floor: FacetValue | undefined;
  for (const p of pairs) {
    distinct++;
    if (needle !== '' && !p.value.toLowerCase().includes(needle)) continue;
    matched++;
    if (keep === 0 || (floor && cmp(p, floor) >= 0)) continue;
    best.push(p);
    if (best.length >= 2 * keep + 64) {
      best.sort(cmp);
      best = best.slice(0, keep);
      floor = best[keep - 1];
    }
  }
  best.sort(cmp);
  return { values: best.slice(offset, keep), distinct, matched };
}
