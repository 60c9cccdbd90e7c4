/**
 * Issue 12, items 19, 21 and 22 (the panel's flow), the parts that run under plain node: what makes
 * two opened sources the same (19), the host's throttled view updates while loading (21) and the
 * load summary the panel shows (22).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NODE_IO } from '../../src/session/nodeIo';
import { SourceSet, type LoadStatus } from '../../src/session/sourceSet';
import { loadSummary, summaryText } from '../../src/session/loadSummary';
import { LoadTicker } from '../../src/session/loadTicker';
import { FakeClock } from '../support/fakeClock';
import { dedupeRecent, normalizePath, pathSetKey, recentKey } from '../../src/vscode/sourceKey';

describe('trust (item 19): one identity per opened source', () => {
  it('a folder written with a trailing slash, ./ or .. is the same folder', () => {
    assert.equal(normalizePath('/logs/a/'), '/logs/a');
    assert.equal(normalizePath('/logs/./b/../a//'), '/logs/a');
    assert.equal(pathSetKey(['/logs/a/', '/logs/b']), pathSetKey(['/logs/b', '/logs/a', '/logs/./a']));
    assert.notEqual(pathSetKey(['/logs/a']), pathSetKey(['/logs/a', '/logs/b']));
    assert.equal(pathSetKey([]), undefined, 'live panels have no paths and are never merged');
  });

  it('Recent keeps the newest entry per folder, and queries apart from paths', () => {
    const items = [
      { kind: 'folder', path: '/logs/samples/', label: 'samples', openedAt: 3 },
      { kind: 'folder', path: '/logs/samples', label: 'samples', openedAt: 2 },
      { kind: 'query', path: 'acct-1:/logs/samples', label: 'q', openedAt: 1 },
      { kind: 'file', path: '/logs/a.json', label: 'a.json', openedAt: 0 },
    ];
    assert.deepEqual(
      dedupeRecent(items).map((x) => x.openedAt),
      [3, 1, 0],
    );
    assert.notEqual(recentKey({ kind: 'query', path: '/x' }), recentKey({ kind: 'folder', path: '/x' }));
  });
});

// ---- item 21: one throttled snapshot for every view while loading ------------------------------------

const FILES = 240;

/** A folder like a trail's: FILES small files (every 10th repeats an event), one broken, one digest. */
function writeTrail(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ale-panelflow-'));
  const rec = (i: number) => ({
    eventVersion: '1.09',
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: new Date(Date.UTC(2024, 4, 1) + i * 37_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    eventName: ['GetObject', 'PutObject', 'AssumeRole', 'DeleteBucket'][i % 4],
    eventSource: ['s3.amazonaws.com', 'sts.amazonaws.com'][i % 2],
    awsRegion: ['us-east-1', 'eu-west-1', 'ap-south-1'][i % 3],
    sourceIPAddress: `10.0.${i % 7}.${i % 250}`,
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${i % 5}` },
    recipientAccountId: '111122223333',
  });
  mkdirSync(path.join(dir, 'logs'));
  for (let f = 0; f < FILES; f++) {
    const records = [rec(f * 3), rec(f * 3 + 1), rec(f % 10 === 0 && f > 0 ? (f - 10) * 3 : f * 3 + 2)];
    writeFileSync(path.join(dir, 'logs', `111122223333_CloudTrail_us-east-1_20240501T${String(f).padStart(4, '0')}Z_x.json`), JSON.stringify({ Records: records }));
  }
  writeFileSync(path.join(dir, 'logs', 'broken.json'), '{"Records": [{"eventID": "x", "eventTime": ');
  const digest = '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T110000Z.json';
  copyFileSync(path.resolve(__dirname, '../../../test/fixtures/malformed', digest), path.join(dir, 'logs', digest));
  return dir;
}

/** What the panel sends for a query: the count, the first rows, the facets and the histogram. */
function viewOf(set: SourceSet) {
  const r = set.query({ filter: '', sort: { field: 'time', dir: 'desc' } });
  assert.ok(r.ok);
  return {
    count: r.view.count,
    total: set.store.size,
    rows: r.view.rows(0, 50, ['time', 'action', 'actor', 'sourceIp', 'region']),
    facets: r.view.facets(['action', 'actor', 'sourceIp', 'region', 'service'], 10),
    histogram: r.view.histogram(),
  };
}

describe('trust (item 21): the load ticker', () => {
  let dir = '';
  before(() => {
    dir = writeTrail();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('turns one progress per file into a few snapshots, each the store at that moment, and ends on exactly the non-progressive result', async () => {
    const set = new SourceSet(NODE_IO);
    const clock = new FakeClock();
    let progress = 0;
    // Each file merged takes 10 ms of (fake) time: ~2.4 s in all, so ~10 snapshots at 250 ms.
    set.on('progress', () => {
      progress++;
      clock.advance(10);
    });
    const ticks: Array<{ snapshot: LoadStatus; final: boolean; size: number; view: ReturnType<typeof viewOf> }> = [];
    const ticker = new LoadTicker(set, (snapshot, final) => ticks.push({ snapshot, final, size: set.store.size, view: viewOf(set) }), { intervalMs: 250, clock });
    await set.openPaths([dir], { workers: 0 });
    ticker.dispose();

    assert.ok(progress >= FILES, `${progress} progress events`);
    const during = ticks.filter((t) => !t.final);
    assert.ok(during.length >= 3 && during.length <= progress / 10, `${during.length} snapshots for ${progress} progress events`);
    assert.equal(ticks.filter((t) => t.final).length, 1);
    assert.equal(ticks[ticks.length - 1].final, true);
    for (const t of ticks) {
      // One count: the snapshot is what the rerun query counted.
      assert.equal(t.snapshot.events, t.size);
      assert.equal(t.view.total, t.size);
    }
    for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i].snapshot.events >= ticks[i - 1].snapshot.events);
    assert.ok(during.some((t) => t.view.count > 0 && t.view.rows.length > 0 && Object.keys(t.view.facets).length > 0 && t.view.histogram.counts.length > 0 && t.size < set.store.size), 'rows, facets and histogram before the end');
    const last = ticks[ticks.length - 1];
    assert.equal(last.snapshot.done, true);

    const whole = new SourceSet(NODE_IO);
    await whole.openPaths([dir], { workers: 0 });
    assert.deepEqual(last.view, viewOf(whole), 'the last snapshot shows what a load never shown in progress shows');
  });

  it('waits longer between snapshots when one costs more, so refreshing never takes over the host', async () => {
    const set = new SourceSet(NODE_IO);
    const clock = new FakeClock();
    set.on('progress', () => clock.advance(10));
    const at: number[] = [];
    // Each snapshot costs 100 ms (fake): with costFactor 4 the next comes 400 ms later at the earliest.
    const ticker = new LoadTicker(
      set,
      (_s, final) => {
        if (final) return;
        at.push(clock.now());
        clock.t += 100;
      },
      { intervalMs: 250, costFactor: 4, clock },
    );
    await set.openPaths([dir], { workers: 0 });
    ticker.dispose();
    assert.ok(at.length >= 2, `${at.length} snapshots`);
    for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= 500, `snapshots ${at[i] - at[i - 1]} ms apart`);
  });
});

describe('trust (item 22): the load summary', () => {
  let dir = '';
  before(() => {
    dir = writeTrail();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts events, duplicates merged, files skipped and problems as the load reports them, with the time', async () => {
    const set = new SourceSet(NODE_IO);
    const [report] = await set.openPaths([dir], { workers: 0 });
    const s = loadSummary(set.sources, set.store.size, set.problems().length, set.status);
    assert.equal(s.events, FILES * 3 - (FILES / 10 - 1));
    assert.equal(s.duplicates, FILES / 10 - 1);
    assert.equal(s.duplicates, report.duplicates);
    assert.equal(s.skipped, 1, 'the digest');
    assert.ok(s.problems >= 1, 'the broken file');
    assert.equal(s.problems, report.errors.length);
    assert.equal(s.cancelled, false);
    assert.equal(typeof s.ms, 'number', 'the load time is measured');
    // The time is shown; its value is never asserted, only its form.
    assert.match(summaryText(s), new RegExp(`^${s.events.toLocaleString('en-US')} events · ${s.duplicates} duplicates merged · 1 file skipped · ${s.problems} problems? · \\d+\\.\\d s$`));
    assert.equal(set.sources[0].ms !== undefined, true, 'each source has its own time');
  });
});
