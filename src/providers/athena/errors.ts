// Athena's part of the AWS error mapping (awsErrors.ts): its exceptions (InvalidRequestException
// with its AthenaErrorCode, throttling by the workgroup's concurrency quota) and the permissions a
// query needs; and a query that ended FAILED or CANCELLED. providers/ never imports vscode.
import { ApiError, type ApiErrorKind } from '../../core/errors';
import { loginHint } from '../awsCloudtrail/credentials';
import { BAD_CREDENTIALS, FORBIDDEN, mapAwsError, THROTTLED, type AwsErrorContext, type AwsErrorService } from '../awsErrors';

export const ATHENA_PROVIDER_NAME = 'Amazon Athena';

export interface AthenaErrorContext extends AwsErrorContext {
  /** e.g. "StartQueryExecution". */
  operation: string;
  region: string;
}

const where = (ctx: AthenaErrorContext) => `${ctx.operation} in ${ctx.region}`;

const ATHENA: AwsErrorService<AthenaErrorContext> = {
  provider: ATHENA_PROVIDER_NAME,
  label: 'Athena',
  slowParty: 'AWS',
  where,
  subject: (ctx) => `Athena ${where(ctx)}`,
  badCredentials: BAD_CREDENTIALS,
  forbidden: FORBIDDEN,
  throttled: THROTTLED,
  serverNames: new Set(['InternalServerException']),
  afterThrottling({ name, raw, fields }, ctx, make) {
    if (name === 'InvalidRequestException') {
      const ec = typeof fields.AthenaErrorCode === 'string' ? ` [${fields.AthenaErrorCode}]` : '';
      return make('bad-request', `Athena rejected ${where(ctx)}${ec}: ${raw}`);
    }
    if (name === 'ResourceNotFoundException' || name === 'MetadataException') return make('not-found', `Athena ${where(ctx)}: ${name}: ${raw}`);
    return undefined;
  },
  say: {
    credentialsNotLoaded: ({ raw }, ctx) => `The AWS credentials could not be loaded (${raw}). To fix it, ${loginHint(ctx.credentials)}.`,
    credentialsRejected: ({ name, raw }, ctx, whose) => `AWS did not accept the credentials${whose} for Athena ${where(ctx)} (${name}: ${raw}). ${loginHint(ctx.credentials)}.`,
    forbidden: ({ name, raw }, ctx) =>
      `The credentials may not call Athena ${where(ctx)} (${name || 'HTTP 403'}: ${raw}). The IAM identity needs athena:${ctx.operation} on the workgroup, plus glue:GetTable/GetDatabase on the table and s3:GetObject/ListBucket on the trail's bucket and s3:PutObject on the query results location.`,
    throttled({ raw, attempts, fields }, ctx) {
      const reason = typeof fields.Reason === 'string' ? ` (${fields.Reason})` : '';
      return `Athena kept throttling ${where(ctx)}${reason}${attempts ? ` after ${attempts} attempts` : ''}: ${raw}. Too many queries are running in this account and Region (the workgroup's concurrency quota); wait for them to finish and try again.`;
    },
  },
};

/** Maps anything thrown around an Athena `client.send` (or a credential provider) to an ApiError. */
export function athenaApiError(e: unknown, ctx: AthenaErrorContext): ApiError {
  return mapAwsError(e, ctx, ATHENA);
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
