// HTTP client for the Control Plane audit API: `GET {base}/audit/org/{org}` with the documented query
// parameters, paging by the `links` `next` link, `Authorization: Bearer <key-or-token>` and a
// conservative client-side rate limit. providers/ never imports vscode.
import type { Dispatcher } from 'undici';
import { ApiError } from '../../core/errors';
import { HttpClient, type ApiRequest, type HttpClientOptions } from '../../core/http';
import { RateLimiter } from '../../core/rateLimit';
import type { CplnQueryPage } from './schema';

export const CPLN_AUDIT_BASE = 'https://audit.cpln.io';
export const PROVIDER_NAME = 'Control Plane';
/** Default page size. The API's maximum is UNVERIFIED; 100 is well under the 1000 the cpln MCP tool uses. */
export const DEFAULT_PAGE_SIZE = 100;
/** Rate limits are undocumented (API-NOTES §4): a conservative 5 requests/s per account. */
export const DEFAULT_RATE_PER_SECOND = 5;

/** The query parameters documented for `GET /audit/org/{org}` (seed, docs.controlplane.com). */
export const QUERY_PARAMS = ['location', 'gvcAlias', 'podId', 'actionType', 'resourceType', 'fromEvent', 'toEvent', 'page', 'pageSize'] as const;
/** Also used in cpln's own examples (API-NOTES §4): audit context and subject name. */
export const EXTRA_QUERY_PARAMS = ['contextName', 'subjectName'] as const;
export type CplnParam = (typeof QUERY_PARAMS)[number] | (typeof EXTRA_QUERY_PARAMS)[number];
export type CplnParams = Partial<Record<CplnParam, string>>;

export function isCplnParam(name: string): name is CplnParam {
  return (QUERY_PARAMS as readonly string[]).includes(name) || (EXTRA_QUERY_PARAMS as readonly string[]).includes(name);
}

/**
 * The Authorization header value. Service-account keys and user tokens go the same way: the cpln
 * Terraform provider always sends `Bearer <token>` (API-NOTES §4). A secret pasted with its
 * `Bearer ` prefix is accepted as is.
 */
export function authorizationHeader(secret: string): string {
  return `Bearer ${bareToken(secret)}`;
}

/** The secret without a leading `Bearer ` (any case) and surrounding whitespace. */
export function bareToken(secret: string): string {
  return secret.trim().replace(/^bearer\s+/i, '').trim();
}

export interface CplnClientOptions {
  /** Origin (plus optional path prefix) of the audit service; default https://audit.cpln.io. */
  endpoint?: string;
  /** Account label for messages. */
  account?: string;
  secret: string;
  limiter?: RateLimiter;
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  timeouts?: HttpClientOptions['timeouts'];
  retries?: HttpClientOptions['retries'];
}

export function createCplnHttpClient(opts: CplnClientOptions): HttpClient {
  const token = bareToken(opts.secret);
  const header = authorizationHeader(opts.secret);
  return new HttpClient({
    provider: PROVIDER_NAME,
    account: opts.account,
    baseUrl: opts.endpoint && opts.endpoint.trim() ? opts.endpoint.trim() : CPLN_AUDIT_BASE,
    secrets: [opts.secret, token, header],
    authorize: () => ({ authorization: header }),
    limiter: opts.limiter ?? new RateLimiter({ perSecond: DEFAULT_RATE_PER_SECOND, burst: 2 }),
    log: opts.log,
    dispatcher: opts.dispatcher,
    timeouts: opts.timeouts,
    retries: opts.retries,
  });
}

/** The first request of a query: `audit/org/{org}` relative to the base, with the parameters set. */
export function firstRequest(org: string, params: CplnParams): ApiRequest {
  if (!org) {
    throw new ApiError({
      kind: 'bad-request',
      provider: PROVIDER_NAME,
      url: '',
      message: 'No Control Plane org is set for this account: add the org name.',
    });
  }
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query[k] = v;
  return { method: 'GET', path: `audit/org/${encodeURIComponent(org)}`, query };
}

/**
 * The request for the page after `page`, from its `links` entry with rel `next`; undefined when there
 * is none. The href is usually origin-relative (`/audit/org/myorg/...`); whether it always carries
 * the `/audit` prefix is UNVERIFIED, so one without it gets it. Absolute URLs are kept (HttpClient
 * refuses other hosts). The href carries its own query, so no parameters are added.
 */
export function nextRequest(page: Pick<CplnQueryPage, 'links'>, current?: ApiRequest): ApiRequest | undefined {
  const next = page.links?.find((l) => l.rel.toLowerCase() === 'next')?.href?.trim();
  if (!next) return undefined;
  // A bare query string ("?page=2") continues the current path.
  if (next.startsWith('?') && current) return { method: 'GET', path: current.path.split('?')[0] + next };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(next)) return { method: 'GET', path: next };
  const rel = next.replace(/^\/+/, '');
  return { method: 'GET', path: rel.startsWith('audit/') || rel === 'audit' ? rel : `audit/${rel}` };
}
