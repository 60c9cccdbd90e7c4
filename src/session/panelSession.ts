/**
 * One events panel's session, without VS Code: the one entry point the host and the tests use. It
 * answers every call the webview makes (src/protocol WEBVIEW_CALLS, checked and answered through
 * ipcDispatch.ts) with plain data or a typed error, and sends its notifications through the host
 * (ports.ts), which only shows what the session decided: progress, questions, messages, the
 * clipboard and the save dialog. The work is done by its parts, each with one job:
 *
 * - queryView.ts: the view state, the current query and its result, the selected row;
 * - liveFetcher.ts: the registry of live sources with their credentials, fetch, refetch, counts;
 * - liveActions.ts: more of an event, and the API's actions (each confirmed first);
 * - sourceLoader.ts: loading files, folders and trail buckets;
 * - detectionRunner.ts: Sigma detections after every load and fetch, for the Detections section;
 * - panelState.ts and resultExport.ts: the state the webview draws, and the export.
 */
import * as l10n from '@vscode/l10n';
import { redact } from '../core/errors';
import type { ResultView } from '../core/view';
import { chainOf } from '../core/sessionChains';
import type { AccountConfig, LiveProvider, LiveQuery } from '../providers/provider';
import type { S3LoadReport, S3Selection, S3TrailSession } from '../providers/s3Trail/index';
import type { LakeReport } from '../providers/awsCloudtrail/index';
import type { AthenaReport } from '../providers/athena/index';
import {
  type DetailResult,
  DidChangeStateNotification,
  DidDetectNotification,
  DidLoadProgressNotification,
  DidTimeNotification,
  gridColumns,
  type LoadState,
  type NotificationType,
  type QuerySpec,
  type ReadyParams,
  type RefetchParams,
  type ViewState,
} from '../protocol';
import { DetectionRunner } from './detectionRunner';
import { dispatchIpc, type IpcHandlers } from './ipcDispatch';
import type { ExportFormat, SessionIo } from './io';
import { LiveActions } from './liveActions';
import { LiveFetcher, type LiveResult } from './liveFetcher';
import type { AthenaSource, LakeSource } from './liveSources';
import { LoadTicker, type TickerOptions } from './loadTicker';
import { panelState } from './panelState';
import { PanelTimings } from './panelTimings';
import type { SessionHost } from './ports';
import { QueryView } from './queryView';
import { askAndExport, exportResult } from './resultExport';
import { SourceLoader } from './sourceLoader';
import { SourceSet } from './sourceSet';
import { TickProgress } from './tickProgress';
import { whereFrom } from './whereFrom';

export type { LiveResult };

export interface PanelSessionOptions {
  /** How files and buckets are read and exports written (session/nodeIo.ts under node). */
  io: SessionIo;
  /** The files and folders the panel shows (normalised by the host, each once). */
  paths?: string[];
  view?: ViewState;
  ticker?: TickerOptions;
  /** When the command that opened the panel started (epoch ms), the first of the panel's timings. */
  openedAt?: number;
}

export class PanelSession {
  readonly sources: SourceSet;
  readonly paths: string[];
  private readonly queries: QueryView;
  private readonly live: LiveFetcher;
  private readonly actions: LiveActions;
  private readonly loader: SourceLoader;
  /** Cancels what this session still asks the APIs outside a fetch (counts, detail sections, actions). */
  private readonly apiCalls = new AbortController();
  private readonly ticker: LoadTicker;
  /** Sigma detections over the panel's events (none where the io gives no detector). */
  readonly detections: DetectionRunner;
  private closed = false;
  private readonly io: SessionIo;
  /** When the host did what for this panel (sent to the webview as performance marks). */
  readonly timings = new PanelTimings();
  /** Settles once the last load's final state was delivered to the panel (or took too long). */
  private delivered: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: SessionHost,
    opts: PanelSessionOptions,
  ) {
    this.io = opts.io;
    this.sources = new SourceSet(opts.io);
    this.paths = [...(opts.paths ?? [])];
    if (opts.openedAt !== undefined) this.timings.mark('open', opts.openedAt);
    // First of the 'loaded' listeners: the load's end, before anything reacts to it.
    this.sources.on('progress', () => this.timings.mark('last-batch'));
    this.sources.on('loaded', () => this.timings.mark('load-end'));
    this.queries = new QueryView(this.sources, { notify: (n, p) => this.notify(n, p), changed: () => this.host.changed() }, opts.view);
    const ticks = new TickProgress(host.ui, this.sources);
    const retitle = () => this.retitle();
    this.live = new LiveFetcher({
      host,
      sources: this.sources,
      ticks,
      apiCalls: this.apiCalls.signal,
      setFilter: (filter) => this.queries.setFilter(filter),
      refilter: (p) => this.queries.refilter(p),
      pushState: () => this.pushState(),
      retitle,
    });
    this.actions = new LiveActions(host, this.sources, this.live, this.apiCalls.signal);
    this.loader = new SourceLoader(host, this.sources, ticks, this.paths, retitle);
    // Progress comes once per file; the views get a throttled snapshot, each with the query rerun
    // over what is loaded so far, so rows, facets and timeline fill while the load goes on.
    this.ticker = new LoadTicker(
      this.sources,
      (s, final) => {
        const t0 = performance.now();
        this.queries.showLoad(s);
        if (!final) this.notify(DidLoadProgressNotification, s);
        this.queries.rerun();
        if (final) {
          this.timings.mark('final-query');
          // The final count goes out at once. The work that follows a load (the columns a sample of
          // events adds, ~0.2 s at 1M, and the detections) waits until the host has delivered it:
          // VS Code sends it from this thread, and that work held it back by 0.5 s and more at 1M.
          this.delivered = deliveredOrLate(this.pushState({ columnsKnownOnly: true }));
          this.timings.mark('final-state');
          void this.delivered.then(() => {
            this.timings.mark('final-delivered');
            this.pushState();
            this.sendTimings();
          });
        }
        ticks.tick(s);
        this.host.changed();
        if (!final) this.timings.spend('load-ticks', performance.now() - t0);
      },
      opts.ticker,
    );
    // After the ticker: a load's end sends the final state first, and the detections start after it.
    this.detections = new DetectionRunner(
      host,
      this.sources,
      opts.io.detector,
      (summary) => {
        this.notify(DidDetectNotification, summary);
        // The rule and level fields changed: the current result and its marks follow.
        this.queries.rerun();
        this.host.changed();
      },
      // Running or cancelled: only what the section says changed, no hit did.
      (summary) => {
        this.notify(DidDetectNotification, summary);
        this.host.changed();
      },
      () => this.delivered,
    );
  }

  // ---- what the host and the commands read ---------------------------------------------------

  /** The load progress every view shows: the last snapshot drawn while loading, else the final status. */
  get loadShown(): LoadState {
    return this.queries.loadShown;
  }

  /** The filter the panel shows now (a live source added to it starts from it). */
  get currentFilter(): string {
    return this.queries.state.filter;
  }

  get viewState(): ViewState {
    return this.queries.state;
  }

  get selected(): number | undefined {
    return this.queries.selected;
  }

  get currentView(): ResultView | undefined {
    return this.queries.result;
  }

  /** The secrets of the live sources, for redacting anything said about them. */
  get secrets(): string[] {
    return this.live.secrets;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.sources.cancel();
    this.apiCalls.abort();
    this.ticker.dispose();
    this.detections.dispose();
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
    ReadyCommand: (p) => this.ready(p),
    QueryCommand: (spec) => {
      this.queries.run(spec);
      this.firstResult();
    },
    SaveViewCommand: (view) => {
      this.queries.state = view;
    },
    CopyCommand: ({ text }) => this.host.ui.copy(text),
    ExportCommand: ({ format }) => this.export(format),
    CancelCommand: () => this.sources.cancel(),
    AddSourceCommand: () => this.host.ui.addSource(),
    RefetchCommand: (p) => this.refetch(p),
    RowsRequest: (p) => this.queries.rows(p),
    FacetRequest: (p) => this.queries.facet(p),
    SummaryRequest: (p) => this.queries.summary(p),
    DetailRequest: ({ row }) => this.detail(row),
    DetailExpandRequest: ({ row }) => {
      this.queries.checkRow(row);
      return this.actions.expand(row);
    },
    DetailActionCommand: ({ row, actionId }) => this.actions.runEventAction(row, actionId),
    LiveActionCommand: (p) => this.actions.runQueryAction(p),
    DetectionsRequest: () => this.detections.current,
  };

  private detail(row: number): DetailResult {
    this.queries.select(row);
    const store = this.sources.store;
    const chain = chainOf(store, row);
    return {
      row,
      raw: store.rawText(row),
      source: store.value(row, 'source'),
      // An event that is its own origin has no chain worth drawing.
      ...(chain.steps.length > 2 || chain.end === 'outside' ? { chain } : {}),
      ...this.actions.detailOf(row),
      where: whereFrom(this.sources.store, row),
      detections: this.detections.rulesOf(row),
    };
  }

  /**
   * The webview is up: the state, and (when it names its query) that query's result with the grid's
   * first window of rows, in one go instead of a round trip for each.
   */
  private ready(p: ReadyParams): void {
    this.timings.markOnce('ready');
    if (p.queryId === undefined) {
      this.pushState();
      return;
    }
    const view = p.view ?? this.queries.state;
    const spec: QuerySpec = { queryId: p.queryId, filter: view.filter, sort: view.sort };
    if (view.timeRange) spec.timeRange = view.timeRange;
    if (p.window) spec.window = { ...p.window, columns: gridColumns(view.columns) };
    this.pushState();
    this.queries.run(spec);
    this.firstResult();
  }

  /** After the panel's first result went out: the timings of its start. */
  private firstResult(): void {
    if (this.timings.has('first-result')) return;
    this.timings.mark('first-result');
    this.sendTimings();
  }

  private sendTimings(): void {
    this.notify(DidTimeNotification, { marks: this.timings.list, spent: this.timings.spentList });
  }

  /** Sends the panel its state; returns what the host's post returned (VS Code: settles once delivered). */
  pushState(opts: { columnsKnownOnly?: boolean } = {}): unknown {
    if (this.closed) return undefined;
    const state = panelState({
      ...opts,
      title: this.host.title(),
      sources: this.sources,
      liveExtras: (path) => this.live.stateOf(path),
      load: this.loadShown,
      view: this.queries.state,
      paths: this.paths,
    });
    return this.notify(DidChangeStateNotification, state);
  }

  private notify<P>(n: NotificationType<P>, params: P): unknown {
    return this.closed ? undefined : this.host.post(n.method, params);
  }

  /** "Audit Logs: 3 sources" once a panel holds more than one. */
  private retitle(): void {
    const n = Math.max(this.sources.sources.length, new Set<string>([...this.paths, ...this.live.keys()]).size);
    if (n > 1) this.host.setTitle(l10n.t('Audit Logs: {0} sources', n));
  }

  // ---- loading files and buckets ---------------------------------------------------------------

  /** Adds files or folders (normalised by the host): one timeline with what is already here. */
  addPaths(paths: readonly string[]): Promise<void> {
    return this.loader.addPaths(paths);
  }

  /** Reads the panel's paths (or some of them) with a cancellable progress line counting files. */
  load(paths?: readonly string[]): Promise<void> {
    return this.loader.load(paths);
  }

  /** Streams a trail bucket's objects in, counting files and bytes; per-object problems go to the log. */
  loadS3(session: S3TrailSession, selection: S3Selection, label: string, concurrency?: number): Promise<S3LoadReport> {
    return this.loader.loadS3(session, selection, label, concurrency);
  }

  // ---- live sources ----------------------------------------------------------------------------

  /** Fetches an API account into this panel; the whole filter also applies here. */
  fetchApi(provider: LiveProvider, account: AccountConfig, secret: string, query: LiveQuery): Promise<LiveResult> {
    return this.live.fetchApi(provider, account, secret, query);
  }

  /** Runs a CloudTrail Lake query into this panel; its report says the query id and the bytes scanned. */
  fetchLake(source: Omit<LakeSource, 'kind'>): Promise<{ result: LiveResult; report: LakeReport | undefined }> {
    return this.live.fetchLake(source);
  }

  /** Runs Athena SQL into this panel; its report says the execution id, the state and the data scanned. */
  fetchAthena(source: Omit<AthenaSource, 'kind'>): Promise<{ result: LiveResult; report: AthenaReport | undefined }> {
    return this.live.fetchAthena(source);
  }

  /** Fetches the live sources again with the filter now in the bar (see LiveFetcher.refetch). */
  refetch(params: RefetchParams): Promise<void> {
    return this.live.refetch(params);
  }

  // ---- export ------------------------------------------------------------------------------------

  /** Asks where, then writes the current result there; says how many events went. */
  export(format: ExportFormat): Promise<void> {
    return askAndExport(this.host.ui, this.queries.result, format, this.paths[0], (file) => this.exportTo(format, file));
  }

  /** Writes the current result (or every event, before any query) to `file`; returns the number written. */
  exportTo(format: ExportFormat, file: string): Promise<number> {
    return exportResult(this.io, this.sources, this.queries.result, this.queries.state, format, file);
  }
}

/** How long the work after a load waits at most for its final state's delivery. */
const DELIVERY_WAIT_MS = 1000;

/** Settles when `posted` (a host's post: VS Code's postMessage promise) does, or after DELIVERY_WAIT_MS. */
function deliveredOrLate(posted: unknown): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, DELIVERY_WAIT_MS);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    Promise.resolve(posted).then(done, done);
  });
}
