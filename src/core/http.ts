// The one HTTP client core every live API provider uses (Conformity, Control Plane, Exoscale,
// Cloudflare, ...): base URL per account/region, auth injected by the provider at the last moment,
// connect/read timeouts, AbortSignal cancellation, retries with backoff on 429/5xx honouring
// Retry-After, a per-account rate limiter, pagination as an async iterator of pages, zod validation
// of every response, and one typed error (ApiError) whose message and url never contain a secret.
// core/ never imports vscode.
import * as l10n from '@vscode/l10n';
import { Agent, request, type Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import { ApiError, formatDuration, redact, type ApiErrorKind } from './errors';
import type { RateLimiter } from './rateLimit';
import { sleep } from './sleep';

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number | boolean)[];
export type Query = Record<string, QueryValue>;

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A path relative to baseUrl ("/v1/events"), or an absolute URL on the same origin (a next link). */
  path: string;
  query?: Query;
  /** JSON body (POST). */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * A request that only reads, whatever its method (a search sent as POST): retried on 5xx and
   * network errors like a GET. Unset, only GET is retried that way (a 429 always is).
   */
  idempotent?: boolean;
}

/** What `authorize` sees; it returns the auth headers to add. */
export interface AuthorizeRequest {
  method: string;
  url: URL;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

export interface ResponseInfo {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  requestId?: string;
  /** 1-based page number when paging, else 1. */
  page: number;
  /** The request that produced this response. */
  request: ApiRequest;
  /** Redacted URL. */
  url: string;
  ms: number;
}

export interface HttpClientOptions {
  /** Provider name used in messages ("Conformity"). */
  provider: string;
  /** Human label of the account ("prod (eu-west-1)"), used in auth messages. */
  account?: string;
  baseUrl: string;
  /** Secrets to redact; the values `authorize` returns are added automatically. */
  secrets?: readonly string[];
  authorize?: (req: AuthorizeRequest) => Record<string, string> | Promise<Record<string, string>>;
  limiter?: RateLimiter;
  /**
   * connectMs: to open the connection (default 10 s); readMs: for the response headers, and
   * between two chunks of the body (default 30 s); totalMs: for one whole try, headers and the
   * entire body (default 2 min), so a server that trickles bytes cannot hold a fetch open.
   */
  timeouts?: { connectMs?: number; readMs?: number; totalMs?: number };
  retries?: {
    /** Retries after the first try (default 3, so 4 tries in all). */
    max?: number;
    baseMs?: number;
    maxMs?: number;
    /** A Retry-After longer than this is not waited for: the call fails with `rate-limited` (default 60 s). */
    maxRetryAfterMs?: number;
  };
  /** Largest response body accepted, bytes (default 64 MiB). */
  maxBodyBytes?: number;
  userAgent?: string;
  log?: (line: string) => void;
  /** An undici dispatcher to use instead of the client's own Agent (tests, proxies). */
  dispatcher?: Dispatcher;
  /** Random source for jitter, for tests. */
  random?: () => number;
  /**
   * The provider's own wording for an error status, from the status and the response body (an API's
   * error codes, what permission to grant); undefined keeps the default message. Redacted like all.
   */
  describeError?: (status: number, body: string, kind: ApiErrorKind) => string | undefined;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PaginateOptions extends CallOptions {
  /** Stop with a `paging-loop` error after this many pages (default 10 000). */
  maxPages?: number;
}

/** One try's limit, headers and the entire body (HttpClientOptions.timeouts.totalMs). */
export const DEFAULT_TOTAL_MS = 120_000;
/** The longest wait a server's Retry-After (or rate-limit reset) is taken at; longer ones are clamped. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

const REQUEST_ID_HEADERS = [
  'x-request-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'cf-ray',
  'x-correlation-id',
  'request-id',
  'x-ms-request-id',
  'x-trace-id',
];

const NETWORK_RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
}

/** An attempt's failure, before the retry loop decides what to do. */
class AttemptError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly retryable: boolean,
    readonly extra: { status?: number; requestId?: string; retryAfterMs?: number; cause?: unknown; code?: string } = {},
  ) {
    super(message);
  }
}

export class HttpClient {
  readonly provider: string;
  readonly account?: string;
  readonly baseUrl: URL;
  private readonly secrets = new Set<string>();
  private readonly opts: HttpClientOptions;
  private readonly connectMs: number;
  private readonly readMs: number;
  private readonly totalMs: number;
  private readonly maxRetries: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxBodyBytes: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly random: () => number;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.provider = opts.provider;
    this.account = opts.account;
    this.baseUrl = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    for (const s of opts.secrets ?? []) this.addSecret(s);
    this.connectMs = opts.timeouts?.connectMs ?? 10_000;
    this.readMs = opts.timeouts?.readMs ?? 30_000;
    this.totalMs = opts.timeouts?.totalMs ?? DEFAULT_TOTAL_MS;
    this.maxRetries = Math.max(0, opts.retries?.max ?? 3);
    this.baseMs = opts.retries?.baseMs ?? 500;
    this.maxMs = opts.retries?.maxMs ?? 20_000;
    this.maxRetryAfterMs = opts.retries?.maxRetryAfterMs ?? 60_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024 * 1024;
    this.random = opts.random ?? Math.random;
    if (opts.dispatcher) {
      this.dispatcher = opts.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = new Agent({
        connect: { timeout: this.connectMs },
        headersTimeout: this.readMs,
        bodyTimeout: this.readMs,
        keepAliveTimeout: 4_000,
      });
      this.ownsDispatcher = true;
    }
  }

  /** Adds a value to redact from every message, url and log line of this client. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length > 0) this.secrets.add(secret);
  }

  /** Redacts this client's secrets from any text. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** Closes the connection pool (only the client's own Agent). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** GET a JSON resource and validate it. */
  async getJson<T>(path: string, query: Query | undefined, schema: ZodType<T>, options: CallOptions = {}): Promise<T> {
    return (await this.send({ method: 'GET', path, query }, schema, options, 1)).data;
  }

  /** Any request returning JSON, validated; also returns the response details. */
  async requestJson<T>(req: ApiRequest, schema: ZodType<T>, options: CallOptions = {}): Promise<{ data: T; info: ResponseInfo }> {
    return this.send(req, schema, options, 1);
  }

  /**
   * Pages as an async iterator. `next` builds the request for the following page from the page
   * just parsed (or returns undefined when done). A next request identical to an earlier one, or
   * more than `maxPages` pages, ends with a `paging-loop` error; pages already yielded stay with the
   * caller.
   */
  async *paginate<T>(
    first: ApiRequest,
    schema: ZodType<T>,
    next: (page: T, resp: ResponseInfo) => ApiRequest | undefined,
    options: PaginateOptions = {},
  ): AsyncGenerator<T, void, undefined> {
    const maxPages = options.maxPages ?? 10_000;
    const seen = new Set<string>();
    let req: ApiRequest | undefined = first;
    let page = 1;
    while (req) {
      const key = this.requestKey(req);
      if (seen.has(key)) {
        const url = this.safeUrl(req);
        throw new ApiError({
          kind: 'paging-loop',
          provider: this.provider,
          url,
          page,
          message: l10n.t('{0} sent a next-page link that repeats an earlier page (page {1}: {2}); stopped paging to avoid a loop. The pages loaded so far are kept.', this.provider, page, url),
        });
      }
      if (page > maxPages) {
        const url = this.safeUrl(req);
        throw new ApiError({
          kind: 'paging-loop',
          provider: this.provider,
          url,
          page,
          message: l10n.t('Stopped after {0} pages from {1} (the page limit); the pages loaded so far are kept. Narrow the time range or filters to load less.', maxPages, this.provider),
        });
      }
      seen.add(key);
      const { data, info } = await this.send(req, schema, options, page);
      yield data;
      req = next(data, info);
      page++;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private requestKey(req: ApiRequest): string {
    let url: string;
    try {
      url = this.buildUrl(req).toString();
    } catch {
      url = req.path;
    }
    return `${req.method ?? 'GET'} ${url} ${req.body === undefined ? '' : JSON.stringify(req.body)}`;
  }

  private safeUrl(req: ApiRequest): string {
    try {
      return this.redact(this.buildUrl(req).toString());
    } catch {
      return this.redact(req.path);
    }
  }

  private buildUrl(req: ApiRequest): URL {
    const isAbsolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(req.path);
    const url = isAbsolute ? new URL(req.path) : new URL(req.path.replace(/^\/+/, ''), this.baseUrl);
    if (url.origin !== this.baseUrl.origin) {
      // Never send credentials to a host the account was not set up for.
      throw new AttemptError('invalid-response', `${this.provider} pointed to another host (${url.origin}); refusing to send the credentials there.`, false);
    }
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.append(k, String(v));
    }
    return url;
  }

  private async send<T>(req: ApiRequest, schema: ZodType<T>, options: CallOptions, page: number): Promise<{ data: T; info: ResponseInfo }> {
    const { signal } = options;
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = this.buildUrl(req);
    } catch (e) {
      throw this.toApiError(e, this.redact(req.path), page, 0);
    }
    const safeUrl = this.redact(url.toString());
    const pageNote = page > 1 ? ` (page ${page})` : '';
    const bodyText = req.body === undefined ? undefined : JSON.stringify(req.body);
    const retryUnsafe = method === 'GET' || req.idempotent === true;
    let attempts = 0;

    for (;;) {
      if (signal?.aborted) throw this.cancelled(safeUrl, page, attempts);
      if (this.opts.limiter) {
        try {
          await this.opts.limiter.acquire(signal);
        } catch (e) {
          if (signal?.aborted) throw this.cancelled(safeUrl, page, attempts);
          throw e;
        }
      }
      attempts++;
      const t0 = performance.now();
      let raw: RawResponse | undefined;
      let failure: AttemptError | undefined;
      try {
        raw = await this.once(method, url, req.headers ?? {}, bodyText, signal);
      } catch (e) {
        if (signal?.aborted) {
          this.log(`${method} ${safeUrl} → cancelled after ${Math.round(performance.now() - t0)} ms${pageNote}`);
          throw this.cancelled(safeUrl, page, attempts);
        }
        failure = this.classifyThrown(e, method, url);
      }

      if (raw) {
        const requestId = pickRequestId(raw.headers);
        if (raw.status >= 200 && raw.status < 300) {
          this.log(`${method} ${safeUrl} → ${raw.status} in ${Math.round(raw.ms)} ms${pageNote}`);
          const info: ResponseInfo = { status: raw.status, headers: raw.headers, requestId, page, request: req, url: safeUrl, ms: raw.ms };
          return { data: this.parse(raw, schema, safeUrl, page, attempts, requestId), info };
        }
        failure = this.describeStatus(this.classifyStatus(raw, requestId), raw);
      }

      const f = failure!;
      const retryable = f.retryable && (retryUnsafe || f.kind === 'rate-limited' || f.extra.code === 'ECONNREFUSED');
      const status = f.extra.status !== undefined ? String(f.extra.status) : (f.extra.code ?? f.kind);
      const ms = Math.round(performance.now() - t0);
      if (!retryable || attempts > this.maxRetries || (f.extra.retryAfterMs ?? 0) > this.maxRetryAfterMs) {
        this.log(`${method} ${safeUrl} → ${status} in ${ms} ms${pageNote}; giving up after ${attempts} ${attempts === 1 ? 'try' : 'tries'}`);
        throw this.finalError(f, safeUrl, page, attempts);
      }
      const delay = this.backoff(attempts, f.extra.retryAfterMs);
      this.log(`${method} ${safeUrl} → ${status} in ${ms} ms${pageNote}; retrying in ${Math.round(delay)} ms (try ${attempts + 1} of ${this.maxRetries + 1})`);
      try {
        await sleep(delay, signal);
      } catch {
        throw this.cancelled(safeUrl, page, attempts);
      }
    }
  }

  /** Full jitter: uniform in [0, min(maxMs, baseMs·2^(n-1))]; Retry-After wins when given. */
  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    const cap = Math.min(this.maxMs, this.baseMs * 2 ** (attempt - 1));
    return this.random() * cap;
  }

  private async once(method: string, url: URL, extraHeaders: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<RawResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'audit-log-explorer',
      ...extraHeaders,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.opts.authorize) {
      // Injected at the last moment; every value becomes a secret to redact.
      const auth = await this.opts.authorize({ method, url, headers, body });
      for (const [k, v] of Object.entries(auth)) {
        headers[k] = v;
        this.addSecret(v);
        const m = /^\s*(?:bearer|basic|token|apikey|api-key)\s+(.+)$/i.exec(v);
        if (m) this.addSecret(m[1]);
      }
    }
    const t0 = performance.now();
    // undici checks its headers/body timeouts on a coarse (~1 s) clock; a native timer keeps the
    // wait for the response headers close to readMs. undici's own timeouts stay as a backstop and
    // cover a body that stalls. Its body timeout is per chunk, so a second timer bounds the whole
    // try: headers and every byte of the body.
    const deadline = new AbortController();
    let overall = false;
    const timer = setTimeout(() => deadline.abort(), this.readMs);
    const totalTimer = setTimeout(() => {
      overall = true;
      deadline.abort();
    }, this.totalMs);
    const tooSlow = (size: number, cause: unknown) =>
      new AttemptError(
        'timeout',
        `The request to ${url.host} (${method} ${url.pathname}) timed out after ${formatDuration(this.totalMs)}, the limit for one request: ${size > 0 ? `only ${size} bytes of the response had arrived` : 'the response had not begun'}. The server or the network is too slow.`,
        false,
        { cause },
      );
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
        dispatcher: this.dispatcher,
        headersTimeout: this.readMs,
        bodyTimeout: this.readMs,
      });
    } catch (e) {
      // Every way out of here ends the try; a timer left running would hold the process open.
      clearTimeout(totalTimer);
      if (overall && !signal?.aborted) throw tooSlow(0, e);
      if (deadline.signal.aborted && !signal?.aborted) {
        throw new AttemptError('timeout', `Timed out after ${formatDuration(this.readMs)} waiting for the response from ${url.host} (${method} ${url.pathname}).`, false, { cause: e });
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      if (overall) throw tooSlow(0, undefined);
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > this.maxBodyBytes) {
          res.body.destroy();
          throw new AttemptError('invalid-response', `The response from ${this.provider} is larger than ${Math.round(this.maxBodyBytes / 1048576)} MiB; stopped reading it.`, false, { status: res.statusCode });
        }
        chunks.push(b);
      }
    } catch (e) {
      if (e instanceof AttemptError) throw e;
      if (signal?.aborted) throw e;
      if (overall) throw tooSlow(size, e);
      const code = errorCode(e);
      if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') throw e;
      const expected = Number(headerValue(res.headers, 'content-length'));
      const of = Number.isFinite(expected) && expected > 0 ? ` of ${expected}` : '';
      throw new AttemptError('network', `The connection to ${url.host} was cut off after ${size}${of} bytes of the response (${code ?? 'closed'}).`, true, {
        status: res.statusCode,
        requestId: pickRequestId(res.headers),
        code,
        cause: e,
      });
    } finally {
      clearTimeout(totalTimer);
    }
    return { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 };
  }

  private parse<T>(raw: RawResponse, schema: ZodType<T>, safeUrl: string, page: number, attempts: number, requestId: string | undefined): T {
    const where = page > 1 ? l10n.t(' at page {0}', page) : '';
    let json: unknown;
    try {
      json = JSON.parse(raw.text);
    } catch (e) {
      const snippet = this.redact(raw.text.slice(0, 80)).replace(/\s+/g, ' ');
      const type = headerValue(raw.headers, 'content-type') ?? 'no content type';
      throw new ApiError({
        kind: 'invalid-response',
        provider: this.provider,
        url: safeUrl,
        status: raw.status,
        requestId,
        page,
        attempts,
        cause: e,
        message: `The server answered with something that is not JSON${where} (${raw.text.length} bytes, ${type}${raw.text.length ? `, starting "${snippet}"` : ''}). It may have been cut off, or a proxy answered instead of ${this.provider}.`,
      });
    }
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    const issues = result.error.issues.slice(0, 3).map((i) => `${formatPath(i.path)}: ${i.message}`);
    const more = result.error.issues.length > 3 ? ` (+${result.error.issues.length - 3} more)` : '';
    throw new ApiError({
      kind: 'invalid-response',
      provider: this.provider,
      url: safeUrl,
      status: raw.status,
      requestId,
      page,
      attempts,
      message: this.redact(`The server answered with something that is not the expected JSON${where || ` from ${this.provider}`}: ${issues.join('; ')}${more}`),
    });
  }

  private classifyStatus(raw: RawResponse, requestId: string | undefined): AttemptError {
    const s = raw.status;
    const extra = { status: s, requestId };
    const detail = serverDetail(raw.text);
    const acct = this.account ? ` for account ${this.account}` : '';
    if (s === 401) return new AttemptError('auth', `The API key was rejected (401). Check the key${acct} or add it again.`, false, extra);
    if (s === 403)
      return new AttemptError('forbidden', `The API key${acct} is not allowed to do this (403)${detail ? `: ${detail}` : ''}. Check the key's role or permissions.`, false, extra);
    if (s === 404) return new AttemptError('not-found', `Not found (404) at ${this.provider}. Check the region or base URL of the account${detail ? ` (${detail})` : ''}.`, false, extra);
    if (s === 429) {
      const retryAfterMs = retryAfterOf(raw.headers);
      return new AttemptError('rate-limited', 'Rate limited (429)', true, { ...extra, retryAfterMs });
    }
    if (s >= 500) {
      const retryAfterMs = s === 503 ? retryAfterOf(raw.headers) : undefined;
      return new AttemptError('server', `${this.provider} had a server error (${s})${detail ? `: ${detail}` : ''}`, s !== 501 && s !== 505, { ...extra, retryAfterMs });
    }
    return new AttemptError('bad-request', `${this.provider} rejected the request (${s})${detail ? `: ${detail}` : ''}. Check the filters and time range.`, false, extra);
  }

  private describeStatus(f: AttemptError, raw: RawResponse): AttemptError {
    const text = this.opts.describeError?.(raw.status, raw.text, f.kind);
    return text ? new AttemptError(f.kind, text, f.retryable, f.extra) : f;
  }

  private classifyThrown(e: unknown, method: string, url: URL): AttemptError {
    if (e instanceof AttemptError) return e;
    const code = errorCode(e);
    const target = `${url.host} (${method} ${url.pathname})`;
    if (code === 'UND_ERR_CONNECT_TIMEOUT')
      return new AttemptError('timeout', l10n.t('Timed out after {0} waiting for a connection to {1}.', formatDuration(this.connectMs), target), false, { code, cause: e });
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
      return new AttemptError('timeout', l10n.t('Timed out after {0} waiting for the response from {1}.', formatDuration(this.readMs), target), false, { code, cause: e });
    const msg = e instanceof Error ? e.message : String(e);
    return new AttemptError('network', l10n.t('Could not reach {0}: {1}. Check the network, proxy and base URL.', url.host, `${code ? `${code} ` : ''}${msg}`), code !== undefined && NETWORK_RETRY_CODES.has(code), {
      code,
      cause: e,
    });
  }

  private finalError(f: AttemptError, safeUrl: string, page: number, attempts: number): ApiError {
    const tries = attempts === 1 ? l10n.t('1 try') : l10n.t('{0} tries', attempts);
    const where = page > 1 ? l10n.t(' at page {0}', page) : '';
    const rid = f.extra.requestId ? ` (request id ${f.extra.requestId})` : '';
    let message: string;
    switch (f.kind) {
      case 'rate-limited': {
        const wait = f.extra.retryAfterMs !== undefined ? describeWait(f.extra.retryAfterMs) : l10n.t('try again in a minute');
        message = l10n.t('Rate limited (429) by {0} after {1}; {2}.', this.provider, tries, wait);
        break;
      }
      case 'server':
        message = l10n.t('{0}, after {1}{2}. Try again later.', `${f.message}${where}`, tries, rid);
        break;
      case 'network':
        message = attempts > 1 ? `${f.message}${where} (after ${tries})` : `${f.message}${where}`;
        break;
      default:
        message = `${f.message}${where ? ` (page ${page})` : ''}${rid && f.kind !== 'timeout' ? rid : ''}`;
    }
    return new ApiError({
      kind: f.kind,
      provider: this.provider,
      url: safeUrl,
      status: f.extra.status,
      requestId: f.extra.requestId,
      page,
      attempts,
      retryAfterMs: f.extra.retryAfterMs,
      cause: f.extra.cause,
      message: this.redact(message),
    });
  }

  private toApiError(e: unknown, safeUrl: string, page: number, attempts: number): ApiError {
    if (e instanceof ApiError) return e;
    const f = e instanceof AttemptError ? e : new AttemptError('network', e instanceof Error ? e.message : String(e), false, { cause: e });
    return new ApiError({ kind: f.kind, provider: this.provider, url: safeUrl, page, attempts, message: this.redact(f.message), cause: f.extra.cause });
  }

  private cancelled(safeUrl: string, page: number, attempts: number): ApiError {
    return new ApiError({ kind: 'cancelled', provider: this.provider, url: safeUrl, page, attempts, message: l10n.t('Cancelled the request to {0}.', this.provider) });
  }

  private log(line: string): void {
    this.opts.log?.(this.redact(line));
  }
}

/** Epoch seconds from 2001 on; no real delay in seconds is that long (31 years). */
const EPOCH_SECONDS_FROM = 1e9;
/** Epoch milliseconds from 2001 on. */
const EPOCH_MS_FROM = 1e12;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * How long a server asks to wait, in ms, clamped to [0, MAX_RETRY_AFTER_MS]; undefined when absent
 * or unreadable. Accepts what servers send in Retry-After and rate-limit reset headers: delay
 * seconds ("120", "1.5"), an epoch time in seconds or milliseconds (x-ratelimit-reset), or an
 * HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT", always GMT; read strictly, never in local time).
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  let ms: number | undefined;
  if (/^\d{1,16}(\.\d{1,6})?$/.test(v)) {
    const n = Number(v);
    if (n >= EPOCH_MS_FROM) ms = n - now;
    else if (n >= EPOCH_SECONDS_FROM) ms = n * 1000 - now;
    else ms = n * 1000;
  } else {
    ms = httpDate(v);
    if (ms !== undefined) ms -= now;
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)));
}

/** IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT"), as epoch ms. */
function httpDate(v: string): number | undefined {
  const m = /^[A-Za-z]{3,9}, (\d{1,2})[ -]([A-Za-z]{3})[ -](\d{2}|\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(v);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2].toLowerCase());
  if (month < 0) return undefined;
  let year = Number(m[3]);
  if (m[3].length === 2) year += year < 70 ? 2000 : 1900;
  const [day, h, min, sec] = [Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])];
  const t = Date.UTC(year, month, day, h, min, sec);
  const d = new Date(t);
  // 31 Feb or 25:00 would roll over into another date: not a date the server meant.
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month || h > 23 || min > 59 || sec > 60) return undefined;
  return t;
}

/** The wait a 429/503 asks for: Retry-After, else a rate-limit reset header. */
export function retryAfterOf(headers: Record<string, string | string[] | undefined>, now: number = Date.now()): number | undefined {
  for (const name of ['retry-after', 'x-ratelimit-reset', 'ratelimit-reset']) {
    const ms = parseRetryAfter(headerValue(headers, name), now);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** "try again in 38 min"; past the clamp, "try again in a day or more" rather than a made-up figure. */
export function describeWait(ms: number): string {
  if (ms >= MAX_RETRY_AFTER_MS) return 'try again in a day or more';
  return l10n.t('try again in {0}', formatDuration(ms));
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function pickRequestId(headers: Record<string, string | string[] | undefined>): string | undefined {
  for (const h of REQUEST_ID_HEADERS) {
    const v = headerValue(headers, h);
    if (v) return v.slice(0, 200);
  }
  return undefined;
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A short human message out of an error body ({"message": ...}, {"errors":[{"detail"}]}, text). */
function serverDetail(text: string): string {
  if (!text) return '';
  let out: string;
  try {
    const j = JSON.parse(text) as unknown;
    const pick = (o: unknown): string | undefined => {
      if (!o || typeof o !== 'object') return typeof o === 'string' ? o : undefined;
      const r = o as Record<string, unknown>;
      for (const k of ['message', 'detail', 'error_description', 'error', 'title', 'Message']) {
        const v = r[k];
        if (typeof v === 'string') return v;
        if (v && typeof v === 'object') return pick(v);
      }
      if (Array.isArray(r.errors) && r.errors.length) return pick(r.errors[0]);
      return undefined;
    };
    out = pick(j) ?? '';
  } catch {
    out = /^\s*</.test(text) ? '' : text;
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

