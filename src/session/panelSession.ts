/**
 * One events panel's session, without VS Code: the sources it holds (files, S3 selections, live
 * sources), their store, the view state, the current query and its result, the selected event, and
 * the one registry of live sources with their credentials. It answers every call the webview makes
 * (src/protocol WEBVIEW_CALLS, checked and answered through ipcDispatch.ts) with plain data or a
 * typed error, and sends its notifications through the host (ports.ts), which only shows what the
 * session decided: progress, questions, messages, the clipboard and the save dialog.
 */
import { formatTime } from '../core/store';
import { parseQuery } from '../core/query';
import { missingFields } from '../core/fieldSuggest';
import { FIELD_ALIASES, NORMALIZED_FIELDS } from '../core/event';
import type { ResultView } from '../core/view';
import { redact } from '../core/errors';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery } from '../providers/provider';
import type { S3LoadReport, S3Selection, S3TrailSession } from '../providers/s3Trail/index';
import type { LakeReport } from '../providers/awsCloudtrail/index';
import type { AthenaReport } from '../providers/athena/index';
import {
  DEFAULT_COLUMNS,
  type DetailExpandResult,
  type DetailResult,
  DidChangeStateNotification,
  DidLoadProgressNotification,
  DidQueryNotification,
  FACET_FIELDS,
  type FacetParams,
  type FacetResult,
  type LiveActionParams,
  type LiveSummary,
  type LoadState,
  type NotificationType,
  type PanelState,
  type QueryResult,
  type QuerySpec,
  type RefetchParams,
  type RowsParams,
  type RowsResult,
  type ServerAggregateDto,
  type ViewState,
} from '../protocol';
import { dispatchIpc, type IpcHandlers, ReplyFailure } from './ipcDispatch';
import type { ExportFormat, SessionIo } from './io';
import { LoadTicker, type TickerOptions } from './loadTicker';
import { loadSummary } from './loadSummary';
import { apiMessage, liveSummary, sectionText, serverDto } from './liveDtos';
import {
  apiRunner,
  athenaRunner,
  lakeRunner,
  liveSourceKey,
  liveSourceName,
  refetchable,
  runnerOf,
  type ApiSource,
  type AthenaSource,
  type LakeSource,
  type LiveRunner,
  type LiveSource,
  type LiveSourceKey,
} from './liveSources';
import type { SessionHost } from './ports';
import { SourceSet } from './sourceSet';

/** What a fetch into the panel amounted to: the counting part of the live strip's summary. */
export type LiveResult = Pick<LiveSummary, 'pages' | 'events' | 'sentToApi' | 'localFilter' | 'stoppedBy' | 'cancelled'>;

/** A live source in the registry, with what the session learnt about it since. */
interface Registered {
  source: LiveSource;
  /** The API's counts for the source's query, or why there are none; set after the fetch. */
  server?: ServerAggregateDto;
  serverError?: string;
  aggregating?: AbortController;
}

export interface PanelSessionOptions {
  /** How files and buckets are read and exports written (session/nodeIo.ts under node). */
  io: SessionIo;
  /** The files and folders the panel shows (normalised by the host, each once). */
  paths?: string[];
  view?: ViewState;
  ticker?: TickerOptions;
}

export class PanelSession {
  readonly sources: SourceSet;
  readonly paths: string[];
  private view: ViewState;
  private current: { spec: QuerySpec; view: ResultView } | undefined;
  private lastSpec: QuerySpec | undefined;
  private selectedRow: number | undefined;
  /** The ticker's last snapshot, taken with the query it reran: every view shows this number while loading. */
  private shownLoad: LoadState | undefined;
  private readonly tickListeners = new Set<(s: LoadState) => void>();
  /** The one registry of live sources, by liveSourceKey. */
  private readonly live = new Map<LiveSourceKey, Registered>();
  /** Cancels what this session still asks the APIs outside a fetch (counts, detail sections, actions). */
  private readonly apiCalls = new AbortController();
  private readonly ticker: LoadTicker;
  private closed = false;

  private readonly io: SessionIo;

  constructor(
    private readonly host: SessionHost,
    opts: PanelSessionOptions,
  ) {
    this.io = opts.io;
    this.sources = new SourceSet(opts.io);
    this.paths = [...(opts.paths ?? [])];
    this.view = opts.view ?? { filter: '', sort: { field: 'time', dir: 'desc' }, columns: DEFAULT_COLUMNS };
    // Progress comes once per file; the views get a throttled snapshot, each with the query rerun
    // over what is loaded so far, so rows, facets and timeline fill while the load goes on.
    this.ticker = new LoadTicker(
      this.sources,
      (s, final) => {
        this.shownLoad = s;
        if (!final) this.notify(DidLoadProgressNotification, s);
        this.rerun();
        if (final) this.pushState();
        for (const l of this.tickListeners) l(s);
        this.host.changed();
      },
      opts.ticker,
    );
  }

  // ---- what the host and the commands read ---------------------------------------------------

  /** The load progress every view shows: the last snapshot drawn while loading, else the final status. */
  get loadShown(): LoadState {
    const shown = this.shownLoad;
    return this.sources.loading && shown && !shown.done ? shown : { ...this.sources.status, events: this.sources.store.size };
  }

  /** The filter the panel shows now (a live source added to it starts from it). */
  get currentFilter(): string {
    return this.view.filter;
  }

  get viewState(): ViewState {
    return this.view;
  }

  get selected(): number | undefined {
    return this.selectedRow;
  }

  get currentView(): ResultView | undefined {
    return this.current?.view;
  }

  /** The secrets of the live sources, for redacting anything said about them. */
  get secrets(): string[] {
    return [...this.live.values()].map((l) => l.source.secret);
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.sources.cancel();
    this.apiCalls.abort();
    this.ticker.dispose();
    this.sources.removeAllListeners();
  }

  // ---- the webview's calls -------------------------------------------------------------------

  /** A message from the webview: checked, handled, and (a request) answered exactly once. */
  receive(raw: unknown): Promise<void> {
    return dispatchIpc(raw, this.handlers, {
      reply: (response, completionId, reply) => this.host.post(response, reply, completionId),
      log: (message) => this.host.log.warn(message),
      errorText: (err) => redact(err instanceof Error ? err.message : String(err), this.secrets),
    });
  }

  /** What each call does; a request's handler returns its answer or throws a ReplyFailure. */
  readonly handlers: IpcHandlers = {
    ReadyCommand: () => this.pushState(),
    QueryCommand: (spec) => this.runQuery(spec),
    SaveViewCommand: (view) => {
      this.view = view;
    },
    CopyCommand: ({ text }) => this.host.ui.copy(text),
    ExportCommand: ({ format }) => this.export(format),
    CancelCommand: () => this.sources.cancel(),
    AddSourceCommand: () => this.host.ui.addSource(),
    RefetchCommand: (p) => this.refetch(p),
    RowsRequest: (p) => this.rows(p),
    FacetRequest: (p) => this.facet(p),
    DetailRequest: ({ row }) => this.detail(row),
    DetailExpandRequest: ({ row }) => this.expand(row),
    DetailActionCommand: ({ row, actionId }) => this.runEventAction(row, actionId),
    LiveActionCommand: (p) => this.runQueryAction(p),
  };

  rows(p: RowsParams): RowsResult {
    const cur = this.current;
    if (!cur || cur.spec.queryId !== p.queryId) throw new ReplyFailure('a window of a query no longer shown', 'stale');
    const rows = cur.view.rows(p.offset, p.limit, p.columns).map((r) => ({ row: r.row, cells: p.columns.map((c) => r[c]) }));
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

  detail(row: number): DetailResult {
    this.checkRow(row);
    this.selectedRow = row;
    const live = this.apiSourceOf(row);
    const actions = live?.provider.eventActions ?? [];
    return {
      row,
      raw: this.sources.store.rawText(row),
      source: this.sources.store.value(row, 'source'),
      ...(live && (live.provider.expandEvent || actions.length > 0)
        ? { live: { expandable: live.provider.expandEvent !== undefined, actions: actions.map((a) => ({ id: a.id, title: a.title })) } }
        : {}),
    };
  }

  /** Asks the event's API for more of it; its failures come back as text for the detail pane. */
  async expand(row: number): Promise<DetailExpandResult> {
    this.checkRow(row);
    const live = this.apiSourceOf(row);
    if (!live?.provider.expandEvent) return { row, error: 'This event did not come from an API that can say more about it.' };
    const event = { id: this.sources.store.idOf(row), raw: this.sources.store.raw(row) };
    try {
      const sections = await live.provider.expandEvent(live.account, live.secret, event, this.apiCalls.signal);
      return { row, sections: sections.slice(0, 50).map((s) => ({ title: s.title.slice(0, 200), text: sectionText(s.json) })) };
    } catch (e) {
      const message = apiMessage(e, [live.secret]);
      this.host.log.warn(`${live.provider.displayName} "${live.account.label}": could not load more of event ${event.id.slice(0, 200)}: ${message}`);
      return { row, error: message };
    }
  }

  private checkRow(row: number): void {
    if (row >= this.sources.store.size) throw new ReplyFailure(`There is no event ${row + 1} in this panel.`);
  }

  /** The API account a row was fetched from: its provider, and the account label it was put under. */
  private apiSourceOf(row: number): ApiSource | undefined {
    if (this.live.size === 0 || row >= this.sources.store.size) return undefined;
    const provider = this.sources.store.value(row, 'provider');
    const label = this.sources.store.value(row, 'source');
    for (const { source } of this.live.values()) if (source.kind === 'api' && source.provider.id === provider && source.account.label === label) return source;
    return undefined;
  }

  async runEventAction(row: number, actionId: string): Promise<void> {
    const live = this.apiSourceOf(row);
    const action = live?.provider.eventActions?.find((a) => a.id === actionId);
    if (!live || !action) {
      this.host.log.warn(`the events panel asked for an action this event does not have: ${actionId.slice(0, 60)}`);
      return;
    }
    const event = { id: this.sources.store.idOf(row), raw: this.sources.store.raw(row) };
    await this.confirmAndRun(live, action, (input, signal) => action.run(live.account, live.secret, event, input, signal));
  }

  async runQueryAction(p: LiveActionParams): Promise<void> {
    const reg = this.live.get(p.sourcePath as LiveSourceKey);
    const live = reg?.source.kind === 'api' ? reg.source : undefined;
    const action = live?.provider.queryActions?.find((a) => a.id === p.actionId);
    if (!live || !action) {
      this.host.log.warn(`the events panel asked for a query action this source does not have: ${p.actionId.slice(0, 60)}`);
      return;
    }
    try {
      parseQuery(p.filter);
    } catch (e) {
      this.host.ui.error(`Audit Logs: fix the filter first (${e instanceof Error ? e.message : String(e)}).`);
      return;
    }
    const query: LiveQuery = { ...live.query, filter: p.filter };
    await this.confirmAndRun(live, action, (input, signal) => action.run(live.account, live.secret, query, input, signal));
  }

  /**
   * A change to something in the API: the optional one line of input, then a modal confirmation
   * naming what will happen. Nothing runs without that confirmation, since the webview that asked
   * renders attacker-controlled data.
   */
  private async confirmAndRun(
    live: ApiSource,
    action: { title: string; input?: { prompt: string; placeholder?: string }; confirm: string },
    run: (input: string, signal: AbortSignal) => Promise<string>,
  ): Promise<void> {
    const label = action.title.replace(/(…|\.\.\.)$/, '').trim();
    let input = '';
    if (action.input) {
      const typed = await this.host.ui.askInput({ title: `${label} (${live.account.label})`, prompt: action.input.prompt, ...(action.input.placeholder !== undefined ? { placeholder: action.input.placeholder } : {}) });
      if (typed === undefined) return;
      input = typed;
    }
    // split/join, not replace(): `$&` and the like in what was typed stay as typed.
    const question = action.confirm.split('{input}').join(input);
    if (!(await this.host.ui.confirm({ message: question, detail: `${live.provider.displayName}: ${live.account.label}`, button: label }))) return;
    try {
      const message = await this.host.ui.progress(`${label} (${live.account.label})`, (_report, cancel) => {
        const abort = new AbortController();
        const stop = () => abort.abort();
        cancel.addEventListener('abort', stop, { once: true });
        this.apiCalls.signal.addEventListener('abort', stop, { once: true });
        return run(input, abort.signal).finally(() => this.apiCalls.signal.removeEventListener('abort', stop));
      });
      this.host.log.info(`${live.provider.displayName} "${live.account.label}": ${label}: ${message}`);
      this.host.ui.info(`Audit Logs: ${message}`);
    } catch (e) {
      const message = apiMessage(e, [live.secret]);
      this.host.log.warn(`${live.provider.displayName} "${live.account.label}": ${label} failed: ${message}`);
      this.host.ui.error(`Audit Logs: ${label} failed: ${message}`);
    }
  }

  // ---- queries and state ---------------------------------------------------------------------

  runQuery(spec: QuerySpec): void {
    this.lastSpec = spec;
    this.view = { ...this.view, filter: spec.filter, sort: spec.sort, timeRange: spec.timeRange };
    const outcome = this.sources.query({ filter: spec.filter, sort: spec.sort, timeRange: spec.timeRange });
    const total = this.sources.store.size;
    // A query between two ticks counts what is loaded now: the other views follow this number.
    if (this.sources.loading) this.shownLoad = { ...this.sources.status, events: total };
    if (!outcome.ok) {
      const e = outcome.error;
      const prev = this.current?.view;
      this.notify(DidQueryNotification, {
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
    this.notify(DidQueryNotification, result);
    this.host.changed();
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

  /** Runs the last query again (new events arrived); same queryId, so the webview refetches rows. */
  private rerun(): void {
    if (this.lastSpec) this.runQuery(this.lastSpec);
  }

  pushState(): void {
    if (this.closed) return;
    const problems = this.sources.problems();
    const state: PanelState = {
      title: this.host.title(),
      sources: this.sources.sources.map((s) => {
        const reg = this.live.get(s.path as LiveSourceKey);
        return {
          label: s.label,
          path: s.path,
          events: s.report?.events ?? 0,
          duplicates: s.report?.duplicates ?? 0,
          errors: s.report?.errors.length ?? 0,
          skipped: s.report?.skipped.length ?? 0,
          ...(s.ms !== undefined ? { ms: s.ms } : {}),
          ...(s.liveQuery
            ? {
                live: liveSummary(
                  s,
                  reg && {
                    refetchable: refetchable(reg.source),
                    actions: reg.source.kind === 'api' ? (reg.source.provider.queryActions ?? []).map((a) => ({ id: a.id, title: a.title })) : [],
                    ...(reg.server ? { server: reg.server } : {}),
                    ...(reg.serverError ? { serverError: reg.serverError } : {}),
                  },
                ),
              }
            : {}),
        };
      }),
      load: this.loadShown,
      availableColumns: this.sources.loading ? [] : this.sources.availableColumns(),
      view: this.view,
      problems: problems.slice(0, 500),
      summary: loadSummary(this.sources.sources, this.sources.store.size, problems.length, this.sources.status),
      skippedFiles: this.sources.sources.flatMap((s) => s.report?.skipped ?? []).slice(0, 500),
      restore: { paths: this.paths },
    };
    this.notify(DidChangeStateNotification, state);
  }

  private notify<P>(n: NotificationType<P>, params: P): void {
    if (!this.closed) this.host.post(n.method, params);
  }

  /** "Audit Logs: 3 sources" once a panel holds more than one. */
  private retitle(): void {
    const n = Math.max(this.sources.sources.length, new Set<string>([...this.paths, ...this.live.keys()]).size);
    if (n > 1) this.host.setTitle(`Audit Logs: ${n} sources`);
  }

  // ---- loading files and buckets ---------------------------------------------------------------

  /** Adds files or folders (normalised by the host): one timeline with what is already here. */
  async addPaths(paths: readonly string[]): Promise<void> {
    const added = paths.filter((p) => !this.paths.includes(p));
    if (added.length === 0) return;
    this.paths.push(...new Set(added));
    this.retitle();
    await this.load([...new Set(added)]);
  }

  /** Reads the panel's paths (or some of them) with a cancellable progress line counting files. */
  async load(paths: readonly string[] = this.paths): Promise<void> {
    const what = paths.length === 1 ? baseName(paths[0]!) : `${paths.length} sources`;
    await this.withLoadProgress(
      `Reading ${what}`,
      (s, last) => {
        const pct = s.filesTotal > 0 ? (100 * s.files) / s.filesTotal : 0;
        return [{ increment: pct - last, message: `${fmt(s.files)} of ${fmt(s.filesTotal)} files` }, pct];
      },
      async () => {
        const reports = await this.sources.openPaths(paths);
        const ms = this.sources.status.ms ?? 0;
        for (const r of reports) {
          this.host.log.info(`read ${r.files} files, ${r.events} events, ${r.duplicates} duplicates, ${r.skipped.length} skipped, ${r.errors.length} problems in ${ms} ms${r.cancelled ? ' (cancelled)' : ''}`);
          for (const e of r.errors) this.host.log.warn(`${e.path}${e.position ? `:${e.position.line}:${e.position.column}` : ''}: ${e.message}`);
        }
        const problems = reports.reduce((n, r) => n + r.errors.length, 0);
        if (problems > 0) this.host.ui.warn(`Audit Logs: ${problems} problem${problems === 1 ? '' : 's'} while reading; everything readable was loaded.`, { showProblems: true });
      },
    );
  }

  /** Streams a trail bucket's objects in, counting files and bytes; per-object problems go to the log. */
  async loadS3(session: S3TrailSession, selection: S3Selection, label: string, concurrency?: number): Promise<S3LoadReport> {
    const report = await this.withLoadProgress(
      `Reading ${label}`,
      (st, last) => {
        const pct = st.bytesTotal ? (100 * (st.bytes ?? 0)) / st.bytesTotal : st.filesTotal ? (100 * st.files) / st.filesTotal : 0;
        const bytes = st.bytesTotal ? `, ${mb(st.bytes ?? 0)} of ${mb(st.bytesTotal)}` : '';
        return [{ increment: pct - last, message: `${fmt(st.files)} of ${fmt(st.filesTotal)} files${bytes}` }, pct];
      },
      () => this.sources.openS3(session, selection, label, concurrency !== undefined ? { concurrency } : {}),
    );
    this.retitle();
    this.host.log.info(`${label}: ${report.objects} objects, ${report.downloadedBytes} bytes, ${report.events} events, ${report.duplicates} duplicates, ${report.skipped.length} skipped, ${report.errors.length} problems${report.cancelled ? ' (cancelled)' : ''}`);
    for (const e of report.errors) this.host.log.warn(`${e.path}: ${e.message}`);
    if (report.stoppedBy) {
      this.host.ui.warn(`Audit Logs: stopped reading ${label} because ${report.stoppedBy.message} The ${fmt(report.events)} events read are shown.`);
    } else if (report.errors.length) {
      this.host.ui.warn(`Audit Logs: ${report.errors.length} object${report.errors.length === 1 ? '' : 's'} could not be read; everything else was loaded.`, { showProblems: true });
    }
    return report;
  }

  /**
   * Runs a load under the host's progress line: each ticker snapshot becomes a step (files only:
   * the event count is the panel's own, one count while loading); cancelling cancels the load.
   */
  private withLoadProgress<T>(title: string, step: (s: LoadState, last: number) => [{ message: string; increment?: number }, number], run: () => Promise<T>): Promise<T> {
    return this.host.ui.progress(title, async (report, cancel) => {
      cancel.addEventListener('abort', () => this.sources.cancel(), { once: true });
      let last = 0;
      const onTick = (s: LoadState) => {
        const [shown, pct] = step(s, last);
        report(shown);
        last = pct;
      };
      this.tickListeners.add(onTick);
      try {
        return await run();
      } finally {
        this.tickListeners.delete(onTick);
      }
    });
  }

  // ---- live sources ----------------------------------------------------------------------------

  /**
   * Fetches an API account into this panel. The whole filter also applies here, so what the API
   * could not filter on is still filtered.
   */
  async fetchApi(provider: LiveProvider, account: AccountConfig, secret: string, query: LiveQuery): Promise<LiveResult> {
    const source: ApiSource = { kind: 'api', provider, account, secret, query };
    return (await this.fetchSource(source, apiRunner(source))).result;
  }

  /** Runs a CloudTrail Lake query into this panel; its report says the query id and the bytes scanned. */
  async fetchLake(source: Omit<LakeSource, 'kind'>): Promise<{ result: LiveResult; report: LakeReport | undefined }> {
    const lake: LakeSource = { ...source, kind: 'lake' };
    return this.fetchSource(lake, lakeRunner(lake));
  }

  /** Runs Athena SQL into this panel; its report says the execution id, the state and the data scanned. */
  async fetchAthena(source: Omit<AthenaSource, 'kind'>): Promise<{ result: LiveResult; report: AthenaReport | undefined }> {
    const athena: AthenaSource = { ...source, kind: 'athena' };
    return this.fetchSource(athena, athenaRunner(athena));
  }

  private async fetchSource<R extends FetchReport>(source: LiveSource, run: LiveRunner<R>): Promise<{ result: LiveResult; report: R | undefined }> {
    this.view = { ...this.view, filter: source.query.filter };
    const key = liveSourceKey(source);
    // The counts of the previous query would pass for this one's: they go until the new ones come.
    this.live.get(key)?.aggregating?.abort();
    const reg: Registered = { source };
    this.live.set(key, reg);
    this.retitle();
    const name = liveSourceName(source);
    const live = await this.host.ui.progress(`Querying ${source.account.label}`, async (report, cancel) => {
      cancel.addEventListener('abort', () => this.sources.cancel(), { once: true });
      const onTick = (s: LoadState) => report({ message: `${fmt(s.files)} page${s.files === 1 ? '' : 's'}` });
      this.tickListeners.add(onTick);
      try {
        const fetching = this.sources.fetchFrom(
          { key, label: source.account.label, provider: name, accountId: source.account.id, query: source.query, secret: source.secret },
          run,
        );
        this.pushState(); // the live strip shows the fetch under way at once
        return await fetching;
      } finally {
        this.tickListeners.delete(onTick);
      }
    });
    const sent = live.pushDown.sentToApi.length ? live.pushDown.sentToApi.join(', ') : 'nothing';
    this.host.log.info(`${name} "${source.account.label}": ${live.pages} pages, ${live.added} events; sent to the API: ${sent}; applied here: ${live.pushDown.localFilter || 'nothing more'}`);
    if (live.stoppedBy) {
      this.host.ui.warn(`Audit Logs: stopped after ${live.pages} page${live.pages === 1 ? '' : 's'} because ${live.stoppedBy.message} The ${fmt(live.added)} events fetched are shown.`);
    }
    // A cancelled fetch means "stop asking this API", so no counts either.
    if (source.kind === 'api' && source.provider.aggregate && !live.cancelled && this.live.get(key) === reg) void this.aggregate(reg, source);
    const result: LiveResult = { pages: live.pages, events: live.added, sentToApi: live.pushDown.sentToApi, localFilter: live.pushDown.localFilter, stoppedBy: live.stoppedBy?.message, cancelled: live.cancelled };
    return { result, report: live.report };
  }

  /**
   * The API's own counts for a source's query, after its fetch: they come when they come (the
   * fetch result never waits for them) and a failure only says so next to where they would be.
   */
  private async aggregate(reg: Registered, source: ApiSource): Promise<void> {
    const provider = source.provider;
    if (!provider.aggregate) return;
    const abort = new AbortController();
    reg.aggregating = abort;
    const stop = () => abort.abort();
    this.apiCalls.signal.addEventListener('abort', stop, { once: true });
    try {
      const agg = await provider.aggregate(source.account, source.secret, source.query, abort.signal);
      if (abort.signal.aborted) return;
      reg.server = serverDto(agg);
    } catch (e) {
      if (abort.signal.aborted) return;
      reg.serverError = apiMessage(e, [source.secret]);
      this.host.log.warn(`${provider.displayName} "${source.account.label}": no counts from the API: ${reg.serverError}`);
    } finally {
      this.apiCalls.signal.removeEventListener('abort', stop);
      if (reg.aggregating === abort) reg.aggregating = undefined;
    }
    this.pushState();
  }

  /**
   * Fetches the live sources again with the filter now in the bar: the API gets what it can filter
   * on, the panel applies the rest. A panel of live sources only starts from empty so the result is
   * what this filter fetched; next to files, fetched events add up (deduplicated).
   */
  async refetch(params: RefetchParams): Promise<void> {
    if (this.sources.loading) {
      this.host.ui.info('Audit Logs: still fetching; cancel it or wait before fetching again.');
      return;
    }
    if (this.live.size === 0) return;
    try {
      parseQuery(params.filter);
    } catch {
      return; // the query that went with this shows the error under the filter bar
    }
    if (this.sources.sources.every((s) => this.live.has(s.path as LiveSourceKey))) this.sources.clearEvents();
    if (this.lastSpec) this.lastSpec = { ...this.lastSpec, filter: params.filter, timeRange: params.timeRange };
    for (const { source } of [...this.live.values()]) {
      const query: LiveQuery = { ...source.query, filter: params.filter };
      // The timeline's range narrows (or moves) the fetch; otherwise the original range stays.
      if (params.timeRange?.from !== undefined) query.from = params.timeRange.from;
      if (params.timeRange?.to !== undefined) query.to = params.timeRange.to;
      const again: LiveSource = { ...source, query };
      await this.fetchSource(again, runnerOf(again));
    }
  }

  // ---- export ------------------------------------------------------------------------------------

  /** Asks where, then writes the current result there; says how many events went. */
  async export(format: ExportFormat): Promise<void> {
    const view = this.current?.view;
    if (!view) {
      this.host.ui.info('Audit Logs: run a query first; the export writes its matching events.');
      return;
    }
    const stamp = formatTime(Date.now()).replace(/[:.]/g, '-');
    const target = await this.host.ui.exportTarget({ format, count: view.count, fileName: `audit-events-${stamp}.${format}`, ...(this.paths[0] !== undefined ? { near: this.paths[0] } : {}) });
    if (!target) return;
    const n = await this.exportTo(format, target);
    this.host.ui.info(`Audit Logs: exported ${fmt(n)} event${n === 1 ? '' : 's'} to ${baseName(target)}.`);
  }

  /** Writes the current result (or every event, before any query) to `file`; returns the number written. */
  exportTo(format: ExportFormat, file: string): Promise<number> {
    const view = this.current?.view ?? this.sources.store.query('', { sort: this.view.sort });
    return this.io.exportView(view, format, file, this.view.columns);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

export function baseName(p: string): string {
  const parts = p.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts[parts.length - 1] || p;
}
