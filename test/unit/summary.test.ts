/**
 * core/summary.ts over hand-made CloudTrail records read by the real file reader: groups, first and
 * last seen, exact distinct counts and top values, error rate, notable actions (burst and new, by
 * their documented rules), `accessKey` as the raw path it stands for, hostile values, and 100,000
 * groups read page by page.
 */
import assert from 'node:assert/strict';
import type { DerivedField } from '../../src/core/derived';
import { EventStore, type StoreColumn } from '../../src/core/store';
import { NOTABLE_RULES, Summary, summarize, SUMMARY_FACETS } from '../../src/core/summary';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';

type Rec = Record<string, unknown>;

const T0 = Date.UTC(2024, 4, 1, 0, 0, 0);
const MIN = 60_000;
const H = 3_600_000;

let seq = 0;
function rec(user: string, action: string, atMs: number, more: { ip?: string; region?: string; key?: string; agent?: string; error?: string } = {}): Rec {
  return {
    eventVersion: '1.08',
    eventID: `ev-${++seq}`,
    eventTime: new Date(atMs).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: action,
    awsRegion: more.region ?? 'eu-west-1',
    sourceIPAddress: more.ip ?? '203.0.113.10',
    userAgent: more.agent ?? 'aws-cli/2.15.0',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}`, accountId: '111122223333', userName: user, ...(more.key ? { accessKeyId: more.key } : {}) },
    ...(more.error ? { errorCode: more.error, errorMessage: 'no' } : {}),
    recipientAccountId: '111122223333',
  };
}

function storeOf(records: Rec[], derived?: readonly DerivedField[]): EventStore {
  const store = new EventStore(derived ? { derivedFields: derived } : {});
  const r = readLogBuffer('summary.json', Buffer.from(JSON.stringify({ Records: records })), 'summary-test');
  assert.deepEqual(r.problems, []);
  assert.ok(r.batch);
  store.appendBatch(r.batch);
  return store;
}

const all = (store: EventStore) => store.query('').order;
const arn = (u: string) => `arn:aws:iam::111122223333:user/${u}`;

describe('summary: events grouped by a field (issue 15, part 3)', () => {
  it('one group per value: events, first and last seen, errors and error rate, exact distinct counts and top values', () => {
    const store = storeOf([
      rec('alice', 'GetObject', T0, { ip: '198.51.100.1', key: 'AKIAALICE1' }),
      rec('alice', 'GetObject', T0 + 2 * H, { ip: '198.51.100.2', key: 'AKIAALICE1', region: 'us-east-1' }),
      rec('alice', 'PutObject', T0 + 3 * H, { ip: '198.51.100.1', key: 'AKIAALICE2', error: 'AccessDenied', agent: 'boto3/1.0' }),
      rec('bob', 'ListBuckets', T0 + H, { ip: '192.0.2.7' }),
    ]);
    const page = summarize(store, all(store), 'actor');
    assert.equal(page.events, 4);
    assert.equal(page.missing, 0);
    assert.equal(page.distinct, 2);
    assert.deepEqual(page.window, { from: T0, to: T0 + 3 * H });
    const [alice, bob] = page.groups;
    assert.equal(alice.value, arn('alice'));
    assert.equal(alice.events, 3);
    assert.equal(alice.first, T0);
    assert.equal(alice.last, T0 + 3 * H);
    assert.equal(alice.errors, 1);
    assert.equal(alice.errorRate, 1 / 3);
    assert.deepEqual(alice.facets.action, { distinct: 2, top: [{ value: 'GetObject', count: 2 }, { value: 'PutObject', count: 1 }] });
    assert.deepEqual(alice.facets.sourceIp, { distinct: 2, top: [{ value: '198.51.100.1', count: 2 }, { value: '198.51.100.2', count: 1 }] });
    assert.deepEqual(alice.facets.region.top.map((v) => v.value), ['eu-west-1', 'us-east-1']);
    // accessKey is userIdentity.accessKeyId, read from the raw events.
    assert.deepEqual(alice.facets.accessKey, { distinct: 2, top: [{ value: 'AKIAALICE1', count: 2 }, { value: 'AKIAALICE2', count: 1 }] });
    assert.equal(alice.facets.userAgent.distinct, 2);
    assert.deepEqual(Object.keys(alice.facets).sort(), [...SUMMARY_FACETS].sort());
    assert.equal(bob.value, arn('bob'));
    assert.equal(bob.events, 1);
    assert.equal(bob.errorRate, 0);
    assert.deepEqual(bob.facets.accessKey, { distinct: 0, top: [] });
  });

  it('groups by a raw path, by accessKey and by sourceIp; events without a value are counted as missing, in no group', () => {
    const store = storeOf([
      rec('alice', 'GetObject', T0, { key: 'AKIA1', ip: '198.51.100.1' }),
      rec('bob', 'GetObject', T0 + MIN, { key: 'AKIA1', ip: '198.51.100.1' }),
      rec('carol', 'GetObject', T0 + 2 * MIN, { ip: '198.51.100.9' }),
    ]);
    const byKey = summarize(store, all(store), 'accessKey');
    assert.equal(byKey.distinct, 1);
    assert.equal(byKey.missing, 1);
    assert.equal(byKey.groups[0].value, 'AKIA1');
    assert.equal(byKey.groups[0].events, 2);
    const byPath = summarize(store, all(store), 'userIdentity.userName');
    assert.deepEqual(byPath.groups.map((g) => [g.value, g.events]), [['alice', 1], ['bob', 1], ['carol', 1]]);
    const byIp = summarize(store, all(store), 'sourceIp');
    assert.deepEqual(byIp.groups.map((g) => [g.value, g.events]), [['198.51.100.1', 2], ['198.51.100.9', 1]]);
    // A field no event has: no groups, every event missing, nothing thrown.
    const none = summarize(store, all(store), 'userIdentity.nothingHere');
    assert.deepEqual([none.distinct, none.missing, none.groups.length], [0, 3, 0]);
    const time = summarize(store, all(store), 'time');
    assert.deepEqual([time.distinct, time.missing], [0, 3]);
  });

  it('groups by a derived field the way by any other (a stand-in `principal`: the user name, upper-cased)', () => {
    // Not the real principal (other parts of issue 15 derive it): a derived column like it, filled lazily.
    const principal: DerivedField = {
      name: 'principal',
      scope: 'rows',
      kind: 'string',
      fill(store: EventStore, col: StoreColumn, ranges) {
        const user = store.resolveColumn('userIdentity.userName');
        if (user === 'time') throw new Error('unreachable');
        for (const [start, end] of ranges) {
          for (let row = start; row < end; row++) {
            const id = col.dict.intern(user.display(user.ids[row]).toUpperCase());
            col.fitIds();
            col.ids[row] = id;
          }
        }
      },
    };
    const store = storeOf([rec('alice', 'A', T0), rec('alice', 'B', T0 + 1), rec('bob', 'A', T0 + 2)], [principal]);
    const page = summarize(store, all(store), 'principal');
    assert.deepEqual(page.groups.map((g) => [g.value, g.events, g.facets.action.distinct]), [['ALICE', 2, 2], ['BOB', 1, 1]]);
    assert.equal(page.missing, 0);
  });

  it('summarizes only the rows it is given (the current filter), and pages groups most events first, ties by value', () => {
    const store = storeOf([
      rec('dave', 'A', T0),
      rec('carol', 'A', T0 + 1),
      rec('bob', 'A', T0 + 2),
      rec('bob', 'B', T0 + 3),
      rec('alice', 'B', T0 + 4),
    ]);
    const onlyA = summarize(store, store.query('action:A').order, 'actor');
    assert.equal(onlyA.events, 3);
    assert.deepEqual(onlyA.groups.map((g) => [g.value, g.events]), [[arn('bob'), 1], [arn('carol'), 1], [arn('dave'), 1]]);
    const s = new Summary(store, all(store), 'actor');
    assert.equal(s.distinct, 4);
    assert.deepEqual(s.page({ offset: 0, limit: 2 }).groups.map((g) => g.value), [arn('bob'), arn('alice')]);
    assert.deepEqual(s.page({ offset: 2, limit: 2 }).groups.map((g) => g.value), [arn('carol'), arn('dave')]);
    assert.deepEqual(s.page({ offset: 4, limit: 2 }).groups, []);
    // The order the rows come in (a sort by action) changes nothing.
    const sorted = summarize(store, store.query('', { sort: { field: 'action', dir: 'desc' } }).order, 'actor', { limit: 10 });
    assert.deepEqual(sorted, s.page({ limit: 10 }));
  });

  it('notable actions: a burst within a long activity, and an action first seen in the last quarter of the window', () => {
    const records: Rec[] = [];
    // alice works all day (24 h window): GetObject every hour.
    for (let h = 0; h <= 24; h++) records.push(rec('alice', 'GetObject', T0 + h * H));
    // ...and 5 ListBuckets within 4 minutes at 10:00: a burst.
    for (let m = 0; m < 5; m++) records.push(rec('alice', 'ListBuckets', T0 + 10 * H + m * MIN));
    // ...and CreateAccessKey twice at 20:00 and 21:00: first seen late (after 18:00).
    records.push(rec('alice', 'CreateAccessKey', T0 + 20 * H), rec('alice', 'CreateAccessKey', T0 + 21 * H));
    // ...and DeleteTrail at 2:00 and 22:00: late too, but not first seen late.
    records.push(rec('alice', 'DeleteTrail', T0 + 2 * H), rec('alice', 'DeleteTrail', T0 + 22 * H));
    // ...and 2 DescribeX within a minute: under burstMin, no burst.
    records.push(rec('alice', 'DescribeX', T0 + 5 * H), rec('alice', 'DescribeX', T0 + 5 * H + MIN));
    // bob appears only late, with 3 quick calls: his actions are not "new" (he is new), nor a burst (he was active 2 min).
    for (let m = 0; m < 3; m++) records.push(rec('bob', 'GetObject', T0 + 23 * H + m * MIN));
    // carol: a burst of 3 at the edge (exactly burstMs apart) over a day's activity.
    records.push(rec('carol', 'Ping', T0), rec('carol', 'Ping', T0 + 24 * H));
    for (const dt of [0, 5 * MIN, NOTABLE_RULES.burstMs]) records.push(rec('carol', 'Burst', T0 + 3 * H + dt));
    const store = storeOf(records);
    const page = summarize(store, all(store), 'actor');
    const by = new Map(page.groups.map((g) => [g.value, g]));
    const alice = by.get(arn('alice'));
    assert.ok(alice);
    assert.deepEqual(alice.notable, [
      { action: 'ListBuckets', count: 5, first: T0 + 10 * H, last: T0 + 10 * H + 4 * MIN, burst: true, new: false },
      { action: 'CreateAccessKey', count: 2, first: T0 + 20 * H, last: T0 + 21 * H, burst: false, new: true },
    ]);
    assert.equal(alice.notableCount, 2);
    assert.deepEqual(by.get(arn('bob'))?.notable, []);
    assert.deepEqual(by.get(arn('carol'))?.notable.map((n) => [n.action, n.burst, n.new]), [['Burst', true, false]]);
    // Rules are options: a wider late part makes DeleteTrail... still not new (first seen at 2:00); a stricter burst drops carol's.
    const strict = summarize(store, all(store), 'actor', { rules: { burstMs: 5 * MIN } });
    assert.deepEqual(strict.groups.find((g) => g.value === arn('carol'))?.notable, []);
    // notableMax caps the list, the count stays true.
    const capped = summarize(store, all(store), 'actor', { notableMax: 1 });
    const ca = capped.groups.find((g) => g.value === arn('alice'));
    assert.deepEqual([ca?.notable.length, ca?.notableCount], [1, 2]);
  });

  it('hostile values stay exactly as they were: huge strings, control characters, markup', () => {
    const huge = 'A'.repeat(200_000);
    const ctrl = 'evil\u001b[31m\u0000\r\n<img src=x onerror=alert(1)>\u202e';
    const store = storeOf([rec(huge, 'GetObject', T0, { agent: ctrl }), rec(ctrl, ctrl, T0 + 1, { agent: huge, key: ctrl })]);
    const page = summarize(store, all(store), 'actor');
    assert.deepEqual(page.groups.map((g) => g.value).sort(), [arn(ctrl), arn(huge)].sort());
    const g = page.groups.find((x) => x.value === arn(ctrl));
    assert.equal(g?.facets.action.top[0].value, ctrl);
    assert.equal(g?.facets.userAgent.top[0].value, huge);
    assert.equal(g?.facets.accessKey.top[0].value, ctrl);
  });

  it('100,000 groups: ranked once, read page by page, each page bounded by its limit and top', () => {
    const records: Rec[] = [];
    const N = 100_000;
    for (let i = 0; i < N; i++) records.push(rec(`u${i}`, `Act${i % 7}`, T0 + i * 1000, { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, agent: `agent-${i}` }));
    // One user with many distinct values: its facets list `top`, count them all.
    for (let i = 0; i < 5000; i++) records.push(rec('busy', `Act${i}`, T0 + i, { agent: `a-${i}` }));
    const store = storeOf(records);
    const s = new Summary(store, all(store), 'actor');
    assert.equal(s.distinct, N + 1);
    const first = s.page({ offset: 0, limit: 50, top: 3 });
    assert.equal(first.groups.length, 50);
    assert.equal(first.groups[0].value, arn('busy'));
    assert.equal(first.groups[0].facets.action.distinct, 5000);
    assert.equal(first.groups[0].facets.userAgent.distinct, 5000);
    assert.equal(first.groups[0].facets.action.top.length, 3);
    for (const g of first.groups) for (const f of SUMMARY_FACETS) assert.ok(g.facets[f].top.length <= 3);
    const last = s.page({ offset: N, limit: 50 });
    assert.equal(last.groups.length, 1);
    // Every group read page by page adds up to every event.
    let events = 0;
    let groups = 0;
    for (let off = 0; off < s.distinct; off += 20_000) {
      const p = s.page({ offset: off, limit: 20_000, top: 1, notableMax: 0 });
      groups += p.groups.length;
      for (const g of p.groups) events += g.events;
    }
    assert.equal(groups, N + 1);
    assert.equal(events, N + 5000);
  });
});
