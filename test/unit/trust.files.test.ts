/**
 * Issue 12, the file side of "no event lost, no crash": digests judged by their own name and
 * content (item 2), deep nesting in CSV/Lake/Athena rows (item 4), UTF-16 text, compressed
 * containers the reader does not open, unreadable files and special files (item 9), and
 * decompression bombs (item 10). Bombs are made at test time from a stream of spaces, with a
 * small per-file limit, so the test itself stays small; memory is measured as bytes the store
 * keeps and as peak RSS of a child process, never as time.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { EventStore } from '../../src/core/store';
import { AthenaRowBatch } from '../../src/providers/athena/records';
import { encodeAwsCredentials } from '../../src/providers/awsCloudtrail/credentials';
import { LiveCloudTrailBatch } from '../../src/providers/awsCloudtrail/records';
import { isDigestFileName, readLogBytes, readLogFile } from '../../src/providers/logFiles/fileReader';
import { loadFiles, type LoadReport } from '../../src/providers/logFiles/files';
import { lakeRowToRecord, MAX_CELL_NESTING, readCsvExport } from '../../src/providers/logFiles/tabular';
import { loadFromS3, openS3Session } from '../../src/providers/s3Trail/index';
import { S3_KEY_ID, S3_SECRET, startS3Fake } from '../support/fakes/s3';

const ev = (id: string, minute = 0): Record<string, unknown> => ({
  eventVersion: '1.08',
  eventTime: `2024-05-01T10:${String(minute).padStart(2, '0')}:00Z`,
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  eventID: id,
});
const log = (...ids: string[]): string => JSON.stringify({ Records: ids.map((id, i) => ev(id, i)) });

interface Loaded {
  store: EventStore;
  report: LoadReport;
  ids: string[];
}

async function load(paths: string[], opts: { workers?: number; maxInflatedBytes?: number } = {}): Promise<Loaded> {
  const store = new EventStore();
  const report = await loadFiles(paths, store, { workers: opts.workers ?? 0, ...(opts.maxInflatedBytes ? { maxInflatedBytes: opts.maxInflatedBytes } : {}) });
  const ids: string[] = [];
  for (let r = 0; r < store.size; r++) ids.push(store.idOf(r));
  return { store, report, ids };
}

/** Bytes the store holds for raw events (each underlying buffer once). */
function retainedBytes(store: EventStore): number {
  const seen = new Set<ArrayBufferLike>();
  let n = 0;
  for (const s of store.segments) {
    for (const b of s.blocks) {
      if (seen.has(b.data.buffer)) continue;
      seen.add(b.data.buffer);
      n += b.data.buffer.byteLength;
    }
  }
  return n;
}

/** Gzips head + `padding` spaces + tail without ever holding the padding whole. */
async function gzipPadded(head: string, padding: number, tail: string): Promise<Buffer> {
  const gz = zlib.createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    gz.on('end', resolve);
    gz.on('error', reject);
  });
  const write = async (b: Buffer) => {
    if (!gz.write(b)) await new Promise((r) => gz.once('drain', r));
  };
  await write(Buffer.from(head));
  const block = Buffer.alloc(1024 * 1024, 0x20);
  for (let left = padding; left > 0; left -= block.length) await write(left >= block.length ? block : block.subarray(0, left));
  gz.end(Buffer.from(tail));
  await done;
  return Buffer.concat(out);
}

const MiB = 1024 * 1024;

/** `{"a":{"a":…1…}}` nested `depth` objects deep. */
function deepObject(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('trust: files (issue 12)', function () {
  this.timeout(120_000);
  let tmp = '';

  before(function () {
    tmp = mkdtempSync(path.join(tmpdir(), 'ale-trust-files-'));
  });

  after(function () {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('item 2: a digest is judged by its own name and content, never by its folders', function () {
    it('a folder whose name contains CloudTrail-Digest is read like any other', async function () {
      const dir = path.join(tmp, 'my-CloudTrail-Digest-review');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'incident.json'), log('review-1', 'review-2'));
      const { report, ids } = await load([dir]);
      assert.deepEqual(ids, ['review-1', 'review-2']);
      assert.deepEqual(report.skipped, []);
      assert.equal(report.files, 1);
    });

    it('a file named explicitly with CloudTrail-Digest in its name is read', async function () {
      const file = path.join(tmp, 'incident-CloudTrail-Digest-notes.json');
      writeFileSync(file, log('notes-1'));
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['notes-1']);
      assert.deepEqual(report.skipped, []);
    });

    it('a file with a digest\'s own name that holds Records is read when named explicitly', async function () {
      const file = path.join(tmp, '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T1100Z.json.gz');
      writeFileSync(file, zlib.gzipSync(log('named-like-digest-1')));
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['named-like-digest-1']);
      assert.deepEqual(report.skipped, []);
    });

    it('in a folder, a digest is skipped by its own name or by its content, whatever the folder is called', async function () {
      const root = path.join(tmp, 'CloudTrail-Digest-everything');
      const digestDir = path.join(root, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01');
      mkdirSync(digestDir, { recursive: true });
      const digest = {
        awsAccountId: '111122223333',
        digestStartTime: '2024-05-01T10:00:00Z',
        digestEndTime: '2024-05-01T11:00:00Z',
        digestPublicKeyFingerprint: '0123abcd',
        previousDigestSignature: 'abcd',
        logFiles: [],
      };
      const byName = path.join(digestDir, '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T1100Z.json.gz');
      writeFileSync(byName, zlib.gzipSync(JSON.stringify(digest)));
      const byContent = path.join(root, 'renamed-digest.json');
      const { logFiles: _omit, ...noLogFiles } = digest;
      writeFileSync(byContent, JSON.stringify(noLogFiles));
      writeFileSync(path.join(digestDir, 'real-log.json'), log('in-digest-folder-1'));
      const { report, ids } = await load([root]);
      assert.deepEqual(ids, ['in-digest-folder-1']);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.skipped.map((s) => s.path).sort(), [byName, byContent].sort());
      for (const s of report.skipped) assert.match(s.reason, /digest/i);
    });

    it('S3 keys: only the object\'s own name decides', function () {
      assert.ok(isDigestFileName('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_my_trail_us-east-1_20240501T110000Z.json.gz'));
      assert.ok(isDigestFileName('C:\\logs\\111122223333_CloudTrail-Digest_eu-west-1_t_eu-west-1_20240501T1100Z.json.gz'));
      assert.ok(!isDigestFileName('review/my-CloudTrail-Digest-review/111122223333_CloudTrail_us-east-1_20240501T1000Z_abc.json.gz'));
      assert.ok(!isDigestFileName('incident-CloudTrail-Digest-notes.json'));
      assert.ok(!isDigestFileName('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/notes.json'));
    });
  });

  describe('item 4: JSON nested thousands deep in a CSV cell or a Lake/Athena row', function () {
    for (const depth of [5000, 200_000]) {
      it(`a CSV cell ${depth} deep is one problem on its row; the row and the other rows are kept`, function () {
        const cell = deepObject(depth);
        const csv = `eventID,eventName,requestParameters,userIdentity\nok-1,GetObject,"{""bucket"":""b""}",\ndeep-1,PutObject,"${cell.replace(/"/g, '""')}","${cell.replace(/"/g, '""')}"\nok-2,ListBuckets,,\n`;
        const r = readCsvExport(csv);
        assert.deepEqual(r.records.map((x) => x.record.eventID), ['ok-1', 'deep-1', 'ok-2']);
        assert.deepEqual(r.records[0].record.requestParameters, { bucket: 'b' });
        const deep = r.records[1].record;
        assert.equal(deep.requestParameters, cell, 'kept as its text');
        assert.equal(deep.userIdentity, cell);
        assert.ok(r.problems.length >= 1 && r.problems.every((p) => p.line === 3), JSON.stringify(r.problems.map((p) => [p.line, p.message.slice(0, 80)])));
        assert.ok(r.problems.some((p) => p.message.includes(`deeper than ${MAX_CELL_NESTING} levels`)));
      });
    }

    it('nesting under the limit is still read as structure (struct keys mapped back to camelCase)', function () {
      const depth = 500;
      const inner = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const csv = `eventID,userIdentity\nid-1,"${`{"sessioncontext":${inner}}`.replace(/"/g, '""')}"\n`;
      const r = readCsvExport(csv);
      assert.deepEqual(r.problems, []);
      let v = (r.records[0].record.userIdentity as Record<string, unknown>).sessionContext;
      for (let i = 0; i < depth; i++) v = (v as Record<string, unknown>).a;
      assert.equal(v, 1);
    });

    it('a CloudTrail Lake row (API or results file) with a cell 5000 deep: one problem, the event kept', async function () {
      const deep = deepObject(5000);
      const row = [{ eventID: 'lake-deep' }, { eventName: 'GetObject' }, { eventTime: '2024-05-01 10:00:00.000' }, { requestParameters: deep }];
      const rec = lakeRowToRecord(row, 0);
      assert.equal(rec.record.eventID, 'lake-deep');
      assert.equal(rec.record.requestParameters, deep);
      assert.equal(rec.problems?.length, 1);

      const batch = new LiveCloudTrailBatch('lake', {});
      batch.addLakeRow(row, 0);
      batch.addLakeRow([{ eventID: 'lake-ok' }, { eventName: 'ListBuckets' }], 1);
      assert.equal(batch.size, 2);
      assert.deepEqual(batch.skipped, []);
      assert.equal(batch.problems.length, 1);
      assert.equal(batch.problems[0].id, 'row 1');

      // A Lake results file whose cells are JSON values, not strings: a record deeper than the
      // splitter's MAX_RECORD_DEPTH is one problem of its own, and the other rows are kept.
      const file = path.join(tmp, 'lake-results-deep.json');
      const rows = [
        '[{"eventID":"lake-file-ok"},{"eventName":"GetObject"}]',
        `[{"eventID":"lake-file-deep"},{"eventName":"GetObject"},{"requestParameters":${deepObject(3000)}}]`,
      ];
      writeFileSync(file, `{"QueryResultRows":[${rows.join(',')}]}`);
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['lake-file-ok']);
      assert.equal(report.errors.length, 1, JSON.stringify(report.errors));
      assert.match(report.errors[0].message, /record 2 is nested deeper than 1000 levels: skipped/);
    });

    it('an Athena row with a cell 5000 deep: one problem, the event kept and its raw text made', function () {
      const batch = new AthenaRowBatch('athena');
      const names = ['eventid', 'eventname', 'eventtime', 'requestparameters', 'useridentity'];
      batch.add(names, ['athena-deep', 'GetObject', '2024-05-01T10:00:00Z', deepObject(5000), deepObject(100_000)], 0);
      batch.add(names, ['athena-ok', 'GetObject', '2024-05-01T10:00:00Z', '{"bucket":"b"}', undefined], 1);
      assert.equal(batch.size, 2);
      assert.equal(batch.problems.length, 2);
      const store = new EventStore();
      store.appendBatch(batch.build());
      assert.deepEqual([store.idOf(0), store.idOf(1)], ['athena-deep', 'athena-ok']);
      assert.equal(store.value(1, 'requestParameters.bucket'), 'b');
    });
  });

  describe('item 9: text encodings, containers, unreadable and special files', function () {
    const utf16 = (text: string, be: boolean): Buffer => {
      const b = Buffer.from('\ufeff' + text, 'utf16le');
      return be ? b.swap16() : b;
    };

    it('UTF-16 with a byte-order mark (PowerShell 5.1 `>`), LE and BE, plain and gzipped, JSON and CSV', async function () {
      const files: Array<[string, Buffer, string[]]> = [
        ['ps-le.json', utf16(log('le-1', 'le-2') + '\r\n', false), ['le-1', 'le-2']],
        ['ps-be.json', utf16(log('be-1') + '\r\n', true), ['be-1']],
        ['ps-lines.jsonl.gz', zlib.gzipSync(utf16(`${JSON.stringify(ev('lines-1'))}\r\n${JSON.stringify(ev('lines-2 Zürich ✓'))}\r\n`, false)), ['lines-1', 'lines-2 Zürich ✓']],
        ['ps.csv', utf16('eventID,eventName,eventTime\r\ncsv-1,GetObject,2024-05-01T10:00:00Z\r\n', false), ['csv-1']],
        ['no-bom.json', Buffer.from(log('nobom-1'), 'utf16le'), ['nobom-1']],
      ];
      for (const [name, body, want] of files) {
        const file = path.join(tmp, name);
        writeFileSync(file, body);
        const { report, ids } = await load([file]);
        assert.deepEqual(ids, want, name);
        assert.deepEqual(report.errors, [], name);
      }
    });

    it('bzip2, xz, zstd, zip, 7z and tar data is one problem saying what it is, not lines of "unexpected byte"', async function () {
      const junk = Buffer.alloc(600, 0x41);
      const tar = Buffer.alloc(1024);
      tar.write('logs/a.json', 0);
      tar.write('ustar\u000000', 257, 'latin1');
      const cases: Array<[string, Buffer, RegExp]> = [
        ['a.json.gz', Buffer.concat([Buffer.from('BZh91AY&SY'), junk]), /^this is bzip2 data, not JSON\/gzip: decompress it first/],
        ['b.json.gz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), junk]), /^this is xz data, not JSON\/gzip: decompress it first/],
        ['c.json.gz', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), junk]), /^this is zstd data, not JSON\/gzip: decompress it first/],
        ['d.json', Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), junk]), /^this is a zip archive, not JSON\/gzip: extract it first/],
        ['e.json.gz', Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), junk]), /^this is a 7z archive/],
        ['f.json', tar, /^this is a tar archive, not JSON\/gzip: extract it first/],
        ['g.json.gz', zlib.gzipSync(tar), /^this is a tar archive inside gzip, not JSON\/gzip: extract it first/],
      ];
      for (const [name, body, message] of cases) {
        const file = path.join(tmp, name);
        writeFileSync(file, body);
        const { report } = await load([file]);
        assert.equal(report.errors.length, 1, `${name}: ${JSON.stringify(report.errors)}`);
        assert.match(report.errors[0].message, message, name);
        assert.equal(report.errors[0].path, file);
        assert.equal(report.files, 0, `${name} is not counted as a file read`);
      }
    });

    it('a file that cannot be read is a problem, not a file read (EIO, EISDIR)', async function () {
      if (process.platform !== 'linux') this.skip();
      const good = path.join(tmp, 'readable.json');
      writeFileSync(good, log('readable-1'));
      // /proc/self/mem is a regular file whose first page never reads: EIO.
      for (const workers of [0, 2]) {
        const { report, ids } = await load([good, '/proc/self/mem'], { workers });
        assert.deepEqual(ids, ['readable-1']);
        assert.equal(report.files, 1, `workers ${workers}: only the readable file counts`);
        assert.equal(report.errors.length, 1);
        assert.equal(report.errors[0].path, '/proc/self/mem');
        assert.match(report.errors[0].message, /cannot read the file: EIO/);
      }
      // A path that turned into a folder between the walk and the read.
      const r = await readLogFile(tmp, 'x');
      assert.equal(r.unreadable, true);
      assert.equal(r.events, 0);
      assert.match(r.problems[0].message, /a folder, not a regular file/);
    });

    it('a FIFO, a socket and a device in a folder are listed as skipped with the reason', async function () {
      if (process.platform === 'win32') this.skip();
      const dir = path.join(tmp, 'special');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'a.json'), log('special-1'));
      const fifo = path.join(dir, 'pipe.json');
      execFileSync('mkfifo', [fifo]);
      const sock = path.join(dir, 'sock.json');
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(sock, resolve));
      try {
        const { report, ids } = await load([dir]);
        assert.deepEqual(ids, ['special-1']);
        const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
        assert.match(reasons.get(fifo) ?? '', /named pipe \(FIFO\)/);
        assert.match(reasons.get(sock) ?? '', /socket/);
        const dev = await load(['/dev/null']);
        assert.equal(dev.report.files, 0);
        assert.match(dev.report.skipped[0]?.reason ?? '', /device/);
      } finally {
        await new Promise((r) => server.close(r));
      }
    });
  });

  describe('item 10: decompression bombs', function () {
    const head = `{"Records":[${JSON.stringify(ev('bomb-1', 1))},${JSON.stringify(ev('bomb-2', 2))}`;

    it('a file inflating past the limit keeps the events before it and says so, here and on workers', async function () {
      const cap = 8 * MiB;
      const bomb = await gzipPadded(head, 64 * MiB, ']}');
      assert.ok(bomb.length < 200 * 1024, `fixture sanity: ${bomb.length} bytes`);
      const files = [1, 2, 3, 4].map((i) => {
        const f = path.join(tmp, `bombs/bomb-${i}.json.gz`);
        mkdirSync(path.dirname(f), { recursive: true });
        writeFileSync(f, bomb);
        return f;
      });
      for (const workers of [0, 2]) {
        const { report, ids, store } = await load([files[0]], { workers, maxInflatedBytes: cap });
        assert.deepEqual(ids, ['bomb-1', 'bomb-2'], `workers ${workers}`);
        assert.ok(report.errors.some((e) => e.message === 'inflates past the 8 MB per-file limit: read the first 8 MB'), JSON.stringify(report.errors));
        assert.ok(retainedBytes(store) < 64 * 1024, `the store keeps ${retainedBytes(store)} bytes`);
      }
      // Four in a folder on worker threads: every file's events, one limit problem each.
      const { report, store } = await load([path.dirname(files[0])], { workers: 2, maxInflatedBytes: cap });
      assert.equal(report.events, 2, 'the same two events in every file (duplicates merged)');
      assert.equal(report.duplicates, 6);
      assert.equal(report.errors.filter((e) => /per-file limit/.test(e.message)).length, 4);
      assert.ok(retainedBytes(store) < 64 * 1024);
    });

    it('the store keeps only record bytes, not a file\'s padding', async function () {
      const file = path.join(tmp, 'padded.json.gz');
      writeFileSync(file, await gzipPadded(head, 32 * MiB, ']}'));
      const { report, ids, store } = await load([file]);
      assert.deepEqual(ids, ['bomb-1', 'bomb-2']);
      assert.deepEqual(report.errors, []);
      assert.equal(report.bytes, head.length + 32 * MiB + 2);
      assert.ok(retainedBytes(store) < 64 * 1024, `the store keeps ${retainedBytes(store)} bytes`);
      assert.equal(store.rawText(1), JSON.stringify(ev('bomb-2', 2)));
    });

    it('an honest file is read whole, in one buffer of its size', async function () {
      const records = Array.from({ length: 20_000 }, (_, i) => ev(`honest-${i}`, i % 60));
      const text = JSON.stringify({ Records: records });
      const r = await readLogBytes('honest.json.gz', zlib.gzipSync(text), 'x', { maxInflatedBytes: 64 * MiB });
      assert.deepEqual(r.problems, []);
      assert.equal(r.events, records.length);
      assert.equal(r.bytes, Buffer.byteLength(text));
      // Several gzip members (cat a.gz b.gz): the trailer only tells the last one's size.
      const two = await readLogBytes('two.json.gz', Buffer.concat([zlib.gzipSync(log('m-1') + '\n'), zlib.gzipSync(log('m-2') + '\n')]), 'x');
      assert.deepEqual(two.problems, []);
      assert.equal(two.events, 2);
    });

    it('memory stays near one limit, not the inflated size nor one limit per worker: three 512 MB bombs in a folder on 2 workers', function () {
      const dir = path.join(tmp, 'rss-bombs');
      mkdirSync(dir, { recursive: true });
      const script = path.join(tmp, 'rss-child.js');
      // Made in the child so this process never holds the padding either.
      writeFileSync(
        script,
        `
const zlib = require('node:zlib');
const fs = require('node:fs');
const path = require('node:path');
const { loadFiles } = require(${JSON.stringify(path.resolve(__dirname, '../../src/providers/logFiles/files.js'))});
const { EventStore } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/store.js'))});
(async () => {
  const gz = zlib.createGzip({ level: 1 });
  const out = [];
  gz.on('data', (c) => out.push(c));
  const block = Buffer.alloc(1 << 20, 0x20);
  gz.write(${JSON.stringify(head)});
  for (let i = 0; i < 512; i++) if (!gz.write(block)) await new Promise((r) => gz.once('drain', r));
  gz.end(']}');
  await new Promise((r) => gz.on('end', r));
  const bomb = Buffer.concat(out);
  // The trailer of a bomb past 4 GB states its size modulo 2^32: a believable, smaller number.
  bomb.writeUInt32LE(128 << 20, bomb.length - 4);
  for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(${JSON.stringify(dir)}, 'b' + i + '.json.gz'), bomb);
  const before = process.resourceUsage().maxRSS;
  const store = new EventStore();
  const report = await loadFiles([${JSON.stringify(dir)}], store, { workers: 2, maxInflatedBytes: 256 << 20 });
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ before, after, events: report.events, files: report.files, errors: report.errors.map((e) => e.message) }));
})();
`,
      );
      const child = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 1 << 20 });
      assert.equal(child.status, 0, child.stderr);
      const r = JSON.parse(child.stdout) as { before: number; after: number; events: number; files: number; errors: string[] };
      const grewMiB = (r.after - r.before) / 1024;
      // Both workers together hold one file's 256 MB at a time, plus their own heaps (about 100 MB):
      // not 2 x 256 (one limit per worker), nor a whole 512 MB bomb, nor gunzip's chunks and their copy.
      assert.ok(grewMiB < 448, `peak RSS grew by ${grewMiB.toFixed(0)} MB while loading`);
      assert.equal(r.events, 2);
      assert.equal(r.files, 3);
      assert.equal(r.errors.filter((m) => /256 MB per-file limit/.test(m)).length, 3, JSON.stringify(r.errors));
    });

    it('the S3 loader has the same limit: the events before it are kept, one problem', async function () {
      const fake = await startS3Fake({ buckets: { 'bomb-bucket': 'us-east-1' }, trails: [] });
      const keys = encodeAwsCredentials({ type: 'keys', accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET });
      const s = openS3Session({ id: 'a', provider: 'cloudtrail', label: 't', endpoint: fake.url, region: 'us-east-1' }, keys, { maxAttempts: 1 });
      try {
        const prefix = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/';
        fake.put('bomb-bucket', `${prefix}111122223333_CloudTrail_us-east-1_20240501T1000Z_a.json.gz`, await gzipPadded(head, 32 * MiB, ']}'));
        fake.put('bomb-bucket', `${prefix}111122223333_CloudTrail_us-east-1_20240501T1005Z_b.json.gz`, zlib.gzipSync(log('s3-ok-1')));
        const store = new EventStore();
        const report = await loadFromS3(s, { bucket: 'bomb-bucket', bucketRegion: 'us-east-1', prefixes: [prefix] }, store, { maxInflatedBytes: 4 * MiB });
        assert.equal(report.events, 3);
        assert.equal(report.files, 2);
        assert.deepEqual(
          report.errors.map((e) => e.message),
          ['inflates past the 4 MB per-file limit: read the first 4 MB', ...report.errors.slice(1).map((e) => e.message)],
        );
        assert.ok(retainedBytes(store) < 64 * 1024);
      } finally {
        s.close();
        await fake.close();
      }
    });
  });
});
