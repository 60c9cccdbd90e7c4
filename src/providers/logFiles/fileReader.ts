/**
 * Reads one CloudTrail file of any shape into an EventBatch: log files plain or gzipped, bare
 * arrays and single events, JSON Lines, `lookup-events` output with `CloudTrailEvent` strings,
 * Lake query results, CSV exports, in UTF-8 or UTF-16. Digest files are recognised and skipped.
 *
 * Nothing readable is lost: a broken record costs only itself, a cut gzip stream still yields what
 * it held, and every problem comes back with its byte offset and line/column in the file. What
 * cannot be read at all (no permission, bzip2 or tar data, not a regular file) is one problem and
 * is not counted as a file read. A gzip stream inflates up to a per-file limit (a bomb costs at most
 * that much memory); past it, the part read is kept and the rest is one problem.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fsp, readFileSync, type Stats } from 'node:fs';
import { BatchBuilder, EventBatch } from '../../core/batch';
import { JsonRecordSplitter, MAX_RECORD_DEPTH, nestedDeeperThan, recordsArrayBounds, type SplitStop } from '../../core/jsonSplitter';
import { DEFAULT_MAX_INFLATED_BYTES, gunzipBounded, isGzip, releaseNow } from './inflate';
import type { InflateBudget } from './inflateBudget';
import { CloudTrailColumns, hintsFromPath, looksLikeEvent, PathHints } from './normalize';
import { containerProblem, decodeText, sniffContainer } from './sniff';
import { lakeRowToRecord, looksLikeCsv, readCsvExport } from './tabular';

export { isGzip } from './inflate';

export interface FileProblem {
  message: string;
  /** Byte offset in the (decompressed) file. */
  offset?: number;
  line?: number;
  column?: number;
}

export interface FileResult {
  path: string;
  batch?: EventBatch;
  /** Read into a RunBatch: this file's events are rows [from, to) of the run's batch (no `batch`). */
  rows?: [number, number];
  transfer: ArrayBuffer[];
  /** Events in the batch (before the store merges duplicates). */
  events: number;
  problems: FileProblem[];
  /** Set when the whole file was passed over on purpose, with the reason. */
  skipped?: string;
  /** Set when nothing of the file could be read (its one problem says why): not a file read. */
  unreadable?: boolean;
  /** Bytes of JSON/CSV text read (after gunzip). */
  bytes: number;
}

export interface ReadOptions {
  /** Most bytes one compressed file may inflate to; default DEFAULT_MAX_INFLATED_BYTES (2 GB). */
  maxInflatedBytes?: number;
  /** Shared by the loader's worker threads: inflated bytes held at once across all of them. */
  budget?: InflateBudget;
  /** A record longer than this many bytes is one problem and is skipped (default DEFAULT_MAX_RECORD_BYTES). */
  maxRecordBytes?: number;
}

const MAX_PROBLEMS_PER_FILE = 50;

/** CloudTrail events are at most a few hundred KB; a record this big is reported, not read. */
export const DEFAULT_MAX_RECORD_BYTES = 32 * 1024 * 1024;

/**
 * The name CloudTrail gives digest files (hashes of log files, no events):
 * `<account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHMM[SS]Z>.json.gz`. Only the
 * file's own name counts: a folder called `my-CloudTrail-Digest-review/` holds whatever it holds.
 */
const DIGEST_NAME = /^\d{12}_CloudTrail-Digest_[A-Za-z0-9-]+_.+_[A-Za-z0-9-]+_\d{8}T\d{4}(?:\d{2})?Z\.json(?:\.gz)?$/;

export function isDigestFileName(path: string): boolean {
  return DIGEST_NAME.test(path.replace(/^.*[\\/]/, ''));
}

/** A digest's own fields: what tells one apart from a log whatever the file is called. */
function looksLikeDigest(r: Record<string, unknown>): boolean {
  return 'digestStartTime' in r && ('logFiles' in r || 'digestEndTime' in r || 'digestPublicKeyFingerprint' in r || 'previousDigestSignature' in r);
}

function unreadable(path: string, message: string): FileResult {
  return { path, transfer: [], events: 0, bytes: 0, problems: [{ message }], unreadable: true };
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

/**
 * Opens without blocking (a FIFO put where a file was listed must not hang the load) and reads
 * only a regular file.
 */
async function readRegularFile(path: string): Promise<Buffer> {
  const nonBlock = (fsConstants.O_NONBLOCK as number | undefined) ?? 0;
  const fh = await fsp.open(path, fsConstants.O_RDONLY | nonBlock);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw Object.assign(new Error(`it is ${kindOf(st)}, not a regular file`), { code: 'ENOTREGULAR' });
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * readRegularFile without the promise API: open, fstat, read and close as four blocking calls.
 * For a loader worker, whose thread does nothing else, this is several times cheaper per file than
 * four thread-pool round trips, which is most of what a few-KB file costs. The same checks and the
 * same errors as readRegularFile (readFileSync on the descriptor refuses what readFile refuses).
 */
function readRegularFileBlocking(path: string): Buffer {
  const nonBlock = (fsConstants.O_NONBLOCK as number | undefined) ?? 0;
  const fd = openSync(path, fsConstants.O_RDONLY | nonBlock);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`it is ${kindOf(st)}, not a regular file`), { code: 'ENOTREGULAR' });
    const data = readFileSync(fd);
    // gzip bytes are only read (inflated, then dropped): a pooled slice is fine for them.
    if (isGzip(data) || (data.byteOffset === 0 && data.buffer.byteLength === data.length)) return data;
    // A small read lands in Node's shared pool; a batch that keeps these bytes must own them
    // (a pooled slice would carry, and clone, the whole pool when posted).
    const own = Buffer.from(new ArrayBuffer(data.length));
    own.set(data);
    return own;
  } finally {
    closeSync(fd);
  }
}

/**
 * One batch for a run of files (a loader worker's message): the columns, their dictionaries and the
 * buffers are made, sent and merged once per run instead of once per file, which is most of what a
 * trail of few-event files costs. Files of one source only (`source` is a constant of the batch).
 * At most 254 files per run (a batch holds at most 255 raw segments: one per file plus one shared).
 */
export class RunBatch {
  readonly builder = new BatchBuilder();
  readonly cols: CloudTrailColumns;
  constructor(readonly source: string) {
    this.cols = new CloudTrailColumns(this.builder, source);
  }
}

/** Frees a large buffer this module allocated, unless the file's batch (or run) still points into it. */
function releaseUnlessKept(buf: Buffer, result: FileResult, run: RunBatch | undefined): void {
  if (result.batch?.segments.some((s) => s.blocks.some((b) => b.data.buffer === buf.buffer))) return;
  if (run?.builder.keeps(buf.buffer)) return;
  releaseNow(buf);
}

/**
 * `io`: 'blocking' reads with blocking calls, for a thread that does nothing else (a loader
 * worker); the extension host's own thread keeps the default, which never blocks it.
 */
export async function readLogFile(path: string, source: string, opts: ReadOptions = {}, io: 'async' | 'blocking' = 'async', run?: RunBatch): Promise<FileResult> {
  let data: Buffer;
  try {
    data = io === 'blocking' ? readRegularFileBlocking(path) : await readRegularFile(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'ERR_FS_FILE_TOO_LARGE' ? ' (a single file is read whole: split it, e.g. with `split -l 1000000` for JSON Lines)' : '';
    return unreadable(path, `cannot read the file: ${e.message}${hint}`);
  }
  const result = await readLogBytes(path, data, source, opts, run);
  releaseUnlessKept(data, result, run);
  return result;
}

/** Reads a file's bytes as they are stored: gzipped or not, UTF-8 or UTF-16. */
export async function readLogBytes(path: string, data: Buffer, source: string, opts: ReadOptions = {}, run?: RunBatch): Promise<FileResult> {
  if (!isGzip(data)) return readLogBuffer(path, data, source, opts, [], undefined, run);
  const r = await gunzipBounded(data, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES, opts.budget);
  try {
    const inner = isGzip(r.bytes) ? 'gzip' : sniffContainer(r.bytes);
    if (inner) return unreadable(path, containerProblem(inner, true));
    // A stream that inflated whole and clean is kept as the raw bytes' compressed form.
    const result = r.problem
      ? readLogBuffer(path, r.bytes, source, opts, [{ message: r.problem }], undefined, run)
      : readLogBuffer(path, r.bytes, source, opts, [], data, run);
    releaseUnlessKept(r.bytes, result, run);
    return result;
  } finally {
    r.release();
  }
}

/**
 * Reads bytes that are not compressed (what readLogBytes inflated, or text made in memory), UTF-8
 * or UTF-16. `problems` are ones found on the way there; they come first. `gzip`, when given, is a
 * complete gzip stream that inflates to exactly `data`. `run`, when given, takes the events (see
 * RunBatch; its source wins over `source`).
 */
export function readLogBuffer(path: string, data: Buffer, source: string, opts: ReadOptions = {}, problems: FileProblem[] = [], gzip?: Buffer, run?: RunBatch): FileResult {
  if (isGzip(data)) throw new Error('readLogBuffer reads uncompressed bytes: gzip data goes through readLogBytes');
  const container = sniffContainer(data);
  if (container) return unreadable(path, containerProblem(container, false));
  const decoded = decodeText(data);
  if (decoded.problem) problems.push({ message: decoded.problem });
  const text = decoded.text;
  // Records are read from `text`: the gzip stream stands for it only if it is the very bytes inflated.
  const reader = new RecordReader(path, text, source, problems, opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES, text === data ? gzip : undefined, run);
  const firstByte = firstNonBlank(text);
  if (/\.csv(\.gz)?$/i.test(path) || (firstByte !== 0x7b && firstByte !== 0x5b && firstByte !== -1 && looksLikeCsv(text.toString('utf8', 0, Math.min(text.length, 4096))))) {
    reader.readCsv();
  } else {
    reader.readJson(/\.(jsonl|ndjson)(\.gz)?$/i.test(path));
  }
  return reader.finish();
}

/** `{"Records":[`, which recordsArrayBounds found just before the first record. */
const RECORDS_PREFIX_LENGTH = 12;

/** Distinct first keys the fast path follows; a file with more is read by the scanner. */
const MAX_SEPARATOR_KEYS = 8;

/**
 * Where the first value of a proposal ends when JSON.parse refused the proposal for what follows
 * that value (`{…},{…}`): a byte offset between `s` and `e` at a `}` followed by `,{"`. A hint only:
 * the caller proves it by parsing those bytes.
 */
function firstValueEnd(err: unknown, text: string, s: number, e: number, buf: Buffer): number | undefined {
  const at = describeJsonError(err).at;
  if (at === undefined || at <= 0 || at >= text.length || text.charCodeAt(at) !== 0x2c) return undefined;
  const end = s + Buffer.byteLength(text.slice(0, at), 'utf8');
  if (end >= e || buf[end - 1] !== 0x7d || buf[end] !== 0x2c || buf[end + 1] !== 0x7b || buf[end + 2] !== 0x22) return undefined;
  return end;
}

/** A line that is a whole wrapper (`{"Records":…}`, a lookup-events page, Lake results). */
const WRAPPER_LINE = /^\{\s*"(Records|Events|QueryResultRows)"\s*:/;

/** The first key of the object at buf[s] (`{"key":`), if it is written that tightly. */
function firstKeyAt(buf: Buffer, s: number, limit: number): string | undefined {
  if (buf[s] !== 0x7b || buf[s + 1] !== 0x22) return undefined;
  const end = buf.indexOf(0x22, s + 2);
  if (end < 0 || end >= limit || end - s > 80 || buf[end + 1] !== 0x3a) return undefined;
  for (let i = s + 2; i < end; i++) if (buf[i] === 0x5c || buf[i] >= 0x80) return undefined;
  return buf.toString('latin1', s + 2, end);
}

/**
 * An object starting on the first line with content after it on that line, and the next line
 * starting another object: JSON Lines (pretty-printed JSON puts a lone `{` or `[` on line one).
 * The first line need not be complete: a cut first line must not take the good ones after it.
 */
function looksLikeJsonLines(buf: Buffer, from: number): boolean {
  const nl = buf.indexOf(0x0a, from);
  if (nl < 0 || nl + 1 >= buf.length) return false;
  let a = from;
  while (a < nl && (buf[a] === 0x20 || buf[a] === 0x09)) a++;
  if (buf[a] !== 0x7b || buf[a + 1] !== 0x22) return false;
  let z = nl;
  while (z > a && (buf[z - 1] === 0x20 || buf[z - 1] === 0x09 || buf[z - 1] === 0x0d)) z--;
  // `{"Records": [` opening a pretty-printed file ends its line with the bracket it opens.
  if (buf[z - 1] === 0x5b || buf[z - 1] === 0x7b) return false;
  let b = nl + 1;
  while (b < buf.length && (buf[b] === 0x20 || buf[b] === 0x09 || buf[b] === 0x0d || buf[b] === 0x0a)) b++;
  return b < buf.length && buf[b] === 0x7b;
}

function firstNonBlank(b: Uint8Array): number {
  let i = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
  }
  return -1;
}

class RecordReader {
  private readonly builder: BatchBuilder;
  private readonly cols: CloudTrailColumns;
  /** The builder's first row for this file (0 unless it reads into a run's batch). */
  private readonly firstRow: number;
  private readonly hints: PathHints;
  private fileSeg = -1;
  private records = 0;
  private nonEvents = 0;
  private firstNonEvent = -1;
  private digest = false;
  private extraProblems = 0;
  /** How this file's records open (`{eventVersion`): where reading picks up after a broken one. */
  private readonly recordKeys = new Set<string>();

  constructor(
    private readonly path: string,
    private readonly text: Buffer,
    source: string,
    private readonly problems: FileProblem[],
    private readonly maxRecordBytes: number,
    /** A complete gzip stream that inflates to exactly `text`. */
    private readonly gzip: Buffer | undefined,
    private readonly run: RunBatch | undefined,
  ) {
    this.hints = hintsFromPath(path);
    if (run) {
      this.builder = run.builder;
      this.cols = run.cols;
      // Counted per file: the problems they make are this file's.
      this.cols.unreadableTimes = 0;
      this.cols.firstUnreadableTime = undefined;
    } else {
      this.builder = new BatchBuilder();
      this.cols = new CloudTrailColumns(this.builder, source);
    }
    this.firstRow = this.builder.size;
  }

  /** Events this file added. */
  private get events(): number {
    return this.builder.size - this.firstRow;
  }

  readJson(jsonLinesByName: boolean): void {
    try {
      this.readJsonShapes(jsonLinesByName);
    } catch (err) {
      // A bug or an exhausted resource must cost this file's rest, never the whole load.
      this.problem(`reading stopped early: ${errorText(err)}`);
    }
  }

  private readJsonShapes(jsonLinesByName: boolean): void {
    const buf = this.text;
    const from = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    if (jsonLinesByName || looksLikeJsonLines(buf, from)) {
      this.readLines(from);
      return;
    }
    const bounds = recordsArrayBounds(buf, from);
    if (bounds) this.readRecordsArray(bounds.first, bounds.last, buf.length);
    else this.split(from, buf.length);
  }

  /**
   * The fast path for what CloudTrail writes: `{"Records":[…]}` whose records begin with the same
   * key. A record's end is where `},{"<key>":` next occurs (native memmem, no byte loop), and
   * parsing the proposed record proves it: a proposal cut inside a string or a nested object is
   * never valid JSON on its own. When one fails (a broken record, a record over the size limit, a
   * separator inside a record), the validating scanner reads on from there until it is past a
   * record it read whole, and the fast way resumes. Each separator's next position is remembered,
   * so a file costs one pass per distinct first key (a few at most: more go to the scanner).
   * An array that closes before `last` (`{"Records":[…]}{"Records":[…]}`) is read on from there by
   * the scanner, up to `end`.
   */
  private readRecordsArray(first: number, last: number, end: number): void {
    const buf = this.text;
    const seps = new Map<string, { sep: Buffer; next: number }>();
    let s = first;
    while (s < last) {
      const key = firstKeyAt(buf, s, last);
      if (key === undefined || (!seps.has(key) && seps.size >= MAX_SEPARATOR_KEYS)) {
        // Not the shape this path reads (blanks, a stray value, many kinds of record): scan the rest.
        this.afterEarlyClose(this.split(s, last + 1, { insideRecordsArray: true }), first, last, end);
        return;
      }
      if (!seps.has(key)) {
        seps.set(key, { sep: Buffer.from(`},{"${key}":`, 'latin1'), next: -1 });
        this.recordKeys.add(`{${key}`);
      }
      let e = last;
      for (const k of seps.values()) {
        if (k.next < s) {
          const q = buf.indexOf(k.sep, s);
          k.next = q < 0 || q >= last ? Infinity : q;
        }
        if (k.next + 1 < e) e = k.next + 1;
      }
      let value: unknown;
      let parsed = false;
      if (buf[e - 1] === 0x7d && e - s <= this.maxRecordBytes) {
        let text = '';
        try {
          // Inside the try: a proposal past V8's longest string throws here.
          text = buf.toString('utf8', s, e);
          value = JSON.parse(text);
          parsed = true;
        } catch (err) {
          // The proposal was wrong or the record is broken. Most often the next record begins with
          // a key not seen yet, and the proposal holds several records: the parser stopped right
          // after the first. Tried there (the parse of those very bytes is the proof); if that is
          // not it, the scanner below tells.
          const end = firstValueEnd(err, text, s, e, buf);
          if (end !== undefined) {
            try {
              value = JSON.parse(buf.toString('utf8', s, end));
              parsed = true;
              e = end;
            } catch {
              // not a record's end after all
            }
          }
        }
      }
      if (!parsed) {
        const stop = this.split(s, last + 1, { insideRecordsArray: true, stopAtSeparator: true });
        if (stop.why !== 'separator') {
          this.afterEarlyClose(stop, first, last, end);
          return;
        }
        s = stop.at;
        continue;
      }
      this.records++;
      if (!this.tooDeep(value, s, e)) this.onValue(value, s, e);
      // A proposal ends at a separator's ',' or at the array's end.
      s = e + 1;
    }
  }

  /** The records array closed before `last`: read the rest of the wrapper, and what follows it. */
  private afterEarlyClose(stop: SplitStop, first: number, last: number, end: number): void {
    if (stop.why === 'closed' && stop.at < last) this.split(stop.at, end, { insideWrapper: first - RECORDS_PREFIX_LENGTH });
  }

  /** JSON Lines: each line is one value, and a bad line costs only itself. */
  private readLines(from: number): void {
    const buf = this.text;
    let start = from;
    while (start < buf.length) {
      let end = buf.indexOf(0x0a, start);
      if (end < 0) end = buf.length;
      let a = start;
      let b = end;
      while (a < b && (buf[a] === 0x20 || buf[a] === 0x09 || buf[a] === 0x0d)) a++;
      while (b > a && (buf[b - 1] === 0x20 || buf[b - 1] === 0x09 || buf[b - 1] === 0x0d)) b--;
      if (a < b) {
        const bounds = recordsArrayBounds(buf, a, b);
        if (bounds) {
          // A whole CloudTrail log file on one line (what `zcat *.json.gz` gives).
          this.readRecordsArray(bounds.first, bounds.last, b);
        } else if (buf[a] === 0x5b || WRAPPER_LINE.test(buf.toString('latin1', a, Math.min(b, a + 40)))) {
          this.split(a, b);
        } else {
          this.onRecord(a, b);
        }
      }
      start = end + 1;
    }
  }

  private split(from: number, to: number, opts: { insideRecordsArray?: boolean; stopAtSeparator?: boolean; insideWrapper?: number } = {}): SplitStop {
    const splitter = new JsonRecordSplitter(
      {
        record: (start, end) => this.onRecord(start, end),
        invalid: (message, offset) => {
          this.records++;
          this.problem(message, offset);
        },
        problem: (message, offset) => this.problem(message, offset),
      },
      { ...opts, recordsBefore: this.records, recordKeys: this.recordKeys },
    );
    return splitter.split(this.text, from, to);
  }

  readCsv(): void {
    try {
      this.readCsvRows();
    } catch (err) {
      this.problem(`reading stopped early: ${errorText(err)}`);
    }
  }

  private readCsvRows(): void {
    const result = readCsvExport(this.text.toString('utf8'));
    for (const p of result.problems) this.problemAt(p.message, p.line, p.column);
    for (const rec of result.records) {
      this.records++;
      const rawText = rec.embeddedJson ?? JSON.stringify(rec.raw);
      const at = this.builder.addSynthetic(rawText);
      if (!looksLikeEvent(rec.record)) {
        this.noteNonEvent(-1);
        continue;
      }
      this.cols.add(rec.record, at.seg, at.start, at.end, this.hints);
    }
  }

  finish(): FileResult {
    const result: FileResult = { path: this.path, transfer: [], events: 0, problems: this.problems, bytes: this.text.length };
    if (this.records === 0 && this.problems.length === 0 && firstNonBlank(this.text) === -1) {
      this.problems.push({ message: this.text.length === 0 ? 'the file is empty' : 'the file holds only whitespace, no JSON' });
    }
    if (this.digest && this.events === 0) {
      result.skipped = 'CloudTrail digest file (log-file hashes for integrity validation; it holds no events)';
      result.problems = [];
      return result;
    }
    if (this.nonEvents > 0) {
      const where = this.firstNonEvent >= 0 ? this.firstNonEvent : undefined;
      const message =
        this.events === 0
          ? `not a CloudTrail log: none of its ${this.nonEvents} JSON values has eventName, eventTime or eventID`
          : `${this.nonEvents} of ${this.records} records are not CloudTrail events (no eventName, eventTime or eventID)`;
      this.problem(message, where);
    }
    if (this.cols.unreadableTimes > 0) {
      const n = this.cols.unreadableTimes;
      const example = JSON.stringify((this.cols.firstUnreadableTime ?? '').slice(0, 60));
      this.problems.push({
        message: `${n === 1 ? '1 event has a time' : `${n} events have times`} that ${n === 1 ? 'is' : 'are'} not an ISO 8601 timestamp (e.g. ${example}): kept, shown as untimed`,
      });
    }
    if (this.extraProblems > 0) this.problems.push({ message: `… and ${this.extraProblems} more problems in this file` });
    this.locate();
    if (this.run) {
      this.builder.seal();
      if (this.events > 0) {
        result.rows = [this.firstRow, this.builder.size];
        result.events = this.events;
      }
    } else if (this.builder.size > 0) {
      const { batch, transfer } = this.builder.build();
      result.batch = batch;
      result.transfer = transfer;
      result.events = batch.count;
    }
    return result;
  }

  /** True if the record held an event. */
  private onRecord(start: number, end: number): boolean {
    this.records++;
    const value = this.parseRecord(start, end);
    if (value === undefined) return false;
    const before = this.builder.size;
    this.onValue(value, start, end);
    return this.builder.size > before;
  }

  /** The record's value; undefined (and reported) when it cannot be read. Never throws. */
  private parseRecord(start: number, end: number): unknown {
    const n = this.records;
    if (end - start > this.maxRecordBytes) {
      this.problem(`record ${n} is ${formatBytes(end - start)}, over the ${formatBytes(this.maxRecordBytes)} per-record limit: skipped`, start);
      return undefined;
    }
    let text = '';
    try {
      text = this.text.toString('utf8', start, end);
      const value: unknown = JSON.parse(text);
      return this.tooDeep(value, start, end) ? undefined : value;
    } catch (err) {
      if (!(err instanceof SyntaxError)) {
        // e.g. a string past V8's limit ("Invalid string length"): this record's problem alone.
        this.problem(`record ${n} cannot be read: ${errorText(err)}`, start);
        return undefined;
      }
      const { message, at } = describeJsonError(err);
      // V8 counts UTF-16 units; the position we report is a byte offset in the file.
      const offset = at === undefined ? 0 : Buffer.byteLength(text.slice(0, at), 'utf8');
      this.problem(`record ${n} is not valid JSON: ${message}`, start + offset);
      return undefined;
    }
  }

  /** Reports a record nested deeper than MAX_RECORD_DEPTH (only a long one can be). */
  private tooDeep(value: unknown, start: number, end: number): boolean {
    if (end - start <= 2 * MAX_RECORD_DEPTH || !nestedDeeperThan(value, MAX_RECORD_DEPTH)) return false;
    this.problem(`record ${this.records} is nested deeper than ${MAX_RECORD_DEPTH} levels: skipped`, start);
    return true;
  }

  private onValue(value: unknown, start: number, end: number): void {
    if (typeof value === 'string') {
      this.fromJsonString(value, start);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length > 0 && value.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 1)) {
        // A CloudTrail Lake result row: one single-key object per column.
        const rec = lakeRowToRecord(value as Array<Record<string, unknown>>, this.records - 1);
        for (const p of rec.problems ?? []) this.problem(`record ${this.records}: ${p}`, start);
        const at = this.builder.addSynthetic(rec.embeddedJson ?? JSON.stringify(rec.raw));
        if (looksLikeEvent(rec.record)) this.cols.add(rec.record, at.seg, at.start, at.end, this.hints);
        else this.noteNonEvent(start);
        return;
      }
      this.problem(`record ${this.records} is an array, not an event`, start);
      return;
    }
    if (value === null || typeof value !== 'object') {
      this.noteNonEvent(start);
      return;
    }
    const rec = value as Record<string, unknown>;
    if (typeof rec.CloudTrailEvent === 'string') {
      // `aws cloudtrail lookup-events` output: the real record is a JSON string inside.
      this.fromJsonString(rec.CloudTrailEvent, start);
      return;
    }
    if (looksLikeDigest(rec)) {
      this.digest = true;
      return;
    }
    if (!looksLikeEvent(rec)) {
      this.noteNonEvent(start);
      return;
    }
    if (this.fileSeg < 0) this.fileSeg = this.builder.addSegment(this.text, this.gzip);
    this.cols.add(rec, this.fileSeg, start, end, this.hints);
  }

  /** An event serialised as a JSON string: its raw bytes are the string's content. */
  private fromJsonString(json: string, at: number): void {
    let inner: unknown;
    try {
      inner = JSON.parse(json);
    } catch (err) {
      this.problem(`record ${this.records} holds an event as a JSON string that is not valid JSON: ${describeJsonError(err).message}`, at);
      return;
    }
    if (this.tooDeep(inner, at, at + json.length)) return;
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner) || !looksLikeEvent(inner as Record<string, unknown>)) {
      this.noteNonEvent(at);
      return;
    }
    const span = this.builder.addSynthetic(json);
    this.cols.add(inner as Record<string, unknown>, span.seg, span.start, span.end, this.hints);
  }

  private noteNonEvent(offset: number): void {
    this.nonEvents++;
    if (this.firstNonEvent < 0 && offset >= 0) this.firstNonEvent = offset;
  }

  private problem(message: string, offset?: number): void {
    if (this.problems.length >= MAX_PROBLEMS_PER_FILE) {
      this.extraProblems++;
      return;
    }
    this.problems.push(offset === undefined ? { message } : { message, offset });
  }

  private problemAt(message: string, line: number, column?: number): void {
    if (this.problems.length >= MAX_PROBLEMS_PER_FILE) {
      this.extraProblems++;
      return;
    }
    this.problems.push(column === undefined ? { message, line } : { message, line, column });
  }

  /** Turns byte offsets into line/column in one pass over the file. */
  private locate(): void {
    const pending = this.problems.filter((p) => p.offset !== undefined && p.line === undefined);
    if (pending.length === 0) return;
    pending.sort((a, b) => (a.offset as number) - (b.offset as number));
    const buf = this.text;
    let line = 1;
    let lineStart = 0;
    let i = 0;
    for (const p of pending) {
      const off = Math.min(p.offset as number, buf.length);
      for (; i < off; i++) {
        if (buf[i] === 0x0a) {
          line++;
          lineStart = i + 1;
        }
      }
      p.line = line;
      p.column = off - lineStart + 1;
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A size as a message shows it. */
function formatBytes(n: number): string {
  const [value, unit] = n < 1024 ? [n, 'bytes'] : n < 1 << 20 ? [n / 1024, 'KB'] : [n / (1 << 20), 'MB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/** V8's JSON.parse message, and the position in the parsed text when it gives one. */
export function describeJsonError(err: unknown): { message: string; at?: number } {
  const message = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(message);
  return m ? { message: message.replace(/\s*\(line \d+ column \d+\)/, ''), at: Number(m[1]) } : { message };
}
