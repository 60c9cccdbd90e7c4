/**
 * `summary` on the built command line (dist/cli.js) as a user runs it: a child process, its
 * stdout, stderr and exit status. Each format, --top/--values/--filter, hostile values, and the
 * exit statuses `query` has (0 complete, 1 partial input, 2 usage or filter).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseCsv } from '../support/csv';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');
const INVICTUS = path.join(DATA, 'invictus-ir-aws-dataset');
const HOSTILE = path.join(ROOT, 'test/fixtures/cli/hostile.json');
const TRUNCATED = path.join(ROOT, 'test/fixtures/malformed/truncated.json');

interface Run {
  status: number | null;
  out: string;
  err: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout, err: r.stderr };
}

interface GroupLine {
  field: string;
  value: string;
  events: number;
  first: string | null;
  last: string | null;
  errors: number;
  errorRate: number;
  facets: Record<string, { distinct: number; top: Array<{ value: string; count: number }> }>;
  notable: Array<{ action: string; count: number; first: string; last: string; burst: boolean; new: boolean }>;
  notableCount: number;
}

const jsonl = (text: string): GroupLine[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as GroupLine);


function skipWithoutData(ctx: Mocha.Context): void {
  if (!existsSync(DATA)) {
    console.warn(`\n!!! SKIPPING real-data summary tests: ../shared/data not found (looked for ${DATA}) !!!\n`);
    ctx.skip();
  }
}

describe('the command line: summary --by FIELD (issue 15, part 3)', function () {
  this.timeout(120000);

  before(function () {
    if (!existsSync(CLI)) {
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(b.status, 0, `building dist/cli.js failed: ${b.stderr}`);
    }
  });

  describe('formats', function () {
    it('jsonl: one line per group, most events first, counts that agree with `query`', function () {
      skipWithoutData(this);
      const r = cli('summary', INVICTUS, '--by', 'accessKey');
      assert.equal(r.status, 0, r.err);
      assert.equal(r.err, '');
      const groups = jsonl(r.out);
      assert.ok(groups.length > 10);
      for (let i = 1; i < groups.length; i++) assert.ok(groups[i - 1].events >= groups[i].events, 'most events first');
      const top = groups[0];
      assert.equal(top.field, 'accessKey');
      // The same numbers as a query for the value: events, errors, and the distinct actions.
      const count = cli('query', INVICTUS, '--filter', `userIdentity.accessKeyId:"${top.value}"`, '--format', 'count');
      assert.equal(Number(count.out), top.events);
      const failed = cli('query', INVICTUS, '--filter', `accessKey:"${top.value}" (outcome:failure OR error:*)`, '--format', 'count');
      assert.equal(Number(failed.out), top.errors);
      assert.equal(top.errorRate, top.errors / top.events);
      const actions = cli('query', INVICTUS, '--filter', `accessKey:"${top.value}"`, '--format', 'csv', '--fields', 'action');
      assert.equal(new Set(parseCsv(actions.out).slice(1).map((row) => row[0])).size, top.facets.action.distinct);
      assert.deepEqual(Object.keys(top.facets).sort(), ['accessKey', 'action', 'region', 'sourceIp', 'userAgent']);
      assert.ok(top.facets.action.top.length <= 5);
      assert.match(String(top.first), /^\d{4}-\d\d-\d\dT/);
      // Every event is in one group or has no access key: the groups add up.
      const total = Number(cli('query', INVICTUS, '--format', 'count').out);
      const without = Number(cli('query', INVICTUS, '--filter', '-accessKey:*', '--format', 'count').out);
      assert.equal(groups.reduce((n, g) => n + g.events, 0) + without, total);
    });

    it('--filter narrows the events, --top the groups, --values the values listed per facet', function () {
      skipWithoutData(this);
      const r = cli('summary', INVICTUS, '--by', 'actor', '--filter', 'eventName:Describe*', '--top', '2', '--values', '1');
      assert.equal(r.status, 0, r.err);
      const groups = jsonl(r.out);
      assert.equal(groups.length, 2);
      for (const g of groups) {
        for (const f of Object.values(g.facets)) assert.ok(f.top.length <= 1);
        assert.ok(g.facets.action.top.every((v) => v.value.startsWith('Describe')));
      }
      const n = Number(cli('query', INVICTUS, '--filter', `eventName:Describe* actor:"${groups[0].value}"`, '--format', 'count').out);
      assert.equal(groups[0].events, n);
    });

    it('csv: a header, one row per group, hostile cells neutralised', function () {
      const r = cli('summary', HOSTILE, '--by', 'sourceIp', '--format', 'csv');
      assert.equal(r.status, 0, r.err);
      const rows = parseCsv(r.out);
      assert.deepEqual(rows[0].slice(0, 8), ['sourceIp', 'events', 'first', 'last', 'errors', 'errorRate', 'actions', 'top actions']);
      assert.equal(rows[0].at(-1), 'notable');
      const values = rows.slice(1).map((row) => row[0]);
      assert.ok(values.includes(`'=HYPERLINK("http://evil.example/","click")`), values.join(' | '));
      for (const row of rows.slice(1)) assert.equal(row.length, rows[0].length);
    });

    it('table: one line per group, hidden characters escaped, a line saying how many values over how many events', function () {
      const r = cli('summary', HOSTILE, '--by', 'userAgent', '--format', 'table');
      assert.equal(r.status, 0, r.err);
      for (const bad of ['\u001b', '\u009b', '\u202e', '\u0007', '\r', '\t']) assert.ok(!r.out.includes(bad), `no raw U+${bad.charCodeAt(0).toString(16)}`);
      const lines = r.out.split('\n');
      assert.equal(lines.pop(), '');
      assert.match(lines[0], /^userAgent\s+events\s+first\s+last\s+errors\s+actions/);
      assert.match(lines.at(-1) ?? '', /^3 of 3 userAgent values over 3 events$/);
      // Header, rule, three groups, a blank line, the count: a newline in the data adds no line.
      assert.equal(lines.length, 2 + 3 + 2);
      assert.ok(lines.some((l) => l.startsWith('\\u001b[31mred\\u001b[0m<img src=x onerror=alert(1)>')), r.out);
    });

    it('a field with no values: no groups, and the table says every event is without it', function () {
      const r = cli('summary', HOSTILE, '--by', 'requestParameters.nothing', '--format', 'table');
      assert.equal(r.status, 0, r.err);
      assert.match(r.out, /^0 of 0 requestParameters.nothing values over 3 events; 3 without requestParameters.nothing\n$/);
      const j = cli('summary', HOSTILE, '--by', 'userIdentity.nothing');
      assert.deepEqual([j.status, j.out], [0, '']);
    });
  });

  describe('exit status', function () {
    it('2 for usage errors: no --by, --by time, a format summary does not write, --top not a number, no paths', function () {
      const cases: Array<[string[], RegExp]> = [
        [['summary', HOSTILE], /--by FIELD is required/],
        [['summary', HOSTILE, '--by', 'time'], /--by time/],
        [['summary', HOSTILE, '--by', 'eventTime'], /--by time/],
        [['summary', HOSTILE, '--by', 'actor', '--format', 'count'], /--format must be jsonl, csv or table, not 'count'/],
        [['summary', HOSTILE, '--by', 'actor', '--top', 'ten'], /--top takes a whole number, not 'ten'/],
        [['summary', HOSTILE, '--by', 'actor', '--values', '-1'], /--values takes a whole number/],
        [['summary', '--by', 'actor'], /give at least one file or folder/],
      ];
      for (const [args, why] of cases) {
        const r = cli(...args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.err}`);
        assert.equal(r.out, '');
        assert.match(r.err, why);
        assert.match(r.err, /Usage:[\s\S]*audit-log-explorer summary <path>\.\.\. --by FIELD/);
      }
    });

    it('2 for a filter that does not parse, before any file is read', function () {
      const r = cli('summary', HOSTILE, '--by', 'actor', '--filter', 'eventName:(');
      assert.equal(r.status, 2);
      assert.equal(r.out, '');
      assert.match(r.err, /bad filter/);
    });

    it('1 when some input had errors: the groups of what was read, the errors on stderr', function () {
      const r = cli('summary', HOSTILE, TRUNCATED, '--by', 'eventID', '--format', 'jsonl');
      assert.equal(r.status, 1);
      assert.deepEqual(jsonl(r.out).map((g) => g.value).sort(), ['hostile-1', 'hostile-2', 'hostile-3', 'trunc-1', 'trunc-2']);
      assert.ok(r.err.includes(TRUNCATED), r.err);
    });

    it('0 for good input, nothing on stderr', function () {
      const r = cli('summary', HOSTILE, '--by', 'action', '--format', 'table');
      assert.equal(r.status, 0);
      assert.equal(r.err, '');
    });

    it('help lists summary', function () {
      const r = cli('--help');
      assert.equal(r.status, 0);
      assert.match(r.out, /audit-log-explorer summary <path>\.\.\. --by FIELD/);
      assert.match(r.out, /notable actions/);
    });
  });
});
