// A local fake of the Amazon Athena API on 127.0.0.1 speaking the JSON 1.1 protocol the SDK uses:
// POST /, `X-Amz-Target: AmazonAthena.<Operation>`, `Content-Type: application/x-amz-json-1.1`,
// errors as 400 `{"__type": …, "Message": …}`. Every request and answer is checked against AWS's
// Smithy model (test/support/smithy/contract.ts). Every request's SigV4 signature is recomputed from the
// known secret (as the CloudTrail fake does): unknown key → UnrecognizedClientException, wrong secret
// → InvalidSignatureException, a credential scope for another service → IncompleteSignatureException.
//
// Queries: StartQueryExecution records the SQL (and dedupes by ClientRequestToken, as Athena does),
// GetQueryExecution moves QUEUED → RUNNING → SUCCEEDED over a few polls with growing
// Statistics.DataScannedInBytes; SQL containing FAIL_QUERY ends FAILED with a StateChangeReason,
// DENY_S3 ends FAILED with an S3 access-denied reason; StopQueryExecution → CANCELLED.
// The fake evaluates no SQL: a SELECT returns the fake's CloudTrail records (honouring LIMIT) as
// Athena prints them for the table of ddl.ts (structs in Trino text form, JSON text columns as JSON,
// NULL as a cell without VarCharValue), header row first; other statements (DDL) return no rows.
// Tests check the SQL text the client sent.
import { randomUUID } from 'node:crypto';
import { CLOUDTRAIL_COLUMNS, type ColumnType } from '../../../src/providers/athena/ddl';
import { expectedSignature } from '../sigv4';
import { startFakeServer, type FakeServer } from '../fakeServer';
import { checkRequest, checkResponse, contractViolationJson } from '../smithy/contract';
import { FAKE_KEY_ID, FAKE_SECRET, generateRecords } from './awsCloudtrail';

export { FAKE_KEY_ID, FAKE_SECRET };
export const ATHENA_ACCOUNT = '123456789012';

type Rec = Record<string, unknown>;

export interface AthenaCall {
  op: string;
  region: string;
  body: Rec;
  status: number;
  at: number;
}

export interface FakeAthenaQuery {
  id: string;
  sql: string;
  token?: string;
  database?: string;
  catalog?: string;
  workgroup?: string;
  outputLocation?: string;
  polls: number;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  reason?: string;
  /** Header row first (for SELECT), then data rows; each cell text or undefined (NULL). */
  rows: Array<Array<string | undefined>>;
  columns: string[];
}

export interface AthenaFakeKnobs {
  /** The next N requests answer `throttleType`. */
  throttle: number;
  throttleType: string;
  /** Every request answers AccessDeniedException. */
  accessDenied: boolean;
  /** The next N requests answer 500 InternalServerException. */
  serverErrors: number;
  /** Polls a query stays QUEUED, then RUNNING. */
  queued: number;
  running: number;
  slowMs: number;
}

export interface AthenaFakeOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The records SELECTs return; default: 60 generated records. */
  records?: Rec[];
  now?: number;
}

export interface AthenaFake {
  url: string;
  server: FakeServer;
  calls: AthenaCall[];
  knobs: AthenaFakeKnobs;
  records: Rec[];
  queries: Map<string, FakeAthenaQuery>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Records → cells as Athena prints them

function lookup(obj: Rec, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** A value inside a struct/array/map: Trino prints it bare, `null` for NULL. */
function nested(v: unknown, t: ColumnType): string {
  if (v === null || v === undefined) return 'null';
  return cellText(v, t) ?? 'null';
}

function cellText(v: unknown, t: ColumnType): string | undefined {
  if (v === null || v === undefined) return undefined;
  switch (t.kind) {
    case 'string':
      // JsonSerDe keeps a nested object's JSON text in a STRING column.
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) return undefined;
      return `{${Object.entries(v as Rec).map(([k, x]) => `${k}=${nested(x, { kind: 'string' })}`).join(', ')}}`;
    }
    case 'array':
      if (!Array.isArray(v)) return undefined;
      return `[${v.map((x) => nested(x, t.of)).join(', ')}]`;
    case 'struct': {
      if (typeof v !== 'object' || Array.isArray(v)) return undefined;
      const o = v as Rec;
      return `{${t.fields.map(([n, ft]) => `${n.toLowerCase()}=${nested(lookup(o, n), ft)}`).join(', ')}}`;
    }
  }
}

/** One record as the row Athena returns for the table's columns. */
export function athenaRowOf(record: Rec): Array<string | undefined> {
  return CLOUDTRAIL_COLUMNS.map(([name, type]) => cellText(lookup(record, name), type));
}

export const ATHENA_COLUMNS: readonly string[] = CLOUDTRAIL_COLUMNS.map(([n]) => n.toLowerCase());

// ---------------------------------------------------------------------------------------------
// SigV4

// ---------------------------------------------------------------------------------------------

export async function startAthenaFake(opts: AthenaFakeOptions = {}): Promise<AthenaFake> {
  const now = opts.now ?? Date.now();
  const keys = new Map<string, string>([[opts.accessKeyId ?? FAKE_KEY_ID, opts.secretAccessKey ?? FAKE_SECRET]]);
  const records = opts.records ?? generateRecords('us-east-1', 60, now);
  const knobs: AthenaFakeKnobs = { throttle: 0, throttleType: 'TooManyRequestsException', accessDenied: false, serverErrors: 0, queued: 1, running: 2, slowMs: 0 };
  const calls: AthenaCall[] = [];
  const queries = new Map<string, FakeAthenaQuery>();
  const byToken = new Map<string, string>();
  const server = await startFakeServer();
  const fake: AthenaFake = { url: server.url, server, calls, knobs, records, queries, close: () => server.close() };

  server.handle((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // AWS's Smithy model (contracts/smithy/athena.json) judges every request and answer.
      const verdict = checkRequest('athena', req, body);
      if (verdict.violation) return contractViolationJson(res, verdict.violation);
      const target = String(req.headers['x-amz-target'] ?? '');
      const m = /^AmazonAthena\.(\w+)$/.exec(target);
      const auth = String(req.headers.authorization ?? '');
      const am = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), SignedHeaders=([^,\s]+), Signature=([0-9a-f]{64})$/.exec(auth);
      const call: AthenaCall = { op: m?.[1] ?? target, region: am?.[2].split('/')[1] ?? '', body: {}, status: 0, at: performance.now() };
      calls.push(call);
      const reply = (status: number, payload: unknown) => {
        call.status = status;
        const text = JSON.stringify(payload);
        const headers = { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() };
        checkResponse('athena', verdict.operation, req, status, headers, text);
        const go = () => {
          res.writeHead(status, headers);
          res.end(text);
        };
        if (knobs.slowMs > 0) setTimeout(go, knobs.slowMs);
        else go();
      };
      const fail = (status: number, type: string, message: string, extra: Rec = {}) => reply(status, { __type: type, Message: message, ...extra });

      if (req.method !== 'POST' || !m) return fail(400, 'UnknownOperationException', `Unknown operation ${target}`);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) return fail(400, 'SerializationException', 'Expected application/x-amz-json-1.1');
      if (!am) return fail(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      const [, keyId, scope, signed, signature] = am;
      const secret = keys.get(keyId);
      if (secret === undefined) return fail(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      const parts = scope.split('/');
      if (parts.length !== 4 || parts[2] !== 'athena' || parts[3] !== 'aws4_request') {
        return fail(400, 'IncompleteSignatureException', `Credential should be scoped to correct service: 'athena'.`);
      }
      if (expectedSignature(req, body, secret, scope, signed.split(';')) !== signature) {
        return fail(400, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
      }
      let input: Rec;
      try {
        input = body.length ? (JSON.parse(body.toString('utf8')) as Rec) : {};
      } catch {
        return fail(400, 'SerializationException', 'Malformed JSON');
      }
      call.body = input;
      const op = m[1];
      if (knobs.accessDenied) {
        return fail(
          400,
          'AccessDeniedException',
          `User: arn:aws:iam::${ATHENA_ACCOUNT}:user/ci is not authorized to perform: athena:${op} on resource: arn:aws:athena:${call.region}:${ATHENA_ACCOUNT}:workgroup/primary because no identity-based policy allows the athena:${op} action`,
        );
      }
      if (knobs.throttle > 0) {
        knobs.throttle--;
        return fail(400, knobs.throttleType, 'Rate exceeded', knobs.throttleType === 'TooManyRequestsException' ? { Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' } : {});
      }
      if (knobs.serverErrors > 0) {
        knobs.serverErrors--;
        return fail(500, 'InternalServerException', 'An internal error occurred.');
      }

      const find = (): FakeAthenaQuery | undefined => {
        const q = queries.get(String(input.QueryExecutionId ?? ''));
        if (!q) fail(400, 'InvalidRequestException', `QueryExecution ${String(input.QueryExecutionId)} was not found`, { AthenaErrorCode: 'INVALID_INPUT' });
        return q;
      };

      switch (op) {
        case 'StartQueryExecution': {
          const sql = typeof input.QueryString === 'string' ? input.QueryString : '';
          const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
          if (token !== undefined && (token.length < 32 || token.length > 128)) return fail(400, 'InvalidRequestException', 'ClientRequestToken length must be 32 to 128', { AthenaErrorCode: 'INVALID_INPUT' });
          if (token !== undefined && byToken.has(token)) return reply(200, { QueryExecutionId: byToken.get(token) });
          if (!/^\s*(select|create|with)\b/i.test(sql)) {
            return fail(400, 'InvalidRequestException', `line 1:1: mismatched input '${sql.trim().split(/\s+/)[0] ?? ''}'. Expecting: 'SELECT', 'CREATE', 'WITH'`, { AthenaErrorCode: 'MALFORMED_QUERY' });
          }
          const ctx = (input.QueryExecutionContext ?? {}) as Rec;
          const rc = (input.ResultConfiguration ?? {}) as Rec;
          const id = randomUUID();
          const select = /^\s*(select|with)\b/i.test(sql);
          const limit = /\bLIMIT\s+(\d+)\s*$/i.exec(sql);
          const picked = limit ? records.slice(0, Number(limit[1])) : records;
          const q: FakeAthenaQuery = {
            id,
            sql,
            token,
            database: typeof ctx.Database === 'string' ? ctx.Database : undefined,
            catalog: typeof ctx.Catalog === 'string' ? ctx.Catalog : undefined,
            workgroup: typeof input.WorkGroup === 'string' ? input.WorkGroup : undefined,
            outputLocation: typeof rc.OutputLocation === 'string' ? rc.OutputLocation : undefined,
            polls: 0,
            state: 'QUEUED',
            columns: select ? [...ATHENA_COLUMNS] : [],
            rows: select ? [[...ATHENA_COLUMNS], ...picked.map(athenaRowOf)] : [],
          };
          if (/\bFAIL_QUERY\b/.test(sql)) q.reason = "COLUMN_NOT_FOUND: line 3:7: Column 'nosuchcolumn' cannot be resolved or requester is not authorized to access requested resources";
          if (/\bDENY_S3\b/.test(sql)) q.reason = 'Access denied when writing output to url: s3://results-bucket/out/. Please ensure you are allowed to access the S3 bucket.';
          queries.set(id, q);
          if (token !== undefined) byToken.set(token, id);
          return reply(200, { QueryExecutionId: id });
        }
        case 'GetQueryExecution': {
          const q = find();
          if (!q) return;
          if (q.state === 'QUEUED' || q.state === 'RUNNING') {
            q.polls++;
            if (q.polls <= knobs.queued) q.state = 'QUEUED';
            else if (q.polls <= knobs.queued + knobs.running) q.state = 'RUNNING';
            else q.state = q.reason ? 'FAILED' : 'SUCCEEDED';
          }
          const dataRows = Math.max(0, q.rows.length - 1);
          const scanned = q.state === 'QUEUED' ? 0 : q.state === 'RUNNING' ? (q.polls - knobs.queued) * 1000 * dataRows : 1000 * knobs.running * dataRows + 17;
          const status: Rec = { State: q.state, SubmissionDateTime: Math.floor(now / 1000) };
          if (q.state === 'FAILED' && q.reason) {
            status.StateChangeReason = q.reason;
            status.AthenaError = { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: q.reason };
          }
          if (q.state === 'CANCELLED') status.StateChangeReason = 'Query cancelled by user';
          return reply(200, {
            QueryExecution: {
              QueryExecutionId: q.id,
              Query: q.sql,
              StatementType: q.columns.length > 0 ? 'DML' : 'DDL',
              Status: status,
              Statistics: { DataScannedInBytes: scanned, EngineExecutionTimeInMillis: q.polls * 120, TotalExecutionTimeInMillis: q.polls * 150 },
              WorkGroup: q.workgroup ?? 'primary',
              QueryExecutionContext: { Database: q.database, Catalog: q.catalog ?? 'AwsDataCatalog' },
            },
          });
        }
        case 'GetQueryResults': {
          const q = find();
          if (!q) return;
          if (q.state !== 'SUCCEEDED') return fail(400, 'InvalidRequestException', `Query has not yet finished. Current state: ${q.state}`, { AthenaErrorCode: 'INVALID_INPUT' });
          const max = input.MaxResults === undefined ? 1000 : Number(input.MaxResults);
          if (!Number.isInteger(max) || max < 1 || max > 1000) return fail(400, 'InvalidRequestException', 'MaxResults must be between 1 and 1000', { AthenaErrorCode: 'INVALID_INPUT' });
          let offset = 0;
          if (input.NextToken !== undefined) {
            const mm = /^page:(.+):(\d+)$/.exec(Buffer.from(String(input.NextToken), 'base64').toString('utf8'));
            if (!mm || mm[1] !== q.id) return fail(400, 'InvalidRequestException', 'Invalid NextToken', { AthenaErrorCode: 'INVALID_INPUT' });
            offset = Number(mm[2]);
          }
          const page = q.rows.slice(offset, offset + max);
          const out: Rec = {
            UpdateCount: 0,
            ResultSet: {
              Rows: page.map((r) => ({ Data: r.map((c) => (c === undefined ? {} : { VarCharValue: c })) })),
              ResultSetMetadata: {
                ColumnInfo: q.columns.map((n) => ({ CatalogName: 'hive', SchemaName: '', TableName: '', Name: n, Label: n, Type: n === 'resources' ? 'array' : 'varchar', Precision: 0, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: true })),
              },
            },
          };
          if (offset + max < q.rows.length) out.NextToken = Buffer.from(`page:${q.id}:${offset + max}`).toString('base64');
          return reply(200, out);
        }
        case 'StopQueryExecution': {
          const q = find();
          if (!q) return;
          if (q.state === 'QUEUED' || q.state === 'RUNNING') q.state = 'CANCELLED';
          return reply(200, {});
        }
        default:
          return fail(400, 'UnknownOperationException', `Operation ${op} is not implemented by the fake`);
      }
    });
  });
  return fake;
}
