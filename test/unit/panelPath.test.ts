/**
 * Issue 14, the panel path, the parts that run under plain node: what the webview is sent while a
 * folder loads (rows before the load ends, then exactly the store's count), how often the host
 * reruns the query while loading, the rows the column list is read from, and the bench's panel
 * rows (`npm run bench -- --panel`). The timings themselves are the bench's, never a test's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../scripts/bench/args';
import { panelRows, parsePanelLines, summarize } from '../../scripts/bench/panelRows';
import { DidChangeStateNotification, DidLoadProgressNotification, DidQueryNotification } from '../../src/protocol';
import { columnSampleRows } from '../../src/session/columnSample';
import { LoadTicker } from '../../src/session/loadTicker';
import { FakeClock } from '../support/fakeClock';
import { NODE_IO } from '../../src/session/nodeIo';
import { PanelSession } from '../../src/session/panelSession';
import { SourceSet } from '../../src/session/sourceSet';
import { RecordingHost, send } from '../support/sessionHost';

const FILES = 400;
const PER_FILE = 25;

/** FILES log files of PER_FILE events; every event has `additionalEventData.k<i % 7>`. */
function writeFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ale-panelpath-'));
  mkdirSync(path.join(dir, 'logs'));
  for (let f = 0; f < FILES; f++) {
    const records = Array.from({ length: PER_FILE }, (_, j) => {
      const i = f * PER_FILE + j;
      return {
        eventVersion: '1.09',
        eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        eventTime: new Date(Date.UTC(2024, 4, 1) + i * 1_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        eventName: ['GetObject', 'PutObject', 'AssumeRole'][i % 3],
        eventSource: 's3.amazonaws.com',
        awsRegion: ['us-east-1', 'eu-west-1'][i % 2],
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${i % 5}` },
        additionalEventData: { [`k${i % 7}`]: i },
      };
    });
    writeFileSync(path.join(dir, 'logs', `111122223333_CloudTrail_us-east-1_20240501T${String(f).padStart(4, '0')}Z_x.json`), JSON.stringify({ Records: records }));
  }
  return dir;
}

describe('panel path (issue 14): what the webview is sent while a folder loads', () => {
  let dir = '';
  before(() => {
    dir = writeFolder();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows rows before the load ends, and ends on the store\'s exact count with the load done', async () => {
    const host = new RecordingHost();
    const session = new PanelSession(host, { io: NODE_IO, paths: [path.join(dir, 'logs')], ticker: { intervalMs: 1 } });
    // The webview is up and asks for everything (its first query) before the load starts.
    await send(session, host, 'ReadyCommand', {});
    await send(session, host, 'QueryCommand', { queryId: 1, filter: '', sort: { field: 'time', dir: 'desc' } });
    // What the grid would ask on each result that arrives while loading: the first window of rows.
    const windows: Array<{ total: number; rows: number; loading: boolean }> = [];
    const origPost = host.post.bind(host);
    host.post = (method, params, completionId) => {
      origPost(method, params, completionId);
      if (method === DidQueryNotification.method && completionId === undefined) {
        const r = params as { queryId: number; total: number };
        const rows = session.handlers.RowsRequest({ queryId: r.queryId, offset: 0, limit: 50, columns: ['time', 'action'] }) as { rows: unknown[] };
        windows.push({ total: r.total, rows: rows.rows.length, loading: session.sources.loading });
      }
    };
    await session.load();
    const size = session.sources.store.size;
    assert.equal(size, FILES * PER_FILE);

    const during = windows.filter((w) => w.loading);
    assert.ok(during.some((w) => w.rows > 0 && w.total < size), `rows before the end: ${JSON.stringify(windows)}`);
    assert.ok(host.notes(DidLoadProgressNotification).length >= 1, 'progress while loading');
    const last = host.last(DidQueryNotification);
    assert.equal(last.queryId, 1);
    assert.equal(last.count, size);
    assert.equal(last.total, size);
    const state = host.last(DidChangeStateNotification);
    assert.equal(state.load.done, true);
    assert.equal(state.load.events, size);
    assert.equal(state.summary?.events, size);
    // The final state comes after the final result: the count is never shown as done before it is.
    const order = host.posted.map((p) => p.method);
    assert.ok(order.lastIndexOf(DidChangeStateNotification.method) > order.lastIndexOf(DidQueryNotification.method));
    session.dispose();
  });

  it('offers every field of a big store as a column (runs of neighbours read, each block once)', async () => {
    const set = new SourceSet(NODE_IO);
    await set.openPaths([path.join(dir, 'logs')], { workers: 0 });
    assert.ok(set.store.size > 2000);
    const cols = set.availableColumns();
    for (let k = 0; k < 7; k++) assert.ok(cols.includes(`additionalEventData.k${k}`), `additionalEventData.k${k}`);
    assert.ok(cols.includes('userIdentity.arn'));
    assert.equal(new Set(cols).size, cols.length);
  });
});

describe('panel path (issue 14): the rows the column list is read from', () => {
  it('every row of a small store', () => {
    assert.deepEqual([...columnSampleRows(5, 2000)], [0, 1, 2, 3, 4]);
    assert.equal(columnSampleRows(2000, 2000).length, 2000);
    assert.equal(columnSampleRows(0).length, 0);
  });

  it('runs of neighbours spread over a big one: as many rows as asked, ascending, each once, from the first share to the last', () => {
    const size = 1_000_000;
    const rows = columnSampleRows(size, 2000, 50);
    assert.equal(rows.length, 2000);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]! > rows[i - 1]!, `ascending at ${i}`);
    assert.ok(rows[rows.length - 1]! < size);
    assert.equal(rows[0], 0);
    assert.ok(rows[rows.length - 1]! >= size - size / 40, 'the last run is in the last share');
    // Runs: 40 starts, each followed by 49 neighbours.
    let starts = 0;
    for (let i = 0; i < rows.length; i++) if (i === 0 || rows[i] !== rows[i - 1]! + 1) starts++;
    assert.equal(starts, 40);
    // Just above the sample size the runs still fit without overlapping.
    const tight = columnSampleRows(2001, 2000, 50);
    assert.equal(new Set(tight).size, 2000);
    assert.ok(tight[tight.length - 1]! < 2001);
  });
});

describe('panel path (issue 14): the reruns while loading', () => {
  let dir = '';
  before(() => {
    dir = writeFolder();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('by default a snapshot that cost t ms is followed by the next no sooner than 10 t later (the reruns hold the load back by at most ~9%)', async () => {
    const set = new SourceSet(NODE_IO);
    const clock = new FakeClock();
    set.on('progress', () => clock.advance(10));
    const at: number[] = [];
    let finals = 0;
    // Each snapshot costs 100 ms (fake): the next comes 1,000 ms later at the earliest.
    const ticker = new LoadTicker(
      set,
      (_s, final) => {
        if (final) {
          finals++;
          return;
        }
        at.push(clock.now());
        clock.t += 100;
      },
      { clock },
    );
    await set.openPaths([path.join(dir, 'logs')], { workers: 0 });
    ticker.dispose();
    assert.ok(at.length >= 2, `${at.length} snapshots`);
    assert.ok(at[0]! <= 20, `the first progress shows at once (the first rows), not at ${at[0]!} ms`);
    for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 1100, `snapshots ${at[i]! - at[i - 1]!} ms apart`);
    assert.equal(finals, 1, 'and one last snapshot when the load ends');
  });
});

describe('panel path (issue 14): the bench\'s panel rows', () => {
  const out = [
    'noise',
    JSON.stringify({ name: 'cli-stats', set: 'big', round: 1, ms: 6000, events: 1000 }),
    JSON.stringify({ name: 'panel', set: 'big', round: 1, firstRowsMs: 900, finalMs: 7000, total: 1000 }),
    JSON.stringify({ name: 'cli-stats', set: 'big', round: 2, ms: 8000, events: 1000 }),
    JSON.stringify({ name: 'panel', set: 'big', round: 2, firstRowsMs: 1300, finalMs: 9000, total: 1000 }),
    JSON.stringify({ name: 'cli-stats', set: 'big', round: 3, ms: 7000, events: 1000 }),
    JSON.stringify({ name: 'panel', set: 'big', round: 3, firstRowsMs: 1100, finalMs: 8000, total: 1000 }),
    JSON.stringify({ name: 'panel', set: 'small', round: 1, firstRowsMs: null, finalMs: 2000, total: 9 }),
    '{"not": "ours"}',
  ].join('\n');

  it('--panel is a flag of the bench; without it the bench is as it was', () => {
    assert.equal(parseArgs(['--panel']).panel, true);
    assert.equal(parseArgs([]).panel, false);
    assert.equal(parseArgs(['--set', 'small', '--panel', '--repeat', '1']).set, 'small');
  });

  it('takes medians per set and rates them against the targets (first rows ≤ 1 s, final ≤ 1.2× the CLI)', () => {
    const lines = parsePanelLines(out);
    assert.equal(lines.length, 7);
    const big = summarize(lines, 'big', 1000);
    assert.deepEqual(big, { set: 'big', mismatches: [], firstRowsMs: 1100, finalMs: 8000, cliMs: 7000 });
    const [first, final] = panelRows(big);
    assert.equal(first!.met, false);
    assert.equal(first!.value, '1.10 s');
    assert.equal(final!.met, true, '8 s / 7 s = 1.14×');
    assert.match(final!.ratio, /^1\.14× CLI `stats`/);
  });

  it('says every count that differs from the data set\'s, and what it could not measure', () => {
    const small = summarize(parsePanelLines(out), 'small', 10);
    assert.deepEqual(small.mismatches, ['small round 1: the panel counted 9 events, expected 10']);
    const [first, final] = panelRows(small);
    assert.equal(first!.measured, false);
    assert.equal(final!.measured, false, 'no CLI run for this set');
  });
});
