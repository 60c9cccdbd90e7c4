// HTTP client for the Exoscale API v2 `GET /v2/event`: base URL per zone, every attempt signed with
// EXO2-HMAC-SHA256 (signer.ts), a conservative client-side rate limit, and the time-window split
// that stands in for paging (the API has none: one call returns every event between from and to).
// providers/ never imports vscode.
import type { Dispatcher } from 'undici';
import { ApiError } from '../../core/errors';
import { HttpClient, type ApiRequest, type HttpClientOptions } from '../../core/http';
import { RateLimiter } from '../../core/rateLimit';
import { credentialSecrets, PROVIDER_NAME, type ExoscaleCredentials } from './credentials';
import { exoscaleAuthorizer } from './signer';

export { PROVIDER_NAME };

/**
 * Zones with an API endpoint `https://api-{zone}.exoscale.com/v2`: the upstream OpenAPI `servers`
 * enum (EGO v3/generator/source.yaml) plus hr-zag-1 from the newer openapi.json (PYEXO).
 */
export const EXOSCALE_ZONES = ['ch-gva-2', 'ch-dk-2', 'de-fra-1', 'de-muc-1', 'at-vie-1', 'at-vie-2', 'bg-sof-1', 'hr-zag-1'] as const;
export type ExoscaleZone = (typeof EXOSCALE_ZONES)[number];
export const DEFAULT_ZONE: ExoscaleZone = 'ch-gva-2';

/** Rate limits are unpublished (API-NOTES §2): a conservative 5 requests/s per account. */
export const DEFAULT_RATE_PER_SECOND = 5;
/** The API's own default when from/to are missing: the past 24 hours. */
export const DEFAULT_RANGE_MS = 24 * 3600_000;
/**
 * One request covers this much time. The API has no paging and its row cap is UNVERIFIED, so a long
 * range is cut into windows that each come back as one "page": 6 h keeps a busy organization's
 * answer small and a week to 28 requests.
 */
export const DEFAULT_WINDOW_MS = 6 * 3600_000;

// Zone names are lowercase `cc-city-N` (ch-dk-2, de-fra-1); anything else would build a URL on another host.
const ZONE_RE = /^[a-z]{2}-[a-z]{2,4}-\d{1,2}$/;

/**
 * The base URL requests are relative to; `event` is appended to it.
 * - `endpoint` set: used as the full base, INCLUDING the API version path (`https://proxy.example/exo/v2`).
 *   A bare origin (no path) gets `/v2`, so `https://api-de-fra-1.exoscale.com` also works.
 * - otherwise `https://api-{zone}.exoscale.com/v2`, zone = `region` or ch-gva-2.
 * The signature covers the path actually sent, so a proxy prefix is signed too (a proxy that strips
 * it before Exoscale sees the request makes the signature fail: point `endpoint` at one that doesn't).
 */
export function exoscaleBaseUrl(region?: string, endpoint?: string): string {
  const ep = endpoint?.trim();
  if (ep) {
    let u: URL;
    try {
      u = new URL(ep);
    } catch {
      throw badAccount(`The base URL "${ep}" of this Exoscale account is not a URL.`);
    }
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/v2';
    return u.toString().replace(/\/+$/, '');
  }
  const zone = (region?.trim() || DEFAULT_ZONE).toLowerCase();
  if (!ZONE_RE.test(zone)) throw badAccount(`"${zone}" is not an Exoscale zone (for example ${EXOSCALE_ZONES.join(', ')}).`);
  return `https://api-${zone}.exoscale.com/v2`;
}

function badAccount(message: string): ApiError {
  return new ApiError({ kind: 'bad-request', provider: PROVIDER_NAME, url: '', message });
}

export interface ExoClientOptions {
  region?: string;
  endpoint?: string;
  /** Account label for messages. */
  account?: string;
  credentials: ExoscaleCredentials;
  /** The secret string as stored, redacted too. */
  stored: string;
  limiter?: RateLimiter;
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  timeouts?: HttpClientOptions['timeouts'];
  retries?: HttpClientOptions['retries'];
  /** Clock for the signature's `expires` (default Date.now). */
  signClock?: () => number;
}

export function createExoscaleHttpClient(opts: ExoClientOptions): HttpClient {
  const { key, secret } = opts.credentials;
  return new HttpClient({
    provider: PROVIDER_NAME,
    account: opts.account,
    baseUrl: exoscaleBaseUrl(opts.region, opts.endpoint),
    // The key is not a secret on its own, but together with a leaked log it names the account.
    secrets: [...credentialSecrets(opts.stored), key, secret],
    authorize: exoscaleAuthorizer({ key, secret, now: opts.signClock }),
    limiter: opts.limiter ?? new RateLimiter({ perSecond: DEFAULT_RATE_PER_SECOND, burst: 2 }),
    log: opts.log,
    dispatcher: opts.dispatcher,
    timeouts: opts.timeouts,
    retries: opts.retries,
  });
}

/** RFC 3339 in whole seconds, as egoscale sends it (`time.RFC3339`): `2025-03-01T00:00:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface TimeWindow {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/** [from, to) cut into consecutive windows of at most `windowMs`, oldest first. */
export function timeWindows(from: number, to: number, windowMs: number = DEFAULT_WINDOW_MS): TimeWindow[] {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return [];
  const step = Math.max(1000, Math.floor(windowMs));
  const out: TimeWindow[] = [];
  for (let t = from; t < to; t += step) out.push({ from: t, to: Math.min(to, t + step) });
  return out;
}

/**
 * The request for one window. The API takes whole seconds and whether `to` is inclusive is
 * UNVERIFIED, so the request covers the window rounded outwards and the caller keeps only events
 * inside [from, to): an event on a boundary then lands in exactly one window.
 */
export function eventRequest(w: TimeWindow): ApiRequest {
  return { method: 'GET', path: 'event', query: { from: rfc3339(w.from), to: rfc3339(Math.ceil(w.to / 1000) * 1000) } };
}
