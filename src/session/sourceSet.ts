/**
 * A set of sources opened together into one store: what one events panel shows. Knows what was
 * loaded from where, with what problems, and answers the panel's queries. No VS Code and no node
 * module here (the loaders are given, session/io.ts), so it runs under plain node and in a browser.
 */
import { isNormalizedField, NORMALIZED_FIELDS } from '../core/event';
import { parseQuery, QueryError, QueryNode } from '../core/query';
import { EventStore } from '../core/store';
import { ResultView, SortSpec } from '../core/view';
import type { LoadProgress, LoadReport } from '../providers/logFiles/files';
import { EXTRACTED_PATHS } from '../providers/logFiles/normalize';
import { ApiError, redact } from '../core/errors';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery } from '../providers/provider';
import { apiRunner, liveSourceKey, type ApiSource, type LiveRunner } from './liveSources';
import type { S3Selection, S3LoadReport, S3TrailSession } from '../providers/s3Trail/index';
import type { LoadState } from '../protocol';
import { columnSampleRows } from './columnSample';
import { Emitter } from './emitter';
import type { SourceLoaders } from './io';

export interface SourceInfo {
  label: string;
  /** A file or folder path, an `s3://` selection, or a live source's key (liveSources.ts). */
  path: string;
  report?: LoadReport;
  /** Live sources: how the last fetch went (pages, what went to the API, why it stopped). */
  live?: FetchReport & { added: number; duplicates: number };
  /** Live sources: what was asked, of which provider and account, and whether it is still arriving. */
  liveQuery?: { provider: string; accountId: string; query: LiveQuery; fetching: boolean };
  /** How long its last load or fetch took, in ms (shown to the person; never asserted on). */
  ms?: number;
}

/** How a load is going: the panel's own LoadState, so the ticker's snapshot is what the panel is sent. */
export type LoadStatus = LoadState;

export interface Problem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface RunQuery {
  filter: string;
  sort: SortSpec;
  timeRange?: { from?: number; to?: number };
  now?: number;
}

/** What the SourceSet needs to list and fetch a live source (the session builds it from a LiveSource). */
export interface LiveTarget {
  key: string;
  label: string;
  /** The provider's display name (the live strip, and errors a runner throws). */
  provider: string;
  accountId: string;
  query: LiveQuery;
  /** Redacted from a runner's unexpected error. */
  secret: string;
}

/** How a fetch went, with the runner's own report (undefined when it threw). */
export type LiveFetch<R extends FetchReport = FetchReport> = FetchReport & { added: number; duplicates: number; report: R | undefined };

export type QueryOutcome = { ok: true; view: ResultView; ms: number } | { ok: false; error: QueryError };

/** Emits 'progress' (LoadStatus) while loading and 'loaded' when a load ends. */
export class SourceSet extends Emitter<{ progress: [LoadStatus]; loaded: [LoadStatus] }> {
  private events = new EventStore();
  readonly sources: SourceInfo[] = [];
  status: LoadStatus = { files: 0, filesTotal: 0, events: 0, done: true, cancelled: false };
  private abort: AbortController | undefined;
  private rawPaths: string[] | undefined;
  /**
   * Which source appended which rows, in row order: loads append one source at a time, so each run
   * of rows is one source's. Two sources may share a label (two folders named `logs`): rows are
   * told apart by the source itself, not by the `source` field's text.
   */
  private runs: Array<{ start: number; end: number; source: SourceInfo }> = [];

  /** `loaders` read files and buckets (session/nodeIo.ts under node). */
  constructor(private readonly loaders: SourceLoaders) {
    super();
  }

  get store(): EventStore {
    return this.events;
  }

  /**
   * Forgets every event (the sources stay listed), so a live query fetched again with another
   * filter shows what that filter fetched rather than a mix of both.
   */
  clearEvents(): void {
    if (this.loading) throw new Error('cannot clear the events while loading');
    this.events = new EventStore();
    this.rawPaths = undefined;
    this.runs = [];
    for (const s of this.sources) {
      s.report = undefined;
      s.live = undefined;
    }
    this.status = { files: 0, filesTotal: 0, events: 0, done: true, cancelled: false };
  }

  get loading(): boolean {
    return !this.status.done;
  }

  /** The source that added `row` (undefined for a row of no listed source). */
  sourceAt(row: number): SourceInfo | undefined {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.runs[mid]!;
      if (row < r.start) hi = mid - 1;
      else if (row >= r.end) lo = mid + 1;
      else return r.source;
    }
    return undefined;
  }

  /** Rows [start, store.size) came from `source`: extends its last run when it is the newest one. */
  private added(source: SourceInfo, start: number): void {
    const end = this.store.size;
    if (end <= start) return;
    const last = this.runs[this.runs.length - 1];
    if (last && last.source === source && last.end === start) last.end = end;
    else this.runs.push({ start, end, source });
  }

  /** Reads files and folders into the store; resolves when done or cancelled, never rejects on bad input. */
  async openPaths(paths: readonly string[], opts: { workers?: number } = {}): Promise<LoadReport[]> {
    const reports: LoadReport[] = [];
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.status = { files: 0, filesTotal: 0, events: this.store.size, done: false, cancelled: false };
    const started = performance.now();
    let filesBefore = 0;
    // Every path is listed before the first is read: a panel opened on two folders holds two
    // sources from its first state on (none of them "joined" it later).
    // Opening a path again (Refresh) reads what is new; what was loaded before comes back as duplicates.
    const listed = paths.map((p) => {
      const again = this.sources.find((x) => x.path === p);
      const source: SourceInfo = again ?? { label: this.loaders.label(p), path: p };
      if (!again) this.sources.push(source);
      return source;
    });
    for (const [i, p] of paths.entries()) {
      if (signal.aborted) break;
      const t0 = performance.now();
      const source = listed[i]!;
      const before = source.report;
      const firstRow = this.store.size;
      const report = await this.loaders.loadFiles([p], this.store, {
        signal,
        source: source.label,
        ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
        onProgress: (pr: LoadProgress) => {
          this.status = { ...this.status, files: filesBefore + pr.files, filesTotal: filesBefore + pr.filesTotal, events: this.store.size };
          this.emit('progress', this.status);
        },
      });
      this.added(source, firstRow);
      source.report = before
        ? { ...report, events: before.events + report.events, duplicates: before.duplicates + Math.max(0, report.duplicates - before.events) }
        : report;
      source.ms = Math.round(performance.now() - t0);
      reports.push(report);
      filesBefore = this.status.files;
      this.rawPaths = undefined;
    }
    this.status = { ...this.status, events: this.store.size, done: true, cancelled: signal.aborted, ms: Math.round(performance.now() - started) };
    this.abort = undefined;
    this.emit('loaded', this.status);
    return reports;
  }

  /**
   * Streams a trail bucket's log objects into the store (the same readers as local files). Like
   * openPaths: never rejects on bad input; what was read before a failure or a cancel stays.
   * `status.bytes` counts the compressed bytes downloaded for the progress line.
   */
  async openS3(session: S3TrailSession, selection: S3Selection, label: string, opts: { concurrency?: number } = {}): Promise<S3LoadReport> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const key = `s3://${selection.bucket}/${'prefixes' in selection ? selection.prefixes.join(',') : `${selection.prefix ?? ''}#${selection.account}/${selection.regions.join(',')}/${selection.from}..${selection.to}`}`;
    const source = this.sources.find((x) => x.path === key) ?? { label, path: key };
    if (!this.sources.includes(source)) this.sources.push(source);
    this.status = { files: 0, filesTotal: 0, events: this.store.size, done: false, cancelled: false };
    const started = performance.now();
    const firstRow = this.store.size;
    const report = await this.loaders.loadS3(session, selection, this.store, {
      signal,
      source: label,
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      onProgress: (pr) => {
        this.status = { ...this.status, files: pr.files, filesTotal: pr.filesTotal, events: this.store.size, bytes: pr.bytes, bytesTotal: pr.bytesTotal };
        this.emit('progress', this.status);
      },
    });
    this.added(source, firstRow);
    source.report = report;
    source.ms = Math.round(performance.now() - started);
    this.rawPaths = undefined;
    this.status = { ...this.status, events: this.store.size, done: true, cancelled: signal.aborted, ms: source.ms };
    this.abort = undefined;
    this.emit('loaded', this.status);
    return report;
  }

  /**
   * Fetches from a live source into the store, page by page (the panel shows the first page while
   * the rest arrive). Never rejects on API errors: the report says how it ended, and everything
   * fetched before an error stays. `report` is the runner's own (undefined when it threw).
   */
  async fetchFrom<R extends FetchReport>(target: LiveTarget, run: LiveRunner<R>): Promise<LiveFetch<R>> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const source = this.sources.find((x) => x.path === target.key) ?? { label: target.label, path: target.key };
    if (!this.sources.includes(source)) this.sources.push(source);
    source.liveQuery = { provider: target.provider, accountId: target.accountId, query: target.query, fetching: true };
    this.status = { files: 0, filesTotal: 0, events: this.store.size, done: false, cancelled: false };
    const started = performance.now();
    let added = 0;
    let duplicates = 0;
    let report: FetchReport;
    let own: R | undefined;
    try {
      own = await run(
        {
          onBatch: (batch, progress) => {
            const firstRow = this.store.size;
            const r = this.store.appendBatch(batch);
            this.added(source, firstRow);
            added += r.added;
            duplicates += r.duplicates;
            this.status = { ...this.status, files: progress.pages, events: this.store.size };
            this.emit('progress', this.status);
          },
        },
        signal,
      );
      report = own;
    } catch (e) {
      // Providers report API failures in the report; anything else is a bug, but what was fetched stays.
      report = {
        pages: this.status.files,
        events: added,
        pushDown: { sentToApi: [], localFilter: target.query.filter },
        cancelled: signal.aborted,
        stoppedBy: new ApiError({ kind: 'network', provider: target.provider, url: '', message: redact(e instanceof Error ? e.message : String(e), [target.secret]) }),
      };
    }
    const live = { ...report, added, duplicates };
    source.live = live;
    source.liveQuery.fetching = false;
    source.ms = Math.round(performance.now() - started);
    this.rawPaths = undefined;
    this.status = { ...this.status, events: this.store.size, done: true, cancelled: report.cancelled, ms: source.ms };
    this.abort = undefined;
    this.emit('loaded', this.status);
    return { ...live, report: own };
  }

  /** An API account's fetch (the CLI's; the panel session goes through fetchFrom with its registry's key). */
  fetchLive(provider: LiveProvider, account: AccountConfig, secret: string, query: LiveQuery): Promise<LiveFetch> {
    const source: ApiSource = { kind: 'api', provider, account, secret, query };
    return this.fetchFrom({ key: liveSourceKey(source), label: account.label, provider: provider.displayName, accountId: account.id, query, secret }, apiRunner(source));
  }

  cancel(): void {
    this.abort?.abort();
  }

  problems(): Problem[] {
    const out: Problem[] = [];
    for (const s of this.sources) {
      if (s.live?.stoppedBy) out.push({ path: s.label, message: s.live.stoppedBy.message });
      for (const p of s.live?.problems ?? []) out.push({ path: s.label, message: p });
      for (const e of s.report?.errors ?? []) {
        out.push(e.position ? { path: e.path, message: e.message, line: e.position.line, column: e.position.column } : { path: e.path, message: e.message });
      }
    }
    return out;
  }

  /** The filter plus the timeline's range, run over the store. */
  query(q: RunQuery): QueryOutcome {
    let node: QueryNode;
    try {
      node = parseQuery(q.filter, q.now);
    } catch (e) {
      if (e instanceof QueryError) return { ok: false, error: e };
      throw e;
    }
    const bounds: QueryNode[] = [];
    if (q.timeRange?.from !== undefined) bounds.push({ type: 'time', op: '>=', ms: q.timeRange.from, span: { start: 0, end: 0 } });
    if (q.timeRange?.to !== undefined) bounds.push({ type: 'time', op: '<=', ms: q.timeRange.to, span: { start: 0, end: 0 } });
    if (bounds.length > 0) node = { type: 'and', children: node.type === 'all' ? bounds : [node, ...bounds] };
    const t0 = performance.now();
    const view = this.store.query(node, { sort: q.sort });
    return { ok: true, view, ms: performance.now() - t0 };
  }

  /**
   * Fields a user can add as columns: the normalized ones, the raw paths extracted at load, then
   * every other leaf path seen in a sample of the events (every event of a small store; runs of
   * neighbours spread over a big one, columnSample.ts, so rare fields of a few events still show up
   * when they are among the sampled).
   */
  availableColumns(sample = 2000): string[] {
    this.readColumnSample(sample);
    return this.columnsKnown();
  }

  /**
   * The column list without reading the sample: the normalized and derived fields and the raw paths
   * extracted at load, plus the sampled paths once availableColumns() has read them.
   */
  columnsKnown(): string[] {
    const raw = this.rawPaths ?? EXTRACTED_PATHS.filter((p) => !isNormalizedField(p)).sort();
    return [...NORMALIZED_FIELDS, ...this.store.derivedFields.map((f) => f.name), ...raw];
  }

  private readColumnSample(sample: number): void {
    if (!this.rawPaths) {
      const seen = new Set<string>(EXTRACTED_PATHS);
      const rows = columnSampleRows(this.store.size, sample);
      const text = new TextDecoder();
      let bytes: Array<Uint8Array | undefined>;
      try {
        // One call reads them in storage order: every block inflated once.
        bytes = this.store.rawBytesOf(rows);
      } catch {
        // A block that does not inflate: read the rest one by one, without it.
        bytes = Array.from(rows, (row) => {
          try {
            return this.store.rawBytes(row);
          } catch {
            return undefined;
          }
        });
      }
      for (const b of bytes) {
        if (seen.size >= 5000) break;
        if (b === undefined) continue;
        try {
          collectPaths(JSON.parse(text.decode(b)), '', seen, 0);
        } catch {
          // an event whose raw bytes do not parse has nothing to offer here
        }
      }
      this.rawPaths = [...seen].filter((p) => !isNormalizedField(p)).sort();
    }
  }
}

function collectPaths(v: unknown, prefix: string, out: Set<string>, depth: number): void {
  if (depth > 8 || v === null || typeof v !== 'object') {
    if (prefix) out.add(prefix);
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v.slice(0, 5)) collectPaths(item, prefix, out, depth + 1);
    return;
  }
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) collectPaths(child, prefix ? `${prefix}.${k}` : k, out, depth + 1);
}
