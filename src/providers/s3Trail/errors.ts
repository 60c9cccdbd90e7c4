// What the S3 client throws → one ApiError that says what to do next: which permission is missing
// (s3:ListBucket, s3:GetObject, kms:Decrypt), which region the bucket is really in, that the
// credentials expired. Credential problems read like the live CloudTrail provider's (same hints).
// Every message goes through `redact`. providers/ never imports vscode.
import { ApiError, type ApiErrorKind } from '../../core/errors';
import { describeCredentials, loginHint, type AwsCredentials } from '../awsCloudtrail/credentials';
import { EXPIRED, isAbortError, NETWORK_CODES } from '../awsCloudtrail/errors';
import { requestTimedOut } from '../awsCloudtrail/httpHandler';

export const S3_PROVIDER_NAME = 'AWS CloudTrail (S3 logs)';

export type S3Operation = 'ListObjectsV2' | 'GetObject';

export interface S3ErrorContext {
  operation: S3Operation;
  bucket: string;
  /** The prefix listed or the key read. */
  key: string;
  /** The region the request was signed for. */
  region: string;
  url: string;
  credentials?: AwsCredentials;
  redact: (text: string) => string;
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  Region?: unknown;
  Endpoint?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

const BAD_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'InvalidSecurity', 'MissingSecurityHeader', 'UnrecognizedClientException']);
const WRONG_REGION = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'MovedPermanently', 'TemporaryRedirect']);
const THROTTLED = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

/** The region S3 says the bucket is in: the x-amz-bucket-region header, else the error's <Region>. */
export function bucketRegionOf(e: unknown): string | undefined {
  const err = (e ?? {}) as SdkErrorShape;
  const headers = err.$response?.headers ?? {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'x-amz-bucket-region' && v) return v;
  if (typeof err.Region === 'string' && err.Region) return err.Region;
  // AuthorizationHeaderMalformed: "the region 'us-east-1' is wrong; expecting 'eu-west-1'".
  const m = /expecting '([a-z0-9-]+)'/.exec(typeof err.message === 'string' ? err.message : '');
  return m?.[1];
}

export function s3Url(ctx: Pick<S3ErrorContext, 'bucket' | 'key'>): string {
  return `s3://${ctx.bucket}/${ctx.key}`;
}

/** Maps anything thrown around an S3 `client.send` (or a body read) to an ApiError. */
export function toS3ApiError(e: unknown, ctx: S3ErrorContext): ApiError {
  if (e instanceof ApiError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' ? err.code : typeof err.Code === 'string' ? err.Code : '';
  const raw = ctx.redact(typeof err.message === 'string' ? err.message : String(e));
  // A try that timed out has no status, whatever the SDK's deserializer noted.
  const slow = requestTimedOut(e);
  const status = slow ? undefined : err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  const where = ctx.operation === 'ListObjectsV2' ? `listing ${s3Url(ctx)}` : `reading ${s3Url(ctx)}`;
  const make = (kind: ApiErrorKind, message: string) =>
    new ApiError({
      kind,
      provider: S3_PROVIDER_NAME,
      url: ctx.redact(s3Url(ctx)),
      message: ctx.redact(message),
      status,
      requestId: err.$metadata?.requestId,
      attempts: err.$metadata?.attempts,
      cause: e,
    });
  const detail = `${name || code || (status ? `HTTP ${status}` : 'error')}: ${raw}`;

  if (slow) return make('timeout', `${cap(where)} ${slow.detail}. The network or S3 is slow; try again.`);
  if (isAbortError(e)) return make('cancelled', `${cap(where)} was cancelled.`);
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return make('auth', `The AWS credentials could not be loaded (${raw}). To fix it, ${loginHint(ctx.credentials)}, or check that the profile exists in ~/.aws/config or ~/.aws/credentials.`);
  }
  if (EXPIRED.has(name) || /token[^.]*expired|credentials have expired/i.test(raw)) {
    return make('auth', `The AWS credentials have expired (${name || 'expired token'}: ${raw}). To fix it, ${loginHint(ctx.credentials)}.`);
  }
  if (BAD_CREDENTIALS.has(name)) {
    const whose = ctx.credentials ? ` (${describeCredentials(ctx.credentials)})` : '';
    return make(
      'auth',
      `AWS did not accept the credentials${whose} when ${where} (${detail}). Check the access key id and secret access key (or the profile's), and that the keys are still active; ${loginHint(ctx.credentials)}.`,
    );
  }
  if (WRONG_REGION.has(name) || status === 301 || status === 307) {
    const actual = bucketRegionOf(e);
    const fix = actual ? `The bucket ${ctx.bucket} is in ${actual}, not ${ctx.region}: set the region to ${actual} and try again.` : `The bucket ${ctx.bucket} is not in ${ctx.region}: set the region to the bucket's region and try again.`;
    return make('bad-request', `${fix} (S3 answered ${detail} when ${where}.)`);
  }
  if (name === 'NoSuchBucket') {
    return make('not-found', `The bucket ${ctx.bucket} does not exist (${detail}). Check the name: a trail's bucket is its S3BucketName (shown by DescribeTrails or in the CloudTrail console).`);
  }
  if (name === 'NoSuchKey' || (ctx.operation === 'GetObject' && status === 404)) {
    return make('not-found', `${s3Url(ctx)} no longer exists (${detail}): it was deleted or moved (a lifecycle rule?) after it was listed.`);
  }
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || name === 'AccessDeniedException' || status === 403) {
    const arn = `arn:aws:s3:::${ctx.bucket}`;
    const need =
      ctx.operation === 'ListObjectsV2'
        ? `the s3:ListBucket permission on ${arn} (for the prefix ${ctx.key || '(whole bucket)'})`
        : `the s3:GetObject permission on ${arn}/${ctx.key}; when the trail encrypts its logs with SSE-KMS it also needs kms:Decrypt on the trail's KMS key`;
    return make('forbidden', `Access denied ${where} (${detail}). The IAM identity needs ${need}. A bucket policy, an SCP or a VPC endpoint policy may also deny it.`);
  }
  if (name === 'KMS.DisabledException' || name === 'KMS.AccessDeniedException' || /kms/i.test(name)) {
    return make('forbidden', `The object is encrypted with SSE-KMS and its key cannot be used (${detail}) when ${where}. The IAM identity needs kms:Decrypt on the trail's KMS key, and the key must be enabled.`);
  }
  if (THROTTLED.has(name) || status === 429 || status === 503) {
    return make('rate-limited', `S3 kept throttling requests (${detail}${err.$metadata?.attempts ? `, ${err.$metadata.attempts} attempts` : ''}) when ${where}. Wait a minute, or load fewer days at once.`);
  }
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timed? ?out/i.test(name)) {
    return make('timeout', `${cap(where)} timed out (${raw}). The network or S3 is slow; try again.`);
  }
  if (err.$fault === 'server' || (status !== undefined && status >= 500)) {
    return make('server', `S3 had a server error when ${where} (${detail}). Try again later.`);
  }
  if (NETWORK_CODES.has(code) || (status === undefined && err.$fault === undefined)) {
    return make('network', `Could not reach S3 at ${ctx.url} when ${where} (${code || name || 'network error'}: ${raw}).`);
  }
  if (status !== undefined && status >= 400) return make('bad-request', `S3 rejected ${where} (${detail}).`);
  return make('invalid-response', `S3 sent a response that could not be read when ${where} (${detail}).`);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
