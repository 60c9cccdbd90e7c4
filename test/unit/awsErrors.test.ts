import assert from 'node:assert/strict';
import { ApiError } from '../../src/core/errors';
import { mapAwsError, type AwsErrorContext, type AwsErrorService } from '../../src/providers/awsErrors';
import { toApiError } from '../../src/providers/awsCloudtrail/errors';
import { athenaApiError } from '../../src/providers/athena/errors';
import { toS3ApiError } from '../../src/providers/s3Trail/errors';

interface Ctx extends AwsErrorContext {
  op: string;
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ctx: Ctx = { op: 'Read', url: 'https://svc.example/', page: 3, redact: (t) => t.replaceAll(SECRET, '[redacted]'), credentials: { type: 'profile', profile: 'dev' } };

/** A made-up service whose hooks each claim one name, to see where in the order they run. */
const TEST: AwsErrorService<Ctx> = {
  provider: 'Test Service',
  label: 'Test',
  slowParty: 'AWS',
  where: (c) => `${c.op} here`,
  badCredentials: new Set(['BadKey']),
  forbidden: new Set(['Denied']),
  throttled: new Set(['Slow']),
  throttledStatuses: [503],
  serverNames: new Set(['Oops']),
  beforeAccess: ({ name }, _c, make) => (name === 'Early' ? make('not-found', 'early hook') : undefined),
  afterAccess: ({ name }, _c, make) => (name === 'Middle' ? make('forbidden', 'middle hook') : undefined),
  afterThrottling: ({ name }, _c, make) => (name === 'Late' ? make('bad-request', 'late hook') : undefined),
  say: {
    credentialsNotLoaded: ({ raw }) => `not loaded: ${raw}`,
    credentialsRejected: ({ name }, _c, whose) => `rejected${whose}: ${name}`,
    forbidden: ({ name }) => `forbidden: ${name || '403'}`,
    throttled: ({ name }) => `throttled: ${name || 'status'}`,
  },
};

function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} says ${SECRET}`), { name, ...(status ? { $metadata: { httpStatusCode: status, attempts: 2, requestId: 'req-1' } } : {}), ...extra });
}

function map(e: unknown): ApiError {
  return mapAwsError(e, ctx, TEST);
}

describe('awsErrors: one AWS error mapping with per-service hooks', () => {
  it('passes an ApiError through unchanged', () => {
    const e = new ApiError({ kind: 'server', provider: 'x', url: '', message: 'm' });
    assert.equal(map(e), e);
  });

  it('maps each kind of failure in order, redacting every message', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'cancelled', /^Read here was cancelled\.$/],
      [sdkError('CredentialsProviderError'), 'auth', /^not loaded: /],
      [sdkError('ExpiredToken', 400), 'auth', /have expired .*aws sso login --profile dev/],
      [sdkError('Whatever', 400, { message: 'The security token included in the request is expired' }), 'auth', /have expired/],
      [sdkError('BadKey', 403), 'auth', /^rejected \(profile dev\): BadKey$/],
      [sdkError('Early', 403), 'not-found', /^early hook$/],
      [sdkError('Denied', 400), 'forbidden', /^forbidden: Denied$/],
      [sdkError('', 403), 'forbidden', /^forbidden: 403$/],
      [sdkError('Middle', 429), 'forbidden', /^middle hook$/],
      [sdkError('Slow', 400), 'rate-limited', /^throttled: Slow$/],
      [sdkError('Late', 429), 'rate-limited', /^throttled/],
      [sdkError('', 503), 'rate-limited', /^throttled: status$/],
      [sdkError('Late', 400), 'bad-request', /^late hook$/],
      [sdkError('TimeoutError'), 'timeout', /^Read here timed out .*The network or AWS is slow/],
      [sdkError('Oops', 400), 'server', /^Test had a server error on Read here \(Oops: .*, 2 attempts\)/],
      [sdkError('Boom', 500, { $fault: 'server' }), 'server', /server error/],
      [Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }), 'network', /^Could not reach Test for Read here at https:\/\/svc\.example\/ \(ECONNREFUSED/],
      [sdkError('Nope', 400, { $fault: 'client' }), 'bad-request', /^Test rejected Read here \(Nope: /],
      [sdkError('Odd', 200, { $fault: 'client' }), 'invalid-response', /^Test sent a response to Read here that could not be read/],
    ];
    for (const [e, kind, message] of cases) {
      const got = map(e);
      const label = `${(e as Error).name}: ${got.kind} ${got.message}`;
      assert.equal(got.kind, kind, label);
      assert.match(got.message, message, label);
      assert.ok(!got.message.includes(SECRET), label);
      assert.equal(got.provider, 'Test Service');
      assert.equal(got.page, 3);
    }
  });

  it('keeps status, request id and attempts, and the cause', () => {
    const e = sdkError('Denied', 403);
    const got = map(e);
    assert.deepEqual([got.status, got.requestId, got.attempts, got.cause], [403, 'req-1', 2, e]);
  });

  it('the three services share it: the same expired token reads the same in each', () => {
    const e = sdkError('ExpiredTokenException', 400);
    const aws = { region: 'eu-west-1', url: 'https://x/', credentials: ctx.credentials, redact: ctx.redact };
    const messages = [
      toApiError(e, { ...aws, operation: 'LookupEvents' }),
      athenaApiError(e, { ...aws, operation: 'GetQueryResults' }),
      toS3ApiError(e, { ...aws, operation: 'GetObject', bucket: 'b', key: 'k' }),
    ].map((x) => [x.kind, x.message]);
    assert.equal(new Set(messages.map((m) => m.join(' '))).size, 1, JSON.stringify(messages));
  });

  it('each service keeps its own wording and checks', () => {
    const aws = { region: 'eu-west-1', url: 'https://x/', redact: (t: string) => t };
    assert.match(toApiError(sdkError('AccessDeniedException', 400), { ...aws, operation: 'LookupEvents' }).message, /cloudtrail:LookupEvents/);
    assert.equal(toApiError(sdkError('InvalidTimeRangeException', 400), { ...aws, operation: 'LookupEvents' }).kind, 'bad-request');
    const athena = athenaApiError(sdkError('InvalidRequestException', 400, { AthenaErrorCode: 'MALFORMED_QUERY' }), { ...aws, operation: 'StartQueryExecution' });
    assert.match(athena.message, /^Athena rejected StartQueryExecution in eu-west-1 \[MALFORMED_QUERY\]/);
    const s3 = toS3ApiError(sdkError('PermanentRedirect', 301, { $response: { headers: { 'x-amz-bucket-region': 'us-west-2' } } }), { ...aws, operation: 'ListObjectsV2', bucket: 'trail', key: 'AWSLogs/' });
    assert.equal(s3.kind, 'bad-request');
    assert.match(s3.message, /The bucket trail is in us-west-2, not eu-west-1/);
    assert.equal(s3.url, 's3://trail/AWSLogs/');
    const kms = toS3ApiError(sdkError('KMS.DisabledException', 400), { ...aws, operation: 'GetObject', bucket: 'trail', key: 'k.json.gz' });
    assert.match(kms.message, /kms:Decrypt/);
    assert.equal(toS3ApiError(Object.assign(new Error('x'), { name: '', Code: 'ECONNRESET' }), { ...aws, operation: 'GetObject', bucket: 'b', key: 'k' }).kind, 'network');
  });
});
