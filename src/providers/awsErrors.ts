// What an AWS SDK client throws (service exceptions named by their `name`, credential-provider
// errors, Node network errors, aborts, a try that timed out) → one ApiError whose message says what
// to do next. The checks and their order are the same for every AWS service; each service (CloudTrail,
// Athena, S3) gives its exception names, its wording and the checks only it has, as hooks. Every
// message goes through the context's `redact`. providers/ never imports vscode.
import { ApiError, type ApiErrorKind } from '../core/errors';
import { describeCredentials, loginHint, type AwsCredentials } from './awsCloudtrail/credentials';
import { requestTimedOut } from './awsCloudtrail/httpHandler';

/** What every service's error context has. */
export interface AwsErrorContext {
  /** The endpoint the client talks to (the override, or the public one). */
  url: string;
  page?: number;
  credentials?: AwsCredentials;
  redact: (text: string) => string;
}

/** The fields of an SDK error the mapping reads (any of them may be missing). */
export interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  /** S3's XML error code. */
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  [field: string]: unknown;
}

/** One thrown value, read once. */
export interface AwsErrorFacts {
  error: unknown;
  fields: SdkErrorShape;
  name: string;
  code: string;
  /** The error's message, redacted. */
  raw: string;
  /** Undefined when the try timed out (whatever the SDK's deserializer noted). */
  status?: number;
  attempts?: number;
}

export type MakeApiError = (kind: ApiErrorKind, message: string) => ApiError;

/** A service's part: its names, its wording, and the checks only it has. */
export interface AwsErrorService<C extends AwsErrorContext> {
  provider: string;
  /** How the service is named in messages ("AWS CloudTrail", "Athena"). */
  label: string;
  /** Who is slow when a try times out ("AWS", "S3"). */
  slowParty: string;
  /** The operation and where, as messages name it ("LookupEvents in us-east-1", "listing s3://b/p"). */
  where(ctx: C): string;
  /** The subject of the timeout messages (default: `where`, capitalised). */
  subject?(ctx: C): string;
  /** The ApiError's url (default: the context's). */
  errorUrl?(ctx: C): string;
  /** S3's XML errors: the code may be `Code`, the status only on the raw response. */
  xmlErrors?: boolean;
  badCredentials: ReadonlySet<string>;
  forbidden: ReadonlySet<string>;
  throttled: ReadonlySet<string>;
  /** Statuses besides 429 that mean throttling (S3's 503 SlowDown). */
  throttledStatuses?: readonly number[];
  /** Exception names that mean a server fault besides a 5xx status or `$fault: server`. */
  serverNames?: ReadonlySet<string>;
  /** Message text that means expired credentials. */
  expiredText?: RegExp;
  /** The service's own checks after the credential checks, before access denied. */
  beforeAccess?(f: AwsErrorFacts, ctx: C, make: MakeApiError): ApiError | undefined;
  /** The service's own checks after access denied, before throttling. */
  afterAccess?(f: AwsErrorFacts, ctx: C, make: MakeApiError): ApiError | undefined;
  /** The service's own checks after throttling, before timeouts and server errors. */
  afterThrottling?(f: AwsErrorFacts, ctx: C, make: MakeApiError): ApiError | undefined;
  say: {
    credentialsNotLoaded(f: AwsErrorFacts, ctx: C): string;
    /** `whose`: " (profile dev)" or "". */
    credentialsRejected(f: AwsErrorFacts, ctx: C, whose: string): string;
    forbidden(f: AwsErrorFacts, ctx: C): string;
    throttled(f: AwsErrorFacts, ctx: C): string;
    server?(f: AwsErrorFacts, ctx: C): string;
    network?(f: AwsErrorFacts, ctx: C): string;
    rejected?(f: AwsErrorFacts, ctx: C): string;
    unreadable?(f: AwsErrorFacts, ctx: C): string;
  };
}

/** Expired-credential error names, the same for every AWS service. */
export const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired']);
/** Names for credentials a JSON-protocol service (CloudTrail, Athena) did not accept. */
export const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);
/** Names for a call the credentials may not make. */
export const FORBIDDEN = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'NotAuthorized']);
/** Names for throttling. */
export const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'SlowDown']);
/** Node's codes for a request that never got an answer. */
export const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const EXPIRED_TEXT = /security token[^.]*expired|token has expired|credentials have expired/i;

/** What rejected credentials need, said the same for every service. */
export const CHECK_KEYS = "Check the access key id and secret access key (or the profile's), and that the keys are still active";

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: unknown }).code === 'ABORT_ERR');
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Reads what `e` says (name, code, status, attempts), its message redacted. */
export function awsErrorFacts(e: unknown, redact: (text: string) => string, xml = false): AwsErrorFacts & { slowDetail?: string; requestId?: string } {
  const fields = (e ?? {}) as SdkErrorShape;
  const name = typeof fields.name === 'string' ? fields.name : '';
  const code = typeof fields.code === 'string' ? fields.code : xml && typeof fields.Code === 'string' ? fields.Code : '';
  const slow = requestTimedOut(e);
  const status = slow ? undefined : (fields.$metadata?.httpStatusCode ?? (xml ? fields.$response?.statusCode : undefined));
  return {
    error: e,
    fields,
    name,
    code,
    raw: redact(typeof fields.message === 'string' ? fields.message : String(e)),
    status,
    attempts: fields.$metadata?.attempts,
    requestId: fields.$metadata?.requestId,
    slowDetail: slow?.detail,
  };
}

/** Maps anything thrown around a service's `client.send` (or a credential provider) to an ApiError. */
export function mapAwsError<C extends AwsErrorContext>(e: unknown, ctx: C, service: AwsErrorService<C>): ApiError {
  if (e instanceof ApiError) return e;
  const f = awsErrorFacts(e, ctx.redact, service.xmlErrors);
  const { name, code, raw, status } = f;
  const make: MakeApiError = (kind, message) =>
    new ApiError({
      kind,
      provider: service.provider,
      url: ctx.redact(service.errorUrl ? service.errorUrl(ctx) : ctx.url),
      message: ctx.redact(message),
      status,
      requestId: f.requestId,
      page: ctx.page,
      attempts: f.attempts,
      cause: e,
    });
  const where = service.where(ctx);
  const subject = service.subject ? service.subject(ctx) : cap(where);
  const say = service.say;
  const detail = `${name || `HTTP ${status}`}: ${raw}${f.attempts ? `, ${f.attempts} attempts` : ''}`;

  if (f.slowDetail) return make('timeout', `${subject} ${f.slowDetail}. The network or ${service.slowParty} is slow; try again.`);
  if (isAbortError(e)) return make('cancelled', `${cap(where)} was cancelled.`);
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') return make('auth', say.credentialsNotLoaded(f, ctx));
  if (EXPIRED.has(name) || (service.expiredText ?? EXPIRED_TEXT).test(raw)) {
    return make('auth', `The AWS credentials have expired (${name || 'expired token'}: ${raw}). To fix it, ${loginHint(ctx.credentials)}.`);
  }
  if (service.badCredentials.has(name)) return make('auth', say.credentialsRejected(f, ctx, ctx.credentials ? ` (${describeCredentials(ctx.credentials)})` : ''));
  const early = service.beforeAccess?.(f, ctx, make);
  if (early) return early;
  if (service.forbidden.has(name) || status === 403) return make('forbidden', say.forbidden(f, ctx));
  const late = service.afterAccess?.(f, ctx, make);
  if (late) return late;
  if (service.throttled.has(name) || status === 429 || (status !== undefined && service.throttledStatuses?.includes(status))) return make('rate-limited', say.throttled(f, ctx));
  const later = service.afterThrottling?.(f, ctx, make);
  if (later) return later;
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timed? ?out/i.test(name)) {
    return make('timeout', `${subject} timed out (${raw}). The network or ${service.slowParty} is slow; try again.`);
  }
  if (service.serverNames?.has(name) || f.fields.$fault === 'server' || (status !== undefined && status >= 500)) {
    return make('server', say.server ? say.server(f, ctx) : `${service.label} had a server error on ${where} (${detail}). Try again later.`);
  }
  if (NETWORK_CODES.has(code) || (status === undefined && f.fields.$fault === undefined)) {
    return make('network', say.network ? say.network(f, ctx) : `Could not reach ${service.label} for ${where} at ${ctx.url} (${code || name || 'network error'}: ${raw}).`);
  }
  if (status !== undefined && status >= 400) return make('bad-request', say.rejected ? say.rejected(f, ctx) : `${service.label} rejected ${where} (${name || `HTTP ${status}`}: ${raw}).`);
  return make('invalid-response', say.unreadable ? say.unreadable(f, ctx) : `${service.label} sent a response to ${where} that could not be read (${name}: ${raw}).`);
}
