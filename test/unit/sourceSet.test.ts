import assert from 'node:assert/strict';
import * as path from 'node:path';
import { AuditEventBatch } from '../../src/core/eventBatch';
import { ApiError } from '../../src/core/errors';
import type { LiveProvider } from '../../src/providers/provider';
import { NODE_IO } from '../../src/session/nodeIo';
import { SourceSet } from '../../src/session/sourceSet';

/** A provider that serves `pages` pages of 10 events and then, if asked, fails the way an API does. */
function pagedProvider(pages: number, failAfter?: number): LiveProvider {
  return {
    id: 'controlplane',
    displayName: 'Test pages',
    validate: () => Promise.resolve('ok'),
    async fetch(account, _secret, _query, sink, signal) {
      let events = 0;
      for (let p = 1; p <= pages; p++) {
        if (signal?.aborted) return { pages: p - 1, events, pushDown: { sentToApi: [], localFilter: '' }, cancelled: true };
        if (failAfter !== undefined && p > failAfter) {
          const stoppedBy = new ApiError({ kind: 'server', provider: 'controlplane', url: 'http://127.0.0.1/x', status: 500, message: `server error (500) at page ${p}` });
          return { pages: p - 1, events, pushDown: { sentToApi: [], localFilter: '' }, stoppedBy, cancelled: false };
        }
        const b = new AuditEventBatch('controlplane', account.label);
        for (let i = 0; i < 10; i++) {
          const id = `e-${p}-${i}`;
          b.add({ id, time: Date.UTC(2024, 0, 1, 0, p, i), provider: 'controlplane', account: 'org1', action: i % 2 ? 'delete' : 'create', actor: 'bob@example.com', outcome: 'success', raw: { id } }, JSON.stringify({ id }));
        }
        events += 10;
        sink.onBatch(b.build(), { pages: p, events });
      }
      return { pages, events, pushDown: { sentToApi: ['time range'], localFilter: '' }, cancelled: false };
    },
  };
}

const fixtures = path.resolve(__dirname, '../../../test/fixtures');

describe('SourceSet', () => {
  it('opens several paths into one store, one source each, with progress and problems', async () => {
    const set = new SourceSet(NODE_IO);
    const progress: number[] = [];
    const listed: string[][] = [];
    set.on('progress', (s: { files: number }) => {
      progress.push(s.files);
      listed.push(set.sources.map((x) => x.label));
    });
    let loaded = 0;
    set.on('loaded', () => loaded++);
    await set.openPaths([path.join(fixtures, 'shapes'), path.join(fixtures, 'malformed', 'truncated.json')], { workers: 0 });
    assert.equal(loaded, 1);
    assert.deepEqual(set.sources.map((s) => s.label), ['shapes', 'truncated.json']);
    // Both are listed from the first file on: a panel opened on two paths never shows one "joining" later.
    assert.deepEqual(listed[0], ['shapes', 'truncated.json']);
    assert.ok(progress.length >= 3 && progress.at(-1) === 3, `progress ${progress}`);
    assert.equal(set.store.query('source:shapes').count, 3);
    const problems = set.problems();
    assert.equal(problems.length, 1);
    assert.match(problems[0].path, /truncated\.json$/);
    assert.ok(problems[0].line && problems[0].line > 1);
    // The load's time is shown to the person (its value is never asserted).
    const { ms, ...status } = set.status;
    assert.equal(typeof ms, 'number');
    assert.deepEqual(status, { files: 3, filesTotal: 3, events: set.store.size, done: true, cancelled: false });
  });

  it('adds the timeline range to the filter, and reports a bad filter instead of throwing', async () => {
    const set = new SourceSet(NODE_IO);
    await set.openPaths([path.join(fixtures, 'shapes')], { workers: 0 });
    const all = set.query({ filter: '', sort: { field: 'time', dir: 'asc' } });
    assert.ok(all.ok && all.view.count === 3);
    const day = set.query({ filter: '', sort: { field: 'time', dir: 'asc' }, timeRange: { from: Date.UTC(2024, 4, 1), to: Date.UTC(2024, 4, 1, 10, 30) } });
    assert.ok(day.ok && day.view.count === 1);
    const both = set.query({ filter: 'action:ConsoleLogin', sort: { field: 'time', dir: 'asc' }, timeRange: { from: Date.UTC(2024, 4, 1) } });
    assert.ok(both.ok && both.view.count === 1);
    const bad = set.query({ filter: 'action:(', sort: { field: 'time', dir: 'asc' } });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.ok(bad.error.span.end > bad.error.span.start);
  });

  it('reads a path again (Refresh) without listing it twice or counting old events as new', async () => {
    const set = new SourceSet(NODE_IO);
    const dir = path.join(fixtures, 'shapes');
    await set.openPaths([dir], { workers: 0 });
    const again = await set.openPaths([dir], { workers: 0 });
    assert.equal(set.sources.length, 1);
    assert.equal(again[0].events, 0);
    assert.equal(again[0].duplicates, 3);
    assert.equal(set.sources[0].report?.events, 3);
    assert.equal(set.sources[0].report?.duplicates, 0);
    assert.equal(set.store.size, 3);
  });

  it('fetches a live source page by page into the same store, and keeps the pages before an API error', async () => {
    const set = new SourceSet(NODE_IO);
    const account = { id: 'a1', provider: 'controlplane' as const, label: 'org1 (test)', scope: 'org1' };
    let progressed = 0;
    set.on('progress', () => progressed++);
    const ok = await set.fetchLive(pagedProvider(3), account, 'secret', { filter: '' });
    assert.equal(ok.added, 30);
    assert.equal(progressed, 3);
    assert.equal(set.store.query('provider:controlplane action:delete').count, 15);
    assert.equal(set.store.query('source:"org1 (test)"').count, 30);

    const failing = new SourceSet(NODE_IO);
    const r = await failing.fetchLive(pagedProvider(5, 2), account, 'secret', { filter: '' });
    assert.equal(r.added, 20);
    assert.equal(r.stoppedBy?.kind, 'server');
    assert.equal(failing.store.size, 20);
    assert.deepEqual(failing.problems(), [{ path: 'org1 (test)', message: 'server error (500) at page 3' }]);
  });

  it('offers the normalized fields and every raw path seen as columns', async () => {
    const set = new SourceSet(NODE_IO);
    await set.openPaths([path.join(fixtures, 'shapes')], { workers: 0 });
    const cols = set.availableColumns();
    assert.deepEqual(cols.slice(0, 3), ['time', 'id', 'provider']);
    for (const p of ['userIdentity.arn', 'userIdentity.type', 'eventVersion', 'sourceIPAddress']) assert.ok(cols.includes(p), p);
    assert.equal(new Set(cols).size, cols.length);
  });
});
