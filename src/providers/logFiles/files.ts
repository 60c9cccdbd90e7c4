/**
 * Opens CloudTrail files and folders into the store: walks folders (the S3 `AWSLogs/...` layout,
 * organization trails, anything), reads files on worker threads so both cores work, merges each
 * file's batch in a fixed order (so which copy of a duplicate wins never depends on timing), and
 * reports progress, every skipped file and every problem with its file and position.
 *
 * Memory stays bounded while streaming a folder of thousands of files: only a few files are in
 * flight at once; what stays is the store itself.
 */
import { existsSync, promises as fs, type Stats } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventBatch } from '../../core/batch';
import { batchMatches, matchesInBatches, type BatchMatches } from '../../core/batchMatches';
import { IdIndex } from '../../core/idIndex';
import type { QueryNode } from '../../core/query';
import type { EventStore } from '../../core/store';
import { FileResult, isDigestFileName, readLogFile, type ReadOptions } from './fileReader';
import { DEFAULT_MAX_INFLATED_BYTES } from './inflate';
import { InflateBudget } from './inflateBudget';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

export interface LoadProgress {
  files: number;
  filesTotal: number;
  events: number;
  duplicates: number;
  bytes: number;
}

export interface LoadError {
  path: string;
  message: string;
  position?: { line: number; column: number; offset?: number };
}

export interface LoadReport {
  /** Files read (skipped files and files that could not be read at all not counted). */
  files: number;
  /** Events added to the store, after duplicates were merged. */
  events: number;
  /** Events dropped because an event with the same id was already loaded. */
  duplicates: number;
  skipped: Array<{ path: string; reason: string }>;
  errors: LoadError[];
  /** Uncompressed bytes read. */
  bytes: number;
  cancelled: boolean;
}

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Worker threads; 0 reads on this thread. Default: one per core, none for tiny inputs. */
  workers?: number;
  /** Label for the `source` column; default: the base name of each path given. */
  source?: string;
  /** Most bytes one compressed file may inflate to (see ReadOptions). */
  maxInflatedBytes?: number;
}

const LOG_FILE = /\.(json|jsonl|ndjson|cloudtrail|csv)(\.gz)?$|\.gz$/i;

interface FileTask {
  path: string;
  source: string;
  size: number;
}

export async function loadFiles(paths: readonly string[], store: EventStore, opts: LoadOptions = {}): Promise<LoadReport> {
  return readFiles(paths, { merge: (result, run, report) => mergeResult(result, store, report, run?.batch) }, opts);
}

/**
 * `query … --format count` without a store: how many events of the files match `filter`, with the
 * same report (files, events, duplicates, skipped, errors, progress) loadFiles gives. The filter
 * runs on each run's batch where it was read (batchMatches.ts); this thread only tells first copies
 * from duplicates by id, in file order, as the store does. Free text is not counted this way
 * (matchesInBatches): load the store for it.
 */
export async function countMatches(paths: readonly string[], filter: QueryNode, opts: LoadOptions = {}): Promise<{ report: LoadReport; count: number }> {
  if (!matchesInBatches(filter)) throw new Error('countMatches: free text needs the store');
  const ids = new IdIndex();
  let size = 0;
  let count = 0;
  const report = await readFiles(
    paths,
    {
      count: filter,
      merge: (result, run, report) => {
        addToReport(result, report);
        let m: BatchMatches | undefined;
        let from = 0;
        let to = 0;
        if (result.batch) {
          m = batchMatches(result.batch, filter);
          to = result.batch.count;
        } else if (result.rows && run?.matches) {
          m = run.matches;
          [from, to] = result.rows;
        }
        if (!m) return;
        for (let i = from; i < to; i++) {
          if (!ids.add(size, m.idDict[m.idOf[i]])) {
            report.duplicates++;
            continue;
          }
          size++;
          report.events++;
          count += m.match[i];
        }
      },
    },
    opts,
  );
  return { report, count };
}

/** What a run of files read on a worker came back as. */
interface RunOutput {
  batch?: EventBatch;
  matches?: BatchMatches;
}

/** Where read files go: into a store, or only counted. */
interface ReadTarget {
  /** A filter the workers evaluate per run (countMatches), sending matches instead of the batch. */
  count?: QueryNode;
  merge(result: FileResult, run: RunOutput | undefined, report: LoadReport): void;
}

async function readFiles(paths: readonly string[], target: ReadTarget, opts: LoadOptions): Promise<LoadReport> {
  const report: LoadReport = { files: 0, events: 0, duplicates: 0, skipped: [], errors: [], bytes: 0, cancelled: false };
  const tasks: FileTask[] = [];
  const readOpts: ReadOptions = opts.maxInflatedBytes === undefined ? {} : { maxInflatedBytes: opts.maxInflatedBytes };
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const workerFile = path.join(__dirname, 'cloudtrailWorker.js');
  // Worker threads take a while to start: they start as soon as the walk has found enough to
  // make them certain (both counts only grow), and boot while the walk goes on.
  let pool: WorkerPool | undefined;
  let totalBytes = 0;
  const wantWorkers = (): number => opts.workers ?? (tasks.length < 4 || totalBytes < 4 << 20 ? 0 : Math.min(cores, 4));
  const onTask = (t: FileTask): void => {
    totalBytes += t.size;
    if (!pool && wantWorkers() > 0 && existsSync(workerFile)) pool = new WorkerPool(wantWorkers(), workerFile, readOpts);
  };
  for (const p of paths) await collect(p, opts.source ?? (path.basename(path.resolve(p)) || p), tasks, report, onTask);

  const progress: LoadProgress = { files: 0, filesTotal: tasks.length, events: 0, duplicates: 0, bytes: 0 };
  const merge = (result: FileResult, run?: RunOutput) => {
    target.merge(result, run, report);
    progress.files++;
    progress.events = report.events;
    progress.duplicates = report.duplicates;
    progress.bytes = report.bytes;
    opts.onProgress?.({ ...progress });
  };

  if (!pool && wantWorkers() > 0 && existsSync(workerFile)) pool = new WorkerPool(wantWorkers(), workerFile, readOpts);
  if (pool && tasks.length > 0) await runOnWorkers(tasks, pool, workerFile, merge, opts.signal, report, readOpts, target.count);
  else {
    pool?.terminate();
    await runHere(tasks, merge, opts.signal, report, readOpts);
  }
  return report;
}

/** The loader's worker threads, started (and booting) before they are given work. */
class WorkerPool {
  readonly workers: Worker[] = [];
  /** An error a worker raised before the loader listened (it would otherwise be an uncaught one). */
  early: Error | undefined;
  constructor(count: number, workerFile: string, readOpts: ReadOptions) {
    // All workers together hold at most one per-file limit of inflated bytes (a folder of bombs
    // costs one limit, not one per worker).
    const budget = InflateBudget.create(readOpts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES);
    for (let i = 0; i < count; i++) {
      // A smaller young generation per worker keeps peak memory close to the size of the data itself.
      const w = new Worker(workerFile, { resourceLimits: { maxYoungGenerationSizeMb: 16 }, workerData: { inflateBudget: budget.data } });
      w.once('error', (err) => (this.early ??= err));
      this.workers.push(w);
    }
  }
  terminate(): void {
    for (const w of this.workers) void w.terminate();
  }
}

async function collect(p: string, source: string, tasks: FileTask[], report: LoadReport, onTask: (t: FileTask) => void): Promise<void> {
  let st;
  try {
    st = await fs.stat(p);
  } catch (err) {
    report.errors.push({ path: p, message: describeFsError(err) });
    return;
  }
  if (st.isFile()) {
    // A file named explicitly is read whatever its name: its content tells a digest from a log.
    const task = { path: p, source, size: st.size };
    tasks.push(task);
    onTask(task);
    return;
  }
  if (!st.isDirectory()) {
    report.skipped.push({ path: p, reason: notRegular(st) });
    return;
  }
  const real = await fs.realpath(p);
  await walk(p, real, source, tasks, report, new Set([real]), onTask);
}

/** Stats started at once while walking a folder (the thread pool runs them side by side). */
const STAT_BATCH = 256;

type StatOutcome = { st: Stats } | { err: unknown } | undefined;

/** `real`: the folder's real path (symbolic links resolved), for telling a folder seen before. */
async function walk(dir: string, real: string, source: string, tasks: FileTask[], report: LoadReport, seen: Set<string>, onTask: (t: FileTask) => void): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    report.errors.push({ path: dir, message: describeFsError(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A regular file the listing names as a digest or a non-log is skipped by its name alone; only
  // log files (for their size), links and entries of unknown type need a stat. Those stats run
  // side by side, a batch at a time, and are then used in order, so the report reads as before.
  const needsStat = (e: (typeof entries)[number]): boolean => {
    const special = e.isFIFO() || e.isSocket() || e.isCharacterDevice() || e.isBlockDevice();
    if (e.isSymbolicLink()) return true;
    if (e.isFile()) return !isDigestFileName(e.name) && LOG_FILE.test(e.name);
    return !e.isDirectory() && !special;
  };
  for (let from = 0; from < entries.length; from += STAT_BATCH) {
    const batch = entries.slice(from, from + STAT_BATCH);
    const stats: StatOutcome[] = await Promise.all(
      batch.map((e) =>
        needsStat(e)
          ? fs.stat(path.join(dir, e.name)).then(
              (st) => ({ st }),
              (err: unknown) => ({ err }),
            )
          : undefined,
      ),
    );
    for (let k = 0; k < batch.length; k++) {
      const e = batch[k];
      const full = path.join(dir, e.name);
      const stat = stats[k];
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      // What the listing calls a folder is one, not a link: its real path is the parent's plus its
      // name, with no realpath call (one per folder, most of a deep trail's walk).
      const plainDir = isDir && stat === undefined;
      let size = 0;
      let other: string | undefined;
      const special = e.isFIFO() || e.isSocket() || e.isCharacterDevice() || e.isBlockDevice();
      if (stat !== undefined) {
        // Some file systems do not say what an entry is (none of the is* holds): stat tells.
        if ('err' in stat) {
          report.errors.push({ path: full, message: describeFsError(stat.err) });
          continue;
        }
        isDir = stat.st.isDirectory();
        isFile = stat.st.isFile();
        size = stat.st.size;
        if (!isDir && !isFile) other = notRegular(stat.st);
      } else if (special) {
        other = e.isFIFO() ? NOT_REGULAR.fifo : e.isSocket() ? NOT_REGULAR.socket : NOT_REGULAR.device;
      }
      if (other !== undefined) {
        report.skipped.push({ path: full, reason: other });
        continue;
      }
      if (isDir) {
        if (e.name.startsWith('.')) {
          report.skipped.push({ path: full, reason: 'hidden folder' });
          continue;
        }
        const childReal = plainDir ? path.join(real, e.name) : await fs.realpath(full);
        if (seen.has(childReal)) {
          report.skipped.push({ path: full, reason: 'folder already visited (symbolic link loop)' });
          continue;
        }
        seen.add(childReal);
        await walk(full, childReal, source, tasks, report, seen, onTask);
      } else if (isFile) {
        if (isDigestFileName(e.name)) report.skipped.push({ path: full, reason: 'CloudTrail digest file (holds no events)' });
        else if (!LOG_FILE.test(e.name)) report.skipped.push({ path: full, reason: 'not a log file: folders are read for .json, .jsonl, .ndjson, .cloudtrail, .csv and .gz files' });
        else {
          const task = { path: full, source, size };
          tasks.push(task);
          onTask(task);
        }
      }
    }
  }
}

/**
 * Adds one read file to the store and the report (local loads and S3 loads alike). `run` is the
 * batch of the worker's run the file was read into (see RunBatch), when it was.
 */
export function mergeResult(result: FileResult, store: EventStore, report: LoadReport, run?: EventBatch): void {
  addToReport(result, report);
  if (result.skipped) return;
  if (result.batch) {
    const r = store.appendBatch(result.batch);
    report.events += r.added;
    report.duplicates += r.duplicates;
  } else if (result.rows && run) {
    const r = store.appendRows(run, result.rows[0], result.rows[1]);
    report.events += r.added;
    report.duplicates += r.duplicates;
  }
}

async function runHere(
  tasks: FileTask[],
  merge: (r: FileResult) => void,
  signal: AbortSignal | undefined,
  report: LoadReport,
  readOpts: ReadOptions,
): Promise<void> {
  let lastYield = Date.now();
  for (const t of tasks) {
    if (signal?.aborted) {
      report.cancelled = true;
      return;
    }
    let result: FileResult;
    try {
      result = await readLogFile(t.path, t.source, readOpts);
    } catch (err) {
      // readLogFile reports problems itself; this is a bug or an out-of-memory, still per file (as on a worker).
      result = { path: t.path, transfer: [], events: 0, bytes: 0, problems: [{ message: `could not be read: ${err instanceof Error ? err.message : String(err)}` }], unreadable: true };
    }
    merge(result);
    // Let cancel clicks and progress reach the thread now and then.
    if (Date.now() - lastYield > 50) {
      await new Promise((r) => setImmediate(r));
      lastYield = Date.now();
    }
  }
}

/** A read file's bytes, counts (files read) and problems, into the report. */
function addToReport(result: FileResult, report: LoadReport): void {
  report.bytes += result.bytes;
  if (result.skipped) {
    report.skipped.push({ path: result.path, reason: result.skipped });
    return;
  }
  if (!result.unreadable) report.files++;
  for (const p of result.problems) {
    const e: LoadError = { path: result.path, message: p.message };
    if (p.line !== undefined) e.position = { line: p.line, column: p.column ?? 1, ...(p.offset !== undefined ? { offset: p.offset } : {}) };
    report.errors.push(e);
  }
}

/** A run sent to a worker in one message: at most this many files… */
const RUN_MAX_FILES = 64;
/** …and at most this many bytes on disk (a file this big or bigger goes alone). */
const RUN_MAX_BYTES = 1 << 20;

/** Splits the tasks into runs of consecutive small files of one source; [start, end) each. */
export function planRuns(tasks: readonly { size: number; source?: string }[], workers: number): Array<[number, number]> {
  // Enough runs that every worker gets several, even when all the files together are small.
  const maxFiles = Math.max(1, Math.min(RUN_MAX_FILES, Math.ceil(tasks.length / (4 * Math.max(1, workers)))));
  const runs: Array<[number, number]> = [];
  let start = 0;
  while (start < tasks.length) {
    let end = start + 1;
    let bytes = tasks[start].size;
    while (end < tasks.length && end - start < maxFiles && bytes + tasks[end].size <= RUN_MAX_BYTES && tasks[end].source === tasks[start].source) bytes += tasks[end++].size;
    runs.push([start, end]);
    start = end;
  }
  return runs;
}

function runOnWorkers(
  tasks: FileTask[],
  pool: WorkerPool,
  workerFile: string,
  merge: (r: FileResult, run?: RunOutput) => void,
  signal: AbortSignal | undefined,
  report: LoadReport,
  readOpts: ReadOptions,
  count: QueryNode | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    const workers: Worker[] = [];
    const runs = planRuns(tasks, pool.workers.length);
    const done = new Map<number, { results: FileResult[]; run: RunOutput }>();
    let next = 0; // next run to hand out
    let mergedRuns = 0; // runs merged, in order
    let merged = 0; // files merged, in order
    let finished = false;
    const inFlightPerWorker = 2;

    const finish = () => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      resolve();
    };
    const onAbort = () => {
      report.cancelled = true;
      finish();
    };
    signal?.addEventListener('abort', onAbort);
    if (signal?.aborted) {
      pool.terminate();
      return onAbort();
    }

    const dispatch = (w: Worker) => {
      if (finished || next >= runs.length) return;
      const id = next++;
      const [start, end] = runs[id];
      const req: WorkerRequest = { id, tasks: tasks.slice(start, end).map((t) => ({ path: t.path, source: t.source })), options: readOpts, ...(count ? { count } : {}) };
      w.postMessage(req);
    };
    const drain = () => {
      // A cancel (from a progress callback inside merge) stops here too, even mid-run and with
      // later files done.
      while (!finished && done.has(mergedRuns)) {
        const { results, run } = done.get(mergedRuns) as { results: FileResult[]; run: RunOutput };
        done.delete(mergedRuns);
        mergedRuns++;
        for (const r of results) {
          if (finished) return;
          merged++;
          merge(r, run);
        }
      }
      if (!finished && merged === tasks.length) finish();
    };

    // Workers beyond the runs have nothing to do.
    for (const w of pool.workers.slice(runs.length)) void w.terminate();
    for (const w of pool.workers.slice(0, runs.length)) {
      workers.push(w);
      w.on('message', (msg: WorkerResponse) => {
        if (finished) return;
        const [start] = runs[msg.id];
        done.set(msg.id, {
          results: msg.outcomes.map((o, k) => {
            if ('result' in o) return o.result;
            const task = tasks[start + k];
            return { path: task.path, transfer: [], events: 0, bytes: 0, problems: [{ message: `could not be read: ${o.error}` }], unreadable: true };
          }),
          run: { ...(msg.batch ? { batch: msg.batch } : {}), ...(msg.matches ? { matches: msg.matches } : {}) },
        });
        drain();
        dispatch(w);
      });
      const onError = (err: Error) => {
        // A worker that dies takes its in-flight files with it: read those here instead.
        if (finished) return;
        report.errors.push({ path: workerFile, message: `a loader thread failed (${err.message}); continuing on the main thread` });
        for (const other of workers) void other.terminate();
        workers.length = 0;
        const rest = tasks.slice(merged);
        finished = true;
        signal?.removeEventListener('abort', onAbort);
        void runHere(rest, merge, signal, report, readOpts).then(resolve);
      };
      w.on('error', onError);
      if (pool.early) {
        onError(pool.early);
        return;
      }
      for (let k = 0; k < inFlightPerWorker; k++) dispatch(w);
    }
    if (tasks.length === 0) finish();
  });
}

const NOT_REGULAR = {
  fifo: 'a named pipe (FIFO), not a regular file: not read (reading it could wait forever)',
  socket: 'a socket, not a regular file: not read',
  device: 'a device, not a regular file: not read',
  other: 'not a regular file or folder: not read',
} as const;

function notRegular(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFIFO()) return NOT_REGULAR.fifo;
  if (st.isSocket()) return NOT_REGULAR.socket;
  if (st.isCharacterDevice() || st.isBlockDevice()) return NOT_REGULAR.device;
  return NOT_REGULAR.other;
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or folder';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.message ?? String(err);
}
