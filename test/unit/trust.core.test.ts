/**
 * Issue 12 (Trust), the core's items: no cap on distinct ids/values (5), typed event ids (9),
 * strict times independent of TZ (6) and `@timestamp` (26), exact big integers (7), free text over
 * decoded strings (8), and globs matched in linear time with bounded filters (11). Work is measured
 * with deterministic counters, never the clock.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { Dictionary } from '../../src/core/dictionary';
import { AuditEventBatch } from '../../src/core/eventBatch';
import type { AuditEvent } from '../../src/core/event';
import { compileGlob, globSteps, matchGlob } from '../../src/core/glob';
import { IdIndex } from '../../src/core/idIndex';
import { MAX_QUERY_LENGTH, MAX_TERMS, QueryError, parseQuery } from '../../src/core/query';
import { EventStore } from '../../src/core/store';
import { StringMap } from '../../src/core/stringMap';
import { parseIsoTime } from '../../src/core/time';
import { loadFiles } from '../../src/providers/logFiles/files';

// Compiled to out/test/unit/: three levels up is the project root.
const ROOT = path.resolve(__dirname, '../../..');

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'trust-core-'));
}

/** A store of events whose raw JSON is exactly `raws` (as a live source would add them). */
function storeOf(raws: string[]): EventStore {
  const b = new AuditEventBatch('cloudtrail', 'test');
  raws.forEach((raw, i) => {
    const ev: AuditEvent = { id: `e${i}`, time: Date.UTC(2024, 4, 1) + i, provider: 'cloudtrail', account: '', action: 'A', actor: '', outcome: 'unknown', raw: null };
    b.add(ev, raw);
  });
  const store = new EventStore();
  store.appendBatch(b.build());
  return store;
}

async function loadText(name: string, text: string): Promise<{ store: EventStore; errors: string[] }> {
  const dir = tmp();
  try {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const store = new EventStore();
    const report = await loadFiles([file], store, { workers: 0 });
    return { store, errors: report.errors.map((e) => e.message) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('trust (core): more than 2^24 distinct ids and values', function () {
  this.timeout(600_000);
  const N = 2 ** 24 + 1000;
  /** Cheap distinct non-UUID keys; the same strings serve both structures. */
  const key = (i: number): string => `k${i.toString(36)}`;

  it('the id index takes 2^24 + 1000 distinct ids, finds duplicates among them, and gives each back', function () {
    const ids = new IdIndex();
    let duplicates = 0;
    for (let i = 0; i < N; i++) if (!ids.add(i, key(i))) duplicates++;
    assert.equal(duplicates, 0);
    assert.equal(ids.add(N, key(0)), false);
    assert.equal(ids.add(N, key(N - 1)), false);
    assert.equal(ids.add(N, key(2 ** 24 + 7)), false);
    assert.equal(ids.add(N, 'new'), true);
    assert.equal(ids.get(0), key(0));
    assert.equal(ids.get(2 ** 24 + 3), key(2 ** 24 + 3));
    assert.equal(ids.get(N), 'new');
  });

  it('a dictionary interns 2^24 + 1000 distinct values, and looks each up', function () {
    const dict = new Dictionary();
    for (let i = 0; i < N; i++) dict.intern(key(i));
    assert.equal(dict.size, N + 1);
    assert.equal(dict.intern(key(5)), 6);
    assert.equal(dict.lookup(key(N - 1)), N);
    assert.equal(dict.lookup(key(2 ** 24)), 2 ** 24 + 1);
    assert.equal(dict.lookup('absent'), undefined);
    assert.equal(dict.values[N], key(N - 1));
  });

  it('StringMap keeps finding keys across its shards', function () {
    const m = new StringMap(4);
    for (let i = 0; i < 30; i++) m.addNew(`v${i}`, i);
    assert.equal(m.size, 30);
    for (let i = 0; i < 30; i++) assert.equal(m.get(`v${i}`), i);
    assert.equal(m.get('v30'), undefined);
    assert.ok(m.has('v0') && !m.has('x'));
  });
});

describe('trust (core): event ids are typed', function () {
  it('the number 12345 and the string "12345" are two events; the same JSON value twice is a duplicate', async function () {
    const lines = [
      { eventID: 12345, eventName: 'A', eventTime: '2024-05-01T00:00:00Z' },
      { eventID: '12345', eventName: 'B', eventTime: '2024-05-01T00:00:01Z' },
      { eventID: 12345, eventName: 'C', eventTime: '2024-05-01T00:00:02Z' },
      { eventID: '12345', eventName: 'D', eventTime: '2024-05-01T00:00:03Z' },
      { eventID: true, eventName: 'E', eventTime: '2024-05-01T00:00:04Z' },
      { eventID: 'true', eventName: 'F', eventTime: '2024-05-01T00:00:05Z' },
      { eventID: '\u0000' + '12345', eventName: 'G', eventTime: '2024-05-01T00:00:06Z' },
    ];
    const { store } = await loadText('ids.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
    const view = store.query('');
    assert.deepEqual(view.rows(0, 10, ['action']).map((r) => r.action), ['A', 'B', 'E', 'F', 'G']);
    assert.deepEqual(view.rows(0, 10, ['id']).map((r) => r.id), ['12345', '12345', 'true', 'true', '\u000012345']);
    assert.equal(store.query('eventID:12345').count, 2);
  });
});

describe('trust (core): times are read strictly, never in local time', function () {
  it('reads the forms sources write', function () {
    const cases: Array<[string, number]> = [
      ['2024-05-01T12:34:56Z', Date.UTC(2024, 4, 1, 12, 34, 56)],
      ['2024-05-01T12:34:56.789Z', Date.UTC(2024, 4, 1, 12, 34, 56, 789)],
      ['2024-05-01T12:34:56.789123456Z', Date.UTC(2024, 4, 1, 12, 34, 56, 789)],
      ['2024-05-01t12:34:56z', Date.UTC(2024, 4, 1, 12, 34, 56)],
      ['2024-05-01T12:34Z', Date.UTC(2024, 4, 1, 12, 34)],
      ['2022-02-08 09:23:37+11:00', Date.UTC(2022, 1, 7, 22, 23, 37)],
      ['2024-05-01T12:00:00-0530', Date.UTC(2024, 4, 1, 17, 30)],
      ['2024-05-01T12:00:00+02', Date.UTC(2024, 4, 1, 10)],
      ['2024-05-01 12:00:00.000', Date.UTC(2024, 4, 1, 12)],
      ['2024-05-01T12:00:00', Date.UTC(2024, 4, 1, 12)],
      ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
      ['2016-12-31T23:59:60Z', Date.UTC(2017, 0, 1)],
    ];
    for (const [text, ms] of cases) assert.equal(parseIsoTime(text), ms, text);
  });

  it('reads nothing else: no legacy Date.parse forms, no impossible dates', function () {
    for (const text of [
      '1',
      '12',
      'Tuesday 5',
      '2024/05/01 12:00',
      '05/01/2024',
      'May 1, 2024',
      '2024-05-01',
      '2024-02-31T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60:00Z',
      '2024-05-01T12:00:00+25:00',
      '2024-05-01T12:00:00Zjunk',
      ' 2024-05-01T12:00:00Z',
      '1714564800',
      '',
    ]) {
      assert.ok(Number.isNaN(parseIsoTime(text)), `${JSON.stringify(text)} read as ${parseIsoTime(text)}`);
    }
  });

  it('loads the same times whatever the machine time zone, and reports unreadable ones', function () {
    this.timeout(60_000);
    const dir = tmp();
    try {
      const file = path.join(dir, 'times.jsonl');
      const times = ['2024-05-01T12:00:00Z', '2024-05-01 12:00:00.000', '1', 'Tuesday 5', '2024/05/01 12:00', '2024-02-31T00:00:00Z', '2024-05-01T12:00:00+05:00'];
      writeFileSync(file, times.map((t, i) => JSON.stringify({ eventID: `e${i}`, eventName: 'X', eventTime: t })).join('\n'));
      const script = `
        const { EventStore } = require(${JSON.stringify(path.join(ROOT, 'out/src/core/store.js'))});
        const { loadFiles } = require(${JSON.stringify(path.join(ROOT, 'out/src/providers/logFiles/files.js'))});
        const store = new EventStore();
        loadFiles([${JSON.stringify(file)}], store, { workers: 0 }).then((report) => {
          const out = [];
          for (let r = 0; r < store.size; r++) out.push([store.idOf(r), store.time[r]]);
          process.stdout.write(JSON.stringify({ out, errors: report.errors.map((e) => e.message) }));
        });`;
      const run = (tz: string): { out: Array<[string, number | null]>; errors: string[] } => {
        const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8', timeout: 50_000 });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout) as { out: Array<[string, number | null]>; errors: string[] };
      };
      const chatham = run('Pacific/Chatham');
      const utc = run('UTC');
      const honolulu = run('Pacific/Honolulu');
      assert.deepEqual(chatham.out, utc.out);
      assert.deepEqual(honolulu.out, utc.out);
      const noon = Date.UTC(2024, 4, 1, 12);
      // JSON turns NaN into null.
      assert.deepEqual(Object.fromEntries(utc.out), { e0: noon, e1: noon, e2: null, e3: null, e4: null, e5: null, e6: noon - 5 * 3_600_000 });
      const problem = utc.errors.find((m) => /not an ISO 8601 timestamp/.test(m));
      assert.ok(problem, `no problem reported: ${JSON.stringify(utc.errors)}`);
      assert.match(problem, /^4 events have times/);
      assert.match(problem, /"1"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the time from @timestamp when eventTime is missing, so such events sort by it', async function () {
    const lines = [
      { eventID: 'a', eventName: 'Late', eventTime: '2024-05-01T12:00:00Z' },
      { eventID: 'b', eventName: 'Stamped', '@timestamp': '2024-05-01T11:00:00.000Z' },
      { eventID: 'c', eventName: 'Early', eventTime: '2024-05-01T10:00:00Z' },
    ];
    const { store, errors } = await loadText('stamps.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
    assert.deepEqual(errors, []);
    const rows = store.query('').rows(0, 3, ['action', 'time']);
    assert.deepEqual(rows.map((r) => r.action), ['Early', 'Stamped', 'Late']);
    assert.equal(rows[1].time, Date.UTC(2024, 4, 1, 11));
    assert.equal(store.query('time:2024-05-01T11:00').count, 1);
  });
});

describe('trust (core): integers beyond 2^53 compare exactly', function () {
  const store = storeOf([
    '{"requestParameters":{"id":1234567890123456789}}',
    '{"requestParameters":{"id":1234567890123456788}}',
    '{"requestParameters":{"id":-9007199254740993,"n":[12345678901234567890]}}',
    '{"requestParameters":{"id":42}}',
  ]);

  it('matches the exact integer text', function () {
    assert.equal(store.query('requestParameters.id:1234567890123456789').count, 1);
    assert.equal(store.query('requestParameters.id:1234567890123456788').count, 1);
    assert.equal(store.query('requestParameters.id:1234567890123456800').count, 0);
    assert.equal(store.query('requestParameters.id:-9007199254740993').count, 1);
    assert.equal(store.query('requestParameters.n:12345678901234567890').count, 1);
    assert.equal(store.query('requestParameters.id:42').count, 1);
    assert.equal(store.value(0, 'requestParameters.id'), '1234567890123456789');
    assert.equal(store.value(0, 'requestParameters'), '{"id":1234567890123456789}');
  });

  it('compares with > and < exactly', function () {
    assert.equal(store.query('requestParameters.id:>1234567890123456788').count, 1);
    assert.equal(store.query('requestParameters.id:>=1234567890123456788').count, 2);
    assert.equal(store.query('requestParameters.id:<1234567890123456789').count, 3);
    assert.equal(store.query('requestParameters.id:<-9007199254740992').count, 1);
    assert.equal(store.query('requestParameters.id:>100').count, 2);
  });
});

describe('trust (core): free text finds what the user sees', function () {
  const store = storeOf([
    '{"city":"Z\\u00fcrich"}',
    '{"city":"Z\\u00DCRICH"}',
    '{"city":"Zürich"}',
    '{"path":"a\\/b"}',
    '{"say":"say \\"hi\\""}',
    '{"emoji":"\\ud83d\\ude00 smile"}',
    '{"tab":"x\\ty"}',
    '{"other":"nothing here"}',
  ]);
  const hits = (q: string): number[] => store.query(q).rows(0, 100, []).map((r) => r.row);

  it('matches escaped and literal text alike, case-insensitively', function () {
    assert.deepEqual(hits('Zürich'), [0, 1, 2]);
    assert.deepEqual(hits('zürich'), [0, 1, 2]);
    assert.deepEqual(hits('a/b'), [3]);
    assert.deepEqual(hits('"say \\"hi\\""'), [4]);
    assert.deepEqual(hits('😀'), [5]);
    assert.deepEqual(hits('"x\ty"'), [6]);
    assert.deepEqual(hits('smile'), [5]);
    assert.deepEqual(hits('nothing'), [7]);
  });

  it('an ASCII needle spelled with \\u escapes of its own letters is found; escapes of other characters do not make a match', function () {
    const s = storeOf([
      '{"e":"\\u0041ccess\\u0044enied"}',
      '{"e":"\\u0026 AccessDenie"}',
      '{"e":"C:\\\\users AccessDenied"}',
      '{"e":"\\u00"}',
    ]);
    assert.deepEqual(s.query('AccessDenied').rows(0, 10, []).map((r) => r.row), [0, 2]);
  });

  it('still finds the raw JSON form as typed (a backslash before a letter is literal)', function () {
    assert.deepEqual(hits('Z\\u00fcrich'), [0]);
    assert.deepEqual(hits('u00fc'), [0]);
  });

  it('decodes for needles too long for a pattern', function () {
    const long = 'ä'.repeat(300);
    const s = storeOf([`{"v":"${'\\u00e4'.repeat(300)}"}`, `{"v":"${'ä'.repeat(299)}"}`, `{"v":"${'Ä'.repeat(300)}"}`]);
    assert.deepEqual(s.query(`"${long}"`).rows(0, 10, []).map((r) => r.row), [0, 2]);
  });
});

describe('trust (core): globs run in linear time and filters are bounded', function () {
  const reference = (source: string, value: string): boolean => {
    let re = '^';
    for (let i = 0; i < source.length; i++) {
      const ch = source[i];
      if (ch === '*') re += '.*';
      else if (ch === '?') re += '.';
      else re += (ch === '\\' && i + 1 < source.length ? source[++i] : ch).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    return new RegExp(re + '$', 'is').test(value);
  };

  it('agrees with the regex it replaces on small patterns', function () {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'ü', 'Ü', '\n', '.', '\\');
    const pat = fc.array(fc.oneof(alphabet, fc.constantFrom('*', '?', '\\*', '\\?', '\\\\')), { maxLength: 8 }).map((a) => a.join(''));
    const val = fc.array(alphabet, { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(pat, val, (p, v) => {
        assert.equal(matchGlob(compileGlob(p), v), reference(p, v), `${JSON.stringify(p)} on ${JSON.stringify(v)}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('*a*a*b on a 5,000-character value costs a bounded number of steps', function () {
    // The regexes these globs used to be (^.*a.*a.*b$) ran for minutes on this value.
    const value = 'a'.repeat(5000) + 'c';
    for (const source of ['*a*a*b', '*a*a*b*', '*a*a*a*a*a*a*a*a*a*a*a*a*b*', '*aaaaaaaaaaaaaaaaaaab*']) {
      const g = compileGlob(source);
      const before = globSteps();
      assert.equal(matchGlob(g, value), false);
      const steps = globSteps() - before;
      // At most one pass per segment over the value, each position costing at most the segment's length.
      assert.ok(steps <= 2 * value.length * source.length, `${source}: ${steps} steps`);
    }
    const store = storeOf([JSON.stringify({ ua: value })]);
    const before = globSteps();
    assert.equal(store.query('ua:*a*a*b').count, 0);
    assert.equal(store.query('ua:*a*a*a*').count, 1);
    assert.ok(globSteps() - before <= 4 * value.length, `${globSteps() - before} steps`);
  });

  it('10,000 wildcards work, within the bound', function () {
    const value = 'x'.repeat(20_000);
    const store = storeOf([JSON.stringify({ ua: value })]);
    const filter = 'ua:' + '*?'.repeat(4_995);
    assert.ok(filter.length <= MAX_QUERY_LENGTH);
    const before = globSteps();
    assert.equal(store.query(filter).count, 1);
    assert.equal(store.query(filter + 'y').count, 0);
    assert.ok(globSteps() - before <= 4 * value.length + 4 * filter.length, `${globSteps() - before} steps`);
  });

  it('a filter over the length limit is a QueryError, not a crash', function () {
    const store = storeOf(['{"userAgent":"a"}']);
    for (const filter of ['userAgent:' + 'a'.repeat(40_000), 'userAgent:' + '*a'.repeat(20_000), '"' + 'x'.repeat(40_000) + '"']) {
      assert.throws(() => store.query(filter), (e: unknown) => e instanceof QueryError && /at most 10,000 are read/.test(e.message));
    }
  });

  it('more than MAX_TERMS terms is a QueryError', function () {
    const within = Array.from({ length: MAX_TERMS }, (_, i) => `v${i}`).join(' ');
    assert.ok(within.length <= MAX_QUERY_LENGTH);
    assert.doesNotThrow(() => parseQuery(within));
    const over = within + ' extra';
    assert.throws(() => parseQuery(over), (e: unknown) => e instanceof QueryError && /at most 1,000/.test(e.message));
  });

  it('the CLI exits 2 with a clear message for a 40,000-character filter', function () {
    this.timeout(60_000);
    const dir = tmp();
    try {
      const file = path.join(dir, 'one.jsonl');
      writeFileSync(file, JSON.stringify({ eventID: 'e', eventName: 'X', eventTime: '2024-05-01T00:00:00Z', userAgent: 'a' }));
      const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'query', file, '--filter', 'userAgent:' + '*a'.repeat(20_000), '--format', 'count'], {
        encoding: 'utf8',
        timeout: 50_000,
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /bad filter/);
      assert.match(r.stderr, /at most 10,000 are read/);
      assert.doesNotMatch(r.stderr, /at \S+ \(/, 'no stack trace');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
