// Conformity API client: base URL per region, `Authorization: ApiKey <key>`, 1 request/second per
// key, 30 s timeout, `GET /events` paging and filters, `GET /accounts`.
// Sources: cloudconformity/documentation-api (README.md, Events.md, Accounts.md), trendmicro
// conformity-migration-tool config.yml and terraform-provider-conformity (see API-NOTES.md §1).
// providers/ never imports vscode.
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { HttpClient, type ApiRequest, type Query } from '../../core/http';
import { RateLimiter } from '../../core/rateLimit';
import { ConformityAccountsPage, ConformityEventsPage } from './schema';

/**
 * Base URL choice:
 * - A Cloud One region code (`us-1`, `in-1`, `gb-1`, `jp-1`, `de-1`, `au-1`, `ca-1`, `sg-1`, the
 *   valid regions of the Terraform provider) → `https://conformity.{region}.cloudone.trendmicro.com/api`.
 * - An AWS-style region that the legacy standalone service documents (README: eu-west-1,
 *   ap-southeast-2, us-west-2; the migration tool adds ca-central-1, ap-southeast-1, ap-northeast-1,
 *   eu-central-1, eu-west-2, ap-south-1) → `https://{region}-api.cloudconformity.com/v1`.
 * - No region → legacy us-west-2 (the docs: "Accounts created in US-1 should use us-west-2").
 * Which host is canonical today is UNVERIFIED (the TF provider now also builds
 * `conformity.{region}.cloudconformity.com/api`), so `AccountConfig.endpoint` always wins.
 */
export const LEGACY_REGIONS = [
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ap-south-1',
  'ca-central-1',
] as const;
export const CLOUD_ONE_REGIONS = ['us-1', 'in-1', 'gb-1', 'jp-1', 'de-1', 'au-1', 'ca-1', 'sg-1'] as const;
export const DEFAULT_REGION = 'us-west-2';

export function conformityBaseUrl(region: string | undefined, endpoint?: string): string {
  if (endpoint && endpoint.trim()) return endpoint.trim();
  const r = (region ?? '').trim().toLowerCase() || DEFAULT_REGION;
  if ((CLOUD_ONE_REGIONS as readonly string[]).includes(r)) return `https://conformity.${r}.cloudone.trendmicro.com/api`;
  if ((LEGACY_REGIONS as readonly string[]).includes(r)) return `https://${r}-api.cloudconformity.com/v1`;
  throw new Error(
    `Unknown Conformity region "${region}". Use a Cloud One region (${CLOUD_ONE_REGIONS.join(', ')}), ` +
      `a legacy region (${LEGACY_REGIONS.join(', ')}) or set the account's base URL.`,
  );
}

/** Largest `page[size]` the API accepts (Events.md). */
export const MAX_PAGE_SIZE = 1000;

/** Every documented `GET /events` filter. Lists are sent comma-separated. */
export interface EventsFilter {
  accountIds?: readonly string[];
  aws?: boolean;
  azure?: boolean;
  gcp?: boolean;
  cc?: boolean;
  regions?: readonly string[];
  services?: readonly string[];
  userIds?: readonly string[];
  /** Supports `*` and `?`. */
  name?: string;
  identities?: readonly string[];
  /** Epoch ms. */
  since?: number;
  until?: number;
}

/** The query parameters for one page (page number 0-based). */
export function eventsQuery(filter: EventsFilter, pageNumber: number, pageSize: number): Query {
  const list = (v: readonly string[] | undefined) => (v && v.length ? v.join(',') : undefined);
  const flag = (v: boolean | undefined) => (v === undefined ? undefined : v ? 'true' : 'false');
  return {
    accountIds: list(filter.accountIds),
    aws: flag(filter.aws),
    azure: flag(filter.azure),
    gcp: flag(filter.gcp),
    cc: flag(filter.cc),
    'filter[regions]': list(filter.regions),
    'filter[services]': list(filter.services),
    'filter[userIds]': list(filter.userIds),
    'filter[name]': filter.name || undefined,
    'filter[identities]': list(filter.identities),
    'filter[since]': filter.since === undefined ? undefined : Math.floor(filter.since),
    'filter[until]': filter.until === undefined ? undefined : Math.floor(filter.until),
    'page[size]': pageSize,
    'page[number]': pageNumber,
  };
}

export interface ConformityClientOptions {
  apiKey: string;
  baseUrl: string;
  /** Human label of the account for messages. */
  account?: string;
  /** Defaults to one shared limiter per key at 1 request/second. */
  limiter?: RateLimiter;
  timeouts?: { connectMs?: number; readMs?: number; totalMs?: number };
  retries?: { max?: number; baseMs?: number; maxMs?: number; maxRetryAfterMs?: number };
  dispatcher?: Dispatcher;
  log?: (line: string) => void;
}

const limiters = new Map<string, RateLimiter>();

/** One limiter per API key (keyed by a hash, so the key itself is not kept here), 1 request/second. */
export function limiterForKey(apiKey: string): RateLimiter {
  const id = createHash('sha256').update(apiKey).digest('hex');
  let l = limiters.get(id);
  if (!l) {
    l = new RateLimiter({ perSecond: 1, burst: 1 });
    limiters.set(id, l);
  }
  return l;
}

export class ConformityClient {
  readonly http: HttpClient;

  constructor(opts: ConformityClientOptions) {
    const key = opts.apiKey;
    this.http = new HttpClient({
      provider: 'Conformity',
      account: opts.account,
      baseUrl: opts.baseUrl,
      secrets: [key],
      authorize: () => ({ authorization: `ApiKey ${key}`, 'content-type': 'application/vnd.api+json' }),
      limiter: opts.limiter ?? limiterForKey(key),
      // The API has a hard 30 s timeout (README), so waiting longer is pointless.
      timeouts: { connectMs: opts.timeouts?.connectMs ?? 10_000, readMs: opts.timeouts?.readMs ?? 30_000, totalMs: opts.timeouts?.totalMs },
      retries: opts.retries,
      dispatcher: opts.dispatcher,
      log: opts.log,
    });
  }

  /** Pages of events, `page[number]` from 0 until `meta["total-pages"]` or an empty `data`. */
  listEvents(
    filter: EventsFilter,
    options: { pageSize?: number; maxPages?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<ConformityEventsPage, void, undefined> {
    const want = options.pageSize !== undefined && Number.isFinite(options.pageSize) ? Math.floor(options.pageSize) : MAX_PAGE_SIZE;
    const size = Math.max(1, Math.min(MAX_PAGE_SIZE, want));
    const request = (n: number): ApiRequest => ({ method: 'GET', path: 'events', query: eventsQuery(filter, n, size) });
    let number = 0;
    return this.http.paginate(
      request(0),
      ConformityEventsPage,
      (page) => {
        if (page.data.length === 0) return undefined;
        const total = page.meta?.['total-pages'];
        if (total !== undefined ? number + 1 >= total : page.data.length < size) return undefined;
        number++;
        return request(number);
      },
      { signal: options.signal, maxPages: options.maxPages },
    );
  }

  /** `GET /accounts` (takes no parameters). */
  listAccounts(signal?: AbortSignal): Promise<ConformityAccountsPage> {
    return this.http.getJson('accounts', undefined, ConformityAccountsPage, { signal });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
