// S3's part of the AWS error mapping (awsErrors.ts): which permission is missing (s3:ListBucket,
// s3:GetObject, kms:Decrypt), which region the bucket is really in, a bucket or key that does not
// exist. Credential problems read like the live CloudTrail provider's (same hints). Every message
// goes through `redact`. providers/ never imports vscode.
import type { ApiError } from '../../core/errors';
import { loginHint } from '../awsCloudtrail/credentials';
import { CHECK_KEYS, mapAwsError, type AwsErrorContext, type AwsErrorFacts, type AwsErrorService, type SdkErrorShape } from '../awsErrors';

export const S3_PROVIDER_NAME = 'AWS CloudTrail (S3 logs)';

export type S3Operation = 'ListObjectsV2' | 'GetObject';

export interface S3ErrorContext extends AwsErrorContext {
  operation: S3Operation;
  bucket: string;
  /** The prefix listed or the key read. */
  key: string;
  /** The region the request was signed for. */
  region: string;
}

const BAD_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'InvalidSecurity', 'MissingSecurityHeader', 'UnrecognizedClientException']);
const WRONG_REGION = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'MovedPermanently', 'TemporaryRedirect']);
const THROTTLED = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

/** The region S3 says the bucket is in: the x-amz-bucket-region header, else the error's <Region>. */
export function bucketRegionOf(e: unknown): string | undefined {
  const err = (e ?? {}) as SdkErrorShape & { Region?: unknown };
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

const where = (ctx: S3ErrorContext) => (ctx.operation === 'ListObjectsV2' ? `listing ${s3Url(ctx)}` : `reading ${s3Url(ctx)}`);
/** S3's messages name the error as it came: its name, else its code, else the status. */
const detail = ({ name, code, status, raw }: AwsErrorFacts) => `${name || code || (status ? `HTTP ${status}` : 'error')}: ${raw}`;

const S3: AwsErrorService<S3ErrorContext> = {
  provider: S3_PROVIDER_NAME,
  label: 'S3',
  slowParty: 'S3',
  where,
  errorUrl: s3Url,
  xmlErrors: true,
  badCredentials: BAD_CREDENTIALS,
  forbidden: new Set(['AccessDenied', 'AllAccessDisabled', 'AccessDeniedException']),
  throttled: THROTTLED,
  throttledStatuses: [503],
  expiredText: /token[^.]*expired|credentials have expired/i,
  beforeAccess(f, ctx, make) {
    const { name, status } = f;
    if (WRONG_REGION.has(name) || status === 301 || status === 307) {
      const actual = bucketRegionOf(f.error);
      const fix = actual ? `The bucket ${ctx.bucket} is in ${actual}, not ${ctx.region}: set the region to ${actual} and try again.` : `The bucket ${ctx.bucket} is not in ${ctx.region}: set the region to the bucket's region and try again.`;
      return make('bad-request', `${fix} (S3 answered ${detail(f)} when ${where(ctx)}.)`);
    }
    if (name === 'NoSuchBucket') {
      return make('not-found', `The bucket ${ctx.bucket} does not exist (${detail(f)}). Check the name: a trail's bucket is its S3BucketName (shown by DescribeTrails or in the CloudTrail console).`);
    }
    if (name === 'NoSuchKey' || (ctx.operation === 'GetObject' && status === 404)) {
      return make('not-found', `${s3Url(ctx)} no longer exists (${detail(f)}): it was deleted or moved (a lifecycle rule?) after it was listed.`);
    }
    return undefined;
  },
  afterAccess(f, ctx, make) {
    if (f.name === 'KMS.DisabledException' || f.name === 'KMS.AccessDeniedException' || /kms/i.test(f.name)) {
      return make('forbidden', `The object is encrypted with SSE-KMS and its key cannot be used (${detail(f)}) when ${where(ctx)}. The IAM identity needs kms:Decrypt on the trail's KMS key, and the key must be enabled.`);
    }
    return undefined;
  },
  say: {
    credentialsNotLoaded: ({ raw }, ctx) =>
      `The AWS credentials could not be loaded (${raw}). To fix it, ${loginHint(ctx.credentials)}, or check that the profile exists in ~/.aws/config or ~/.aws/credentials.`,
    credentialsRejected: (f, ctx, whose) => `AWS did not accept the credentials${whose} when ${where(ctx)} (${detail(f)}). ${CHECK_KEYS}; ${loginHint(ctx.credentials)}.`,
    forbidden(f, ctx) {
      const arn = `arn:aws:s3:::${ctx.bucket}`;
      const need =
        ctx.operation === 'ListObjectsV2'
          ? `the s3:ListBucket permission on ${arn} (for the prefix ${ctx.key || '(whole bucket)'})`
          : `the s3:GetObject permission on ${arn}/${ctx.key}; when the trail encrypts its logs with SSE-KMS it also needs kms:Decrypt on the trail's KMS key`;
      return `Access denied ${where(ctx)} (${detail(f)}). The IAM identity needs ${need}. A bucket policy, an SCP or a VPC endpoint policy may also deny it.`;
    },
    throttled: (f, ctx) => `S3 kept throttling requests (${detail(f)}${f.attempts ? `, ${f.attempts} attempts` : ''}) when ${where(ctx)}. Wait a minute, or load fewer days at once.`,
    server: (f, ctx) => `S3 had a server error when ${where(ctx)} (${detail(f)}). Try again later.`,
    network: ({ code, name, raw }, ctx) => `Could not reach S3 at ${ctx.url} when ${where(ctx)} (${code || name || 'network error'}: ${raw}).`,
    rejected: (f, ctx) => `S3 rejected ${where(ctx)} (${detail(f)}).`,
    unreadable: (f, ctx) => `S3 sent a response that could not be read when ${where(ctx)} (${detail(f)}).`,
  },
};

/** Maps anything thrown around an S3 `client.send` (or a body read) to an ApiError. */
export function toS3ApiError(e: unknown, ctx: S3ErrorContext): ApiError {
  return mapAwsError(e, ctx, S3);
}
