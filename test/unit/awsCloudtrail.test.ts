import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { EventBatch } from '../../src/core/batch';
import { ApiError, secretForms } from '../../src/core/errors';
import { EventStore } from '../../src/core/store';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import { normalizeCloudTrail } from '../../src/providers/logFiles/normalize';
import {
  createAwsCloudTrailProvider,
  decodeAwsCredentials,
  encodeAwsCredentials,
  lookupPushDown,
  type AwsCloudTrailProviderOptions,
  type AwsFetchReport,
  type LakeReport,
} from '../../src/providers/awsCloudtrail/index';
import { awsSecretFromEnv, secretsOf } from '../../src/providers/awsCloudtrail/credentials';
import type { AccountConfig, FetchProgress, LiveQuery } from '../../src/providers/provider';
import { FAKE_KEY_ID, FAKE_REGIONS, FAKE_SECRET, lookupEventOf, startAwsCloudTrailFake, type CtFake } from '../support/fakes/awsCloudtrail';

const KEYS = encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET });
const PROFILE_KEY_ID = 'AKIAPROFILE000000001';
const PROFILE_SECRET = 'pr0file/Secret+Value=abcdefghijklmnopqrstu';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+token=';
const ALL_SECRETS = [FAKE_SECRET, PROFILE_SECRET, SESSION_TOKEN, KEYS].flatMap((s) => secretForms(s));
const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface Run {
  report: AwsFetchReport;
  batches: EventBatch[];
  progress: FetchProgress[];
  store: EventStore;
}

function noSecrets(text: string, what: string): void {
  for (const f of ALL_SECRETS) assert.ok(!text.includes(f), `${what} leaks a secret: ${text}`);
}

function lookupCalls(fake: CtFake) {
  return fake.calls.filter((c) => c.op === 'LookupEvents');
}

/** Every row of a store as id → {column: value, raw: text}, to compare two stores field by field. */
function snapshot(store: EventStore): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const cols = store.columnNames().filter((c) => c !== 'source');
  for (let r = 0; r < store.size; r++) {
    const row: Record<string, string> = { raw: store.rawText(r) };
    for (const c of cols) row[c] = String(store.cellReader(c)(r));
    out.set(store.idOf(r), row);
  }
  return out;
}

describe('providers/awsCloudtrail', function () {
  this.timeout(60_000);
  let fake: CtFake;
  let logs: string[] = [];
  const options = (extra: Partial<AwsCloudTrailProviderOptions> = {}): AwsCloudTrailProviderOptions => ({
    log: (l) => logs.push(l),
    perSecond: 1000,
    // Short fixed backoff: the SDK's real one waits up to seconds per throttled attempt.
    retryStrategy: new ConfiguredRetryStrategy(3, 5),
    lakePollMs: 10,
    lakePollMaxMs: 30,
    ...extra,
  });
  let provider = createAwsCloudTrailProvider(options());
  const account = (extra: Partial<AccountConfig> = {}): AccountConfig => ({
    id: 'aws1',
    provider: 'cloudtrail',
    label: 'prod',
    endpoint: fake.url,
    region: 'us-east-1',
    ...extra,
  });

  async function run(
    query: Partial<LiveQuery> = {},
    opts: { secret?: string; acct?: Partial<AccountConfig>; signal?: AbortSignal; onBatch?: (n: number) => void; p?: typeof provider } = {},
  ): Promise<Run> {
    const batches: EventBatch[] = [];
    const progress: FetchProgress[] = [];
    const store = new EventStore();
    const report = await (opts.p ?? provider).fetch(
      account(opts.acct),
      opts.secret ?? KEYS,
      { filter: '', ...query },
      {
        onBatch(b, p) {
          batches.push(b);
          progress.push(p);
          store.appendBatch(b);
          opts.onBatch?.(batches.length);
        },
      },
      opts.signal,
    );
    return { report, batches, progress, store };
  }

  const ids = (store: EventStore, filter = ''): string[] => {
    const v = store.query(filter);
    return v
      .rows(0, v.count, ['id'])
      .map((r) => String(r.id))
      .sort();
  };

  before(async () => {
    fake = await startAwsCloudTrailFake({ extraKeys: { [PROFILE_KEY_ID]: PROFILE_SECRET } });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.calls.length = 0;
    Object.assign(fake.knobs, { throttle: 0, expired: false, accessDenied: false, serverErrors: 0, slowMs: 0, failWhen: undefined });
    fake.corrupt.clear();
    logs = [];
    provider = createAwsCloudTrailProvider(options());
  });
  afterEach(() => {
    for (const l of logs) noSecrets(l, 'log line');
  });

  describe('credentials', () => {
    it('encodes and decodes every form, and rejects bad input without echoing it', () => {
      assert.deepEqual(decodeAwsCredentials(encodeAwsCredentials({ type: 'profile', profile: ' dev ' })), { type: 'profile', profile: 'dev' });
      assert.deepEqual(decodeAwsCredentials('{"type":"default"}'), { type: 'default' });
      assert.deepEqual(decodeAwsCredentials(KEYS), { type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET });
      assert.deepEqual(decodeAwsCredentials(`${FAKE_KEY_ID}:${FAKE_SECRET}:${SESSION_TOKEN}`), {
        type: 'keys',
        accessKeyId: FAKE_KEY_ID,
        secretAccessKey: FAKE_SECRET,
        sessionToken: SESSION_TOKEN,
      });
      assert.deepEqual(decodeAwsCredentials('profile:sso-admin'), { type: 'profile', profile: 'sso-admin' });
      assert.deepEqual(decodeAwsCredentials('default'), { type: 'default' });
      for (const bad of ['', '{"type":"keys","accessKeyId":"AKIAX"}', `{"type":"keys","accessKeyId":"not a key","secretAccessKey":"${FAKE_SECRET}"}`, '{"type":"nope"}', `{oops ${FAKE_SECRET}`, 'onlyone']) {
        assert.throws(
          () => decodeAwsCredentials(bad),
          (e: unknown) => e instanceof ApiError && e.kind === 'auth' && !e.message.includes(FAKE_SECRET),
          bad,
        );
      }
      const withToken = encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET, sessionToken: SESSION_TOKEN });
      assert.deepEqual(new Set(secretsOf(withToken)), new Set([withToken, FAKE_SECRET, SESSION_TOKEN]));
      assert.equal(awsSecretFromEnv({ AWS_PROFILE: 'dev' }), '{"type":"profile","profile":"dev"}');
      assert.equal(awsSecretFromEnv({ AWS_ACCESS_KEY_ID: FAKE_KEY_ID, AWS_SECRET_ACCESS_KEY: FAKE_SECRET }), KEYS);
      assert.equal(awsSecretFromEnv({}), undefined);
    });

    it('validates access keys with one LookupEvents call naming the key, and lists regions as scopes', async () => {
      const msg = await provider.validate(account({ region: 'eu-west-1, us-east-1' }), KEYS);
      assert.match(msg, new RegExp(`access key ${FAKE_KEY_ID}`));
      assert.match(msg, /eu-west-1/);
      assert.equal(fake.calls.length, 1);
      assert.equal(fake.calls[0].region, 'eu-west-1');
      assert.equal(fake.calls[0].body.MaxResults, 1);
      const scopes = await provider.listScopes!(account({ region: 'us-east-1,eu-west-1' }), KEYS);
      assert.deepEqual(
        scopes.map((s) => [s.id, s.params.regions]),
        [
          ['us-east-1', 'us-east-1'],
          ['eu-west-1', 'eu-west-1'],
        ],
      );
    });

    it('resolves a profile from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, and explains a missing SSO login', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aws-profile-'));
      const saved = { c: process.env.AWS_CONFIG_FILE, s: process.env.AWS_SHARED_CREDENTIALS_FILE, p: process.env.AWS_PROFILE };
      try {
        writeFileSync(
          join(dir, 'config'),
          [
            '[profile ci]',
            'region = eu-west-1',
            '',
            '[profile sso-admin]',
            'sso_session = corp',
            'sso_account_id = 123456789012',
            'sso_role_name = ReadOnly',
            '',
            '[sso-session corp]',
            'sso_start_url = https://corp-fake-test.awsapps.com/start',
            'sso_region = us-east-1',
            '',
          ].join('\n'),
        );
        writeFileSync(join(dir, 'credentials'), `[ci]\naws_access_key_id = ${PROFILE_KEY_ID}\naws_secret_access_key = ${PROFILE_SECRET}\n`);
        process.env.AWS_CONFIG_FILE = join(dir, 'config');
        process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
        delete process.env.AWS_PROFILE;

        const secret = encodeAwsCredentials({ type: 'profile', profile: 'ci' });
        const { report } = await run({}, { secret });
        assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
        assert.ok(report.events > 0);
        assert.ok(lookupCalls(fake).every((c) => c.accessKeyId === PROFILE_KEY_ID && c.status === 200));
        assert.match(await provider.validate(account(), secret), new RegExp(`profile ci \\(access key ${PROFILE_KEY_ID}\\)`));

        fake.knobs.expired = true;
        const expired = await run({}, { secret });
        fake.knobs.expired = false;
        assert.equal(expired.report.stoppedBy?.kind, 'auth');
        assert.match(expired.report.stoppedBy!.message, /expired.*aws sso login --profile ci/s);

        fake.calls.length = 0;
        const sso = await run({}, { secret: encodeAwsCredentials({ type: 'profile', profile: 'sso-admin' }) });
        assert.equal(sso.report.stoppedBy?.kind, 'auth');
        assert.match(sso.report.stoppedBy!.message, /aws sso login --profile sso-admin/);
        assert.equal(fake.calls.length, 0, 'no request without credentials');

        const missing = await run({}, { secret: encodeAwsCredentials({ type: 'profile', profile: 'nosuch' }) });
        assert.equal(missing.report.stoppedBy?.kind, 'auth');
        assert.match(missing.report.stoppedBy!.message, /nosuch/);
      } finally {
        for (const [k, v] of [
          ['AWS_CONFIG_FILE', saved.c],
          ['AWS_SHARED_CREDENTIALS_FILE', saved.s],
          ['AWS_PROFILE', saved.p],
        ] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('LookupEvents fetch', () => {
    it('pages across regions one after another, with progress counted across regions', async () => {
      const { report, batches, progress, store } = await run({ params: { regions: FAKE_REGIONS.join(',') } });
      // Only events of the last 24 h (the default window): the generator spaces them 10 minutes apart,
      // so 144 fit and ap-southeast-2's older ones stay out.
      const per = FAKE_REGIONS.map((r) => Math.min(fake.records[r].length, 144));
      assert.ok(fake.records['ap-southeast-2'].length > 144, 'fixture reaches past the default window');
      const pages = per.map((n) => Math.ceil(n / 50));
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.deepEqual(report.regions, [...FAKE_REGIONS]);
      assert.equal(report.events, per.reduce((a, b) => a + b, 0));
      assert.equal(report.pages, pages.reduce((a, b) => a + b, 0));
      assert.equal(batches.length, report.pages);
      assert.deepEqual(
        progress.map((p) => p.pages),
        batches.map((_, i) => i + 1),
      );
      assert.deepEqual(progress.at(-1), { pages: report.pages, events: report.events });
      const calls = lookupCalls(fake);
      assert.deepEqual(
        calls.map((c) => c.region),
        FAKE_REGIONS.flatMap((r, i) => Array<string>(pages[i]).fill(r)),
      );
      for (const c of calls) {
        assert.equal(c.body.MaxResults, 50);
        assert.equal(c.accessKeyId, FAKE_KEY_ID);
        assert.equal(c.body.LookupAttributes, undefined);
        const span = (c.body.EndTime as number) - (c.body.StartTime as number);
        assert.ok(Math.abs(span - DAY / 1000) < 1, `default window is 24 h (${span} s)`);
      }
      assert.equal(store.size, report.events);
      assert.deepEqual(report.pushDown, { sentToApi: ['time range'], localFilter: '' });
      assert.equal(new Set(ids(store, 'region:eu-west-1')).size, fake.records['eu-west-1'].length);
      assert.ok(logs.some((l) => /LookupEvents us-east-1 page 1 → 200/.test(l)), logs.join('\n'));
    });

    it('builds the same records as a lookup-events file: raw text is the CloudTrailEvent string, columns as normalizeCloudTrail', async () => {
      const { store, report } = await run();
      const recs = fake.records['us-east-1'];
      assert.equal(report.events, recs.length);
      const byId = new Map(recs.map((r) => [String(r.eventID), r]));
      for (let row = 0; row < store.size; row++) {
        const rec = byId.get(store.idOf(row))!;
        assert.equal(store.rawText(row), JSON.stringify(rec));
        const ev = normalizeCloudTrail(rec);
        assert.equal(store.time[row], ev.time);
        for (const f of ['account', 'action', 'actor', 'service', 'region', 'sourceIp', 'userAgent', 'outcome', 'error'] as const) {
          assert.equal(store.value(row, f), ev[f] ?? '', `${f} of ${ev.id}`);
        }
        assert.equal(store.value(row, 'userIdentity.type'), String((rec.userIdentity as Record<string, unknown>).type));
      }
      // The same events saved by `aws cloudtrail lookup-events` and opened as a file.
      const fileText = JSON.stringify({ Events: recs.map((r) => lookupEventOf(r)) }, null, 2);
      const file = readLogBuffer('lookup-events.json', Buffer.from(fileText), 'prod');
      assert.deepEqual(file.problems, []);
      const fileStore = new EventStore();
      fileStore.appendBatch(file.batch!);
      assert.deepEqual(snapshot(store), snapshot(fileStore));
      assert.ok(ids(store, 'hostile OR userAgent:*script*').length > 0, 'hostile strings arrive as text');
    });

    const CASES: Array<{ filter: string; sent?: [string, string] }> = [
      { filter: 'eventName:ConsoleLogin', sent: ['EventName', 'ConsoleLogin'] },
      { filter: 'action:"RunInstances"', sent: ['EventName', 'RunInstances'] },
      { filter: 'action:consolelogin' },
      { filter: 'eventName:Describe*' },
      { filter: 'userIdentity.accessKeyId:akiabob000000000', sent: ['AccessKeyId', 'AKIABOB000000000'] },
      { filter: 'service:EC2.amazonaws.com', sent: ['EventSource', 'ec2.amazonaws.com'] },
      { filter: 'readOnly:true', sent: ['ReadOnly', 'true'] },
      { filter: 'raw.readOnly:false action:CreateUser', sent: ['EventName', 'CreateUser'] },
      { filter: 'userIdentity.userName:bob', sent: ['Username', 'bob'] },
      { filter: 'resources.type:"AWS::S3::Bucket"', sent: ['ResourceType', 'AWS::S3::Bucket'] },
      { filter: 'resources:"arn:aws:iam:us-east-1:123456789012:thing/thing-3"', sent: ['ResourceName', 'arn:aws:iam:us-east-1:123456789012:thing/thing-3'] },
      { filter: 'service:iam.amazonaws.com eventName:CreateUser userIdentity.userName:alice', sent: ['Username', 'alice'] },
      { filter: 'eventName:RunInstances errorCode:AccessDenied', sent: ['EventName', 'RunInstances'] },
      { filter: 'eventName:ConsoleLogin OR eventName:CreateUser' },
      { filter: '-eventName:ConsoleLogin', sent: undefined },
      { filter: 'actor:alice' },
      { filter: 'sourceIp:203.0.113.250 readOnly:false', sent: ['ReadOnly', 'false'] },
    ];

    it('pushes at most one lookup attribute down and still applies the whole filter locally (exact results)', async () => {
      const full = await run();
      const recs = fake.records['us-east-1'];
      // id pushdown needs a real id.
      const someId = String(recs[7].eventID);
      const cases = [...CASES, { filter: `id:${someId.toUpperCase()} action:CreateUser`, sent: ['EventId', someId] as [string, string] }, { filter: `eventID:"${someId}"`, sent: ['EventId', someId] as [string, string] }];
      for (const c of cases) {
        fake.calls.length = 0;
        const r = await run({ filter: c.filter });
        assert.equal(r.report.stoppedBy, undefined, `${c.filter}: ${r.report.stoppedBy?.message}`);
        const sentAttr = lookupCalls(fake)[0].body.LookupAttributes as Array<{ AttributeKey: string; AttributeValue: string }> | undefined;
        if (c.sent) {
          assert.deepEqual(sentAttr, [{ AttributeKey: c.sent[0], AttributeValue: c.sent[1] }], c.filter);
          assert.deepEqual(r.report.pushDown.sentToApi, ['time range', `${c.sent[0]} = ${c.sent[1]}`], c.filter);
        } else {
          assert.equal(sentAttr, undefined, c.filter);
          assert.deepEqual(r.report.pushDown.sentToApi, ['time range'], c.filter);
        }
        assert.notEqual(r.report.pushDown.localFilter, '', c.filter);
        const expected = ids(full.store, c.filter);
        assert.deepEqual(ids(r.store, r.report.pushDown.localFilter), expected, c.filter);
        if (c.sent) assert.ok(r.store.size < full.store.size, `${c.filter}: the API narrowed the fetch`);
      }
      assert.ok(ids(full.store, 'eventName:ConsoleLogin').length > 0);
    });

    it('takes the time range from from/to and time terms, and clamps it to the last 90 days', async () => {
      const now = Date.now();
      const r = await run({ from: now - 200 * DAY, to: now });
      const c = lookupCalls(fake)[0];
      assert.ok(Math.abs((c.body.StartTime as number) * 1000 - (now - 90 * DAY)) < 5000, `start clamped: ${String(c.body.StartTime)}`);
      assert.match(r.report.pushDown.sentToApi[0], /90 days/);
      assert.ok(logs.some((l) => /keeps only the last 90 days/.test(l)));

      fake.calls.length = 0;
      const t = await run({ filter: 'time:>=-2h time:<-1h' });
      const tc = lookupCalls(fake)[0];
      assert.ok(Math.abs((tc.body.EndTime as number) - (tc.body.StartTime as number) - 3600) < 2);
      assert.equal(t.report.events, t.store.query('time:>=-2h time:<-1h').count);
      assert.ok(t.report.events >= 5 && t.report.events <= 7, String(t.report.events));

      fake.calls.length = 0;
      const old = await run({ from: now - 200 * DAY, to: now - 100 * DAY });
      assert.equal(old.report.stoppedBy?.kind, 'bad-request');
      assert.match(old.report.stoppedBy!.message, /90 days/);
      assert.equal(fake.calls.length, 0);
    });

    it('retries throttling through the SDK (more requests than pages), and reports persistent throttling as rate-limited', async () => {
      fake.knobs.throttle = 2;
      const { report } = await run();
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.equal(report.pages, 3);
      assert.equal(lookupCalls(fake).length, 5);
      assert.ok(lookupCalls(fake).filter((c) => c.status === 400).length === 2);

      fake.calls.length = 0;
      fake.knobs.serverErrors = 2;
      const flaky = await run();
      assert.equal(flaky.report.stoppedBy, undefined, 'a 500 is retried too');
      assert.equal(lookupCalls(fake).length, 5);

      fake.calls.length = 0;
      fake.knobs.throttle = 1000;
      const t = await run();
      assert.equal(t.report.stoppedBy?.kind, 'rate-limited');
      assert.match(t.report.stoppedBy!.message, /2 requests per second/);
      assert.ok((t.report.stoppedBy!.attempts ?? 0) > 1);
      fake.knobs.throttle = 0;
    });

    it('spaces requests to 2 per second per region (the limiter is kept across fetches)', async () => {
      const slow = createAwsCloudTrailProvider(options({ perSecond: undefined }));
      const { report } = await run({ params: { regions: 'us-east-1,eu-west-1' } }, { p: slow });
      assert.equal(report.stoppedBy, undefined);
      await run({ params: { regions: 'eu-west-1' } }, { p: slow });
      const byRegion = new Map<string, number[]>();
      for (const c of lookupCalls(fake)) byRegion.set(c.region, [...(byRegion.get(c.region) ?? []), c.at]);
      assert.ok((byRegion.get('eu-west-1')?.length ?? 0) >= 6);
      for (const [region, times] of byRegion) {
        // Times are when the fake received each request: delivery under a busy machine shifts one
        // request by up to ~150 ms, so the bound is on every span (k requests ≥ k × 500 ms less that
        // slack), which a limiter that let two through together still fails.
        for (let i = 0; i < times.length; i++) {
          for (let j = i + 1; j < times.length; j++) {
            assert.ok(times[j] - times[i] >= (j - i) * 500 - 150, `${region}: requests ${i}→${j} only ${Math.round(times[j] - times[i])} ms apart`);
          }
        }
      }
      // Regions have separate budgets: the first eu-west-1 call does not wait for us-east-1's.
      const lastUs = byRegion.get('us-east-1')!.at(-1)!;
      const firstEu = byRegion.get('eu-west-1')![0];
      assert.ok(firstEu - lastUs < 400, `eu-west-1 waited ${Math.round(firstEu - lastUs)} ms`);
    });

    it('explains expired credentials, access denied, unknown keys and a wrong secret, never showing the secret', async () => {
      fake.knobs.expired = true;
      const profileLike = await run({}, { secret: `${FAKE_KEY_ID}:${FAKE_SECRET}:${SESSION_TOKEN}` });
      assert.equal(profileLike.report.stoppedBy?.kind, 'auth');
      assert.match(profileLike.report.stoppedBy!.message, /expired/);
      assert.match(profileLike.report.stoppedBy!.message, /session token/);
      fake.knobs.expired = false;

      fake.knobs.accessDenied = true;
      const denied = await run();
      assert.equal(denied.report.stoppedBy?.kind, 'forbidden');
      assert.match(denied.report.stoppedBy!.message, /cloudtrail:LookupEvents/);
      fake.knobs.accessDenied = false;

      const unknown = await run({}, { secret: encodeAwsCredentials({ type: 'keys', accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: FAKE_SECRET }) });
      assert.equal(unknown.report.stoppedBy?.kind, 'auth');
      assert.match(unknown.report.stoppedBy!.message, /UnrecognizedClientException/);

      const wrong = await run({}, { secret: encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: PROFILE_SECRET }) });
      assert.equal(wrong.report.stoppedBy?.kind, 'auth');
      assert.match(wrong.report.stoppedBy!.message, /InvalidSignatureException/);
      assert.match(wrong.report.stoppedBy!.message, new RegExp(FAKE_KEY_ID));
      await assert.rejects(
        provider.validate(account(), encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: PROFILE_SECRET })),
        (e: unknown) => e instanceof ApiError && e.kind === 'auth',
      );
      for (const r of [profileLike, denied, unknown, wrong]) {
        noSecrets(r.report.stoppedBy!.message, 'message');
        noSecrets(r.report.stoppedBy!.url, 'url');
        assert.equal(r.report.events, 0);
      }
    });

    it('keeps the pages fetched before a failure, and says which page failed', async () => {
      fake.knobs.failWhen = (op, call) => (op === 'LookupEvents' && call.body.NextToken !== undefined && lookupCalls(fake).filter((c) => c.status === 200).length >= 2 ? { status: 500, type: 'InternalFailure' } : undefined);
      const { report, store } = await run({ params: { regions: 'us-east-1,eu-west-1' } });
      assert.equal(report.stoppedBy?.kind, 'server');
      assert.equal(report.stoppedBy?.page, 3);
      assert.equal(report.pages, 2);
      assert.equal(report.events, 100);
      assert.equal(store.size, 100);
      assert.ok(lookupCalls(fake).every((c) => c.region === 'us-east-1'));
    });

    it('gives up on a response slower than the request timeout, as a timeout', async () => {
      fake.knobs.slowMs = 1500;
      const quick = createAwsCloudTrailProvider(options({ timeouts: { requestMs: 200 }, retryStrategy: new ConfiguredRetryStrategy(1, 5) }));
      const { report } = await run({}, { p: quick });
      assert.equal(report.stoppedBy?.kind, 'timeout', report.stoppedBy?.message);
      assert.equal(report.pages, 0);
    });

    it('cancels between pages and during a request', async () => {
      const ac = new AbortController();
      const between = await run({}, { signal: ac.signal, onBatch: () => ac.abort() });
      assert.equal(between.report.cancelled, true);
      assert.equal(between.report.pages, 1);
      assert.equal(between.report.stoppedBy, undefined);

      fake.knobs.slowMs = 2000;
      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(), 150);
      const started = performance.now();
      const during = await run({}, { signal: ac2.signal });
      assert.ok(performance.now() - started < 1500, 'the request was abandoned');
      assert.equal(during.report.cancelled, true);
      assert.equal(during.report.pages, 0);
      assert.equal(during.report.stoppedBy, undefined);
    });

    it('stops at maxPages with a paging-loop error, counting pages across regions', async () => {
      const r = await run({ maxPages: 4, params: { regions: 'us-east-1,eu-west-1' } });
      assert.equal(r.report.pages, 4);
      assert.equal(r.report.events, 120 + 50);
      assert.equal(r.report.stoppedBy?.kind, 'paging-loop');
      assert.match(r.report.stoppedBy!.message, /Stopped after 4 pages .*page limit/);
      assert.equal(lookupCalls(fake).length, 4);
      const exact = await run({ maxPages: 3 });
      assert.equal(exact.report.stoppedBy, undefined, 'exactly maxPages pages is not a stop');
    });

    it('skips a CloudTrailEvent that is not valid JSON, logging and reporting it', async () => {
      const broken = String(fake.records['us-east-1'][3].eventID);
      fake.corrupt.add(broken);
      const { report, store } = await run();
      assert.equal(report.skipped, 1);
      assert.equal(report.events, fake.records['us-east-1'].length - 1);
      assert.equal(store.size, report.events);
      assert.equal(report.problems.length, 1);
      assert.match(report.problems[0], new RegExp(`${broken}: its CloudTrailEvent is not valid JSON`));
      assert.ok(logs.some((l) => l.includes(broken)));
      assert.equal(report.stoppedBy, undefined);
    });

    it('rejects region names that are not regions, before any request', async () => {
      const r = await run({ params: { regions: 'us-east-1,evil.example.com/' } });
      assert.equal(r.report.stoppedBy?.kind, 'bad-request');
      assert.equal(fake.calls.length, 0);
    });
  });

  describe('pushDown (pure)', () => {
    it('prefers the most selective attribute and never sends ones inside OR / NOT', () => {
      const now = Date.UTC(2026, 10, 23);
      const p = lookupPushDown('readOnly:false eventSource:s3.amazonaws.com resources.type:"AWS::S3::Bucket" eventName:PutBucketPolicy', {}, now);
      assert.deepEqual(p.attribute, { AttributeKey: 'EventName', AttributeValue: 'PutBucketPolicy' });
      assert.equal(p.endTime, now);
      assert.equal(p.startTime, now - DAY);
      assert.equal(lookupPushDown('(eventName:A OR eventName:B) -readOnly:true', {}, now).attribute, undefined);
      assert.equal(lookupPushDown('readOnly:maybe', {}, now).attribute, undefined);
      assert.equal(lookupPushDown('raw.eventName:"x" eventID:*', {}, now).attribute?.AttributeKey, 'EventName');
    });
  });

  describe('CloudTrail Lake', () => {
    it('runs a query through QUEUED → RUNNING → FINISHED, pages the rows and keeps each eventJson as the raw record', async () => {
      const statuses: string[] = [];
      const batches: EventBatch[] = [];
      const store = new EventStore();
      const report: LakeReport = await provider.runLakeQuery(
        account(),
        KEYS,
        { sql: 'SELECT eventJson FROM eds-1234', pageSize: 100 },
        {
          onBatch(b) {
            batches.push(b);
            store.appendBatch(b);
          },
          onStatus: (s) => statuses.push(s),
        },
      );
      const total = Object.values(fake.records).reduce((n, r) => n + r.length, 0);
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.deepEqual(statuses, ['QUEUED', 'RUNNING', 'FINISHED']);
      assert.equal(report.status, 'FINISHED');
      assert.equal(report.events, total);
      assert.equal(report.pages, Math.ceil(total / 100));
      assert.equal(report.statistics.totalResultsCount, total);
      assert.equal(report.statistics.resultsCount, total);
      assert.equal(report.statistics.bytesScanned, total * 1000);
      const ops = fake.calls.map((c) => c.op);
      assert.deepEqual(ops.slice(0, 5), ['StartQuery', 'DescribeQuery', 'DescribeQuery', 'DescribeQuery', 'DescribeQuery']);
      assert.equal(ops.filter((o) => o === 'GetQueryResults').length, report.pages);
      const all = new Map(Object.values(fake.records).flat().map((r) => [String(r.eventID), r]));
      for (let row = 0; row < store.size; row++) assert.equal(store.rawText(row), JSON.stringify(all.get(store.idOf(row))));
      assert.ok(logs.some((l) => /CloudTrail Lake query .*bytes scanned/.test(l)));
    });

    it('builds records from plain columns, and leaves aggregate rows out with a note', async () => {
      const store = new EventStore();
      const report = await provider.runLakeQuery(account(), KEYS, { sql: 'SELECT eventID, eventTime, eventName FROM eds LIMIT 10' }, { onBatch: (b) => store.appendBatch(b) });
      assert.equal(report.events, 10);
      const first = fake.records['us-east-1'][0];
      const row = ids(store).indexOf(String(first.eventID));
      assert.ok(row >= 0);
      assert.equal(store.query(`id:${String(first.eventID)}`).count, 1);
      const v = store.query(`id:${String(first.eventID)}`);
      assert.deepEqual(v.rows(0, 1, ['action', 'service', 'region']).map((r) => [r.action, r.service, r.region]), [[first.eventName, first.eventSource, first.awsRegion]]);

      const agg = await provider.runLakeQuery(account(), KEYS, { sql: 'SELECT count(*) FROM eds' }, { onBatch: () => undefined });
      assert.equal(agg.events, 0);
      assert.equal(agg.skipped, 1);
      assert.match(agg.problems[0], /not an event/);
    });

    it('reports a FAILED query with its ErrorMessage', async () => {
      const report = await provider.runLakeQuery(account(), KEYS, { sql: 'SELECT nosuchcolumn FROM eds WHERE FAIL' }, { onBatch: () => undefined });
      assert.equal(report.status, 'FAILED');
      assert.equal(report.stoppedBy?.kind, 'bad-request');
      assert.match(report.stoppedBy!.message, /nosuchcolumn/);
      assert.equal(fake.calls.filter((c) => c.op === 'GetQueryResults' || c.op === 'CancelQuery').length, 0);
    });

    it('sends CancelQuery when cancelled while the query runs', async () => {
      const slowLake = await startAwsCloudTrailFake({ lakeRunning: 1000 });
      try {
        const ac = new AbortController();
        const report = await provider.runLakeQuery(
          account({ endpoint: slowLake.url }),
          KEYS,
          { sql: 'SELECT eventJson FROM eds' },
          {
            onBatch: () => undefined,
            onStatus: (s) => {
              if (s === 'RUNNING') setTimeout(() => ac.abort(), 30);
            },
          },
          ac.signal,
        );
        assert.equal(report.cancelled, true);
        assert.equal(report.stoppedBy, undefined);
        assert.equal(report.status, 'CANCELLED');
        assert.ok(slowLake.calls.some((c) => c.op === 'CancelQuery'));
        assert.equal([...slowLake.lakeQueries.values()][0].status, 'CANCELLED');
      } finally {
        await slowLake.close();
      }
    });
  });
});
