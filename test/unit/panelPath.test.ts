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
import { DidChangeStateNotification, DidLoadProgressNotification, DidQueryNotification, DidTimeNotification, type QueryResult, type RowsResult, type ViewState } from '../../src/protocol';
import { columnSampleRows } from '../../src/session/columnSample';
import { LoadTicker } from '../../src/session/loadTicker';
import { FakeClock } from '../support/fakeClock';
import { NODE_IO } from '../../src/session/nodeIo';
import { PanelSession } from '../../src/session/panelSession';
import { SourceSet } from '../../src/session/sourceSet';
import { RecordingHost, send, until } from '../support/sessionHost';

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

describe('panel path (issue 14): the first rows in the answer to ready', () => {
  let dir = '';
  before(() => {
    dir = writeFolder();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const SAVED: ViewState = { filter: 'action:GetObject', sort: { field: 'time', dir: 'desc' }, columns: ['time', 'principal', 'action'] };
  /** The notifications posted since `from`, without the timings. */
  const notes = (host: RecordingHost, from = 0) => host.posted.slice(from).filter((p) => p.completionId === undefined && p.method !== DidTimeNotification.method);
  const rowsOf = (session: PanelSession, p: { queryId: number; offset: number; limit: number; columns: string[] }) => session.handlers.RowsRequest(p) as RowsResult;

  it('ready naming its query: the state, then that query\'s result in the host\'s view, carrying the grid\'s first rows (no round trip for them)', async () => {
    const host = new RecordingHost();
    const session = new PanelSession(host, { io: NODE_IO, paths: [path.join(dir, 'logs')], view: SAVED });
    await session.load();
    const from = host.posted.length;
    await send(session, host, 'ReadyCommand', { queryId: 3, window: { offset: 0, limit: 200 } });
    const sent = notes(host, from);
    assert.deepEqual(sent.map((p) => p.method), [DidChangeStateNotification.method, DidQueryNotification.method]);
    assert.deepEqual((sent[0]!.params as { view: ViewState }).view, SAVED);
    const r = sent[1]!.params as QueryResult;
    assert.equal(r.queryId, 3);
    assert.equal(r.count, Math.ceil((FILES * PER_FILE) / 3), 'the saved filter (every third event is a GetObject)');
    // The grid's own columns: the principal's tooltip needs the actor.
    const columns = ['time', 'principal', 'action', 'actor'];
    assert.ok(r.rows);
    assert.deepEqual(r.rows.columns, columns);
    assert.equal(r.rows.offset, 0);
    assert.equal(r.rows.rows.length, 200);
    assert.deepEqual(r.rows.rows, rowsOf(session, { queryId: 3, offset: 0, limit: 200, columns }).rows, 'the rows a RowsRequest would get');
    assert.ok(r.rows.rows.every((row) => row.cells[2] === 'GetObject'));
    session.dispose();
  });

  it('ready with the webview\'s own view (a panel shown again): its filter, sort and window, and every rerun while loading carries that window', async () => {
    const host = new RecordingHost();
    const session = new PanelSession(host, { io: NODE_IO, paths: [path.join(dir, 'logs')], view: SAVED, ticker: { intervalMs: 1 } });
    const view = { filter: 'action:PutObject', sort: { field: 'time', dir: 'asc' as const }, columns: ['time', 'action'] };
    await send(session, host, 'ReadyCommand', { queryId: 7, view, window: { offset: 200, limit: 200 } });
    await session.load();
    const results = host.notes(DidQueryNotification).filter((r) => r.queryId === 7);
    assert.ok(results.length >= 2, `${results.length} results`);
    for (const r of results) {
      assert.ok(r.rows, 'every result of the query carries its window');
      assert.equal(r.rows.offset, 200);
      assert.deepEqual(r.rows.columns, ['time', 'action']);
      assert.equal(r.rows.rows.length, Math.max(0, Math.min(200, r.count - 200)));
    }
    const last = results[results.length - 1]!;
    assert.equal(last.count, Math.floor((FILES * PER_FILE) / 3));
    assert.deepEqual(last.rows!.rows, rowsOf(session, { queryId: 7, offset: 200, limit: 200, columns: ['time', 'action'] }).rows);
    const times = last.rows!.rows.map((row) => row.cells[0] as number);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first, as the view asked');
    assert.equal(session.viewState.filter, 'action:PutObject');
    session.dispose();
  });

  it('a window the protocol does not allow is refused; a bad filter or a window past the end carries no rows', async () => {
    const host = new RecordingHost();
    const session = new PanelSession(host, { io: NODE_IO, paths: [path.join(dir, 'logs')] });
    await session.load();
    const from = host.posted.length;
    await send(session, host, 'ReadyCommand', { queryId: 1, window: { offset: 0, limit: 5000 } });
    await send(session, host, 'ReadyCommand', { queryId: 1, view: { filter: '', sort: { field: 'time', dir: 'desc' }, columns: [] } });
    assert.equal(host.posted.length, from, 'nothing answered');
    assert.equal(host.logged.warn.filter((w) => /rejected \(ready\)/.test(w)).length, 2);
    const columns = ['time'];
    await send(session, host, 'QueryCommand', { queryId: 2, filter: 'action:(', sort: { field: 'time', dir: 'desc' }, window: { offset: 0, limit: 200, columns } });
    const bad = host.last(DidQueryNotification);
    assert.ok(bad.error);
    assert.equal(bad.rows, undefined);
    await send(session, host, 'QueryCommand', { queryId: 3, filter: '', sort: { field: 'time', dir: 'desc' }, window: { offset: 20_000, limit: 200, columns } });
    assert.deepEqual(host.last(DidQueryNotification).rows, { queryId: 3, offset: 20_000, rows: [], columns });
    await send(session, host, 'QueryCommand', { queryId: 4, filter: '', sort: { field: 'time', dir: 'desc' } });
    assert.equal(host.last(DidQueryNotification).rows, undefined, 'no window asked, none sent');
    session.dispose();
  });

  it('the host\'s timings: the panel\'s start once its first result went out, the load\'s end once its final state did', async () => {
    const host = new RecordingHost();
    const session = new PanelSession(host, { io: NODE_IO, paths: [path.join(dir, 'logs')], openedAt: 123 });
    await send(session, host, 'ReadyCommand', { queryId: 1, window: { offset: 0, limit: 200 } });
    const first = host.last(DidTimeNotification);
    assert.deepEqual(first.marks.map((m) => m.name), ['open', 'ready', 'first-result']);
    assert.equal(first.marks[0]!.at, 123);
    await session.load();
    // Sent once the final state was delivered (the host's post settled).
    await until(() => host.notes(DidTimeNotification).length === 2, 'the timings of the load');
    const last = host.last(DidTimeNotification);
    const names = last.marks.map((m) => m.name);
    for (const n of ['open', 'ready', 'first-result', 'last-batch', 'load-end', 'final-query', 'final-state', 'final-delivered']) assert.ok(names.includes(n), n);
    assert.ok(last.spent?.some((x) => x.name === 'load-ticks' && x.count >= 1), 'the reruns while loading, counted');
    // The final count's state first, without the columns only a sample of events finds; the whole list follows.
    const states = host.notes(DidChangeStateNotification).filter((x) => x.load.done && x.load.events === FILES * PER_FILE);
    assert.equal(states.length, 2);
    assert.ok(!states[0]!.availableColumns.includes('additionalEventData.k3'));
    assert.ok(states[0]!.availableColumns.includes('userIdentity.arn') && states[0]!.availableColumns.includes('action'));
    assert.ok(states[1]!.availableColumns.includes('additionalEventData.k3'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(host.notes(DidTimeNotification).length, 2, 'once for the start, once for the load');
    session.dispose();
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

  it('by default a snapshot that cost t ms is followed by the next no sooner than 20 t later (the reruns hold the load back by at most ~5%)', async () => {
    const set = new SourceSet(NODE_IO);
    const clock = new FakeClock();
    set.on('progress', () => clock.advance(10));
    const at: number[] = [];
    let finals = 0;
    // Each snapshot costs 100 ms (fake): the next comes 2,000 ms later at the earliest.
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
    for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 2100, `snapshots ${at[i]! - at[i - 1]!} ms apart`);
    assert.equal(finals, 1, 'and one last snapshot when the load ends');
  });

  it('waits 2 s at most between snapshots, however long one took (a starved host measures its ticks long)', async () => {
    const set = new SourceSet(NODE_IO);
    const clock = new FakeClock();
    set.on('progress', () => clock.advance(10));
    const at: number[] = [];
    // Each snapshot costs 1,000 ms (fake): 20 × that would be 20 s; the next comes 2 s later.
    const ticker = new LoadTicker(
      set,
      (_s, final) => {
        if (final) return;
        at.push(clock.now());
        clock.t += 1000;
      },
      { clock },
    );
    await set.openPaths([path.join(dir, 'logs')], { workers: 0 });
    ticker.dispose();
    assert.ok(at.length >= 2, `${at.length} snapshots`);
    for (let i = 1; i < at.length; i++) {
      const gap = at[i]! - at[i - 1]!;
      assert.ok(gap >= 3000 && gap <= 3000 + 20, `snapshots ${gap} ms apart (the tick's 1,000 ms, then a 2,000 ms wait)`);
    }
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
