// What the Athena SDK client throws → one ApiError whose message says what to do next. Same shape as
// awsCloudtrail/errors.ts (whose credential helpers it reuses), with Athena's own exceptions and
// permissions. Every message goes through `redact`. providers/ never imports vscode.
import { ApiError, type ApiErrorKind } from '../../core/errors';
import { describeCredentials, loginHint, type AwsCredentials } from '../awsCloudtrail/credentials';
import { EXPIRED, isAbortError, NETWORK_CODES } from '../awsCloudtrail/errors';
import { requestTimedOut } from '../awsCloudtrail/httpHandler';

export const ATHENA_PROVIDER_NAME = 'Amazon Athena';

export interface AthenaErrorContext {
  /** e.g. "StartQueryExecution". */
  operation: string;
  region: string;
  url: string;
  page?: number;
  credentials?: AwsCredentials;
  redact: (text: string) => string;
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  AthenaErrorCode?: unknown;
  Reason?: unknown;
}

const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);
const FORBIDDEN = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'NotAuthorized']);
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'SlowDown']);

/** Maps anything thrown around `client.send` (or a credential provider) to an ApiError. */
export function athenaApiError(e: unknown, ctx: AthenaErrorContext): ApiError {
  if (e instanceof ApiError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' ? err.code : '';
  const raw = ctx.redact(typeof err.message === 'string' ? err.message : String(e));
  // A try that timed out has no status, whatever the SDK's deserializer noted.
  const slow = requestTimedOut(e);
  const status = slow ? undefined : err.$metadata?.httpStatusCode;
  const attempts = err.$metadata?.attempts;
  const where = `${ctx.operation} in ${ctx.region}`;
  const make = (kind: ApiErrorKind, message: string) =>
    new ApiError({
      kind,
      provider: ATHENA_PROVIDER_NAME,
      url: ctx.redact(ctx.url),
      message: ctx.redact(message),
      status,
      requestId: err.$metadata?.requestId,
      page: ctx.page,
      attempts,
      cause: e,
    });

  if (slow) return make('timeout', `Athena ${where} ${slow.detail}. The network or AWS is slow; try again.`);
  if (isAbortError(e)) return make('cancelled', `${where} was cancelled.`);
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return make('auth', `The AWS credentials could not be loaded (${raw}). To fix it, ${loginHint(ctx.credentials)}.`);
  }
  if (EXPIRED.has(name) || /security token[^.]*expired|token has expired|credentials have expired/i.test(raw)) {
    return make('auth', `The AWS credentials have expired (${name || 'expired token'}: ${raw}). To fix it, ${loginHint(ctx.credentials)}.`);
  }
  if (BAD_CREDENTIALS.has(name)) {
    const whose = ctx.credentials ? ` (${describeCredentials(ctx.credentials)})` : '';
    return make('auth', `AWS did not accept the credentials${whose} for Athena ${where} (${name}: ${raw}). ${loginHint(ctx.credentials)}.`);
  }
  if (FORBIDDEN.has(name) || status === 403) {
    return make(
      'forbidden',
      `The credentials may not call Athena ${where} (${name || 'HTTP 403'}: ${raw}). The IAM identity needs athena:${ctx.operation} on the workgroup, plus glue:GetTable/GetDatabase on the table and s3:GetObject/ListBucket on the trail's bucket and s3:PutObject on the query results location.`,
    );
  }
  if (THROTTLED.has(name) || status === 429) {
    const reason = typeof err.Reason === 'string' ? ` (${err.Reason})` : '';
    return make(
      'rate-limited',
      `Athena kept throttling ${where}${reason}${attempts ? ` after ${attempts} attempts` : ''}: ${raw}. Too many queries are running in this account and Region (the workgroup's concurrency quota); wait for them to finish and try again.`,
    );
  }
  if (name === 'InvalidRequestException') {
    const ec = typeof err.AthenaErrorCode === 'string' ? ` [${err.AthenaErrorCode}]` : '';
    return make('bad-request', `Athena rejected ${where}${ec}: ${raw}`);
  }
  if (name === 'ResourceNotFoundException' || name === 'MetadataException') return make('not-found', `Athena ${where}: ${name}: ${raw}`);
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timed? ?out/i.test(name)) {
    return make('timeout', `Athena ${where} timed out (${raw}). The network or AWS is slow; try again.`);
  }
  if (name === 'InternalServerException' || err.$fault === 'server' || (status !== undefined && status >= 500)) {
    return make('server', `Athena had a server error on ${where} (${name || `HTTP ${status}`}: ${raw}${attempts ? `, ${attempts} attempts` : ''}). Try again later.`);
  }
  if (NETWORK_CODES.has(code) || (status === undefined && err.$fault === undefined)) {
    return make('network', `Could not reach Athena for ${where} at ${ctx.url} (${code || name || 'network error'}: ${raw}).`);
  }
  if (status !== undefined && status >= 400) return make('bad-request', `Athena rejected ${where} (${name || `HTTP ${status}`}: ${raw}).`);
  return make('invalid-response', `Athena sent a response to ${where} that could not be read (${name}: ${raw}).`);
}

/** A query that ended FAILED or CANCELLED on the Athena side: the StateChangeReason, classified. */
export function queryEndedError(state: string, reason: string | undefined, queryId: string, url: string): ApiError {
  const why = reason ? `: ${reason}` : '';
  if (state === 'CANCELLED') {
    return new ApiError({ kind: 'server', provider: ATHENA_PROVIDER_NAME, url, message: `The Athena query ${queryId} was cancelled on the AWS side${why}.` });
  }
  // Missing S3 or Glue permissions surface as a failed query, not as an API error. "not authorized"
  // alone is not enough: Athena says "cannot be resolved or requester is not authorized" for a typo.
  const denied = reason !== undefined && /access denied|permission denied|AccessDenied/i.test(reason);
  const kind: ApiErrorKind = denied ? 'forbidden' : 'bad-request';
  const hint = denied ? ' Check s3:GetObject/ListBucket on the trail bucket, s3:PutObject on the results location and the Glue table permissions.' : '';
  return new ApiError({ kind, provider: ATHENA_PROVIDER_NAME, url, message: `The Athena query ${queryId} failed${why}.${hint}` });
}
