/**
 * The one registry of a panel's live sources with their credentials, and what fetches into the
 * panel from them: a fetch, the API's own counts after it, and fetching them all again with a new
 * filter. Keys are liveSourceKey (the SourceSet lists each under the same key).
 */
import * as l10n from '@vscode/l10n';
import { parseQuery } from '../core/query';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery } from '../providers/provider';
import type { LakeReport } from '../providers/awsCloudtrail/index';
import type { AthenaReport } from '../providers/athena/index';
import type { LiveSummary, RefetchParams, ServerAggregateDto } from '../protocol';
import { abortWith } from './abortLink';
import { apiMessage, serverDto, type LiveExtras } from './liveDtos';
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
import type { SourceSet } from './sourceSet';
import type { TickProgress } from './tickProgress';
import { fmt } from './display';

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

export interface LiveFetcherHost {
  host: Pick<SessionHost, 'log' | 'ui'>;
  sources: SourceSet;
  ticks: TickProgress;
  /** Cancels what the session still asks the APIs outside a fetch. */
  apiCalls: AbortSignal;
  /** A fetch shows its filter in the bar; a refetch makes the next rerun use the new filter. */
  setFilter(filter: string): void;
  refilter(p: RefetchParams): void;
  pushState(): void;
  retitle(): void;
}

export class LiveFetcher {
  private readonly live = new Map<LiveSourceKey, Registered>();

  constructor(private readonly d: LiveFetcherHost) {}

  get size(): number {
    return this.live.size;
  }

  keys(): IterableIterator<LiveSourceKey> {
    return this.live.keys();
  }

  has(key: string): boolean {
    return this.live.has(key as LiveSourceKey);
  }

  /** The secrets of the live sources, for redacting anything said about them. */
  get secrets(): string[] {
    return [...this.live.values()].map((l) => l.source.secret);
  }

  /** The API account under a key (Lake and Athena have no actions). */
  apiSource(key: string): ApiSource | undefined {
    const source = this.live.get(key as LiveSourceKey)?.source;
    return source?.kind === 'api' ? source : undefined;
  }

  /** The API account a row was fetched from: its provider, and the account label it was put under. */
  apiSourceOf(row: number): ApiSource | undefined {
    const store = this.d.sources.store;
    if (this.live.size === 0 || row >= store.size) return undefined;
    const provider = store.value(row, 'provider');
    const label = store.value(row, 'source');
    for (const { source } of this.live.values()) if (source.kind === 'api' && source.provider.id === provider && source.account.label === label) return source;
    return undefined;
  }

  /** What the live strip shows of a source beyond its SourceSet entry; undefined for one not registered. */
  stateOf(key: string): LiveExtras | undefined {
    const reg = this.live.get(key as LiveSourceKey);
    return (
      reg && {
        refetchable: refetchable(reg.source),
        actions: reg.source.kind === 'api' ? (reg.source.provider.queryActions ?? []).map((a) => ({ id: a.id, title: a.title })) : [],
        ...(reg.server ? { server: reg.server } : {}),
        ...(reg.serverError ? { serverError: reg.serverError } : {}),
      }
    );
  }

  /**
   * Fetches an API account into this panel. The whole filter also applies here, so what the API
   * could not filter on is still filtered.
   */
  async fetchApi(provider: LiveProvider, account: AccountConfig, secret: string, query: LiveQuery): Promise<LiveResult> {
    const source: ApiSource = { kind: 'api', provider, account, secret, query };
    return (await this.fetchSource(source, apiRunner(source))).result;
  }

  /** Runs a CloudTrail Lake query into this panel; its report says the query id and the bytes scanned. */
  fetchLake(source: Omit<LakeSource, 'kind'>): Promise<{ result: LiveResult; report: LakeReport | undefined }> {
    const lake: LakeSource = { ...source, kind: 'lake' };
    return this.fetchSource(lake, lakeRunner(lake));
  }

  /** Runs Athena SQL into this panel; its report says the execution id, the state and the data scanned. */
  fetchAthena(source: Omit<AthenaSource, 'kind'>): Promise<{ result: LiveResult; report: AthenaReport | undefined }> {
    const athena: AthenaSource = { ...source, kind: 'athena' };
    return this.fetchSource(athena, athenaRunner(athena));
  }

  /**
   * Fetches the live sources again with the filter now in the bar: the API gets what it can filter
   * on, the panel applies the rest. A panel of live sources only starts from empty so the result is
   * what this filter fetched; next to files, fetched events add up (deduplicated).
   */
  async refetch(params: RefetchParams): Promise<void> {
    const { host, sources } = this.d;
    if (sources.loading) {
      host.ui.info(l10n.t('Audit Logs: still fetching; cancel it or wait before fetching again.'));
      return;
    }
    if (this.live.size === 0) return;
    try {
      parseQuery(params.filter);
    } catch {
      return; // the query that went with this shows the error under the filter bar
    }
    if (sources.sources.every((s) => this.has(s.path))) sources.clearEvents();
    this.d.refilter(params);
    for (const { source } of [...this.live.values()]) {
      const query: LiveQuery = { ...source.query, filter: params.filter };
      // The timeline's range narrows (or moves) the fetch; otherwise the original range stays.
      if (params.timeRange?.from !== undefined) query.from = params.timeRange.from;
      if (params.timeRange?.to !== undefined) query.to = params.timeRange.to;
      const again: LiveSource = { ...source, query };
      await this.fetchSource(again, runnerOf(again));
    }
  }

  private async fetchSource<R extends FetchReport>(source: LiveSource, run: LiveRunner<R>): Promise<{ result: LiveResult; report: R | undefined }> {
    const { host, sources } = this.d;
    this.d.setFilter(source.query.filter);
    const key = liveSourceKey(source);
    // The counts of the previous query would pass for this one's: they go until the new ones come.
    this.live.get(key)?.aggregating?.abort();
    const reg: Registered = { source };
    this.live.set(key, reg);
    this.d.retitle();
    const name = liveSourceName(source);
    const live = await this.d.ticks.run(
      l10n.t('Querying {0}', source.account.label),
      (s, report) => report({ message: s.files === 1 ? l10n.t('1 page') : l10n.t('{0} pages', fmt(s.files)) }),
      () => {
        const fetching = sources.fetchFrom({ key, label: source.account.label, provider: name, accountId: source.account.id, query: source.query, secret: source.secret }, run);
        this.d.pushState(); // the live strip shows the fetch under way at once
        return fetching;
      },
    );
    const sent = live.pushDown.sentToApi.length ? live.pushDown.sentToApi.join(', ') : 'nothing';
    host.log.info(`${name} "${source.account.label}": ${live.pages} pages, ${live.added} events; sent to the API: ${sent}; applied here: ${live.pushDown.localFilter || 'nothing more'}`);
    if (live.stoppedBy) {
      host.ui.warn(
        live.pages === 1
          ? l10n.t('Audit Logs: stopped after 1 page because {0} The {1} events fetched are shown.', live.stoppedBy.message, fmt(live.added))
          : l10n.t('Audit Logs: stopped after {0} pages because {1} The {2} events fetched are shown.', live.pages, live.stoppedBy.message, fmt(live.added)),
      );
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
    const { abort, unlink } = abortWith(this.d.apiCalls);
    reg.aggregating = abort;
    try {
      const agg = await provider.aggregate(source.account, source.secret, source.query, abort.signal);
      if (abort.signal.aborted) return;
      reg.server = serverDto(agg);
    } catch (e) {
      if (abort.signal.aborted) return;
      reg.serverError = apiMessage(e, [source.secret]);
      this.d.host.log.warn(`${provider.displayName} "${source.account.label}": no counts from the API: ${reg.serverError}`);
    } finally {
      unlink();
      if (reg.aggregating === abort) reg.aggregating = undefined;
    }
    this.d.pushState();
  }
}
