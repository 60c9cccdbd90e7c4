// Exoscale (`GET /v2/event`, signed with EXO2-HMAC-SHA256) as a live source.
// - AccountConfig.region is the zone (default ch-gva-2; EXOSCALE_ZONES); AccountConfig.endpoint
//   overrides the whole base URL INCLUDING `/v2` (a bare origin gets `/v2`); AccountConfig.scope is
//   an optional organization name used as the events' `account` (the events carry none).
// - The secret is the key and secret together (credentials.ts): JSON {"key","secret"} or KEY:SECRET.
// - The API has no paging, so [from, to) is cut into windows (default 6 h) fetched oldest first;
//   each window is one "page" for progress, maxPages and "stopped after N pages". Default range:
//   the past 24 h. Only the time range is pushed down; every other filter term applies locally.
// providers/ never imports vscode.
import type { Dispatcher } from 'undici';
import { AuditEventBatch } from '../../core/eventBatch';
import { ApiError, isApiError } from '../../core/errors';
import type { HttpClient, HttpClientOptions } from '../../core/http';
import { limiterPerAccount, parseItems } from '../fetchSupport';
import { drivePages } from '../paging';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery } from '../provider';
import { createExoscaleHttpClient, DEFAULT_RATE_PER_SECOND, DEFAULT_WINDOW_MS, eventRequest, PROVIDER_NAME, rfc3339, timeWindows, type TimeWindow } from './client';
import { decodeExoscaleCredentials } from './credentials';
import { extraFields, normalizeEvent } from './normalize';
import { pushDown } from './pushdown';
import { ExoEvent, ExoEventList } from './schema';

export { DEFAULT_WINDOW_MS, EXOSCALE_ZONES, DEFAULT_ZONE, exoscaleBaseUrl } from './client';
export { decodeExoscaleCredentials, encodeExoscaleCredentials } from './credentials';
export { signRequest, exoscaleAuthorizer } from './signer';

export interface ExoscaleProviderOptions {
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  timeouts?: HttpClientOptions['timeouts'];
  retries?: HttpClientOptions['retries'];
  /** Requests per second per account (default 5). */
  perSecond?: number;
  /** Clock for the default time range and relative filter times. */
  now?: () => number;
  /** Time covered by one request (default 6 h). */
  windowMs?: number;
  /** Clock for signatures' `expires` (default Date.now); tests use it to play a skewed clock. */
  signClock?: () => number;
}

/** A window holding this many events may have hit an (unpublished) cap: said in the log. */
const SUSPICIOUS_WINDOW_SIZE = 10_000;

function accountLabel(account: AccountConfig): string {
  return account.label || account.scope || account.id;
}

function short(ms: number): string {
  return rfc3339(ms).replace(/:00Z$/, 'Z');
}

/**
 * Exoscale-specific sense on top of HttpClient's messages: a 403 about the signature or its expiry
 * is a credentials problem (kind 'auth'), not a permission one; any other 403 is an IAM role that
 * does not allow list-events. Failures while paging name the time window of that page.
 */
export function explainError(e: ApiError, account: string, windows?: readonly TimeWindow[]): ApiError {
  let kind = e.kind;
  let message = e.message;
  if (e.kind === 'forbidden' || e.kind === 'auth') {
    const body = message.split(account).join('');
    if (/expire/i.test(body)) {
      kind = 'auth';
      message = `Exoscale refused the request as expired (${e.status ?? 403}) for account ${account}: the request signature is valid for 10 minutes from this computer's clock. Check that the clock is right.`;
    } else if (/signature|credential|api key|apikey|unknown key|invalid key/i.test(body.replace(/^The API key/, ''))) {
      kind = 'auth';
      message = `Exoscale rejected the request signature (${e.status ?? 403}) for account ${account}. Check that the API secret belongs to the API key (replace the key if unsure), and that this computer's clock is right.`;
    } else if (e.kind === 'forbidden') {
      message = `${message} A restricted IAM role must allow the list-events operation (compute service) for this key.`;
    }
  }
  const w = e.page !== undefined && windows ? windows[e.page - 1] : undefined;
  if (w && windows && windows.length > 1) message = `${message} (page ${e.page} is ${short(w.from)} to ${short(w.to)})`;
  if (kind === e.kind && message === e.message) return e;
  return new ApiError({
    kind,
    message,
    provider: e.provider,
    url: e.url,
    status: e.status,
    requestId: e.requestId,
    page: e.page,
    attempts: e.attempts,
    retryAfterMs: e.retryAfterMs,
    cause: e.cause,
  });
}

export function createExoscaleProvider(opts: ExoscaleProviderOptions = {}): LiveProvider {
  const limiterFor = limiterPerAccount(opts.perSecond ?? DEFAULT_RATE_PER_SECOND, 2);
  const now = () => opts.now?.() ?? Date.now();
  const client = (account: AccountConfig, secret: string): HttpClient =>
    createExoscaleHttpClient({
      region: account.region,
      endpoint: account.endpoint,
      account: accountLabel(account),
      credentials: decodeExoscaleCredentials(secret),
      stored: secret,
      limiter: limiterFor(account),
      log: opts.log,
      dispatcher: opts.dispatcher,
      timeouts: opts.timeouts,
      retries: opts.retries,
      signClock: opts.signClock,
    });

  return {
    id: 'exoscale',
    displayName: PROVIDER_NAME,

    async validate(account, secret, signal) {
      const http = client(account, secret);
      const label = accountLabel(account);
      try {
        const t = now();
        const req = eventRequest({ from: t - 60_000, to: t });
        const events = await http.getJson(req.path, req.query, ExoEventList, { signal });
        const where = account.endpoint ? http.baseUrl.host : `zone ${account.region || 'ch-gva-2'}`;
        return `Exoscale (${where}): the key can read the organization's events (${events.length} in the last minute).`;
      } catch (e) {
        throw isApiError(e) ? explainError(e, label) : e;
      } finally {
        await http.close();
      }
    },

    async fetch(account, secret, query: LiveQuery, sink, signal) {
      const pd = pushDown(query.filter, { from: query.from, to: query.to }, now());
      const report: FetchReport = { pages: 0, events: 0, pushDown: { sentToApi: pd.sentToApi, localFilter: pd.localFilter }, cancelled: false };
      const label = accountLabel(account);
      const source = label;
      const orgName = account.scope || label;
      const windows = timeWindows(pd.from, pd.to, opts.windowMs ?? DEFAULT_WINDOW_MS);
      if (windows.length === 0) return report;
      let http: HttpClient;
      try {
        http = client(account, secret);
      } catch (e) {
        if (isApiError(e)) report.stoppedBy = e;
        else throw e;
        return report;
      }
      // Events without a readable timestamp cannot be placed in one window, so a re-sent one is
      // recognized by its text.
      const untimed = new Set<string>();
      const pages = http.paginate(eventRequest(windows[0]), ExoEventList, () => windows[report.pages] && eventRequest(windows[report.pages]), {
        signal,
        maxPages: query.maxPages,
      });
      try {
        await drivePages(pages, report, sink, {
          signal,
          provider: PROVIDER_NAME,
          redact: (t) => http.redact(t),
          explain: (x) => explainError(x, label, windows),
          toEvents: (page, n) => {
            const w = windows[n - 1];
            const kept: { ev: ExoEvent; raw: string; t: number }[] = [];
            const parsed = parseItems(page, ExoEvent);
            const skipped = parsed.skipped;
            for (const { item, data } of parsed.kept) {
              const raw = JSON.stringify(item);
              const t = data.timestamp ? Date.parse(data.timestamp) : NaN;
              if (Number.isFinite(t)) {
                if (t < w.from || t >= w.to) continue;
              } else {
                if (untimed.has(raw)) continue;
                untimed.add(raw);
              }
              kept.push({ ev: data, raw, t });
            }
            // The API's order within a window is undocumented; the panel and the CLI expect time order.
            kept.sort((a, b) => (Number.isNaN(a.t) ? 1 : Number.isNaN(b.t) ? -1 : a.t - b.t));
            const batch = new AuditEventBatch('exoscale', source);
            for (const k of kept) batch.add(normalizeEvent(k.ev, orgName), k.raw, extraFields(k.ev));
            if (skipped) opts.log?.(`Exoscale: skipped ${skipped} item(s) in page ${n} that are not events`);
            if (page.length >= SUSPICIOUS_WINDOW_SIZE)
              opts.log?.(`Exoscale: page ${n} (${short(w.from)} to ${short(w.to)}) returned ${page.length} events; if the API caps its answer, some may be missing. A smaller window would tell.`);
            return batch;
          },
        });
      } finally {
        await http.close();
      }
      return report;
    },
  };
}

export const exoscaleProvider: LiveProvider = createExoscaleProvider();
