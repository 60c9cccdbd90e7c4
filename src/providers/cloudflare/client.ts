// HTTP client for Cloudflare Cloudforce One threat events (API-NOTES §3; seed
// cloudflare-cloudforce-one-events.txt): base `https://api.cloudflare.com/client/v4`,
// `Authorization: Bearer <API token>`, paths under `/accounts/{account_id}/cloudforce-one/events`,
// the v4 envelope (envelope.ts), list paging by `page` or by `result_info.cursor`, and the read
// endpoints. Writes are in writes.ts, the panel's aggregates in aggregate.ts.
// providers/ never imports vscode.
//
// Search encoding: a list with `search` conditions goes as `POST .../events` with a JSON body
// (documented as post_EventList [CFOAS]; the body holds `search` as "a JSON array"), because how
// the GET variant wants an array of objects in the query string is UNVERIFIED (the SDK's qs
// `allowDots`+`repeat` cannot round-trip an array of objects; another client sends JSON). A list
// without conditions stays a GET, the SDK's own method. Both are retried on 5xx (the POST is marked
// idempotent: it only reads). `listMethod` overrides this ('get' sends `search` JSON-encoded).
import type { Dispatcher } from 'undici';
import { z, type ZodType } from 'zod';
import { ApiError, isApiError } from '../../core/errors';
import { HttpClient, type ApiRequest, type CallOptions, type HttpClientOptions, type Query, type ResponseInfo } from '../../core/http';
import { RateLimiter } from '../../core/rateLimit';
import { describeCfStatus, errorDetail, PROVIDER_NAME, unwrap, withMessage, type Unwrapped } from './envelope';
import { CfAggregateResult, CfDatasetList, CfEventList, CfRawEvent, CfThreatEvent, type CfDataset, type CfResultInfo } from './schema';

export { PROVIDER_NAME } from './envelope';

export const CF_API_BASE = 'https://api.cloudflare.com/client/v4';
/** The list's largest `pageSize` [CFTS ThreatEventListParams]. */
export const MAX_PAGE_SIZE = 25_000;
export const DEFAULT_PAGE_SIZE = 1000;
/** Page-numbered paging reaches only the first 100,000 records; the cursor goes further [CFOAS]. */
export const OFFSET_LIMIT = 100_000;
/**
 * 1200 requests / 5 min per user, shared with the dashboard and every other token of the user, and
 * going over blocks the user for 5 minutes (API-NOTES §3): 2/s is half of that budget.
 */
export const DEFAULT_RATE_PER_SECOND = 2;
/** `search` takes at most 10 conditions, AND-ed [CFOAS]. */
export const MAX_SEARCH_CONDITIONS = 10;

/** The `search[].field` values [CFOAS]. */
export const SEARCH_FIELDS = [
  'attacker',
  'attackerCountry',
  'category',
  'createdAt',
  'date',
  'event',
  'indicator',
  'indicatorType',
  'killChain',
  'hasChildren',
  'mitreAttack',
  'mitreCapec',
  'tags',
  'targetCountry',
  'targetIndustry',
  'tlp',
  'uuid',
] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** The `search[].op` values [CFOAS]. */
export const SEARCH_OPS = ['equals', 'not', 'gt', 'gte', 'lt', 'lte', 'like', 'contains', 'startsWith', 'endsWith', 'find', 'in'] as const;
export type SearchOp = (typeof SEARCH_OPS)[number];

export interface SearchCondition {
  field: SearchField;
  op: SearchOp;
  /** 1–512 characters; an array of at most 100 for `in`. */
  value: string | number | (string | number)[];
}

/** Every documented list parameter [CFTS ThreatEventListParams; CFOAS]. */
export interface ListParams {
  /** 1-based. */
  page?: number;
  pageSize?: number;
  /** From `result_info.cursor`; carries the filters, so only `cursor` and `pageSize` go with it. */
  cursor?: string;
  orderBy?: string;
  order?: 'asc' | 'desc';
  /** Dataset UUIDs, or one of `all`/`*`, `analytics`, `operational`. */
  datasetId?: readonly string[];
  forceRefresh?: boolean;
  /** Only `json` is parsed here (`stix2`/`taxii` are other formats). */
  format?: 'json';
  cache?: 'from-graph';
  search?: readonly SearchCondition[];
  /** OR-branches, each a list of AND-ed conditions (max 8 × 10): JSON-encoded in the GET query, an array in the POST body. */
  searchBranches?: readonly (readonly SearchCondition[])[];
}

export type ListMethod = 'auto' | 'get' | 'post';

/** The secret without a leading `Bearer ` and surrounding whitespace. */
export function bareToken(secret: string): string {
  return secret.trim().replace(/^bearer\s+/i, '').trim();
}

export function authorizationHeader(secret: string): string {
  return `Bearer ${bareToken(secret)}`;
}

export interface CfClientOptions {
  /** The Cloudflare account id (AccountConfig.scope). */
  accountId: string;
  secret: string;
  /** Base URL override (AccountConfig.endpoint); default https://api.cloudflare.com/client/v4. */
  endpoint?: string;
  /** Account label for messages. */
  account?: string;
  limiter?: RateLimiter;
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  timeouts?: HttpClientOptions['timeouts'];
  retries?: HttpClientOptions['retries'];
  listMethod?: ListMethod;
}

/** An HTTP client bound to one account, for the functions below. */
export interface CfApi {
  readonly http: HttpClient;
  readonly accountId: string;
  readonly listMethod: ListMethod;
  /** The Cloudflare errors of the last 429, which HttpClient's own message leaves out. */
  readonly lastRateLimitDetail?: string;
  close(): Promise<void>;
}

export function createCloudflareApi(opts: CfClientOptions): CfApi {
  const accountId = (opts.accountId ?? '').trim();
  if (!accountId) {
    throw new ApiError({
      kind: 'bad-request',
      provider: PROVIDER_NAME,
      url: '',
      message: 'No Cloudflare account id is set for this account: add the account id (32 hex characters, on the dashboard’s account overview).',
    });
  }
  const token = bareToken(opts.secret);
  const header = authorizationHeader(opts.secret);
  const who = { account: opts.account || accountId, accountId };
  // Only describeError sees the body of a 429; kept so explainError can add Cloudflare's words.
  const state: { lastRateLimitDetail?: string } = {};
  const http = new HttpClient({
    provider: PROVIDER_NAME,
    account: who.account,
    baseUrl: opts.endpoint && opts.endpoint.trim() ? opts.endpoint.trim() : CF_API_BASE,
    secrets: [opts.secret, token, header],
    authorize: () => ({ authorization: header }),
    limiter: opts.limiter ?? new RateLimiter({ perSecond: DEFAULT_RATE_PER_SECOND, burst: 4 }),
    log: opts.log,
    dispatcher: opts.dispatcher,
    timeouts: opts.timeouts,
    retries: opts.retries,
    userAgent: 'audit-log-explorer',
    describeError: (status, body) => {
      if (status === 429) state.lastRateLimitDetail = errorDetail(body);
      return describeCfStatus(status, body, who);
    },
  });
  const api: CfApi = {
    http,
    accountId,
    listMethod: opts.listMethod ?? 'auto',
    get lastRateLimitDetail() {
      return state.lastRateLimitDetail;
    },
    close: () => http.close(),
  };
  return api;
}

/** `accounts/{id}/cloudforce-one/events` + `sub` (path segments already encoded), relative to the base. */
export function eventsPath(accountId: string, sub = ''): string {
  return `accounts/${encodeURIComponent(accountId)}/cloudforce-one/events${sub}`;
}

const seg = (s: string | number): string => encodeURIComponent(String(s));
export { seg as pathSegment };

/** Adds what Cloudflare says about its rate limit to HttpClient's 429 message. */
export function explainError(api: CfApi, e: unknown): unknown {
  if (!isApiError(e) || e.kind !== 'rate-limited') return e;
  const detail = api.lastRateLimitDetail ? ` (${api.lastRateLimitDetail})` : '';
  return withMessage(
    e,
    api.http.redact(`${e.message} Cloudflare allows 1200 API requests per 5 minutes per user and blocks further calls for 5 minutes once that is used up${detail}.`),
  );
}

/** One request, envelope unwrapped and `result` validated. */
export async function call<T>(api: CfApi, req: ApiRequest, schema: ZodType<T>, what: string, opts: CallOptions = {}): Promise<Unwrapped<T> & { info: ResponseInfo }> {
  let got: { data: unknown; info: ResponseInfo };
  try {
    got = await api.http.requestJson(req, z.unknown(), opts);
  } catch (e) {
    throw explainError(api, e);
  }
  const { data, info } = got;
  return { ...unwrap(data, schema, { url: info.url, what, status: info.status, requestId: info.requestId, page: info.page, redact: (t) => api.http.redact(t) }), info };
}

function flag(v: boolean | undefined): string | undefined {
  return v === undefined ? undefined : v ? 'true' : 'false';
}

function compactBody(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}

/** The request for one list page. */
export function listRequest(accountId: string, params: ListParams, method: ListMethod = 'auto'): ApiRequest {
  const hasSearch = (params.search?.length ?? 0) > 0;
  const post = method === 'post' || (method === 'auto' && hasSearch);
  const branches = params.searchBranches && params.searchBranches.length ? JSON.stringify(params.searchBranches) : undefined;
  const path = eventsPath(accountId);
  if (post) {
    // post_EventList declares only forceRefresh, format and cache in the query; `searchBranches` is a
    // body property there (an array of condition arrays), JSON-encoded only on the GET.
    const query: Query = { forceRefresh: flag(params.forceRefresh), format: params.format, cache: params.cache };
    const body = compactBody({
      page: params.page,
      pageSize: params.pageSize,
      cursor: params.cursor,
      orderBy: params.orderBy,
      order: params.order,
      datasetId: params.datasetId ? [...params.datasetId] : undefined,
      search: params.search ? [...params.search] : undefined,
      searchBranches: params.searchBranches?.length ? params.searchBranches.map((b) => [...b]) : undefined,
    });
    // A search only reads: retried on 5xx and network errors like the GET it stands for.
    return { method: 'POST', path, query, body, idempotent: true };
  }
  const query: Query = {
    page: params.page,
    pageSize: params.pageSize,
    cursor: params.cursor,
    orderBy: params.orderBy,
    order: params.order,
    // Repeated `datasetId=a&datasetId=b`, as the SDK's qs `arrayFormat: 'repeat'` sends it.
    datasetId: params.datasetId && params.datasetId.length ? [...params.datasetId] : undefined,
    forceRefresh: flag(params.forceRefresh),
    format: params.format,
    cache: params.cache,
    search: hasSearch ? JSON.stringify(params.search) : undefined,
    searchBranches: branches,
  };
  return { method: 'GET', path, query };
}

export type PageEnd = 'more' | 'end' | 'offset-limit';

/**
 * The parameters of the page after one that returned `got` items: the cursor when Cloudflare sent
 * one (it carries the filters), else the next page number until a short or empty page, or until
 * the 100,000-record offset limit.
 */
export function nextListParams(current: ListParams, got: number, cursor: string | null | undefined): { end: PageEnd; next?: ListParams } {
  if (got === 0) return { end: 'end' };
  // A cursor that repeats is sent again on purpose: HttpClient's loop guard then stops with a
  // paging-loop error instead of a silent end.
  if (cursor) {
    return { end: 'more', next: compactParams({ cursor, pageSize: current.pageSize, format: current.format }) };
  }
  if (current.cursor) return { end: 'end' };
  const size = current.pageSize ?? got;
  if (got < size) return { end: 'end' };
  const page = (current.page ?? 1) + 1;
  if ((page - 1) * size >= OFFSET_LIMIT) return { end: 'offset-limit' };
  return { end: 'more', next: { ...current, page } };
}

function compactParams(p: ListParams): ListParams {
  const out: ListParams = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export interface EventPage {
  /** Items exactly as received; check each with CfThreatEvent. */
  items: unknown[];
  resultInfo?: CfResultInfo;
  /** 1-based. */
  page: number;
  params: ListParams;
  end: PageEnd;
}

/** One page of `listEvents`. */
export async function listEvents(api: CfApi, params: ListParams, opts: CallOptions = {}): Promise<EventPage> {
  const { result, resultInfo } = await call(api, listRequest(api.accountId, params, api.listMethod), CfEventList, 'the list of events', opts);
  return { items: result, resultInfo, page: 1, params, end: nextListParams(params, result.length, resultInfo?.cursor).end };
}

function offsetLimitError(api: CfApi, page: number, events: number): ApiError {
  return new ApiError({
    kind: 'paging-loop',
    provider: PROVIDER_NAME,
    url: api.http.redact(eventsPath(api.accountId)),
    page,
    message: `Stopped at Cloudflare’s limit of ${OFFSET_LIMIT.toLocaleString('en-US')} events for page-numbered paging (after page ${page}, ${events.toLocaleString('en-US')} events); the events loaded so far are kept. Narrow the time range or filters, or pick fewer datasets.`,
  });
}

/**
 * Every page of a list, in order. Paging errors (HttpClient's `maxPages` and loop guard, the
 * 100,000 offset limit, a failing page) are thrown after the pages already yielded.
 */
export async function* listEventPages(api: CfApi, first: ListParams, opts: CallOptions & { maxPages?: number } = {}): AsyncGenerator<EventPage, void, undefined> {
  // HttpClient asks for the next request after the consumer is done with a page; the decision
  // about that page is made when it is read, and kept here until then.
  const decided = new WeakMap<object, { next?: ListParams }>();
  const firstReq = listRequest(api.accountId, first, api.listMethod);
  let current = first;
  let pageNo = 0;
  let events = 0;
  const pages = api.http.paginate(
    firstReq,
    z.unknown(),
    (body) => {
      const d = body && typeof body === 'object' ? decided.get(body) : undefined;
      if (!d?.next) return undefined;
      return listRequest(api.accountId, d.next, api.listMethod);
    },
    { signal: opts.signal, maxPages: opts.maxPages },
  );
  try {
    for await (const body of pages) {
      pageNo++;
      const ctx = { url: api.http.redact(eventsPath(api.accountId)), what: 'the list of events', page: pageNo, redact: (t: string) => api.http.redact(t) };
      const { result, resultInfo } = unwrap(body, CfEventList, ctx);
      const { end, next } = nextListParams(current, result.length, resultInfo?.cursor);
      if (body && typeof body === 'object') decided.set(body, { next });
      events += result.length;
      yield { items: result, resultInfo, page: pageNo, params: current, end };
      if (end === 'offset-limit') throw offsetLimitError(api, pageNo, events);
      if (next) current = next;
    }
  } catch (e) {
    throw explainError(api, e);
  }
}

/** `GET .../events/dataset` [CFTS datasets.list]. */
export async function listDatasets(api: CfApi, params: { includeDeleted?: boolean } = {}, opts: CallOptions = {}): Promise<CfDataset[]> {
  const req: ApiRequest = { method: 'GET', path: eventsPath(api.accountId, '/dataset'), query: { includeDeleted: flag(params.includeDeleted) } };
  return (await call(api, req, CfDatasetList, 'the list of datasets', opts)).result;
}

/**
 * `GET .../events/dataset/{dataset_id}/events/{event_id}` [seed "Reads an event"]. With
 * `fallbackToDeprecated`, a 404 there is retried at the deprecated `GET .../events/{event_id}`.
 */
export async function readEvent(
  api: CfApi,
  datasetId: string,
  eventId: string,
  opts: CallOptions & { fallbackToDeprecated?: boolean } = {},
): Promise<CfThreatEvent> {
  const req: ApiRequest = { method: 'GET', path: eventsPath(api.accountId, `/dataset/${seg(datasetId)}/events/${seg(eventId)}`) };
  try {
    return (await call(api, req, CfThreatEvent, `event ${eventId}`, opts)).result;
  } catch (e) {
    if (!opts.fallbackToDeprecated || !isApiError(e) || e.kind !== 'not-found') throw e;
    const old: ApiRequest = { method: 'GET', path: eventsPath(api.accountId, `/${seg(eventId)}`) };
    return (await call(api, old, CfThreatEvent, `event ${eventId}`, opts)).result;
  }
}

/** `GET .../events/raw/{dataset_id}/{event_id}` [seed "Reads data for a raw event"]. */
export async function readRawEvent(api: CfApi, datasetId: string, eventId: string, opts: CallOptions = {}): Promise<CfRawEvent> {
  const req: ApiRequest = { method: 'GET', path: eventsPath(api.accountId, `/raw/${seg(datasetId)}/${seg(eventId)}`) };
  return (await call(api, req, CfRawEvent, `the raw data of event ${eventId}`, opts)).result;
}

/** Query of `GET .../events/{event_id}/relationships` [CFTS RelationshipListParams]. */
export interface RelationshipParams {
  datasetId: string;
  direction?: 'ancestors' | 'descendants' | 'both';
  includeParent?: boolean;
  maxDepth?: number;
  page?: number;
  pageSize?: number;
  indicatorTypeIds?: readonly string[];
  relationshipTypes?: readonly string[];
}

/**
 * Events related to one event: `GET .../events/by-id/{event_id}/relationships` (get_EventRelationships
 * in the newer spec, which deprecates the seed's `GET .../events/{event_id}/relationships` with a
 * sunset of 2026-11-28), and on a 404 that older path ["Filter and list events related to specific
 * event"], for a deployment that predates the new one.
 */
export async function listRelationships(api: CfApi, eventId: string, params: RelationshipParams, opts: CallOptions = {}): Promise<CfThreatEvent[]> {
  const req: ApiRequest = {
    method: 'GET',
    path: eventsPath(api.accountId, `/by-id/${seg(eventId)}/relationships`),
    query: {
      datasetId: params.datasetId,
      direction: params.direction,
      includeParent: flag(params.includeParent),
      maxDepth: params.maxDepth,
      page: params.page,
      pageSize: params.pageSize,
      indicatorTypeIds: params.indicatorTypeIds?.length ? [...params.indicatorTypeIds] : undefined,
      relationshipTypes: params.relationshipTypes?.length ? [...params.relationshipTypes] : undefined,
    },
  };
  const what = `the events related to ${eventId}`;
  try {
    return (await call(api, req, z.array(CfThreatEvent), what, opts)).result;
  } catch (e) {
    if (!isApiError(e) || e.kind !== 'not-found') throw e;
    return (await call(api, { ...req, path: eventsPath(api.accountId, `/${seg(eventId)}/relationships`) }, z.array(CfThreatEvent), what, opts)).result;
  }
}

/** Query of `GET .../events/aggregate` [CFTS aggregate.ts]. */
export interface AggregateParams {
  /** One column or several (sent comma-separated), e.g. `attacker,targetIndustry`. */
  aggregateBy: string | readonly string[];
  datasetId?: readonly string[];
  /** ISO 8601 dates (YYYY-MM-DD). */
  startDate?: string;
  endDate?: string;
  groupByDate?: boolean;
  limit?: number;
}

export async function aggregateEvents(api: CfApi, params: AggregateParams, opts: CallOptions = {}): Promise<CfAggregateResult> {
  const by = typeof params.aggregateBy === 'string' ? params.aggregateBy : params.aggregateBy.join(',');
  const req: ApiRequest = {
    method: 'GET',
    path: eventsPath(api.accountId, '/aggregate'),
    query: {
      aggregateBy: by,
      datasetId: params.datasetId?.length ? [...params.datasetId] : undefined,
      startDate: params.startDate,
      endDate: params.endDate,
      groupByDate: flag(params.groupByDate),
      limit: params.limit,
    },
  };
  return (await call(api, req, CfAggregateResult, `the aggregate by ${by}`, opts)).result;
}
