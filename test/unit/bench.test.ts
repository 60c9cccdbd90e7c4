import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseArgs } from '../../scripts/bench/args';
import { cacheEntryName, ensureDataset, isDeleteInUsEast1, LOGS_DIR, listLogFiles, MANIFEST } from '../../scripts/bench/generate';
import { ensureSmallDataset, MAX_EVENTS_PER_FILE, smallEntryName } from '../../scripts/bench/smallTrail';
import { isDigestFileName } from '../../src/providers/logFiles/fileReader';
import { type JsonObject, readRealRecords } from '../../scripts/bench/records';

// Compiled to out/test/unit/, so four levels up is /work, next to the project checkout.
const REAL_DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BENCH_SCRIPT = path.resolve(__dirname, '../../scripts/bench.js');
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

/** Every file under `root`, relative, sorted. */
function allFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  visit(root);
  return out.sort();
}

// AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<home>_<YYYYMMDDTHHMMSSZ>.json.gz
const DIGEST_KEY = /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_[^_]+_[a-z0-9-]+_(\d{4})(\d{2})(\d{2})T\d{6}Z\.json\.gz$/;

describe('bench many-small-files trail', function () {
  this.timeout(60_000);
  let tmp: string;
  let samples: string;

  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'ale-bench-small-'));
    samples = path.join(tmp, 'samples');
    writeSamples(samples);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes thousands-of-small-files in the S3 layout, with digests beside them, deterministically', async () => {
    const files = 400;
    const a = await ensureSmallDataset({ dataDir: samples, files, seed: 5, cacheRoot: path.join(tmp, 'a') });
    const b = await ensureSmallDataset({ dataDir: samples, files, seed: 5, cacheRoot: path.join(tmp, 'b') });
    assert.equal(path.basename(a.dir), smallEntryName(files, 5));
    const names = allFiles(a.logsDir);
    assert.deepEqual(allFiles(b.logsDir), names);
    for (const n of names) assert.ok(readFileSync(path.join(a.logsDir, n)).equals(readFileSync(path.join(b.logsDir, n))), `${n} identical`);

    const logs = names.filter((n) => n.includes('/CloudTrail/'));
    const digests = names.filter((n) => n.includes('/CloudTrail-Digest/'));
    assert.equal(logs.length + digests.length, names.length, 'only logs and digests');
    assert.equal(logs.length, files);
    assert.equal(a.manifest.files, files);
    assert.equal(a.manifest.digests, digests.length);
    assert.ok(digests.length > 0);
    // The bench's file list (what the floor, jq and DuckDB read) leaves the digests out, by name.
    assert.equal(listLogFiles(a.logsDir).length, files);

    const accounts = new Set<string>();
    const regions = new Set<string>();
    const sizes: number[] = [];
    const ids = new Set<string>();
    let deletes = 0;
    for (const n of logs) {
      const m = S3_KEY.exec(`${LOGS_DIR}/${n}`);
      assert.ok(m, `S3 key layout: ${n}`);
      assert.equal(m[6], m[1]);
      assert.equal(m[7], m[2]);
      assert.deepEqual([m[8], m[9], m[10]], [m[3], m[4], m[5]]);
      accounts.add(m[1]);
      regions.add(m[2]);
      const doc = JSON.parse(gunzipSync(readFileSync(path.join(a.logsDir, n))).toString('utf8')) as { Records: JsonObject[] };
      sizes.push(doc.Records.length);
      for (const r of doc.Records) {
        // Each record carries the account and region its file's path names.
        assert.equal(r.recipientAccountId, m[1]);
        assert.equal(r.awsRegion, m[2]);
        assert.match(String(r.eventID), UUID_V4);
        ids.add(String(r.eventID));
        if (isDeleteInUsEast1(r)) deletes++;
        const t = Date.parse(String(r.eventTime));
        assert.ok(t >= a.manifest.startMs && t < a.manifest.endMs);
      }
    }
    // Multi-account, multi-region.
    assert.ok(accounts.size >= 3, `${accounts.size} accounts`);
    assert.ok(regions.size >= 10, `${regions.size} regions`);
    // 1..50 events a file, long-tailed: most files are tiny, a few are full.
    const total = sizes.reduce((x, y) => x + y, 0);
    assert.equal(total, a.manifest.records);
    assert.equal(ids.size, total);
    assert.ok(sizes.every((n) => n >= 1 && n <= MAX_EVENTS_PER_FILE));
    const sorted = [...sizes].sort((x, y) => x - y);
    assert.ok(sorted[sizes.length >> 1] <= 3, `median ${sorted[sizes.length >> 1]} events a file`);
    assert.ok(sizes.filter((n) => n >= 30).length >= files / 50, 'a long tail of big files');
    assert.equal(deletes, a.manifest.expectedDeleteInUsEast1);

    for (const d of digests) {
      const m = DIGEST_KEY.exec(`${LOGS_DIR}/${d}`);
      assert.ok(m, `digest layout: ${d}`);
      assert.equal(m[6], m[1]);
      assert.equal(m[7], m[2]);
      assert.ok(isDigestFileName(d), `the loader knows ${d} for a digest by its name`);
      const doc = JSON.parse(gunzipSync(readFileSync(path.join(a.logsDir, d))).toString('utf8')) as { digestStartTime: string; logFiles: { s3Object: string }[] };
      assert.ok(typeof doc.digestStartTime === 'string' && doc.logFiles.length > 0);
      for (const f of doc.logFiles) assert.ok(logs.includes(f.s3Object.slice(LOGS_DIR.length + 1)), `digest lists a log file: ${f.s3Object}`);
    }

    const again = await ensureSmallDataset({ dataDir: samples, files, seed: 5, cacheRoot: path.join(tmp, 'a') });
    assert.equal(again.reused, true);
    const other = await ensureSmallDataset({ dataDir: samples, files, seed: 6, cacheRoot: path.join(tmp, 'a') });
    assert.notDeepEqual(allFiles(other.logsDir), names);
  });
});

describe('bench end to end', function () {
  this.timeout(180_000);
  let tmp: string;
  let samples: string;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'ale-bench-run-'));
    samples = path.join(tmp, 'samples');
    writeSamples(samples);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs on tiny sets and prints every ratio against DuckDB and the floor, with the targets', function () {
    const cache = path.join(tmp, 'cache');
    const args = [BENCH_SCRIPT, '--set', 'both', '--events', '3000', '--small-files', '60', '--repeat', '1', '--data', samples, '--cache', cache];
    const trail = path.join(REAL_DATA, 'cloud-snitch-org-trail');
    const haveTrail = existsSync(trail);
    if (haveTrail) args.push('--trail', trail);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: tmp });
    assert.equal(r.status, 0, `bench failed:\n${r.stderr.slice(-4000)}`);
    const lines = r.stdout.split('\n');
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const sets = haveTrail ? ['big', 'small', 'trail'] : ['big', 'small'];
    for (const set of sets) {
      const of = (name: string): Record<string, unknown> | undefined => json.find((j) => j.set === set && j.name === name);
      for (const name of ['floor', 'load', 'cli-count', 'duckdb', 'ours-filter', 'text']) assert.ok(of(name), `${set}: ${name} printed`);
      // Everyone counted the same events and matches.
      assert.equal(of('cli-count')?.count, of('duckdb')?.matches, `${set}: our count = DuckDB's`);
      assert.equal(of('ours-filter')?.count, of('duckdb')?.matches);
      assert.equal(of('duckdb')?.events, of('floor')?.records);
      const ratios = json.filter((j) => j.set === set && typeof j.ratio === 'string');
      const names = ratios.map((j) => j.ratio as string);
      for (const want of ['`query --format count`, whole process', 'load into the store, in-process', 'peak RSS of the load', 'text ms']) {
        assert.ok(names.includes(want), `${set}: ratio ${want}`);
      }
      for (const j of ratios) {
        assert.equal(j.measured, true, `${set} ${String(j.ratio)} measured`);
        assert.equal(typeof j.value, 'number');
        assert.equal(typeof j.holds, 'boolean');
      }
    }
    const small = json.find((j) => j.set === 'small' && j.name === 'load');
    const smallGen = json.find((j) => j.set === 'small' && j.name === 'generate');
    assert.ok(typeof smallGen?.digests === 'number' && smallGen.digests > 0);
    assert.equal(small?.skipped, smallGen?.digests, 'the loader skipped exactly the digests');

    // The table: one block of Markdown rows, the ratios against DuckDB and the floor with their targets.
    const table = lines.filter((l) => l.startsWith('|'));
    assert.match(table[0], /\| data set \| measurement \| value \| ratio \| target \| met\? \|/);
    for (const set of sets) {
      const rows = table.filter((l) => l.startsWith(`| ${set} |`));
      assert.ok(rows.some((l) => /query --format count.*× DuckDB.*≤ 1×/.test(l)), `${set}: query count vs DuckDB row`);
      assert.ok(rows.some((l) => /load into the store.*× DuckDB in-process.*≤ 1×/.test(l)), `${set}: load vs DuckDB row`);
      assert.ok(rows.some((l) => /load into the store.*× floor.*≤ (1\.5|2)×/.test(l)), `${set}: load vs floor row`);
      assert.ok(rows.some((l) => /peak RSS.*× JSON.*≤ 0\.5×/.test(l)), `${set}: RSS row`);
      assert.ok(rows.some((l) => /free-text search.*≤ 2 s/.test(l)), `${set}: text search row`);
      for (const l of rows) assert.match(l, /\| (met|\*\*missed\*\*|) \|$/, `a verdict, not NOT MEASURED: ${l}`);
    }
    assert.ok(table.find((l) => l.startsWith('| small |') && /× floor.*≤ 2×/.test(l)), 'the small set is held to 2× the floor');
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
    assert.equal(parseArgs([]).set, 'both');
    assert.equal(parseArgs(['--set', 'small', '--small-files', '2_000']).smallFiles, 2000);
    assert.throws(() => parseArgs(['--set', 'huge']), /--set must be one of/);
    assert.equal(parseArgs(['--trail=/x/sans']).trail, '/x/sans');
  });
});
