/**
 * CloudTrail logs read from a trail's S3 bucket (providers/s3Trail) against the local S3 fake, with
 * the real SDK pointed at it by endpoint: layout browsing with paging, DescribeTrails, estimates,
 * loads equal to loading the same files from disk, progress, bounded concurrency, per-object
 * failures, cancel, and the error messages. The real-data tests use ../shared/data/cloudtrail (the
 * README's counts) and skip loudly without it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiError, secretForms } from '../../src/core/errors';
import { EventStore } from '../../src/core/store';
import { encodeAwsCredentials } from '../../src/providers/awsCloudtrail/credentials';
import { loadFiles, type LoadReport } from '../../src/providers/logFiles/files';
import type { AccountConfig } from '../../src/providers/provider';
import {
  discoverTrails,
  estimate,
  listLevel,
  loadFromS3,
  openS3Session,
  selectionPrefixes,
  type DaySelection,
  type S3LoadProgress,
  type S3TrailSession,
} from '../../src/providers/s3Trail/index';
import {
  S3_KEY_ID,
  S3_SECRET,
  cloudSnitchObjects,
  digestBody,
  digestKey,
  generatedLogFile,
  invictusObjects,
  startS3Fake,
  type RealTrailData,
  type S3Fake,
} from '../support/fakes/s3';

// Compiled to out/test/unit/, so four levels up is /work, next to the project checkout.
const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');
const KEYS = encodeAwsCredentials({ type: 'keys', accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET });
const WRONG_SECRET = 'wr0ng/Secret+Key=abcdefghijklmnopqrstuvwxyz';
const ALL_SECRETS = [S3_SECRET, WRONG_SECRET, KEYS].flatMap((s) => secretForms(s));

const GEN = 'gen-trail';
const GEN_REGION = 'eu-west-1';
const ACCT = '123456789012';
const ORG = 'o-exampleorg1';
const ORG_ACCOUNTS = ['111111111111', '222222222222'];
const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20'];
const FILES_PER_DAY = 4;
const EVENTS_PER_FILE = 5;
const INVICTUS = 'invictus-trail';
const INVICTUS_PREFIX = 'prod/ct';
const INVICTUS_ACCT = '218007301253';
const SNITCH = 'snitch-logs';

function skipWithoutData(ctx: Mocha.Context): void {
  if (!existsSync(DATA)) {
    console.warn(`\n!!! SKIPPING real-data S3 trail tests: ../shared/data not found (looked for ${DATA}) !!!\n`);
    ctx.skip();
  }
}

function noSecrets(text: string, what: string): void {
  for (const f of ALL_SECRETS) assert.ok(!text.includes(f), `${what} leaks a secret: ${text}`);
}

function dayKey(root: string, account: string, region: string, day: string, name: string, folder = 'CloudTrail'): string {
  return `${root}${account}/${folder}/${region}/${day.replace(/-/g, '/')}/${name}`;
}

/** Rows of a store sorted by id, without the source column (its label differs between disk and S3). */
function rows(store: EventStore): string[] {
  const cols = store.columnNames().filter((c) => c !== 'source');
  const out: string[] = [];
  for (let r = 0; r < store.size; r++) out.push(JSON.stringify([store.idOf(r), store.rawText(r), ...cols.map((c) => String(store.cellReader(c)(r)))]));
  return out.sort();
}

async function fromDisk(paths: string[]): Promise<{ store: EventStore; report: LoadReport }> {
  const store = new EventStore();
  const report = await loadFiles(paths, store, { workers: 0 });
  return { store, report };
}

describe('providers/s3Trail', function () {
  this.timeout(60_000);
  let fake: S3Fake;
  let account: AccountConfig;
  let s: S3TrailSession;
  let tmp: string;
  /** Generated key → its events, and the files written to disk for loadFiles. */
  const genEvents = new Map<string, number>();
  const genDisk = new Map<string, string>();
  let invictus: RealTrailData | undefined;
  let snitch: RealTrailData | undefined;
  const invictusExtra: string[] = [];

  const put = (bucket: string, key: string, body: Buffer, events: number) => {
    fake.put(bucket, key, body);
    genEvents.set(`${bucket}/${key}`, events);
    const file = path.join(tmp, bucket, ...key.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
    genDisk.set(`${bucket}/${key}`, file);
  };

  before(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 's3trail-'));
    fake = await startS3Fake({
      buckets: { [GEN]: GEN_REGION, [INVICTUS]: 'us-east-1', [SNITCH]: 'us-east-1' },
      trails: [
        { Name: 'org-trail', S3BucketName: GEN, IsOrganizationTrail: true, IsMultiRegionTrail: true, HomeRegion: 'us-east-1', TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail' },
        { Name: 'prod', S3BucketName: INVICTUS, S3KeyPrefix: INVICTUS_PREFIX, HomeRegion: 'us-east-1', TrailARN: 'arn:aws:cloudtrail:us-east-1:218007301253:trail/prod', KmsKeyId: 'arn:aws:kms:us-east-1:218007301253:key/k' },
        { Name: 'eu-only', S3BucketName: SNITCH, HomeRegion: 'eu-central-1', TrailARN: 'arn:aws:cloudtrail:eu-central-1:333333333333:trail/eu-only' },
      ],
    });
    // Generated: one account in two regions over three days, an organization with two accounts,
    // a digest, an Insights file, another service's folder and a folder placeholder.
    for (const region of ['us-east-1', 'eu-west-1']) {
      for (const day of DAYS) {
        for (let slot = 0; slot < FILES_PER_DAY; slot++) {
          const f = generatedLogFile(ACCT, region, day, slot, EVENTS_PER_FILE);
          put(GEN, dayKey('AWSLogs/', ACCT, region, day, f.name), f.body, EVENTS_PER_FILE);
        }
      }
    }
    for (const a of ORG_ACCOUNTS) {
      const f = generatedLogFile(a, 'us-east-1', DAYS[0], 0, 3);
      put(GEN, dayKey(`AWSLogs/${ORG}/`, a, 'us-east-1', DAYS[0], f.name), f.body, 3);
    }
    fake.put(GEN, digestKey('AWSLogs/', ACCT, 'us-east-1', DAYS[0], 'org-trail'), digestBody(ACCT));
    const insight = generatedLogFile(ACCT, 'us-east-1', DAYS[0], 7, 2);
    put(GEN, dayKey('AWSLogs/', ACCT, 'us-east-1', DAYS[0], insight.name.replace('_CloudTrail_', '_CloudTrail-Insight_'), 'CloudTrail-Insight'), insight.body, 2);
    fake.put(GEN, `AWSLogs/${ACCT}/Config/us-east-1/2026/11/18/ConfigSnapshot/${ACCT}_Config_us-east-1_ConfigSnapshot_20261118T000000Z.json.gz`, digestBody(ACCT));
    fake.put(GEN, `AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/11/18/`, Buffer.alloc(0));

    invictus = invictusObjects(DATA, `${INVICTUS_PREFIX}/`);
    if (invictus) {
      for (const [k, v] of invictus.objects) fake.put(INVICTUS, k, v);
      // Days around the real one, and a second region, so ranges and region sets mix real and generated logs.
      for (const [region, day] of [
        ['us-east-1', '2023-07-09'],
        ['us-east-1', '2023-07-11'],
        ['eu-west-1', '2023-07-10'],
      ] as const) {
        const f = generatedLogFile(INVICTUS_ACCT, region, day, 1, 6);
        const key = dayKey(`${INVICTUS_PREFIX}/AWSLogs/`, INVICTUS_ACCT, region, day, f.name);
        put(INVICTUS, key, f.body, 6);
        invictusExtra.push(key);
      }
      fake.put(INVICTUS, digestKey(`${INVICTUS_PREFIX}/AWSLogs/`, INVICTUS_ACCT, 'us-east-1', '2023-07-10', 'prod'), digestBody(INVICTUS_ACCT));
    }
    snitch = cloudSnitchObjects(DATA);
    if (snitch) for (const [k, v] of snitch.objects) fake.put(SNITCH, k, v);
  });

  beforeEach(() => {
    account = { id: 'acc-1', provider: 'cloudtrail', label: 'test', endpoint: fake.url, region: 'us-east-1' };
    s = openS3Session(account, KEYS, { maxAttempts: 1 });
    fake.knobs.pageSize = 1000;
    fake.knobs.expired = false;
    fake.knobs.denyList.clear();
    fake.knobs.failKeys.clear();
    fake.knobs.slowKeys.clear();
    fake.knobs.cutKeys.clear();
    fake.knobs.cutTimes.clear();
    fake.knobs.slowMs = 0;
    fake.stats.maxInFlightGets = 0;
    fake.calls.length = 0;
  });

  afterEach(() => s.close());

  after(async () => {
    await fake?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const gen = { bucket: GEN, bucketRegion: GEN_REGION };
  const genSel = (over: Partial<DaySelection> = {}): DaySelection => ({ ...gen, account: ACCT, regions: ['us-east-1'], from: DAYS[0], to: DAYS[0], ...over });
  const lists = () => fake.calls.filter((c) => c.op === 'ListObjectsV2');

  describe('layout browsing', () => {
    it('lists every level with one-key pages, kinds read from the layout', async () => {
      fake.knobs.pageSize = 1;
      const root = await listLevel(s, gen, []);
      assert.deepEqual(
        root.map((c) => [c.name, c.kind, c.prefix]),
        [
          [ACCT, 'account', `AWSLogs/${ACCT}/`],
          [ORG, 'org', `AWSLogs/${ORG}/`],
        ],
      );
      assert.equal(lists().length, 2, 'two one-key pages');
      assert.ok(lists().some((c) => c.query['continuation-token'] !== undefined));

      const regions = await listLevel(s, gen, root[0].path);
      assert.deepEqual(
        regions.map((c) => [c.name, c.kind, c.insights === true, c.prefix]),
        [
          ['eu-west-1', 'region', false, `AWSLogs/${ACCT}/CloudTrail/eu-west-1/`],
          ['us-east-1', 'region', false, `AWSLogs/${ACCT}/CloudTrail/us-east-1/`],
          ['us-east-1', 'region', true, `AWSLogs/${ACCT}/CloudTrail-Insight/us-east-1/`],
        ],
        'digests and other services are not regions',
      );
      const years = await listLevel(s, gen, regions[1].path);
      assert.deepEqual(years.map((c) => [c.name, c.kind]), [['2026', 'year']]);
      const months = await listLevel(s, gen, years[0].path);
      assert.deepEqual(months.map((c) => [c.name, c.kind]), [['11', 'month']]);
      const days = await listLevel(s, gen, months[0].path);
      assert.deepEqual(days.map((c) => [c.name, c.kind, c.prefix]), DAYS.map((d) => [d.slice(8), 'day', `AWSLogs/${ACCT}/CloudTrail/us-east-1/${d.replace(/-/g, '/')}/`]));
      assert.deepEqual(await listLevel(s, gen, days[0].path), []);
      // The 'CloudTrail' segment may be left out of a hand-written path.
      assert.deepEqual(await listLevel(s, gen, [ACCT, 'us-east-1']), years);
    });

    it('lists an organization trail: org → accounts → regions', async () => {
      fake.knobs.pageSize = 1;
      const accounts = await listLevel(s, gen, [ORG]);
      assert.deepEqual(accounts.map((c) => [c.name, c.kind, c.prefix]), ORG_ACCOUNTS.map((a) => [a, 'account', `AWSLogs/${ORG}/${a}/`]));
      const regions = await listLevel(s, gen, accounts[1].path);
      assert.deepEqual(regions.map((c) => [c.name, c.prefix]), [['us-east-1', `AWSLogs/${ORG}/${ORG_ACCOUNTS[1]}/CloudTrail/us-east-1/`]]);
    });

    it('lists the real organization-trail layout (cloud-snitch)', async function () {
      skipWithoutData(this);
      fake.knobs.pageSize = 1;
      const loc = { bucket: SNITCH };
      const root = await listLevel(s, loc, []);
      assert.deepEqual(root.map((c) => [c.name, c.kind]), [
        ['333333333333', 'account'],
        ['o-1234abcde', 'org'],
      ]);
      let level = await listLevel(s, loc, root[1].path);
      assert.deepEqual(level.map((c) => [c.name, c.kind]), [['222222222222', 'account']]);
      for (const [name, kind] of [
        ['us-east-1', 'region'],
        ['2025', 'year'],
        ['03', 'month'],
        ['06', 'day'],
      ]) {
        level = await listLevel(s, loc, level[0].path);
        assert.deepEqual(level.map((c) => [c.name, c.kind]), [[name, kind]]);
      }
      assert.equal(level[0].prefix, 'AWSLogs/o-1234abcde/222222222222/CloudTrail/us-east-1/2025/03/06/');
    });

    it('reads the trail prefix, and rejects paths outside the layout', async function () {
      skipWithoutData(this);
      const loc = { bucket: INVICTUS, prefix: `/${INVICTUS_PREFIX}/` };
      assert.deepEqual((await listLevel(s, loc, [])).map((c) => c.prefix), [`${INVICTUS_PREFIX}/AWSLogs/${INVICTUS_ACCT}/`]);
      await assert.rejects(listLevel(s, loc, ['not-an-account']), (e: ApiError) => e.kind === 'bad-request' && /12-digit/.test(e.message));
      await assert.rejects(listLevel(s, loc, [INVICTUS_ACCT, 'CloudTrail-Digest']), (e: ApiError) => /digest/i.test(e.message));
    });

    it('discovers trails with DescribeTrails (shadow trails in other regions)', async () => {
      const here = await discoverTrails(s, 'us-east-1');
      assert.deepEqual(
        here.map((t) => [t.name, t.bucket, t.prefix, t.isOrganizationTrail, t.homeRegion]),
        [
          ['org-trail', GEN, '', true, 'us-east-1'],
          ['prod', INVICTUS, INVICTUS_PREFIX, false, 'us-east-1'],
        ],
      );
      assert.equal(here[1].kmsKeyId, 'arn:aws:kms:us-east-1:218007301253:key/k');
      const eu = await discoverTrails(s, 'eu-central-1');
      assert.deepEqual(eu.map((t) => t.name), ['org-trail', 'eu-only']);
      assert.equal(fake.calls.filter((c) => c.op === 'DescribeTrails').length, 2);
    });
  });

  describe('estimate', () => {
    const sizeOf = (prefix: string, filter: (k: string) => boolean = () => true) => {
      const objects = [...(fake.buckets.get(GEN)?.objects ?? new Map<string, Buffer>()).entries()].filter(([k]) => k.startsWith(prefix) && !k.endsWith('/') && filter(k));
      return { objects: objects.length, bytes: objects.reduce((n, [, v]) => n + v.length, 0) };
    };

    it('counts a day, a range of days and several regions, paging through tiny pages', async () => {
      fake.knobs.pageSize = 3;
      const day = await estimate(s, genSel(), { maxKeys: 2 });
      const expected = sizeOf(`AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/11/18/`);
      assert.equal(day.objects, FILES_PER_DAY);
      assert.deepEqual({ objects: day.objects, bytes: day.bytes }, expected);
      assert.equal(day.digestsSkipped, 0);

      const range = await estimate(s, genSel({ from: DAYS[0], to: DAYS[2] }));
      assert.equal(range.objects, FILES_PER_DAY * 3);
      assert.equal(range.prefixes.length, 3);
      const regions = await estimate(s, genSel({ from: DAYS[0], to: DAYS[2], regions: ['us-east-1', 'eu-west-1'] }));
      assert.deepEqual({ objects: regions.objects, bytes: regions.bytes }, sizeOf(`AWSLogs/${ACCT}/CloudTrail/`));
      const withInsights = await estimate(s, genSel({ insights: true }));
      assert.equal(withInsights.objects, FILES_PER_DAY + 1);
    });

    it('counts digests and other services under raw prefixes without reading them', async () => {
      const e = await estimate(s, { ...gen, prefixes: [`AWSLogs/${ACCT}/`] });
      assert.equal(e.digestsSkipped, 1);
      assert.equal(e.otherSkipped, 1);
      assert.equal(e.objects, 2 * 3 * FILES_PER_DAY + 1);
      assert.equal(fake.calls.filter((c) => c.op === 'GetObject').length, 0);
    });

    it('lists a whole month as one prefix and checks the days', () => {
      const p = selectionPrefixes({ ...gen, account: ACCT, regions: ['us-east-1'], from: '2026-10-30', to: '2026-12-01' });
      assert.deepEqual(p, [
        `AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/10/30/`,
        `AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/10/31/`,
        `AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/11/`,
        `AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/12/01/`,
      ]);
      assert.deepEqual(selectionPrefixes({ ...gen, prefix: 'x/', org: ORG, account: ACCT, regions: ['eu-west-1'], from: '2024-02-29', to: '2024-02-29' }), [
        `x/AWSLogs/${ORG}/${ACCT}/CloudTrail/eu-west-1/2024/02/29/`,
      ]);
      assert.throws(() => selectionPrefixes(genSel({ from: '2025-02-30' })), /not a date/);
      assert.throws(() => selectionPrefixes(genSel({ from: DAYS[2], to: DAYS[0] })), /after the last day/);
      assert.throws(() => selectionPrefixes(genSel({ regions: [] })), /no region/);
      assert.throws(() => selectionPrefixes(genSel({ account: '12' })), /12-digit/);
    });
  });

  describe('loading', () => {
    it('loads a real day exactly as loading the same files from disk (invictus: 55 files, 2,900 events)', async function () {
      skipWithoutData(this);
      assert.ok(invictus);
      const store = new EventStore();
      const progress: S3LoadProgress[] = [];
      const sel: DaySelection = { bucket: INVICTUS, prefix: INVICTUS_PREFIX, account: INVICTUS_ACCT, regions: ['us-east-1'], from: '2023-07-10', to: '2023-07-10' };
      const report = await loadFromS3(s, sel, store, { onProgress: (p) => progress.push(p) });
      assert.deepEqual(report.errors, []);
      assert.equal(report.files, 55);
      assert.equal(report.events, 2900);
      assert.equal(report.duplicates, 0);
      assert.equal(report.cancelled, false);
      const disk = await fromDisk([path.join(DATA, 'invictus-ir-aws-dataset')]);
      assert.equal(disk.report.files, 55);
      assert.equal(report.bytes, disk.report.bytes, 'the same uncompressed bytes were read');
      assert.deepEqual(rows(store), rows(disk.store));
      assert.equal(store.value(0, 'source'), `s3://${INVICTUS}/${INVICTUS_PREFIX}`);

      // Progress: files and bytes climb to their totals.
      const last = progress[progress.length - 1];
      assert.equal(last.files, 55);
      assert.equal(last.filesTotal, 55);
      assert.equal(last.bytes, last.bytesTotal);
      assert.equal(last.events, 2900);
      assert.equal(report.downloadedBytes, last.bytesTotal);
      for (let i = 1; i < progress.length; i++) {
        assert.ok(progress[i].files >= progress[i - 1].files && progress[i].bytes >= progress[i - 1].bytes, 'progress never goes back');
      }
    });

    it('loads a range of days and several regions (real and generated) like loadFiles', async function () {
      skipWithoutData(this);
      const base: DaySelection = { bucket: INVICTUS, prefix: INVICTUS_PREFIX, account: INVICTUS_ACCT, regions: ['us-east-1'], from: '2023-07-09', to: '2023-07-11' };
      const range = new EventStore();
      const r1 = await loadFromS3(s, base, range, { concurrency: 4 });
      assert.equal(r1.files, 55 + 2);
      assert.equal(r1.events, 2900 + 12);
      const rangeDisk = await fromDisk([path.join(DATA, 'invictus-ir-aws-dataset'), ...invictusExtra.slice(0, 2).map((k) => genDisk.get(`${INVICTUS}/${k}`) as string)]);
      assert.deepEqual(rows(range), rows(rangeDisk.store));

      const regions = new EventStore();
      const r2 = await loadFromS3(s, { ...base, from: '2023-07-10', to: '2023-07-10', regions: ['us-east-1', 'eu-west-1'] }, regions);
      assert.equal(r2.files, 56);
      assert.equal(r2.events, 2906);
      assert.deepEqual(r2.skipped, [], 'digests live in their own folder, outside day selections');
    });

    it('loads the real organization trail and account files (cloud-snitch: 2 files, 21 events) like loadFiles', async function () {
      skipWithoutData(this);
      assert.ok(snitch);
      const org = new EventStore();
      const r = await loadFromS3(s, { bucket: SNITCH, org: 'o-1234abcde', account: '222222222222', regions: ['us-east-1'], from: '2025-03-06', to: '2025-03-06' }, org);
      assert.equal(r.files, 1);
      const all = new EventStore();
      const r2 = await loadFromS3(s, { bucket: SNITCH, prefixes: ['AWSLogs/'] }, all);
      assert.equal(r2.files, 2);
      assert.equal(r2.events + r2.duplicates, 21);
      const disk = await fromDisk([...snitch.sources.values()]);
      assert.equal(disk.report.events, r2.events);
      assert.deepEqual(rows(all), rows(disk.store));
      assert.ok(org.size > 0 && org.size < all.size);
    });

    it('loads generated days in key order whatever order the downloads finish', async () => {
      // Earlier keys are slower, so they finish last.
      const keys = [...(fake.buckets.get(GEN)?.objects.keys() ?? [])].filter((k) => k.startsWith(`AWSLogs/${ACCT}/CloudTrail/us-east-1/`) && !k.endsWith('/')).sort();
      keys.forEach((k, i) => fake.knobs.slowKeys.set(`${GEN}/${k}`, (keys.length - i) * 5));
      const store = new EventStore();
      const report = await loadFromS3(s, genSel({ to: DAYS[2] }), store, { concurrency: 6 });
      assert.equal(report.files, 12);
      assert.equal(report.events, 12 * EVENTS_PER_FILE);
      const disk = await fromDisk(keys.map((k) => genDisk.get(`${GEN}/${k}`) as string));
      const ids = (st: EventStore) => Array.from({ length: st.size }, (_, r) => st.idOf(r));
      assert.deepEqual(ids(store), ids(disk.store), 'same row order as reading the files in key order');
    });

    it('keeps at most `concurrency` GetObjects in flight', async () => {
      fake.knobs.slowMs = 25;
      const report = await loadFromS3(s, genSel({ to: DAYS[2], regions: ['us-east-1', 'eu-west-1'] }), new EventStore(), { concurrency: 3 });
      assert.equal(report.files, 24);
      assert.ok(fake.stats.maxInFlightGets <= 3, `max in flight ${fake.stats.maxInFlightGets}`);
      assert.ok(fake.stats.maxInFlightGets >= 2, `parallel at all: ${fake.stats.maxInFlightGets}`);
      fake.stats.maxInFlightGets = 0;
      await loadFromS3(s, genSel({ to: DAYS[2] }), new EventStore());
      assert.ok(fake.stats.maxInFlightGets <= 6);
    });

    it('skips digests and other services with a reason', async () => {
      const store = new EventStore();
      const report = await loadFromS3(s, { ...gen, prefixes: [`AWSLogs/${ACCT}/`, `AWSLogs/${ACCT}/CloudTrail/`] }, store);
      assert.equal(report.files, 2 * 3 * FILES_PER_DAY + 1, 'overlapping prefixes read each key once');
      const digest = report.skipped.find((x) => /CloudTrail-Digest/.test(x.path));
      assert.ok(digest, JSON.stringify(report.skipped));
      assert.match(digest.path, /^s3:\/\/gen-trail\/AWSLogs\/123456789012\/CloudTrail-Digest\//);
      assert.equal(digest.reason, 'CloudTrail digest file (holds no events)');
      const config = report.skipped.find((x) => /\/Config\//.test(x.path));
      assert.match(config?.reason ?? '', /Config folder of AWSLogs\/ belongs to another service/);
      assert.equal(fake.calls.filter((c) => c.op === 'GetObject' && /Digest|Config/.test(c.key)).length, 0, 'never downloaded');
    });

    it('reports a 403 on one object with its key while the rest load', async () => {
      const sel = genSel();
      const keys = [...(fake.buckets.get(GEN)?.objects.keys() ?? [])].filter((k) => k.startsWith(`AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/11/18/`) && !k.endsWith('/')).sort();
      fake.knobs.failKeys.set(`${GEN}/${keys[1]}`, { status: 403, code: 'AccessDenied', message: 'Access Denied' });
      const store = new EventStore();
      const report = await loadFromS3(s, sel, store);
      assert.equal(report.files, FILES_PER_DAY - 1);
      assert.equal(report.events, (FILES_PER_DAY - 1) * EVENTS_PER_FILE);
      assert.equal(report.errors.length, 1);
      assert.equal(report.errors[0].path, `s3://${GEN}/${keys[1]}`);
      assert.match(report.errors[0].message, /s3:GetObject/);
      assert.match(report.errors[0].message, /kms:Decrypt/);
      assert.equal(report.stoppedBy, undefined);
      noSecrets(report.errors[0].message, 'error');
    });

    it('reports a vanished object (NoSuchKey) and keeps what a cut gzip object holds', async () => {
      const keys = [...(fake.buckets.get(GEN)?.objects.keys() ?? [])].filter((k) => k.startsWith(`AWSLogs/${ACCT}/CloudTrail/eu-west-1/2026/11/19/`)).sort();
      fake.knobs.failKeys.set(`${GEN}/${keys[0]}`, { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' });
      const original = fake.buckets.get(GEN)?.objects.get(keys[2]) as Buffer;
      fake.put(GEN, keys[2], original.subarray(0, Math.floor(original.length * 0.8)));
      try {
        const report = await loadFromS3(s, genSel({ regions: ['eu-west-1'], from: DAYS[1], to: DAYS[1] }), new EventStore());
        const about = (k: string) => report.errors.filter((e) => e.path === `s3://${GEN}/${k}`).map((e) => e.message);
        assert.equal(about(keys[0]).length, 1);
        assert.match(about(keys[0])[0], /no longer exists/);
        assert.ok(about(keys[2]).some((m) => /gzip data is incomplete/.test(m)), JSON.stringify(report.errors));
        assert.equal(report.files, FILES_PER_DAY - 1, 'the cut object is read as far as it goes');
        assert.ok(report.events >= 2 * EVENTS_PER_FILE && report.events < 3 * EVENTS_PER_FILE, `events ${report.events}`);
      } finally {
        fake.put(GEN, keys[2], original);
      }
    });

    it('downloads again when the connection drops mid-object, and reports a key that keeps dropping', async () => {
      const keys = [...(fake.buckets.get(GEN)?.objects.keys() ?? [])].filter((k) => k.startsWith(`AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/11/20/`)).sort();
      fake.knobs.cutKeys.set(`${GEN}/${keys[0]}`, 40);
      fake.knobs.cutTimes.set(`${GEN}/${keys[0]}`, 1);
      fake.knobs.cutKeys.set(`${GEN}/${keys[1]}`, 40);
      const report = await loadFromS3(s, genSel({ from: DAYS[2], to: DAYS[2] }), new EventStore());
      assert.equal(report.files, FILES_PER_DAY - 1);
      assert.equal(report.errors.length, 1);
      assert.equal(report.errors[0].path, `s3://${GEN}/${keys[1]}`);
      assert.equal(fake.calls.filter((c) => c.op === 'GetObject' && c.key === keys[1]).length, 3, 'tried three times');
      assert.equal(report.downloadedBytes, [keys[0], keys[2], keys[3]].reduce((n, k) => n + (fake.buckets.get(GEN)?.objects.get(k)?.length ?? 0), 0));
    });

    it('cancel keeps what was read', async () => {
      fake.knobs.slowMs = 30;
      const ac = new AbortController();
      const store = new EventStore();
      const report = await loadFromS3(s, genSel({ to: DAYS[2], regions: ['us-east-1', 'eu-west-1'] }), store, {
        concurrency: 2,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.files === 3) ac.abort();
        },
      });
      assert.equal(report.cancelled, true);
      assert.ok(report.files >= 3 && report.files < 24, `files ${report.files}`);
      assert.equal(store.size, report.events);
      assert.equal(report.events, report.files * EVENTS_PER_FILE);
      assert.deepEqual(report.errors, [], 'a cancel is not an error');
      await new Promise((r) => setTimeout(r, 100));
      const gets = fake.calls.filter((c) => c.op === 'GetObject').length;
      assert.ok(gets < 24, `stopped downloading (${gets} GetObjects)`);
    });

    it('an already aborted signal reads nothing', async () => {
      const ac = new AbortController();
      ac.abort();
      const store = new EventStore();
      const report = await loadFromS3(s, genSel(), store, { signal: ac.signal });
      assert.equal(report.cancelled, true);
      assert.equal(store.size, 0);
    });
  });

  describe('errors', () => {
    it('AccessDenied on listing names s3:ListBucket on the bucket', async () => {
      fake.knobs.denyList.add(GEN);
      await assert.rejects(estimate(s, genSel()), (e: ApiError) => {
        assert.equal(e.kind, 'forbidden');
        assert.match(e.message, /s3:ListBucket permission on arn:aws:s3:::gen-trail/);
        assert.equal(e.status, 403);
        noSecrets(e.message, 'message');
        return true;
      });
      await assert.rejects(listLevel(s, gen, []), /s3:ListBucket/);
      const report = await loadFromS3(s, genSel(), new EventStore());
      assert.equal(report.stoppedBy?.kind, 'forbidden');
      assert.equal(report.errors.length, 1);
      assert.equal(report.files, 0);
    });

    it('a bucket in another region says which region', async () => {
      await assert.rejects(listLevel(s, { bucket: GEN }, []), (e: ApiError) => {
        assert.equal(e.kind, 'bad-request');
        assert.match(e.message, /The bucket gen-trail is in eu-west-1, not us-east-1: set the region to eu-west-1/);
        return true;
      });
      const report = await loadFromS3(s, { ...genSel(), bucketRegion: undefined }, new EventStore());
      assert.match(report.stoppedBy?.message ?? '', /is in eu-west-1/);
      // The account's region works when it is the bucket's.
      const eu = openS3Session({ ...account, region: 'eu-west-1' }, KEYS);
      try {
        assert.equal((await listLevel(eu, { bucket: GEN }, [])).length, 2);
      } finally {
        eu.close();
      }
    });

    it('expired credentials stop the load with the fix and no secret', async () => {
      fake.knobs.expired = true;
      await assert.rejects(listLevel(s, gen, []), (e: ApiError) => {
        assert.equal(e.kind, 'auth');
        assert.match(e.message, /have expired/);
        assert.match(e.message, /replace the keys/);
        noSecrets(e.message, 'message');
        return true;
      });
      const temp = encodeAwsCredentials({ type: 'keys', accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET, sessionToken: 'IQoJb3JpZ2luX2VjEJr//token=' });
      const ts = openS3Session(account, temp);
      try {
        await assert.rejects(discoverTrails(ts), (e: ApiError) => e.kind === 'auth' && /new session token/.test(e.message) && !e.message.includes('IQoJb3JpZ2luX2VjEJr'));
      } finally {
        ts.close();
      }
    });

    it('a wrong secret, an unknown bucket: clear messages without secrets', async () => {
      const bad = openS3Session(account, encodeAwsCredentials({ type: 'keys', accessKeyId: S3_KEY_ID, secretAccessKey: WRONG_SECRET }), { maxAttempts: 1 });
      try {
        await assert.rejects(estimate(bad, genSel()), (e: ApiError) => {
          assert.equal(e.kind, 'auth');
          assert.match(e.message, /SignatureDoesNotMatch/);
          assert.match(e.message, new RegExp(`access key ${S3_KEY_ID}`));
          noSecrets(e.message + e.url, 'message');
          return true;
        });
      } finally {
        bad.close();
      }
      await assert.rejects(listLevel(s, { bucket: 'no-such-bucket' }, []), (e: ApiError) => e.kind === 'not-found' && /bucket no-such-bucket does not exist/.test(e.message));
      await assert.rejects(estimate(s, { bucket: 's3://x/y', prefixes: ['a'] }), /bucket name alone/);
    });

    it('takes the endpoint from the account unless it is a CloudTrail one; an option wins', () => {
      const a = openS3Session({ ...account, endpoint: 'https://cloudtrail.us-east-1.amazonaws.com' }, KEYS);
      const b = openS3Session(account, KEYS, { endpoint: 'http://127.0.0.1:1' });
      assert.equal(a.endpoint, undefined);
      assert.equal(a.url('eu-west-1'), 'https://s3.eu-west-1.amazonaws.com');
      assert.equal(b.endpoint, 'http://127.0.0.1:1');
      a.close();
      b.close();
    });
  });
});
