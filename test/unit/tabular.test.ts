import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  lakeRowToRecord,
  looksLikeCsv,
  parseHiveStruct,
  parsePythonLiteral,
  readCsvExport,
} from '../../src/providers/logFiles/tabular';

// Compiled to out/test/unit/, so four levels up is /work, next to the project checkout.
const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');
const HONEY = path.join(DATA, 'otrf-security-datasets-aws/datasets/atomic/aws/discovery/AWS_S3_HoneyBucketLogs.csv');

function skipWithoutData(ctx: Mocha.Context): void {
  if (!existsSync(DATA)) {
    console.warn(`\n!!! SKIPPING real-data tabular tests: ${DATA} is missing. These tests read shared sample data. !!!\n`);
    ctx.skip();
  }
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

describe('tabular: real CloudTrail sample data', function () {
  before(function () {
    skipWithoutData(this);
  });

  it('reads the OTRF honey-bucket CSV: 301 records, no problems, every column', function () {
    const text = readFileSync(HONEY, 'utf8');
    assert.equal(looksLikeCsv(text.slice(0, 4096)), true);
    const r = readCsvExport(text);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records.length, 301);
    assert.deepEqual(r.columns, [
      'Event Type', 'Event Name', 'Request ID', 'User ID', 'Request Parameters', 'Alert', 'Event ID',
      'Event DateTime', 'Alarm DateTime', 'Source IP', 'Request User Agent', 'Repeated Attempts',
    ]);
    assert.deepEqual(r.records.map((x) => x.line), Array.from({ length: 301 }, (_, i) => i + 2));
  });

  it('maps the first OTRF row onto CloudTrail keys, keeping the raw row as is', function () {
    const first = readCsvExport(readFileSync(HONEY, 'utf8')).records[0];
    assert.ok(first);
    assert.equal(first.embeddedJson, undefined);
    assert.deepEqual(first.record, {
      eventType: 'AwsApiCall',
      eventName: 'ListObjects',
      requestID: 'E2E91AQVN6DJHZ91',
      userIdentity: { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' },
      requestParameters: { bucketName: 'microsoft-devtest', Host: 'microsoft-devtest.s3-eu-west-1.amazonaws.com' },
      Alert: ' 302-2022-02-18T17:34:57Z',
      eventID: '283770f5-968d-448d-9328-0b010f4d3696',
      eventTime: '2022-02-18T17:34:57Z',
      'Alarm DateTime': '2022-02-18T17:39:28.127636+00:00',
      sourceIPAddress: '177.131.167.145',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/98.0.4758.102 Safari/537.36',
      'Repeated Attempts': '4',
    });
    assert.equal(first.raw['User ID'], "{'type': 'AWSAccount', 'principalId': '', 'accountId': 'ANONYMOUS_PRINCIPAL'}");
    assert.equal(first.raw['Alert'], ' 302-2022-02-18T17:34:57Z');
  });

  it('reads every OTRF row: event names, unique ids, parsed identities and times', function () {
    const { records } = readCsvExport(readFileSync(HONEY, 'utf8'));
    const names = new Map<string, number>();
    for (const { record } of records) names.set(String(record.eventName), (names.get(String(record.eventName)) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(names), { ListObjects: 138, HeadBucket: 159, PutObject: 4 });
    assert.equal(new Set(records.map((r) => r.record.eventID)).size, 301);
    for (const { record, raw, line } of records) {
      const who = record.userIdentity as Record<string, unknown>;
      assert.equal(typeof who, 'object', `line ${line}`);
      assert.equal(typeof who.accountId, 'string', `line ${line}`);
      assert.equal(typeof record.requestParameters, 'object', `line ${line}`);
      assert.match(String(record.eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `line ${line}`);
      // An empty user agent cell is left out, not stored as ''.
      if (raw['Request User Agent'] === '') assert.equal('userAgent' in record, false);
    }
  });

  it('does not take any of the JSON sample files for CSV', function () {
    const files = walk(DATA).filter((f) => !/(?:SOURCE\.txt|LICENSE|README\.md|\.csv)$/.test(f));
    assert.ok(files.length > 400, `only ${files.length} files found`);
    for (const f of files) {
      const buf = readFileSync(f);
      const text = (f.endsWith('.gz') ? gunzipSync(buf) : buf).subarray(0, 4096).toString('utf8');
      assert.equal(looksLikeCsv(text), false, f);
    }
  });
});

describe('tabular: Athena query result CSV', function () {
  const identity =
    '{type=IAMUser, principalid=AIDAEXAMPLE, arn=arn:aws:iam::123456789012:user/alice, accountid=123456789012, ' +
    'invokedby=null, accesskeyid=AKIAEXAMPLE, username=alice, sessioncontext={attributes={mfaauthenticated=false, ' +
    'creationdate=2024-01-01T00:00:00Z}, sessionissuer=null, webidfederationdata=null, sourceidentity=null}}';
  const csv = [
    'eventversion,useridentity,eventtime,eventsource,eventname,awsregion,sourceipaddress,useragent,errorcode,errormessage,' +
      'requestparameters,responseelements,requestid,eventid,resources,eventtype,readonly,recipientaccountid,region',
    [
      '1.08',
      `"${identity}"`,
      '2024-01-02T03:04:05Z',
      's3.amazonaws.com',
      'PutBucketPolicy',
      'eu-west-1',
      '203.0.113.7',
      '"[aws-cli/2.15.0 Python/3.11.6, botocore]"',
      '',
      'null',
      '"{""bucketName"":""b"",""policy"":""{\\""Version\\"":\\""2012-10-17\\""}""}"',
      'null',
      'REQ1',
      'EV1',
      '"[{arn=arn:aws:s3:::b, accountid=123456789012, type=AWS::S3::Bucket}]"',
      'AwsApiCall',
      'false',
      '123456789012',
      'partition-region',
    ].join(','),
  ].join('\n');

  it('is recognized from its header', function () {
    assert.equal(looksLikeCsv(csv), true);
  });

  it('turns Hive structs, JSON strings, arrays and booleans into a CloudTrail record', function () {
    const r = readCsvExport(csv);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records.length, 1);
    const rec = r.records[0]?.record;
    assert.deepEqual(rec, {
      eventVersion: '1.08',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLE',
        arn: 'arn:aws:iam::123456789012:user/alice',
        accountId: '123456789012',
        accessKeyId: 'AKIAEXAMPLE',
        userName: 'alice',
        sessionContext: { attributes: { mfaAuthenticated: 'false', creationDate: '2024-01-01T00:00:00Z' } },
      },
      eventTime: '2024-01-02T03:04:05Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketPolicy',
      awsRegion: 'eu-west-1',
      sourceIPAddress: '203.0.113.7',
      userAgent: '[aws-cli/2.15.0 Python/3.11.6, botocore]',
      requestParameters: { bucketName: 'b', policy: '{"Version":"2012-10-17"}' },
      requestID: 'REQ1',
      eventID: 'EV1',
      resources: [{ ARN: 'arn:aws:s3:::b', accountId: '123456789012', type: 'AWS::S3::Bucket' }],
      eventType: 'AwsApiCall',
      readOnly: false,
      recipientAccountId: '123456789012',
    });
  });

  it('keeps every cell in raw, including the empty and null ones', function () {
    const raw = readCsvExport(csv).records[0]?.raw;
    assert.equal(raw?.errorcode, '');
    assert.equal(raw?.errormessage, 'null');
    assert.equal(raw?.useridentity, identity);
    assert.equal(raw?.region, 'partition-region');
  });

  it('lets a loose alias fill a key only when the exact column is absent', function () {
    const r = readCsvExport('Region,Event Name,Source IP\nus-east-2,GetObject,198.51.100.1\n');
    assert.deepEqual(r.records[0]?.record, { awsRegion: 'us-east-2', eventName: 'GetObject', sourceIPAddress: '198.51.100.1' });
  });

  it('converts time cells to ISO UTC and keeps unreadable ones as text', function () {
    const r = readCsvExport(
      [
        'eventTime,eventName',
        '2022-02-08 09:23:37+11:00,A',
        '2024-01-01 00:00:00.000,B',
        '1700000000,C',
        'yesterday-ish,D',
        '2024-02-30T00:00:00Z,E',
        '"Fri, 18 Feb 2022 17:34:57 GMT",F',
      ].join('\n'),
    );
    assert.deepEqual(
      r.records.map((x) => x.record.eventTime),
      ['2022-02-07T22:23:37Z', '2024-01-01T00:00:00Z', '2023-11-14T22:13:20Z', 'yesterday-ish', '2024-02-30T00:00:00Z', '2022-02-18T17:34:57Z'],
    );
  });

  it('reads readonly/managementevent as booleans and leaves other text alone', function () {
    const r = readCsvExport('eventname,readonly,managementevent\nX,TRUE,maybe\n');
    assert.deepEqual(r.records[0]?.record, { eventName: 'X', readOnly: true, managementEvent: 'maybe' });
  });
});

describe('tabular: embedded event JSON', function () {
  const event = { eventVersion: '1.09', eventName: 'ConsoleLogin', eventID: 'abc', userIdentity: { type: 'Root' } };
  const json = JSON.stringify(event);
  const quoted = `"${json.replace(/"/g, '""')}"`;

  it('uses an eventJson column as the record, exactly', function () {
    const r = readCsvExport(`eventID,eventName,eventJson\nabc,Ignored,${quoted}\n`);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records[0]?.embeddedJson, json);
    assert.deepEqual(r.records[0]?.record, event);
    assert.equal(r.records[0]?.raw.eventName, 'Ignored');
  });

  it('recognizes a Splunk-style _raw column only when it holds an event', function () {
    const text = `_time,_raw,host\n2024-01-01,${quoted},h1\n2024-01-02,"{""level"":""info""}",h2\n`;
    assert.equal(looksLikeCsv(text), true);
    const r = readCsvExport(text);
    assert.deepEqual(r.records[0]?.record, event);
    assert.equal(r.records[1]?.embeddedJson, undefined);
    assert.deepEqual(r.records[1]?.record, { _time: '2024-01-02', _raw: '{"level":"info"}', host: 'h2' });
  });

  it('reports an eventJson cell that does not parse and reads the other columns', function () {
    const r = readCsvExport('eventName,CloudTrailEvent\nGetObject,"{""eventName"": ""GetObject"",}"\n');
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0]?.embeddedJson, undefined);
    assert.equal(r.records[0]?.record.eventName, 'GetObject');
    assert.equal(r.records[0]?.record.CloudTrailEvent, '{"eventName": "GetObject",}');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.line, 2);
    assert.match(r.problems[0]?.message ?? '', /CloudTrailEvent/);
  });
});

describe('tabular: CloudTrail Lake rows', function () {
  it('merges single-key objects and converts values', function () {
    const row = [
      { eventID: 'e-1' },
      { eventTime: '2024-05-06 07:08:09.000' },
      { eventName: 'AssumeRole' },
      { readOnly: 'false' },
      { userIdentity: '{type=AWSService, principalid=null, invokedby=sts.amazonaws.com}' },
      { requestParameters: '{"roleArn":"arn:aws:iam::1:role/r"}' },
      { errorCode: '' },
      { awsRegion: 'null' },
      { customColumn: 42 },
    ];
    const r = lakeRowToRecord(row, 4);
    assert.equal(r.line, 5);
    assert.equal(r.embeddedJson, undefined);
    assert.deepEqual(r.record, {
      eventID: 'e-1',
      eventTime: '2024-05-06T07:08:09Z',
      eventName: 'AssumeRole',
      readOnly: false,
      userIdentity: { type: 'AWSService', invokedBy: 'sts.amazonaws.com' },
      requestParameters: { roleArn: 'arn:aws:iam::1:role/r' },
      customColumn: 42,
    });
    assert.deepEqual(r.raw, {
      eventID: 'e-1',
      eventTime: '2024-05-06 07:08:09.000',
      eventName: 'AssumeRole',
      readOnly: 'false',
      userIdentity: '{type=AWSService, principalid=null, invokedby=sts.amazonaws.com}',
      requestParameters: '{"roleArn":"arn:aws:iam::1:role/r"}',
      errorCode: '',
      awsRegion: 'null',
      customColumn: '42',
    });
  });

  it('uses eventJson (any case) as the embedded record', function () {
    const json = '{"eventID":"x","eventName":"GetObject","eventTime":"2024-01-01T00:00:00Z"}';
    const r = lakeRowToRecord([{ eventID: 'x' }, { EVENTJSON: json }], 0);
    assert.equal(r.embeddedJson, json);
    assert.deepEqual(r.record, JSON.parse(json));
    assert.deepEqual(r.raw, { eventID: 'x', EVENTJSON: json });
  });

  it('reads a whole GetQueryResults document row by row', function () {
    const doc = JSON.parse(
      '{"QueryStatus":"FINISHED","QueryResultRows":[[{"eventID":"1"},{"eventName":"A"}],[{"eventID":"2"},{"eventName":"B"},{"readOnly":"true"}]]}',
    ) as { QueryResultRows: Array<Array<Record<string, unknown>>> };
    const recs = doc.QueryResultRows.map((row, i) => lakeRowToRecord(row, i));
    assert.deepEqual(recs.map((r) => r.record), [{ eventID: '1', eventName: 'A' }, { eventID: '2', eventName: 'B', readOnly: true }]);
    assert.deepEqual(recs.map((r) => r.line), [1, 2]);
  });
});

describe('tabular: CSV reading (RFC 4180 and beyond)', function () {
  it('reads quoted commas, newlines and "" escapes, and counts lines inside quotes', function () {
    const text = 'eventName,errorMessage,eventID\nA,"one, two",1\nB,"line1\nline2\n""quoted""",2\nC,plain,3\n';
    const r = readCsvExport(text);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.records.map((x) => x.record.errorMessage), ['one, two', 'line1\nline2\n"quoted"', 'plain']);
    assert.deepEqual(r.records.map((x) => x.line), [2, 3, 6]);
  });

  it('handles CRLF, a BOM, blank lines and a missing final newline', function () {
    const text = '\uFEFFeventName,eventID\r\nA,1\r\n\r\nB,"x\r\ny"\r\nC,3';
    const r = readCsvExport(text);
    assert.deepEqual(r.columns, ['eventName', 'eventID']);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.records.map((x) => [x.line, x.raw.eventName, x.raw.eventID]), [
      [2, 'A', '1'],
      [4, 'B', 'x\r\ny'],
      [6, 'C', '3'],
    ]);
    assert.equal(looksLikeCsv(text), true);
  });

  it('keeps ragged rows and reports them', function () {
    const r = readCsvExport('eventName,eventID,awsRegion\nA,1\nB,2,us-east-1,extra\nC,3,eu-west-1\n');
    assert.equal(r.records.length, 3);
    assert.deepEqual(r.records[0]?.raw, { eventName: 'A', eventID: '1' });
    assert.deepEqual(r.records[1]?.raw, { eventName: 'B', eventID: '2', awsRegion: 'us-east-1', 'column 4': 'extra' });
    assert.deepEqual(r.records[1]?.record, { eventName: 'B', eventID: '2', awsRegion: 'us-east-1', 'column 4': 'extra' });
    assert.deepEqual(r.problems.map((p) => p.line), [2, 3]);
    assert.match(r.problems[0]?.message ?? '', /2 fields.*3/);
  });

  it('keeps the rows before an unterminated quote and reports its line and column', function () {
    const text = 'eventName,eventID,errorMessage\nA,1,ok\nB,2,"fine"\nC,3,"never closed\nstill inside';
    const r = readCsvExport(text);
    assert.deepEqual(r.records.slice(0, 2).map((x) => x.raw.eventName), ['A', 'B']);
    assert.equal(r.problems.length, 1);
    assert.deepEqual({ line: r.problems[0]?.line, column: r.problems[0]?.column }, { line: 4, column: 5 });
    assert.match(r.problems[0]?.message ?? '', /unterminated/);
    // The cut-off row is still offered, with what it holds, rather than silently dropped.
    assert.equal(r.records.length, 3);
    assert.deepEqual(r.records[2]?.raw, { eventName: 'C', eventID: '3', errorMessage: 'never closed\nstill inside' });
  });

  it('keeps text after a closing quote and says so', function () {
    const r = readCsvExport('eventName,eventID\n"A" x,1\n');
    assert.equal(r.records[0]?.raw.eventName, 'A x');
    assert.deepEqual(r.problems.map((p) => [p.line, p.column]), [[2, 4]]);
  });

  it('renames duplicate and empty header cells, and reads trailing commas as empty cells', function () {
    const r = readCsvExport('eventName,eventName,\nA,B,\n');
    assert.deepEqual(r.columns, ['eventName', 'eventName (2)', 'column 3']);
    assert.deepEqual(r.records[0]?.raw, { eventName: 'A', 'eventName (2)': 'B', 'column 3': '' });
    // The second copy is not a second eventName: it stays in the record under its new name.
    assert.deepEqual(r.records[0]?.record, { eventName: 'A', 'eventName (2)': 'B' });
    assert.equal(r.problems.length, 1);
  });

  it('copes with an empty file, a header only, and a literal quote inside an unquoted cell', function () {
    assert.deepEqual(readCsvExport(''), { records: [], problems: [], columns: [] });
    assert.deepEqual(readCsvExport('eventName,eventID\n').records, []);
    assert.equal(readCsvExport('eventName,userAgent\nA,say "hi"\n').records[0]?.record.userAgent, 'say "hi"');
  });

  it('summarizes problems past the first thousand', function () {
    const rows = ['eventName,eventID'];
    for (let i = 0; i < 1500; i++) rows.push('A');
    const r = readCsvExport(rows.join('\n'));
    assert.equal(r.records.length, 1500);
    assert.equal(r.problems.length, 1001);
    assert.match(r.problems[1000]?.message ?? '', /500 more problems/);
  });

  it('keeps a header with a __proto__ column as plain data', function () {
    const r = readCsvExport('eventName,__proto__\nA,x\n');
    const rec = r.records[0]?.record;
    assert.equal(Object.getPrototypeOf(rec), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(rec, '__proto__')?.value, 'x');
  });

  it('reads a large file in linear time', function () {
    this.timeout(20000);
    const row =
      'AwsApiCall,GetObject,REQ,"{\'type\': \'AWSAccount\', \'accountId\': \'1\'}","{""bucketName"": ""b""}",2024-01-01T00:00:00Z,1.2.3.4,"agent, with comma"\n';
    const text = 'eventType,eventName,requestID,userIdentity,requestParameters,eventTime,sourceIPAddress,userAgent\n' + row.repeat(100_000);
    const t0 = Date.now();
    const r = readCsvExport(text);
    const ms = Date.now() - t0;
    assert.equal(r.records.length, 100_000);
    assert.deepEqual(r.records[99_999]?.record.userIdentity, { type: 'AWSAccount', accountId: '1' });
    assert.ok(ms < 10_000, `took ${ms} ms`);
  });
});

describe('tabular: looksLikeCsv', function () {
  it('wants at least two known columns', function () {
    assert.equal(looksLikeCsv('Event Name,Event ID\n'), true);
    assert.equal(looksLikeCsv('"event_name","EVENT-TIME",foo\nx,y,z'), true);
    assert.equal(looksLikeCsv('eventName,foo,bar\n'), false);
    assert.equal(looksLikeCsv('name,age\nbob,3\n'), false);
    assert.equal(looksLikeCsv('message,record\nhello,world\n'), false);
  });

  it('says no to JSON, JSONL and empty input', function () {
    assert.equal(looksLikeCsv('{"Records":[{"eventName":"A","eventID":"1"}]}'), false);
    assert.equal(looksLikeCsv('\uFEFF  [{"eventName":"A"}]'), false);
    assert.equal(looksLikeCsv(''), false);
  });

  it('copes with a head cut in the middle of a quoted cell', function () {
    assert.equal(looksLikeCsv('eventname,useridentity\nX,"{type=IAMUser, princ'), true);
  });
});

describe('tabular: parsePythonLiteral', function () {
  it('reads nested dicts, lists, tuples and the singletons', function () {
    assert.deepEqual(parsePythonLiteral("{'a': {'b': [1, 2.5, -3, 1e3]}, 'c': (True, False, None), 'd': (), 'e': (7,)}"), {
      a: { b: [1, 2.5, -3, 1000] },
      c: [true, false, null],
      d: [],
      e: [7],
    });
    assert.deepEqual(parsePythonLiteral(' [ ]\n'), []);
    assert.deepEqual(parsePythonLiteral('{}'), {});
    assert.equal(parsePythonLiteral('(5)'), 5);
    assert.deepEqual(parsePythonLiteral('{1, 2,}'), [1, 2]);
    assert.deepEqual(parsePythonLiteral("{1: 'x', None: 'y', True: 'z',}"), { 1: 'x', None: 'y', True: 'z' });
  });

  it('reads string escapes, both quote styles, prefixes and adjacent literals', function () {
    assert.equal(parsePythonLiteral(String.raw`'it\'s'`), "it's");
    assert.equal(parsePythonLiteral(String.raw`"say \"hi\" it's"`), 'say "hi" it\'s');
    assert.equal(parsePythonLiteral(String.raw`'a\nb\tc\\d\x41\u00e9\U0001F600\0\101\q'`), 'a\nb\tc\\dAé😀\0A\\q');
    assert.equal(parsePythonLiteral(String.raw`r'C:\new\'x'`), String.raw`C:\new\'x`);
    assert.equal(parsePythonLiteral(`b'\\xff' u'z'`), '\u00ffz');
    assert.equal(parsePythonLiteral("'''multi\nline'''"), 'multi\nline');
  });

  it('reads numbers the way Python writes them', function () {
    assert.deepEqual(parsePythonLiteral('[0x1F, 0o17, 0b101, 1_000, .5, 5., -0, 123456789012, 12345678901234567890]'), [
      31, 15, 5, 1000, 0.5, 5, 0, 123456789012, '12345678901234567890',
    ]);
  });

  it('throws on anything that is not a literal', function () {
    for (const bad of [
      '',
      '{',
      "{'a' 1}",
      "{'a': 1",
      "'unterminated",
      "'new\nline'",
      'datetime.datetime(2022, 1, 1)',
      'true',
      'null',
      '[1 2]',
      '1j',
      "{'a': 1} trailing",
      String.raw`'\x4'`,
    ]) {
      assert.throws(() => parsePythonLiteral(bad), SyntaxError, JSON.stringify(bad));
    }
  });
});

describe('tabular: parseHiveStruct', function () {
  it('reads nested structs and arrays as text values', function () {
    assert.deepEqual(
      parseHiveStruct('{type=AssumedRole, sessioncontext={attributes={mfaauthenticated=true}, sessionissuer={type=Role, arn=arn:aws:iam::1:role/x}}, tags=[a, b]}'),
      {
        type: 'AssumedRole',
        sessioncontext: { attributes: { mfaauthenticated: 'true' }, sessionissuer: { type: 'Role', arn: 'arn:aws:iam::1:role/x' } },
        tags: ['a', 'b'],
      },
    );
    assert.deepEqual(parseHiveStruct('[{arn=arn:aws:s3:::b, accountid=1, type=AWS::S3::Bucket}, {arn=arn:aws:s3:::b/k, accountid=null, type=AWS::S3::Object}]'), [
      { arn: 'arn:aws:s3:::b', accountid: '1', type: 'AWS::S3::Bucket' },
      { arn: 'arn:aws:s3:::b/k', accountid: null, type: 'AWS::S3::Object' },
    ]);
  });

  it('reads null, empty containers and empty values', function () {
    assert.equal(parseHiveStruct('null'), null);
    assert.equal(parseHiveStruct(' null '), null);
    assert.deepEqual(parseHiveStruct('{}'), {});
    assert.deepEqual(parseHiveStruct('[]'), []);
    assert.deepEqual(parseHiveStruct('{a=, b=null}'), { a: '', b: null });
  });

  it('keeps = and , inside values when they cannot start a new field', function () {
    assert.deepEqual(parseHiveStruct('{url=https://example.com/p?a=1&b=2,c=3, next=ok}'), {
      url: 'https://example.com/p?a=1&b=2,c=3',
      next: 'ok',
    });
    assert.deepEqual(parseHiveStruct('{msg=hello, world, policy=a=b}'), { msg: 'hello, world', policy: 'a=b' });
    assert.deepEqual(parseHiveStruct('{doc={"a":1, "b":[1, 2]}, n=1}'), { doc: '{"a":1, "b":[1, 2]}', n: '1' });
  });

  it('returns odd input unchanged and never throws', function () {
    for (const odd of ['', 'plain text', '{oops', '{a=1}}', '[1, 2', '{=1}', '{a=1} tail', '}{', '{'.repeat(5000) + '}'.repeat(5000)]) {
      assert.equal(parseHiveStruct(odd), odd, odd.slice(0, 40));
    }
  });
});
