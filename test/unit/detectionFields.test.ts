/**
 * `level:>=high` in the filter language: Sigma levels compare by their order, other values keep the
 * numeric comparison. (`rule:` and `level:` over a store filled by a real detection run are tested in
 * session.calls.test.ts, DetectionsRequest.)
 */
import assert from 'node:assert/strict';
import { parseQuery, QueryError, type QueryNode } from '../../src/core/query';
import { levelsCompared } from '../../src/core/sigma/detectionFields';

function levelsOf(node: QueryNode): string[] {
  // One level is its match alone (the parser drops an OR of one).
  const children = node.type === 'or' ? node.children : [node];
  return children.map((c) => {
    assert.equal(c.type, 'match');
    const m = c as Extract<QueryNode, { type: 'match' }>;
    assert.equal(m.matcher.kind, 'exact');
    return m.matcher.kind === 'exact' ? m.matcher.value : '';
  });
}

describe('level comparisons in the filter language', () => {
  it('level:>=high is high or critical; >, <, <= and any case follow the same order', () => {
    assert.deepEqual(levelsOf(parseQuery('level:>=high')), ['high', 'critical']);
    assert.deepEqual(levelsOf(parseQuery('level:>medium')), ['high', 'critical']);
    assert.deepEqual(levelsOf(parseQuery('level:<low')), ['informational']);
    assert.deepEqual(levelsOf(parseQuery('Level:<=LOW')), ['informational', 'low']);
    assert.deepEqual(levelsCompared('>', 'critical'), []);
    assert.deepEqual(parseQuery('level:>critical'), { type: 'or', children: [] });
  });

  it('a number still compares as a number; another word is still an error; other fields are untouched', () => {
    assert.equal(parseQuery('level:>=3').type, 'compare');
    assert.throws(() => parseQuery('level:>=severe'), QueryError);
    assert.throws(() => parseQuery('severity:>=high'), QueryError);
  });
});
