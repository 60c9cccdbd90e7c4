/**
 * Derived fields (src/core/derived.ts): computed from other columns, filled lazily, refilled for new
 * rows (`rows` scope) or for every row (`store` scope) after an append, and never confused with the
 * raw path of the same name.
 */
import assert from 'node:assert/strict';
import type { DerivedField } from '../../src/core/derived';
import { EventStore, type StoreColumn } from '../../src/core/store';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';

type Rec = Record<string, unknown>;

function batchOf(name: string, records: Rec[]) {
  const r = readLogBuffer(name, Buffer.from(JSON.stringify({ Records: records })), 'derived-test');
  assert.deepEqual(r.problems, []);
  assert.ok(r.batch);
  return r.batch;
}

function ev(id: string, action: string, extra: Rec = {}): Rec {
  return { eventID: id, eventTime: '2024-05-01T10:00:00Z', eventName: action, eventSource: 's3.amazonaws.com', ...extra };
}

/** Upper-cases the action; counts the rows it was asked to fill. */
function upperAction(calls: number[]): DerivedField {
  return {
    name: 'shout',
    scope: 'rows',
    kind: 'string',
    fill(store: EventStore, col: StoreColumn, ranges) {
      const action = store.resolveColumn('action');
      if (action === 'time') throw new Error('unreachable');
      for (const [start, end] of ranges) {
        calls.push(end - start);
        for (let row = start; row < end; row++) {
          const id = col.dict.intern(action.dict.values[action.ids[row]].toUpperCase());
          col.fitIds();
          col.ids[row] = id;
        }
      }
    },
  };
}

/** How many events share this event's action across the whole store: changes when others arrive. */
const sameAction: DerivedField = {
  name: 'peers',
  scope: 'store',
  kind: 'string',
  fill(store, col, ranges) {
    const action = store.resolveColumn('action');
    if (action === 'time') throw new Error('unreachable');
    const counts = new Map<number, number>();
    for (let row = 0; row < store.size; row++) counts.set(action.ids[row], (counts.get(action.ids[row]) ?? 0) + 1);
    for (const [start, end] of ranges) {
      for (let row = start; row < end; row++) {
        const id = col.dict.intern(String(counts.get(action.ids[row])));
        col.fitIds();
        col.ids[row] = id;
      }
    }
  },
};

describe('derived fields', () => {
  it('are filtered, sorted and read like any field, filled once, and only new rows after an append', () => {
    const calls: number[] = [];
    const store = new EventStore({ derivedFields: [upperAction(calls)] });
    store.appendBatch(batchOf('a.json', [ev('1', 'GetObject'), ev('2', 'PutObject'), ev('3', 'GetObject')]));
    assert.equal(calls.length, 0, 'nothing is computed before someone asks');
    assert.equal(store.query('shout:GETOBJECT').count, 2);
    assert.equal(store.query('SHOUT:putobject').count, 1, 'name and value match case-insensitively');
    assert.deepEqual(calls, [3]);
    store.query('shout:x');
    assert.deepEqual(calls, [3], 'kept between queries');
    store.appendBatch(batchOf('b.json', [ev('4', 'DeleteObject')]));
    assert.equal(store.value(3, 'shout'), 'DELETEOBJECT');
    assert.deepEqual(calls, [3, 1], 'an append leaves only the new rows to fill');
    assert.ok(store.columnNames().includes('shout'));
    assert.ok(store.hasField('shout'));
  });

  it('of store scope are refilled for every row when events arrive', () => {
    const store = new EventStore({ derivedFields: [sameAction] });
    store.appendBatch(batchOf('a.json', [ev('1', 'GetObject'), ev('2', 'PutObject')]));
    assert.equal(store.query('peers:1').count, 2);
    store.appendBatch(batchOf('b.json', [ev('3', 'GetObject')]));
    assert.equal(store.query('peers:2').count, 2, 'the first GetObject now has a peer');
    assert.equal(store.query('peers:1').count, 1);
  });

  it('fill the rows a worker run appends file by file (appendRows), in both scopes', () => {
    // A run of small files arrives as one batch appended in row ranges: a derived column built
    // before (a facet while loading) must cover those rows too, as after appendBatch.
    const calls: number[] = [];
    const store = new EventStore({ derivedFields: [upperAction(calls), sameAction] });
    const run = batchOf('run.json', [ev('1', 'GetObject'), ev('2', 'PutObject'), ev('3', 'GetObject'), ev('4', 'ListBuckets')]);
    store.appendRows(run, 0, 1);
    assert.equal(store.query('shout:GETOBJECT').count, 1);
    assert.equal(store.query('peers:1').count, 1);
    store.appendRows(run, 1, 3);
    assert.equal(store.size, 3);
    assert.equal(store.value(1, 'shout'), 'PUTOBJECT');
    assert.equal(store.query('shout:GETOBJECT').count, 2, 'the rows of the second range are filled');
    assert.equal(store.query('peers:2').count, 2, 'a store-scope field is refilled for every row');
    store.appendRows(run, 3, 4);
    assert.equal(store.value(3, 'shout'), 'LISTBUCKETS');
    assert.deepEqual(calls, [1, 2, 1], 'only the new rows of each range are filled');
  });

  it('leave raw.<name> to the raw path of the same name', () => {
    const store = new EventStore({ derivedFields: [upperAction([])] });
    store.appendBatch(batchOf('a.json', [ev('1', 'GetObject', { shout: 'from-the-event' })]));
    assert.equal(store.query('shout:GETOBJECT').count, 1);
    assert.equal(store.query('raw.shout:from-the-event').count, 1);
    assert.equal(store.value(0, 'raw.shout'), 'from-the-event');
    assert.equal(store.value(0, 'shout'), 'GETOBJECT');
  });
});
