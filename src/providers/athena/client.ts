// The Athena SDK client for one AWS account entry and Region, with the same credential handling as
// the CloudTrail provider (awsCloudtrail/credentials.ts: the stored secret decoded once, secrets
// redacted from every message and log line), a client-side rate limit, and one `send` that logs the
// call and maps failures to ApiError. providers/ never imports vscode.
import { AthenaClient, type AthenaClientConfig } from '@aws-sdk/client-athena';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { redact } from '../../core/errors';
import type { RateLimiter } from '../../core/rateLimit';
import { credentialsFor, decodeAwsCredentials, secretsOf, type AwsCredentials, type CredentialOptions } from '../awsCloudtrail/credentials';
import { limiterPerAccount } from '../fetchSupport';
import type { AccountConfig } from '../provider';
import { BoundedHttpHandler } from '../awsCloudtrail/httpHandler';
import { athenaApiError } from './errors';

/**
 * Athena's API quotas are per account and Region (GetQueryExecution 100/s, StartQueryExecution 20/s
 * by default); polling never needs more than a few calls a second, and staying low leaves room for
 * other tools sharing the quota.
 */
export const DEFAULT_ATHENA_RATE_PER_SECOND = 5;
/** Tries per call, as HttpClient (timeouts are not retried: awsCloudtrail/httpHandler.ts). */
export const DEFAULT_ATHENA_MAX_ATTEMPTS = 4;

export interface AthenaClientOptions {
  log?: (line: string) => void;
  perSecond?: number;
  maxAttempts?: number;
  /** The SDK's retry strategy (tests use a short fixed backoff); default: the SDK's standard one. */
  retryStrategy?: AthenaClientConfig['retryStrategy'];
  /** As AwsClientOptions.timeouts: connect, response headers, and the whole try (deadlineMs). */
  timeouts?: { connectMs?: number; requestMs?: number; deadlineMs?: number };
  credentials?: CredentialOptions;
}

export function athenaEndpoint(region: string, override?: string): string {
  return override || `https://athena.${region}.amazonaws.com`;
}

export class AthenaSession {
  readonly creds: AwsCredentials;
  private readonly secrets: string[];
  private readonly provider: AwsCredentialIdentityProvider;
  private client?: AthenaClient;
  readonly url: string;

  constructor(
    readonly account: AccountConfig,
    secret: string,
    readonly region: string,
    private readonly endpoint: string | undefined,
    private readonly opts: AthenaClientOptions,
    private readonly limiter: RateLimiter,
  ) {
    this.secrets = secretsOf(secret);
    this.creds = decodeAwsCredentials(secret);
    this.provider = credentialsFor(this.creds, opts.credentials);
    this.url = athenaEndpoint(region, endpoint);
  }

  redact = (text: string): string => redact(text, this.secrets);

  log(line: string): void {
    this.opts.log?.(this.redact(line));
  }

  private sdk(): AthenaClient {
    if (!this.client) {
      const t = this.opts.timeouts ?? {};
      this.client = new AthenaClient({
        region: this.region,
        credentials: this.provider,
        maxAttempts: this.opts.maxAttempts ?? DEFAULT_ATHENA_MAX_ATTEMPTS,
        ...(this.opts.retryStrategy ? { retryStrategy: this.opts.retryStrategy } : {}),
        ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        // Every try, the SDK's retries included, waits for the limiter.
        requestHandler: new BoundedHttpHandler({
          connectMs: t.connectMs,
          responseMs: t.requestMs,
          deadlineMs: t.deadlineMs,
          limiter: this.limiter,
          log: (line) => this.log(line),
        }),
      });
    }
    return this.client;
  }

  /** Sends one command (each try waits for the limiter); logs operation, status, attempts and time; throws ApiError. */
  async send<O extends { $metadata?: { httpStatusCode?: number; attempts?: number } }>(
    operation: string,
    run: (client: AthenaClient, signal?: AbortSignal) => Promise<O>,
    signal: AbortSignal | undefined,
    page?: number,
    describe?: (out: O) => string,
  ): Promise<O> {
    const ctx = { operation, region: this.region, url: this.url, page, credentials: this.creds, redact: this.redact };
    const pageText = page !== undefined ? ` page ${page}` : '';
    const started = performance.now();
    try {
      const out = await run(this.sdk(), signal);
      const ms = Math.round(performance.now() - started);
      const extra = describe ? `, ${describe(out)}` : '';
      this.log(`POST ${this.url} ${operation} ${this.region}${pageText} → ${out.$metadata?.httpStatusCode ?? '?'} in ${ms} ms (${out.$metadata?.attempts ?? 1} attempt(s)${extra})`);
      return out;
    } catch (e) {
      const err = athenaApiError(e, ctx);
      const ms = Math.round(performance.now() - started);
      this.log(`POST ${this.url} ${operation} ${this.region}${pageText} → ${err.status ?? err.kind} in ${ms} ms (${err.attempts ?? 1} attempt(s)): ${err.message}`);
      throw err;
    }
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}

/** Sessions share one limiter per (account entry, Region) across calls. */
export function athenaSessionFactory(opts: AthenaClientOptions): (account: AccountConfig, secret: string, region: string, endpoint?: string) => AthenaSession {
  const limiterFor = limiterPerAccount(opts.perSecond ?? DEFAULT_ATHENA_RATE_PER_SECOND, 2);
  return (account, secret, region, endpoint) => new AthenaSession(account, secret, region, endpoint, opts, limiterFor({ ...account, id: `${account.id}\u0000athena\u0000${region}` }));
}
