/**
 * The sample generator: same seed, same bytes; the S3 layout and record shape of real CloudTrail
 * deliveries; the story, the hostile strings and the edge-case files it promises; and a written
 * tree that the project's own loader reads with no errors outside edge-cases/.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { constants as zc, gunzipSync } from 'node:zlib';
import { generate, generateSampleFiles, SampleFile, writeSamples } from '../../src/samples/generator';
import { Rng } from '../../src/samples/prng';
import { HOSTILE_STRINGS, LONG_STRING } from '../../src/samples/hostile';
import { EDGE_FILES } from '../../src/samples/edgeCases';
import { ATTACKER_IP } from '../../src/samples/story';
import { chainOf } from '../../src/core/sessionChains';
import { EventStore } from '../../src/core/store';
import { loadFiles } from '../../src/providers/logFiles/files';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import { PROD, STAGING } from '../../src/samples/world';

type Obj = { [k: string]: unknown };

const SMALL = { days: 4, eventsPerDay: 250 };
const LOG = /^AWSLogs\/(?:o-a1b2c3d4e5\/)?(\d{12})\/(CloudTrail|CloudTrail-Insight)\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_\2_\3_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$/;
const DIGEST = /^AWSLogs\/(?:o-a1b2c3d4e5\/)?(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail-Digest_\2_([A-Za-z0-9-]+)_us-east-1_(\d{8}T\d{6}Z)\.json\.gz$/;
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
const GOLDEN = '6f32d4221db00451262d36e4464f98baf56345b038cd65022e6654180822a7e7';
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function json(data: Buffer): Obj {
  return JSON.parse(data.toString('utf8')) as Obj;
}

function recordsOf(f: SampleFile): Obj[] {
  return json(gunzipSync(f.data)).Records as Obj[];
}

describe('sample generator', function () {
  this.timeout(60_000);
  let files: SampleFile[];
  let logs: SampleFile[];
  let all: Obj[];

  before(() => {
    files = generateSampleFiles(SMALL);
    logs = files.filter((f) => LOG.test(f.path));
    all = logs.flatMap(recordsOf);
  });

  describe('determinism', () => {
    it('gives identical bytes for every file with the same seed', () => {
      const again = generateSampleFiles(SMALL);
      assert.equal(again.length, files.length);
      for (let i = 0; i < files.length; i++) {
        assert.equal(again[i].path, files[i].path);
        assert.ok(again[i].data.equals(files[i].data), `bytes differ: ${files[i].path}`);
      }
    });

    it('differs with another seed', () => {
      const other = generateSampleFiles({ ...SMALL, seed: 7 });
      const paths = new Set(files.map((f) => f.path));
      assert.ok(other.some((f) => !paths.has(f.path)), 'another seed gives other random file names');
      const a = recordsOf(logs[0]);
      const b = recordsOf(other.filter((f) => LOG.test(f.path))[0]);
      assert.notDeepEqual(a, b);
    });

    it('draws the same sequence from the same seed and uniform-looking values', () => {
      const a = new Rng(42);
      const b = new Rng(42);
      const xs = Array.from({ length: 1000 }, () => a.float());
      assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.float()));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      assert.ok(mean > 0.45 && mean < 0.55, `mean ${mean}`);
      assert.ok(xs.every((x) => x >= 0 && x < 1));
      assert.match(a.uuid(), UUID4);
    });

    it('matches the recorded content for a tiny run (same on every machine)', () => {
      // Pins the uncompressed content, so a platform- or locale-dependent step shows up here. The
      // compressed bytes are not pinned: they depend on the zlib build. After a deliberate change
      // to the generator, replace the hash with the one this test prints.
      const h = createHash('sha256');
      for (const f of generateSampleFiles({ days: 1, eventsPerDay: 50 })) {
        h.update(f.path + '\n');
        h.update(f.path.endsWith('.gz') && f.path !== EDGE_FILES.truncated ? gunzipSync(f.data) : f.data);
      }
      assert.equal(h.digest('hex'), GOLDEN);
    });

    it('rejects bad options', () => {
      assert.throws(() => generateSampleFiles({ days: 0 }), /days/);
      assert.throws(() => generateSampleFiles({ start: '2026-13-01' }), /start/);
      assert.throws(() => generateSampleFiles({ seed: 1.5 }), /seed/);
    });
  });

  describe('S3 layout', () => {
    it('puts every file at a CloudTrail key, a digest key or in edge-cases/', () => {
      for (const f of files) {
        assert.ok(LOG.test(f.path) || DIGEST.test(f.path) || f.path.startsWith('edge-cases/'), f.path);
        assert.ok(!f.path.includes('\\') && !f.path.startsWith('/'), f.path);
      }
    });

    it('has all three accounts in three regions, the org-trail subtree and Insights', () => {
      const seen = new Set(logs.map((f) => `${LOG.exec(f.path)?.[1]}/${LOG.exec(f.path)?.[3]}`));
      for (const a of ACCOUNTS) for (const r of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) assert.ok(seen.has(`${a}/${r}`), `${a}/${r}`);
      assert.ok(logs.some((f) => f.path.startsWith('AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/')));
      assert.ok(logs.some((f) => f.path.startsWith('AWSLogs/111122223333/CloudTrail/')));
      assert.ok(logs.some((f) => f.path.includes('/CloudTrail-Insight/')));
    });

    it('names each file by a time on its path date, 5-15 minutes apart per stream', () => {
      const stamps = new Map<string, number[]>();
      for (const f of logs) {
        const m = LOG.exec(f.path);
        assert.ok(m);
        assert.equal(m[7].slice(0, 8), `${m[4]}${m[5]}${m[6]}`, f.path);
        const key = `${m[1]}/${m[2]}/${m[3]}`;
        const t = Date.UTC(+m[4], +m[5] - 1, +m[6], +m[7].slice(9, 11), +m[7].slice(11, 13));
        stamps.set(key, [...(stamps.get(key) ?? []), t]);
      }
      for (const [key, ts] of stamps) {
        if (key.includes('Insight')) continue;
        ts.sort((a, b) => a - b);
        for (let i = 1; i < ts.length; i++) {
          const gap = ts[i] - ts[i - 1];
          assert.ok(gap === 0 || gap >= 5 * 60_000, `${key}: files ${gap / 60_000} min apart`);
          assert.equal(ts[i] % (5 * 60_000), 0);
        }
      }
    });

    it('writes minified {"Records":[…]} with eventVersion as the first key', () => {
      for (const f of logs.slice(0, 50)) {
        const text = gunzipSync(f.data).toString('utf8');
        assert.ok(text.startsWith('{"Records":[{"eventVersion":"1.'), f.path);
        assert.ok(!text.includes('\n'));
      }
    });

    it('decompresses every .gz except the deliberately truncated one', () => {
      for (const f of files.filter((x) => x.path.endsWith('.gz'))) {
        if (f.path === EDGE_FILES.truncated) assert.throws(() => gunzipSync(f.data), /unexpected end of file/);
        else assert.doesNotThrow(() => gunzipSync(f.data), f.path);
      }
    });

    it('writes digests with the real keys, real hashes and a hash chain', () => {
      const digests = files.filter((f) => DIGEST.test(f.path));
      assert.ok(digests.length >= 9 * 24 * SMALL.days);
      const byPath = new Map(files.map((f) => [f.path, f]));
      let listed = 0;
      for (const f of digests) {
        const d = json(gunzipSync(f.data));
        assert.deepEqual(Object.keys(d).slice(0, 5), ['awsAccountId', 'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object']);
        for (const k of ['digestPublicKeyFingerprint', 'digestSignatureAlgorithm', 'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'logFiles']) {
          assert.ok(k in d, `${k} in ${f.path}`);
        }
        assert.equal(d.digestS3Object, f.path);
        assert.equal(Date.parse(String(d.digestEndTime)) - Date.parse(String(d.digestStartTime)), 3_600_000);
        for (const l of d.logFiles as Obj[]) {
          const log = byPath.get(String(l.s3Object));
          assert.ok(log, `digest lists a missing file ${String(l.s3Object)}`);
          assert.equal(l.hashValue, createHash('sha256').update(gunzipSync(log.data)).digest('hex'));
          listed++;
        }
        if (d.previousDigestS3Object !== null) {
          const prev = byPath.get(String(d.previousDigestS3Object));
          assert.ok(prev, 'previous digest exists');
          assert.equal(d.previousDigestHashValue, createHash('sha256').update(gunzipSync(prev.data)).digest('hex'));
        }
      }
      assert.ok(listed > logs.length * 0.9, `${listed} of ${logs.length} log files are in a digest`);
    });
  });

  describe('records', () => {
    it('carry the core fields, with eventTime inside the day of their file', () => {
      for (const f of logs) {
        const m = LOG.exec(f.path);
        assert.ok(m);
        const day = `${m[4]}-${m[5]}-${m[6]}`;
        for (const r of recordsOf(f)) {
          const insight = r.eventCategory === 'Insight';
          for (const k of ['eventVersion', 'eventTime', 'eventID', 'awsRegion', ...(insight ? ['insightDetails'] : ['eventName', 'eventSource'])]) {
            assert.ok(r[k] !== undefined && r[k] !== null && r[k] !== '', `${k} missing in ${f.path}`);
          }
          if (insight) {
            const d = r.insightDetails as Obj;
            assert.ok(d.eventName && d.eventSource);
          }
          assert.equal(Object.keys(r)[0], 'eventVersion');
          assert.match(String(r.eventVersion), /^1\.(0[89]|1[01])$/);
          assert.match(String(r.eventTime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
          assert.equal(String(r.eventTime).slice(0, 10), day, f.path);
          assert.equal(r.awsRegion, m[3]);
          assert.equal(r.recipientAccountId, m[1]);
        }
      }
    });

    it('have unique lower-case UUIDv4 eventIDs in the main tree', () => {
      const ids = new Set<string>();
      for (const r of all) {
        assert.match(String(r.eventID), UUID4);
        assert.ok(!ids.has(String(r.eventID)), `duplicate ${String(r.eventID)}`);
        ids.add(String(r.eventID));
      }
    });

    it('cover many services, event names and every identity type', () => {
      const names = new Set(all.map((r) => r.eventName));
      const sources = new Set(all.map((r) => r.eventSource));
      assert.ok(names.size >= 100, `${names.size} event names`);
      assert.ok(sources.size >= 20, `${sources.size} services`);
      const types = new Set(all.map((r) => (r.userIdentity as Obj | undefined)?.type));
      for (const t of ['IAMUser', 'AssumedRole', 'Root', 'AWSService', 'FederatedUser']) assert.ok(types.has(t), t);
      const assumed = all.find((r) => (r.userIdentity as Obj | undefined)?.type === 'AssumedRole');
      assert.ok(((assumed?.userIdentity as Obj).sessionContext as Obj).sessionIssuer);
      const service = all.find((r) => (r.userIdentity as Obj | undefined)?.type === 'AWSService');
      assert.match(String((service?.userIdentity as Obj).invokedBy), /\.amazonaws\.com$/);
      assert.ok(all.some((r) => r.eventCategory === 'Data' && r.managementEvent === false));
      assert.ok(all.some((r) => Array.isArray(r.resources)));
      assert.ok(all.some((r) => r.readOnly === true) && all.some((r) => r.readOnly === false));
      for (const ip of ['192.0.2.', '198.51.100.', '203.0.113.']) assert.ok(all.some((r) => String(r.sourceIPAddress).startsWith(ip)), ip);
      for (const ua of [/^aws-cli\//, /^Boto3\//, /Terraform\//, /S3Console|console\.ec2|AWS Internal|Mozilla/]) assert.ok(all.some((r) => ua.test(String(r.userAgent))), String(ua));
    });

    it('fail about one call in twenty, with the promised error codes', () => {
      // The scripted episodes fail on purpose; the rate is about the everyday traffic.
      const scripted = (r: Obj): boolean => r.sourceIPAddress === ATTACKER_IP || String((r.userIdentity as Obj | undefined)?.arn).includes('load-test-runner');
      const everyday = all.filter((r) => !scripted(r));
      const failed = all.filter((r) => r.errorCode !== undefined);
      const rate = everyday.filter((r) => r.errorCode !== undefined).length / everyday.length;
      assert.ok(rate > 0.03 && rate < 0.09, `error rate ${rate}`);
      const codes = new Set(failed.map((r) => String(r.errorCode)));
      for (const c of ['AccessDenied', 'Client.UnauthorizedOperation', 'NoSuchBucket', 'ThrottlingException']) assert.ok(codes.has(c), c);
      assert.ok(failed.every((r) => typeof r.errorMessage === 'string' && r.errorMessage.length > 0));
      const logins = all.filter((r) => r.eventName === 'ConsoleLogin');
      assert.ok(logins.some((r) => (r.responseElements as Obj).ConsoleLogin === 'Failure'));
      assert.ok(logins.some((r) => (r.responseElements as Obj).ConsoleLogin === 'Success'));
    });

    it('has one Insights start/end pair', () => {
      const ins = all.filter((r) => r.eventCategory === 'Insight');
      assert.deepEqual(ins.map((r) => (r.insightDetails as Obj).state).sort(), ['End', 'Start']);
      assert.equal(ins[0].sharedEventID, ins[1].sharedEventID);
    });

    it('has a working-hours rhythm', () => {
      const hours = new Array<number>(24).fill(0);
      for (const r of all) hours[Number(String(r.eventTime).slice(11, 13))]++;
      const day = hours.slice(9, 17).reduce((a, b) => a + b, 0) / 8;
      const night = hours.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
      assert.ok(day > night * 2.5, `day ${day}/h, night ${night}/h`);
    });
  });

  describe('story and hostile strings', () => {
    it('tells the incident from one unusual IP with one access key', () => {
      const mine = all.filter((r) => r.sourceIPAddress === ATTACKER_IP);
      const names = mine.map((r) => String(r.eventName));
      for (const n of ['GetCallerIdentity', 'ListBuckets', 'GetObject', 'CreateAccessKey', 'StopLogging', 'DeleteTrail', 'PutBucketPolicy']) assert.ok(names.includes(n), n);
      assert.ok(names.filter((n) => n === 'GetObject').length >= 40);
      assert.ok(mine.some((r) => r.errorCode === 'AccessDenied'));
      assert.ok(mine.some((r) => r.eventName === 'StopLogging' && r.errorCode === undefined));
      const keys = new Set(mine.map((r) => (r.userIdentity as Obj).accessKeyId));
      assert.equal(keys.size, 2, 'the stolen key, then the key it created');
      assert.ok(!all.some((r) => r.sourceIPAddress === ATTACKER_IP && !String(r.userAgent).includes('kali')));
      const days = new Set(mine.map((r) => String(r.eventTime).slice(0, 10)));
      assert.equal(days.size, 1);
    });

    it('traces every key used from the attacker IP to bob, through Identity Center and a cross-account role (issue 15)', () => {
      const r = readLogBuffer('all.json', Buffer.from(JSON.stringify({ Records: all })), 'samples');
      assert.ok(r.batch);
      const store = new EventStore();
      store.appendBatch(r.batch);
      const mine = store.query(`sourceIp:${ATTACKER_IP}`);
      assert.ok(mine.count > 60);
      assert.equal(store.query(`sourceIp:${ATTACKER_IP} -origin:"bob@example.com (SSO)"`).count, 0, 'every event from that IP traces back to bob');
      assert.equal(store.query(`sourceIp:${ATTACKER_IP} principal:ci-deploy`).count, mine.count, 'though each names the CI user');
      const last = mine.order[mine.order.length - 1];
      assert.deepEqual(
        chainOf(store, last).steps.map((s) => s.label),
        ['bob@example.com (SSO)', `PowerUserAccess in ${STAGING}`, `AssumeRole ReleaseManagerRole in ${PROD}`, `CreateAccessKey for ci-deploy in ${PROD}`, 'this event'],
      );
      // The responder came the same way from the security account.
      assert.ok(store.query('principal:"IncidentResponderRole/dana@example.com" origin:"dana@example.com (SSO)"').count >= 10);
      assert.ok(store.query(`action:GetRoleCredentials userIdentity.type:Unknown`).count >= 2);
    });

    it('carries every hostile string, tagged in the userAgent and escaped in the file', () => {
      const hostile = all.filter((r) => String(r.userAgent).includes('hostile-fixture'));
      assert.ok(hostile.length >= HOSTILE_STRINGS.length);
      const text = JSON.stringify(hostile);
      for (const [name, value] of HOSTILE_STRINGS) assert.ok(text.includes(JSON.stringify(value).slice(1, -1)), name);
      assert.ok(hostile.some((r) => JSON.stringify(r.requestParameters).includes(LONG_STRING)));
      assert.ok(hostile.some((r) => JSON.stringify(r.resources ?? []).includes('<img src=x onerror=alert(1)>')));
      const raw = logs.map((f) => gunzipSync(f.data).toString('utf8')).join('');
      assert.ok(!raw.includes('\u0000') && !raw.includes('\u001b'), 'control characters are escaped');
      assert.ok(raw.includes('\\u0000') && raw.includes('\\u001b'));
    });
  });

  describe('edge cases', () => {
    const edge = (p: string): Buffer => {
      const f = files.find((x) => x.path === p);
      assert.ok(f, p);
      return f.data;
    };

    it('has one file of each promised shape', () => {
      assert.ok(Array.isArray(json(edge(EDGE_FILES.plain)).Records));
      assert.ok(Array.isArray(JSON.parse(edge(EDGE_FILES.array).toString('utf8'))));
      const lines = edge(EDGE_FILES.jsonl).toString('utf8').trim().split('\n');
      assert.ok(lines.length > 1 && lines.every((l) => typeof (JSON.parse(l) as Obj).eventID === 'string'));
      const lookup = json(edge(EDGE_FILES.lookup)).Events as Obj[];
      assert.ok(lookup.length > 0);
      for (const e of lookup) {
        for (const k of ['EventId', 'EventName', 'ReadOnly', 'EventTime', 'EventSource', 'Resources', 'CloudTrailEvent']) assert.ok(k in e, k);
        assert.equal((JSON.parse(String(e.CloudTrailEvent)) as Obj).eventID, e.EventId);
      }
      const dup = (json(edge(EDGE_FILES.duplicate)).Records as Obj[])[0];
      assert.ok(all.some((r) => r.eventID === dup.eventID && JSON.stringify(r) === JSON.stringify(dup)));
      assert.throws(() => JSON.parse(edge(EDGE_FILES.malformed).toString('utf8')));
      const partial = gunzipSync(edge(EDGE_FILES.truncated), { finishFlush: zc.Z_SYNC_FLUSH }).toString('utf8');
      assert.ok(partial.startsWith('{"Records":[') && !partial.endsWith(']}'));
      assert.match(edge(EDGE_FILES.readme).toString('utf8'), /lookup-events/);
    });

    it('uses event ids of its own, except the duplicate', () => {
      const main = new Set(all.map((r) => String(r.eventID)));
      const plain = json(edge(EDGE_FILES.plain)).Records as Obj[];
      assert.ok(plain.every((r) => !main.has(String(r.eventID))));
    });
  });

  describe('writeSamples', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'ale-samples-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('writes every file, counts truthfully, and the loader reads the main tree cleanly', async () => {
      const opts = { days: 2, eventsPerDay: 150, seed: 3 };
      const result = await writeSamples(dir, opts);
      const expected = generate(opts);
      assert.equal(result.files, expected.files.length);
      assert.equal(result.events, expected.events);
      assert.equal(result.bytes, expected.files.reduce((s, f) => s + f.data.length, 0));
      let onDisk = 0;
      let bytes = 0;
      const walk = (d: string): void => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else {
            onDisk++;
            bytes += statSync(p).size;
          }
        }
      };
      walk(dir);
      assert.equal(onDisk, result.files);
      assert.equal(bytes, result.bytes);

      const store = new EventStore();
      const report = await loadFiles([path.join(dir, 'AWSLogs')], store, { workers: 0 });
      assert.deepEqual(report.errors, []);
      assert.equal(report.duplicates, 0);
      assert.equal(report.events, result.events);
      assert.ok(report.skipped.length > 0 && report.skipped.every((s) => s.path.includes('CloudTrail-Digest')));

      const edges = new EventStore();
      const all2 = await loadFiles([dir], edges, { workers: 0 });
      assert.equal(all2.duplicates, 1);
      const bad = new Set(all2.errors.map((e) => path.basename(e.path)));
      assert.deepEqual([...bad].sort(), [path.basename(EDGE_FILES.malformed), path.basename(EDGE_FILES.truncated)].sort());
      const skippedOther = all2.skipped.filter((s) => !s.path.includes('CloudTrail-Digest')).map((s) => path.basename(s.path));
      assert.deepEqual(skippedOther, ['README.txt']);
      assert.equal(all2.errors.length, 3);

      // The README states what this folder alone gives; hold it to that.
      const readme = expected.files.find((f) => f.path === EDGE_FILES.readme);
      const promised = /Loaded alone, this folder gives (\d+) events, 3 errors and 0 duplicates/.exec(readme?.data.toString('utf8') ?? '');
      assert.ok(promised, 'README states the totals');
      const alone = await loadFiles([path.join(dir, 'edge-cases')], new EventStore(), { workers: 0 });
      assert.equal(alone.events, Number(promised[1]));
      assert.equal(alone.errors.length, 3);
      assert.equal(alone.duplicates, 0);
    });
  });
});
