/**
 * A panel's query and view: the view state the webview saved, the current query and its result,
 * the selected row and the load count the views show. It runs queries over the session's store
 * and answers the windows (rows, facets) the webview asks of the result it was sent.
 */
import { parseQuery } from '../core/query';
import { detectionsOf, highestLevel } from '../core/sigma/detectionFields';
import { missingFields } from '../core/fieldSuggest';
import { FIELD_ALIASES, NORMALIZED_FIELDS } from '../core/event';
import type { ResultView } from '../core/view';
import { Summary, type SummaryGroup } from '../core/summary';
import {
  DEFAULT_COLUMNS,
  DidQueryNotification,
  FACET_FIELDS,
  LIMITS,
  SUMMARY_FIELDS,
  type FacetParams,
  type FacetResult,
  type LoadState,
  type NotificationType,
  type QueryResult,
  type QuerySpec,
  type RefetchParams,
  type RowsParams,
  type RowsResult,
  type SummaryGroupDto,
  type SummaryParams,
  type SummaryResult,
  type ViewState,
} from '../protocol';
import { ReplyFailure } from './ipcDispatch';
import type { SourceSet } from './sourceSet';

export interface QueryViewHost {
  notify<P>(n: NotificationType<P>, params: P): void;
  /** The shown counts or the current result changed. */
  changed(): void;
}

export class QueryView {
  private view: ViewState;
  private current: { spec: QuerySpec; view: ResultView } | undefined;
  private lastSpec: QuerySpec | undefined;
  private summaryMemo: { view: ResultView; summary: Summary } | undefined;
  private selectedRow: number | undefined;
  /** The ticker's last snapshot, taken with the query it reran: every view shows this number while loading. */
  private shownLoad: LoadState | undefined;

  constructor(
    private readonly sources: SourceSet,
    private readonly host: QueryViewHost,
    view: ViewState | undefined,
  ) {
    this.view = view ?? { filter: '', sort: { field: 'time', dir: 'desc' }, columns: DEFAULT_COLUMNS };
  }

  get state(): ViewState {
    return this.view;
  }

  set state(view: ViewState) {
    this.view = view;
  }

  get result(): ResultView | undefined {
    return this.current?.view;
  }

  get selected(): number | undefined {
    return this.selectedRow;
  }

  /** The load progress every view shows: the last snapshot drawn while loading, else the final status. */
  get loadShown(): LoadState {
    const shown = this.shownLoad;
    return this.sources.loading && shown && !shown.done ? shown : { ...this.sources.status, events: this.sources.store.size };
  }

  /** A ticker snapshot, shown until the next (the query rerun with it counts the same events). */
  showLoad(s: LoadState): void {
    this.shownLoad = s;
  }

  /** A live source is fetched with this filter: the bar shows it. */
  setFilter(filter: string): void {
    this.view = { ...this.view, filter };
  }

  /** The live sources were fetched again with this filter and range: the next rerun asks for them. */
  refilter(p: RefetchParams): void {
    if (this.lastSpec) this.lastSpec = { ...this.lastSpec, filter: p.filter, timeRange: p.timeRange };
  }

  select(row: number): void {
    this.checkRow(row);
    this.selectedRow = row;
  }

  checkRow(row: number): void {
    if (row >= this.sources.store.size) throw new ReplyFailure(`There is no event ${row + 1} in this panel.`);
  }

  run(spec: QuerySpec): void {
    this.lastSpec = spec;
    this.view = { ...this.view, filter: spec.filter, sort: spec.sort, timeRange: spec.timeRange };
    const outcome = this.sources.query({ filter: spec.filter, sort: spec.sort, timeRange: spec.timeRange });
    const total = this.sources.store.size;
    // A query between two ticks counts what is loaded now: the other views follow this number.
    if (this.sources.loading) this.shownLoad = { ...this.sources.status, events: total };
    if (!outcome.ok) {
      const e = outcome.error;
      const prev = this.current?.view;
      this.host.notify(DidQueryNotification, {
        queryId: spec.queryId,
        count: prev?.count ?? 0,
        total,
        histogram: prev ? prev.histogram() : { start: 0, bucketMs: 60_000, counts: [], untimed: 0 },
        facets: prev ? prev.facets(FACET_FIELDS, 10) : {},
        error: { message: e.message, start: e.span.start, end: e.span.end, token: e.token },
        ms: 0,
      });
      return;
    }
    this.current = { spec, view: outcome.view };
    this.summaryMemo = undefined;
    const facets = outcome.view.facetSummary(FACET_FIELDS, 10);
    const result: QueryResult = {
      queryId: spec.queryId,
      count: outcome.view.count,
      total,
      histogram: outcome.view.histogram(),
      facets: facets.facets,
      facetDistinct: facets.distinct,
      ms: Math.round(outcome.ms * 10) / 10,
    };
    if (spec.selectedRow !== undefined) result.selectedIndex = outcome.view.order.indexOf(spec.selectedRow);
    const missing = this.missingFields(spec.filter);
    if (missing.length > 0) result.missingFields = missing;
    const w = spec.window;
    // The grid's first window comes with the result: drawn without asking for it (one round trip less).
    if (w) {
      const limit = Math.max(0, Math.min(w.limit, outcome.view.count - w.offset));
      result.rows = { ...this.rows({ queryId: spec.queryId, offset: w.offset, limit, columns: w.columns }), columns: w.columns };
    }
    this.host.notify(DidQueryNotification, result);
    this.host.changed();
  }

  /** Runs the last query again (new events arrived); same queryId, so the webview refetches rows. */
  rerun(): void {
    if (this.lastSpec) this.run(this.lastSpec);
  }

  rows(p: RowsParams): RowsResult {
    const cur = this.current;
    if (!cur || cur.spec.queryId !== p.queryId) throw new ReplyFailure('a window of a query no longer shown', 'stale');
    const hits = detectionsOf(cur.view.store);
    const rows = cur.view.rows(p.offset, p.limit, p.columns).map((r) => {
      // The grid marks rows with a hit by their highest level (the last finished detection run).
      const level = hits && r.row < hits.rows ? highestLevel(hits.rulesOf(r.row)) : undefined;
      return level ? { row: r.row, cells: p.columns.map((c) => r[c]), level } : { row: r.row, cells: p.columns.map((c) => r[c]) };
    });
    return { queryId: p.queryId, offset: p.offset, rows };
  }

  facet(p: FacetParams): FacetResult {
    const cur = this.current;
    if (!cur || cur.spec.queryId !== p.queryId) throw new ReplyFailure('a facet of a query no longer shown', 'stale');
    // Only the facets the panel shows: any other name would extract a new column from every event.
    if (!(FACET_FIELDS as readonly string[]).includes(p.field)) throw new ReplyFailure(`The extension refused the facet request (${p.field.slice(0, 60)} is not a facet).`, 'invalid');
    const page = cur.view.facetPage(p.field, p);
    return { queryId: p.queryId, field: p.field, offset: p.offset, ...page };
  }

  summary(p: SummaryParams): SummaryResult {
    const cur = this.current;
    if (!cur || cur.spec.queryId !== p.queryId) throw new ReplyFailure('a summary of a query no longer shown', 'stale');
    // As for facets: any other name would extract a new column from every event.
    if (!(SUMMARY_FIELDS as readonly string[]).includes(p.field) && !(FACET_FIELDS as readonly string[]).includes(p.field)) {
      throw new ReplyFailure(`The extension refused the summary request (${p.field.slice(0, 60)} is not a field it groups by).`, 'invalid');
    }
    // Paging through the groups of one result ranks them once.
    let s = this.summaryMemo;
    if (!s || s.view !== cur.view || s.summary.field !== p.field) {
      s = { view: cur.view, summary: new Summary(cur.view.store, cur.view.order, p.field) };
      this.summaryMemo = s;
    }
    const page = s.summary.page({ offset: p.offset, limit: p.limit, top: 5, notableMax: 10 });
    return { queryId: p.queryId, field: p.field, offset: page.offset, events: page.events, missing: page.missing, distinct: page.distinct, groups: page.groups.map(groupDto) };
  }

  /** Fields of a filter that no event has, with the closest known name (a typo gives 0 results, not silence). */
  private missingFields(filter: string): NonNullable<QueryResult['missingFields']> {
    if (filter.trim() === '' || this.sources.store.size === 0) return [];
    try {
      const known = [...NORMALIZED_FIELDS, ...Object.keys(FIELD_ALIASES), ...(this.sources.loading ? this.sources.store.columnNames() : this.sources.availableColumns())];
      return missingFields(parseQuery(filter), (f) => this.sources.store.hasField(f), known).slice(0, 20);
    } catch {
      return []; // the filter ran, so it parses; nothing to add if it somehow does not
    }
  }
}

/** A summary row for the webview: values other than the group's own cut to what a cell shows. */
function groupDto(g: SummaryGroup): SummaryGroupDto {
  const cut = (text: string) => (text.length > LIMITS.summaryText ? `${text.slice(0, LIMITS.summaryText - 1)}…` : text);
  const facets = { ...g.facets };
  for (const [name, f] of Object.entries(g.facets) as Array<[keyof typeof facets, (typeof facets)[keyof typeof facets]]>) {
    facets[name] = { distinct: f.distinct, top: f.top.map((v) => ({ value: cut(v.value), count: v.count })) };
  }
  return { ...g, facets, notable: g.notable.map((n) => ({ ...n, action: cut(n.action) })) };
}
