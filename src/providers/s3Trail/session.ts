// One S3 client (and, for DescribeTrails, one CloudTrail client) per region for an AWS account
// entry: the same stored secret as the live CloudTrail provider, decoded once, resolved once for
// every client. `send` logs each call and maps failures to ApiError. providers/ never imports vscode.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { redact, type ApiError } from '../../core/errors';
import { DEFAULT_REGION, regionsOf } from '../awsCloudtrail/client';
import { decodeAwsCredentials, secretsOf, sharedCredentialsFor, type AwsCredentials, type CredentialOptions } from '../awsCloudtrail/credentials';
import type { AccountConfig } from '../provider';
import { BoundedHttpHandler } from '../awsCloudtrail/httpHandler';
import { toS3ApiError, type S3Operation } from './errors';

/** One S3 try, headers and the whole object. */
export const S3_DEADLINE_MS = 300_000;

export interface S3SessionOptions {
  /** S3 endpoint (local servers, proxies, VPC endpoints); default: AccountConfig.endpoint unless it is a CloudTrail one. */
  endpoint?: string;
  /** CloudTrail endpoint for DescribeTrails; default: AccountConfig.endpoint. */
  cloudTrailEndpoint?: string;
  /** The region to sign for when a location names none; default: the account's first region. */
  region?: string;
  log?: (line: string) => void;
  /** Attempts per request (the SDK retries throttling, 5xx and network errors); default 3. */
  maxAttempts?: number;
  /**
   * Per try: connectMs (default 10 s), requestMs for the response headers (default 30 s),
   * deadlineMs for the whole try, headers and body (default 5 min for S3: log objects can be large).
   */
  timeouts?: { connectMs?: number; requestMs?: number; deadlineMs?: number };
  credentials?: CredentialOptions;
}

/** An endpoint override meant for the CloudTrail API would send S3 requests to the wrong service. */
function looksLikeCloudTrailEndpoint(url: string): boolean {
  try {
    return /^cloudtrail[.-]/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

export class S3TrailSession {
  readonly creds: AwsCredentials;
  readonly defaultRegion: string;
  readonly endpoint: string | undefined;
  private readonly secrets: string[];
  private readonly provider: AwsCredentialIdentityProvider;
  private readonly s3Clients = new Map<string, S3Client>();
  private readonly ctClients = new Map<string, CloudTrailClient>();

  constructor(
    readonly account: AccountConfig,
    secret: string,
    private readonly opts: S3SessionOptions = {},
  ) {
    this.secrets = secretsOf(secret);
    this.creds = decodeAwsCredentials(secret);
    this.provider = sharedCredentialsFor(this.creds, opts.credentials);
    this.defaultRegion = opts.region ?? (account.region ? regionsOf(account)[0] : DEFAULT_REGION);
    const fromAccount = account.endpoint && !looksLikeCloudTrailEndpoint(account.endpoint) ? account.endpoint : undefined;
    this.endpoint = opts.endpoint ?? fromAccount;
  }

  redact = (text: string): string => redact(text, this.secrets);

  log(line: string): void {
    this.opts.log?.(this.redact(line));
  }

  /** Where requests for a region go, for messages. */
  url(region: string): string {
    return this.endpoint ?? `https://s3.${region}.amazonaws.com`;
  }

  /** Where DescribeTrails goes for a region, for messages. */
  cloudTrailUrl(region: string): string {
    return this.opts.cloudTrailEndpoint || this.account.endpoint || `https://cloudtrail.${region}.amazonaws.com`;
  }

  s3(region: string = this.defaultRegion): S3Client {
    let c = this.s3Clients.get(region);
    if (!c) {
      const t = this.opts.timeouts ?? {};
      c = new S3Client({
        region,
        credentials: this.provider,
        maxAttempts: this.opts.maxAttempts ?? 3,
        // Local servers (and most proxies) have no per-bucket host names.
        ...(this.endpoint ? { endpoint: this.endpoint, forcePathStyle: true } : {}),
        // The bucket's region is part of the location (a wrong one becomes a clear error, not a silent extra request).
        followRegionRedirects: false,
        requestHandler: new BoundedHttpHandler({ connectMs: t.connectMs, responseMs: t.requestMs, deadlineMs: t.deadlineMs ?? S3_DEADLINE_MS, log: (line) => this.log(line) }),
      });
      this.s3Clients.set(region, c);
    }
    return c;
  }

  cloudTrail(region: string = this.defaultRegion): CloudTrailClient {
    let c = this.ctClients.get(region);
    if (!c) {
      const endpoint = this.opts.cloudTrailEndpoint ?? this.account.endpoint;
      const t = this.opts.timeouts ?? {};
      c = new CloudTrailClient({
        region,
        credentials: this.provider,
        maxAttempts: this.opts.maxAttempts ?? 3,
        ...(endpoint ? { endpoint } : {}),
        requestHandler: new BoundedHttpHandler({ connectMs: t.connectMs, responseMs: t.requestMs, deadlineMs: t.deadlineMs, log: (line) => this.log(line) }),
      });
      this.ctClients.set(region, c);
    }
    return c;
  }

  /** Sends one S3 command; logs it; throws ApiError. */
  async send<O extends { $metadata?: { httpStatusCode?: number; attempts?: number } }>(
    operation: S3Operation,
    target: { bucket: string; key: string; region?: string },
    run: (client: S3Client) => Promise<O>,
    describe?: (out: O) => string,
  ): Promise<O> {
    const region = target.region ?? this.defaultRegion;
    const started = performance.now();
    const label = `${operation} s3://${target.bucket}/${target.key} (${region})`;
    try {
      const out = await run(this.s3(region));
      const extra = describe ? `, ${describe(out)}` : '';
      this.log(`${label} → ${out.$metadata?.httpStatusCode ?? '?'} in ${Math.round(performance.now() - started)} ms (${out.$metadata?.attempts ?? 1} attempt(s)${extra})`);
      return out;
    } catch (e) {
      const err = this.error(e, operation, target);
      this.log(`${label} → ${err.status ?? err.kind} in ${Math.round(performance.now() - started)} ms: ${err.message}`);
      throw err;
    }
  }

  error(e: unknown, operation: S3Operation, target: { bucket: string; key: string; region?: string }): ApiError {
    const region = target.region ?? this.defaultRegion;
    return toS3ApiError(e, { operation, bucket: target.bucket, key: target.key, region, url: this.url(region), credentials: this.creds, redact: this.redact });
  }

  close(): void {
    for (const c of this.s3Clients.values()) c.destroy();
    for (const c of this.ctClients.values()) c.destroy();
    this.s3Clients.clear();
    this.ctClients.clear();
  }
}

/** A session for one account entry and its stored secret (throws an 'auth' ApiError for an unusable secret). */
export function openS3Session(account: AccountConfig, secret: string, opts: S3SessionOptions = {}): S3TrailSession {
  return new S3TrailSession(account, secret, opts);
}
