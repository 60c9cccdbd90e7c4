import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventStore } from '../../src/core/store';
import { loadFiles, type LoadProgress, type LoadReport, planRuns } from '../../src/providers/logFiles/files';

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];

function event(n: number, region: string): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/u${n % 5}`, accountId: ACCOUNT },
    eventTime: `2024-05-01T${String(n % 24).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: n % 4 === 0 ? 'DeleteVolume' : 'DescribeInstances',
    awsRegion: region,
    sourceIPAddress: `198.51.100.${n % 200}`,
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    recipientAccountId: ACCOUNT,
  };
}

/**
 * A trail of many tiny files as S3 delivers them, with what a loader must get exactly right on the
 * way: duplicates across files, a broken record mid-trail, an unreadable gzip, digests, a stray
 * non-log file and a plain .json file among the .json.gz ones.
 */
function makeSmallTrail(root: string, files: number): void {
  let n = 0;
  for (let f = 0; f < files; f++) {
    const region = REGIONS[f % REGIONS.length];
    const day = String(1 + (Math.floor(f / REGIONS.length) % 3)).padStart(2, '0');
    const dir = path.join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', region, '2024', '05', day);
    const digestDir = path.join(root, 'AWSLogs', ACCOUNT, 'CloudTrail-Digest', region, '2024', '05', day);
    mkdirSync(dir, { recursive: true });
    mkdirSync(digestDir, { recursive: true });
    const per = 1 + (f % 5);
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < per; i++) records.push(event(n++, region));
    // Every 17th file repeats an event of an earlier file (S3 redelivery).
    if (f % 17 === 16) records.push(event(n - 20, region));
    const stamp = `202405${day}T${String(f % 24).padStart(2, '0')}${String(f % 60).padStart(2, '0')}Z`;
    const name = `${ACCOUNT}_CloudTrail_${region}_${stamp}_${String(f).padStart(16, 'x')}`;
    // Some files' records open with other keys, and not all with the same one (real trails do).
    const shaped = f % 9 === 3 ? records.map((r, i) => (i % 2 === 0 ? { awsRegion: r.awsRegion, ...r } : { additionalEventData: { x: '},{"k":1' }, ...r })) : records;
    let body = JSON.stringify({ Records: shaped });
    // Some come as `lookup-events` output: each event a JSON string (text the batch makes up).
    if (f % 23 === 5) body = JSON.stringify({ Events: records.map((r) => ({ EventId: r.eventID, CloudTrailEvent: JSON.stringify(r) })) });
    // One broken record in the middle of the trail: a problem with its position, the rest kept.
    if (f === Math.floor(files / 2)) body = body.replace('"eventSource"', '"eventSource" "broken"');
    if (f % 50 === 7) writeFileSync(path.join(dir, `${name}.json`), body);
    else writeFileSync(path.join(dir, `${name}.json.gz`), gzipSync(body));
    if (f % 4 === 0) {
      const digest = { digestStartTime: '2024-05-01T00:00:00Z', digestEndTime: '2024-05-01T01:00:00Z', logFiles: [] };
      writeFileSync(path.join(digestDir, `${ACCOUNT}_CloudTrail-Digest_${region}_trail${f}_us-east-1_${stamp.slice(0, -1)}00Z.json.gz`), gzipSync(JSON.stringify(digest)));
    }
  }
  const last = path.join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2024', '05', '02');
  mkdirSync(last, { recursive: true });
  writeFileSync(path.join(last, 'notes.txt'), 'not a log');
  writeFileSync(path.join(last, `${ACCOUNT}_CloudTrail_us-east-1_20240502T2359Z_cut.json.gz`), gzipSync(JSON.stringify({ Records: [event(99_999, 'us-east-1')] })).subarray(0, 30));
}

function rows(store: EventStore): string[] {
  const out: string[] = [];
  for (let row = 0; row < store.size; row++) out.push(store.rawText(row));
  return out;
}

/** Every cell of every column, and each column's dictionary in its order. */
function cells(store: EventStore): string[] {
  const out: string[] = [];
  for (const c of store.columnNames()) {
    out.push(`${c}: ${store.getColumn(c)?.dict.values.join('|') ?? ''}`);
    for (let row = 0; row < store.size; row++) out.push(store.value(row, c));
  }
  return out;
}

describe('loading many small files', function () {
  this.timeout(120_000);
  let root: string;
  const FILES = 600;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ale-small-trail-'));
    makeSmallTrail(root, FILES);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('gives the same report, rows and raw bytes on workers (runs of files) as on this thread', async () => {
    const here = new EventStore();
    const there = new EventStore();
    const a: LoadReport = await loadFiles([root], here, { workers: 0 });
    const b: LoadReport = await loadFiles([root], there, { workers: 2 });
    assert.deepEqual(b, a);
    // What the trail holds: every file but the cut one read, digests and the stray file skipped.
    assert.equal(a.files, FILES + 1);
    assert.equal(a.skipped.filter((s) => /digest/.test(s.reason)).length, FILES / 4);
    assert.ok(a.skipped.some((s) => s.path.endsWith('notes.txt')));
    assert.ok(a.duplicates > 0);
    assert.ok(a.errors.some((e) => /not valid JSON/.test(e.message) && e.position !== undefined), JSON.stringify(a.errors));
    assert.ok(a.errors.some((e) => /gzip data is incomplete|corrupt/.test(e.message) && e.path.endsWith('_cut.json.gz')), JSON.stringify(a.errors));
    assert.equal(there.size, here.size);
    assert.deepEqual(rows(there), rows(here));
    assert.deepEqual(cells(there), cells(here));
    assert.equal(there.query('eventName:Delete* region:us-east-1').count, here.query('eventName:Delete* region:us-east-1').count);
  });

  it('reports progress after every file and stops exactly where a cancel asks, mid-run', async () => {
    const seen: LoadProgress[] = [];
    const report = await loadFiles([root], new EventStore(), { workers: 2, onProgress: (p) => seen.push(p) });
    assert.equal(seen.length, FILES + 1);
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i].files, seen[i - 1].files + 1);
    assert.equal(seen.at(-1)?.events, report.events);

    const ctl = new AbortController();
    const store = new EventStore();
    const cancelled = await loadFiles([root], store, {
      workers: 2,
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.files === 7) ctl.abort();
      },
    });
    assert.equal(cancelled.cancelled, true);
    // Runs carry many files, but merging stops after the file whose progress cancelled.
    assert.equal(cancelled.files, 7);
    assert.equal(store.size, cancelled.events);
    // Nothing of the files after it: not their events, not their values in the dictionaries.
    const ctlHere = new AbortController();
    const here = new EventStore();
    await loadFiles([root], here, { workers: 0, signal: ctlHere.signal, onProgress: (p) => p.files === 7 && ctlHere.abort() });
    assert.deepEqual(cells(store), cells(here));
  });

  it('plans runs of consecutive small files, a large file alone, several runs per worker', () => {
    const sizes = (xs: number[]) => xs.map((size) => ({ size }));
    const check = (tasks: { size: number }[], workers: number): Array<[number, number]> => {
      const runs = planRuns(tasks, workers);
      let next = 0;
      for (const [start, end] of runs) {
        assert.equal(start, next, 'runs are consecutive and cover every task once');
        assert.ok(end > start && end - start <= 64);
        const bytes = tasks.slice(start, end).reduce((s, t) => s + t.size, 0);
        assert.ok(end - start === 1 || bytes <= 1 << 20, `a run of ${end - start} files holds ${bytes} bytes`);
        next = end;
      }
      assert.equal(next, tasks.length);
      return runs;
    };
    assert.equal(check(sizes(Array(4000).fill(2_000)), 2).length, 63);
    // 40 files of a small trail still give each of 2 workers several runs.
    assert.ok(check(sizes(Array(40).fill(10_000)), 2).length >= 8);
    // Big files go one by one.
    assert.equal(check(sizes(Array(10).fill(2 << 20)), 2).length, 10);
    assert.deepEqual(check(sizes([100, 100, 100, 5 << 20, 100, 100, 100, 100]), 1), [
      [0, 2],
      [2, 3],
      [3, 4],
      [4, 6],
      [6, 8],
    ]);
    assert.deepEqual(check([], 2), []);
    // A run is one batch with one source: a new source (another folder given) starts a new run.
    const two = [...Array(6).fill(0).map(() => ({ size: 100, source: 'a' })), ...Array(6).fill(0).map(() => ({ size: 100, source: 'b' }))];
    assert.deepEqual(planRuns(two, 1), [
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 12],
    ]);
    assert.deepEqual(planRuns(two.slice(4, 8), 1), [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('tells a folder seen before by its real path, through links and without them', async () => {
    const top = mkdtempSync(path.join(tmpdir(), 'ale-links-'));
    try {
      const log = (id: string) => gzipSync(JSON.stringify({ Records: [event(Number(id), 'us-east-1')] }));
      mkdirSync(path.join(top, 'b', 'c'), { recursive: true });
      writeFileSync(path.join(top, 'b', 'c', 'x.json.gz'), log('1'));
      writeFileSync(path.join(top, 'b', 'y.json.gz'), log('2'));
      // `a` (walked first) links to `b/c`, and `b/c/up` back to `b`: through `a/up` the walk
      // reaches `b` (new) and `b/c` (seen: it is `a`), then `b` again as a plain folder (seen).
      symlinkSync(path.join(top, 'b', 'c'), path.join(top, 'a'));
      symlinkSync(path.join(top, 'b'), path.join(top, 'b', 'c', 'up'));
      const report = await loadFiles([top], new EventStore(), { workers: 0 });
      assert.equal(report.events, 2);
      assert.deepEqual(
        report.skipped.map((s) => [path.relative(top, s.path), s.reason]),
        [
          [path.join('a', 'up', 'c'), 'folder already visited (symbolic link loop)'],
          ['b', 'folder already visited (symbolic link loop)'],
        ],
      );
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it("keeps each folder's source when several folders share a run of files", async () => {
    const a = path.join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2024', '05');
    const b = path.join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', 'eu-west-1', '2024', '05', '01');
    const here = new EventStore();
    const there = new EventStore();
    assert.deepEqual(await loadFiles([a, b], there, { workers: 2 }), await loadFiles([a, b], here, { workers: 0 }));
    assert.deepEqual(cells(there), cells(here));
    const sources = new Set<string>();
    for (let row = 0; row < there.size; row++) sources.add(there.value(row, 'source'));
    assert.deepEqual([...sources].sort(), ['01', '05']);
  });
});
