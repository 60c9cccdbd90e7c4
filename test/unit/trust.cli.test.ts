/**
 * Issue 12, command-line items: raw terminal escapes never reach a terminal in any format while
 * files and pipes stay byte-exact (14), an endpoint with credentials is refused (15), and
 * `--fields eventTime` prints ISO 8601 (26).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { terminalSafe, type OutputWriter } from '../../src/core/formats';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');

const OSC52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
const OSC8 = '\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\';
const TITLE = '\u001b]0;pwned\u0007';
const C1_CSI = '\u009b2J';
const INVISIBLE = 'adm\u061cin\u2060\u2061\u2062\u2063\u2064\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u007f\u0085';
const HOSTILE_AGENT = `${OSC52}${OSC8}${TITLE}${C1_CSI}${INVISIBLE}`;

/** Everything a terminal could act on or hide text with, except the line breaks of the output. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\r(?!\n)/;

function record(i: number, userAgent: string): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/u${i}`, accountId: '123456789012', userName: `u${i}` },
    eventTime: `2024-05-01T12:00:0${i}Z`,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent,
    eventID: `hostile-tty-${i}`,
    recipientAccountId: '123456789012',
  };
}

/** A stdout that says it is a terminal, collecting what is written. */
class FakeTty implements OutputWriter {
  readonly isTTY = true;
  private readonly parts: Buffer[] = [];
  write(chunk: string | Uint8Array): boolean {
    this.parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return true;
  }
  get text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}

const sink: OutputWriter = { write: () => true };

describe('trust: command line (issue 12)', function () {
  this.timeout(60_000);
  let tmp: string;
  let file: string;
  const recs = [record(1, HOSTILE_AGENT), record(2, 'aws-cli/2.15 ordinary')];

  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'ale-trust-cli-'));
    file = path.join(tmp, 'hostile.json');
    // JSON.stringify writes C0 controls as \u001b escapes, C1, bidi and zero-width characters raw.
    writeFileSync(file, JSON.stringify({ Records: recs }));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('item 14: escapes on a terminal, bytes exact elsewhere', () => {
    it('the escape set covers every bidi control, zero-width and invisible character, C0, C1 and DEL', () => {
      const must = [0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff, 0x7f];
      for (let c = 0; c < 0x20; c++) must.push(c);
      for (let c = 0x80; c < 0xa0; c++) must.push(c);
      for (const c of must) {
        const ch = String.fromCharCode(c);
        assert.equal(terminalSafe(`a${ch}b`), `a\\u${c.toString(16).padStart(4, '0')}b`, `U+${c.toString(16).padStart(4, '0')}`);
      }
      assert.equal(terminalSafe('plain ASCII, ü, 日本, emoji 🙂'), 'plain ASCII, ü, 日本, emoji 🙂');
    });

    for (const format of ['csv', 'jsonl']) {
      it(`--format ${format} on a terminal: no OSC 52, OSC 8, title, C1 CSI or invisible character gets through`, async () => {
        const tty = new FakeTty();
        const code = await main(['query', file, '--format', format, '--fields', 'time,userAgent'], tty, sink);
        assert.equal(code, 0);
        const text = tty.text;
        const bad = UNSAFE.exec(text);
        assert.equal(bad, null, `raw U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} reached the terminal: ${JSON.stringify(text.slice(0, 400))}`);
        assert.ok(text.includes('\\u001b]52;c;'), 'the escape is shown, not dropped');
        assert.ok(text.includes('\\u009b2J') && text.includes('adm\\u061cin\\u2060'));
        if (format === 'jsonl') {
          // Inside a JSON string the visible escape means the same character: still the same event.
          const lines = text.trimEnd().split('\n');
          assert.equal(lines.length, 2);
          const first = JSON.parse(lines.find((l) => l.includes('hostile-tty-1'))!) as { userAgent: string };
          assert.equal(first.userAgent, HOSTILE_AGENT);
        }
      });
    }

    it('a pipe gets the bytes exactly: jsonl is each record as written, csv keeps its raw cells', () => {
      const jsonl = spawnSync(process.execPath, [CLI, 'query', file, '--format', 'jsonl'], { encoding: 'buffer' });
      assert.equal(jsonl.status, 0, jsonl.stderr.toString());
      const expected = Buffer.from(recs.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8');
      assert.ok(jsonl.stdout.equals(expected), 'jsonl on a pipe is byte-exact');
      const csv = spawnSync(process.execPath, [CLI, 'query', file, '--format', 'csv', '--fields', 'userAgent'], { encoding: 'buffer' });
      assert.equal(csv.status, 0);
      assert.ok(csv.stdout.toString('utf8').includes(HOSTILE_AGENT), 'csv on a pipe holds the value as it is');
    });

    it('under a real pseudo-terminal (script from util-linux) csv and jsonl are escaped', function () {
      const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
      if (probe.error || probe.status !== 0) this.skip();
      for (const format of ['csv', 'jsonl']) {
        const command = [process.execPath, CLI, 'query', file, '--format', format, '--fields', 'userAgent'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'buffer', env: { ...process.env, TERM: 'dumb' } });
        assert.equal(r.status, 0, r.stderr.toString());
        const text = r.stdout.toString('utf8');
        assert.ok(text.includes('\\u001b]52;c;'), `${format}: ${JSON.stringify(text.slice(0, 300))}`);
        for (const raw of ['\u001b]52', '\u001b]8;', '\u001b]0;', '\u009b', '\u202e', '\u061c', '\u2060']) assert.ok(!text.includes(raw), `${format}: raw ${JSON.stringify(raw)} on the terminal`);
      }
    });
  });

  describe('item 26: --fields eventTime', () => {
    it('prints ISO 8601 in csv and the table, like time, not epoch milliseconds', async () => {
      for (const format of ['csv', 'table']) {
        const out = new FakeTty();
        assert.equal(await main(['query', file, '--format', format, '--fields', 'eventTime,time'], out, sink), 0);
        assert.ok(!/\b17\d{11}\b/.test(out.text), `${format}: no epoch ms: ${out.text}`);
        assert.match(out.text, /2024-05-01T12:00:01\.000Z[ ,]+2024-05-01T12:00:01\.000Z/, format);
      }
    });
  });

  describe('item 15: --endpoint with credentials is refused', () => {
    for (const args of [
      ['fetch', 'controlplane', '--org', 'acme', '--verbose'],
      ['fetch', 's3', '--bucket', 'b', '--region', 'us-east-1', '--from', '2026-01-01', '--verbose'],
      ['athena', '--sql', 'SELECT 1', '--database', 'd', '--region', 'us-east-1', '--verbose'],
    ]) {
      it(`${args.slice(0, 2).join(' ')}: exit 2, says why, never prints the password`, () => {
        const r = spawnSync(process.execPath, [CLI, ...args, '--endpoint', 'http://analyst:hunter2@127.0.0.1:1/'], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', CPLN_TOKEN: 'tok', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE000000000', AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) },
          timeout: 30_000,
        });
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /--endpoint: credentials in the endpoint URL are not allowed; use the environment variable for the key/);
        assert.ok(!r.stderr.includes('hunter2') && !r.stdout.includes('hunter2'));
      });
    }
  });
});
