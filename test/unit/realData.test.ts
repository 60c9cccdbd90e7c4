/**
 * The loader against every real CloudTrail set in ../shared/data/cloudtrail (see its README for the
 * numbers asserted here): each set alone, on this thread and on worker threads, and all sets at once.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EventStore } from '../../src/core/store';
import { LoadReport, loadFiles } from '../../src/providers/logFiles/files';
import { hintsFromPath } from '../../src/providers/logFiles/normalize';
import { walkFiles } from '../support/files';

// Compiled to out/test/unit/, so four levels up is /work, next to the project checkout.
const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');

function skipWithoutData(ctx: Mocha.Context): void {
  if (!existsSync(DATA)) {
    console.warn(`\n!!! SKIPPING real-data tests: ../shared/data not found (looked for ${DATA}) !!!\n`);
    ctx.skip();
  }
}

interface Expected {
  files: number;
  /** Records the README counts, i.e. events + duplicates after loading. */
  records: number;
  duplicates: number;
  /** Distinct eventNames. */
  actions: number;
}

/** The README's table. zmallen: 12 records + the 3 in its malformed file (which hold 3 more eventNames). */
const SETS: Readonly<Record<string, Expected>> = {
  'invictus-ir-aws-dataset': { files: 55, records: 2900, duplicates: 0, actions: 260 },
  'stratus-red-team-detonation-logs': { files: 35, records: 310, duplicates: 0, actions: 54 },
  'plaso-aws-cloudtrail-jsonl': { files: 1, records: 6, duplicates: 0, actions: 6 },
  'cloud-snitch-org-trail': { files: 2, records: 21, duplicates: 0, actions: 6 },
  'trailscraper-fixtures': { files: 3, records: 7, duplicates: 4, actions: 3 },
  traildiscover: { files: 336, records: 315, duplicates: 1, actions: 305 },
  'otrf-security-datasets-aws': { files: 2, records: 404, duplicates: 0, actions: 28 },
  'zmallen-cloudtrail2sightings': { files: 4, records: 12 + 3, duplicates: 0, actions: 3 + 3 },
};

const ZMALLEN_BAD = 'zmallen-cloudtrail2sightings/cloudtrail/aws.execution.ec2-user-data.json';
const PLASO = 'plaso-aws-cloudtrail-jsonl/test_data/jsonl/aws_cloudtrail.jsonl';
const OTRF_CSV = 'otrf-security-datasets-aws/datasets/atomic/aws/discovery/AWS_S3_HoneyBucketLogs.csv';
const ORG_TRAIL_DIR =
  'cloud-snitch-org-trail/backend/report/testdata/aws-cloudtrail-logs/AWSLogs/o-1234abcde/222222222222/CloudTrail/us-east-1/2025/03/06';

interface Loaded {
  store: EventStore;
  report: LoadReport;
}

async function load(paths: string[], workers: number): Promise<Loaded> {
  const store = new EventStore();
  const report = await loadFiles(paths, store, { workers });
  return { store, report };
}

/** Everything a load produced, in store order, for comparing two loads. */
function snapshot({ store, report }: Loaded): unknown {
  const rows: string[][] = [];
  for (let r = 0; r < store.size; r++) {
    rows.push([
      store.value(r, 'id'),
      String(store.time[r]),
      store.value(r, 'action'),
      store.value(r, 'account'),
      store.value(r, 'region'),
      store.value(r, 'actor'),
      store.value(r, 'source'),
      store.rawText(r),
    ]);
  }
  const { files, events, duplicates, skipped, errors, bytes, cancelled } = report;
  return { files, events, duplicates, skipped, errors, bytes, cancelled, rows };
}

function distinctActions(store: EventStore): number {
  return store.query('').facets(['action'], 100000).action.length;
}


describe('real CloudTrail data: every set in ../shared/data/cloudtrail', function () {
  this.timeout(60000);

  before(function () {
    skipWithoutData(this);
  });

  it('has exactly the sets this suite knows the numbers of', function () {
    const dirs = readdirSync(DATA).filter((n) => statSync(path.join(DATA, n)).isDirectory()).sort();
    assert.deepEqual(dirs, Object.keys(SETS).sort());
  });

  for (const [set, want] of Object.entries(SETS)) {
    describe(set, function () {
      const loads: Loaded[] = [];

      before(async function () {
        skipWithoutData(this);
        const dir = path.join(DATA, set);
        loads.push(await load([dir], 0), await load([dir], 2));
      });

      it('loads identically on this thread and on 2 worker threads', function () {
        assert.deepEqual(snapshot(loads[1]), snapshot(loads[0]));
      });

      it(`reads ${want.files} files and ${want.records} records (events + duplicates), ${want.duplicates} duplicates`, function () {
        for (const { store, report } of loads) {
          assert.equal(report.files, want.files, 'files');
          assert.equal(report.duplicates, want.duplicates, 'duplicates');
          assert.equal(report.events + report.duplicates, want.records, 'events + duplicates');
          assert.equal(store.size, report.events, 'store size');
          assert.equal(report.cancelled, false);
          assert.ok(report.bytes > 0);
        }
      });

      it(`finds ${want.actions} distinct eventNames`, function () {
        for (const { store } of loads) assert.equal(distinctActions(store), want.actions);
      });

      it('skips LICENSE and SOURCE.txt, each with a reason, and nothing else', function () {
        for (const { report } of loads) {
          assert.deepEqual(report.skipped.map((s) => path.relative(path.join(DATA, set), s.path)).sort(), ['LICENSE', 'SOURCE.txt']);
          for (const s of report.skipped) assert.match(s.reason, /\S{3,}/);
        }
      });

      it(set.startsWith('zmallen') ? 'reports errors only for the malformed file, with its position' : 'reports no errors', function () {
        for (const { report } of loads) {
          if (!set.startsWith('zmallen')) {
            assert.deepEqual(report.errors, []);
            continue;
          }
          assert.ok(report.errors.length >= 1);
          for (const e of report.errors) {
            assert.equal(e.path, path.join(DATA, ZMALLEN_BAD));
            assert.ok(e.position, 'an error in a file has a position');
            assert.ok(e.message.length > 0);
          }
          const first = report.errors[0];
          assert.equal(first.position?.line, 112);
          assert.match(first.message, /,|comma/);
        }
      });

      it('gives every event an id and an action, and every timed event a real time', function () {
        const { store } = loads[0];
        for (let r = 0; r < store.size; r++) {
          assert.notEqual(store.value(r, 'action'), '', `row ${r} has an action`);
          const t = store.time[r];
          if (!Number.isNaN(t)) assert.ok(t > Date.UTC(2010, 0, 1) && t < Date.UTC(2030, 0, 1), `row ${r} time ${t}`);
        }
      });
    });
  }

  describe('zmallen-cloudtrail2sightings', function () {
    it('its three well-formed files hold the README numbers: 12 records, 3 eventNames, no errors', async function () {
      const good = walkFiles(path.join(DATA, 'zmallen-cloudtrail2sightings/cloudtrail')).filter((p) => !p.endsWith(ZMALLEN_BAD));
      assert.equal(good.length, 3);
      const { store, report } = await load(good, 0);
      assert.equal(report.files, 3);
      assert.equal(report.events, 12);
      assert.deepEqual(report.errors, []);
      assert.equal(distinctActions(store), 3);
    });

    it('keeps the 3 records of the malformed file (missing commas) and reports it with its position', async function () {
      const file = path.join(DATA, ZMALLEN_BAD);
      const { store, report } = await load([file], 0);
      const text = readFileSync(file, 'utf8');
      const names = [...text.matchAll(/"eventName":\s*"([^"]+)"/g)].map((m) => m[1]);
      assert.equal(names.length, 3);
      assert.equal(report.events, 3);
      assert.deepEqual(
        store.query('').rows(0, 10, ['action']).map((r) => r.action).sort(),
        [...names].sort(),
      );
      assert.ok(report.errors.some((e) => e.path === file && e.position?.line === 112));
      // The published file lacks a comma before line 112: the error points where the '{' stands.
      assert.equal(text.split('\n')[111].trim(), '{');
    });
  });

  describe('cloud-snitch-org-trail (S3 key layout, organization trail)', function () {
    it('reads the account and region out of an organization trail S3 key', function () {
      const dir = path.join(DATA, ORG_TRAIL_DIR);
      const [file] = readdirSync(dir);
      assert.deepEqual(hintsFromPath(path.join(dir, file)), { account: '222222222222', region: 'us-east-1' });
      assert.deepEqual(hintsFromPath('AWSLogs/333333333333/CloudTrail/eu-west-1/2025/03/06/x.json.gz'), {
        account: '333333333333',
        region: 'eu-west-1',
      });
      assert.deepEqual(hintsFromPath('C:\\logs\\AWSLogs\\o-abc123\\444455556666\\CloudTrail\\ap-south-1\\2025\\x.json.gz'), {
        account: '444455556666',
        region: 'ap-south-1',
      });
    });

    it('gives each file its own account', async function () {
      const { store } = await load([path.join(DATA, 'cloud-snitch-org-trail')], 0);
      const accounts = store.query('').facets(['account'], 10).account;
      assert.deepEqual(accounts, [
        { value: '222222222222', count: 20 },
        { value: '333333333333', count: 1 },
      ]);
    });

    it('fills account and region from the org-trail key when the records do not carry them', async function () {
      const dir = path.join(DATA, ORG_TRAIL_DIR);
      const [file] = readdirSync(dir);
      const doc = JSON.parse(gunzipSync(readFileSync(path.join(dir, file))).toString('utf8')) as { Records: Array<Record<string, unknown>> };
      for (const r of doc.Records) {
        delete r.recipientAccountId;
        delete r.awsRegion;
        const ui = r.userIdentity as Record<string, unknown> | undefined;
        if (ui) delete ui.accountId;
      }
      const tmp = mkdtempSync(path.join(tmpdir(), 'ale-orgtrail-'));
      try {
        const keyDir = path.join(tmp, 'AWSLogs/o-1234abcde/222222222222/CloudTrail/eu-west-3/2025/03/06');
        mkdirSync(keyDir, { recursive: true });
        writeFileSync(path.join(keyDir, file), gzipSync(JSON.stringify(doc)));
        const { store, report } = await load([tmp], 0);
        assert.deepEqual(report.errors, []);
        assert.equal(report.events, doc.Records.length);
        const view = store.query('');
        assert.deepEqual(view.facets(['account', 'region'], 10), {
          account: [{ value: '222222222222', count: doc.Records.length }],
          region: [{ value: 'eu-west-3', count: doc.Records.length }],
        });
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });

  describe('plaso-aws-cloudtrail-jsonl (lookup-events output)', function () {
    interface Outer {
      EventId: string;
      EventName: string;
      EventTime: string;
      CloudTrailEvent: string;
    }
    let outers: Outer[] = [];
    let loaded: Loaded;

    before(async function () {
      skipWithoutData(this);
      const file = path.join(DATA, PLASO);
      outers = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Outer);
      loaded = await load([file], 0);
    });

    it('loads the 6 events with no errors', function () {
      assert.equal(outers.length, 6);
      assert.equal(loaded.report.events, 6);
      assert.deepEqual(loaded.report.errors, []);
    });

    it('keeps as raw the inner CloudTrailEvent JSON, exactly as the string held it', function () {
      const { store } = loaded;
      const byId = new Map(outers.map((o) => [o.EventId, o]));
      for (let r = 0; r < store.size; r++) {
        const outer = byId.get(store.value(r, 'id'));
        assert.ok(outer, `row ${r} has an EventId of the file`);
        assert.equal(store.rawText(r), outer.CloudTrailEvent);
        assert.deepEqual(store.raw(r), JSON.parse(outer.CloudTrailEvent));
      }
    });

    it('takes time from the inner eventTime, not from the outer EventTime with its +11:00 offset', function () {
      const { store } = loaded;
      const byId = new Map(outers.map((o) => [o.EventId, o]));
      for (let r = 0; r < store.size; r++) {
        const outer = byId.get(store.value(r, 'id')) as Outer;
        const inner = JSON.parse(outer.CloudTrailEvent) as { eventTime: string; eventName: string; awsRegion: string };
        assert.match(outer.EventTime, /\+11:00$/);
        assert.equal(store.time[r], Date.parse(inner.eventTime));
        // Reading the outer local time as if it were UTC would be 11 hours off.
        assert.notEqual(store.time[r], Date.parse(outer.EventTime.slice(0, 19).replace(' ', 'T') + 'Z'));
        assert.equal(store.value(r, 'action'), inner.eventName);
        assert.equal(store.value(r, 'region'), 'ap-southeast-2');
      }
      assert.equal(store.query('eventType:AwsServiceEvent').rows(0, 10, ['action'])[0]?.action, 'SharedSnapshotVolumeCreated');
    });

    it('still uses the inner eventTime when the outer EventTime disagrees with it', async function () {
      const tmp = mkdtempSync(path.join(tmpdir(), 'ale-plaso-'));
      try {
        const lines = outers.map((o) => JSON.stringify({ ...o, EventTime: '2030-01-01 00:00:00+11:00', EventName: 'Nonsense' }));
        const file = path.join(tmp, 'lookup.jsonl');
        writeFileSync(file, lines.join('\n') + '\n');
        const { store, report } = await load([file], 0);
        assert.equal(report.events, 6);
        const want = outers.map((o) => Date.parse((JSON.parse(o.CloudTrailEvent) as { eventTime: string }).eventTime)).sort();
        assert.deepEqual(Array.from(store.time.subarray(0, store.size)).sort(), want);
        assert.equal(store.query('eventName:Nonsense').count, 0);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });

  describe('invictus-ir-aws-dataset (minified Records files)', function () {
    it('keeps each event as the exact bytes it has in its file', async function () {
      const files = walkFiles(path.join(DATA, 'invictus-ir-aws-dataset')).filter((p) => p.endsWith('.json'));
      assert.equal(files.length, 55);
      let checked = 0;
      for (const file of files) {
        const bytes = readFileSync(file);
        const { store, report } = await load([file], 0);
        assert.deepEqual(report.errors, [], file);
        const raws: Buffer[] = [];
        for (let r = 0; r < store.size; r++) raws.push(Buffer.from(store.rawBytes(r)));
        // A minified log file is exactly {"Records":[ r1,r2,… ]} (plus a final newline).
        const rebuilt = Buffer.concat([Buffer.from('{"Records":['), ...raws.flatMap((b, i) => (i === 0 ? [b] : [Buffer.from(','), b])), Buffer.from(']}')]);
        assert.equal(bytes.toString('latin1').trimEnd(), rebuilt.toString('latin1'), file);
        // And independently of any splitting: each record re-serialised is byte-for-byte its raw (where
        // JSON.stringify reproduces the file, which holds for most of these files).
        const doc = JSON.parse(bytes.toString('utf8')) as { Records: unknown[] };
        if (JSON.stringify(doc) === bytes.toString('utf8').trimEnd()) {
          assert.deepEqual(
            raws.map((b) => b.toString('utf8')),
            doc.Records.map((rec) => JSON.stringify(rec)),
          );
          checked++;
        }
      }
      assert.ok(checked >= 50, `checked ${checked} files record by record`);
    });
  });

  describe('otrf-security-datasets-aws', function () {
    it('reads the honey-bucket CSV as 301 events', async function () {
      const { store, report } = await load([path.join(DATA, OTRF_CSV)], 0);
      assert.equal(report.files, 1);
      assert.equal(report.events, 301);
      assert.deepEqual(report.errors, []);
      // "mostly HeadBucket/ListObjects from anonymous principals"
      const actions = new Map(store.query('').facets(['action'], 100).action.map((a) => [a.value, a.count]));
      assert.ok((actions.get('HeadBucket') ?? 0) + (actions.get('ListObjects') ?? 0) > 301 / 2, JSON.stringify([...actions]));
      assert.ok(store.query('account:ANONYMOUS_PRINCIPAL').count > 301 / 2);
      for (let r = 0; r < store.size; r++) assert.ok(Number.isFinite(store.time[r]), `CSV row ${r} has a time`);
    });

    it('reads the JSON Lines file (with Logstash @version fields) as 103 events', async function () {
      const file = walkFiles(path.join(DATA, 'otrf-security-datasets-aws')).find((p) => p.includes('ec2_proxy_s3_exfiltration'));
      assert.ok(file);
      const { report } = await load([file], 0);
      assert.equal(report.events, 103);
      assert.deepEqual(report.errors, []);
    });
  });

  describe('the whole data folder at once', function () {
    const loads: Loaded[] = [];

    before(async function () {
      skipWithoutData(this);
      loads.push(await load([DATA], 0), await load([DATA], 2));
    });

    it('gives the sum of the sets', function () {
      const sum = Object.values(SETS).reduce(
        (s, e) => ({ files: s.files + e.files, records: s.records + e.records, duplicates: s.duplicates + e.duplicates }),
        { files: 0, records: 0, duplicates: 0 },
      );
      for (const { store, report } of loads) {
        assert.equal(report.files, sum.files);
        assert.equal(report.files, 438);
        assert.equal(report.duplicates, sum.duplicates);
        assert.equal(report.events + report.duplicates, sum.records);
        assert.equal(report.events, 3975 + 3 - 5);
        assert.equal(store.size, report.events);
        // README.md at the top, plus LICENSE and SOURCE.txt of each set.
        assert.equal(report.skipped.length, 1 + 2 * Object.keys(SETS).length);
        assert.ok(report.skipped.some((s) => s.path === path.join(DATA, 'README.md')));
        assert.ok(report.errors.length >= 1);
        for (const e of report.errors) assert.equal(e.path, path.join(DATA, ZMALLEN_BAD));
      }
    });

    it('loads identically on this thread and on 2 worker threads', function () {
      assert.deepEqual(snapshot(loads[1]), snapshot(loads[0]));
    });

    it('labels each event with the folder it was loaded from', function () {
      const { store } = loads[0];
      assert.deepEqual(store.query('').facets(['source'], 10).source, [{ value: 'cloudtrail', count: store.size }]);
    });
  });
});
