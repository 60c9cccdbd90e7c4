import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseArgs } from '../../scripts/bench/args';
import { cacheEntryName, ensureDataset, isDeleteInUsEast1, LOGS_DIR, listLogFiles, MANIFEST } from '../../scripts/bench/generate';
import { type JsonObject, readRealRecords } from '../../scripts/bench/records';

// Compiled to out/test/unit/, so four levels up is /work, next to the project checkout.
const REAL_DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16>.json.gz
const S3_KEY =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;

function record(i: number, extra: JsonObject = {}): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', accountId: '123456789012', userName: `user${i % 3}` },
    eventTime: '2024-01-01T00:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: i % 4 === 0 ? 'DeleteBucket' : 'GetObject',
    awsRegion: i % 2 === 0 ? 'us-east-1' : 'eu-west-1',
    sourceIPAddress: i % 5 === 0 ? 'AWS Internal' : `10.0.0.${i}`,
    eventID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    recipientAccountId: '123456789012',
    ...extra,
  };
}

/** A small sample folder in every shape the bench reader must take, plus ones it must skip. */
function writeSamples(dir: string): void {
  mkdirSync(path.join(dir, 'nested'), { recursive: true });
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: [record(1), record(2), record(3)] }));
  writeFileSync(path.join(dir, 'nested', 'trail.json.gz'), gzipSync(JSON.stringify({ Records: [record(4), record(5)] })));
  writeFileSync(path.join(dir, 'array.json'), JSON.stringify([record(6), record(7)], null, 2));
  writeFileSync(path.join(dir, 'single.json.cloudtrail'), JSON.stringify(record(8)));
  writeFileSync(path.join(dir, 'lines.jsonl'), [record(9), record(10)].map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'lookup.jsonl'),
    JSON.stringify({ EventId: 'x', EventName: 'GetObject', CloudTrailEvent: JSON.stringify(record(11)) }) + '\n',
  );
  writeFileSync(path.join(dir, 'lookup-events.json'), JSON.stringify({ Events: [{ CloudTrailEvent: JSON.stringify(record(12)) }] }));
  // A duplicate of record 1: replicated once, not twice.
  writeFileSync(path.join(dir, 'dup.json'), JSON.stringify([record(1)]));
  // Skipped: no eventTime, malformed JSON, CSV, empty array, licence text.
  writeFileSync(path.join(dir, 'no-time.json'), JSON.stringify([{ eventName: 'X' }]));
  writeFileSync(path.join(dir, 'broken.json'), '{"Records":[{"eventName":"A","eventTime":"t"} {"eventName":"B"}]}');
  writeFileSync(path.join(dir, 'export.csv'), 'eventName,eventTime\nDeleteBucket,2024-01-01T00:00:00Z\n');
  writeFileSync(path.join(dir, 'empty.json'), '[]');
  writeFileSync(path.join(dir, 'LICENSE'), 'MIT License\n');
}

function relativeFiles(root: string): string[] {
  return listLogFiles(root).map((f) => path.relative(root, f).split(path.sep).join('/'));
}

function readGenerated(logsDir: string): { file: string; records: JsonObject[] }[] {
  return listLogFiles(logsDir).map((file) => {
    const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: JsonObject[] };
    assert.ok(Array.isArray(doc.Records), `${file} has a Records array`);
    return { file, records: doc.Records };
  });
}

describe('bench data generator', function () {
  this.timeout(60_000);
  let tmp: string;
  let samples: string;

  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'ale-bench-test-'));
    samples = path.join(tmp, 'samples');
    writeSamples(samples);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads every CloudTrail shape and skips CSV, malformed and record-less files', () => {
    const { records, skipped } = readRealRecords(samples);
    const ids = records.map((r) => r.eventID as string);
    // 12 distinct sample records; record 1 appears twice (dup.json), the generator dedups it.
    assert.equal(records.length, 13);
    for (let i = 1; i <= 12; i++) assert.ok(ids.includes(record(i).eventID as string), `record ${i} read`);
    const skippedNames = skipped.map((s) => path.basename(s.path)).sort();
    assert.deepEqual(skippedNames, ['broken.json', 'empty.json', 'no-time.json']);
  });

  it('writes N events in the S3 layout, deterministically, with unique v4 eventIDs', async () => {
    const events = 3_000;
    const a = await ensureDataset({ dataDir: samples, events, seed: 7, cacheRoot: path.join(tmp, 'a') });
    const b = await ensureDataset({ dataDir: samples, events, seed: 7, cacheRoot: path.join(tmp, 'b') });
    assert.equal(a.reused, false);
    assert.equal(path.basename(a.dir), cacheEntryName(events, 7));
    assert.equal(a.logsDir, path.join(a.dir, LOGS_DIR));

    // Deterministic: same names, same bytes.
    const names = relativeFiles(a.logsDir);
    assert.deepEqual(relativeFiles(b.logsDir), names);
    for (const n of names) assert.ok(readFileSync(path.join(a.logsDir, n)).equals(readFileSync(path.join(b.logsDir, n))), `${n} identical`);

    // The promised layout, with the folder's account, region and date repeated in the file name.
    for (const n of names) {
      const m = S3_KEY.exec(`${LOGS_DIR}/${n}`);
      assert.ok(m, `S3 key layout: ${n}`);
      assert.equal(m[6], m[1]);
      assert.equal(m[7], m[2]);
      assert.deepEqual([m[8], m[9], m[10]], [m[3], m[4], m[5]]);
    }

    // Every file gunzips and parses; N records in all; fresh unique ids; times inside the span.
    const files = readGenerated(a.logsDir);
    const all = files.flatMap((f) => f.records);
    assert.equal(all.length, events);
    assert.equal(a.manifest.records, events);
    assert.equal(a.manifest.files, files.length);
    const ids = new Set<string>();
    for (const r of all) {
      assert.match(String(r.eventID), UUID_V4);
      ids.add(String(r.eventID));
      const t = Date.parse(String(r.eventTime));
      assert.ok(t >= a.manifest.startMs && t < a.manifest.endMs, `eventTime ${String(r.eventTime)} in range`);
      assert.match(String(r.eventTime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    assert.equal(ids.size, events);
    // Records in a file carry the account and region its path names.
    for (const { file, records } of files) {
      const m = S3_KEY.exec(path.relative(a.dir, file).split(path.sep).join('/'));
      assert.ok(m);
      assert.equal(records[0].recipientAccountId, m[1]);
      assert.equal(records[0].awsRegion, m[2]);
    }
    // Files hold 200–2000 records; only the last one cut may be smaller.
    const small = files.filter((f) => f.records.length < 200 || f.records.length > 2000);
    assert.ok(small.length <= 1 && small.every((f) => f.records.length < 200), 'file sizes within 200–2000');

    // Source IPs are replaced, service principals are kept; the rest of the record is the sample.
    assert.ok(all.some((r) => r.sourceIPAddress === 'AWS Internal'));
    assert.ok(!all.some((r) => String(r.sourceIPAddress).startsWith('10.0.0.')));
    assert.equal(all.filter(isDeleteInUsEast1).length, a.manifest.expectedDeleteInUsEast1);

    // Byte counts in the manifest are those of the files.
    let compressed = 0;
    let uncompressed = 0;
    for (const f of listLogFiles(a.logsDir)) {
      const gz = readFileSync(f);
      compressed += gz.length;
      uncompressed += gunzipSync(gz).length;
      // Minified, as CloudTrail writes it.
      assert.ok(!gunzipSync(gz).toString('utf8').includes('\n'));
    }
    assert.equal(a.manifest.compressedBytes, compressed);
    assert.equal(a.manifest.uncompressedBytes, uncompressed);
  });

  it('reuses a complete cache entry and rebuilds an incomplete one', async () => {
    const root = path.join(tmp, 'reuse');
    const first = await ensureDataset({ dataDir: samples, events: 500, seed: 1, cacheRoot: root });
    const again = await ensureDataset({ dataDir: samples, events: 500, seed: 1, cacheRoot: root });
    assert.equal(again.reused, true);
    assert.deepEqual(again.manifest, first.manifest);

    rmSync(path.join(first.dir, MANIFEST));
    const rebuilt = await ensureDataset({ dataDir: samples, events: 500, seed: 1, cacheRoot: root });
    assert.equal(rebuilt.reused, false);
    assert.ok(existsSync(path.join(rebuilt.dir, MANIFEST)));
    // No staging folders left behind.
    assert.deepEqual(readdirSync(root), [cacheEntryName(500, 1)]);
  });

  it('gives a different data set for a different seed', async () => {
    const x = await ensureDataset({ dataDir: samples, events: 400, seed: 1, cacheRoot: path.join(tmp, 'x') });
    const y = await ensureDataset({ dataDir: samples, events: 400, seed: 2, cacheRoot: path.join(tmp, 'y') });
    assert.notDeepEqual(relativeFiles(x.logsDir), relativeFiles(y.logsDir));
  });

  it('fails with a clear message when the sample data is missing', async () => {
    await assert.rejects(
      ensureDataset({ dataDir: path.join(tmp, 'nope'), events: 10, cacheRoot: path.join(tmp, 'c') }),
      /sample data not found at .*nope.*--data/s,
    );
  });

  it('reads the real shared samples', function () {
    if (!existsSync(REAL_DATA) || !statSync(REAL_DATA).isDirectory()) {
      console.warn(`\n!!! SKIPPING real-data bench reader test: ${REAL_DATA} is missing !!!\n`);
      this.skip();
    }
    const { records, skipped } = readRealRecords(REAL_DATA);
    assert.ok(records.length > 3000, `${records.length} records`);
    for (const r of records) assert.ok(typeof r.eventName === 'string' && typeof r.eventTime === 'string');
    assert.ok(skipped.some((s) => s.path.endsWith('aws.execution.ec2-user-data.json')), 'the malformed sample is skipped');
  });
});

describe('bench arguments', () => {
  it('parses the options', () => {
    assert.equal(parseArgs([]).events, 1_000_000);
    assert.equal(parseArgs(['--events', '1e6']).events, 1_000_000);
    assert.equal(parseArgs(['--events=20_000', '--repeat', '5']).repeat, 5);
    assert.throws(() => parseArgs(['--events', '0']), /positive integer/);
    assert.throws(() => parseArgs(['--bogus']), /unknown option/);
    assert.throws(() => parseArgs(['--phase', 'floor']), /--dir/);
  });
});
