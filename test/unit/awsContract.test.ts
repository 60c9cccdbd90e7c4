// The AWS wire against AWS's own Smithy models (contracts/smithy/, pinned from aws/api-models-aws).
// The fakes (test/support/fakes/awsCloudtrail.ts, athena.ts, s3.ts) check every request and answer
// through test/support/smithy/contract.ts, so every existing AWS test is a contract test; this file
// tests the checks themselves (each must be able to fail), the pinned models, hostile input, and
// fails the run if any violation was left untaken (the root `after` hook below).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AthenaClient, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, DescribeQueryCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startAthenaFake } from '../support/fakes/athena';
import { FAKE_KEY_ID, FAKE_SECRET, startAwsCloudTrailFake } from '../support/fakes/awsCloudtrail';
import { S3_KEY_ID, S3_SECRET, startS3Fake } from '../support/fakes/s3';
import { checkJsonRequest, checkJsonResponse, parseJsonBody } from '../support/smithy/awsJson';
import { checkedCounts, describeViolation, takeViolations } from '../support/smithy/contract';
import { CONTRACTS_DIR, loadModel, type AwsService } from '../support/smithy/model';
import { checkRestXmlRequest, checkRestXmlResponse } from '../support/smithy/restXml';
import { checkJson, MAX_PROBLEMS, Problems } from '../support/smithy/validate';
import { parseXml } from '../support/smithy/xml';

const ROOT = path.resolve(__dirname, '../../..');

// Root hook: a violation no test took fails the run, naming it (the fakes also answer requests
// off the model with a ContractViolation error, which fails the call that sent it).
after(function () {
  if (process.env.AWS_CONTRACT_STATS) for (const [k, n] of [...checkedCounts()].sort()) console.log(`  contract-checked ${k}: ${n}`);
  const left = takeViolations();
  if (left.length) throw new Error(`AWS wire contract: ${left.length} violation(s) not taken by a test:\n${left.slice(0, 10).map(describeViolation).join('\n')}`);
});

const ct = loadModel('cloudtrail');
const athena = loadModel('athena');
const s3 = loadModel('s3');

function jsonHeaders(target: string): Record<string, string> {
  return { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target };
}

function lookup(body: unknown): string[] {
  return checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.from(JSON.stringify(body))).problems;
}

describe('AWS wire contract (Smithy models)', function () {
  this.timeout(60_000);
  afterEach(() => {
    // Tests here that provoke violations take them; anything else is a real failure.
    const left = takeViolations();
    assert.deepEqual(left.map(describeViolation), []);
  });

  describe('the pinned models', () => {
    it('hold every shape they reference, with the protocol and the operations we call', () => {
      for (const name of ['cloudtrail', 'athena', 's3'] as const) {
        const m = loadModel(name);
        for (const [id, shape] of Object.entries(m.shapes)) {
          for (const ref of [shape.input, shape.output, shape.member, shape.key, shape.value, ...(shape.errors ?? []), ...Object.values(shape.members ?? {})]) {
            if (ref) assert.doesNotThrow(() => m.shape(ref.target), `${name}: ${id} → ${ref.target}`);
          }
        }
      }
      assert.equal(ct.protocol, 'awsJson1_1');
      assert.equal(ct.serviceName, 'CloudTrail_20131101');
      assert.equal(athena.protocol, 'awsJson1_1');
      assert.equal(athena.serviceName, 'AmazonAthena');
      assert.equal(s3.protocol, 'restXml');
    });

    it('pin every SDK command the providers send', () => {
      const sent = new Map<AwsService, Set<string>>([
        ['cloudtrail', new Set()],
        ['athena', new Set()],
        ['s3', new Set()],
      ]);
      const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
      for (const file of walk(path.join(ROOT, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(cloudtrail|athena|s3)'/g)) {
          for (const name of m[1].split(',').map((x) => x.trim().replace(/^type\s+/, ''))) {
            const cmd = /^(\w+)Command$/.exec(name);
            if (cmd && text.includes(`new ${name}(`)) sent.get(m[2] as AwsService)?.add(cmd[1]);
          }
        }
      }
      for (const [svc, ops] of sent) {
        assert.ok(ops.size > 0, `${svc}: no commands found in src/`);
        assert.deepEqual([...ops].sort(), loadModel(svc).operationNames().sort(), `${svc}: the operations sent are the ones pinned in contracts/smithy/${svc}.json`);
      }
    });

    it('agree with the (newer) SDK clients on every shape, except the additions listed here', () => {
      // The SDK clients are generated from AWS's models too, and ship them as schemas (`<Shape>$`:
      // [3, namespace, name, traits, member names, …]) and enum objects. The clients are newer than
      // the pinned models (contracts/smithy/SOURCE.md): these are the members and values they add.
      // Every other structure and enum must match exactly, so the request checks cover all the SDK
      // can send, and an SDK upgrade that changes a shape we use fails here until it is re-pinned.
      const SDK_ADDITIONS: Record<string, string[]> = {
        'cloudtrail#Trail': ['RecursiveLogging'],
        's3#GetObjectOutput': ['ExpiresString', 'ObjectLockEventHold', 'ObjectLockEventHoldDurationDays', 'ObjectLockEventHoldDurationYears'],
        's3#ObjectStorageClass': ['AWS_BACKUP_LOW_COST_WARM', 'AWS_BACKUP_WARM'],
        's3#StorageClass': ['AWS_BACKUP_LOW_COST_WARM', 'AWS_BACKUP_WARM'],
        's3#ServerSideEncryption': ['aws:backup'],
      };
      const packages = { cloudtrail: '@aws-sdk/client-cloudtrail', athena: '@aws-sdk/client-athena', s3: '@aws-sdk/client-s3' } as const;
      let compared = 0;
      for (const svc of ['cloudtrail', 'athena', 's3'] as const) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdk = require(packages[svc]) as Record<string, unknown>;
        const m = loadModel(svc);
        for (const [id, shape] of Object.entries(m.shapes)) {
          const name = id.split('#')[1];
          const key = `${svc}#${name}`;
          let ours: string[];
          let theirs: string[];
          if (shape.type === 'structure') {
            const schema = (sdk[`${name}$`] ?? sdk[`_${name}$`]) as unknown[] | undefined;
            assert.ok(Array.isArray(schema), `${key}: the SDK exports no schema`);
            ours = Object.keys(shape.members ?? {});
            theirs = schema[4] as string[];
          } else if (shape.type === 'enum') {
            const values = sdk[name] as Record<string, string> | undefined;
            assert.ok(values && typeof values === 'object', `${key}: the SDK exports no enum`);
            ours = Object.values(shape.members ?? {}).map((x) => String(x.traits?.['smithy.api#enumValue']));
            theirs = Object.values(values);
          } else continue;
          compared++;
          const added = theirs.filter((x) => !ours.includes(x)).sort();
          const removed = ours.filter((x) => !theirs.includes(x)).sort();
          assert.deepEqual(removed, [], `${key}: in the pinned model, not in the SDK`);
          assert.deepEqual(added, SDK_ADDITIONS[key] ?? [], `${key}: the SDK's additions`);
        }
      }
      assert.ok(compared > 100, `${compared} shapes compared`);
    });

    it('carry their source, commit and licence', () => {
      const source = readFileSync(path.join(CONTRACTS_DIR, 'SOURCE.md'), 'utf8');
      assert.match(source, /github\.com\/aws\/api-models-aws/);
      assert.match(source, /5b9627844475df0b85d8402e7c011f5085ed74a0/);
      assert.match(readFileSync(path.join(CONTRACTS_DIR, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
    });
  });

  describe('JSON 1.1 requests', () => {
    it('accept what LookupEvents allows', () => {
      assert.deepEqual(lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }], StartTime: 1_700_000_000.5, EndTime: 1_700_003_600, MaxResults: 50, NextToken: 'abc' }), []);
      assert.deepEqual(lookup({}), []);
    });

    it('refuse unknown members, wrong types, missing required members, enums, ranges, lengths and patterns', () => {
      assert.match(lookup({ Bogus: 1 }).join(), /Bogus: not a member of LookupEventsRequest/);
      assert.match(lookup({ MaxResults: '5' }).join(), /MaxResults: expected a number/);
      assert.match(lookup({ MaxResults: 51 }).join(), /above @range max 50/);
      assert.match(lookup({ MaxResults: 0 }).join(), /below @range min 1/);
      assert.match(lookup({ MaxResults: 1.5 }).join(), /not an integer/);
      assert.match(lookup({ StartTime: '2024-01-01T00:00:00Z' }).join(), /epoch seconds/);
      assert.match(lookup({ LookupAttributes: [{ AttributeKey: 'EventName' }] }).join(), /AttributeValue: required member missing/);
      assert.match(lookup({ LookupAttributes: [{ AttributeKey: 'eventName', AttributeValue: 'x' }] }).join(), /not one of the enum's values/);
      assert.match(lookup({ EventCategory: 'Insight' }).join(), /not one of the enum's values \(insight\)/);
      assert.match(lookup({ LookupAttributes: [null] }).join(), /null in a list that is not @sparse/);
      const token = (t: string) => checkJsonRequest(athena, 'POST', '/', jsonHeaders('AmazonAthena.StartQueryExecution'), Buffer.from(JSON.stringify({ QueryString: 'SELECT 1', ClientRequestToken: t }))).problems.join();
      assert.equal(token('a'.repeat(32)), '');
      assert.match(token('short'), /fewer than @length min 32/);
      const id = (x: string) => checkJsonRequest(athena, 'POST', '/', jsonHeaders('AmazonAthena.GetQueryExecution'), Buffer.from(JSON.stringify({ QueryExecutionId: x }))).problems.join();
      assert.equal(id('0f1e2d3c-aaaa'), '');
      assert.match(id('has space'), /does not match @pattern/);
      assert.match(checkJsonRequest(athena, 'POST', '/', jsonHeaders('AmazonAthena.StartQueryExecution'), Buffer.from('{}')).problems.join(), /QueryString: required member missing/);
      // CloudTrail's QueryStatement pattern is `^(?s)` (Java's inline flag): read as the s flag.
      const lake = (q: unknown) => checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.StartQuery'), Buffer.from(JSON.stringify(q))).problems;
      assert.deepEqual(lake({ QueryStatement: 'SELECT eventID\nFROM eds' }), []);
      assert.match(lake({ QueryStatement: '' }).join(), /fewer than @length min 1/);
      const desc = (id: string) => checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.DescribeQuery'), Buffer.from(JSON.stringify({ QueryId: id }))).problems.join();
      assert.equal(desc('0f1e2d3c-4b5a-4978-a695-a4b3c2d1e0f9'), '');
      assert.match(desc('q-0001-0f1e2d3c'), /fewer than @length min 36/);
    });

    it('refuse a target, method or content type the model does not have', () => {
      const body = Buffer.from('{}');
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.DeleteTrail'), body).problems.join(), /not an operation pinned/);
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('AmazonAthena.LookupEvents'), body).problems.join(), /expected CloudTrail_20131101\.<Operation>/);
      assert.match(checkJsonRequest(ct, 'GET', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), body).problems.join(), /JSON protocols POST/);
      assert.match(checkJsonRequest(ct, 'POST', '/', { 'content-type': 'application/json', 'x-amz-target': 'CloudTrail_20131101.LookupEvents' }, body).problems.join(), /x-amz-json-1\.1/);
    });
  });

  describe('JSON 1.1 responses', () => {
    const h = { 'content-type': 'application/x-amz-json-1.1' };
    it('check outputs and errors against the operation', () => {
      assert.deepEqual(checkJsonResponse(ct, 'LookupEvents', 200, h, JSON.stringify({ Events: [{ EventId: 'x', EventTime: 1 }], NextToken: 't' })), []);
      assert.match(checkJsonResponse(ct, 'LookupEvents', 200, h, JSON.stringify({ Events: [{ EventTime: '2024-01-01' }] })).join(), /Events\[0\]\.EventTime: expected a timestamp in epoch seconds/);
      assert.match(checkJsonResponse(ct, 'LookupEvents', 200, h, JSON.stringify({ events: [] })).join(), /events: not a member/);
      assert.deepEqual(checkJsonResponse(ct, 'LookupEvents', 400, h, JSON.stringify({ __type: 'InvalidNextTokenException', Message: 'Invalid NextToken.' })), []);
      // The model's member is Message: a lowercase message is not it.
      assert.match(checkJsonResponse(ct, 'LookupEvents', 400, h, JSON.stringify({ __type: 'InvalidNextTokenException', message: 'Invalid NextToken.' })).join(), /message: not a member of InvalidNextTokenException/);
      assert.match(checkJsonResponse(ct, 'LookupEvents', 400, h, JSON.stringify({ __type: 'QueryIdNotFoundException', Message: 'x' })).join(), /neither an error LookupEvents declares/);
      assert.match(checkJsonResponse(athena, 'GetQueryExecution', 400, h, JSON.stringify({ __type: 'InternalServerException', Message: 'x' })).join(), /model gives InternalServerException HTTP 500/);
      assert.match(checkJsonResponse(athena, 'StartQueryExecution', 400, h, JSON.stringify({ __type: 'TooManyRequestsException', Reason: 'SLOW_DOWN' })).join(), /not one of the enum's values/);
      assert.deepEqual(checkJsonResponse(athena, 'StartQueryExecution', 400, h, JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' })), []);
      assert.match(checkJsonResponse(athena, 'StartQueryExecution', 400, { ...h, 'x-amzn-errortype': 'Other' }, JSON.stringify({ __type: 'ThrottlingException' })).join(), /disagrees with __type/);
      assert.match(checkJsonResponse(athena, 'StopQueryExecution', 200, { 'content-type': 'application/json' }, '{}').join(), /not the protocol's/);
    });
  });

  describe('REST-XML (S3)', () => {
    const sdk = { 'x-amz-date': '20261203T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-user-agent': 'aws-sdk-js/3', authorization: 'AWS4-HMAC-SHA256 …', host: '127.0.0.1' };
    const req = (method: string, url: string, headers: Record<string, string> = {}, body = '') => checkRestXmlRequest(s3, method, url, { ...sdk, ...headers }, Buffer.from(body));

    it('route requests by the @http traits and check the bindings', () => {
      assert.deepEqual(req('GET', '/trail-bucket?list-type=2&prefix=AWSLogs%2F&delimiter=%2F&max-keys=10&continuation-token=abc'), { operation: 'ListObjectsV2', problems: [] });
      assert.deepEqual(req('GET', '/trail-bucket/AWSLogs/1/x.json.gz?x-id=GetObject', { range: 'bytes=0-9', 'x-amz-checksum-mode': 'ENABLED' }), { operation: 'GetObject', problems: [] });
      assert.deepEqual(req('HEAD', '/trail-bucket'), { operation: 'HeadBucket', problems: [] });
      // Path-style, as the SDK sends it with forcePathStyle: the bucket, then the rest of the URI ("/").
      assert.deepEqual(req('GET', '/trail-bucket/?list-type=2'), { operation: 'ListObjectsV2', problems: [] });
      assert.match(checkJsonResponse(ct, 'LookupEvents', 400, { 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify({ __type: 'InvalidNextTokenException', Message: 'no' })).join(), /fewer than @length min 4/);
      assert.match(req('GET', '/trail-bucket?list-type=2&bogus=1').problems.join(), /query bogus: not bound/);
      assert.match(req('GET', '/trail-bucket?list-type=2&max-keys=ten').problems.join(), /not an integer/);
      assert.match(req('GET', '/trail-bucket?list-type=2&encoding-type=base64').problems.join(), /not one of the enum's values/);
      assert.match(req('GET', '/trail-bucket?list-type=2&prefix=a&prefix=b').problems.join(), /given 2 times/);
      assert.match(req('GET', '/trail-bucket?list-type=2', { 'x-amz-bogus': '1' }).problems.join(), /header x-amz-bogus: not bound/);
      assert.match(req('GET', '/trail-bucket/key?x-id=GetObject', { 'x-amz-checksum-mode': 'DISABLED' }).problems.join(), /not one of the enum's values/);
      // Without ?x-id=GetObject, or ?list-type=2, no pinned operation matches.
      assert.match(req('GET', '/trail-bucket/key').problems.join(), /matches no pinned s3 operation/);
      assert.match(req('GET', '/trail-bucket?list-type=1').problems.join(), /matches no pinned s3 operation/);
      assert.match(req('DELETE', '/trail-bucket/key?x-id=GetObject').problems.join(), /matches no pinned s3 operation/);
      assert.match(req('GET', '/trail-bucket?list-type=2', {}, 'body').problems.join(), /no body members/);
    });

    const xml = (inner: string, root = 'ListBucketResult') => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
    const listed = (status: number, body: string, headers: Record<string, string> = {}) => checkRestXmlResponse(s3, 'ListObjectsV2', { method: 'GET', headers: {} }, status, { 'content-type': 'application/xml', 'x-amz-request-id': 'r', ...headers }, body);

    it('check XML outputs: root, namespace, member elements, flattened lists, types', () => {
      const good = '<Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>a&amp;b</Key><LastModified>2026-11-20T00:00:00.000Z</LastModified><ETag>&quot;x&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>';
      assert.deepEqual(listed(200, xml(good)), []);
      assert.match(listed(200, xml(good, 'ListObjectsV2Output')).join(), /root <ListObjectsV2Output>, the model's is <ListBucketResult>/);
      assert.match(listed(200, xml('<KeyCount>one</KeyCount>')).join(), /KeyCount: "one" is not an integer/);
      assert.match(listed(200, xml('<IsTruncated>yes</IsTruncated>')).join(), /not true or false/);
      assert.match(listed(200, xml('<Contents><Key>k</Key><Owner2/></Contents>')).join(), /Contents\.Owner2: not a member of Object/);
      assert.match(listed(200, xml('<Contents><StorageClass>COLD</StorageClass></Contents>')).join(), /not one of the enum's values/);
      assert.match(listed(200, xml('<Contents><LastModified>Fri, 20 Nov 2026 00:00:00 GMT</LastModified></Contents>')).join(), /not a date-time timestamp/);
      assert.match(listed(200, '<ListBucketResult></ListBucketResult>').join(), /xmlns/);
      assert.match(listed(200, xml(''), { 'x-amz-bucket-region': 'us-east-1' }).join(), /header x-amz-bucket-region: not bound to a member of ListObjectsV2's output/);
      assert.deepEqual(checkRestXmlResponse(s3, 'HeadBucket', { method: 'HEAD', headers: {} }, 200, { 'x-amz-bucket-region': 'eu-west-1' }, undefined), []);
      const got = (headers: Record<string, string>) => checkRestXmlResponse(s3, 'GetObject', { method: 'GET', headers: {} }, 200, headers, undefined);
      assert.deepEqual(got({ 'content-length': '3', etag: '"x"', 'last-modified': 'Fri, 20 Nov 2026 00:00:00 GMT', 'x-amz-server-side-encryption': 'AES256' }), []);
      assert.match(got({ 'last-modified': '2026-11-20T00:00:00Z' }).join(), /not a http-date timestamp/);
      assert.match(got({ 'x-amz-server-side-encryption': 'AES128' }).join(), /not one of the enum's values/);
      assert.match(got({ 'content-length': '-' }).join(), /not an integer/);
    });

    it('check errors: declared by the operation with its status, or a documented common S3 error', () => {
      const err = (code: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>m</Message><RequestId>r</RequestId><HostId>h</HostId></Error>`;
      assert.deepEqual(listed(404, err('NoSuchBucket')), []);
      assert.match(listed(400, err('NoSuchBucket')).join(), /model gives NoSuchBucket HTTP 404/);
      assert.deepEqual(listed(403, err('AccessDenied')), []);
      assert.match(listed(404, err('NoSuchKey')).join(), /neither an error ListObjectsV2 declares/);
      assert.match(listed(400, err('AccessDenied')).join(), /S3 documents AccessDenied as HTTP 403/);
      assert.match(listed(400, '<Error><Code>InvalidArgument</Code><Secret>x</Secret></Error>').join(), /Error\.Secret: not a field/);
    });
  });

  describe('hostile input fails cleanly and bounded', () => {
    it('JSON: deep, huge, wide, odd', () => {
      const deep = '['.repeat(200_000) + ']'.repeat(200_000);
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.from(deep)).problems.join(), /nested deeper than 64/);
      const nestedObj = `{"LookupAttributes":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.from(nestedObj)).problems.join(), /nested deeper than 64/);
      const huge = Buffer.alloc(9 * 1024 * 1024, 0x20);
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), huge).problems.join(), /over the 8388608-byte limit/);
      const wide = `{"LookupAttributes":[${new Array(300_000).fill('1').join(',')}]}`;
      const w = checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.from(wide)).problems;
      assert.equal(w.length, MAX_PROBLEMS);
      const many = new Problems();
      checkJson(ct, 'com.amazonaws.cloudtrail#LookupEventsResponse', { Events: new Array(300_000).fill({}) }, '', many, { timestamps: 'epoch-seconds' });
      assert.match(many.list.join(), /more than 200000 values/);
      assert.ok(many.list.length <= MAX_PROBLEMS);
      const odd = lookup(JSON.parse('{"__proto__":{"polluted":1},"constructor":1,"toString":"x","hasOwnProperty":2}'));
      assert.match(odd.join(), /__proto__: not a member/);
      assert.match(odd.join(), /constructor: not a member/);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.from('{"MaxResults":1e400}')).problems.join(), /not an integer/);
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.from('{"NextToken":"\\ud800"')).problems.join(), /not JSON/);
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.from('"a string"')).problems.join(), /expected an object/);
      assert.match(checkJsonRequest(ct, 'POST', '/', jsonHeaders('CloudTrail_20131101.LookupEvents'), Buffer.alloc(0)).problems.join(), /empty body/);
      const p = new Problems();
      assert.equal(parseJsonBody(Buffer.from([0xff, 0xfe, 0x7b]), p), undefined);
      assert.match(p.list.join(), /not JSON/);
      // A string far over @length is refused by length before any pattern runs.
      const long = checkJsonRequest(athena, 'POST', '/', jsonHeaders('AmazonAthena.GetQueryExecution'), Buffer.from(JSON.stringify({ QueryExecutionId: 'x'.repeat(1_000_000) }))).problems;
      assert.deepEqual(long, ['QueryExecutionId: 1000000 characters, more than @length max 128']);
    });

    it('XML: deep, wide, entities, DOCTYPE, broken', () => {
      assert.match(parseXml(`${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`).error ?? '', /nested deeper than 64/);
      assert.match(parseXml(`<r>${'<a/>'.repeat(150_000)}</r>`).error ?? '', /more than 100000 elements/);
      assert.match(parseXml('<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>').error ?? '', /DOCTYPE/);
      assert.match(parseXml('<r>&a;</r>').error ?? '', /bad entity/);
      assert.match(parseXml('<r>&#xD800;</r>').error ?? '', /bad entity/);
      assert.match(parseXml('<r><a></r>').error ?? '', /does not close/);
      assert.match(parseXml('<r>').error ?? '', /not closed/);
      assert.match(parseXml('<r/><r/>').error ?? '', /second root/);
      assert.match(parseXml('').error ?? '', /no root/);
      assert.match(parseXml('x'.repeat(9 * 1024 * 1024)).error ?? '', /document over/);
      assert.equal(parseXml('<r a="1 &lt; 2">x &#x1F600; &amp;</r>').root?.text, 'x 😀 &');
      assert.match(checkRestXmlResponse(s3, 'ListObjectsV2', { method: 'GET', headers: {} }, 200, {}, '<ListBucketResult').join(), /body:/);
      assert.match(checkRestXmlRequest(s3, 'GET', '/b%E0%A4%A?list-type=2', {}, Buffer.alloc(0)).problems.join(), /not valid percent-encoding/);
      assert.match(checkRestXmlRequest(s3, 'GET', `/b?list-type=2&${'x=1&'.repeat(50_000)}`, {}, Buffer.alloc(0)).problems.join(), /query x/);
    });
  });

  describe('the fakes enforce it on the wire', () => {
    it('CloudTrail: a request off the model is answered ContractViolation and recorded', async () => {
      const fake = await startAwsCloudTrailFake();
      const client = new CloudTrailClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET }, maxAttempts: 1 });
      try {
        const ok = await client.send(new LookupEventsCommand({ MaxResults: 5 }));
        assert.equal(ok.Events?.length, 5);
        await assert.rejects(client.send(new LookupEventsCommand({ MaxResults: 51 })), (e: Error) => e.name === 'ContractViolation' && /above @range max 50/.test(e.message));
        const v = takeViolations();
        assert.equal(v.length, 1);
        assert.equal(v[0].side, 'request');
        assert.equal(v[0].operation, 'LookupEvents');
        // Errors the operations declare come with the model's member names and status (checked by
        // the fake's response check; afterEach fails on any violation).
        await assert.rejects(client.send(new DescribeQueryCommand({ QueryId: '0f1e2d3c-4b5a-4978-a695-a4b3c2d1e0f9' })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'QueryIdNotFoundException' && e.$metadata?.httpStatusCode === 404 && /does not exist/.test(e.message));
        await assert.rejects(client.send(new LookupEventsCommand({ NextToken: 'not-a-token' })), (e: Error) => e.name === 'InvalidNextTokenException' && /same parameters/.test(e.message));
      } finally {
        client.destroy();
        await fake.close();
      }
    });

    it('Athena: a response off the model is recorded', async () => {
      const fake = await startAthenaFake();
      const client = new AthenaClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET }, maxAttempts: 1 });
      try {
        fake.knobs.throttle = 1;
        fake.knobs.throttleType = 'SlowDownPleaseException';
        await assert.rejects(client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' })));
        const v = takeViolations();
        assert.equal(v.length, 1);
        assert.equal(v[0].side, 'response');
        assert.match(v[0].problems.join(), /SlowDownPleaseException is neither an error StartQueryExecution declares/);
        await assert.rejects(client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', ClientRequestToken: 'too-short' })), (e: Error) => e.name === 'ContractViolation');
        assert.match(takeViolations()[0].problems.join(), /ClientRequestToken: 9 characters, fewer than @length min 32/);
      } finally {
        client.destroy();
        await fake.close();
      }
    });

    it('S3: a query parameter the model does not bind is answered ContractViolation', async () => {
      const fake = await startS3Fake({ buckets: { 'trail-bucket': 'us-east-1' } });
      const client = new S3Client({ region: 'us-east-1', endpoint: fake.url, forcePathStyle: true, credentials: { accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET }, maxAttempts: 1 });
      try {
        fake.put('trail-bucket', 'AWSLogs/a.json.gz', 'x');
        const ok = await client.send(new ListObjectsV2Command({ Bucket: 'trail-bucket', Prefix: 'AWSLogs/' }));
        assert.equal(ok.KeyCount, 1);
        // HeadBucket and a ranged GetObject (206) are not sent by the other unit tests: checked here.
        assert.equal((await client.send(new HeadBucketCommand({ Bucket: 'trail-bucket' }))).BucketRegion, 'us-east-1');
        const part = await client.send(new GetObjectCommand({ Bucket: 'trail-bucket', Key: 'AWSLogs/a.json.gz', Range: 'bytes=0-0' }));
        assert.equal(part.$metadata.httpStatusCode, 206);
        assert.equal(await part.Body?.transformToString(), 'x');
        await assert.rejects(client.send(new GetObjectCommand({ Bucket: 'trail-bucket', Key: 'AWSLogs/none' })), (e: Error) => e.name === 'NoSuchKey');
        assert.deepEqual(takeViolations().map(describeViolation), []);
        client.middlewareStack.add(
          (next) => async (args) => {
            const r = args.request as { query?: Record<string, string> };
            if (r.query) r.query.bogus = '1';
            return next(args);
          },
          { step: 'build', name: 'addBogusQuery' },
        );
        await assert.rejects(client.send(new ListObjectsV2Command({ Bucket: 'trail-bucket' })), (e: Error) => e.name === 'ContractViolation');
        const v = takeViolations();
        assert.equal(v.length, 1);
        assert.match(v[0].problems.join(), /query bogus: not bound to a member of ListObjectsV2's input/);
      } finally {
        client.destroy();
        await fake.close();
      }
    });
  });
});
