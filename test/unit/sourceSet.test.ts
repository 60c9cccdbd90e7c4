import assert from 'node:assert/strict';
import * as path from 'node:path';
import { SourceSet } from '../../src/providers/sourceSet';

const fixtures = path.resolve(__dirname, '../../../test/fixtures');

describe('SourceSet', () => {
  it('opens several paths into one store, one source each, with progress and problems', async () => {
    const set = new SourceSet();
    const progress: number[] = [];
    set.on('progress', (s: { files: number }) => progress.push(s.files));
    let loaded = 0;
    set.on('loaded', () => loaded++);
    await set.openPaths([path.join(fixtures, 'shapes'), path.join(fixtures, 'malformed', 'truncated.json')], { workers: 0 });
    assert.equal(loaded, 1);
    assert.deepEqual(set.sources.map((s) => s.label), ['shapes', 'truncated.json']);
    assert.ok(progress.length >= 3 && progress.at(-1) === 3, `progress ${progress}`);
    assert.equal(set.store.query('source:shapes').count, 3);
    const problems = set.problems();
    assert.equal(problems.length, 1);
    assert.match(problems[0].path, /truncated\.json$/);
    assert.ok(problems[0].line && problems[0].line > 1);
    assert.deepEqual(set.status, { files: 3, filesTotal: 3, events: set.store.size, done: true, cancelled: false });
  });

  it('adds the timeline range to the filter, and reports a bad filter instead of throwing', async () => {
    const set = new SourceSet();
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
    const set = new SourceSet();
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

  it('offers the normalized fields and every raw path seen as columns', async () => {
    const set = new SourceSet();
    await set.openPaths([path.join(fixtures, 'shapes')], { workers: 0 });
    const cols = set.availableColumns();
    assert.deepEqual(cols.slice(0, 3), ['time', 'id', 'provider']);
    for (const p of ['userIdentity.arn', 'userIdentity.type', 'eventVersion', 'sourceIPAddress']) assert.ok(cols.includes(p), p);
    assert.equal(new Set(cols).size, cols.length);
  });
});
