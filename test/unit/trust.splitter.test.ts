/**
 * Issue 12, items 1, 3 and 4 (pretty-printed part): a broken, huge or too deeply nested record
 * costs only itself, in every layout a JSON log comes in, and hostile input (many stray quotes,
 * broken records in a row, garbage bytes, a file cut at any byte) never costs the records around
 * it. Inputs are generated here; the big ones are written to a temporary folder and removed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { MAX_RECORD_DEPTH } from '../../src/core/jsonSplitter';
import { EventStore } from '../../src/core/store';
import { type FileProblem, readLogBuffer, type ReadOptions } from '../../src/providers/logFiles/fileReader';
import { encodeAwsCredentials } from '../../src/providers/awsCloudtrail/credentials';
import { loadFiles } from '../../src/providers/logFiles/files';
import type { AccountConfig } from '../../src/providers/provider';
import { loadFromS3, openS3Session } from '../../src/providers/s3Trail/index';
import { S3_KEY_ID, S3_SECRET, startS3Fake } from '../support/fakes/s3';

// Compiled to out/test/unit/: three levels up is the project root.
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

type Rec = Record<string, unknown>;

/** A CloudTrail-like record with nested objects, an array of objects, numbers and booleans. */
function event(i: number): Rec {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', accountId: '123456789012', userName: `user${i % 7}` },
    eventTime: `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: `10.0.${i % 256}.${(i >> 8) % 256}`,
    requestParameters: { bucketName: 'b', key: `k${i}`, partNumber: i, versioned: i % 2 === 0 },
    resources: [{ ARN: `arn:aws:s3:::b/k${i}`, type: 'AWS::S3::Object' }, { ARN: 'arn:aws:s3:::b', type: 'AWS::S3::Bucket' }],
    eventID: `ev-${i}`,
    readOnly: true,
  };
}

type Layout = 'cloudtrail' | 'dumps' | 'per-line' | 'pretty' | 'jsonl' | 'array';
const LAYOUTS: readonly Layout[] = ['cloudtrail', 'dumps', 'per-line', 'pretty', 'jsonl', 'array'];

/** The text of one record as a layout writes it. */
function recordText(r: Rec, layout: Layout): string {
  if (layout === 'pretty') return JSON.stringify(r, null, 2).replace(/\n/g, '\n    ');
  if (layout === 'dumps') return JSON.stringify(r).replace(/","/g, '", "').replace(/":/g, '": ');
  return JSON.stringify(r);
}

/** A whole file around the record texts, and the name that goes with it. */
function fileOf(texts: readonly string[], layout: Layout): { name: string; text: string } {
  switch (layout) {
    case 'cloudtrail': // one line, as CloudTrail writes it
      return { name: 'trail.json', text: `{"Records":[${texts.join(',')}]}` };
    case 'dumps': // Python's json.dumps
      return { name: 'trail.json', text: `{"Records": [${texts.join(', ')}]}` };
    case 'per-line': // one record per line inside the Records array
      return { name: 'trail.json', text: `{"Records":[\n${texts.join(',\n')}\n]}\n` };
    case 'pretty':
      return { name: 'trail.json', text: `{\n  "Records": [\n    ${texts.join(',\n    ')}\n  ]\n}\n` };
    case 'jsonl':
      return { name: 'trail.jsonl', text: texts.map((t) => `${t}\n`).join('') };
    case 'array':
      return { name: 'trail.json', text: `[${texts.join(',')}]` };
  }
}

interface Read {
  ids: string[];
  problems: FileProblem[];
  /** Events the file gave, before duplicates merge. */
  events: number;
}

function read(name: string, data: string | Buffer, opts?: ReadOptions): Read {
  const result = readLogBuffer(name, typeof data === 'string' ? Buffer.from(data) : data, 'test', opts);
  const ids: string[] = [];
  if (result.batch) {
    const store = new EventStore();
    store.appendBatch(result.batch);
    for (let r = 0; r < store.size; r++) ids.push(store.value(r, 'id'));
  }
  return { ids, problems: result.problems, events: result.events };
}

const ids = (from: number, to: number, without: readonly number[] = []): string[] => {
  const out: string[] = [];
  for (let i = from; i < to; i++) if (!without.includes(i)) out.push(`ev-${i}`);
  return out;
};

/** Every problem has a line and column (where problems point today). */
function located(problems: readonly FileProblem[]): void {
  for (const p of problems) {
    if (/more problems in this file/.test(p.message)) continue;
    assert.ok(p.line !== undefined && p.line >= 1 && p.column !== undefined && p.column >= 1, `"${p.message}" has a line and column`);
  }
}

/** A stray '"' at `at` (inside the text: any odd count of quotes breaks a record). */
const strayQuote = (t: string, at: number): string => `${t.slice(0, at)}"${t.slice(at)}`;

/** The position of `needle` in record text `t`, past its first character. */
function inside(t: string, needle: string): number {
  const at = t.indexOf(needle);
  assert.ok(at > 0, needle);
  return at + 1;
}

describe('trust: a bad record costs only itself (issue 12, items 1, 3, 4)', function () {
  let tmp = '';

  before(function () {
    tmp = mkdtempSync(path.join(tmpdir(), 'ale-trust-splitter-'));
  });

  after(function () {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('item 1: resynchronising after a broken record', function () {
    const N = 10_000;
    const events = Array.from({ length: N }, (_, i) => event(i + 1));

    for (const layout of LAYOUTS) {
      it(`a stray '"' inside record 5 of ${N.toLocaleString('en-US')} (${layout}): record 5 is reported with its position, the other ${(N - 1).toLocaleString('en-US')} are read`, function () {
        const texts = events.map((e) => recordText(e, layout));
        texts[4] = strayQuote(texts[4], inside(texts[4], 'GetObject') + 2);
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.equal(got.length, N - 1, JSON.stringify(problems));
        assert.deepEqual(got, ids(1, N + 1, [5]));
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0].message, /record 5 is not valid JSON/);
        located(problems);
        // It points into record 5 (between the last key of record 4 and the last key of record 6).
        const offset = problems[0].offset ?? 0;
        assert.ok(offset > text.indexOf('"ev-4"') && offset < text.indexOf('"ev-6"'), JSON.stringify(problems[0]));
      });

      it(`record 5 cut off mid-string (${layout}): record 5 is reported, the other ${(N - 1).toLocaleString('en-US')} are read`, function () {
        const texts = events.map((e) => recordText(e, layout));
        texts[4] = texts[4].slice(0, inside(texts[4], 'GetObject') + 3);
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ids(1, N + 1, [5]), JSON.stringify(problems));
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0].message, /record 5 /);
        located(problems);
      });
    }

    for (const layout of LAYOUTS) {
      it(`record 5 cut off inside its array of resources, the next record following (${layout}): only record 5 is lost`, function () {
        const texts = events.slice(0, 50).map((e) => recordText(e, layout));
        texts[4] = texts[4].slice(0, texts[4].indexOf('}', texts[4].indexOf('"resources"')) + 1);
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ids(1, 51, [5]), JSON.stringify(problems));
        assert.equal(problems.length, 1, JSON.stringify(problems));
        located(problems);
      });
    }

    it('CloudTrail Lake rows (columns as single-key objects, eventVersion first): a broken row costs only itself', function () {
      const row = (i: number): string => JSON.stringify(Object.entries(event(i)).map(([k, v]) => ({ [k]: typeof v === 'object' ? JSON.stringify(v) : String(v) })));
      for (const brokenRow of [1, 3]) {
        const rows = Array.from({ length: 6 }, (_, i) => row(i + 1));
        rows[brokenRow - 1] = strayQuote(rows[brokenRow - 1], inside(rows[brokenRow - 1], 'GetObject'));
        const { ids: got, problems } = read('lake.json', `{"QueryStatus":"FINISHED","QueryResultRows":[${rows.join(',')}],"QueryStatistics":{"ResultsCount":6}}`);
        assert.deepEqual(got, ids(1, 7, [brokenRow]), JSON.stringify(problems));
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0].message, new RegExp(`^record ${brokenRow} is not valid JSON`));
      }
    });

    it('records that each open with a different key (no common opening to look for): a broken one costs only itself', function () {
      for (const layout of LAYOUTS) {
        const texts = Array.from({ length: 30 }, (_, i) => recordText({ [`first${i}`]: i, ...event(i + 1) }, layout));
        texts[20] = strayQuote(texts[20], inside(texts[20], 'GetObject'));
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ids(1, 31, [21]), `${layout}: ${JSON.stringify(problems)}`);
        assert.match(problems[0].message, /^record 21 is not valid JSON/, layout);
        // Any opening may then be an object nested in the broken record: a few more problems, never an event lost.
        assert.ok(problems.length <= 4, `${layout}: ${JSON.stringify(problems)}`);
      }
    });

    it('one {"Records":[…]} per line (zcat of log files), one line with a stray \']\' and garbage: every record read once, one problem', function () {
      const line = (from: number, to: number, junk = ''): string => `{"Records":[${events.slice(from - 1, to).map((e, k) => (k === 1 ? junk : '') + JSON.stringify(e)).join(',')}]}`;
      for (const name of ['logs.json', 'logs.jsonl']) {
        const text = `${line(1, 3)}\n${line(4, 6, ']\u0007 ')}\n${line(7, 9)}\n`;
        const { ids: got, problems, events: n } = read(name, text);
        assert.deepEqual(got, ids(1, 10), `${name}: ${JSON.stringify(problems)}`);
        assert.equal(n, 9, name);
        assert.equal(problems.length, 1, `${name}: ${JSON.stringify(problems)}`);
        assert.equal(problems[0].line, 2);
      }
    });

    it('the first record broken: the rest are read (nothing is known about the records yet)', function () {
      for (const layout of LAYOUTS) {
        const texts = events.slice(0, 20).map((e) => recordText(e, layout));
        texts[0] = strayQuote(texts[0], inside(texts[0], 'IAMUser'));
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ids(2, 21), `${layout}: ${JSON.stringify(problems)}`);
        assert.equal(problems.length, 1, `${layout}: ${JSON.stringify(problems)}`);
      }
    });

    it('many stray quotes (one to five in every third record, 3,000 records, every layout): exactly the untouched records are read', function () {
      const next = prng(42);
      for (const layout of LAYOUTS) {
        const texts = events.slice(0, 3000).map((e) => recordText(e, layout));
        const broken: number[] = [];
        for (let i = 0; i < texts.length; i += 3) {
          broken.push(i + 1);
          const quotes = 1 + (next() % 5);
          // An odd number of quotes, wherever they land, cannot be valid JSON (the records hold no backslash).
          for (let q = 0; q < quotes + ((quotes + 1) % 2); q++) texts[i] = strayQuote(texts[i], 1 + (next() % (texts[i].length - 1)));
        }
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ids(1, 3001, broken), layout);
        assert.ok(problems.length >= 50, `${layout}: problems are reported (capped per file)`);
        assert.match(problems[problems.length - 1].message, /more problems in this file/);
      }
    });

    it('alternating broken records (stray quote, cut, garbage, in turn): every good one is read, every broken one reported', function () {
      for (const layout of LAYOUTS) {
        const texts = events.slice(0, 40).map((e) => recordText(e, layout));
        const broken: number[] = [];
        for (let i = 1; i < texts.length - 1; i += 2) {
          broken.push(i + 1);
          const kind = (i >> 1) % 3;
          if (kind === 0) texts[i] = strayQuote(texts[i], inside(texts[i], 'user'));
          else if (kind === 1) texts[i] = texts[i].slice(0, inside(texts[i], '"eventSource"') + 5);
          else texts[i] = texts[i].replace('"awsRegion"', '"awsRegion" \u0001 ');
        }
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ids(1, 41, broken), layout);
        assert.equal(problems.length, broken.length, `${layout}: ${JSON.stringify(problems)}`);
        for (const [k, p] of problems.entries()) assert.match(p.message, new RegExp(`record ${broken[k]} `), layout);
        located(problems);
      }
    });

    it('binary garbage between records: the records on both sides are read, the garbage reported', function () {
      const next = prng(7);
      for (const layout of LAYOUTS) {
        const texts = events.slice(0, 30).map((e) => recordText(e, layout));
        const { name, text } = fileOf(texts, layout);
        // Garbage after records 10 and 20, before the separator (or on a line of its own).
        let out = Buffer.from(text);
        for (const id of ['"ev-20"', '"ev-10"']) {
          const end = out.indexOf('\n', out.indexOf(id)) >= 0 && layout === 'jsonl' ? out.indexOf('\n', out.indexOf(id)) + 1 : closingBrace(out, out.indexOf(id));
          const junk = Buffer.alloc(64);
          for (let k = 0; k < junk.length; k++) junk[k] = next() & 0xff;
          junk[0] = 0x89; // never a blank or a comma
          out = Buffer.concat([out.subarray(0, end), junk, layout === 'jsonl' ? Buffer.from('\n') : Buffer.alloc(0), out.subarray(end)]);
        }
        const { ids: got, problems } = read(name, out);
        assert.deepEqual(got, ids(1, 31), `${layout}: ${JSON.stringify(problems)}`);
        assert.ok(problems.length >= 2, layout);
        located(problems);
      }
    });

    it('a cut at every byte of a small file, in every layout: exactly the whole records before the cut, and the cut reported', function () {
      for (const layout of LAYOUTS) {
        const texts = events.slice(0, 4).map((e) => recordText(e, layout));
        const { name, text } = fileOf(texts, layout);
        const ends = texts.map((t) => text.indexOf(t) + t.length);
        for (let cut = 0; cut <= text.length; cut++) {
          const prefix = text.slice(0, cut);
          const { ids: got, problems } = read(name, prefix);
          const whole = ends.filter((e) => e <= cut).length;
          assert.deepEqual(got, ids(1, whole + 1), `${layout} cut at ${cut}: ${JSON.stringify(problems)}`);
          const complete = prefix.trimEnd() === text.trimEnd() || (layout === 'jsonl' && (cut === ends[whole - 1] || prefix.endsWith('\n')));
          if (complete && cut > 0) assert.deepEqual(problems, [], `${layout} cut at ${cut}`);
          else assert.ok(problems.length >= 1 && problems.length <= 2, `${layout} cut at ${cut}: ${JSON.stringify(problems)}`);
        }
      }
    });

    it('property: any mix of stray quotes, cuts and garbage in any layout costs exactly the records it touched', function () {
      const small = events.slice(0, 12);
      // Records that all open alike (as CloudTrail's), or each with a key of its own. (Then a cut
      // inside an array or a stray '[' cannot be told from nesting: only stray quotes are tried.)
      const varied = small.map((e, i) => ({ [`first${i}`]: i, ...e }));
      fc.assert(
        fc.property(
          fc.constantFrom(...LAYOUTS),
          fc.boolean(),
          fc.array(fc.record({ index: fc.nat(10), kind: fc.constantFrom('quote', 'cut', 'garbage'), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }), { maxLength: 6 }),
          (layout, vary, damage) => {
            const texts = (vary ? varied : small).map((e) => recordText(e, layout));
            const touched = new Set<number>();
            const garbageBefore = new Map<number, Buffer>();
            for (const d of damage) {
              if (vary && d.kind !== 'quote') continue;
              // Before the first record nothing is known yet: a stray '[' there opens what looks like a row.
              if (d.kind === 'garbage' && d.index === 0) continue;
              // The last record is never cut: the file's own closing brackets could complete it.
              if (touched.has(d.index) || garbageBefore.has(d.index)) continue;
              const t = texts[d.index];
              if (d.kind === 'quote') {
                texts[d.index] = strayQuote(t, 1 + (d.at % (t.length - 1)));
                touched.add(d.index);
              } else if (d.kind === 'cut') {
                texts[d.index] = t.slice(0, 1 + (d.at % (t.length - 1)));
                touched.add(d.index);
              } else {
                garbageBefore.set(d.index, Buffer.from(d.bytes));
              }
            }
            // Garbage goes between records: ahead of a record's text, or on a line of its own.
            const parts = texts.map((t, i) => {
              const junk = garbageBefore.get(i);
              if (!junk) return Buffer.from(t);
              // A line break in JSON Lines garbage is just more garbage lines; elsewhere keep it to one line.
              const clean = Buffer.from(junk.map((b) => (b === 0x0a && layout !== 'jsonl' ? 0x20 : b)));
              return Buffer.concat([clean, Buffer.from(layout === 'jsonl' ? '\n' : ' '), Buffer.from(t)]);
            });
            const sep = fileOf(['\u0000', '\u0001'], layout).text;
            const [head, mid, tail] = [sep.slice(0, sep.indexOf('\u0000')), sep.slice(sep.indexOf('\u0000') + 1, sep.indexOf('\u0001')), sep.slice(sep.indexOf('\u0001') + 1)];
            const file = Buffer.concat([Buffer.from(head), ...parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from(mid), p])), Buffer.from(tail)]);
            const { ids: got, problems } = read(fileOf([], layout).name, file);
            const want = ids(1, 13, [...touched].map((i) => i + 1));
            assert.deepEqual(got, want, `${layout} ${JSON.stringify(damage)}: ${JSON.stringify(problems)}`);
            // (Garbage may be blanks, or a value such as [] that is no record: not always a problem.)
            if (touched.size > 0) assert.ok(problems.length >= 1);
            if (touched.size + garbageBefore.size === 0) assert.deepEqual(problems, []);
          },
        ),
        { numRuns: 400, seed: 12 },
      );
    });

    it('adversarial openings (200,000 `{"eventVersion":"` in a row before record 5): every record is read, reading stays linear', function () {
      for (const layout of ['cloudtrail', 'array', 'per-line'] as const) {
        const texts = events.slice(0, 10).map((e) => recordText(e, layout));
        texts[4] = '{"eventVersion":"'.repeat(200_000) + texts[4];
        const { name, text } = fileOf(texts, layout);
        // A resync that retried every opening from scratch would read 200,000 × 3.4 MB here.
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ids(1, 11), layout);
        assert.ok(problems.length >= 50, layout);
      }
    });
  });

  describe('item 3: a per-record size limit', function () {
    const small: ReadOptions = { maxRecordBytes: 2000 };
    const huge = (i: number): Rec => ({ ...event(i), requestParameters: { blob: 'x'.repeat(5000) } });

    for (const layout of LAYOUTS) {
      it(`a record over the limit is one problem and is skipped; everything else is kept (${layout})`, function () {
        const texts = [event(1), huge(2), event(3)].map((e) => recordText(e, layout));
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text, small);
        assert.deepEqual(got, ['ev-1', 'ev-3'], JSON.stringify(problems));
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0].message, /^record 2 is [\d.]+ KB, over the 2\.0 KB per-record limit: skipped$/);
        located(problems);
      });
    }

    it('a record of a million empty objects (the 415 MB / 138M-object shape, scaled down) is skipped without being parsed', function () {
      const text = `{"Records":[${JSON.stringify(event(1))},{"eventVersion":"1.08","eventID":"ev-2","a":[${'{},'.repeat(1_000_000)}{}]},${JSON.stringify(event(3))}]}`;
      const before = process.memoryUsage().heapUsed;
      const { ids: got, problems } = read('trail.json', text, { maxRecordBytes: 1 << 20 });
      assert.deepEqual(got, ['ev-1', 'ev-3']);
      assert.equal(problems.length, 1);
      assert.match(problems[0].message, /record 2 is 2\.9 MB, over the 1 MB per-record limit/);
      // Parsing it would have made a million objects (tens of MB of heap).
      assert.ok(process.memoryUsage().heapUsed - before < 16 << 20, 'no objects were built for it');
    });

    it('the production default (32 MB): a 33 MB record in a folder costs only itself, the file\'s other events and the other files load', async function () {
      const dir = path.join(tmp, 'big-folder');
      mkdirSync(dir, { recursive: true });
      const big = `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventName":"PutObject","eventID":"ev-2","requestParameters":{"blob":"${'y'.repeat(33 << 20)}"}}`;
      writeFileSync(path.join(dir, 'a.json'), `{"Records":[${JSON.stringify(event(1))},${big},${JSON.stringify(event(3))}]}`);
      writeFileSync(path.join(dir, 'b.json'), `{"Records":[${JSON.stringify(event(4))}]}`);
      const store = new EventStore();
      const report = await loadFiles([dir], store, { workers: 0 });
      const got: string[] = [];
      for (let r = 0; r < store.size; r++) got.push(store.value(r, 'id'));
      assert.deepEqual(got, ['ev-1', 'ev-3', 'ev-4']);
      assert.equal(report.errors.length, 1, JSON.stringify(report.errors));
      assert.equal(report.errors[0].path, path.join(dir, 'a.json'));
      assert.match(report.errors[0].message, /record 2 is 33\.0 MB, over the 32 MB per-record limit: skipped/);
      assert.deepEqual(report.errors[0].position && [report.errors[0].position.line, report.errors[0].position.column], [1, JSON.stringify(event(1)).length + 14]);
    });

    it('`stats` on a file with a record over the limit prints its counts and names the record (exit 1), no stack trace', function () {
      const file = path.join(tmp, 'big-record.json');
      const big = `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventName":"PutObject","eventID":"ev-2","pad":"${'z'.repeat(33 << 20)}"}`;
      writeFileSync(file, `{"Records":[${JSON.stringify(event(1))},${big},${JSON.stringify(event(3))}]}`);
      const r = spawnSync(process.execPath, [CLI, 'stats', file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
      assert.equal(r.status, 1, r.stderr);
      const s = JSON.parse(r.stdout) as { events: number; errors: Array<{ message: string }> };
      assert.equal(s.events, 2);
      assert.equal(s.errors.length, 1);
      assert.match(s.errors[0].message, /record 2 is 33\.0 MB, over the 32 MB per-record limit: skipped/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });

    it('the S3 loader the same: an object with a 33 MB record and a broken one keeps its other events', async function () {
      const fake = await startS3Fake({ buckets: { trail: 'us-east-1' } });
      const account: AccountConfig = { id: 'acc-1', provider: 'cloudtrail', label: 'test', endpoint: fake.url, region: 'us-east-1' };
      const session = openS3Session(account, encodeAwsCredentials({ type: 'keys', accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET }), { maxAttempts: 1 });
      try {
        const big = `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventName":"PutObject","eventID":"ev-2","pad":"${'s'.repeat(33 << 20)}"}`;
        const texts = [JSON.stringify(event(1)), big, JSON.stringify(event(3)), strayQuote(JSON.stringify(event(4)), 30), JSON.stringify(event(5))];
        fake.put('trail', 'logs/a.json', `{"Records":[${texts.join(',')}]}`);
        fake.put('trail', 'logs/b.json', `{"Records":[${JSON.stringify(event(6))}]}`);
        const store = new EventStore();
        const report = await loadFromS3(session, { bucket: 'trail', bucketRegion: 'us-east-1', prefixes: ['logs/'] }, store);
        const got: string[] = [];
        for (let r = 0; r < store.size; r++) got.push(store.value(r, 'id'));
        assert.deepEqual(got, ['ev-1', 'ev-3', 'ev-5', 'ev-6']);
        assert.deepEqual(
          report.errors.map((e) => [e.path, e.message.replace(/:.*/, '')]),
          [
            ['s3://trail/logs/a.json', 'record 2 is 33.0 MB, over the 32 MB per-record limit'],
            ['s3://trail/logs/a.json', 'record 4 is not valid JSON'],
          ],
        );
      } finally {
        session.close();
        await fake.close();
      }
    });

    it('a record past V8\'s string limit with no size limit set: that record is one problem, the file is not lost (the one realistic-size test, ~0.6 GB)', function () {
      // 0x1fffffe8 characters is the longest string V8 makes: this record cannot become one.
      const padLength = 0x1fffffe8 + 16;
      const head = Buffer.from(`{"Records":[${JSON.stringify(event(1))},{"eventVersion":"1.08","eventID":"ev-2","pad":"`);
      const tail = Buffer.from(`"},${JSON.stringify(event(3))}]}`);
      const buf = Buffer.allocUnsafe(head.length + padLength + tail.length);
      head.copy(buf, 0);
      buf.fill(0x61, head.length, head.length + padLength);
      tail.copy(buf, head.length + padLength);
      const { ids: got, problems } = read('trail.json', buf, { maxRecordBytes: Infinity });
      assert.deepEqual(got, ['ev-1', 'ev-3']);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0].message, /^record 2 cannot be read: /);
    });
  });

  describe('item 4: a record nested deeper than the limit', function () {
    const deep = (i: number, levels: number): string =>
      `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventName":"Deep","eventID":"ev-${i}","requestParameters":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
    const prettyDeep = (i: number, levels: number): string => JSON.stringify(JSON.parse(deep(i, Math.min(levels, 10))), null, 2).replace('"a": 1', `"a": ${'{"a":\n'.repeat(levels - 10)}1${'}'.repeat(levels - 10)}`);

    for (const layout of LAYOUTS) {
      it(`a valid record 5,000 deep is one "nested deeper than ${MAX_RECORD_DEPTH}" problem, the rest kept (${layout})`, function () {
        const texts = [recordText(event(1), layout), layout === 'pretty' ? prettyDeep(2, 5000) : deep(2, 5000), recordText(event(3), layout)];
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(got, ['ev-1', 'ev-3'], JSON.stringify(problems));
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.equal(problems[0].message, `record 2 is nested deeper than ${MAX_RECORD_DEPTH} levels: skipped`);
        located(problems);
      });

      it(`a record just under the limit is read like any other (${layout})`, function () {
        const levels = MAX_RECORD_DEPTH - 3; // the record, requestParameters and the innermost object
        const texts = [recordText(event(1), layout), layout === 'pretty' ? prettyDeep(2, levels) : deep(2, levels), recordText(event(3), layout)];
        const { name, text } = fileOf(texts, layout);
        const { ids: got, problems } = read(name, text);
        assert.deepEqual(problems, []);
        assert.deepEqual(got, ['ev-1', 'ev-2', 'ev-3']);
      });
    }
  });
});

/** End (exclusive) of the record holding byte `at`: readOnly is its last key, then it closes. */
function closingBrace(buf: Buffer, at: number): number {
  return buf.indexOf('}', buf.indexOf('"readOnly"', at)) + 1;
}

/** A deterministic byte stream (no Math.random: failures must reproduce). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}
