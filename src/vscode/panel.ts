/**
 * The events panel on the host side: one webview panel per opened source set. It owns nothing but
 * the conversation; the data lives in the SourceSet. Every message from the webview is parsed with
 * zod before it is acted on, and everything sent to the webview is plain data (the webview renders
 * it as text).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatTime } from '../core/store';
import { parseQuery } from '../core/query';
import { ResultView } from '../core/view';
import type { AccountConfig, LiveProvider, LiveQuery } from '../providers/provider';
import { SourceInfo, SourceSet } from '../providers/sourceSet';
import {
  CancelCommand,
  CopyCommand,
  DEFAULT_COLUMNS,
  DetailRequest,
  DidChangeStateNotification,
  DidLoadProgressNotification,
  DidQueryNotification,
  ExportCommand,
  FACET_FIELDS,
  IpcEnvelope,
  IpcMessage,
  IpcNotification,
  LiveSummary,
  LoadState,
  PanelState,
  QueryCommand,
  QueryResult,
  QuerySpec,
  ReadyCommand,
  RefetchCommand,
  RowsRequest,
  SaveViewCommand,
  ViewState,
} from './protocol';
import { exportView, ExportFormat } from './exporter';
import { webviewHtml } from './webviewHtml';

export const PANEL_VIEW_TYPE = 'auditLogs.events';

export interface LiveResult {
  pages: number;
  events: number;
  sentToApi: string[];
  localFilter: string;
  stoppedBy?: string;
  cancelled: boolean;
}

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
  private requery: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private msgSeq = 0;
  /** Live sources of this panel by source path, kept so the panel can fetch them again. */
  private readonly liveSources = new Map<string, { provider: LiveProvider; account: AccountConfig; secret: string; query: LiveQuery }>();

  static all(): readonly EventsPanel[] {
    return [...EventsPanel.panels];
  }

  static activePanel(): EventsPanel | undefined {
    return EventsPanel.active;
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

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly sources: SourceSet,
    readonly paths: string[],
    private readonly log: vscode.LogOutputChannel,
    view?: ViewState,
  ) {
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
    const onProgress = (s: LoadState) => {
      void this.post(DidLoadProgressNotification, s);
      this.scheduleRequery();
      EventsPanel.changed.fire(this);
    };
    sources.on('progress', onProgress);
    sources.on('loaded', () => {
      this.rerun();
      this.pushState();
      EventsPanel.changed.fire(this);
    });
    this.disposables.push({ dispose: () => sources.removeAllListeners() });
  }

  /** Loads the panel's paths, with a cancellable progress notification. */
  async load(): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading ${this.panel.title.replace(/^Audit Logs: /, '')}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.sources.cancel());
        let last = 0;
        const onProgress = (s: LoadState) => {
          const pct = s.filesTotal > 0 ? (100 * s.files) / s.filesTotal : 0;
          progress.report({ increment: pct - last, message: `${s.files.toLocaleString('en-US')} of ${s.filesTotal.toLocaleString('en-US')} files, ${s.events.toLocaleString('en-US')} events` });
          last = pct;
        };
        this.sources.on('progress', onProgress);
        try {
          const t0 = Date.now();
          const reports = await this.sources.openPaths(this.paths);
          for (const r of reports) {
            this.log.info(`read ${r.files} files, ${r.events} events, ${r.duplicates} duplicates, ${r.skipped.length} skipped, ${r.errors.length} problems in ${Date.now() - t0} ms${r.cancelled ? ' (cancelled)' : ''}`);
            for (const e of r.errors) this.log.warn(`${e.path}${e.position ? `:${e.position.line}:${e.position.column}` : ''}: ${e.message}`);
          }
          const problems = reports.reduce((n, r) => n + r.errors.length, 0);
          if (problems > 0) {
            void vscode.window.showWarningMessage(
              `Audit Logs: ${problems} problem${problems === 1 ? '' : 's'} while reading; everything readable was loaded.`,
              'Show Problems',
            ).then((choice) => {
              if (choice) this.log.show(true);
            });
          }
        } finally {
          this.sources.off('progress', onProgress);
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
    this.liveSources.set(`${provider.id}:${account.id}`, { provider, account, secret, query });
    const live = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Querying ${account.label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.sources.cancel());
        const onProgress = (s: LoadState) => progress.report({ message: `${s.files} pages, ${s.events.toLocaleString('en-US')} events` });
        this.sources.on('progress', onProgress);
        try {
          const fetching = this.sources.fetchLive(provider, account, secret, query);
          this.pushState(); // the live strip shows the fetch under way at once
          return await fetching;
        } finally {
          this.sources.off('progress', onProgress);
        }
      },
    );
    const sent = live.pushDown.sentToApi.length ? live.pushDown.sentToApi.join(', ') : 'nothing';
    this.log.info(`${provider.displayName} "${account.label}": ${live.pages} pages, ${live.added} events; sent to the API: ${sent}; applied here: ${live.pushDown.localFilter || 'nothing more'}`);
    if (live.stoppedBy) {
      void vscode.window.showWarningMessage(`Audit Logs: stopped after ${live.pages} page${live.pages === 1 ? '' : 's'} because ${live.stoppedBy.message} The ${live.added.toLocaleString('en-US')} events fetched are shown.`);
    }
    return { pages: live.pages, events: live.added, sentToApi: live.pushDown.sentToApi, localFilter: live.pushDown.localFilter, stoppedBy: live.stoppedBy?.message, cancelled: live.cancelled };
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
    if (this.requery) clearTimeout(this.requery);
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    EventsPanel.changed.fire(undefined);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const env = IpcEnvelope.safeParse(raw);
    if (!env.success) {
      this.log.warn('ignored a malformed message from the events panel');
      return;
    }
    const msg = env.data as IpcMessage;
    try {
      if (ReadyCommand.is(msg)) {
        this.pushState();
      } else if (QueryCommand.is(msg)) {
        const spec = QueryCommand.schema.parse(msg.params);
        this.runQuery(spec);
      } else if (SaveViewCommand.is(msg)) {
        this.view = SaveViewCommand.schema.parse(msg.params);
      } else if (CopyCommand.is(msg)) {
        await vscode.env.clipboard.writeText(CopyCommand.schema.parse(msg.params).text);
      } else if (ExportCommand.is(msg)) {
        await this.export(ExportCommand.schema.parse(msg.params).format);
      } else if (CancelCommand.is(msg)) {
        this.sources.cancel();
      } else if (RefetchCommand.is(msg)) {
        await this.refetch(RefetchCommand.schema.parse(msg.params));
      } else if (RowsRequest.is(msg)) {
        const p = RowsRequest.schema.parse(msg.params);
        const cur = this.current;
        if (!cur || cur.spec.queryId !== p.queryId) return; // a window of a query no longer shown
        const rows = cur.view.rows(p.offset, p.limit, p.columns).map((r) => ({ row: r.row, cells: p.columns.map((c) => r[c]) }));
        await this.respond(RowsRequest.response, msg, { queryId: p.queryId, offset: p.offset, rows });
      } else if (DetailRequest.is(msg)) {
        const { row } = DetailRequest.schema.parse(msg.params);
        if (row >= this.sources.store.size) return;
        this.selectedRow = row;
        await this.respond(DetailRequest.response, msg, { row, raw: this.sources.store.rawText(row), source: this.sources.store.value(row, 'source') });
      } else {
        this.log.warn(`ignored an unknown message from the events panel: ${msg.method.slice(0, 60)}`);
      }
    } catch (err) {
      this.log.warn(`the events panel sent a message that was rejected (${msg.method.slice(0, 60)}): ${err instanceof Error ? err.message.slice(0, 500) : String(err)}`);
    }
  }

  /**
   * Fetches the panel's live sources again with the filter now in the bar: the API gets what it
   * can filter on, the panel applies the rest. A panel of live sources only starts from empty so
   * the result is what this filter fetched; next to files, fetched events add up (deduplicated).
   */
  async refetch(params: { filter: string; timeRange?: { from?: number; to?: number } }): Promise<void> {
    if (this.sources.loading) {
      void vscode.window.showInformationMessage('Audit Logs: still fetching; cancel it or wait before fetching again.');
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
    const result: QueryResult = {
      queryId: spec.queryId,
      count: outcome.view.count,
      total,
      histogram: outcome.view.histogram(),
      facets: outcome.view.facets(FACET_FIELDS, 10),
      ms: Math.round(outcome.ms * 10) / 10,
    };
    void this.post(DidQueryNotification, result);
    EventsPanel.changed.fire(this);
  }

  /** Runs the last query again (new events arrived); same queryId, so the webview refetches rows. */
  private rerun(): void {
    if (this.lastSpec) this.runQuery(this.lastSpec);
  }

  /** While a folder loads, refresh the result now and then so the first rows show at once. */
  private scheduleRequery(): void {
    if (this.requery) return;
    this.requery = setTimeout(() => {
      this.requery = undefined;
      this.rerun();
    }, 400);
  }

  private pushState(): void {
    const state: PanelState = {
      title: this.panel.title,
      sources: this.sources.sources.map((s) => ({
        label: s.label,
        path: s.path,
        events: s.report?.events ?? 0,
        duplicates: s.report?.duplicates ?? 0,
        errors: s.report?.errors.length ?? 0,
        skipped: s.report?.skipped.length ?? 0,
        ...(s.liveQuery ? { live: liveSummary(s) } : {}),
      })),
      load: this.sources.status,
      availableColumns: this.sources.loading ? [] : this.sources.availableColumns(),
      view: this.view,
      problems: this.sources.problems().slice(0, 500),
      restore: { paths: this.paths },
    };
    void this.post(DidChangeStateNotification, state);
  }

  async export(format: ExportFormat): Promise<void> {
    const view = this.current?.view;
    if (!view) {
      void vscode.window.showInformationMessage('Audit Logs: run a query first; the export writes its matching events.');
      return;
    }
    const stamp = formatTime(Date.now()).replace(/[:.]/g, '-');
    // Start where the logs came from (or the workspace), not at the filesystem root.
    const near = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(dirName(this.paths[0]));
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(near, `audit-events-${stamp}.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : format === 'json' ? { JSON: ['json'] } : { 'JSON Lines': ['jsonl'] },
    });
    if (!target) return;
    const n = await this.exportTo(format, target);
    void vscode.window.showInformationMessage(`Audit Logs: exported ${n.toLocaleString('en-US')} event${n === 1 ? '' : 's'} to ${baseName(target.fsPath)}.`);
  }

  /** Writes the current result to `target`; returns the number of events written. */
  async exportTo(format: ExportFormat, target: vscode.Uri): Promise<number> {
    const view = this.current?.view ?? this.sources.store.query('', { sort: this.view.sort });
    return exportView(view, format, target.fsPath, this.view.columns);
  }

  private post<P>(n: IpcNotification<P>, params: P): Thenable<boolean> {
    const msg: IpcMessage<P> = { id: `h${++this.msgSeq}`, method: n.method, params };
    return this.panel.webview.postMessage(msg);
  }

  private respond<R>(n: IpcNotification<R>, req: IpcMessage, params: R): Thenable<boolean> {
    const msg: IpcMessage<R> = { id: `h${++this.msgSeq}`, method: n.method, params, completionId: req.completionId ?? req.id };
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

function liveSummary(s: SourceInfo): LiveSummary {
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
  };
}
