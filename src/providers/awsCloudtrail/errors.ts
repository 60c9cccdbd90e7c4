// What the AWS SDK throws (service exceptions named by their `__type`, credential-provider errors,
// Node network errors, aborts) → one ApiError with a message that says what to do next. Every
// message goes through `redact` with the secret key, session token and the whole stored string.
// providers/ never imports vscode.
import { ApiError, type ApiErrorKind } from '../../core/errors';
import { describeCredentials, loginHint, PROVIDER_NAME, type AwsCredentials } from './credentials';
import { requestTimedOut } from './httpHandler';

export interface ErrorContext {
  /** e.g. "LookupEvents", "StartQuery". */
  operation: string;
  region: string;
  /** The endpoint the client talks to (the override, or the public regional one). */
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
}

/** Expired-credential error names, the same for every AWS service (S3 and Athena use them too). */
export const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'CloudTrailInvalidClientTokenIdException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'InvalidTokenException',
]);
const FORBIDDEN = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'NotAuthorized', 'OperationNotPermittedException']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException', 'SlowDown']);
const BAD_REQUEST = new Set([
  'InvalidTimeRangeException',
  'InvalidLookupAttributesException',
  'InvalidMaxResultsException',
  'InvalidNextTokenException',
  'InvalidEventCategoryException',
  'InvalidParameterException',
  'InvalidQueryStatementException',
  'InvalidDateRangeException',
  'InvalidQueryStatusException',
  'InactiveQueryException',
  'ValidationException',
  'UnsupportedOperationException',
]);
const NOT_FOUND = new Set(['EventDataStoreNotFoundException', 'QueryIdNotFoundException', 'InactiveEventDataStoreException', 'EventDataStoreARNInvalidException']);
/** Node's codes for a request that never got an answer. */
export const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Permissions the caller needs, named in 'forbidden' messages. */
function permissionFor(operation: string): string {
  return `cloudtrail:${operation}`;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: unknown }).code === 'ABORT_ERR');
}

/** Maps anything thrown around `client.send` (or a credential provider) to an ApiError. */
export function toApiError(e: unknown, ctx: ErrorContext): ApiError {
  if (e instanceof ApiError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' ? err.code : '';
  const raw = ctx.redact(typeof err.message === 'string' ? err.message : String(e));
  // A try that timed out has no status, whatever the SDK's deserializer noted.
  const slow = requestTimedOut(e);
  const status = slow ? undefined : err.$metadata?.httpStatusCode;
  const attempts = err.$metadata?.attempts;
  const requestId = err.$metadata?.requestId;
  const where = `${ctx.operation} in ${ctx.region}`;
  const make = (kind: ApiErrorKind, message: string) =>
    new ApiError({
      kind,
      provider: PROVIDER_NAME,
      url: ctx.redact(ctx.url),
      message: ctx.redact(message),
      status,
      requestId,
      page: ctx.page,
      attempts,
      cause: e,
    });

  if (slow) return make('timeout', `${where} ${slow.detail}. The network or AWS is slow; try again.`);
  if (isAbortError(e)) return make('cancelled', `${where} was cancelled.`);
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    const sso = /sso|token/i.test(raw);
    return make(
      'auth',
      `The AWS credentials could not be loaded (${raw})${sso ? '' : '.'} To fix it, ${loginHint(ctx.credentials)}${sso ? '' : ', or check that the profile exists in ~/.aws/config or ~/.aws/credentials'}.`,
    );
  }
  if (EXPIRED.has(name) || /security token[^.]*expired|token has expired|credentials have expired/i.test(raw)) {
    return make('auth', `The AWS credentials have expired (${name || 'expired token'}: ${raw}). To fix it, ${loginHint(ctx.credentials)}.`);
  }
  if (BAD_CREDENTIALS.has(name)) {
    const whose = ctx.credentials ? ` (${describeCredentials(ctx.credentials)})` : '';
    return make('auth', `AWS did not accept the credentials${whose} for ${where} (${name}: ${raw}). Check the access key id and secret access key (or the profile's), and that the keys are still active; ${loginHint(ctx.credentials)}.`);
  }
  if (FORBIDDEN.has(name) || status === 403) {
    return make(
      'forbidden',
      `The credentials may not call ${where} (${name || 'HTTP 403'}: ${raw}). The IAM identity needs the ${permissionFor(ctx.operation)} permission (for example the AWSCloudTrail_ReadOnlyAccess policy); an SCP or permission boundary may also deny it.`,
    );
  }
  if (THROTTLED.has(name) || status === 429) {
    return make(
      'rate-limited',
      `AWS CloudTrail kept throttling ${where} (${name || 'HTTP 429'}${attempts ? ` after ${attempts} attempts` : ''}). LookupEvents allows 2 requests per second per account and Region, shared with every other tool using these credentials. Wait a minute and fetch again, or narrow the time range.`,
    );
  }
  if (BAD_REQUEST.has(name)) return make('bad-request', `AWS CloudTrail rejected ${where} (${name}: ${raw}).`);
  if (NOT_FOUND.has(name)) return make('not-found', `${where}: ${name}: ${raw}.`);
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timed? ?out/i.test(name)) {
    return make('timeout', `${where} timed out (${raw}). The network or AWS is slow; try again.`);
  }
  if (err.$fault === 'server' || (status !== undefined && status >= 500)) {
    return make('server', `AWS CloudTrail had a server error on ${where} (${name || `HTTP ${status}`}: ${raw}${attempts ? `, ${attempts} attempts` : ''}). Try again later.`);
  }
  if (NETWORK_CODES.has(code) || (status === undefined && err.$fault === undefined)) {
    return make('network', `Could not reach AWS CloudTrail for ${where} at ${ctx.url} (${code || name || 'network error'}: ${raw}).`);
  }
  if (status !== undefined && status >= 400) return make('bad-request', `AWS CloudTrail rejected ${where} (${name || `HTTP ${status}`}: ${raw}).`);
  return make('invalid-response', `AWS CloudTrail sent a response to ${where} that could not be read (${name}: ${raw}).`);
}
