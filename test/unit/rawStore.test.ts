/**
 * Raw bytes kept compressed (src/core/rawSegment.ts, rawReader.ts) and searched on every core
 * (searchPool.ts): every event's bytes exactly as before, damaged stored bytes an error for the
 * events they hold and never a crash or other bytes, the inflate cache bounded, and free-text search
 * giving the same rows on this thread, on worker threads and by brute force.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeJsonArray, writeJsonl } from '../../src/core/formats';
import { RawReader } from '../../src/core/rawReader';
import { compressSegment, DEFLATE_BLOCK, RawDataError, type RawSegment } from '../../src/core/rawSegment';
import { parallelSearchOptions, searchStats, setParallelSearch } from '../../src/core/searchPool';
import { EventStore } from '../../src/core/store';
import { loadFiles } from '../../src/providers/logFiles/files';

const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');

/**
 * SHA-256 over every event's raw bytes (length-prefixed, store order) of each shared set loaded
 * alone on this thread, as the store kept them uncompressed before raw segments were compressed
 * (commit 8fd8161): [events, duplicates, first 16 hex digits].
 */
const RAW_DIGESTS: Readonly<Record<string, [number, number, string]>> = {
  'cloud-snitch-org-trail': [21, 0, '403d745651d853b3'],
  'invictus-ir-aws-dataset': [2900, 0, '8c13ecb611eaca75'],
  'otrf-security-datasets-aws': [404, 0, '02975766d8afb5ab'],
  'plaso-aws-cloudtrail-jsonl': [6, 0, 'e17149ea1c135a89'],
  'stratus-red-team-detonation-logs': [310, 0, 'a358b6ca27bff76c'],
  traildiscover: [314, 1, '8ae04bacecde5b3a'],
  'trailscraper-fixtures': [3, 4, '7ebbb1e67822af2f'],
  'zmallen-cloudtrail2sightings': [15, 0, 'd32a0c2cb5614efe'],
};

function digest(store: EventStore, rows: Iterable<number>): string {
  const h = createHash('sha256');
  for (const r of rows) {
    const b = store.rawBytes(r);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len);
    h.update(b);
  }
  return h.digest('hex').slice(0, 16);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Search on this thread only, then on worker threads for any size; the settings come back after. */
function bothWays(store: EventStore, query: string): { serial: number[]; parallel: number[] } {
  const before = { ...parallelSearchOptions() };
  try {
    setParallelSearch({ workers: 0 });
    const serial = store.query(query).rows(0, store.size, ['id']).map((r) => r.row as number);
    setParallelSearch({ workers: 2, minBytes: 0 });
    const shared = searchStats.shared;
    const parallel = store.query(query).rows(0, store.size, ['id']).map((r) => r.row as number);
    assert.equal(searchStats.shared, shared + 1, 'worker threads took part');
    return { serial, parallel };
  } finally {
    setParallelSearch(before);
  }
}

/** A record whose text holds what the search must find (or must not) in all its spellings. */
function record(i: number): Record<string, unknown> {
  const kinds = [
    'plain Zurich',
    'Zürich',
    'Z\u00fcrich',
    'ZÜRICH',
    'say "hi" to a/b',
    'tab\there',
    'emoji 😀 face',
    'AccessDenied',
    'accessdenied',
    'ACCESS DENIED',
    'nothing here',
  ];
  return {
    eventVersion: '1.08',
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    eventName: i % 3 === 0 ? 'GetObject' : 'PutObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-central-1',
    errorMessage: kinds[i % kinds.length],
    requestParameters: { bucketName: `bucket-${i % 17}`, key: `k/${'x'.repeat(i % 97)}` },
  };
}

/**
 * Text as JSON.stringify writes it, then with some characters escaped the way other writers do
 * (`\u00fc`, `\/`), so the same event is spelled more than one way across rows.
 */
function spelled(rec: Record<string, unknown>, i: number): string {
  const text = JSON.stringify(rec);
  if (i % 4 === 1) return text.replace(/ü/g, '\\u00fc').replace(/\//g, '\\/');
  if (i % 4 === 2) return text.replace(/ü/g, '\\u00FC').replace(/😀/g, '\\ud83d\\ude00');
  return text;
}

describe('raw bytes kept compressed', function () {
  this.timeout(120000);

  describe('the shared data sets', function () {
    before(function () {
      if (!existsSync(DATA)) this.skip();
    });

    it('every event keeps exactly the bytes the uncompressed store kept, read warm, cold and backwards', async function () {
      const sets = readdirSync(DATA).filter((d) => statSync(path.join(DATA, d)).isDirectory()).sort();
      assert.deepEqual(sets, Object.keys(RAW_DIGESTS).sort());
      for (const set of sets) {
        const store = new EventStore();
        const report = await loadFiles([path.join(DATA, set)], store, { workers: 0 });
        const [events, duplicates, want] = RAW_DIGESTS[set];
        assert.equal(store.size, events, set);
        assert.equal(report.duplicates, duplicates, set);
        assert.equal(digest(store, range(store.size)), want, `${set}: in order`);
        store.rawReader.clear();
        const backwards = range(store.size).reverse();
        const again = createHash('sha256');
        for (const r of backwards) again.update(store.rawBytes(r));
        const once = createHash('sha256');
        for (const r of backwards) once.update(Buffer.from(store.rawText(r), 'utf8'));
        assert.equal(again.digest('hex'), once.digest('hex'), `${set}: backwards, bytes and text agree`);
        assert.ok(store.rawStoredBytes() > 0);
      }
    });
  });

  describe('free-text search', function () {
    let tmp: string;
    let store: EventStore;
    const texts: string[] = [];

    before(async function () {
      tmp = mkdtempSync(path.join(tmpdir(), 'raw-store-'));
      // Files of every kind the store keeps differently: gzip kept whole, plain text deflated in
      // blocks (with records across block boundaries), JSON Lines, and a tiny file kept plain.
      const files: Array<[string, number, number]> = [
        ['a.json.gz', 0, 2500],
        ['b.json', 2500, 6000],
        ['c.jsonl', 6000, 8000],
        ['d.json.gz', 8000, 11000],
        ['e.json', 11000, 11003],
      ];
      for (const [name, from, to] of files) {
        const recs: string[] = [];
        for (let i = from; i < to; i++) recs.push(spelled(record(i), i));
        texts.push(...recs);
        const body = name.endsWith('.jsonl') ? recs.join('\n') + '\n' : `{"Records":[${recs.join(',')}]}`;
        writeFileSync(path.join(tmp, name), name.endsWith('.gz') ? gzipSync(body) : body);
      }
      store = new EventStore();
      const report = await loadFiles(files.map(([n]) => path.join(tmp, n)), store, { workers: 0 });
      assert.deepEqual(report.errors, []);
      assert.equal(store.size, texts.length);
    });

    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('keeps each kind as intended, and each event as exactly its bytes', function () {
      const codecs = store.segments.map((s) => [...new Set(s.blocks.map((b) => b.codec))].join('+'));
      assert.deepEqual(codecs, ['gzip', 'deflate-raw', 'deflate-raw', 'gzip', 'none']);
      assert.ok(store.segments[1].blocks.length > 3, 'the plain file spans several blocks');
      for (let r = 0; r < store.size; r++) assert.equal(store.rawText(r), texts[r]);
      assert.ok(store.rawStoredBytes() < texts.join('').length / 3, `stored ${store.rawStoredBytes()} bytes`);
    });

    it('finds the same rows on this thread, on worker threads and by brute force', function () {
      const needles = ['zürich', 'ZÜRICH', 'Zurich', 'accessdenied', 'ACCESSDENIED', 'say "hi"', 'a/b', '😀', 'tab\there', 'k/xxxxxxxxxx', 'nothing', 'ü', 'q'];
      for (const needle of needles) {
        const want: number[] = [];
        for (let r = 0; r < store.size; r++) {
          const parsed = JSON.parse(texts[r]) as Record<string, unknown>;
          const decoded = JSON.stringify(parsed, null, 0);
          // What a person sees: the decoded strings, compared case-insensitively.
          const seen = [...collectStrings(parsed)].some((s) => s.toLowerCase().includes(needle.toLowerCase()));
          if (seen || texts[r].toLowerCase().includes(needle.toLowerCase()) || decoded.toLowerCase().includes(needle.toLowerCase())) want.push(r);
        }
        const { serial, parallel } = bothWays(store, JSON.stringify(needle));
        assert.deepEqual(serial, want, `serial ${needle}`);
        assert.deepEqual(parallel, want, `parallel ${needle}`);
      }
    });

    it('never matches across two events, on either path', function () {
      // The end of one record and the start of the next are adjacent in the file.
      const { serial, parallel } = bothWays(store, JSON.stringify('"}},{"eventVersion'));
      assert.deepEqual(serial, []);
      assert.deepEqual(parallel, []);
    });

    it('exports every event byte for byte in any order, as JSON Lines and as one array', async function () {
      const reversed = range(store.size).reverse();
      // A fixed shuffle: rows from every segment and block interleaved, as a sort by any column gives.
      const shuffled = range(store.size);
      let seed = 7;
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      // Each event's bytes are its own copy: holding them never holds an inflated block.
      const some = store.rawBytesOf(new Uint32Array(shuffled.slice(0, 50)));
      assert.ok(some.every((b, i) => b.buffer.byteLength === b.byteLength && Buffer.from(b).toString('utf8') === texts[shuffled[i]]));
      for (const rows of [reversed, shuffled]) {
        const order = new Uint32Array(rows);
        const lines: Buffer[] = [];
        await writeJsonl(store, order, order.length, { write: (c: string | Uint8Array) => lines.push(Buffer.from(c)) });
        assert.equal(Buffer.concat(lines).toString('utf8'), rows.map((r) => texts[r]).join('\n') + '\n');
        const doc: Buffer[] = [];
        await writeJsonArray(store, order, 5000, { write: (c: string | Uint8Array) => doc.push(Buffer.from(c)) });
        assert.equal(Buffer.concat(doc).toString('utf8'), '[\n' + rows.slice(0, 5000).map((r) => texts[r]).join(',\n') + '\n]\n');
      }
    });
  });

  describe('hostile stored bytes', function () {
    async function loadOne(body: string, gz: boolean): Promise<{ store: EventStore; dir: string }> {
      const dir = mkdtempSync(path.join(tmpdir(), 'raw-hostile-'));
      const file = path.join(dir, gz ? 'x.json.gz' : 'x.json');
      writeFileSync(file, gz ? gzipSync(body) : body);
      const store = new EventStore();
      await loadFiles([file], store, { workers: 0 });
      return { store, dir };
    }

    const body = (n: number, from = 0) => `{"Records":[${range(n).map((i) => JSON.stringify(record(from + i))).join(',')}]}`;

    it('a truncated or corrupt compressed segment is a clear error for its events only, never a crash', async function () {
      for (const gz of [true, false]) {
        for (const damage of ['truncated', 'flipped', 'lying size'] as const) {
          const what = `${damage}, ${gz ? 'gzip kept whole' : 'deflated blocks'}`;
          const { store, dir } = await loadOne(body(3000), gz);
          try {
            const seg = store.segments[0];
            const blk = seg.blocks[0];
            assert.notEqual(blk.codec, 'none');
            const pristine = blk.data;
            // Damaged before the first search, so worker threads are sent the damaged segment too.
            if (damage === 'truncated') blk.data = pristine.slice(0, pristine.length >> 1);
            else if (damage === 'flipped') {
              const copy = pristine.slice();
              for (let i = 20; i < copy.length; i += 50) copy[i] ^= 0x5a;
              blk.data = copy;
            } else {
              blk.size += 1;
            }
            assert.throws(() => store.rawText(0), (err: unknown) => err instanceof RawDataError && /stored raw bytes are damaged/.test(err.message), what);
            assert.throws(() => store.raw(0), RawDataError);
            // Cells and filters over the damaged rows see nothing, and say nothing false.
            assert.equal(store.value(0, 'raw.requestParameters.bucketName'), '');
            const readable = range(store.size).filter((r) => store.rawStart[r] >= seg.blockSize);
            if (gz) assert.deepEqual(readable, [], 'one gzip block holds every event');
            else assert.ok(readable.length > 1000);
            for (const r of readable) assert.equal(store.rawText(r), JSON.stringify(record(r)), what);
            const { serial, parallel } = bothWays(store, '"bucket"');
            assert.deepEqual(serial, readable, what);
            assert.deepEqual(parallel, readable, what);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
      }
    });

    it('a huge segment is read block by block, and the cache stays within its budget', async function () {
      // ~40 MB of plain JSON: deflated in 256 KB blocks; reading any event inflates one or two of them.
      const { store, dir } = await loadOne(body(120000), false);
      try {
        const seg = store.segments[0];
        assert.ok(seg.size > 30 * 1024 * 1024 && seg.blocks.length === Math.ceil(seg.size / DEFLATE_BLOCK));
        for (const r of [0, 60000, store.size - 1]) assert.equal(store.rawText(r), JSON.stringify(record(r)));
        for (let r = 0; r < store.size; r += 7) store.rawBytes(r);
        assert.ok(store.rawReader.cachedBytes <= store.rawReader.cacheBytes, `cache holds ${store.rawReader.cachedBytes}`);
        assert.ok(store.rawReader.cachedBytes > 0);
        assert.equal(bothWays(store, '"bucket-3"').serial.length, range(120000).filter((i) => i % 17 === 3).length);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a block bigger than the whole cache is returned, not kept; the cache evicts the oldest', function () {
      const text = Buffer.from('x'.repeat(3 * 1024 * 1024));
      const big: RawSegment = compressSegment(text, 2 * 1024 * 1024);
      const small: RawSegment[] = range(8).map((i) => compressSegment(Buffer.from(String(i).repeat(300 * 1024)), 300 * 1024));
      const reader = new RawReader([big, ...small], 1024 * 1024);
      assert.equal(Buffer.from(reader.bytes(0, 0, 10)).toString(), 'x'.repeat(10));
      assert.equal(reader.cachedBytes, 0, 'a 2 MB block does not fit a 1 MB cache');
      assert.equal(Buffer.from(reader.bytes(0, 2 * 1024 * 1024 - 3, 2 * 1024 * 1024 + 3)).toString(), 'xxxxxx', 'across two blocks');
      for (let s = 1; s <= 8; s++) assert.equal(Buffer.from(reader.bytes(s, 5, 8)).toString(), String(s - 1).repeat(3));
      assert.ok(reader.cachedBytes <= 1024 * 1024 && reader.cachedBytes >= 3 * 300 * 1024, `cache holds ${reader.cachedBytes}`);
    });
  });
});

function* collectStrings(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* collectStrings(x);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      yield k;
      yield* collectStrings(x);
    }
  }
}
