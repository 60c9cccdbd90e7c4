// CloudTrail's part of the AWS error mapping (awsErrors.ts): its exception names, the permission a
// 'forbidden' message names, LookupEvents' throttling budget. providers/ never imports vscode.
import type { ApiError } from '../../core/errors';
import {
  BAD_CREDENTIALS as AWS_BAD_CREDENTIALS,
  CHECK_KEYS,
  FORBIDDEN as AWS_FORBIDDEN,
  mapAwsError,
  THROTTLED as AWS_THROTTLED,
  type AwsErrorContext,
  type AwsErrorService,
} from '../awsErrors';
import { loginHint, PROVIDER_NAME } from './credentials';

export interface ErrorContext extends AwsErrorContext {
  /** e.g. "LookupEvents", "StartQuery". */
  operation: string;
  region: string;
}

const BAD_CREDENTIALS = new Set([...AWS_BAD_CREDENTIALS, 'CloudTrailInvalidClientTokenIdException', 'InvalidTokenException']);
const FORBIDDEN = new Set([...AWS_FORBIDDEN, 'OperationNotPermittedException']);
const THROTTLED = new Set([...AWS_THROTTLED, 'ProvisionedThroughputExceededException']);
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

const where = (ctx: ErrorContext) => `${ctx.operation} in ${ctx.region}`;

const CLOUDTRAIL: AwsErrorService<ErrorContext> = {
  provider: PROVIDER_NAME,
  label: 'AWS CloudTrail',
  slowParty: 'AWS',
  where,
  badCredentials: BAD_CREDENTIALS,
  forbidden: FORBIDDEN,
  throttled: THROTTLED,
  afterThrottling({ name, raw }, ctx, make) {
    if (BAD_REQUEST.has(name)) return make('bad-request', `AWS CloudTrail rejected ${where(ctx)} (${name}: ${raw}).`);
    if (NOT_FOUND.has(name)) return make('not-found', `${where(ctx)}: ${name}: ${raw}.`);
    return undefined;
  },
  say: {
    credentialsNotLoaded({ raw }, ctx) {
      const sso = /sso|token/i.test(raw);
      return `The AWS credentials could not be loaded (${raw})${sso ? '' : '.'} To fix it, ${loginHint(ctx.credentials)}${sso ? '' : ', or check that the profile exists in ~/.aws/config or ~/.aws/credentials'}.`;
    },
    credentialsRejected: ({ name, raw }, ctx, whose) => `AWS did not accept the credentials${whose} for ${where(ctx)} (${name}: ${raw}). ${CHECK_KEYS}; ${loginHint(ctx.credentials)}.`,
    forbidden: ({ name, raw }, ctx) =>
      `The credentials may not call ${where(ctx)} (${name || 'HTTP 403'}: ${raw}). The IAM identity needs the cloudtrail:${ctx.operation} permission (for example the AWSCloudTrail_ReadOnlyAccess policy); an SCP or permission boundary may also deny it.`,
    throttled: ({ name, attempts }, ctx) =>
      `AWS CloudTrail kept throttling ${where(ctx)} (${name || 'HTTP 429'}${attempts ? ` after ${attempts} attempts` : ''}). LookupEvents allows 2 requests per second per account and Region, shared with every other tool using these credentials. Wait a minute and fetch again, or narrow the time range.`,
  },
};

/** Maps anything thrown around a CloudTrail `client.send` (or a credential provider) to an ApiError. */
export function toApiError(e: unknown, ctx: ErrorContext): ApiError {
  return mapAwsError(e, ctx, CLOUDTRAIL);
}
