/**
 * The built command line (dist/cli.js, from `node esbuild.mjs`) as a user runs it: a child process,
 * its stdout bytes, stderr text and exit status.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ACCT_A, ATTACKER_IP, BACKUP_KEY, keyChain, recordsFile, ssoChain } from '../support/chains';
import { parseCsv } from '../support/csv';
import { walkFiles } from '../support/files';

// Compiled to out/test/unit/: three levels up is the project root, four is /work.
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');
const HOSTILE = path.join(ROOT, 'test/fixtures/cli/hostile.json');
const MALFORMED = path.join(ROOT, 'test/fixtures/malformed');

const INVICTUS = path.join(DATA, 'invictus-ir-aws-dataset');
const TRAILSCRAPER = path.join(DATA, 'trailscraper-fixtures');
const ZMALLEN = path.join(DATA, 'zmallen-cloudtrail2sightings');
const ZMALLEN_BAD = path.join(ZMALLEN, 'cloudtrail/aws.execution.ec2-user-data.json');

interface Run {
  status: number | null;
  stdout: Buffer;
  out: string;
  err: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'buffer', timeout: 30000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

function skipWithoutData(ctx: Mocha.Context): void {
  if (!existsSync(DATA)) {
    console.warn(`\n!!! SKIPPING real-data CLI tests: ../shared/data not found (looked for ${DATA}) !!!\n`);
    ctx.skip();
  }
}


type Rec = Record<string, unknown>;

function recordsOf(file: string): Rec[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { Records: Rec[] } | Rec[];
  return Array.isArray(doc) ? doc : doc.Records;
}

/** Output lines without the final empty one. */
function outLines(text: string, eol = '\n'): string[] {
  const lines = text.split(eol);
  assert.equal(lines.pop(), '', 'output ends with a line break');
  return lines;
}


describe('the command line (dist/cli.js)', function () {
  this.timeout(60000);

  before(function () {
    if (!existsSync(CLI)) {
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(b.status, 0, `building dist/cli.js failed: ${b.stderr}`);
    }
    assert.ok(existsSync(CLI), 'dist/cli.js is built by `node esbuild.mjs`');
  });

  describe('stats', function () {
    before(function () {
      skipWithoutData(this);
    });

    it('prints files, events, duplicates, skipped, errors, actions, from and to as JSON', function () {
      const r = cli('stats', TRAILSCRAPER);
      assert.equal(r.status, 0, r.err);
      assert.equal(r.err, '');
      const s = JSON.parse(r.out) as Record<string, unknown>;
      assert.deepEqual(Object.keys(s).sort(), ['actions', 'duplicates', 'errors', 'events', 'files', 'from', 'skipped', 'to']);
      assert.equal(s.files, 3);
      assert.equal(s.events, 3);
      assert.equal(s.duplicates, 4);
      assert.equal(s.actions, 3);
      assert.deepEqual(s.errors, []);
      const skipped = s.skipped as Array<{ path: string; reason: string }>;
      assert.deepEqual(skipped.map((x) => path.basename(x.path)).sort(), ['LICENSE', 'SOURCE.txt']);
      // from/to straight from the files' eventTimes.
      const times = walkFiles(TRAILSCRAPER)
        .filter((p) => p.endsWith('.json'))
        .flatMap((p) => recordsOf(p).map((rec) => Date.parse(String(rec.eventTime))));
      assert.equal(s.from, new Date(Math.min(...times)).toISOString());
      assert.equal(s.to, new Date(Math.max(...times)).toISOString());
    });

    it('counts a big set: 55 files, 2,900 events, 260 actions', function () {
      const r = cli('stats', INVICTUS);
      assert.equal(r.status, 0, r.err);
      const s = JSON.parse(r.out) as { files: number; events: number; duplicates: number; actions: number; errors: unknown[] };
      assert.deepEqual([s.files, s.events, s.duplicates, s.actions, s.errors.length], [55, 2900, 0, 260, 0]);
    });

    it('exits 1 when a file has errors, lists them in the JSON and on stderr with file:line:column', function () {
      const r = cli('stats', ZMALLEN);
      assert.equal(r.status, 1);
      const s = JSON.parse(r.out) as { events: number; errors: Array<{ path: string; position?: { line: number } }> };
      assert.equal(s.events, 15);
      assert.ok(s.errors.length >= 1);
      assert.ok(s.errors.every((e) => e.path === ZMALLEN_BAD));
      assert.equal(s.errors[0].position?.line, 112);
      assert.ok(r.err.includes(`${ZMALLEN_BAD}:112:1: `), r.err);
    });
  });

  describe('query', function () {
    before(function () {
      skipWithoutData(this);
    });

    /** Records of the invictus set whose eventName starts with "Describe" (any case), straight from the files. */
    function invictusDescribe(): Rec[] {
      return walkFiles(INVICTUS)
        .filter((p) => p.endsWith('.json'))
        .flatMap(recordsOf)
        .filter((rec) => /^describe/i.test(String(rec.eventName)));
    }

    it('--format count prints the number of matching events', function () {
      const want = invictusDescribe().length;
      assert.ok(want > 10);
      const r = cli('query', INVICTUS, '--filter', 'eventName:Describe*', '--format', 'count');
      assert.equal(r.status, 0, r.err);
      assert.equal(r.out, `${want}\n`);
      assert.equal(cli('query', INVICTUS, '--format', 'count').out, '2900\n');
    });

    it('--format jsonl (the default) prints each raw event exactly as it is in a minified Records file', function () {
      const file = walkFiles(INVICTUS).filter((p) => p.endsWith('.json'))[0];
      const bytes = readFileSync(file);
      const r = cli('query', file);
      assert.equal(r.status, 0, r.err);
      const lines = outLines(r.out);
      const records = recordsOf(file);
      assert.equal(lines.length, records.length);
      for (const line of lines) assert.ok(bytes.includes(Buffer.from(line, 'utf8')), `line is bytes of the file: ${line.slice(0, 80)}`);
      // Each line is one record of the file, and every record is printed once.
      assert.deepEqual(
        lines.map((l) => JSON.parse(l) as Rec).map((x) => String(x.eventID)).sort(),
        records.map((x) => String(x.eventID)).sort(),
      );
      // Byte for byte: the file is exactly {"Records":[ these lines, in file order ]}.
      const inFileOrder = [...lines].sort((a, b) => bytes.indexOf(Buffer.from(a)) - bytes.indexOf(Buffer.from(b)));
      assert.equal(bytes.toString('utf8').trimEnd(), `{"Records":[${inFileOrder.join(',')}]}`);
    });

    it('--format jsonl keeps hostile bytes of a minified file exactly as they were', function () {
      const r = cli('query', HOSTILE, '--format', 'jsonl');
      assert.equal(r.status, 0, r.err);
      const text = readFileSync(HOSTILE, 'utf8').trimEnd();
      assert.equal(`{"Records":[${outLines(r.out).join(',')}]}`, text);
    });

    it('--format jsonl prints a pretty-printed record as one compact line of the same JSON', function () {
      const file = path.join(TRAILSCRAPER, 'tests/smoke/events-for-smoke-test.json');
      const r = cli('query', file, '--format', 'jsonl');
      assert.equal(r.status, 0, r.err);
      const lines = outLines(r.out);
      const records = recordsOf(file);
      assert.equal(lines.length, records.length);
      assert.deepEqual(
        lines.map((l) => JSON.parse(l) as Rec),
        [...records].sort((a, b) => Date.parse(String(a.eventTime)) - Date.parse(String(b.eventTime))),
      );
    });

    it('--format csv with --fields: a header row and one CRLF row per event', function () {
      const r = cli('query', INVICTUS, '--filter', 'eventName:Describe*', '--format', 'csv', '--fields', 'id,action,region,userIdentity.type');
      assert.equal(r.status, 0, r.err);
      const rows = parseCsv(r.out);
      assert.deepEqual(rows[0], ['id', 'action', 'region', 'userIdentity.type']);
      const body = rows.slice(1);
      assert.equal(body.length, invictusDescribe().length);
      const byId = new Map(invictusDescribe().map((rec) => [String(rec.eventID), rec]));
      for (const [id, action, region, type] of body) {
        const rec = byId.get(id);
        assert.ok(rec, id);
        assert.equal(action, rec.eventName);
        assert.equal(region, rec.awsRegion);
        assert.equal(type, (rec.userIdentity as Rec | undefined)?.type ?? '');
      }
    });

    it('filters and prints principal, origin and session (issue 15), from files loaded together', function () {
      const dir = mkdtempSync(path.join(tmpdir(), 'ale-cli-chains-'));
      try {
        const { grc, assume } = ssoChain();
        const { create, use } = keyChain();
        writeFileSync(path.join(dir, 'a.json'), recordsFile([grc, assume]));
        writeFileSync(path.join(dir, 'b.json'), recordsFile([create, use]));
        const r = cli('query', dir, '--filter', `origin:alice* sourceIp:${ATTACKER_IP}`, '--format', 'csv', '--fields', 'principal,origin,session,actor');
        assert.equal(r.status, 0, r.err);
        assert.deepEqual(parseCsv(r.out), [
          ['principal', 'origin', 'session', 'actor'],
          ['backup-svc', 'alice@corp (SSO)', BACKUP_KEY, `arn:aws:iam::${ACCT_A}:user/backup-svc`],
        ]);
        assert.equal(cli('query', dir, '--filter', 'principal:alice*', '--format', 'count').out.trim(), '3', 'Identity Center’s GetRoleCredentials, the SSO session’s AssumeRole and CreateAccessKey');
        assert.equal(cli('query', dir, '--filter', `session:${BACKUP_KEY}`, '--format', 'count').out.trim(), '2', 'the key’s minting and its use');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('--format table with --fields and --limit', function () {
      const r = cli('query', INVICTUS, '--filter', 'eventName:Describe*', '--format', 'table', '--fields', 'time,action', '--limit', '3');
      assert.equal(r.status, 0, r.err);
      const lines = outLines(r.out);
      assert.equal(lines.length, 2 + 3);
      assert.match(lines[0], /^time\s+action$/);
      assert.match(lines[1], /^-+ {2}-+$/);
      const times = lines.slice(2).map((l) => {
        const [time, action] = l.split(/\s{2,}/);
        assert.match(action, /^Describe/);
        return Date.parse(time);
      });
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
      const all = invictusDescribe().map((rec) => Date.parse(String(rec.eventTime))).sort((a, b) => a - b);
      assert.deepEqual(times, all.slice(0, 3));
    });

    it('--limit caps jsonl and csv output', function () {
      assert.equal(outLines(cli('query', INVICTUS, '--limit', '7').out).length, 7);
      assert.equal(parseCsv(cli('query', INVICTUS, '--format', 'csv', '--limit', '4').out).length, 1 + 4);
      assert.equal(cli('query', INVICTUS, '--limit', '0').out, '');
    });

    it('--sort=-time lists the newest event first', function () {
      const r = cli('query', INVICTUS, '--format', 'csv', '--fields', 'time', '--sort=-time');
      assert.equal(r.status, 0, r.err);
      const times = parseCsv(r.out).slice(1).map(([t]) => Date.parse(t));
      assert.equal(times.length, 2900);
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
    });

    it('--sort -time (as the usage writes it: --sort [-]FIELD) lists the newest event first', function () {
      const r = cli('query', INVICTUS, '--format', 'csv', '--fields', 'time', '--sort', '-time', '--limit', '5');
      assert.equal(r.status, 0, `exit ${r.status}: ${r.err.split('\n')[0]}`);
      const times = parseCsv(r.out).slice(1).map(([t]) => Date.parse(t));
      const newest = cli('query', INVICTUS, '--format', 'csv', '--fields', 'time', '--sort=-time', '--limit', '5');
      assert.deepEqual(times, parseCsv(newest.out).slice(1).map(([t]) => Date.parse(t)));
    });

    it('--sort by a string field, and --sort -field descending', function () {
      const asc = parseCsv(cli('query', INVICTUS, '--format', 'csv', '--fields', 'action', '--sort', 'action').out).slice(1).map(([a]) => a.toLowerCase());
      assert.equal(asc.length, 2900);
      assert.deepEqual(asc, [...asc].sort());
      const desc = parseCsv(cli('query', INVICTUS, '--format', 'csv', '--fields', 'action', '--sort=-action').out).slice(1).map(([a]) => a.toLowerCase());
      assert.deepEqual(desc, [...asc].reverse());
    });

    it('--filter with a leading negation as its own argument', function () {
      const r = cli('query', INVICTUS, '--filter', '-eventName:Describe*', '--format', 'count');
      assert.equal(r.status, 0, `exit ${r.status}: ${r.err.split('\n')[0]}`);
      assert.equal(r.out, `${2900 - invictusDescribe().length}\n`);
    });

    it('--filter=-… (attached) negates too', function () {
      const r = cli('query', INVICTUS, '--filter=-eventName:Describe*', '--format', 'count');
      assert.equal(r.status, 0, r.err);
      assert.equal(r.out, `${2900 - invictusDescribe().length}\n`);
    });
  });

  describe('exit status', function () {
    it('0 and usage for --help', function () {
      const r = cli('--help');
      assert.equal(r.status, 0);
      assert.match(r.out, /Usage:/);
    });

    it('2 for an unknown command, with usage on stderr', function () {
      const r = cli('frobnicate', HOSTILE);
      assert.equal(r.status, 2);
      assert.equal(r.out, '');
      assert.match(r.err, /unknown command 'frobnicate'/);
      assert.match(r.err, /Usage:/);
      assert.equal(cli().status, 2);
    });

    it('2 for a bad --format, naming it', function () {
      const r = cli('query', HOSTILE, '--format', 'xml');
      assert.equal(r.status, 2);
      assert.equal(r.out, '');
      assert.match(r.err, /'xml'/);
    });

    it('2 for a bad --limit or an unknown option', function () {
      assert.equal(cli('query', HOSTILE, '--limit', 'abc').status, 2);
      assert.equal(cli('query', HOSTILE, '--limit', '1.5').status, 2);
      assert.equal(cli('query', HOSTILE, '--bogus').status, 2);
    });

    it('2 for query or stats without a path', function () {
      const r = cli('query', '--format', 'count');
      assert.equal(r.status, 2);
      assert.match(r.err, /file or folder/);
      assert.equal(cli('stats').status, 2);
    });

    it('2 for a bad filter, with a message that names the offending token, before any file is read', function () {
      const r = cli('query', HOSTILE, '--filter', 'eventName:Get* bytes:>abc', '--format', 'count');
      assert.equal(r.status, 2);
      assert.equal(r.out, '');
      assert.match(r.err, /"abc"/);
      assert.match(r.err, /\^\^\^/);
      // The filter fails first: a missing path is not even looked at.
      const r2 = cli('query', path.join(ROOT, 'no/such/path.json'), '--filter', '(eventName:Get*', '--format', 'count');
      assert.equal(r2.status, 2);
      assert.match(r2.err, /Missing "\)"/);
      assert.doesNotMatch(r2.err, /no such/);
    });

    it('1 when some input had errors: partial results on stdout, the errors on stderr with file and position', function () {
      const comma = path.join(MALFORMED, 'missing-comma.json');
      const truncated = path.join(MALFORMED, 'truncated.json');
      const r = cli('query', HOSTILE, comma, truncated, '--format', 'count');
      assert.equal(r.status, 1);
      assert.equal(r.out, `${3 + 3 + 2}\n`);
      assert.ok(r.err.includes(`${comma}:3:`), r.err);
      assert.ok(r.err.includes(`${truncated}:`), r.err);
      const jsonl = cli('query', HOSTILE, truncated);
      assert.equal(jsonl.status, 1);
      assert.deepEqual(
        outLines(jsonl.out)
          .map((l) => String((JSON.parse(l) as Rec).eventID))
          .sort(),
        ['hostile-1', 'hostile-2', 'hostile-3', 'trunc-1', 'trunc-2'],
      );
    });

    it('1 with partial results for the real malformed file', function () {
      skipWithoutData(this);
      const r = cli('query', ZMALLEN, '--format', 'count');
      assert.equal(r.status, 1);
      assert.equal(r.out, '15\n');
      assert.ok(r.err.includes(`${ZMALLEN_BAD}:112:1: `), r.err);
    });

    it('1 for a path that does not exist, still printing what the other paths hold', function () {
      const missing = path.join(ROOT, 'no/such/file.json');
      const r = cli('query', HOSTILE, missing, '--format', 'count');
      assert.equal(r.status, 1);
      assert.equal(r.out, '3\n');
      assert.ok(r.err.includes(missing), r.err);
    });

    it('0 for good input, with nothing on stderr', function () {
      const r = cli('query', HOSTILE, '--format', 'count');
      assert.equal(r.status, 0);
      assert.equal(r.out, '3\n');
      assert.equal(r.err, '');
    });
  });

  describe('hostile data', function () {
    const FIELDS = 'id,sourceIp,actor,error,requestParameters.bucketName,userAgent';

    it('the table escapes control characters, ANSI escapes and bidi overrides', function () {
      const r = cli('query', HOSTILE, '--format', 'table', '--fields', FIELDS);
      assert.equal(r.status, 0, r.err);
      for (const bad of ['\u001b', '\u009b', '\u202e', '\u0007', '\r', '\t']) {
        assert.ok(!r.out.includes(bad), `no raw U+${bad.charCodeAt(0).toString(16).padStart(4, '0')} in the table`);
      }
      // Header, rule, and exactly one line per event: a newline in the data cannot add a line.
      const lines = outLines(r.out);
      assert.equal(lines.length, 2 + 3);
      assert.ok(lines[2].includes('\\u001b[31mred\\u001b[0m<img src=x onerror=alert(1)>'), lines[2]);
      assert.ok(lines[3].includes('\\u009b31mC1\\u202eevil\\u0007bell\\u000anewline\\u000dreturn'), lines[3]);
      assert.ok(lines[4].includes('plain, "quoted" agent'), lines[4]);
    });

    it('error messages on stderr escape control characters that came from a hostile file', function () {
      const tmp = mkdtempSync(path.join(tmpdir(), 'ale-cli-hostile-'));
      try {
        // A record that is not valid JSON: V8 quotes the text around the fault in its message.
        const file = path.join(tmp, 'evil.json');
        writeFileSync(file, '{"Records":[{"eventID":"ok-1","eventName":"A"},{"eventID":"bad","eventName":\u001b[31mRED\u001b]0;pwned\u0007}]}\n');
        const r = cli('query', file, '--format', 'count');
        assert.equal(r.status, 1);
        assert.equal(r.out, '1\n');
        assert.ok(r.err.includes(file), r.err);
        for (const bad of ['\u001b', '\u0007']) {
          assert.ok(!r.err.includes(bad), `no raw U+${bad.charCodeAt(0).toString(16).padStart(4, '0')} on stderr: ${JSON.stringify(r.err)}`);
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('CSV cells a spreadsheet would run as formulas start with an apostrophe', function () {
      const r = cli('query', HOSTILE, '--format', 'csv', '--fields', FIELDS);
      assert.equal(r.status, 0, r.err);
      const rows = parseCsv(r.out);
      assert.deepEqual(rows[0], FIELDS.split(','));
      const [h1, h2, h3] = rows.slice(1);
      assert.deepEqual(h1.slice(0, 5), [
        'hostile-1',
        `'=HYPERLINK("http://evil.example/","click")`,
        `'@SUM(A1:A9)`,
        `'+cmd|' /C calc'!A0`,
        `'-2+3`,
      ]);
      assert.equal(h2[4], `'\t=1+1`);
      // Ordinary values are left alone, quotes and commas escaped the CSV way.
      assert.deepEqual(h3, ['hostile-3', '198.51.100.8', 'trent', '', 'ok-bucket', 'plain, "quoted" agent']);
      // The line break inside hostile-2's user agent stays inside its quoted cell.
      assert.equal(rows.length, 1 + 3);
      assert.equal(h2[5], '\u009b31mC1\u202eevil\u0007bell\nnewline\rreturn');
    });
  });
});
