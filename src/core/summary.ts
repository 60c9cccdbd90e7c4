/**
 * Summaries: the matching events grouped by one field (principal, sourceIp, accessKey, account,
 * origin, or any field the store resolves), one row per value, with what that value did.
 *
 * Per group: events, first and last time, errors (outcome `failure` or a non-empty `error`), and
 * for each of SUMMARY_FACETS the exact number of distinct values plus the most frequent ones; and
 * the group's notable actions (see below).
 *
 * Cost: one pass over the rows' dictionary ids ranks the groups (no per-event objects, no strings);
 * the facets are computed only for the page of groups asked for, one pass per facet over that
 * page's rows, counting with a stamp array over the facet's dictionary. So memory is bounded by
 * the number of rows and dictionary entries, never by groups × values, and what leaves is bounded
 * by the page: `limit` groups × facets × `top` values. Every count is exact (distinct counts too):
 * nothing is sampled or estimated.
 *
 * Groups are values, not dictionary entries: a list column (a raw path with several values in one
 * event) puts the event in the group of each of its values, so the groups' events can add up to
 * more than the events summarized (as a facet's counts do).
 *
 * Notable actions of a group, computed over the summarized events (the window is the time span of
 * those events, from the earliest to the latest finite time; events without a time take no part):
 *   burst  the action occurred at least `burstMin` times, all within `burstMs` of its first
 *          occurrence, while the group itself was active over at least `burstSpanFactor × burstMs`
 *          (a group seen for five minutes has no "burst": everything it did fits in one);
 *   new    the action's first occurrence for the group falls in the last `lateFraction` of the
 *          window, and the group had been active before that part began (for a group that only
 *          appears late, every action would be new: none is flagged).
 * An action can be both. They are listed by first occurrence, then name; at most `notableMax`, with
 * the true number beside them. Deterministic: the same events give the same result in any order.
 */
import type { IdArray, EventStore, StoreColumn } from './store';
import { formatTime } from './store';

/** What each group lists, besides its counts: distinct values and the most frequent ones. */
export const SUMMARY_FACETS = ['action', 'sourceIp', 'region', 'accessKey', 'userAgent'] as const;
export type SummaryFacetName = (typeof SUMMARY_FACETS)[number];

export interface NotableRules {
  burstMs: number;
  burstMin: number;
  burstSpanFactor: number;
  lateFraction: number;
}

export const NOTABLE_RULES: Readonly<NotableRules> = {
  burstMs: 10 * 60_000,
  burstMin: 3,
  burstSpanFactor: 6,
  lateFraction: 0.25,
};

export interface SummaryOptions {
  /** Groups to skip, most events first (ties by value). */
  offset?: number;
  /** Most groups in the page. */
  limit?: number;
  /** Most values listed per facet of a group. */
  top?: number;
  /** Most notable actions listed per group. */
  notableMax?: number;
  rules?: Partial<NotableRules>;
}

export interface SummaryValue {
  value: string;
  count: number;
}

export interface SummaryFacet {
  /** Distinct values for the group (exact). */
  distinct: number;
  /** The most frequent, ties by value; at most `top`. */
  top: SummaryValue[];
}

export interface NotableAction {
  action: string;
  count: number;
  /** Epoch ms of its first and last occurrence for the group. */
  first: number;
  last: number;
  burst: boolean;
  new: boolean;
}

export interface SummaryGroup {
  value: string;
  events: number;
  /** Epoch ms; null when none of the group's events has a time. */
  first: number | null;
  last: number | null;
  errors: number;
  /** errors / events. */
  errorRate: number;
  facets: Record<SummaryFacetName, SummaryFacet>;
  notable: NotableAction[];
  /** Notable actions in all (`notable` lists at most notableMax). */
  notableCount: number;
}

export interface SummaryPage {
  field: string;
  /** Events summarized (the matching events). */
  events: number;
  /** Of those, events without a value for the field (in no group). */
  missing: number;
  /** Groups in all (the field's distinct values over the events). */
  distinct: number;
  offset: number;
  groups: SummaryGroup[];
  /** Epoch ms of the earliest and latest summarized event; null without any time. */
  window: { from: number; to: number } | null;
}

/**
 * A column's values as small integers: for a string column its dictionary ids, for a list column
 * each distinct element of any entry (an entry maps to the elements it holds). Index 0 is "none".
 */
class Elements {
  readonly values: readonly string[];
  private readonly ids: IdArray;
  /** List columns: entry → elements, as offsets into `targets` (CSR). */
  private readonly offsets?: Uint32Array;
  private readonly targets?: Uint32Array;

  constructor(col: StoreColumn) {
    this.ids = col.ids;
    if (col.kind === 'string') {
      this.values = col.dict.values;
      return;
    }
    const index = new Map<string, number>();
    const values = [''];
    const offsets = new Uint32Array(col.dict.size + 1);
    const targets: number[] = [];
    for (let id = 1; id < col.dict.size; id++) {
      offsets[id] = targets.length;
      for (const v of new Set(col.valuesOf(id))) {
        if (v === '') continue;
        let e = index.get(v);
        if (e === undefined) {
          e = values.length;
          values.push(v);
          index.set(v, e);
        }
        targets.push(e);
      }
    }
    offsets[col.dict.size] = targets.length;
    offsets[0] = 0;
    this.values = values;
    this.offsets = offsets;
    this.targets = Uint32Array.from(targets);
  }

  get size(): number {
    return this.values.length;
  }

  /** Calls `visit` with each element of the row's value; returns how many. */
  each(row: number, visit: (e: number) => void): number {
    const id = this.ids[row];
    if (id === 0) return 0;
    const { offsets, targets } = this;
    if (!offsets || !targets) {
      visit(id);
      return 1;
    }
    const end = offsets[id + 1];
    for (let k = offsets[id]; k < end; k++) visit(targets[k]);
    return end - offsets[id];
  }
}

/** A field that is not there (time, or a store without it): no element for any row. */
const NO_ELEMENTS: ElementSource = { values: [''], size: 1, each: () => 0 };

type ElementSource = Pick<Elements, 'values' | 'size' | 'each'>;

function elementsOf(store: EventStore, field: string): ElementSource {
  const col = store.resolveColumn(field);
  return col === 'time' ? NO_ELEMENTS : new Elements(col);
}

const byCountThenValue = (values: readonly string[], cnt: Uint32Array) => (a: number, b: number) =>
  cnt[b] - cnt[a] || (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0);

/**
 * The events `rows` grouped by `field`: ranked once, then read page by page (`page`), so a caller
 * that wants every group (the CLI) never holds more than one page of results.
 */
export class Summary {
  readonly events: number;
  readonly missing: number;
  readonly window: { from: number; to: number } | null;
  /** Group element ids, most events first. */
  private readonly ranked: Uint32Array;
  private readonly groups: ElementSource;
  private readonly count: Uint32Array;
  private readonly first: Float64Array;
  private readonly last: Float64Array;
  private readonly errors: Uint32Array;

  constructor(
    private readonly store: EventStore,
    private readonly rows: Uint32Array,
    readonly field: string,
  ) {
    const groups = elementsOf(store, field);
    this.groups = groups;
    const n = groups.size;
    const count = new Uint32Array(n);
    const first = new Float64Array(n).fill(Infinity);
    const last = new Float64Array(n).fill(-Infinity);
    const errors = new Uint32Array(n);
    const failed = failedRows(store);
    const time = store.time;
    let missing = 0;
    let from = Infinity;
    let to = -Infinity;
    let t = 0;
    let err = 0;
    const visit = (e: number) => {
      count[e]++;
      errors[e] += err;
      if (t < first[e]) first[e] = t;
      if (t > last[e]) last[e] = t;
    };
    const visitUntimed = (e: number) => {
      count[e]++;
      errors[e] += err;
    };
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      t = time[row];
      err = failed(row) ? 1 : 0;
      const timed = Number.isFinite(t);
      if (timed) {
        if (t < from) from = t;
        if (t > to) to = t;
      }
      if (groups.each(row, timed ? visit : visitUntimed) === 0) missing++;
    }
    let distinct = 0;
    for (let e = 1; e < n; e++) if (count[e] > 0) distinct++;
    const ranked = new Uint32Array(distinct);
    for (let e = 1, k = 0; e < n; e++) if (count[e] > 0) ranked[k++] = e;
    ranked.sort(byCountThenValue(groups.values, count));
    this.ranked = ranked;
    this.count = count;
    this.first = first;
    this.last = last;
    this.errors = errors;
    this.events = rows.length;
    this.missing = missing;
    this.window = Number.isFinite(from) ? { from, to } : null;
  }

  /** Groups in all. */
  get distinct(): number {
    return this.ranked.length;
  }

  page(opts: SummaryOptions = {}): SummaryPage {
    const offset = Math.max(0, Math.floor(opts.offset ?? 0));
    const limit = Math.max(0, Math.floor(opts.limit ?? 100));
    const top = Math.max(0, Math.floor(opts.top ?? 5));
    const notableMax = Math.max(0, Math.floor(opts.notableMax ?? 10));
    const rules: NotableRules = { ...NOTABLE_RULES, ...opts.rules };
    const chosen = this.ranked.subarray(Math.min(offset, this.ranked.length), Math.min(this.ranked.length, offset + limit));
    const base = { field: this.field, events: this.events, missing: this.missing, distinct: this.distinct, offset, window: this.window };
    if (chosen.length === 0) return { ...base, groups: [] };

    // The chosen groups' rows, slot by slot (slot = place in the page), in the rows' order.
    const slotOf = new Int32Array(this.groups.size).fill(-1);
    const start = new Uint32Array(chosen.length + 1);
    for (let s = 0; s < chosen.length; s++) {
      slotOf[chosen[s]] = s;
      start[s + 1] = start[s] + this.count[chosen[s]];
    }
    const slotRows = new Uint32Array(start[chosen.length]);
    const fill = start.slice(0, chosen.length);
    let row = 0;
    const place = (e: number) => {
      const s = slotOf[e];
      if (s >= 0) slotRows[fill[s]++] = row;
    };
    for (let i = 0; i < this.rows.length; i++) {
      row = this.rows[i];
      this.groups.each(row, place);
    }

    const out: SummaryGroup[] = Array.from(chosen, (e) => {
      const events = this.count[e];
      const first = this.first[e];
      const last = this.last[e];
      return {
        value: this.groups.values[e],
        events,
        first: Number.isFinite(first) ? first : null,
        last: Number.isFinite(last) ? last : null,
        errors: this.errors[e],
        errorRate: events === 0 ? 0 : this.errors[e] / events,
        facets: {} as Record<SummaryFacetName, SummaryFacet>,
        notable: [],
        notableCount: 0,
      };
    });

    const time = this.store.time;
    for (const name of SUMMARY_FACETS) {
      const values = elementsOf(this.store, name);
      const stamp = new Int32Array(values.size).fill(-1);
      const cnt = new Uint32Array(values.size);
      const isAction = name === 'action';
      const firstT = isAction ? new Float64Array(values.size) : undefined;
      const lastT = isAction ? new Float64Array(values.size) : undefined;
      const cmp = byCountThenValue(values.values, cnt);
      let slot = 0;
      let t = 0;
      const touched: number[] = [];
      const visit = (v: number) => {
        if (stamp[v] !== slot) {
          stamp[v] = slot;
          cnt[v] = 0;
          touched.push(v);
          if (firstT && lastT) {
            firstT[v] = Infinity;
            lastT[v] = -Infinity;
          }
        }
        cnt[v]++;
        if (firstT && lastT && Number.isFinite(t)) {
          if (t < firstT[v]) firstT[v] = t;
          if (t > lastT[v]) lastT[v] = t;
        }
      };
      for (slot = 0; slot < chosen.length; slot++) {
        touched.length = 0;
        for (let k = start[slot]; k < start[slot + 1]; k++) {
          const r = slotRows[k];
          t = time[r];
          values.each(r, visit);
        }
        const g = out[slot];
        g.facets[name] = { distinct: touched.length, top: topOf(touched, cnt, values.values, top, cmp) };
        if (firstT && lastT) {
          const notable = notableActions(touched, cnt, firstT, lastT, values.values, g, this.window, rules);
          g.notableCount = notable.length;
          g.notable = notable.slice(0, notableMax);
        }
      }
    }
    return { ...base, groups: out };
  }
}

/** The events `rows` grouped by `field`, one page of groups (most events first). */
export function summarize(store: EventStore, rows: Uint32Array, field: string, opts: SummaryOptions = {}): SummaryPage {
  return new Summary(store, rows, field).page(opts);
}

/** True for a row whose outcome is `failure` or that carries an error code. */
function failedRows(store: EventStore): (row: number) => boolean {
  const outcome = store.resolveColumn('outcome');
  const error = store.resolveColumn('error');
  const failure = outcome === 'time' ? undefined : outcome.dict.lookup('failure');
  const o = outcome === 'time' ? undefined : outcome.ids;
  const e = error === 'time' ? undefined : error.ids;
  return (row) => (o !== undefined && failure !== undefined && o[row] === failure) || (e !== undefined && e[row] !== 0);
}

function topOf(touched: number[], cnt: Uint32Array, values: readonly string[], top: number, cmp: (a: number, b: number) => number): SummaryValue[] {
  if (top === 0 || touched.length === 0) return [];
  let best: number[];
  if (touched.length <= top * 4) best = [...touched].sort(cmp);
  else {
    // Many values (a group with thousands of user agents): keep a small buffer, cut back when full.
    best = [];
    for (const v of touched) {
      best.push(v);
      if (best.length >= top * 4) best = best.sort(cmp).slice(0, top);
    }
    best.sort(cmp);
  }
  return best.slice(0, top).map((v) => ({ value: values[v], count: cnt[v] }));
}

function notableActions(
  touched: readonly number[],
  cnt: Uint32Array,
  firstT: Float64Array,
  lastT: Float64Array,
  values: readonly string[],
  group: Pick<SummaryGroup, 'first' | 'last'>,
  window: { from: number; to: number } | null,
  rules: NotableRules,
): NotableAction[] {
  if (!window || group.first === null || group.last === null) return [];
  const span = group.last - group.first;
  const canBurst = span >= rules.burstSpanFactor * rules.burstMs;
  const lateStart = window.to - rules.lateFraction * (window.to - window.from);
  const canBeNew = window.to > window.from && group.first < lateStart;
  const out: NotableAction[] = [];
  for (const v of touched) {
    const first = firstT[v];
    const last = lastT[v];
    if (!Number.isFinite(first)) continue;
    const burst = canBurst && cnt[v] >= rules.burstMin && last - first <= rules.burstMs;
    const isNew = canBeNew && first >= lateStart;
    if (burst || isNew) out.push({ action: values[v], count: cnt[v], first, last, burst, new: isNew });
  }
  return out.sort((a, b) => a.first - b.first || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
}

/** A group's times as text (ISO, UTC), for output that is read rather than computed on. */
export function summaryTime(ms: number | null): string {
  return ms === null ? '' : formatTime(ms);
}
