/**
 * Issue 12, items 19, 21 and 22 (the panel's flow), the parts that run under plain node: what makes
 * two opened sources the same (19), the host's throttled view updates while loading (21) and the
 * load summary the panel shows (22).
 */
import assert from 'node:assert/strict';
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
