// The SDK client per (account, region), the client-side rate limit, and one `send` that waits for
// the limiter, logs the call and maps failures to ApiError. providers/ never imports vscode.
import { CloudTrailClient, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { redact } from '../../core/errors';
import type { RateLimiter } from '../../core/rateLimit';
import { limiterPerAccount } from '../fetchSupport';
import type { AccountConfig } from '../provider';
import { decodeAwsCredentials, secretsOf, sharedCredentialsFor, type AwsCredentials, type CredentialOptions } from './credentials';
import { toApiError } from './errors';
import { BoundedHttpHandler } from './httpHandler';

/** LookupEvents: 2 requests per second per account and Region (API-NOTES §5). */
export const DEFAULT_RATE_PER_SECOND = 2;
/**
 * Tries per call (the first and 3 retries, as HttpClient), so the SDK's own retry (with backoff)
 * absorbs short throttling and 5xx. Timeouts are not retried (httpHandler.ts).
 */
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_REGION = 'us-east-1';

const REGION_RE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export interface AwsClientOptions {
  log?: (line: string) => void;
  /** Requests per second per (account, region); default 2. */
  perSecond?: number;
  maxAttempts?: number;
  /** The SDK's retry strategy (tests use a short fixed backoff); default: the SDK's standard one. */
  retryStrategy?: CloudTrailClientConfig['retryStrategy'];
  /**
   * Per try: connectMs to connect (default 10 s), requestMs for the response headers (default
   * 30 s), deadlineMs for the whole try, headers and body (default 2 min). See httpHandler.ts.
   */
  timeouts?: { connectMs?: number; requestMs?: number; deadlineMs?: number };
  credentials?: CredentialOptions;
  now?: () => number;
}

/** The regions to query: LiveQuery.params.regions, else AccountConfig.region (comma lists), else us-east-1. */
export function regionsOf(account: AccountConfig, params?: Record<string, string>): string[] {
  const text = params?.regions ?? params?.region ?? account.region ?? '';
  const list = text
    .split(/[\s,]+/)
    .map((r) => r.trim().toLowerCase())
    .filter((r) => r !== '');
  const unique = [...new Set(list)];
  return unique.length > 0 ? unique : [DEFAULT_REGION];
}

export function isRegionName(region: string): boolean {
  return REGION_RE.test(region);
}

export function endpointFor(account: AccountConfig, region: string): string {
  return account.endpoint || `https://cloudtrail.${region}.amazonaws.com`;
}

/** Everything one fetch/validate/Lake run needs: credentials decoded once, a client per region. */
export class AwsSession {
  readonly creds: AwsCredentials;
  private readonly secrets: string[];
  private readonly provider: AwsCredentialIdentityProvider;
  private readonly clients = new Map<string, CloudTrailClient>();

  constructor(
    readonly account: AccountConfig,
    secret: string,
    private readonly opts: AwsClientOptions,
    private readonly limiterFor: (account: AccountConfig) => RateLimiter,
  ) {
    this.secrets = secretsOf(secret);
    this.creds = decodeAwsCredentials(secret);
    this.provider = sharedCredentialsFor(this.creds, opts.credentials);
  }

  redact = (text: string): string => redact(text, this.secrets);

  log(line: string): void {
    this.opts.log?.(this.redact(line));
  }

  url(region: string): string {
    return endpointFor(this.account, region);
  }

  /** Resolves the credentials (to name the access key id in messages). */
  async identity(): Promise<string> {
    const id = await this.provider();
    return id.accessKeyId;
  }

  client(region: string): CloudTrailClient {
    let c = this.clients.get(region);
    if (!c) {
      const t = this.opts.timeouts ?? {};
      c = new CloudTrailClient({
        region,
        credentials: this.provider,
        maxAttempts: this.opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        ...(this.opts.retryStrategy ? { retryStrategy: this.opts.retryStrategy } : {}),
        ...(this.account.endpoint ? { endpoint: this.account.endpoint } : {}),
        // Every try, the SDK's retries included, waits for the (account, region) limiter.
        requestHandler: new BoundedHttpHandler({
          connectMs: t.connectMs,
          responseMs: t.requestMs,
          deadlineMs: t.deadlineMs,
          limiter: this.limiter(region),
          log: (line) => this.log(line),
        }),
      });
      this.clients.set(region, c);
    }
    return c;
  }

  /** The (account, region) limiter. */
  private limiter(region: string): RateLimiter {
    // limiterPerAccount keys by account id; a region suffix gives each region its own 2 req/s budget.
    return this.limiterFor({ ...this.account, id: `${this.account.id}\u0000${region}` });
  }

  /**
   * Sends one command (each of its tries waits for the limiter, in the client's request handler);
   * logs operation, region, page, status, attempts and time; throws ApiError.
   */
  async send<O extends { $metadata?: { httpStatusCode?: number; attempts?: number } }>(
    region: string,
    operation: string,
    run: (client: CloudTrailClient, signal?: AbortSignal) => Promise<O>,
    signal: AbortSignal | undefined,
    page?: number,
    describe?: (out: O) => string,
  ): Promise<O> {
    const ctx = { operation, region, url: this.url(region), page, credentials: this.creds, redact: this.redact };
    const pageText = page !== undefined ? ` page ${page}` : '';
    const started = performance.now();
    try {
      const out = await run(this.client(region), signal);
      const ms = Math.round(performance.now() - started);
      const extra = describe ? `, ${describe(out)}` : '';
      this.log(`POST ${this.url(region)} ${operation} ${region}${pageText} → ${out.$metadata?.httpStatusCode ?? '?'} in ${ms} ms (${out.$metadata?.attempts ?? 1} attempt(s)${extra})`);
      return out;
    } catch (e) {
      const err = toApiError(e, ctx);
      const ms = Math.round(performance.now() - started);
      this.log(`POST ${this.url(region)} ${operation} ${region}${pageText} → ${err.status ?? err.kind} in ${ms} ms (${err.attempts ?? 1} attempt(s)): ${err.message}`);
      throw err;
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}

export function sessionFactory(opts: AwsClientOptions): (account: AccountConfig, secret: string) => AwsSession {
  const limiterFor = limiterPerAccount(opts.perSecond ?? DEFAULT_RATE_PER_SECOND, 1);
  return (account, secret) => new AwsSession(account, secret, opts, limiterFor);
}
