// A local fake of the AWS CloudTrail API on 127.0.0.1 speaking the JSON 1.1 protocol the SDK uses:
// POST /, `X-Amz-Target: CloudTrail_20131101.<Operation>` (the SDK sends this short form; the
// `com.amazonaws.cloudtrail.v20131101.` prefix is accepted too), `Content-Type:
// application/x-amz-json-1.1`, errors as `{"__type": …, "Message": …}` with the status AWS's model
// gives the error (QueryIdNotFoundException 404, the others 400); the common AWS errors the model
// does not declare (throttling, signature, token) as 400 `{"__type": …, "message": …}`.
// Every request and answer is checked against AWS's Smithy model (test/support/smithy/contract.ts).
// Every request's SigV4 signature is recomputed with node:crypto from the known secret: an unknown
// access key id → UnrecognizedClientException, a wrong secret → InvalidSignatureException (what AWS
// answers for each), a wrong or missing session token → UnrecognizedClientException. The region
// comes from the credential scope, and each region holds its own events.
// LookupEvents (API-NOTES §5): StartTime/EndTime inclusive (epoch seconds), at most one lookup
// attribute, MaxResults 1–50 (default 50), newest first, NextToken valid only with the same
// parameters (InvalidNextTokenException otherwise).
// Lake: StartQuery / DescribeQuery / GetQueryResults / CancelQuery; a query goes QUEUED → RUNNING →
// FINISHED over a few DescribeQuery polls; SQL containing FAIL fails with an ErrorMessage.
import { createHash } from 'node:crypto';
import { expectedSignature } from '../sigv4';
import { startFakeServer, trickle, type FakeServer } from '../fakeServer';
import { COMMON_JSON_ERRORS } from '../smithy/awsJson';
import { checkRequest, checkResponse, contractViolationJson } from '../smithy/contract';

export const FAKE_KEY_ID = 'AKIAFAKE0EXAMPLE0001';
export const FAKE_SECRET = 'fAkE/Secret+Key=with/slashes0123456789ab';
export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;

export interface SeenCall {
  op: string;
  region: string;
  accessKeyId: string;
  body: Record<string, unknown>;
  /** performance.now() on arrival. */
  at: number;
  status: number;
}

export interface FakeFailure {
  status: number;
  type: string;
  message?: string;
}

export interface CtFakeKnobs {
  /** The next N requests answer ThrottlingException. */
  throttle: number;
  /** Every request answers ExpiredTokenException. */
  expired: boolean;
  /** Every request answers AccessDeniedException. */
  accessDenied: boolean;
  /** The next N requests answer 500 InternalFailure. */
  serverErrors: number;
  /** Every response waits this long first. */
  slowMs: number;
  /** Called for every request (after the signature check): a failure to answer, or undefined. */
  failWhen?: (op: string, call: SeenCall, n: number) => FakeFailure | undefined;
  /** Answers for which `when` is true are sent one byte every `everyMs` (headers at once). */
  trickle?: { everyMs: number; when: (call: SeenCall) => boolean };
}

export interface LakeFakeQuery {
  id: string;
  sql: string;
  polls: number;
  status: string;
  rows: Array<Array<Record<string, string>>>;
  errorMessage?: string;
}

export interface CtFakeOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Required session token (x-amz-security-token), when the keys are temporary. */
  sessionToken?: string;
  /** More accepted keys: id → secret (e.g. a profile's keys). */
  extraKeys?: Record<string, string>;
  /** Events per region; default: generateRecords for each of FAKE_REGIONS. */
  records?: Record<string, Record<string, unknown>[]>;
  /** The fake's "now" for generated records (epoch ms). */
  now?: number;
  /** DescribeQuery polls a Lake query stays QUEUED, then RUNNING (defaults 1 and 2). */
  lakeQueued?: number;
  lakeRunning?: number;
  /** Default GetQueryResults page size. */
  lakePageSize?: number;
}

export interface CtFake {
  url: string;
  server: FakeServer;
  calls: SeenCall[];
  knobs: CtFakeKnobs;
  records: Record<string, Record<string, unknown>[]>;
  lakeQueries: Map<string, LakeFakeQuery>;
  /** Event ids whose CloudTrailEvent string is sent cut in half (invalid JSON). */
  corrupt: Set<string>;
  close(): Promise<void>;
}

const USERS = ['alice', 'bob', 'carol'] as const;
const ACTIONS: ReadonlyArray<{ name: string; source: string; readOnly: boolean; resource?: string }> = [
  { name: 'ConsoleLogin', source: 'signin.amazonaws.com', readOnly: false },
  { name: 'DescribeInstances', source: 'ec2.amazonaws.com', readOnly: true },
  { name: 'RunInstances', source: 'ec2.amazonaws.com', readOnly: false, resource: 'AWS::EC2::Instance' },
  { name: 'CreateUser', source: 'iam.amazonaws.com', readOnly: false, resource: 'AWS::IAM::User' },
  { name: 'PutBucketPolicy', source: 's3.amazonaws.com', readOnly: false, resource: 'AWS::S3::Bucket' },
  { name: 'GetCallerIdentity', source: 'sts.amazonaws.com', readOnly: true },
  { name: 'AssumeRole', source: 'sts.amazonaws.com', readOnly: true, resource: 'AWS::IAM::Role' },
  { name: 'StopLogging', source: 'cloudtrail.amazonaws.com', readOnly: false, resource: 'AWS::CloudTrail::Trail' },
];
const HOSTILE = ['<script>alert(1)</script>', '\u001b[31mred\u001b[0m', 'evil\u202Egnp.exe', '"quoted" \\ back\nslash'];

function uuid(region: string, i: number): string {
  const h = createHash('sha256').update(`${region}/${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Deterministic records shaped like real CloudTrail management events (newest first is the API's job). */
export function generateRecords(region: string, count: number, now: number, stepMs = 10 * 60_000): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const a = ACTIONS[i % ACTIONS.length];
    const user = USERS[i % USERS.length];
    // Whole seconds, as CloudTrail writes eventTime.
    const t = Math.floor((now - 60_000 - i * stepMs) / 1000) * 1000;
    const kind = i % 5;
    let userIdentity: Record<string, unknown>;
    if (kind === 0 || kind === 1) {
      userIdentity = {
        type: 'IAMUser',
        principalId: `AIDA${user.toUpperCase()}EXAMPLE`,
        arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/${user}`,
        accountId: FAKE_ACCOUNT,
        accessKeyId: `AKIA${user.toUpperCase()}00000000`.slice(0, 20),
        userName: user,
      };
    } else if (kind === 2) {
      userIdentity = {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLE:${user}-session`,
        arn: `arn:aws:sts::${FAKE_ACCOUNT}:assumed-role/Admin/${user}-session`,
        accountId: FAKE_ACCOUNT,
        accessKeyId: `ASIA${String(i).padStart(16, '0')}`,
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${FAKE_ACCOUNT}:role/Admin`, accountId: FAKE_ACCOUNT, userName: 'Admin' },
          attributes: { creationDate: new Date(t - 600_000).toISOString().replace('.000Z', 'Z'), mfaAuthenticated: 'true' },
        },
      };
    } else if (kind === 3) {
      userIdentity = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };
    } else {
      userIdentity = { type: 'Root', principalId: FAKE_ACCOUNT, arn: `arn:aws:iam::${FAKE_ACCOUNT}:root`, accountId: FAKE_ACCOUNT, accessKeyId: '' };
    }
    const rec: Record<string, unknown> = {
      eventVersion: '1.09',
      userIdentity,
      eventTime: new Date(t).toISOString().replace('.000Z', 'Z'),
      eventSource: a.source,
      eventName: a.name,
      awsRegion: region,
      sourceIPAddress: i % 13 === 7 ? '203.0.113.250' : `198.51.100.${i % 200}`,
      userAgent: i % 11 === 5 ? `aws-cli/2.13.5 ${HOSTILE[(i / 11) % HOSTILE.length | 0]}` : 'aws-cli/2.13.5 Python/3.11.4 Linux/5.10 exe/x86_64.amzn.2',
      requestParameters: a.name === 'ConsoleLogin' ? null : { name: `thing-${i}`, note: i % 17 === 3 ? HOSTILE[i % HOSTILE.length] : 'plain' },
      responseElements: a.name === 'ConsoleLogin' ? { ConsoleLogin: i % 9 === 4 ? 'Failure' : 'Success' } : null,
      requestID: uuid(`${region}-req`, i),
      eventID: uuid(region, i),
      readOnly: a.readOnly,
      eventType: a.name === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: FAKE_ACCOUNT,
      eventCategory: 'Management',
    };
    if (i % 6 === 5) {
      rec.errorCode = 'AccessDenied';
      rec.errorMessage = `User: arn:aws:iam::${FAKE_ACCOUNT}:user/${user} is not authorized to perform: ${a.source.split('.')[0]}:${a.name}`;
    }
    if (a.resource) rec.resources = [{ accountId: FAKE_ACCOUNT, type: a.resource, ARN: `arn:aws:${a.source.split('.')[0]}:${region}:${FAKE_ACCOUNT}:thing/thing-${i % 10}` }];
    out.push(rec);
  }
  return out;
}

type Rec = Record<string, unknown>;

function obj(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

/** The LookupEvents `Event` for a record: top-level fields as AWS derives them, the record as a string. */
export function lookupEventOf(rec: Rec, cloudTrailEvent: string = JSON.stringify(rec)): Rec {
  const ui = obj(rec.userIdentity) ?? {};
  const arn = typeof ui.arn === 'string' ? ui.arn : '';
  // For assumed roles AWS reports the session name as Username.
  const username = typeof ui.userName === 'string' ? ui.userName : ui.type === 'AssumedRole' ? arn.split('/').pop() : ui.type === 'Root' ? 'root' : undefined;
  const resources = Array.isArray(rec.resources) ? (rec.resources as Rec[]).map((r) => ({ ResourceType: r.type, ResourceName: r.ARN })) : [];
  const ev: Rec = {
    EventId: rec.eventID,
    EventName: rec.eventName,
    ReadOnly: String(rec.readOnly),
    EventTime: Date.parse(String(rec.eventTime)) / 1000,
    EventSource: rec.eventSource,
    Resources: resources,
    CloudTrailEvent: cloudTrailEvent,
  };
  if (typeof ui.accessKeyId === 'string' && ui.accessKeyId !== '') ev.AccessKeyId = ui.accessKeyId;
  if (username) ev.Username = username;
  return ev;
}

function attributeMatches(ev: Rec, key: string, value: string): boolean {
  switch (key) {
    case 'EventId':
      return ev.EventId === value;
    case 'EventName':
      return ev.EventName === value;
    case 'ReadOnly':
      return ev.ReadOnly === value;
    case 'Username':
      return ev.Username === value;
    case 'EventSource':
      return ev.EventSource === value;
    case 'AccessKeyId':
      return ev.AccessKeyId === value;
    case 'ResourceType':
      return (ev.Resources as Rec[]).some((r) => r.ResourceType === value);
    case 'ResourceName':
      return (ev.Resources as Rec[]).some((r) => r.ResourceName === value);
    default:
      return false;
  }
}

const LOOKUP_KEYS = new Set(['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId']);


export async function startAwsCloudTrailFake(opts: CtFakeOptions = {}): Promise<CtFake> {
  const now = opts.now ?? Date.now();
  const keys = new Map<string, string>([[opts.accessKeyId ?? FAKE_KEY_ID, opts.secretAccessKey ?? FAKE_SECRET], ...Object.entries(opts.extraKeys ?? {})]);
  const records: Record<string, Rec[]> = opts.records ?? Object.fromEntries(FAKE_REGIONS.map((r, i) => [r, generateRecords(r, 120 + i * 17, now)]));
  const knobs: CtFakeKnobs = { throttle: 0, expired: false, accessDenied: false, serverErrors: 0, slowMs: 0 };
  const calls: SeenCall[] = [];
  const corrupt = new Set<string>();
  const lakeQueries = new Map<string, LakeFakeQuery>();
  let lakeSeq = 0;

  const server = await startFakeServer();
  const fake: CtFake = { url: server.url, server, calls, knobs, records, lakeQueries, corrupt, close: () => server.close() };

  server.handle((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // AWS's Smithy model (contracts/smithy/cloudtrail.json) judges every request and answer.
      const verdict = checkRequest('cloudtrail', req, body);
      if (verdict.violation) return contractViolationJson(res, verdict.violation);
      const send = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        // As AWS's JSON protocols do, errors name their type in a header too.
        const type = status >= 400 && payload && typeof payload === 'object' ? (payload as { __type?: string }).__type : undefined;
        const headers = { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `req-${calls.length}`, ...(type ? { 'x-amzn-errortype': type } : {}) };
        checkResponse('cloudtrail', verdict.operation, req, status, headers, text);
        const go = () => {
          res.writeHead(status, headers);
          res.end(text);
        };
        if (knobs.slowMs > 0) setTimeout(go, knobs.slowMs);
        else go();
      };
      // The model's error shapes name their text `Message`; the common AWS errors send `message`.
      const error = (status: number, type: string, message: string) => send(status, { __type: type, [COMMON_JSON_ERRORS.has(type) ? 'message' : 'Message']: message });

      const target = String(req.headers['x-amz-target'] ?? '');
      const m = /^(?:com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.(\w+)$/.exec(target);
      const auth = String(req.headers.authorization ?? '');
      const am = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), SignedHeaders=([^,\s]+), Signature=([0-9a-f]{64})$/.exec(auth);
      const call: SeenCall = { op: m?.[1] ?? target, region: am?.[2].split('/')[1] ?? '', accessKeyId: am?.[1] ?? '', body: {}, at: performance.now(), status: 0 };
      calls.push(call);
      const reply = (status: number, payload: unknown) => {
        call.status = status;
        if (knobs.trickle?.when(call)) {
          const text = JSON.stringify(payload);
          const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls.length}` };
          checkResponse('cloudtrail', verdict.operation, req, status, headers, text);
          return trickle(res, status, text, knobs.trickle.everyMs, headers);
        }
        send(status, payload);
      };
      const fail = (status: number, type: string, message: string) => {
        call.status = status;
        error(status, type, message);
      };

      if (req.method !== 'POST' || !m) return fail(400, 'UnknownOperationException', `Unknown operation ${target}`);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) return fail(400, 'SerializationException', 'Expected application/x-amz-json-1.1');
      if (!am) return fail(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      const [, keyId, scope, signed, signature] = am;
      const secret = keys.get(keyId);
      if (secret === undefined) return fail(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      const scopeParts = scope.split('/');
      if (scopeParts.length !== 4 || scopeParts[2] !== 'cloudtrail' || scopeParts[3] !== 'aws4_request') {
        return fail(400, 'IncompleteSignatureException', `Credential should be scoped to correct service: 'cloudtrail'.`);
      }
      if (expectedSignature(req, body, secret, scope, signed.split(';')) !== signature) {
        return fail(
          400,
          'InvalidSignatureException',
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        );
      }
      const token = req.headers['x-amz-security-token'];
      if (keyId === (opts.accessKeyId ?? FAKE_KEY_ID) && opts.sessionToken !== undefined && token !== opts.sessionToken) {
        return fail(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      let input: Rec;
      try {
        input = body.length ? (JSON.parse(body.toString('utf8')) as Rec) : {};
      } catch {
        return fail(400, 'SerializationException', 'Malformed JSON');
      }
      call.body = input;
      const op = m[1];
      const region = call.region;

      if (knobs.expired) return fail(400, 'ExpiredTokenException', 'The security token included in the request is expired');
      if (knobs.accessDenied) {
        return fail(400, 'AccessDeniedException', `User: arn:aws:iam::${FAKE_ACCOUNT}:user/ci is not authorized to perform: cloudtrail:${op} because no identity-based policy allows the cloudtrail:${op} action`);
      }
      if (knobs.throttle > 0) {
        knobs.throttle--;
        return fail(400, 'ThrottlingException', 'Rate exceeded');
      }
      if (knobs.serverErrors > 0) {
        knobs.serverErrors--;
        return fail(500, 'InternalFailure', 'An internal error occurred.');
      }
      const scripted = knobs.failWhen?.(op, call, calls.length);
      if (scripted) return fail(scripted.status, scripted.type, scripted.message ?? scripted.type);

      switch (op) {
        case 'LookupEvents':
          return lookupEvents(input, region);
        case 'StartQuery':
          return startQuery(input);
        case 'DescribeQuery':
          return describeQuery(input);
        case 'GetQueryResults':
          return getQueryResults(input);
        case 'CancelQuery':
          return cancelQuery(input);
        default:
          return fail(400, 'UnknownOperationException', `Operation ${op} is not implemented by the fake`);
      }

      function lookupEvents(q: Rec, region: string): void {
        const attrs = Array.isArray(q.LookupAttributes) ? (q.LookupAttributes as Rec[]) : [];
        if (attrs.length > 1) return fail(400, 'InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
        const attr = attrs[0];
        if (attr && (typeof attr.AttributeKey !== 'string' || !LOOKUP_KEYS.has(attr.AttributeKey) || typeof attr.AttributeValue !== 'string')) {
          return fail(400, 'InvalidLookupAttributesException', 'Invalid lookup attribute.');
        }
        const max = q.MaxResults === undefined ? 50 : Number(q.MaxResults);
        if (!Number.isInteger(max) || max < 1 || max > 50) return fail(400, 'InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
        const start = typeof q.StartTime === 'number' ? q.StartTime * 1000 : -Infinity;
        const end = typeof q.EndTime === 'number' ? q.EndTime * 1000 : Infinity;
        if (start > end) return fail(400, 'InvalidTimeRangeException', 'Start time must be before end time.');
        const paramsKey = JSON.stringify([region, q.StartTime, q.EndTime, attr ?? null, q.EventCategory ?? null]);
        let offset = 0;
        if (q.NextToken !== undefined) {
          let parsed: { o?: unknown; k?: unknown } | undefined;
          try {
            parsed = JSON.parse(Buffer.from(String(q.NextToken), 'base64').toString('utf8')) as { o?: unknown; k?: unknown };
          } catch {
            parsed = undefined;
          }
          if (!parsed || parsed.k !== paramsKey || typeof parsed.o !== 'number') {
            return fail(400, 'InvalidNextTokenException', 'Invalid NextToken: a token must be used with the same parameters it was returned for.');
          }
          offset = parsed.o;
        }
        const all = (records[region] ?? [])
          .map((r) => ({ r, t: Date.parse(String(r.eventTime)) }))
          .filter(({ t }) => t >= start && t <= end)
          .sort((a, b) => b.t - a.t)
          .map(({ r }) => {
            const text = JSON.stringify(r);
            return lookupEventOf(r, corrupt.has(String(r.eventID)) ? text.slice(0, Math.floor(text.length / 2)) : text);
          })
          .filter((ev) => !attr || attributeMatches(ev, String(attr.AttributeKey), String(attr.AttributeValue)));
        const page = all.slice(offset, offset + max);
        const out: Rec = { Events: page };
        if (offset + max < all.length) out.NextToken = Buffer.from(JSON.stringify({ o: offset + max, k: paramsKey })).toString('base64');
        reply(200, out);
      }

      function startQuery(q: Rec): void {
        const sql = typeof q.QueryStatement === 'string' ? q.QueryStatement : '';
        if (!/^\s*select\b/i.test(sql)) return fail(400, 'InvalidQueryStatementException', 'The query statement is not valid: only SELECT is supported.');
        // Lake query ids are UUIDs (the model's QueryId is 36 characters of [a-f0-9-]).
        const id = uuid('lake', ++lakeSeq);
        const all = Object.values(records).flat();
        const limit = /\blimit\s+(\d+)/i.exec(sql);
        const picked = limit ? all.slice(0, Number(limit[1])) : all;
        const rows: Array<Array<Record<string, string>>> = /\beventjson\b/i.test(sql)
          ? picked.map((r) => [{ eventJson: JSON.stringify(r) }])
          : /count\(/i.test(sql)
            ? [[{ n: String(picked.length) }]]
            : picked.map((r): Array<Record<string, string>> => [
                { eventID: String(r.eventID) },
                { eventTime: String(r.eventTime).replace('T', ' ').replace('Z', '.000') },
                { eventName: String(r.eventName) },
                { eventSource: String(r.eventSource) },
                { awsRegion: String(r.awsRegion) },
                { sourceIPAddress: String(r.sourceIPAddress) },
                { recipientAccountId: String(r.recipientAccountId) },
              ]);
        lakeQueries.set(id, {
          id,
          sql,
          polls: 0,
          status: 'QUEUED',
          rows,
          errorMessage: /\bFAIL\b/.test(sql) ? 'Query failed: column "nosuchcolumn" cannot be resolved' : undefined,
        });
        reply(200, { QueryId: id });
      }

      function lakeQuery(q: Rec): LakeFakeQuery | undefined {
        const lq = lakeQueries.get(String(q.QueryId ?? ''));
        if (!lq) fail(404, 'QueryIdNotFoundException', `The query ID ${String(q.QueryId)} does not exist or is not associated with an event data store.`);
        return lq;
      }

      function advance(lq: LakeFakeQuery): void {
        if (lq.status !== 'QUEUED' && lq.status !== 'RUNNING') return;
        lq.polls++;
        const queued = opts.lakeQueued ?? 1;
        const running = opts.lakeRunning ?? 2;
        if (lq.polls <= queued) lq.status = 'QUEUED';
        else if (lq.polls <= queued + running) lq.status = 'RUNNING';
        else lq.status = lq.errorMessage ? 'FAILED' : 'FINISHED';
      }

      function describeQuery(q: Rec): void {
        const lq = lakeQuery(q);
        if (!lq) return;
        advance(lq);
        const out: Rec = {
          QueryId: lq.id,
          QueryString: lq.sql,
          QueryStatus: lq.status,
          QueryStatistics: { EventsMatched: lq.rows.length, EventsScanned: lq.rows.length * 4, BytesScanned: lq.rows.length * 1000, ExecutionTimeInMillis: lq.polls * 100, CreationTime: Math.floor(now / 1000) },
        };
        if (lq.status === 'FAILED') out.ErrorMessage = lq.errorMessage;
        reply(200, out);
      }

      function getQueryResults(q: Rec): void {
        const lq = lakeQuery(q);
        if (!lq) return;
        if (lq.status === 'QUEUED' || lq.status === 'RUNNING') return reply(200, { QueryStatus: lq.status, QueryResultRows: [] });
        if (lq.status !== 'FINISHED') return reply(200, { QueryStatus: lq.status, ErrorMessage: lq.errorMessage });
        const size = q.MaxQueryResults === undefined ? (opts.lakePageSize ?? 1000) : Number(q.MaxQueryResults);
        if (!Number.isInteger(size) || size < 1 || size > 1000) return fail(400, 'InvalidMaxResultsException', 'MaxQueryResults must be between 1 and 1000.');
        let offset = 0;
        if (q.NextToken !== undefined) {
          const mm = /^lake:(.+):(\d+)$/.exec(String(q.NextToken));
          if (!mm || mm[1] !== lq.id) return fail(400, 'InvalidNextTokenException', 'Invalid NextToken.');
          offset = Number(mm[2]);
        }
        const page = lq.rows.slice(offset, offset + size);
        const out: Rec = {
          QueryStatus: 'FINISHED',
          QueryStatistics: { ResultsCount: page.length, TotalResultsCount: lq.rows.length, BytesScanned: lq.rows.length * 1000 },
          QueryResultRows: page,
        };
        if (offset + size < lq.rows.length) out.NextToken = `lake:${lq.id}:${offset + size}`;
        reply(200, out);
      }

      function cancelQuery(q: Rec): void {
        const lq = lakeQuery(q);
        if (!lq) return;
        if (lq.status !== 'QUEUED' && lq.status !== 'RUNNING') return fail(400, 'InactiveQueryException', `The query ${lq.id} is not running.`);
        lq.status = 'CANCELLED';
        reply(200, { QueryId: lq.id, QueryStatus: 'CANCELLED' });
      }
    });
  });
  return fake;
}
