/**
 * The panel's state and everything that talks to the host: queries, the view (filter, sort,
 * columns, widths, time range, history), load progress, selection and detail. Components read it
 * and call its methods; it fires `change` after every update.
 *
 * Persistence: the whole UI state goes to `vscode.setState` (so a hidden-and-restored panel comes
 * back as it was), and the view also goes to the host with SaveViewCommand (so it survives a
 * restart of VS Code and applies to the next panel on the same sources).
 */
import * as l10n from '@vscode/l10n';
import type { HostIpc } from './ipc';
import {
  CancelCommand,
  RefetchCommand,
  AddSourceCommand,
  CopyCommand,
  DEFAULT_COLUMNS,
  DetailActionCommand,
  DetailExpandRequest,
  DetailRequest,
  DidChangeStateNotification,
  DidDetectNotification,
  DetectionsRequest,
  DidLoadProgressNotification,
  DidQueryNotification,
  DidTimeNotification,
  ExportCommand,
  FacetRequest,
  GRID_BLOCK,
  gridColumns,
  LIMITS,
  LiveActionCommand,
  PANEL_COMMANDS,
  PanelCommandNotification,
  QueryCommand,
  ReadyCommand,
  RowsRequest,
  SaveViewCommand,
  SummaryRequest,
  SUMMARY_FIELDS,
  type DetailResult,
  type DetailSectionDto,
  type DetectionLevel,
  type DetectionsSummary,
  type FacetParams,
  type FacetResult,
  type HistogramDto,
  type ServerAggregateDto,
  type LoadState,
  type PanelCommand,
  type PanelState,
  type QueryErrorDto,
  type QueryResult,
  type QuerySpec,
  type ReadyParams,
  type RestoreState,
  type RowsParams,
  type RowsResult,
  type SummaryParams,
  type SummaryResult,
  type Sort,
  type TimeRange,
  type ViewState,
} from '../src/protocol';
import { addTerm, filterTerm, mergeServerAggregates, serverHistogram } from './format';
import { markOnce } from './marks';

export interface Layout {
  facets: boolean;
  detail: boolean;
  timeline: boolean;
  facetsWidth: number;
  detailWidth: number;
}

export interface GridPosition {
  topIndex: number;
  selectedIndex?: number;
  selectedRow?: number;
}

interface Persisted {
  v: 1;
  /** PanelState.restore, read by the host's WebviewPanelSerializer: the key name is the contract. */
  restore?: RestoreState;
  view: ViewState;
  draft: string;
  nextQueryId: number;
  layout: Layout;
  position?: GridPosition;
}

export const DEFAULT_SORT: Sort = { field: 'time', dir: 'desc' };
export const DEFAULT_LAYOUT: Layout = { facets: true, detail: true, timeline: true, facetsWidth: 230, detailWidth: 420 };

export function defaultView(): ViewState {
  return { filter: '', sort: { ...DEFAULT_SORT }, columns: [...DEFAULT_COLUMNS], widths: {}, history: [] };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isField = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= LIMITS.field;

function coerceTimeRange(x: unknown): TimeRange | undefined {
  if (!isObj(x)) return undefined;
  const r: TimeRange = {};
  if (typeof x.from === 'number' && Number.isFinite(x.from)) r.from = x.from;
  if (typeof x.to === 'number' && Number.isFinite(x.to)) r.to = x.to;
  return r.from === undefined && r.to === undefined ? undefined : r;
}

/**
 * A ViewState that the contract's schema accepts, from anything (the host's saved view, our own
 * older saved state): every limit of `ViewState` in protocol.ts is applied here.
 */
export function coerceView(x: unknown): ViewState | undefined {
  if (!isObj(x)) return undefined;
  const d = defaultView();
  const filter = typeof x.filter === 'string' && x.filter.length <= LIMITS.filter ? x.filter : d.filter;
  const s = x.sort;
  const sort: Sort =
    isObj(s) && isField(s.field) && (s.dir === 'asc' || s.dir === 'desc') ? { field: s.field, dir: s.dir } : d.sort;
  let columns = Array.isArray(x.columns) ? [...new Set(x.columns.filter(isField))].slice(0, LIMITS.columns) : [];
  if (columns.length === 0) columns = d.columns;
  const widths: Record<string, number> = {};
  if (isObj(x.widths)) {
    for (const [k, w] of Object.entries(x.widths)) {
      if (isField(k) && typeof w === 'number' && Number.isFinite(w)) widths[k] = clampWidth(w);
    }
  }
  const history = Array.isArray(x.history)
    ? x.history.filter((h): h is string => typeof h === 'string' && h.trim() !== '' && h.length <= LIMITS.filter).slice(0, LIMITS.history)
    : [];
  const view: ViewState = { filter, sort, columns, widths, history };
  const tr = coerceTimeRange(x.timeRange);
  if (tr) view.timeRange = tr;
  return view;
}

export function clampWidth(w: number): number {
  return Math.min(LIMITS.widthMax, Math.max(LIMITS.widthMin, Math.round(w)));
}

function coerceLayout(x: unknown): Layout {
  const l = { ...DEFAULT_LAYOUT };
  if (!isObj(x)) return l;
  for (const k of ['facets', 'detail', 'timeline'] as const) if (typeof x[k] === 'boolean') l[k] = x[k];
  for (const k of ['facetsWidth', 'detailWidth'] as const) {
    const v = x[k];
    if (typeof v === 'number' && Number.isFinite(v)) l[k] = Math.min(2000, Math.max(120, Math.round(v)));
  }
  return l;
}

export interface ServerView {
  aggregate: ServerAggregateDto;
  timeline?: { histogram: HistogramDto; note: string };
}

/** What a running query was asked with; `user` queries reset the grid to the top. */
interface Pending extends QuerySpec {
  user: boolean;
}

export class AppState extends EventTarget {
  view: ViewState;
  /** Text in the filter bar (may differ from view.filter until Enter). */
  draft: string;
  readonly hadSavedState: boolean;
  layout: Layout;
  panel?: PanelState;
  load?: LoadState;
  /** The last good result: what the grid, timeline and facets show. */
  result?: QueryResult;
  /** The query the shown result answers. */
  shown?: QuerySpec;
  /** Bumps on every query the user asked for: the grid goes back to the top. */
  userQueryGen = 0;
  /** Bumps on every result taken, including a second answer for the shown query. */
  resultVersion = 0;
  pending?: Pending;
  /** Parse error of the last query, with the text it was about. */
  error?: { error: QueryErrorDto; filter: string };
  selectedIndex?: number;
  selectedRow?: number;
  detail?: DetailResult;
  /** The detail pane's event is not in the shown result (the filter changed since it was picked). */
  detailGone = false;
  detailLoading = false;
  detailError?: string;
  /** What the selected event's API said about it ("Load from API"), for the event it was asked for. */
  expand?: { row: number; loading: boolean; sections?: DetailSectionDto[]; error?: string };
  /** Grid position to restore after the first result (panel hidden and shown again). */
  restorePos?: GridPosition;
  /**
   * What the host needs to reopen the panel after VS Code restarts (PanelState.restore). Kept in the
   * setState() blob under `restore`, which VS Code hands back to the host's serializer.
   */
  hostRestore?: RestoreState;
  position?: GridPosition;
  notice?: string;
  /** The last request the host refused or failed, as text: the status line shows it until dismissed or the next query. */
  requestError?: string;
  /** What the middle of the panel shows: the events, or the summary (the events grouped by `summaryField`). */
  centre: 'events' | 'summary' | 'detections' = 'events';
  /** The Sigma detections over the panel's events (pushed after every run), once the host said. */
  detections?: DetectionsSummary;
  summaryField: string = SUMMARY_FIELDS[0];
  /** The summary's field is its default, not one the user picked: one without values gives way to the next. */
  summaryAuto = true;

  /** A VS Code panel command that came before the first result: run once there is one. */
  private pendingPanelCommand?: PanelCommand;
  private nextQueryId: number;
  private started = false;
  /** The query the ready message asked the host to run (its result comes without a QueryCommand). */
  private readyQueryId?: number;
  private detectionsAsked = false;
  private sawLoading = false;
  private saveTimer?: ReturnType<typeof setTimeout>;
  private persistTimer?: ReturnType<typeof setTimeout>;
  private detailTimer?: ReturnType<typeof setTimeout>;
  private noticeTimer?: ReturnType<typeof setTimeout>;
  private serverMemo?: { sources: PanelState['sources'] | undefined; view: ServerView | undefined };

  constructor(readonly ipc: HostIpc) {
    super();
    const saved = ipc.api.getState();
    const p = isObj(saved) && saved.v === 1 ? saved : undefined;
    const view = p ? coerceView(p.view) : undefined;
    this.hadSavedState = view !== undefined;
    this.view = view ?? defaultView();
    this.draft = p && typeof p.draft === 'string' ? p.draft : this.view.filter;
    this.nextQueryId = p && typeof p.nextQueryId === 'number' && Number.isSafeInteger(p.nextQueryId) && p.nextQueryId > 0 ? p.nextQueryId : 1;
    this.layout = coerceLayout(p?.layout);
    if (isObj(saved) && isObj(saved.restore) && Array.isArray(saved.restore.paths)) this.hostRestore = { paths: saved.restore.paths.filter((x): x is string => typeof x === 'string') };
    if (p && isObj(p.position) && typeof p.position.topIndex === 'number') {
      const pos = p.position as Record<string, unknown>;
      this.restorePos = {
        topIndex: Math.max(0, Math.floor(pos.topIndex as number)),
        selectedIndex: typeof pos.selectedIndex === 'number' ? pos.selectedIndex : undefined,
        selectedRow: typeof pos.selectedRow === 'number' ? pos.selectedRow : undefined,
      };
    }
  }

  /**
   * Tells the host the panel is up, naming the first query (the restored view's, or the host's view
   * when this panel has none of its own, filled in when the state arrives): the host answers with
   * the state, then that query's result carrying the grid's first window of rows.
   */
  start(): void {
    this.ipc.onNotification(DidChangeStateNotification, (s) => this.onPanelState(s));
    this.ipc.onNotification(DidQueryNotification, (r) => this.onResult(r));
    this.ipc.onNotification(DidLoadProgressNotification, (l) => this.onLoad(l));
    this.ipc.onNotification(DidDetectNotification, (d) => this.onDetections(d));
    this.ipc.onNotification(DidTimeNotification, (t) => {
      for (const m of Array.isArray(t.marks) ? t.marks : []) {
        if (typeof m.name === 'string' && typeof m.at === 'number') markOnce(`host:${m.name}`, { at: m.at }, `host:${m.name}@${m.at}`);
      }
      for (const x of Array.isArray(t.spent) ? t.spent : []) {
        if (typeof x.name === 'string' && typeof x.count === 'number' && typeof x.ms === 'number') markOnce(`host-spent:${x.name}`, { count: x.count, ms: x.ms }, `host-spent:${x.name}@${x.count}`);
      }
    });
    // VS Code's panel commands (keybindings): the panel (ae-app) carries them out, like its own keys.
    this.ipc.onNotification(PanelCommandNotification, (p) => {
      const command = PANEL_COMMANDS.find((c) => c === p?.command);
      if (!command) return;
      // Before the first result (the webview has just booted) there are no rows to move through yet.
      if (this.result) this.runPanelCommand(command);
      else this.pendingPanelCommand = command;
    });
    this.ipc.onRequestError((e) => {
      this.requestError = e.message;
      this.changed();
    });
    const queryId = this.nextQueryId++;
    this.readyQueryId = queryId;
    const v = this.view;
    const ready: ReadyParams = { queryId, window: this.windowAt(this.restorePos?.topIndex ?? 0) };
    this.pending = { queryId, filter: v.filter, sort: v.sort, user: true };
    if (v.timeRange) this.pending.timeRange = v.timeRange;
    if (this.hadSavedState) ready.view = { filter: v.filter, sort: v.sort, columns: v.columns, ...(v.timeRange ? { timeRange: v.timeRange } : {}) };
    this.ipc.sendCommand(ReadyCommand, ready);
    markOnce('ale:ready-sent');
  }

  /** The block of rows the grid shows first when its top row is `topIndex`. */
  private windowAt(topIndex: number): { offset: number; limit: number } {
    return { offset: Math.floor(Math.max(0, topIndex) / GRID_BLOCK) * GRID_BLOCK, limit: GRID_BLOCK };
  }

  /** The detections, asked once the first result is drawn: nothing the first rows wait for. */
  private askDetections(): void {
    if (this.detectionsAsked) return;
    this.detectionsAsked = true;
    this.ipc.sendRequest(DetectionsRequest, {}).then(
      (d) => this.onDetections(d),
      () => undefined,
    );
  }

  private runPanelCommand(command: PanelCommand): void {
    this.dispatchEvent(new CustomEvent<PanelCommand>('panel-command', { detail: command }));
  }

  private onDetections(d: DetectionsSummary): void {
    this.detections = d;
    this.changed();
  }

  /** Shows the Detections section (hits by level, then by rule). */
  showDetections(): void {
    if (this.centre === 'detections') return;
    this.centre = 'detections';
    this.changed();
  }

  /** A rule or a level picked in the Detections section: its events, in the grid. */
  filterDetections(pick: { rule: string } | { level: DetectionLevel }): void {
    this.centre = 'events';
    this.runQuery('rule' in pick ? filterTerm('rule', pick.rule, false) : `level:>=${pick.level}`);
  }

  // ---- queries -------------------------------------------------------------------------------

  /** Runs the filter bar's text (or `filter`) with the view's sort and time range. */
  runQuery(filter: string = this.draft): void {
    if (filter.length > LIMITS.filter) {
      this.error = {
        error: { message: l10n.t('The filter is too long ({0} characters; at most {1})', filter.length, LIMITS.filter), start: LIMITS.filter, end: filter.length, token: '' },
        filter,
      };
      this.changed();
      return;
    }
    this.draft = filter;
    this.view = { ...this.view, filter };
    this.requestError = undefined;
    this.send({ queryId: 0, filter, sort: this.view.sort, timeRange: this.view.timeRange }, true);
    this.viewChanged();
  }

  /** Runs the shown query again (new events arrived while loading). Keeps the grid where it is. */
  refresh(): void {
    // A query the user is waiting for is asked again as it is (it must still reset the grid).
    if (this.pending?.user) return this.send(this.pending, true);
    const spec = this.shown ?? { queryId: 0, filter: this.view.filter, sort: this.view.sort, timeRange: this.view.timeRange };
    this.send(spec, false);
  }

  private send(spec: QuerySpec, user: boolean): void {
    const queryId = this.nextQueryId++;
    const q: QuerySpec = { queryId, filter: spec.filter, sort: spec.sort };
    if (spec.timeRange) q.timeRange = spec.timeRange;
    // A query the user asked for shows its top rows (or where a restored panel was): they come with the result.
    const at = user ? (this.restorePos?.topIndex ?? 0) : (this.position?.topIndex ?? 0);
    q.window = { ...this.windowAt(at), columns: gridColumns(this.view.columns) };
    // The host says whether the event in the detail pane is still in the result.
    if (user && this.detail) q.selectedRow = this.detail.row;
    this.pending = { ...q, user };
    this.ipc.sendCommand(QueryCommand, q);
    this.changed();
  }

  private onResult(r: QueryResult): void {
    markOnce('ale:result');
    if (!this.detectionsAsked) setTimeout(() => this.askDetections(), 0);
    const p = this.pending;
    if (!p || r.queryId !== p.queryId) {
      // The host may answer the shown query again as events stream in: take the fresher numbers.
      if (!p && this.shown && r.queryId === this.shown.queryId && !r.error) {
        this.result = r;
        this.resultVersion++;
        this.changed();
      }
      return; // otherwise a query we no longer wait for
    }
    this.pending = undefined;
    if (r.error) {
      // The previous result stays on screen; the bar shows what is wrong with this text.
      this.error = { error: r.error, filter: p.filter };
      this.changed();
      return;
    }
    this.error = undefined;
    const { user, ...spec } = p;
    const result = r;
    this.shown = spec;
    this.result = r;
    this.resultVersion++;
    if (user) {
      this.userQueryGen++;
      const r = this.restorePos;
      this.selectedIndex = r?.selectedIndex;
      if (r?.selectedRow !== undefined) this.select(r.selectedIndex, r.selectedRow);
      else if (p.selectedRow !== undefined && this.detail?.row === p.selectedRow && r === undefined) {
        // Still in the result: the selection moves to where it is now. Left out: the pane says so.
        const at = result.selectedIndex ?? -1;
        this.detailGone = at < 0;
        if (at >= 0) this.selectedIndex = at;
      }
      const f = p.filter.trim();
      if (f !== '') {
        const history = [f, ...(this.view.history ?? []).filter((h) => h !== f)].slice(0, LIMITS.history);
        this.view = { ...this.view, history };
        this.viewChanged();
      }
    }
    this.changed();
    const command = this.pendingPanelCommand;
    this.pendingPanelCommand = undefined;
    if (command) this.runPanelCommand(command);
  }

  /** Sorting and the time range apply to what the filter bar shows, like a facet click. */
  setSort(sort: Sort): void {
    this.view = { ...this.view, sort };
    this.runQuery(this.draft);
  }

  setTimeRange(range: TimeRange | undefined): void {
    const view = { ...this.view };
    if (range && (range.from !== undefined || range.to !== undefined)) view.timeRange = range;
    else delete view.timeRange;
    this.view = view;
    this.runQuery(this.draft);
  }

  /** Adds `field:"value"` (or `-field:"value"`) to the filter bar's text and runs it. */
  addFilter(field: string, value: string, exclude: boolean): void {
    const term = filterTerm(field, value, exclude);
    this.runQuery(addTerm(this.draft, term));
  }

  setDraft(text: string): void {
    // Typing does not re-render the panel, except where the live strip's "Fetch with This Filter"
    // appears or goes away.
    const before = this.draftDiffersFromLive();
    this.draft = text;
    if (this.draftDiffersFromLive() !== before) this.changed();
    this.persistSoon();
  }

  /** Whether the filter in the bar is not the one a live source was fetched with. */
  draftDiffersFromLive(): boolean {
    return (this.panel?.sources ?? []).some((s) => s.live !== undefined && s.live.filter.trim() !== this.draft.trim());
  }

  clearError(): void {
    if (!this.error) return;
    this.error = undefined;
    this.changed();
  }

  // ---- columns ---------------------------------------------------------------------------------

  setColumns(columns: string[]): void {
    const cols = [...new Set(columns.filter(isField))].slice(0, LIMITS.columns);
    if (cols.length === 0) return;
    this.view = { ...this.view, columns: cols };
    this.viewChanged();
    this.changed();
  }

  setWidths(widths: Record<string, number>): void {
    const w: Record<string, number> = { ...(this.view.widths ?? {}) };
    for (const [k, v] of Object.entries(widths)) if (isField(k)) w[k] = clampWidth(v);
    this.view = { ...this.view, widths: w };
    this.viewChanged();
    this.changed();
  }

  /** A window of rows of a query (a stable function, handed to the grid). */
  readonly fetchRows = (params: RowsParams): Promise<RowsResult> => this.ipc.sendRequest(RowsRequest, params);

  /** A page of a query's events grouped by a field (a stable function, handed to the summary). */
  readonly fetchSummary = (params: SummaryParams): Promise<SummaryResult> => this.ipc.sendRequest(SummaryRequest, params);

  /** Shows the summary: grouped by `field` (a facet's "show all", a pick in its selector), else as it was. */
  showSummary(field?: string): void {
    if (field !== undefined && field.length <= LIMITS.field) {
      this.summaryField = field;
      this.summaryAuto = false;
    }
    this.centre = 'summary';
    this.changed();
  }

  showEvents(): void {
    if (this.centre === 'events') return;
    this.centre = 'events';
    this.changed();
  }

  /** A page of one facet's values of a query (a stable function, handed to the facets). */
  readonly fetchFacet = (params: FacetParams): Promise<FacetResult> => this.ipc.sendRequest(FacetRequest, params);

  // ---- selection and detail ----------------------------------------------------------------------

  select(index: number | undefined, row: number | undefined, open = false): void {
    this.selectedIndex = index;
    if (row !== undefined) this.detailGone = false;
    if (open && !this.layout.detail) this.layout = { ...this.layout, detail: true };
    if (row === this.selectedRow && (this.detail?.row === row || this.detailLoading)) {
      this.changed();
      this.persistSoon();
      return;
    }
    this.selectedRow = row;
    if (this.expand?.row !== row) this.expand = undefined;
    clearTimeout(this.detailTimer);
    if (row === undefined) {
      this.detailLoading = false;
      this.changed();
      return;
    }
    this.detailLoading = true;
    // Holding ↓ should not send a request per row: ask once the selection rests.
    this.detailTimer = setTimeout(() => void this.loadDetail(row), 60);
    this.changed();
    this.persistSoon();
  }

  private async loadDetail(row: number): Promise<void> {
    try {
      const d = await this.ipc.sendRequest(DetailRequest, { row });
      if (this.selectedRow !== row) return;
      this.detail = d;
      this.detailError = undefined;
    } catch (e) {
      if (this.selectedRow !== row) return;
      this.detailError = e instanceof Error ? e.message : String(e);
    }
    this.detailLoading = false;
    this.changed();
  }

  /** Asks the selected event's API for more of it; the answer shows as extra tabs of the detail pane. */
  async loadFromApi(): Promise<void> {
    const row = this.selectedRow;
    if (row === undefined || this.expand?.loading) return;
    this.expand = { row, loading: true };
    this.changed();
    let next: NonNullable<AppState['expand']>;
    try {
      // An API may need a few calls (and retries) for this: more time than a window of rows.
      const r = await this.ipc.sendRequest(DetailExpandRequest, { row }, 180_000);
      next = 'error' in r ? { row, loading: false, error: r.error } : { row, loading: false, sections: r.sections };
    } catch (e) {
      next = { row, loading: false, error: e instanceof Error ? e.message : String(e) };
    }
    if (this.expand?.row !== row) return; // another event was selected meanwhile
    this.expand = next;
    this.changed();
  }

  /** The host asks for input and a confirmation before anything changes in the API. */
  runEventAction(actionId: string): void {
    const row = this.detail?.row;
    if (row === undefined || actionId.length > LIMITS.actionId) return;
    this.ipc.sendCommand(DetailActionCommand, { row, actionId });
  }

  /** A live source's query action, with the filter in the bar (confirmed on the host). */
  runQueryAction(sourcePath: string, actionId: string): void {
    if (sourcePath.length > LIMITS.sourcePath || actionId.length > LIMITS.actionId) return;
    this.ipc.sendCommand(LiveActionCommand, { sourcePath, actionId, filter: this.draft.slice(0, LIMITS.filter) });
  }

  /**
   * The counts the live APIs made over everything they hold (not what was fetched), if any did, and
   * their histogram as the timeline draws it. The same objects until the panel state changes, so
   * the facets and timeline do not redraw for nothing.
   */
  get server(): ServerView | undefined {
    const sources = this.panel?.sources;
    let memo = this.serverMemo;
    if (memo?.sources !== sources) {
      const aggregate = mergeServerAggregates(sources ?? []);
      memo = this.serverMemo = {
        sources,
        view: aggregate && {
          aggregate,
          timeline: aggregate.histogram ? { histogram: serverHistogram(aggregate.histogram), note: aggregate.note } : undefined,
        },
      };
    }
    return memo?.view;
  }

  setPosition(pos: GridPosition): void {
    this.position = pos;
    this.persistSoon();
  }

  restoreDone(): void {
    this.restorePos = undefined;
  }

  // ---- actions -------------------------------------------------------------------------------------

  copy(text: string, what = l10n.t('Value')): void {
    this.ipc.sendCommand(CopyCommand, { text });
    this.flash(l10n.t('{0} copied', what));
  }

  async copySelectedEvent(): Promise<void> {
    if (this.selectedRow !== undefined) await this.copyEventOf(this.selectedRow);
  }

  /** Copies the raw text of an event exactly as it arrived. */
  async copyEventOf(row: number): Promise<void> {
    try {
      const raw = this.detail?.row === row ? this.detail.raw : (await this.ipc.sendRequest(DetailRequest, { row })).raw;
      this.copy(raw, l10n.t('Event JSON'));
    } catch (e) {
      this.flash(l10n.t('Could not copy the event: {0}', e instanceof Error ? e.message : String(e)));
    }
  }

  exportAs(format: 'csv' | 'json' | 'jsonl'): void {
    this.ipc.sendCommand(ExportCommand, { format });
  }

  cancelLoad(): void {
    this.ipc.sendCommand(CancelCommand, {});
  }

  addSource(): void {
    this.ipc.sendCommand(AddSourceCommand, {});
  }

  /** Asks the host to fetch the live sources again with the filter in the bar (and the timeline's range). */
  refetchLive(): void {
    const filter = this.draft.slice(0, LIMITS.filter);
    this.runQuery(filter);
    this.ipc.sendCommand(RefetchCommand, this.view.timeRange ? { filter, timeRange: this.view.timeRange } : { filter });
  }

  cancelQuery(): void {
    if (this.pending) this.ipc.sendCommand(CancelCommand, { queryId: this.pending.queryId });
  }

  setLayout(patch: Partial<Layout>): void {
    this.layout = coerceLayout({ ...this.layout, ...patch });
    this.changed();
    this.persistSoon();
  }

  dismissRequestError(): void {
    this.requestError = undefined;
    this.changed();
  }

  flash(text: string): void {
    this.notice = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice = undefined;
      this.changed();
    }, 2500);
    this.changed();
  }

  // ---- host notifications --------------------------------------------------------------------------

  private onPanelState(s: PanelState): void {
    const before = this.panel?.sources.length ?? 0;
    this.panel = s;
    // A second source joined this panel: show where each event came from, once (removing the
    // column afterwards sticks).
    if (this.started && before === 1 && s.sources.length > 1 && !this.view.columns.includes('source')) {
      const cols = [...this.view.columns];
      cols.splice(cols[0] === 'time' ? 1 : 0, 0, 'source');
      this.setColumns(cols);
    }
    if (s.restore) {
      this.hostRestore = s.restore;
      this.persist();
    }
    const first = !this.started;
    this.started = true;
    if (s.load) this.load = s.load;
    if (first) {
      markOnce('ale:state');
      if (!this.hadSavedState) {
        this.view = coerceView(s.view) ?? defaultView();
        this.draft = this.view.filter;
        // The host runs its own view for the ready message's query: the result answers this.
        const p = this.pending;
        if (p && p.queryId === this.readyQueryId) {
          this.pending = { queryId: p.queryId, filter: this.view.filter, sort: this.view.sort, user: true };
          if (this.view.timeRange) this.pending.timeRange = this.view.timeRange;
        }
      }
      // The view goes back to the host with the panel, as after any query.
      this.viewChanged();
    }
    this.loadSeen(s.load);
    this.changed();
  }

  /**
   * While sources load, the host reruns the shown query with every progress snapshot and sends the
   * result (same queryId) right after it: the panel does not ask again itself, so what it shows and
   * what the host counted are the same moment (issue 12 item 21).
   */
  private onLoad(l: LoadState): void {
    this.loadSeen(l);
    this.load = l;
    if (this.panel) this.panel = { ...this.panel, load: l };
    this.changed();
  }

  /** Marks the state that ends a load this panel saw running (the bench's final count). */
  private loadSeen(l: LoadState | undefined): void {
    if (!l) return;
    if (!l.done) this.sawLoading = true;
    else if (this.sawLoading) markOnce('ale:final-state');
  }

  /**
   * The one event count while loading: the shown result's total (what the status line, the rows,
   * facets and timeline were computed over), or the progress snapshot before the first result.
   */
  get loadedEvents(): number {
    return this.result && !this.result.error ? this.result.total : (this.load?.events ?? 0);
  }

  // ---- persistence ---------------------------------------------------------------------------------

  private viewChanged(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const v = coerceView(this.view);
      if (v) this.ipc.sendCommand(SaveViewCommand, v);
    }, 400);
    this.persistSoon();
  }

  private persistSoon(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => this.persist(), 150);
  }

  persist(): void {
    const state: Persisted = { v: 1, view: this.view, draft: this.draft, nextQueryId: this.nextQueryId, layout: this.layout };
    if (this.hostRestore) state.restore = this.hostRestore;
    const pos = this.position;
    if (pos) state.position = { ...pos, selectedIndex: this.selectedIndex, selectedRow: this.selectedRow };
    this.ipc.api.setState(state);
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
