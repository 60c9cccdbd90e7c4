import assert from 'node:assert/strict';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { EventBatch } from '../../src/core/batch';
import { secretForms } from '../../src/core/errors';
import { EventStore } from '../../src/core/store';
import { encodeAwsCredentials } from '../../src/providers/awsCloudtrail/credentials';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import {
  AthenaNameError,
  cloudTrailTableDdl,
  createAthena,
  likePattern,
  sqlString,
  tableSetupStatements,
  type AthenaOptions,
  type AthenaReport,
  type AthenaStats,
  type TableSpec,
} from '../../src/providers/athena/index';
import type { AccountConfig } from '../../src/providers/provider';
import { FILTER_CASES, HOSTILE_VALUES, NOW, SPEC, hostileFilters, hostileGlob, where } from '../support/athenaCases';
import { FAKE_KEY_ID, FAKE_SECRET, startAthenaFake, type AthenaFake } from '../support/fakes/athena';

const KEYS = encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET });

/** Splits SQL into what is inside string literals and what is outside, decoding each literal. */
function scanSql(sql: string): { outside: string; literals: string[] } {
  let outside = '';
  const literals: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const unicode = sql.startsWith("U&'", i);
    if (sql[i] === "'" || unicode) {
      i += unicode ? 3 : 1;
      let lit = '';
      for (;;) {
        assert.ok(i < sql.length, `unterminated literal in ${sql}`);
        if (sql[i] === "'") {
          if (sql[i + 1] === "'") {
            lit += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (unicode && sql[i] === '\\') {
          if (sql[i + 1] === '\\') {
            lit += '\\';
            i += 2;
          } else if (sql[i + 1] === '+') {
            lit += String.fromCodePoint(parseInt(sql.slice(i + 2, i + 8), 16));
            i += 8;
          } else {
            lit += String.fromCodePoint(parseInt(sql.slice(i + 1, i + 5), 16));
            i += 5;
          }
          continue;
        }
        lit += sql[i++];
      }
      literals.push(lit);
      outside += '?';
    } else {
      outside += sql[i++];
    }
  }
  return { outside, literals };
}

describe('providers/athena', function () {
  this.timeout(60_000);

  describe('DDL', () => {
    it('writes the CloudTrail table with partition projection over accounts, regions and days', () => {
      const ddl = cloudTrailTableDdl({ ...SPEC, prefix: 'trails/main/' });
      assert.match(ddl, /^CREATE EXTERNAL TABLE IF NOT EXISTS `audit`\.`cloudtrail_logs` \(/);
      for (const col of ['eventversion STRING', 'eventtime STRING', 'eventsource STRING', 'eventname STRING', 'awsregion STRING', 'sourceipaddress STRING', 'useragent STRING', 'errorcode STRING', 'errormessage STRING', 'requestparameters STRING', 'responseelements STRING', 'additionaleventdata STRING', 'requestid STRING', 'eventid STRING', 'readonly STRING', 'eventtype STRING', 'apiversion STRING', 'recipientaccountid STRING', 'serviceeventdetails STRING', 'sharedeventid STRING', 'vpcendpointid STRING']) {
        assert.ok(ddl.includes(`  ${col},`), col);
      }
      assert.ok(ddl.includes('resources ARRAY<STRUCT<arn:STRING, accountId:STRING, type:STRING>>'));
      assert.match(ddl, /useridentity STRUCT<type:STRING, principalId:STRING, arn:STRING, accountId:STRING, invokedBy:STRING, accessKeyId:STRING, userName:STRING, onBehalfOf:STRUCT<userId:STRING, identityStoreArn:STRING>, sessionContext:STRUCT<attributes:STRUCT<mfaAuthenticated:STRING, creationDate:STRING>, sessionIssuer:STRUCT<type:STRING, principalId:STRING, arn:STRING, accountId:STRING, userName:STRING>/);
      assert.ok(ddl.includes('tlsdetails STRUCT<tlsVersion:STRING, cipherSuite:STRING, clientProvidedHostHeader:STRING>'));
      assert.ok(ddl.includes('PARTITIONED BY (`accountid` STRING, `region` STRING, `timestamp` STRING)'));
      assert.ok(ddl.includes("ROW FORMAT SERDE 'org.apache.hive.serde2.JsonSerDe'"));
      assert.ok(ddl.includes("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'"));
      assert.ok(ddl.includes("LOCATION 's3://my-trail-bucket/trails/main/AWSLogs/'"));
      for (const p of [
        "'projection.enabled'='true'",
        "'projection.timestamp.type'='date'",
        "'projection.timestamp.format'='yyyy/MM/dd'",
        "'projection.timestamp.range'='2024/01/01,NOW'",
        "'projection.timestamp.interval'='1'",
        "'projection.timestamp.interval.unit'='DAYS'",
        "'projection.accountid.type'='enum'",
        "'projection.accountid.values'='123456789012,210987654321'",
        "'projection.region.type'='enum'",
        "'projection.region.values'='us-east-1,eu-west-1'",
        "'storage.location.template'='s3://my-trail-bucket/trails/main/AWSLogs/${accountid}/CloudTrail/${region}/${timestamp}'",
      ]) {
        assert.ok(ddl.includes(p), p);
      }
    });

    it('puts the organization id into the location of an organization trail, and defaults the regions', () => {
      const ddl = cloudTrailTableDdl({ ...SPEC, regions: undefined, org: 'o-abc123defg' });
      assert.ok(ddl.includes("'storage.location.template'='s3://my-trail-bucket/AWSLogs/o-abc123defg/${accountid}/CloudTrail/${region}/${timestamp}'"));
      assert.ok(ddl.includes("LOCATION 's3://my-trail-bucket/AWSLogs/o-abc123defg/'"));
      assert.match(ddl, /'projection\.region\.values'='us-east-1,us-east-2,[a-z0-9,-]+eu-west-1,/);
    });

    it('refuses names that could change the statement', () => {
      const bad: Array<[string, Partial<TableSpec>]> = [
        ['database with quote', { database: "audit'; DROP TABLE x; --" }],
        ['database with backtick', { database: 'a`b' }],
        ['upper-case table', { table: 'CloudTrail' }],
        ['table with hyphen', { table: 'cloud-trail' }],
        ['table with dot', { table: 'a.b' }],
        ['empty table', { table: '' }],
        ['bucket with quote', { bucket: "bucket'x" }],
        ['bucket upper-case', { bucket: 'My_Bucket' }],
        ['bucket too short', { bucket: 'ab' }],
        ['bucket as IP', { bucket: '192.168.1.10' }],
        ['bucket with ..', { bucket: 'a..b' }],
        ['prefix with quote', { prefix: "logs'/x" }],
        ['prefix with template variable', { prefix: 'logs/${region}' }],
        ['prefix with backslash', { prefix: 'logs\\x' }],
        ['prefix with newline', { prefix: 'logs\nx' }],
        ['prefix with ..', { prefix: 'a/../b' }],
        ['org id', { org: "o-abc'" }],
        ['account id', { accounts: ['12345'] }],
        ['no accounts', { accounts: [] }],
        ['region', { regions: ["us-east-1'"] }],
        ['impossible start date', { projectionStart: '2024/02/30' }],
        ['start date format', { projectionStart: '2024-01-01' }],
      ];
      for (const [what, patch] of bad) {
        assert.throws(() => cloudTrailTableDdl({ ...SPEC, ...patch }), AthenaNameError, what);
      }
      assert.throws(() => tableSetupStatements({ ...SPEC, database: 'x y' }), AthenaNameError);
      const [db, table] = tableSetupStatements(SPEC);
      assert.equal(db, 'CREATE DATABASE IF NOT EXISTS `audit`');
      assert.match(table, /^CREATE EXTERNAL TABLE/);
    });
  });

  describe('filter → SQL', () => {

    for (const c of FILTER_CASES) {
      it(`${c.filter}`, () => {
        const t = where(c.filter);
        for (const frag of c.sql) {
          if (typeof frag === 'string') assert.ok(t.sql.includes(frag), `expected ${JSON.stringify(frag)} in\n${t.sql}`);
          else assert.match(t.sql, frag);
        }
        assert.equal(t.localFilter, c.local ?? '', `local filter of ${c.filter}`);
        assert.equal(t.untranslated.length, c.untranslated ?? 0, t.untranslated.join('; '));
        if (c.local === c.filter && c.sql.length === 0) assert.ok(!t.sql.includes('WHERE'), 'nothing narrowed in SQL');
        if (c.local === c.filter && c.sql.length > 0) assert.ok(t.translated.some((x) => x.endsWith('(narrowed in SQL, finished locally)')), t.translated.join('; '));
        // Every translation is well-formed: balanced literals and parentheses outside them.
        const { outside } = scanSql(t.sql);
        assert.equal((outside.match(/\(/g) ?? []).length, (outside.match(/\)/g) ?? []).length, `parentheses in\n${t.sql}`);
      });
    }

    it('selects the table columns, newest first, with the limit', () => {
      const t = where('');
      assert.equal(t.sql, [
        'SELECT eventversion, useridentity, eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent, errorcode, errormessage, requestparameters, responseelements, additionaleventdata, requestid, eventid, readonly, resources, eventtype, apiversion, managementevent, recipientaccountid, serviceeventdetails, sharedeventid, vpcendpointid, vpcendpointaccountid, eventcategory, addendum, sessioncredentialfromconsole, edgedevicedetails, tlsdetails',
        'FROM "audit"."cloudtrail_logs"',
        'ORDER BY eventtime DESC',
        'LIMIT 500',
      ].join('\n'));
      assert.deepEqual(t.partitions, {});
      assert.deepEqual(t.translated, []);
      assert.throws(() => where('', { limit: 0 }), /limit/);
      assert.throws(() => where('', { limit: 1.5 }), /limit/);
      assert.throws(() => where('', { table: 'x; DROP TABLE y' }), AthenaNameError);
      assert.throws(() => where('', { table: 'a.b.c' }), AthenaNameError);
      assert.throws(() => where('action:(x'), /Grouping/);
    });

    it('bounds eventtime and prunes timestamp partitions from time terms and the range', () => {
      const day = where('time:2026-11-19');
      assert.ok(day.sql.includes(`"timestamp" >= '2026/11/19'\n  AND "timestamp" <= '2026/11/21'`), day.sql);
      assert.ok(day.sql.includes("try(from_iso8601_timestamp(eventtime)) >= from_iso8601_timestamp('2026-11-19T00:00:00.000Z')"));
      assert.ok(day.sql.includes("try(from_iso8601_timestamp(eventtime)) < from_iso8601_timestamp('2026-11-20T00:00:00.000Z')"));
      assert.deepEqual(day.partitions, { from: '2026/11/19', to: '2026/11/21' });
      assert.equal(day.localFilter, '');

      const rel = where('time:-24h action:StopLogging');
      assert.deepEqual(rel.partitions, { from: '2026/11/19' });
      assert.ok(rel.sql.includes("from_iso8601_timestamp('2026-11-19T12:00:00.000Z')"));

      const range = where('', { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 3, 6) });
      assert.deepEqual(range.partitions, { from: '2026/11/01', to: '2026/11/04' });
      assert.ok(range.sql.includes("try(from_iso8601_timestamp(eventtime)) >= from_iso8601_timestamp('2026-11-01T00:00:00.000Z')"));
      assert.ok(range.sql.includes("try(from_iso8601_timestamp(eventtime)) < from_iso8601_timestamp('2026-11-03T06:00:00.000Z')"));
      assert.ok(range.translated.includes('time range'));

      // The narrower of range and filter bounds the partitions.
      const both = where('time:>=2026-11-02', { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 10) });
      assert.deepEqual(both.partitions, { from: '2026/11/02', to: '2026/11/11' });

      // A time inside OR narrows eventtime but cannot prune partitions.
      const or = where('time:>2026-11-02 OR action:X');
      assert.deepEqual(or.partitions, {});
      assert.ok(!or.sql.includes('"timestamp"'));
      assert.ok(or.sql.includes("try(from_iso8601_timestamp(eventtime)) > from_iso8601_timestamp('2026-11-02T00:00:00.000Z')"));

      // Beyond TIMESTAMP's range: a constant, no bad literal.
      const far = where('time:<+100000-01-01');
      assert.ok(far.sql.includes('WHERE try(from_iso8601_timestamp(eventtime)) IS NOT NULL'), far.sql);
      assert.deepEqual(far.partitions, {});
    });

    it('writes every value as an escaped literal (injection attempts stay text)', () => {
      for (const value of HOSTILE_VALUES) {
        for (const filter of hostileFilters(value)) {
          const t = where(filter);
          const { outside, literals } = scanSql(t.sql);
          assert.ok(literals.includes(value), `${JSON.stringify(value)} round-trips as a literal: ${JSON.stringify(literals)}`);
          assert.ok(!/DROP|DELETE|;|--|\/\*/.test(outside), `nothing outside literals: ${outside}`);
          // eslint-disable-next-line no-control-regex -- looking for raw control characters
          assert.ok(!/[\u0000-\u001f\u2028\u2029]/.test(t.sql.replace(/\n {2}AND /g, ' ').replace(/\n(FROM|WHERE|ORDER|LIMIT)/g, ' $1')), 'no raw control characters');
        }
        // Wildcard values: the LIKE pattern is a literal too.
        const glob = where(hostileGlob(value));
        assert.ok(!/DROP|DELETE|;|--/.test(scanSql(glob.sql).outside), glob.sql);
      }
      assert.equal(sqlString("it's"), "'it''s'");
      assert.equal(sqlString('a\nb'), "U&'a\\000Ab'");
      assert.equal(sqlString('\u0001😀\\'), "U&'\\0001\\+01F600\\\\'");
      assert.equal(sqlString('\ud800x'), "'\ufffdx'");
      assert.equal(likePattern('a%b_c\\\\d*e?'), 'a\\%b\\_c\\\\d%e_');
      assert.equal(likePattern('\\*\\?**'), '*?%');
    });
  });

  describe('lifecycle', () => {
    let fake: AthenaFake;
    let logs: string[] = [];
    const options = (extra: Partial<AthenaOptions> = {}): AthenaOptions => ({
      log: (l) => logs.push(l),
      perSecond: 1000,
      retryStrategy: new ConfiguredRetryStrategy(4, 5),
      pollMs: 5,
      pollMaxMs: 20,
      ...extra,
    });
    const account = (extra: Partial<AccountConfig> = {}): AccountConfig => ({ id: 'aws1', provider: 'cloudtrail', label: 'prod', endpoint: fake.url, region: 'eu-west-1', ...extra });
    const target = { database: 'audit', workgroup: 'primary', outputLocation: 's3://results-bucket/athena/' };

    async function run(sql: string, opts: { signal?: AbortSignal; onStatus?: (s: string, st: AthenaStats) => void; pageSize?: number; athena?: ReturnType<typeof createAthena>; secret?: string } = {}) {
      const batches: EventBatch[] = [];
      const statuses: Array<[string, AthenaStats]> = [];
      const store = new EventStore();
      const report: AthenaReport = await (opts.athena ?? createAthena(options())).runQuery(
        account(),
        opts.secret ?? KEYS,
        { ...target, sql, pageSize: opts.pageSize },
        {
          onBatch(b) {
            batches.push(b);
            store.appendBatch(b);
          },
          onStatus(s, st) {
            statuses.push([s, st]);
            opts.onStatus?.(s, st);
          },
        },
        opts.signal,
      );
      return { report, batches, statuses, store };
    }

    function snapshot(store: EventStore): Map<string, Record<string, string>> {
      const out = new Map<string, Record<string, string>>();
      const cols = store.columnNames().filter((c) => c !== 'source');
      for (let r = 0; r < store.size; r++) {
        const row: Record<string, string> = {};
        for (const c of cols) row[c] = String(store.cellReader(c)(r));
        out.set(store.idOf(r), row);
      }
      return out;
    }

    const ops = () => fake.calls.map((c) => c.op);
    const noSecrets = (text: string) => {
      for (const f of [FAKE_SECRET, KEYS].flatMap((s) => secretForms(s))) assert.ok(!text.includes(f), `leaks a secret: ${text}`);
    };

    before(async () => {
      fake = await startAthenaFake({ now: NOW });
    });
    after(async () => {
      await fake.close();
    });
    beforeEach(() => {
      fake.calls.length = 0;
      logs = [];
      Object.assign(fake.knobs, { throttle: 0, throttleType: 'TooManyRequestsException', accessDenied: false, serverErrors: 0, queued: 1, running: 2, slowMs: 0 });
    });

    it('goes queued → running → succeeded, reports data scanned, and pages rows into events', async () => {
      const { report, batches, statuses, store } = await run(where('action:* time:-30d').sql, { pageSize: 7 });
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.equal(report.state, 'SUCCEEDED');
      assert.deepEqual(statuses.map(([s]) => s).filter((s, i, a) => a.indexOf(s) === i), ['QUEUED', 'RUNNING', 'SUCCEEDED']);
      assert.ok((report.dataScannedBytes ?? 0) > 0);
      assert.ok(statuses.some(([s, st]) => s === 'RUNNING' && st.dataScannedBytes > 0), 'progress while running');
      assert.equal(report.events, fake.records.length);
      assert.equal(report.pages, Math.ceil((fake.records.length + 1) / 7), 'the header row counts in the first page');
      assert.equal(batches.length, report.pages);
      assert.equal(store.size, fake.records.length);
      const q = [...fake.queries.values()].find((x) => x.id === report.queryExecutionId);
      assert.ok(q);
      assert.equal(q.database, 'audit');
      assert.equal(q.workgroup, 'primary');
      assert.equal(q.outputLocation, 's3://results-bucket/athena/');
      assert.ok(q.sql.includes('FROM "audit"."cloudtrail_logs"'));
      assert.ok((q.token ?? '').length >= 32, 'ClientRequestToken sent');
      assert.deepEqual(ops().slice(0, 2), ['StartQueryExecution', 'GetQueryExecution']);
      assert.ok(!ops().includes('StopQueryExecution'));
      assert.ok(fake.calls.every((c) => c.region === 'eu-west-1'));
      assert.ok(logs.some((l) => l.includes('GetQueryResults') && l.includes('page 2')));
      logs.forEach(noSecrets);
    });

    it('turns rows into the same events as the same records read from a log file', async () => {
      const { store, report } = await run(where('').sql);
      assert.equal(report.skipped, 0);
      const file = readLogBuffer('AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/x.json', Buffer.from(JSON.stringify({ Records: fake.records })), 'prod');
      assert.deepEqual(file.problems, []);
      const fileStore = new EventStore();
      fileStore.appendBatch(file.batch!);
      assert.deepEqual(snapshot(store), snapshot(fileStore));
      // Raw paths beyond the extracted columns read the rebuilt record the same way.
      for (const f of ['userIdentity.sessionContext.sessionIssuer.arn:*Admin', 'requestParameters.name:thing-1*', 'resources.type:AWS::IAM::User', 'responseElements.ConsoleLogin:Failure', 'userIdentity.sessionContext.attributes.mfaAuthenticated:true', 'hostile OR userAgent:*script*']) {
        const a = store.query(f).count;
        assert.equal(a, fileStore.query(f).count, f);
        assert.ok(a > 0, `${f} finds something`);
      }
    });

    it('runs a filter: translated SQL to Athena, the rest left for local filtering', async () => {
      const athena = createAthena(options());
      const report = await athena.runFilter(
        account(),
        KEYS,
        { ...target, filter: 'action:StopLogging sourceIp:203.0.113.* "aws-cli"', table: 'cloudtrail_logs', from: NOW - 86_400_000, to: NOW, limit: 50, now: NOW },
        { onBatch() {} },
      );
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.equal(report.pushDown.localFilter, 'aws-cli');
      assert.match(report.pushDown.sentToApi[0], /^Athena SQL \(\d+(\.\d)? (bytes|KB|MB)/);
      assert.ok(report.pushDown.sentToApi.includes('action:StopLogging'));
      const q = fake.queries.get(report.queryExecutionId ?? '');
      assert.ok(q?.sql.includes("lower(COALESCE(eventname, '')) = 'stoplogging'"));
      assert.ok(q?.sql.includes(`"timestamp" >= '2026/11/19'`));
      assert.ok(q?.sql.endsWith('LIMIT 50'));

      const bad = await athena.runFilter(account(), KEYS, { ...target, filter: 'action:(', table: 'cloudtrail_logs' }, { onBatch() {} });
      assert.equal(bad.stoppedBy?.kind, 'bad-request');
      assert.equal(fake.queries.get(bad.queryExecutionId ?? '-'), undefined);
    });

    it('reports a FAILED query with its StateChangeReason', async () => {
      const { report } = await run('SELECT nosuchcolumn FROM cloudtrail_logs -- FAIL_QUERY');
      assert.equal(report.state, 'FAILED');
      assert.equal(report.stoppedBy?.kind, 'bad-request');
      assert.match(report.stoppedBy?.message ?? '', /failed: COLUMN_NOT_FOUND: .*nosuchcolumn/);
      assert.match(report.stateChangeReason ?? '', /COLUMN_NOT_FOUND/);
      assert.equal(report.events, 0);
      assert.ok(!ops().includes('StopQueryExecution'));
      assert.ok(!ops().includes('GetQueryResults'));

      const denied = await run('SELECT 1 -- DENY_S3');
      assert.equal(denied.report.stoppedBy?.kind, 'forbidden');
      assert.match(denied.report.stoppedBy?.message ?? '', /Access denied when writing output.*s3:PutObject/);
    });

    it('passes on a rejected statement with Athena’s message', async () => {
      const { report } = await run('DROP TABLE x');
      assert.equal(report.stoppedBy?.kind, 'bad-request');
      assert.match(report.stoppedBy?.message ?? '', /Athena rejected StartQueryExecution in eu-west-1 \[MALFORMED_QUERY\]: line 1:1: mismatched input 'DROP'/);
      assert.equal(report.queryExecutionId, undefined);
    });

    it('stops the query on AWS when cancelled, and ends CANCELLED', async () => {
      fake.knobs.running = 1000;
      const ac = new AbortController();
      const { report } = await run(where('').sql, {
        signal: ac.signal,
        onStatus: (s) => {
          if (s === 'RUNNING') ac.abort();
        },
      });
      assert.equal(report.cancelled, true);
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.state, 'CANCELLED');
      assert.ok(ops().includes('StopQueryExecution'));
      const stopCall = fake.calls.find((c) => c.op === 'StopQueryExecution');
      assert.equal(stopCall?.body.QueryExecutionId, report.queryExecutionId);
      assert.equal(fake.queries.get(report.queryExecutionId ?? '')?.state, 'CANCELLED');
      assert.equal(report.events, 0);
    });

    it('stops a query that runs longer than the wait limit', async () => {
      fake.knobs.running = 1000;
      const { report } = await run(where('').sql, { athena: createAthena(options({ maxWaitMs: 60 })) });
      assert.equal(report.stoppedBy?.kind, 'timeout');
      assert.match(report.stoppedBy?.message ?? '', /still RUNNING .* it was stopped/);
      assert.equal(fake.queries.get(report.queryExecutionId ?? '')?.state, 'CANCELLED');
    });

    it('retries throttling (TooManyRequestsException) and finishes', async () => {
      fake.knobs.throttle = 2;
      const { report } = await run(where('').sql);
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.equal(report.events, fake.records.length);
      assert.deepEqual(ops().slice(0, 3), ['StartQueryExecution', 'StartQueryExecution', 'StartQueryExecution']);
      assert.equal(fake.queries.size > 0, true);
      // The retries carried one ClientRequestToken: one query, not three.
      const tokens = fake.calls.filter((c) => c.op === 'StartQueryExecution').map((c) => c.body.ClientRequestToken);
      assert.equal(new Set(tokens).size, 1);

      fake.knobs.throttle = 100;
      const { report: gaveUp } = await run(where('').sql);
      assert.equal(gaveUp.stoppedBy?.kind, 'rate-limited');
      assert.match(gaveUp.stoppedBy?.message ?? '', /CONCURRENT_QUERY_LIMIT_EXCEEDED|throttling/);
    });

    it('explains access denied and bad credentials without leaking secrets', async () => {
      fake.knobs.accessDenied = true;
      const { report } = await run(where('').sql);
      assert.equal(report.stoppedBy?.kind, 'forbidden');
      assert.match(report.stoppedBy?.message ?? '', /athena:StartQueryExecution/);
      noSecrets(report.stoppedBy?.message ?? '');
      fake.knobs.accessDenied = false;

      const wrong = encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: 'wrong/Secret+Key=0000000000000000000000' });
      const { report: bad } = await run(where('').sql, { secret: wrong });
      assert.equal(bad.stoppedBy?.kind, 'auth');
      assert.ok(!(bad.stoppedBy?.message ?? '').includes('wrong/Secret'));

      const { report: garbled } = await run(where('').sql, { secret: 'not a secret' });
      assert.equal(garbled.stoppedBy?.kind, 'auth');
      logs.forEach(noSecrets);
    });

    it('refuses a bad target before calling AWS', async () => {
      const athena = createAthena(options());
      const sink = { onBatch() {} };
      const r1 = await athena.runQuery(account({ region: 'nowhere' }), KEYS, { ...target, sql: 'SELECT 1' }, sink);
      assert.equal(r1.stoppedBy?.kind, 'bad-request');
      const r2 = await athena.runQuery(account(), KEYS, { ...target, database: 'a; b', sql: 'SELECT 1' }, sink);
      assert.equal(r2.stoppedBy?.kind, 'bad-request');
      const r3 = await athena.runQuery(account(), KEYS, { ...target, outputLocation: 'http://x', sql: 'SELECT 1' }, sink);
      assert.equal(r3.stoppedBy?.kind, 'bad-request');
      assert.equal(fake.calls.length, 0);
    });

    it('creates the database and the table by running the DDL', async () => {
      const athena = createAthena(options());
      const out = await athena.createTable(account(), KEYS, { ...SPEC, workgroup: 'primary', outputLocation: 's3://results-bucket/athena/' });
      assert.equal(out.stoppedBy, undefined, out.stoppedBy?.message);
      assert.equal(out.runs.length, 2);
      assert.ok(out.runs.every((r) => r.state === 'SUCCEEDED'));
      const sqls = [...fake.queries.values()].map((q) => q.sql);
      assert.ok(sqls.includes('CREATE DATABASE IF NOT EXISTS `audit`'));
      assert.ok(sqls.includes(cloudTrailTableDdl(SPEC)));
      assert.ok(!ops().includes('GetQueryResults'));

      const bad = await athena.createTable(account(), KEYS, { ...SPEC, bucket: "x'y" });
      assert.equal(bad.stoppedBy?.kind, 'bad-request');
      assert.deepEqual(bad.statements, []);
    });
  });
});
