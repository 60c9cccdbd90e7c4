/**
 * Broken, cut, odd and hostile files: nothing crashes, every readable event is loaded, and every
 * problem is in report.errors with its file (and position where there is one), so events and errors
 * together account for every record. Small fixtures live in test/fixtures/malformed/; gzip and
 * binary ones are made at test time in a temporary folder.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { constants as zc, gunzipSync, gzipSync } from 'node:zlib';
import { EventStore } from '../../src/core/store';
import { LoadError, LoadReport, loadFiles } from '../../src/providers/logFiles/files';

// Compiled to out/test/unit/: three levels up is the project root.
const FIX = path.resolve(__dirname, '../../../test/fixtures/malformed');

interface Loaded {
  store: EventStore;
  report: LoadReport;
  /** eventIDs in store order. */
  ids: string[];
}

async function load(paths: string[], workers = 0): Promise<Loaded> {
  const store = new EventStore();
  const report = await loadFiles(paths, store, { workers });
  const ids: string[] = [];
  for (let r = 0; r < store.size; r++) ids.push(store.value(r, 'id'));
  return { store, report, ids };
}

function fixture(name: string): string {
  return path.join(FIX, name);
}

/** Every error of the load belongs to `file`, and there is at least one. */
function errorsOf(report: LoadReport, file: string): LoadError[] {
  assert.ok(report.errors.length > 0, `expected errors for ${file}, got none`);
  for (const e of report.errors) {
    assert.equal(e.path, file);
    assert.ok(e.message.trim().length > 0);
  }
  return report.errors;
}

function lines(errors: LoadError[]): number[] {
  return errors.map((e) => {
    assert.ok(e.position, `error "${e.message}" has a position`);
    assert.ok(e.position.line >= 1 && e.position.column >= 1);
    return e.position.line;
  });
}

/** A deterministic byte stream (no Math.random: failures must reproduce). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

interface Rec {
  eventVersion: string;
  eventTime: string;
  eventName: string;
  eventID: string;
  requestParameters: { key: string };
}

/** 20 records with hard-to-compress payloads, so a cut in the gzip stream lands mid-file. */
function gzRecords(): { records: Rec[]; text: string; ends: number[] } {
  const next = prng(7);
  const records: Rec[] = [];
  for (let i = 0; i < 20; i++) {
    let key = '';
    for (let k = 0; k < 64; k++) key += next().toString(16).padStart(6, '0');
    records.push({
      eventVersion: '1.08',
      eventTime: `2024-05-01T10:${String(i).padStart(2, '0')}:00Z`,
      eventName: 'GetObject',
      eventID: `gz-${i + 1}`,
      requestParameters: { key },
    });
  }
  let text = '{"Records":[';
  const ends: number[] = [];
  records.forEach((r, i) => {
    if (i > 0) text += ',';
    text += JSON.stringify(r);
    ends.push(text.length);
  });
  text += ']}';
  return { records, text, ends };
}

describe('malformed and unusual files', function () {
  let tmp = '';

  before(function () {
    tmp = mkdtempSync(path.join(tmpdir(), 'ale-malformed-'));
  });

  after(function () {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('JSON documents', function () {
    it('a truncated JSON file keeps the records before the cut and names the file and position', async function () {
      const file = fixture('truncated.json');
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['trunc-1', 'trunc-2']);
      assert.equal(report.files, 1);
      const [line] = lines(errorsOf(report, file));
      // Record 3 starts on line 19; the file ends on line 22.
      assert.ok(line >= 19 && line <= 22, `line ${line}`);
      assert.match(report.errors[0].message, /truncat|ends|incomplete/i);
    });

    it('a missing comma between records keeps every record and points at the spot', async function () {
      const file = fixture('missing-comma.json');
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['comma-1', 'comma-2', 'comma-3']);
      assert.deepEqual(lines(errorsOf(report, file)), [3]);
    });

    it('one record with a syntax error costs only itself, and the error points at its bad line', async function () {
      const file = fixture('bad-record.json');
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['bad-1', 'bad-3']);
      const errors = errorsOf(report, file);
      assert.equal(errors.length, 1);
      // `"eventID": "bad-2"` on line 6 follows a value with no comma.
      assert.deepEqual(errors[0].position && [errors[0].position.line, errors[0].position.column], [6, 5]);
    });

    it('the position of a syntax error stays right after non-ASCII text in the record', async function () {
      const file = fixture('bad-record-utf8.json');
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['utf8-1', 'utf8-3']);
      const errors = errorsOf(report, file);
      assert.equal(errors.length, 1);
      // `"eventID": "utf8-2"` on line 7, column 5, follows `"eventName": "PutObject"` with no comma;
      // line 5 holds multi-byte characters, which must not shift the reported position.
      assert.deepEqual(errors[0].position && [errors[0].position.line, errors[0].position.column], [7, 5]);
    });

    it('an empty array is a valid, empty log: no events, no error', async function () {
      const file = fixture('empty-array.json');
      const { report } = await load([file]);
      assert.equal(report.files, 1);
      assert.equal(report.events, 0);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.skipped, []);
    });

    it('an empty object is not an event: reported', async function () {
      const file = fixture('empty-object.json');
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      const errors = errorsOf(report, file);
      assert.match(errors[0].message, /not a CloudTrail|not .*event/i);
    });

    it('a JSON file that is not a CloudTrail log (package.json-like) is reported as such', async function () {
      const file = fixture('package-like.json');
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      assert.match(errorsOf(report, file)[0].message, /not a CloudTrail log/i);
    });

    it('an empty file is reported (as an error or a skip with a reason), not read silently as nothing', async function () {
      const file = fixture('empty.json');
      assert.equal(readFileSync(file).length, 0);
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      const told = report.errors.filter((e) => e.path === file).length + report.skipped.filter((s) => s.path === file && s.reason !== '').length;
      assert.ok(told >= 1, `an empty file must be mentioned: ${JSON.stringify(report)}`);
    });

    it('a file of only whitespace is reported too', async function () {
      const file = path.join(tmp, 'blank.json');
      writeFileSync(file, '  \n\t\r\n  \n');
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      const told = report.errors.filter((e) => e.path === file).length + report.skipped.filter((s) => s.path === file).length;
      assert.ok(told >= 1, `a blank file must be mentioned: ${JSON.stringify(report)}`);
    });

    it('a UTF-8 byte-order mark is ignored', async function () {
      const file = fixture('bom.json');
      assert.deepEqual([...readFileSync(file).subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const { report, ids, store } = await load([file]);
      assert.deepEqual(ids, ['bom-1', 'bom-2']);
      assert.deepEqual(report.errors, []);
      assert.equal(store.rawText(0)[0], '{');
    });

    it('a UTF-8 byte-order mark before JSON Lines is ignored', async function () {
      const file = path.join(tmp, 'bom.jsonl');
      writeFileSync(
        file,
        '\ufeff{"eventTime":"2024-05-01T10:00:00Z","eventName":"GetObject","eventID":"bomj-1"}\n' +
          '{"eventTime":"2024-05-01T10:01:00Z","eventName":"PutObject","eventID":"bomj-2"}\n',
      );
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['bomj-1', 'bomj-2']);
      assert.deepEqual(report.errors, []);
    });

    it('non-object elements among the records are reported; the events around them are kept', async function () {
      const file = path.join(tmp, 'mixed-elements.json');
      writeFileSync(
        file,
        '{"Records":[\n{"eventName":"A","eventID":"mix-1"},\n42,\nnull,\n{"eventName":"B","eventID":"mix-2"}\n]}\n',
      );
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['mix-1', 'mix-2']);
      const errorLines = lines(errorsOf(report, file));
      assert.ok(errorLines.includes(3), `errors at lines ${errorLines}`);
    });

    it('deeply nested JSON (300 levels) on its own line does not crash, and the records around it are kept', async function () {
      const deep = '{"eventID":"deep-2","eventName":"Deep","requestParameters":' + '{"a":'.repeat(300) + '1' + '}'.repeat(300) + '}';
      const file = path.join(tmp, 'deep-lines.json');
      writeFileSync(file, `{"Records":[\n{"eventID":"deep-1","eventName":"A"},\n${deep},\n{"eventID":"deep-3","eventName":"C"}\n]}\n`);
      const { report, ids } = await load([file]);
      assert.ok(ids.includes('deep-1') && ids.includes('deep-3'), `ids ${ids}`);
      // The deep record is valid JSON: either loaded or reported with its position.
      if (!ids.includes('deep-2')) assert.ok(lines(errorsOf(report, file)).includes(3));
      else assert.deepEqual(report.errors, []);
    });

    for (const [style, open, sep, colon] of [
      ['CloudTrail-minified', '{"Records":[', ',', ':'],
      ['json.dumps-style (", " and ": ")', '{"Records": [', ', ', ': '],
    ] as const) {
      it(`deeply nested JSON (300 levels) in a one-line ${style} log does not cost the records after it`, async function () {
        const rec = (id: string, name: string) => `{"eventID"${colon}"${id}"${sep}"eventName"${colon}"${name}"}`;
        const deep =
          `{"eventID"${colon}"deep-2"${sep}"eventName"${colon}"Deep"${sep}"requestParameters"${colon}` +
          `{"a"${colon}`.repeat(300) + '1' + '}'.repeat(300) + '}';
        const file = path.join(tmp, `deep-one-line-${open.length}.json`);
        writeFileSync(file, `${open}${rec('deep-1', 'A')}${sep}${deep}${sep}${rec('deep-3', 'C')}]}`);
        const { report, ids } = await load([file]);
        assert.ok(ids.includes('deep-1'), `ids ${ids}`);
        assert.ok(
          ids.includes('deep-3'),
          `deep-3 follows the deep record on the same line and is readable: ids ${ids}, errors ${JSON.stringify(report.errors)}`,
        );
        if (!ids.includes('deep-2')) assert.equal(errorsOf(report, file).length >= 1, true);
      });
    }

    it('a binary file with a .json name is reported, not loaded, and does not crash', async function () {
      const next = prng(12345);
      const bytes = Buffer.alloc(2048);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0); // a PNG signature
      const file = path.join(tmp, 'image.json');
      writeFileSync(file, bytes);
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      errorsOf(report, file);
      assert.ok(report.errors.length <= 60, 'problems in one file are capped');
    });
  });

  describe('JSON Lines', function () {
    it('a line break inside a string costs only that line', async function () {
      const file = fixture('broken-string.jsonl');
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['bs-1', 'bs-3']);
      const errorLines = lines(errorsOf(report, file));
      assert.ok(errorLines.includes(2), `errors at lines ${errorLines}`);
      for (const l of errorLines) assert.ok(l === 2 || l === 3, `line ${l}`);
    });

    it('a line cut short costs only itself: the next lines are kept', async function () {
      const file = fixture('cut-line.jsonl');
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['cut-1', 'cut-3', 'cut-4']);
      assert.deepEqual(lines(errorsOf(report, file)), [2]);
    });

    it('JSON Lines named .json (as the OTRF data set names them) whose first line is cut: the next lines are kept', async function () {
      const ev = (id: string) => JSON.stringify({ eventTime: '2024-05-01T10:02:00Z', eventName: 'GetObject', eventID: id });
      const file = path.join(tmp, 'first-line-cut.json');
      writeFileSync(file, `{"eventTime":"2024-05-01T10:01:00Z","eventName":"PutObject","requestParameters":{"bucketName":"b",\n${ev('fl-2')}\n${ev('fl-3')}\n`);
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['fl-2', 'fl-3'], JSON.stringify(report.errors));
      assert.deepEqual(lines(errorsOf(report, file)), [1]);
    });

    it('JSON Lines named .json whose second line is cut: the other lines are kept', async function () {
      const ev = (id: string) => JSON.stringify({ eventTime: '2024-05-01T10:02:00Z', eventName: 'GetObject', eventID: id });
      const file = path.join(tmp, 'second-line-cut.json');
      writeFileSync(file, `${ev('sl-1')}\n{"eventTime":"2024-05-01T10:01:00Z","eventName":"PutObject",\n${ev('sl-3')}\n`);
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['sl-1', 'sl-3']);
      assert.deepEqual(lines(errorsOf(report, file)), [2]);
    });

    it('garbage text between lines is reported at its line; the events on both sides are kept', async function () {
      const file = fixture('garbage-between.jsonl');
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['garbage-1', 'garbage-2']);
      const errors = errorsOf(report, file);
      assert.deepEqual(lines(errors), [2]);
      assert.equal(errors[0].position?.column, 1);
    });
  });

  describe('digest files', function () {
    it('a digest file is recognised by its content and skipped with a reason', async function () {
      const file = fixture('digest-content.json');
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      assert.equal(report.files, 0);
      assert.deepEqual(report.errors, []);
      assert.equal(report.skipped.length, 1);
      assert.equal(report.skipped[0].path, file);
      assert.match(report.skipped[0].reason, /digest/i);
    });

    it('a digest file is recognised by its name and skipped with a reason', async function () {
      const name = readdirSync(FIX).find((n) => n.includes('CloudTrail-Digest'));
      assert.ok(name);
      const file = fixture(name);
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.skipped.map((s) => s.path), [file]);
      assert.match(report.skipped[0].reason, /digest/i);
    });

    it('digest files in the S3 layout are skipped by name while walking a folder', async function () {
      const root = path.join(tmp, 'digest-layout');
      const digestDir = path.join(root, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01');
      const logDir = path.join(root, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01');
      mkdirSync(digestDir, { recursive: true });
      mkdirSync(logDir, { recursive: true });
      const digest = path.join(digestDir, '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T110000Z.json.gz');
      writeFileSync(digest, gzipSync(readFileSync(fixture('digest-content.json'))));
      writeFileSync(
        path.join(logDir, '111122223333_CloudTrail_us-east-1_20240501T1000Z_abc.json.gz'),
        gzipSync('{"Records":[{"eventTime":"2024-05-01T10:00:00Z","eventName":"GetObject","eventID":"layout-1"}]}'),
      );
      const { report, ids } = await load([root]);
      assert.deepEqual(ids, ['layout-1']);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.skipped.map((s) => s.path), [digest]);
      assert.match(report.skipped[0].reason, /digest/i);
    });
  });

  describe('gzip', function () {
    it('a gzipped log (by content, whatever its name) loads completely', async function () {
      const { records, text } = gzRecords();
      const named = path.join(tmp, 'ok.json.gz');
      const misnamed = path.join(tmp, 'ok-but-named.json');
      writeFileSync(named, gzipSync(text));
      writeFileSync(misnamed, gzipSync(text));
      for (const file of [named, misnamed]) {
        const { report, ids } = await load([file]);
        assert.deepEqual(report.errors, []);
        assert.deepEqual(ids, records.map((r) => r.eventID));
      }
    });

    it('a truncated .json.gz keeps the records in the readable part and reports the cut', async function () {
      const { records, text, ends } = gzRecords();
      const gz = gzipSync(text);
      const cut = gz.subarray(0, Math.floor(gz.length / 2));
      const file = path.join(tmp, 'cut.json.gz');
      writeFileSync(file, cut);
      // What a gzip reader can recover from the cut stream, and so which records are whole in it.
      const readable = gunzipSync(cut, { finishFlush: zc.Z_SYNC_FLUSH }).length;
      const whole = ends.filter((e) => e <= readable).length;
      assert.ok(whole >= 2 && whole < records.length, `fixture sanity: ${whole} whole records`);

      const { report, ids, store } = await load([file]);
      assert.deepEqual(ids, records.slice(0, whole).map((r) => r.eventID));
      for (let r = 0; r < store.size; r++) assert.equal(store.rawText(r), JSON.stringify(records[r]));
      const errors = errorsOf(report, file);
      assert.ok(errors.some((e) => /gzip|compress/i.test(e.message)), JSON.stringify(errors));
      // The record cut in half is accounted for with a position.
      assert.ok(errors.some((e) => e.position !== undefined), JSON.stringify(errors));
    });

    it('corrupt bytes in the middle of a gzip stream: what came before is kept, the damage is reported', async function () {
      const { records, text } = gzRecords();
      const gz = Buffer.from(gzipSync(text));
      const at = Math.floor(gz.length * 0.3);
      for (let k = 0; k < 8; k++) gz[at + k] ^= 0xff;
      const file = path.join(tmp, 'corrupt.json.gz');
      writeFileSync(file, gz);

      const { report, ids, store } = await load([file]);
      assert.ok(ids.length >= 1, 'the records before the damage are kept');
      assert.deepEqual(ids, records.slice(0, ids.length).map((r) => r.eventID));
      for (let r = 0; r < store.size; r++) assert.equal(store.rawText(r), JSON.stringify(records[r]));
      const errors = errorsOf(report, file);
      assert.ok(errors.some((e) => /gzip|corrupt|compress/i.test(e.message)), JSON.stringify(errors));
    });

    it('a gzip header with nothing readable after it is reported', async function () {
      const file = path.join(tmp, 'header-only.json.gz');
      writeFileSync(file, gzipSync('{"Records":[]}').subarray(0, 10));
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      errorsOf(report, file);
    });
  });

  describe('valid shapes that must not be mistaken for broken files', function () {
    const ev = (id: string, minute: number): string =>
      JSON.stringify({ eventVersion: '1.08', eventTime: `2024-05-01T10:0${minute}:00Z`, eventName: 'GetObject', eventID: id });

    for (const name of ['logs.json', 'logs.jsonl']) {
      it(`one {"Records":[…]} per line (zcat of CloudTrail log files) as ${name}: every event, no error`, async function () {
        // CloudTrail log files end with "]}\n", so concatenating them gives one log object per line.
        const file = path.join(tmp, `pages-${name}`);
        writeFileSync(file, `{"Records":[${ev('page-1', 1)}]}\n{"Records":[${ev('page-2', 2)},${ev('page-3', 3)}]}\n`);
        const { report, ids } = await load([file]);
        assert.deepEqual(ids, ['page-1', 'page-2', 'page-3']);
        assert.deepEqual(report.errors, []);
      });
    }

    it('{"Records":[…]} objects back to back on one line: every event, no error', async function () {
      const file = path.join(tmp, 'back-to-back.json');
      writeFileSync(file, `{"Records":[${ev('b2b-1', 1)}]}{"Records":[${ev('b2b-2', 2)},${ev('b2b-3', 3)}]}`);
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['b2b-1', 'b2b-2', 'b2b-3']);
      assert.deepEqual(report.errors, []);
    });

    it('one lookup-events page {"Events":[…]} per line: every event, no error', async function () {
      const page = (id: string, minute: number) => JSON.stringify({ Events: [{ EventId: id, CloudTrailEvent: ev(id, minute) }] });
      const file = path.join(tmp, 'lookup-pages.jsonl');
      writeFileSync(file, `${page('lookup-1', 1)}\n${page('lookup-2', 2)}\n`);
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['lookup-1', 'lookup-2']);
      assert.deepEqual(report.errors, []);
    });

    it('a bare array per line: every event, no error', async function () {
      const file = path.join(tmp, 'arrays.jsonl');
      writeFileSync(file, `[${ev('arr-1', 1)}]\n[${ev('arr-2', 2)},${ev('arr-3', 3)}]\n`);
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['arr-1', 'arr-2', 'arr-3']);
      assert.deepEqual(report.errors, []);
    });

    it('CRLF line ends in JSON Lines', async function () {
      const file = path.join(tmp, 'crlf.jsonl');
      writeFileSync(file, `${ev('crlf-1', 1)}\r\n${ev('crlf-2', 2)}\r\n`);
      const { report, ids } = await load([file]);
      assert.deepEqual(ids, ['crlf-1', 'crlf-2']);
      assert.deepEqual(report.errors, []);
    });
  });

  describe('files that cannot be read', function () {
    it('a nonexistent path is reported with its path', async function () {
      const file = path.join(tmp, 'does-not-exist.json');
      const { report } = await load([file]);
      assert.equal(report.events, 0);
      assert.equal(report.files, 0);
      const [e] = errorsOf(report, file);
      assert.match(e.message, /no such|not found|ENOENT/i);
    });

    it('a file without read permission is reported with its path', async function () {
      if (process.getuid?.() === 0) {
        console.warn('    (skipped: running as root, which can read a chmod 000 file)');
        this.skip();
      }
      const file = path.join(tmp, 'locked.json');
      writeFileSync(file, '{"eventName":"GetObject","eventID":"locked-1"}');
      chmodSync(file, 0o000);
      try {
        const { report } = await load([file]);
        assert.equal(report.events, 0);
        assert.match(errorsOf(report, file)[0].message, /permission|EACCES|read/i);
      } finally {
        chmodSync(file, 0o600);
      }
    });

    it('a nonexistent path among good ones costs only itself', async function () {
      const missing = path.join(tmp, 'missing-too.json');
      const { report, ids } = await load([fixture('bom.json'), missing, fixture('missing-comma.json')]);
      assert.deepEqual(ids, ['bom-1', 'bom-2', 'comma-1', 'comma-2', 'comma-3']);
      assert.ok(report.errors.some((e) => e.path === missing));
    });
  });

  describe('the whole fixture folder at once', function () {
    /** eventIDs each fixture must yield. */
    const EXPECTED: Readonly<Record<string, readonly string[]>> = {
      'truncated.json': ['trunc-1', 'trunc-2'],
      'missing-comma.json': ['comma-1', 'comma-2', 'comma-3'],
      'bad-record.json': ['bad-1', 'bad-3'],
      'bad-record-utf8.json': ['utf8-1', 'utf8-3'],
      'broken-string.jsonl': ['bs-1', 'bs-3'],
      'cut-line.jsonl': ['cut-1', 'cut-3', 'cut-4'],
      'garbage-between.jsonl': ['garbage-1', 'garbage-2'],
      'bom.json': ['bom-1', 'bom-2'],
      'empty.json': [],
      'empty-array.json': [],
      'empty-object.json': [],
      'package-like.json': [],
      'digest-content.json': [],
    };

    it('the suite knows every fixture', function () {
      const names = readdirSync(FIX).filter((n) => !n.includes('CloudTrail-Digest')).sort();
      assert.deepEqual(names, Object.keys(EXPECTED).sort());
    });

    it('loads every readable event, reports every broken file, and is the same on worker threads', async function () {
      const here = await load([FIX], 0);
      const workers = await load([FIX], 2);
      const want = Object.values(EXPECTED).flat();
      for (const { report, ids } of [here, workers]) {
        assert.deepEqual([...ids].sort(), [...want].sort());
        assert.equal(report.events, want.length);
        assert.equal(report.skipped.length, 2, JSON.stringify(report.skipped));
        for (const s of report.skipped) assert.match(s.reason, /digest/i);
        const broken = new Set(report.errors.map((e) => path.basename(e.path)));
        for (const name of [
          'truncated.json',
          'missing-comma.json',
          'bad-record.json',
          'bad-record-utf8.json',
          'broken-string.jsonl',
          'cut-line.jsonl',
          'garbage-between.jsonl',
          'empty-object.json',
          'package-like.json',
        ]) {
          assert.ok(broken.has(name), `${name} is reported`);
        }
        for (const name of ['bom.json', 'empty-array.json', 'digest-content.json']) assert.ok(!broken.has(name), `${name} is fine`);
      }
      assert.deepEqual(workers.ids, here.ids);
      assert.deepEqual(workers.report.errors, here.report.errors);
      assert.deepEqual(workers.report.skipped, here.report.skipped);
    });
  });
});
