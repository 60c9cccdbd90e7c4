// A local fake of Amazon S3 (path-style, as clients with forcePathStyle send it) on 127.0.0.1, plus
// CloudTrail DescribeTrails on POST / (JSON 1.1, `X-Amz-Target: CloudTrail_20131101.DescribeTrails`),
// so one endpoint serves both clients of the S3 trail provider.
// No S3-compatible server is a project dependency (minio is not packaged for Debian; moto_server may
// sit on a developer's machine but `npm test` cannot count on it, and it has none of the failure
// knobs below), so this is the small one the tests need:
//   ListObjectsV2  GET /<bucket>?list-type=2&prefix=&delimiter=&continuation-token=&max-keys=&start-after=
//                  (keys in UTF-8 order, CommonPrefixes counted toward max-keys, opaque tokens)
//   GetObject      GET /<bucket>/<key> (Content-Length, ETag, Last-Modified, Range: bytes=a-b)
//   HeadBucket, GetBucketLocation (GET /<bucket>?location)
//   errors as S3 sends them: <Error><Code>…</Code><Message>…</Message>…</Error> (AccessDenied 403,
//   NoSuchKey / NoSuchBucket 404, PermanentRedirect 301 with x-amz-bucket-region, ExpiredToken 400,
//   InvalidAccessKeyId / SignatureDoesNotMatch 403)
// Every request's SigV4 signature is recomputed with node:crypto from the known secret (S3 flavour:
// the path is signed as sent, the payload hash is the x-amz-content-sha256 header). A request signed
// for another region than the bucket's gets the 301 real S3 answers.
// Every request and answer is checked against AWS's Smithy models of S3 and CloudTrail
// (test/support/smithy/contract.ts).
// Knobs: per-key failures, slow keys, downloads cut off mid-body, a cap on max-keys (tiny pages),
// expired credentials, denied listings; stats record the most simultaneous GetObjects.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { awsEscape, expectedSignature, queryPairs, safeDecode } from '../sigv4';
import { startFakeServer, type FakeServer } from '../fakeServer';
import { checkRequest, checkResponse, contractViolationJson, contractViolationXml } from '../smithy/contract';

export const S3_KEY_ID = 'AKIAS3FAKE0EXAMPLE01';
export const S3_SECRET = 's3/Fake+Secret=Key/0123456789abcdefghijkl';

export interface S3Failure {
  status: number;
  code: string;
  message?: string;
  headers?: Record<string, string>;
}

export interface S3FakeKnobs {
  /** Largest page ListObjectsV2 returns, whatever max-keys asks (S3: 1000). */
  pageSize: number;
  /** Every request answers ExpiredToken. */
  expired: boolean;
  /** Buckets whose listing answers AccessDenied. */
  denyList: Set<string>;
  /** "bucket/key" → the error GetObject answers. */
  failKeys: Map<string, S3Failure>;
  /** "bucket/key" → ms to wait before answering GetObject. */
  slowKeys: Map<string, number>;
  /** Every GetObject waits this long first. */
  slowMs: number;
  /** "bucket/key" → send the full Content-Length but only this many bytes, then close the connection (times left in `cutTimes`). */
  cutKeys: Map<string, number>;
  /** How many times each cut key is cut before it is served whole (default: always). */
  cutTimes: Map<string, number>;
}

export interface S3Call {
  op: string;
  bucket: string;
  /** The key read, or the prefix listed. */
  key: string;
  query: Record<string, string>;
  region: string;
  accessKeyId: string;
  status: number;
}

export interface S3FakeStats {
  inFlightGets: number;
  maxInFlightGets: number;
}

export interface FakeTrail {
  Name: string;
  S3BucketName: string;
  S3KeyPrefix?: string;
  IsOrganizationTrail?: boolean;
  IsMultiRegionTrail?: boolean;
  HomeRegion: string;
  TrailARN: string;
  KmsKeyId?: string;
}

export interface S3FakeBucket {
  region: string;
  objects: Map<string, Buffer>;
}

export interface S3Fake {
  url: string;
  server: FakeServer;
  buckets: Map<string, S3FakeBucket>;
  trails: FakeTrail[];
  knobs: S3FakeKnobs;
  stats: S3FakeStats;
  calls: S3Call[];
  put(bucket: string, key: string, body: Buffer | string): void;
  close(): Promise<void>;
}

export interface S3FakeOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Required x-amz-security-token, when the keys are temporary. */
  sessionToken?: string;
  /** Bucket name → region. */
  buckets?: Record<string, string>;
  trails?: FakeTrail[];
  pageSize?: number;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** UTF-8 byte order, as S3 lists keys. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const LAST_MODIFIED = new Date('2026-11-20T00:00:00Z');

export async function startS3Fake(opts: S3FakeOptions = {}): Promise<S3Fake> {
  const keyId = opts.accessKeyId ?? S3_KEY_ID;
  const secretKey = opts.secretAccessKey ?? S3_SECRET;
  const buckets = new Map<string, S3FakeBucket>(Object.entries(opts.buckets ?? {}).map(([b, region]) => [b, { region, objects: new Map() }]));
  const knobs: S3FakeKnobs = {
    pageSize: opts.pageSize ?? 1000,
    expired: false,
    denyList: new Set(),
    failKeys: new Map(),
    slowKeys: new Map(),
    slowMs: 0,
    cutKeys: new Map(),
    cutTimes: new Map(),
  };
  const stats: S3FakeStats = { inFlightGets: 0, maxInFlightGets: 0 };
  const calls: S3Call[] = [];
  let requestSeq = 0;
  const server = await startFakeServer();
  const fake: S3Fake = {
    url: server.url,
    server,
    buckets,
    trails: opts.trails ?? [],
    knobs,
    stats,
    calls,
    put(bucket, key, body) {
      let b = buckets.get(bucket);
      if (!b) {
        b = { region: 'us-east-1', objects: new Map() };
        buckets.set(bucket, b);
      }
      b.objects.set(key, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
    },
    close: () => server.close(),
  };

  server.handle((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const requestId = `FAKE${String(++requestSeq).padStart(8, '0')}`;
      const [rawPath, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
      const query = Object.fromEntries(queryPairs(rawQuery));
      const segs = rawPath.split('/');
      const bucket = safeDecode(segs[1] ?? '');
      const key = segs.slice(2).map(safeDecode).join('/');
      const auth = String(req.headers.authorization ?? '');
      const am = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
      const call: S3Call = { op: '', bucket, key, query, region: am?.[2].split('/')[1] ?? '', accessKeyId: am?.[1] ?? '', status: 0 };
      calls.push(call);
      // AWS's Smithy models (contracts/smithy/s3.json, and cloudtrail.json for DescribeTrails) judge
      // every request and answer.
      const isJson = req.method === 'POST' && rawPath === '/' && req.headers['x-amz-target'] !== undefined;
      const service = isJson ? 'cloudtrail' : 's3';
      const verdict = checkRequest(service, req, body);
      if (verdict.violation) {
        call.status = 400;
        return isJson ? contractViolationJson(res, verdict.violation) : contractViolationXml(res, req.method, verdict.violation);
      }
      const head = (status: number, headers: Record<string, string | number>, text?: string) => {
        checkResponse(service, verdict.operation, req, status, headers, text);
        res.writeHead(status, headers);
      };

      const xmlError = (status: number, code: string, message: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) => {
        call.status = status;
        const fields = Object.entries(extra)
          .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
          .join('');
        const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>fake</HostId></Error>`;
        head(status, { 'content-type': 'application/xml', 'content-length': req.method === 'HEAD' ? 0 : Buffer.byteLength(text), 'x-amz-request-id': requestId, ...headers }, text);
        res.end(req.method === 'HEAD' ? undefined : text);
      };
      const jsonReply = (status: number, payload: unknown) => {
        call.status = status;
        const text = JSON.stringify(payload);
        head(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': requestId }, text);
        res.end(text);
      };

      // CloudTrail (JSON 1.1) shares the endpoint.
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method === 'POST' && rawPath === '/' && target) {
        call.op = target.replace(/^.*\./, '');
        const fail = (type: string, message: string) => jsonReply(400, { __type: type, message });
        if (!am) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
        if (am[1] !== keyId) return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
        if (expectedSignature(req, body, secretKey, am[2], am[3].split(';')) !== am[4]) {
          return fail('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
        }
        if (knobs.expired) return fail('ExpiredTokenException', 'The security token included in the request is expired');
        if (call.op !== 'DescribeTrails') return fail('UnknownOperationException', `Operation ${call.op} is not implemented by the fake`);
        const region = call.region;
        // Shadow trails: a multi-region (or organization) trail shows in every region; others only at home.
        return jsonReply(200, { trailList: fake.trails.filter((t) => t.HomeRegion === region || t.IsMultiRegionTrail || t.IsOrganizationTrail) });
      }

      if (!am) return xmlError(403, 'AccessDenied', 'Anonymous access is forbidden for this operation');
      const [, id, scope, signed, signature] = am;
      if (id !== keyId) return xmlError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: id });
      const scopeParts = scope.split('/');
      if (scopeParts.length !== 4 || scopeParts[2] !== 's3' || scopeParts[3] !== 'aws4_request') {
        return xmlError(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; incorrect service "${scopeParts[2]}". This endpoint belongs to "s3".`);
      }
      const hash = String(req.headers['x-amz-content-sha256'] ?? '');
      if (!hash) return xmlError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
      if (hash !== 'UNSIGNED-PAYLOAD' && hash !== createHash('sha256').update(body).digest('hex')) {
        return xmlError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
      }
      if (expectedSignature(req, body, secretKey, scope, signed.split(';')) !== signature) {
        return xmlError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', { AWSAccessKeyId: id });
      }
      if (opts.sessionToken !== undefined && req.headers['x-amz-security-token'] !== opts.sessionToken) {
        return xmlError(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
      }
      if (knobs.expired) return xmlError(400, 'ExpiredToken', 'The provided token has expired.');

      const b = buckets.get(bucket);
      const isList = req.method === 'GET' && key === '' && query['list-type'] === '2';
      call.op = isList ? 'ListObjectsV2' : req.method === 'GET' && key !== '' ? 'GetObject' : req.method === 'HEAD' && key === '' ? 'HeadBucket' : 'location' in query ? 'GetBucketLocation' : `${req.method} ${rawPath}`;
      if (!bucket) return xmlError(400, 'NotImplemented', 'ListBuckets is not implemented by the fake');
      if (!b) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
      if (call.region !== b.region && call.op !== 'GetBucketLocation') {
        return xmlError(
          301,
          'PermanentRedirect',
          'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
          { Endpoint: `s3.${b.region}.amazonaws.com`, Bucket: bucket },
          { 'x-amz-bucket-region': b.region },
        );
      }
      if (call.op === 'HeadBucket') {
        call.status = 200;
        head(200, { 'x-amz-bucket-region': b.region, 'x-amz-request-id': requestId });
        return res.end();
      }
      if (call.op === 'GetBucketLocation') {
        call.status = 200;
        const text = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${b.region === 'us-east-1' ? '' : b.region}</LocationConstraint>`;
        head(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) }, text);
        return res.end(text);
      }
      if (isList) {
        call.key = query.prefix ?? '';
        if (knobs.denyList.has(bucket)) {
          return xmlError(403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${bucket}" because no identity-based policy allows the s3:ListBucket action`);
        }
        return listObjects(b);
      }
      if (call.op === 'GetObject') return getObject(b);
      return xmlError(501, 'NotImplemented', `${req.method} ${rawPath} is not implemented by the fake`);

      function listObjects(bk: S3FakeBucket): void {
        const prefix = query.prefix ?? '';
        const delimiter = query.delimiter ?? '';
        const requested = query['max-keys'] === undefined ? 1000 : Number(query['max-keys']);
        if (!Number.isInteger(requested) || requested < 0) return xmlError(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range');
        const max = Math.min(requested, knobs.pageSize, 1000);
        let marker = query['start-after'] ?? '';
        const token = query['continuation-token'];
        if (token !== undefined) {
          const decoded = Buffer.from(token, 'base64').toString('utf8');
          if (!decoded.startsWith('ct:')) return xmlError(400, 'InvalidArgument', 'The continuation token provided is incorrect');
          marker = decoded.slice(3);
        }
        const keys = [...bk.objects.keys()].filter((k) => k.startsWith(prefix)).sort(byteCompare);
        const contents: string[] = [];
        const prefixes: string[] = [];
        let last = '';
        let truncated = false;
        for (const k of keys) {
          if (marker && (byteCompare(k, marker) <= 0 || (marker.endsWith(delimiter || '\u0000') && k.startsWith(marker)))) continue;
          const rest = k.slice(prefix.length);
          const cut = delimiter ? rest.indexOf(delimiter) : -1;
          const item = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : k;
          if (cut >= 0 && item === last) continue;
          if (contents.length + prefixes.length >= max) {
            truncated = true;
            break;
          }
          if (cut >= 0) prefixes.push(item);
          else contents.push(k);
          last = item;
        }
        const enc = query['encoding-type'] === 'url' ? (s: string) => awsEscape(s).replace(/%2F/g, '/') : (s: string) => s;
        const parts = [
          `<Name>${xmlEscape(bucket)}</Name>`,
          `<Prefix>${xmlEscape(enc(prefix))}</Prefix>`,
          `<KeyCount>${contents.length + prefixes.length}</KeyCount>`,
          `<MaxKeys>${requested}</MaxKeys>`,
          delimiter ? `<Delimiter>${xmlEscape(enc(delimiter))}</Delimiter>` : '',
          `<IsTruncated>${truncated}</IsTruncated>`,
          query['encoding-type'] === 'url' ? '<EncodingType>url</EncodingType>' : '',
          token !== undefined ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '',
          truncated ? `<NextContinuationToken>${Buffer.from(`ct:${last}`, 'utf8').toString('base64')}</NextContinuationToken>` : '',
          query['start-after'] !== undefined ? `<StartAfter>${xmlEscape(enc(query['start-after']))}</StartAfter>` : '',
          ...contents.map((k) => {
            const data = bk.objects.get(k) as Buffer;
            return `<Contents><Key>${xmlEscape(enc(k))}</Key><LastModified>${LAST_MODIFIED.toISOString()}</LastModified><ETag>&quot;${etag(data)}&quot;</ETag><Size>${data.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
          }),
          ...prefixes.map((p) => `<CommonPrefixes><Prefix>${xmlEscape(enc(p))}</Prefix></CommonPrefixes>`),
        ];
        const text = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</ListBucketResult>`;
        call.status = 200;
        head(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text), 'x-amz-request-id': requestId }, text);
        res.end(text);
      }

      function getObject(bk: S3FakeBucket): void {
        const id = `${bucket}/${key}`;
        stats.inFlightGets++;
        stats.maxInFlightGets = Math.max(stats.maxInFlightGets, stats.inFlightGets);
        let counted = true;
        const release = () => {
          if (counted) {
            counted = false;
            stats.inFlightGets--;
          }
        };
        res.once('close', release);
        res.once('finish', release);
        const answer = () => {
          const failure = knobs.failKeys.get(id);
          if (failure) return xmlError(failure.status, failure.code, failure.message ?? failure.code, { Key: key }, failure.headers);
          const data = bk.objects.get(key);
          if (!data) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
          let slice = data;
          let status = 200;
          const headers: Record<string, string | number> = {
            'content-type': 'application/json',
            etag: `"${etag(data)}"`,
            'last-modified': LAST_MODIFIED.toUTCString(),
            'accept-ranges': 'bytes',
            'x-amz-request-id': requestId,
            'x-amz-server-side-encryption': 'AES256',
          };
          const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
          if (range && (range[1] !== '' || range[2] !== '')) {
            const start = range[1] === '' ? Math.max(0, data.length - Number(range[2])) : Number(range[1]);
            const end = range[1] === '' || range[2] === '' ? data.length - 1 : Math.min(Number(range[2]), data.length - 1);
            if (start >= data.length || start > end) return xmlError(416, 'InvalidRange', 'The requested range is not satisfiable', {}, { 'content-range': `bytes */${data.length}` });
            slice = data.subarray(start, end + 1);
            status = 206;
            headers['content-range'] = `bytes ${start}-${end}/${data.length}`;
          }
          headers['content-length'] = slice.length;
          call.status = status;
          const cut = knobs.cutKeys.get(id);
          const timesLeft = knobs.cutTimes.get(id);
          if (cut !== undefined && (timesLeft === undefined || timesLeft > 0)) {
            if (timesLeft !== undefined) knobs.cutTimes.set(id, timesLeft - 1);
            head(status, headers);
            res.write(slice.subarray(0, Math.min(cut, slice.length)), () => {
              // Let the bytes leave before the connection drops, as a real cut does.
              setTimeout(() => res.destroy(), 10);
            });
            return;
          }
          head(status, headers);
          res.end(slice);
        };
        const delay = (knobs.slowKeys.get(id) ?? 0) + knobs.slowMs;
        if (delay > 0) setTimeout(answer, delay);
        else answer();
      }
    });
  });
  return fake;
}

function etag(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

// ---- objects for the fake: real shared data in the S3 layout, and generated days ----

export interface RealTrailData {
  /** Key → object bytes, for the bucket. */
  objects: Map<string, Buffer>;
  /** Key → the file on disk it came from (the same events). */
  sources: Map<string, string>;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
}

/**
 * The cloud-snitch-org-trail set (already in the layout, organization trail included) at its keys
 * from AWSLogs/ on, bytes unchanged. Undefined when the shared data is absent.
 */
export function cloudSnitchObjects(dataDir: string): RealTrailData | undefined {
  const root = path.join(dataDir, 'cloud-snitch-org-trail');
  if (!existsSync(root)) return undefined;
  const files: string[] = [];
  walk(root, files);
  const out: RealTrailData = { objects: new Map(), sources: new Map() };
  for (const f of files.filter((x) => x.endsWith('.json.gz'))) {
    const rel = f.split(path.sep).join('/');
    const key = rel.slice(rel.indexOf('AWSLogs/'));
    out.objects.set(key, readFileSync(f));
    out.sources.set(key, f);
  }
  return out;
}

/**
 * The invictus-ir set (S3 file names, a flat folder) placed at the keys CloudTrail gives those
 * names under `prefix`, gzipped as CloudTrail delivers: …/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<name>.gz.
 */
export function invictusObjects(dataDir: string, prefix: string): RealTrailData | undefined {
  const root = path.join(dataDir, 'invictus-ir-aws-dataset');
  if (!existsSync(root)) return undefined;
  const files: string[] = [];
  walk(root, files);
  const out: RealTrailData = { objects: new Map(), sources: new Map() };
  for (const f of files) {
    const m = /^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T\d{4}Z_[A-Za-z0-9]+\.json$/.exec(path.basename(f));
    if (!m) continue;
    const key = `${prefix}AWSLogs/${m[1]}/CloudTrail/${m[2]}/${m[3]}/${m[4]}/${m[5]}/${path.basename(f)}.gz`;
    out.objects.set(key, gzipSync(readFileSync(f)));
    out.sources.set(key, f);
  }
  return out;
}

/** A deterministic id from text (UUID-shaped, as CloudTrail's eventID). */
export function fakeUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const NAMES: ReadonlyArray<[string, string]> = [
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['iam.amazonaws.com', 'CreateUser'],
  ['s3.amazonaws.com', 'GetBucketAcl'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['cloudtrail.amazonaws.com', 'LookupEvents'],
];

/** A CloudTrail log file ({"Records":[…]}, gzipped) of `count` events for one account, region and 5-minute slot. */
export function generatedLogFile(account: string, region: string, day: string, slot: number, count: number): { name: string; body: Buffer; eventIds: string[] } {
  const start = Date.parse(`${day}T00:00:00Z`) + slot * 5 * 60_000;
  const stamp = new Date(start).toISOString();
  const name = `${account}_CloudTrail_${region}_${stamp.slice(0, 10).replace(/-/g, '')}T${stamp.slice(11, 16).replace(':', '')}Z_${fakeUuid(`${account}${region}${day}${slot}`).replace(/-/g, '').slice(0, 16)}.json.gz`;
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const [source, eventName] = NAMES[(slot + i) % NAMES.length];
    records.push({
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${account}:user/gen`, accountId: account, userName: 'gen' },
      eventTime: new Date(start + i * 1000).toISOString().replace('.000Z', 'Z'),
      eventSource: source,
      eventName,
      awsRegion: region,
      sourceIPAddress: `198.51.100.${(slot + i) % 250}`,
      userAgent: 'aws-cli/2.13.5',
      requestParameters: null,
      responseElements: null,
      requestID: fakeUuid(`req/${name}/${i}`),
      eventID: fakeUuid(`${name}/${i}`),
      readOnly: eventName.startsWith('Describe') || eventName.startsWith('Get') || eventName.startsWith('Lookup'),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    });
  }
  return { name, body: gzipSync(Buffer.from(JSON.stringify({ Records: records }), 'utf8')), eventIds: records.map((r) => String(r.eventID)) };
}

/** Digest object key (what CloudTrail writes next to the logs when log file validation is on). */
export function digestKey(root: string, account: string, region: string, day: string, trail: string): string {
  const [y, m, d] = day.split('-');
  return `${root}${account}/CloudTrail-Digest/${region}/${y}/${m}/${d}/${account}_CloudTrail-Digest_${region}_${trail}_${region}_${y}${m}${d}T235959Z.json.gz`;
}

/** A digest's body: hashes of log files, never events. */
export function digestBody(account: string): Buffer {
  return gzipSync(
    Buffer.from(
      JSON.stringify({
        awsAccountId: account,
        digestStartTime: '2026-11-18T00:00:00Z',
        digestEndTime: '2026-11-18T23:59:59Z',
        digestS3Bucket: 'digests',
        digestSignatureAlgorithm: 'SHA256withRSA',
        logFiles: [{ s3Bucket: 'logs', s3Object: 'x.json.gz', hashValue: 'ab', hashAlgorithm: 'SHA-256' }],
      }),
    ),
  );
}
