/**
 * What every live audit source implements, and what the UI and the CLI need to know about it.
 * A new source is one folder under providers/ (with its descriptor.ts) and one line in the registry
 * (providers/registry.ts).
 */
import type { ApiError } from '../core/errors';
import type { EventBatch } from '../core/batch';

/** Non-secret account settings (kept in global state / given on the command line). */
export interface AccountConfig {
  /** Stable id of the account entry (not a cloud account id). */
  id: string;
  /** A ProviderDescriptor's id. */
  provider: string;
  label: string;
  /** Base URL override (proxies, tests); otherwise derived from region/zone. */
  endpoint?: string;
  /** Region or zone, where the provider has them. */
  region?: string;
  /** Organization / account / scope id the API is called for (cpln org, CF account, …). */
  scope?: string;
}

export interface LiveQuery {
  /** Epoch ms; the provider's default window applies when missing. */
  from?: number;
  to?: number;
  /** The filter language text; what the API can filter on is pushed down, the rest applies locally. */
  filter: string;
  maxPages?: number;
  /** Provider-specific extra parameters (documented per provider), e.g. Conformity accountIds. */
  params?: Record<string, string>;
}

/** Which parts of the filter the API applied and which must still be applied locally. */
export interface PushDown {
  /** Human-readable, e.g. ["time range", "name: Delete*"]. */
  sentToApi: string[];
  /** The filter text still to apply over the fetched events ('' when the API did it all). */
  localFilter: string;
}

export interface FetchProgress {
  pages: number;
  events: number;
}

export interface FetchReport {
  pages: number;
  events: number;
  pushDown: PushDown;
  /** Set when fetching stopped early: what was fetched before it stays. */
  stoppedBy?: ApiError;
  /** Things the API sent that could not be shown (a record that does not parse, …), one line each. */
  problems?: string[];
  cancelled: boolean;
}

/** Something inside an account a query can be limited to (a Conformity cloud account, …). */
export interface Scope {
  id: string;
  label: string;
  description?: string;
  /** LiveQuery.params that limit a query to this scope. */
  params: Record<string, string>;
}

/** One more view of an event from its API, shown in the detail pane (read by id, raw data, relations). */
export interface DetailSection {
  title: string;
  /** The API's answer, parsed; shown as JSON text. */
  json: unknown;
}

/** Counts over everything the API holds for a query, not only the pages fetched. */
export interface ServerAggregate {
  /** What the counts cover, said plainly ("all events in the chosen datasets, 2026-11-01 to 2026-11-23"). */
  note: string;
  total?: number;
  /** By normalized field name (action, actor, region, service, account, …), most frequent first. */
  facets: Record<string, Array<{ value: string; count: number }>>;
  /** Day (or coarser) buckets, oldest first; epoch ms at the start of each bucket. */
  histogram?: { bucketMs: number; buckets: Array<{ time: number; count: number }> };
}

/** A change a provider can make to one event (tag it, …); the UI confirms before it runs. */
export interface EventAction {
  id: string;
  title: string;
  /** When set, the UI asks for one line of input first (e.g. the tags to add). */
  input?: { prompt: string; placeholder?: string };
  /** The confirmation question; `{input}` is replaced by what was typed. */
  confirm: string;
  run(account: AccountConfig, secret: string, event: { id: string; raw: unknown }, input: string, signal?: AbortSignal): Promise<string>;
}

/** A change a provider can make from a query (save it on the server, …); confirmed like EventAction. */
export interface QueryAction {
  id: string;
  title: string;
  input?: { prompt: string; placeholder?: string };
  confirm: string;
  run(account: AccountConfig, secret: string, query: LiveQuery, input: string, signal?: AbortSignal): Promise<string>;
}

export interface LiveProvider {
  readonly id: string;
  readonly displayName: string;
  /** What the key can see, listed under the account in the Sources tree. */
  listScopes?(account: AccountConfig, secret: string, signal?: AbortSignal): Promise<Scope[]>;
  /** One cheap call that proves the secret works for this account (before it is saved). */
  validate(account: AccountConfig, secret: string, signal?: AbortSignal): Promise<string>;
  /** Pages of events as batches, in order; the report tells how it ended. */
  fetch(
    account: AccountConfig,
    secret: string,
    query: LiveQuery,
    sink: { onBatch(batch: EventBatch, progress: FetchProgress): void },
    signal?: AbortSignal,
  ): Promise<FetchReport>;
  /** More of one fetched event from the API, for the detail pane. */
  expandEvent?(account: AccountConfig, secret: string, event: { id: string; raw: unknown }, signal?: AbortSignal): Promise<DetailSection[]>;
  /** Server-side counts for the query (histogram, facets) when the API can aggregate. */
  aggregate?(account: AccountConfig, secret: string, query: LiveQuery, signal?: AbortSignal): Promise<ServerAggregate>;
  readonly eventActions?: readonly EventAction[];
  /**
   * The query is fixed (Lake or Athena SQL): a new filter in the panel only filters what was
   * fetched, so the panel does not offer to fetch again with it (that would rerun, and pay for, the SQL).
   */
  readonly fixedQuery?: boolean;
  readonly queryActions?: readonly QueryAction[];
}
