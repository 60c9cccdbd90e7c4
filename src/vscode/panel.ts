/**
 * The events panel on the host side: one webview panel per opened source set. It owns nothing but
 * the conversation; the data lives in the SourceSet. Every message from the webview is parsed with
 * zod before it is acted on (ipcDispatch.ts, which answers every request with its result or an
 * error), and everything sent to the webview is plain data (the webview renders it as text).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showError, showInfo, showWarning, withProgress } from './notify';
import { formatTime } from '../core/store';
import { parseQuery } from '../core/query';
import { missingFields } from '../core/fieldSuggest';
import { FIELD_ALIASES, NORMALIZED_FIELDS } from '../core/event';
import { ResultView } from '../core/view';
import { isApiError, redact } from '../core/errors';
import type { AccountConfig, LiveProvider, LiveQuery, ServerAggregate } from '../providers/provider';
import type { S3LoadReport, S3Selection, S3TrailSession } from '../providers/s3Trail/index';
import { SourceInfo, SourceSet } from '../session/sourceSet';
import {
  DEFAULT_COLUMNS,
  DETAIL_SECTION_MAX,
  type DetailSectionDto,
  DidChangeStateNotification,
  DidLoadProgressNotification,
  DidQueryNotification,
  FACET_FIELDS,
  type IpcMessage,
  type LiveSummary,
  type LoadState,
  type NotificationType,
  type PanelState,
  type QueryResult,
  type QuerySpec,
  type ServerAggregateDto,
  type ViewState,
} from '../protocol';
import { dispatchIpc, type IpcHandlers, ReplyFailure } from './ipcDispatch';
import { exportDialogOptions, exportView, ExportFormat } from './exporter';
import { pathSetKey, uniquePaths } from './sourceKey';
import { LoadTicker } from './loadTicker';
import { loadSummary } from './loadSummary';
import { webviewHtml } from './webviewHtml';

export const PANEL_VIEW_TYPE = 'auditLogs.events';

/** What a fetch into the panel amounted to: the counting part of the live strip's summary. */
export type LiveResult = Pick<LiveSummary, 'pages' | 'events' | 'sentToApi' | 'localFilter' | 'stoppedBy' | 'cancelled'>;

export class EventsPanel implements vscode.Disposable {
  private static readonly panels = new Set<EventsPanel>();
  private static active: EventsPanel | undefined;
  private static readonly changed = new vscode.EventEmitter<EventsPanel | undefined>();
  /** Fires when the active panel changes or its counts change (status bar, trees). */
  static readonly onDidChange = EventsPanel.changed.event;

  private view: ViewState;
  private current: { spec: QuerySpec; view: ResultView } | undefined;
  private lastSpec: QuerySpec | undefined;
  private selectedRow: number | undefined;
  /**
   * What every view shows while loading (panel, status bar, tree, notification): the ticker's last
   * snapshot, taken together with the query it reran, so they all say the same number.
   */
  private shownLoad: LoadState | undefined;
  private readonly tickListeners = new Set<(s: LoadState) => void>();
  private readonly disposables: vscode.Disposable[] = [];
  private msgSeq = 0;
  /** Live sources of this panel by source path, kept so the panel can fetch them again. */
  private readonly liveSources = new Map<string, LiveSource>();
  /** Cancels what this panel still asks the APIs outside a fetch (counts, detail sections, actions). */
  private readonly apiCalls = new AbortController();

  static all(): readonly EventsPanel[] {
    return [...EventsPanel.panels];
  }

  static activePanel(): EventsPanel | undefined {
    return EventsPanel.active;
  }

  /** The panel showing exactly these files and folders (however their paths are written), if one is open. */
  static findByPaths(paths: readonly string[]): EventsPanel | undefined {
    const key = pathSetKey(paths);
    if (key === undefined) return undefined;
    for (const p of EventsPanel.panels) if (pathSetKey(p.paths) === key) return p;
    return undefined;
  }

  /**
   * The panel serializer's half: a panel VS Code brings back after a reload becomes a panel again,
   * unless these sources are open already (opened again at startup before the tab was revived):
   * then the revived tab closes, so no folder is shown, loaded or listed twice.
   */
  static restore(webviewPanel: vscode.WebviewPanel, extensionUri: vscode.Uri, paths: string[], log: vscode.LogOutputChannel, view?: ViewState): EventsPanel | undefined {
    if (EventsPanel.findByPaths(paths)) {
      webviewPanel.dispose();
      return undefined;
    }
    return new EventsPanel(webviewPanel, extensionUri, new SourceSet(), paths, log, view);
  }

  static open(extensionUri: vscode.Uri, paths: string[], log: vscode.LogOutputChannel, view?: ViewState): EventsPanel {
    const title = paths.length === 1 ? `Audit Logs: ${baseName(paths[0])}` : `Audit Logs: ${paths.length} sources`;
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title, vscode.ViewColumn.Active, EventsPanel.options(extensionUri));
    return new EventsPanel(panel, extensionUri, new SourceSet(), paths, log, view);
  }

  /** A panel for a live query: no paths, events arrive from an API (see fetch). */
  static openLive(extensionUri: vscode.Uri, title: string, log: vscode.LogOutputChannel): EventsPanel {
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title, vscode.ViewColumn.Active, EventsPanel.options(extensionUri));
    return new EventsPanel(panel, extensionUri, new SourceSet(), [], log);
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  /** The files and folders of this panel, normalised (see sourceKey.ts), each once. */
  readonly paths: string[];

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly sources: SourceSet,
    paths: string[],
    private readonly log: vscode.LogOutputChannel,
    view?: ViewState,
  ) {
    this.paths = uniquePaths(paths);
    this.view = view ?? { filter: '', sort: { field: 'time', dir: 'desc' }, columns: DEFAULT_COLUMNS };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'audit-logs.svg');
    panel.webview.options = EventsPanel.options(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri);
    EventsPanel.panels.add(this);
    EventsPanel.active = this;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) EventsPanel.active = this;
        EventsPanel.changed.fire(this);
      }),
    );
    // Progress comes once per file; the views get a throttled snapshot, each with the query rerun
    // over what is loaded so far, so rows, facets and timeline fill while the load goes on.
    const ticker = new LoadTicker(sources, (s, final) => {
      this.shownLoad = s;
      if (!final) void this.post(DidLoadProgressNotification, s);
      this.rerun();
      if (final) this.pushState();
      for (const l of this.tickListeners) l(s);
      EventsPanel.changed.fire(this);
    });
    this.disposables.push(ticker, { dispose: () => sources.removeAllListeners() });
  }

  /**
   * Adds files or folders to this panel (one timeline with what is already in it): they are read
   * into the same store, merged by time, and each event keeps its source.
   */
  async addPaths(paths: string[]): Promise<void> {
    const added = uniquePaths(paths).filter((p) => !this.paths.includes(p));
    if (added.length === 0) return;
    this.paths.push(...added);
    this.retitle();
    await this.load(added);
  }

  /** "Audit Logs: 3 sources" once a panel holds more than one. */
  private retitle(): void {
    const n = Math.max(this.sources.sources.length, new Set([...this.paths, ...this.liveSources.keys()]).size);
    if (n > 1) this.panel.title = `Audit Logs: ${n} sources`;
  }

  /**
   * Streams a trail bucket's objects into this panel, with a cancellable progress notification that
   * counts files and bytes; per-object problems go to the log and the problems strip.
   */
  async loadS3(session: S3TrailSession, selection: S3Selection, label: string, concurrency?: number): Promise<S3LoadReport> {
    const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
    const report = await withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading ${label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.sources.cancel());
        let last = 0;
        // Files and bytes only: the event count is the panel's (one count while loading).
        const onProgress = (st: LoadState) => {
          const pct = st.bytesTotal ? (100 * (st.bytes ?? 0)) / st.bytesTotal : st.filesTotal ? (100 * st.files) / st.filesTotal : 0;
          const bytes = st.bytesTotal ? `, ${mb(st.bytes ?? 0)} of ${mb(st.bytesTotal)}` : '';
          progress.report({ increment: pct - last, message: `${st.files.toLocaleString('en-US')} of ${st.filesTotal.toLocaleString('en-US')} files${bytes}` });
          last = pct;
        };
        this.tickListeners.add(onProgress);
        try {
          return await this.sources.openS3(session, selection, label, { concurrency });
        } finally {
          this.tickListeners.delete(onProgress);
        }
      },
    );
    this.retitle();
    this.log.info(`${label}: ${report.objects} objects, ${report.downloadedBytes} bytes, ${report.events} events, ${report.duplicates} duplicates, ${report.skipped.length} skipped, ${report.errors.length} problems${report.cancelled ? ' (cancelled)' : ''}`);
    for (const e of report.errors) this.log.warn(`${e.path}: ${e.message}`);
    if (report.stoppedBy) {
      void showWarning(`Audit Logs: stopped reading ${label} because ${report.stoppedBy.message} The ${report.events.toLocaleString('en-US')} events read are shown.`);
    } else if (report.errors.length) {
      void showWarning(`Audit Logs: ${report.errors.length} object${report.errors.length === 1 ? '' : 's'} could not be read; everything else was loaded.`, 'Show Problems').then((c) => {
        if (c) this.log.show(true);
      });
    }
    return report;
  }

  /** Loads the panel's paths (or some of them), with a cancellable progress notification. */
  async load(paths: string[] = this.paths): Promise<void> {
    const what = paths.length === 1 ? baseName(paths[0]) : `${paths.length} sources`;
    await withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading ${what}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.sources.cancel());
        let last = 0;
        // Files only: the event count is the panel's (one count while loading).
        const onProgress = (s: LoadState) => {
          const pct = s.filesTotal > 0 ? (100 * s.files) / s.filesTotal : 0;
          progress.report({ increment: pct - last, message: `${s.files.toLocaleString('en-US')} of ${s.filesTotal.toLocaleString('en-US')} files` });
          last = pct;
        };
        this.tickListeners.add(onProgress);
        try {
          const reports = await this.sources.openPaths(paths);
          const ms = this.sources.status.ms ?? 0;
          for (const r of reports) {
            this.log.info(`read ${r.files} files, ${r.events} events, ${r.duplicates} duplicates, ${r.skipped.length} skipped, ${r.errors.length} problems in ${ms} ms${r.cancelled ? ' (cancelled)' : ''}`);
            for (const e of r.errors) this.log.warn(`${e.path}${e.position ? `:${e.position.line}:${e.position.column}` : ''}: ${e.message}`);
          }
          const problems = reports.reduce((n, r) => n + r.errors.length, 0);
          if (problems > 0) {
            void showWarning(
              `Audit Logs: ${problems} problem${problems === 1 ? '' : 's'} while reading; everything readable was loaded.`,
              'Show Problems',
            ).then((choice) => {
              if (choice) this.log.show(true);
            });
          }
        } finally {
          this.tickListeners.delete(onProgress);
        }
      },
    );
  }

  /**
   * Fetches a live account into this panel with a cancellable progress notification. The whole
   * filter also applies here, so what the API could not filter on is still filtered.
   */
  async fetch(provider: LiveProvider, account: AccountConfig, secret: string, query: LiveQuery): Promise<LiveResult> {
    this.view = { ...this.view, filter: query.filter };
    const key = `${provider.id}:${account.id}`;
    this.liveSources.get(key)?.aggregating?.abort();
    // The counts of the previous query would pass for this one's: they go until the new ones come.
    const source: LiveSource = { provider, account, secret, query };
    this.liveSources.set(key, source);
    this.retitle();
    const live = await withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Querying ${account.label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.sources.cancel());
        const onProgress = (s: LoadState) => progress.report({ message: `${s.files.toLocaleString('en-US')} page${s.files === 1 ? '' : 's'}` });
        this.tickListeners.add(onProgress);
        try {
          const fetching = this.sources.fetchLive(provider, account, secret, query);
          this.pushState(); // the live strip shows the fetch under way at once
          return await fetching;
        } finally {
          this.tickListeners.delete(onProgress);
        }
      },
    );
    const sent = live.pushDown.sentToApi.length ? live.pushDown.sentToApi.join(', ') : 'nothing';
    this.log.info(`${provider.displayName} "${account.label}": ${live.pages} pages, ${live.added} events; sent to the API: ${sent}; applied here: ${live.pushDown.localFilter || 'nothing more'}`);
    if (live.stoppedBy) {
      void showWarning(`Audit Logs: stopped after ${live.pages} page${live.pages === 1 ? '' : 's'} because ${live.stoppedBy.message} The ${live.added.toLocaleString('en-US')} events fetched are shown.`);
    }
    // A cancelled fetch means "stop asking this API", so no counts either.
    if (provider.aggregate && !live.cancelled && this.liveSources.get(key) === source) void this.aggregate(source);
    return { pages: live.pages, events: live.added, sentToApi: live.pushDown.sentToApi, localFilter: live.pushDown.localFilter, stoppedBy: live.stoppedBy?.message, cancelled: live.cancelled };
  }

  /**
   * The load progress every view shows: while loading, the last snapshot the panel drew (its rows,
   * facets and timeline were computed at the same moment); otherwise the load's final status.
   */
  get loadShown(): LoadState {
    // A snapshot of an earlier load (done) never stands for this one.
    const shown = this.shownLoad;
    return this.sources.loading && shown && !shown.done ? shown : { ...this.sources.status, events: this.sources.store.size };
  }

  /** The filter the panel shows now (a live source added to it starts from it). */
  get currentFilter(): string {
    return this.view.filter;
  }

  get selected(): number | undefined {
    return this.selectedRow;
  }

  get currentView(): ResultView | undefined {
    return this.current?.view;
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (!EventsPanel.panels.delete(this)) return;
    if (EventsPanel.active === this) EventsPanel.active = undefined;
    this.sources.cancel();
    this.apiCalls.abort();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    EventsPanel.changed.fire(undefined);
  }

  private onMessage(raw: unknown): Promise<void> {
    return dispatchIpc(raw, this.handlers, {
      reply: (response, completionId, reply) => this.panel.webview.postMessage({ id: `h${++this.msgSeq}`, method: response, params: reply, completionId } satisfies IpcMessage),
      log: (message) => this.log.warn(message),
      errorText: (err) => redact(err instanceof Error ? err.message : String(err), [...this.liveSources.values()].map((l) => l.secret)),
    });
  }

  /** What each message from the webview does; a request's handler returns its answer or throws a ReplyFailure. */
  private readonly handlers: IpcHandlers = {
    ReadyCommand: () => this.pushState(),
    QueryCommand: (spec) => this.runQuery(spec),
    SaveViewCommand: (view) => {
      this.view = view;
    },
    CopyCommand: async ({ text }) => {
      await vscode.env.clipboard.writeText(text);
    },
    ExportCommand: ({ format }) => this.export(format),
    CancelCommand: () => this.sources.cancel(),
    AddSourceCommand: async () => {
      EventsPanel.active = this;
      await vscode.commands.executeCommand('auditLogs.addToPanel');
    },
    RefetchCommand: (p) => this.refetch(p),
    RowsRequest: (p) => {
      const cur = this.current;
      if (!cur || cur.spec.queryId !== p.queryId) throw new ReplyFailure('a window of a query no longer shown', 'stale');
      const rows = cur.view.rows(p.offset, p.limit, p.columns).map((r) => ({ row: r.row, cells: p.columns.map((c) => r[c]) }));
      return { queryId: p.queryId, offset: p.offset, rows };
    },
    FacetRequest: (p) => {
      const cur = this.current;
      if (!cur || cur.spec.queryId !== p.queryId) throw new ReplyFailure('a facet of a query no longer shown', 'stale');
      // Only the facets the panel shows: any other name would extract a new column from every event.
      if (!(FACET_FIELDS as readonly string[]).includes(p.field)) throw new ReplyFailure(`The extension refused the facet request (${p.field.slice(0, 60)} is not a facet).`, 'invalid');
      const page = cur.view.facetPage(p.field, p);
      return { queryId: p.queryId, field: p.field, offset: p.offset, ...page };
    },
    DetailRequest: ({ row }) => {
      if (row >= this.sources.store.size) throw new ReplyFailure(`There is no event ${row + 1} in this panel.`);
      this.selectedRow = row;
      const live = this.liveSourceOf(row);
      const actions = live?.provider.eventActions ?? [];
      return {
        row,
        raw: this.sources.store.rawText(row),
        source: this.sources.store.value(row, 'source'),
        ...(live && (live.provider.expandEvent || actions.length > 0)
          ? { live: { expandable: live.provider.expandEvent !== undefined, actions: actions.map((a) => ({ id: a.id, title: a.title })) } }
          : {}),
      };
    },
    DetailExpandRequest: async ({ row }) => {
      if (row >= this.sources.store.size) throw new ReplyFailure(`There is no event ${row + 1} in this panel.`);
      return { row, ...(await this.expand(row)) };
    },
    DetailActionCommand: ({ row, actionId }) => this.runEventAction(row, actionId),
    LiveActionCommand: (p) => this.runQueryAction(p),
  };

  /** The live source a row was fetched from: its provider, and the account label it was put under. */
  private liveSourceOf(row: number): LiveSource | undefined {
    if (this.liveSources.size === 0 || row >= this.sources.store.size) return undefined;
    const provider = this.sources.store.value(row, 'provider');
    const label = this.sources.store.value(row, 'source');
    for (const live of this.liveSources.values()) if (live.provider.id === provider && live.account.label === label) return live;
    return undefined;
  }

  /** Asks the event's API for more of it; failures come back as text for the detail pane. */
  private async expand(row: number): Promise<{ sections: DetailSectionDto[] } | { error: string }> {
    const live = this.liveSourceOf(row);
    if (!live?.provider.expandEvent) return { error: 'This event did not come from an API that can say more about it.' };
    try {
      const sections = await live.provider.expandEvent(live.account, live.secret, { id: this.sources.store.idOf(row), raw: this.sources.store.raw(row) }, this.apiCalls.signal);
      return { sections: sections.slice(0, 50).map((s) => ({ title: s.title.slice(0, 200), text: sectionText(s.json) })) };
    } catch (e) {
      const message = apiMessage(e, live.secret);
      this.log.warn(`${live.provider.displayName} "${live.account.label}": could not load more of event ${this.sources.store.idOf(row).slice(0, 200)}: ${message}`);
      return { error: message };
    }
  }

  private async runEventAction(row: number, actionId: string): Promise<void> {
    const live = this.liveSourceOf(row);
    const action = live?.provider.eventActions?.find((a) => a.id === actionId);
    if (!live || !action) {
      this.log.warn(`the events panel asked for an action this event does not have: ${actionId.slice(0, 60)}`);
      return;
    }
    const event = { id: this.sources.store.idOf(row), raw: this.sources.store.raw(row) };
    await this.confirmAndRun(live, action, (input, signal) => action.run(live.account, live.secret, event, input, signal));
  }

  private async runQueryAction(p: { sourcePath: string; actionId: string; filter: string }): Promise<void> {
    const live = this.liveSources.get(p.sourcePath);
    const action = live?.provider.queryActions?.find((a) => a.id === p.actionId);
    if (!live || !action) {
      this.log.warn(`the events panel asked for a query action this source does not have: ${p.actionId.slice(0, 60)}`);
      return;
    }
    try {
      parseQuery(p.filter);
    } catch (e) {
      void showError(`Audit Logs: fix the filter first (${e instanceof Error ? e.message : String(e)}).`);
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
    live: LiveSource,
    action: { title: string; input?: { prompt: string; placeholder?: string }; confirm: string },
    run: (input: string, signal: AbortSignal) => Promise<string>,
  ): Promise<void> {
    const label = action.title.replace(/(…|\.\.\.)$/, '').trim();
    let input = '';
    if (action.input) {
      const typed = await vscode.window.showInputBox({ title: `${label} (${live.account.label})`, prompt: action.input.prompt, placeHolder: action.input.placeholder, ignoreFocusOut: true });
      if (typed === undefined) return;
      input = typed;
    }
    // split/join, not replace(): `$&` and the like in what was typed stay as typed.
    const question = action.confirm.split('{input}').join(input);
    const ok = await showWarning(question, { modal: true, detail: `${live.provider.displayName}: ${live.account.label}` }, label);
    if (ok !== label) return;
    try {
      const message = await withProgress(
        { location: vscode.ProgressLocation.Notification, title: `${label} (${live.account.label})`, cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          const stop = () => abort.abort();
          this.apiCalls.signal.addEventListener('abort', stop, { once: true });
          return run(input, abort.signal).finally(() => this.apiCalls.signal.removeEventListener('abort', stop));
        },
      );
      this.log.info(`${live.provider.displayName} "${live.account.label}": ${label}: ${message}`);
      void showInfo(`Audit Logs: ${message}`);
    } catch (e) {
      const message = apiMessage(e, live.secret);
      this.log.warn(`${live.provider.displayName} "${live.account.label}": ${label} failed: ${message}`);
      void showError(`Audit Logs: ${label} failed: ${message}`);
    }
  }

  /**
   * The API's own counts for a live source's query, after its fetch: they come when they come (the
   * fetch result never waits for them) and a failure only says so next to where they would be.
   */
  private async aggregate(source: LiveSource): Promise<void> {
    const provider = source.provider;
    if (!provider.aggregate) return;
    const abort = new AbortController();
    source.aggregating = abort;
    const stop = () => abort.abort();
    this.apiCalls.signal.addEventListener('abort', stop, { once: true });
    try {
      const agg = await provider.aggregate(source.account, source.secret, source.query, abort.signal);
      if (abort.signal.aborted) return;
      source.server = serverDto(agg);
    } catch (e) {
      if (abort.signal.aborted) return;
      source.serverError = apiMessage(e, source.secret);
      this.log.warn(`${provider.displayName} "${source.account.label}": no counts from the API: ${source.serverError}`);
    } finally {
      this.apiCalls.signal.removeEventListener('abort', stop);
      if (source.aggregating === abort) source.aggregating = undefined;
    }
    if (EventsPanel.panels.has(this)) this.pushState();
  }

  /**
   * Fetches the panel's live sources again with the filter now in the bar: the API gets what it
   * can filter on, the panel applies the rest. A panel of live sources only starts from empty so
   * the result is what this filter fetched; next to files, fetched events add up (deduplicated).
   */
  async refetch(params: { filter: string; timeRange?: { from?: number; to?: number } }): Promise<void> {
    if (this.sources.loading) {
      void showInfo('Audit Logs: still fetching; cancel it or wait before fetching again.');
      return;
    }
    if (this.liveSources.size === 0) return;
    try {
      parseQuery(params.filter);
    } catch {
      return; // the query that went with this shows the error under the filter bar
    }
    if (this.sources.sources.every((s) => this.liveSources.has(s.path))) this.sources.clearEvents();
    if (this.lastSpec) this.lastSpec = { ...this.lastSpec, filter: params.filter, timeRange: params.timeRange };
    for (const live of [...this.liveSources.values()]) {
      const query: LiveQuery = { ...live.query, filter: params.filter };
      // The timeline's range narrows (or moves) the fetch; otherwise the original range stays.
      if (params.timeRange?.from !== undefined) query.from = params.timeRange.from;
      if (params.timeRange?.to !== undefined) query.to = params.timeRange.to;
      await this.fetch(live.provider, live.account, live.secret, query);
    }
  }

  private runQuery(spec: QuerySpec): void {
    this.lastSpec = spec;
    this.view = { ...this.view, filter: spec.filter, sort: spec.sort, timeRange: spec.timeRange };
    const outcome = this.sources.query({ filter: spec.filter, sort: spec.sort, timeRange: spec.timeRange });
    const total = this.sources.store.size;
    // A query between two ticks counts what is loaded now: the other views follow this number.
    if (this.sources.loading) this.shownLoad = { ...this.sources.status, events: total };
    if (!outcome.ok) {
      const e = outcome.error;
      const prev = this.current?.view;
      const result: QueryResult = {
        queryId: spec.queryId,
        count: prev?.count ?? 0,
        total,
        histogram: prev ? prev.histogram() : { start: 0, bucketMs: 60_000, counts: [], untimed: 0 },
        facets: prev ? prev.facets(FACET_FIELDS, 10) : {},
        error: { message: e.message, start: e.span.start, end: e.span.end, token: e.token },
        ms: 0,
      };
      void this.post(DidQueryNotification, result);
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
    void this.post(DidQueryNotification, result);
    EventsPanel.changed.fire(this);
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

  private pushState(): void {
    const problems = this.sources.problems();
    const state: PanelState = {
      title: this.panel.title,
      sources: this.sources.sources.map((s) => ({
        label: s.label,
        path: s.path,
        events: s.report?.events ?? 0,
        duplicates: s.report?.duplicates ?? 0,
        errors: s.report?.errors.length ?? 0,
        skipped: s.report?.skipped.length ?? 0,
        ...(s.ms !== undefined ? { ms: s.ms } : {}),
        ...(s.liveQuery ? { live: liveSummary(s, this.liveSources.get(s.path)) } : {}),
      })),
      load: this.loadShown,
      availableColumns: this.sources.loading ? [] : this.sources.availableColumns(),
      view: this.view,
      problems: problems.slice(0, 500),
      summary: loadSummary(this.sources.sources, this.sources.store.size, problems.length, this.sources.status),
      skippedFiles: this.sources.sources.flatMap((s) => s.report?.skipped ?? []).slice(0, 500),
      restore: { paths: this.paths },
    };
    void this.post(DidChangeStateNotification, state);
  }

  async export(format: ExportFormat): Promise<void> {
    const view = this.current?.view;
    if (!view) {
      void showInfo('Audit Logs: run a query first; the export writes its matching events.');
      return;
    }
    const stamp = formatTime(Date.now()).replace(/[:.]/g, '-');
    // Start where the logs came from (or the workspace), not at the filesystem root.
    const near = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(dirName(this.paths[0]));
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(near, `audit-events-${stamp}.${format}`),
      ...exportDialogOptions(format, view.count),
    });
    if (!target) return;
    const n = await this.exportTo(format, target);
    void showInfo(`Audit Logs: exported ${n.toLocaleString('en-US')} event${n === 1 ? '' : 's'} to ${baseName(target.fsPath)}.`);
  }

  /** Writes the current result to `target`; returns the number of events written. */
  async exportTo(format: ExportFormat, target: vscode.Uri): Promise<number> {
    const view = this.current?.view ?? this.sources.store.query('', { sort: this.view.sort });
    return exportView(view, format, target.fsPath, this.view.columns);
  }

  private post<P>(n: NotificationType<P>, params: P): Thenable<boolean> {
    const msg: IpcMessage<P> = { id: `h${++this.msgSeq}`, method: n.method, params };
    return this.panel.webview.postMessage(msg);
  }
}

/** The folder itself, or the folder a file is in. */
function dirName(p: string): string {
  try {
    return statSync(p).isDirectory() ? p : path.dirname(p);
  } catch {
    return path.dirname(p);
  }
}

function baseName(p: string): string {
  const parts = p.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

interface LiveSource {
  provider: LiveProvider;
  account: AccountConfig;
  secret: string;
  query: LiveQuery;
  /** The API's counts for `query`, or why there are none; set after the fetch. */
  server?: ServerAggregateDto;
  serverError?: string;
  aggregating?: AbortController;
}

/** An error for the user: ApiError messages are redacted already, anything else is redacted here. */
function apiMessage(e: unknown, secret: string): string {
  if (isApiError(e)) return e.message;
  return redact(e instanceof Error ? e.message : String(e), [secret]).slice(0, 2000);
}

/** A section's JSON as indented text, cut where a webview would only struggle with it. */
function sectionText(json: unknown): string {
  let text: string;
  try {
    text = typeof json === 'string' ? json : (JSON.stringify(json, null, 2) ?? String(json));
  } catch (e) {
    text = `(could not be shown as JSON: ${e instanceof Error ? e.message : String(e)})`;
  }
  if (text.length <= DETAIL_SECTION_MAX) return text;
  return `${text.slice(0, DETAIL_SECTION_MAX)}\n\n… cut here: ${text.length.toLocaleString('en-US')} characters in all, the first ${DETAIL_SECTION_MAX.toLocaleString('en-US')} are shown.`;
}

/** Capped so a chatty API cannot flood the webview; the note says what the numbers cover. */
function serverDto(a: ServerAggregate): ServerAggregateDto {
  const facets: ServerAggregateDto['facets'] = {};
  for (const [field, values] of Object.entries(a.facets).slice(0, 50)) {
    facets[field] = values.slice(0, 50).map((v) => ({ value: String(v.value).slice(0, 2000), count: v.count }));
  }
  const dto: ServerAggregateDto = { note: a.note.slice(0, 2000), facets };
  if (a.total !== undefined && Number.isFinite(a.total)) dto.total = a.total;
  if (a.histogram && a.histogram.bucketMs > 0) {
    dto.histogram = { bucketMs: a.histogram.bucketMs, buckets: a.histogram.buckets.filter((b) => Number.isFinite(b.time) && Number.isFinite(b.count)).slice(0, 10_000) };
  }
  return dto;
}

function liveSummary(s: SourceInfo, source: LiveSource | undefined): LiveSummary {
  const q = s.liveQuery!;
  const l = s.live;
  return {
    provider: q.provider,
    filter: q.query.filter,
    from: q.query.from,
    to: q.query.to,
    pages: l?.pages ?? 0,
    events: l?.added ?? 0,
    sentToApi: l?.pushDown.sentToApi ?? [],
    localFilter: l?.pushDown.localFilter ?? '',
    stoppedBy: l?.stoppedBy?.message,
    cancelled: l?.cancelled ?? false,
    fetching: q.fetching,
    refetchable: source?.provider.fixedQuery !== true,
    actions: (source?.provider.queryActions ?? []).map((a) => ({ id: a.id, title: a.title })),
    ...(source?.server ? { server: source.server } : {}),
    ...(source?.serverError ? { serverError: source.serverError } : {}),
  };
}
