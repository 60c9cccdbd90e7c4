/**
 * Free-text search over many raw bytes on every core. The raw segments are compressed, so a search
 * of a million events inflates about a gigabyte: the store's compressed blocks live in
 * SharedArrayBuffers that search workers see without a copy, each search's runs (see planRuns in
 * textSearch.ts) are taken from a shared counter by the workers and by this thread alike, and hits
 * are marked in a shared array, so the result keeps the candidates' order.
 *
 * The caller's API stays synchronous: this thread works through runs too, then waits (Atomics.wait)
 * for the runs other threads took. A worker that dies or stalls costs time, never results: runs not
 * reported done within STALL_MS of no progress are searched here.
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isShared, type RawSegment } from './rawSegment';

/** A search every participant works on; all arrays are backed by SharedArrayBuffers. */
export interface SharedSearch {
  needle: string;
  /** [from, to, seg, lo, hi] per run; from/to index the candidates. */
  runs: Uint32Array;
  /** Each candidate's raw start, then (at candidates + i) its end. */
  bounds: Uint32Array;
  /** [next run to take, runs done]. */
  counters: Int32Array;
  /** 1 once run k is searched. */
  runDone: Uint8Array;
  /** 1 for each candidate that matched. */
  marks: Uint8Array;
}

export type ToSearchWorker =
  | { type: 'segments'; store: number; from: number; segments: RawSegment[] }
  | { type: 'search'; store: number; job: SharedSearch }
  | { type: 'drop'; store: number };

export const RUN_FIELDS = 5;

export interface ParallelOptions {
  /** Worker threads to use (0: search on this thread only). Default: cores - 1, at least 1, at most 7. */
  workers: number;
  /** Raw bytes a search must cover before other threads are asked to help. */
  minBytes: number;
}

const options: ParallelOptions = {
  workers: Math.max(1, Math.min(7, (os.availableParallelism?.() ?? os.cpus().length) - 1)),
  minBytes: 64 * 1024 * 1024,
};

/** Tunes parallel search (tests use it to force either path). Returns the previous settings. */
export function setParallelSearch(next: Partial<ParallelOptions>): ParallelOptions {
  const before = { ...options };
  Object.assign(options, next);
  if (pool && pool.size > options.workers) pool.shrink(options.workers);
  return before;
}

export function parallelSearchOptions(): Readonly<ParallelOptions> {
  return options;
}

/** No progress from other threads for this long: the runs they hold are searched here instead. */
const STALL_MS = 10_000;

const WORKER_FILE = path.join(__dirname, 'searchWorker.js');

interface Helper {
  worker: Worker;
  store: number;
  /** Segments of `store` this worker has been sent. */
  sent: number;
}

class SearchPool {
  private helpers: Helper[] = [];

  get size(): number {
    return this.helpers.length;
  }

  /** Up to `n` live workers, started on first use. */
  ensure(n: number): Helper[] {
    while (this.helpers.length < n) {
      const worker = new Worker(WORKER_FILE);
      // Idle helpers never keep a process alive.
      worker.unref();
      const helper: Helper = { worker, store: -1, sent: 0 };
      const drop = (): void => {
        this.helpers = this.helpers.filter((h) => h !== helper);
      };
      worker.on('error', drop);
      worker.on('exit', drop);
      this.helpers.push(helper);
    }
    return this.helpers.slice(0, n);
  }

  /** A store is gone: helpers let go of its segments (shared memory is freed once nobody holds it). */
  drop(storeId: number): void {
    for (const h of this.helpers) {
      if (h.store !== storeId) continue;
      h.worker.postMessage({ type: 'drop', store: storeId } satisfies ToSearchWorker);
      h.store = -1;
      h.sent = 0;
    }
  }

  shrink(n: number): void {
    for (const h of this.helpers.slice(n)) void h.worker.terminate();
    this.helpers = this.helpers.slice(0, n);
  }
}

let pool: SearchPool | undefined;

/** Stores whose segments helpers hold; when one is collected, its segments are let go. */
const watched = new WeakSet<object>();
const finalizer = new FinalizationRegistry<number>((storeId) => pool?.drop(storeId));

/** Call with the store a search runs over, so helpers let go of its segments when it is gone. */
export function watchStore(store: object, storeId: number): void {
  if (watched.has(store)) return;
  watched.add(store);
  finalizer.register(store, storeId);
}

/** Searches other threads took part in (tests check the parallel path really ran). */
export const searchStats = { shared: 0 };

/** True when this build has the worker file (bundles and the unit-test transpile both do). */
function available(): boolean {
  return options.workers > 0 && typeof SharedArrayBuffer !== 'undefined' && existsSync(WORKER_FILE);
}

/** Memory the workers can read: each segment's blocks copied once into one SharedArrayBuffer. */
export function shareSegment(seg: RawSegment): RawSegment {
  if (typeof SharedArrayBuffer === 'undefined' || seg.blocks.every((b) => isShared(b.data.buffer))) return seg;
  let total = 0;
  for (const b of seg.blocks) total += b.data.byteLength;
  const sab = new SharedArrayBuffer(total);
  let at = 0;
  const blocks = seg.blocks.map((b) => {
    const data = new Uint8Array(sab, at, b.data.byteLength);
    data.set(b.data);
    at += b.data.byteLength;
    return { codec: b.codec, data, size: b.size };
  });
  return { size: seg.size, blockSize: seg.blockSize, blocks };
}

/** Whether a search of `bytes` raw bytes is worth other threads. */
export function shouldParallelize(bytes: number): boolean {
  return bytes >= options.minBytes && available();
}

/**
 * Runs `job` on this thread and the workers; `runHere(k)` searches run k on this thread (and
 * marks its hits). Returns when every run is done.
 */
export function runShared(storeId: number, segments: readonly RawSegment[], job: SharedSearch, runHere: (k: number) => void): void {
  const runCount = job.runs.length / RUN_FIELDS;
  let helpers: Helper[] = [];
  try {
    pool ??= new SearchPool();
    helpers = pool.ensure(options.workers);
    for (const h of helpers) {
      if (h.store !== storeId) {
        h.store = storeId;
        h.sent = 0;
      }
      if (h.sent < segments.length) {
        h.worker.postMessage({ type: 'segments', store: storeId, from: h.sent, segments: segments.slice(h.sent) } satisfies ToSearchWorker);
        h.sent = segments.length;
      }
      h.worker.postMessage({ type: 'search', store: storeId, job } satisfies ToSearchWorker);
    }
  } catch {
    // No helpers (a worker could not start): this thread does it all below.
  }
  if (helpers.length > 0) searchStats.shared++;
  const { counters, runDone } = job;
  for (;;) {
    const k = Atomics.add(counters, 0, 1);
    if (k >= runCount) break;
    runHere(k);
    Atomics.store(runDone, k, 1);
    Atomics.add(counters, 1, 1);
  }
  if (helpers.length > 0) {
    for (;;) {
      const done = Atomics.load(counters, 1);
      if (done >= runCount) break;
      if (!waitForChange(counters, done) && Atomics.load(counters, 1) === done) break;
    }
  }
  // Runs a helper took but never finished (it died or stalled): searched here.
  for (let k = 0; k < runCount; k++) {
    if (Atomics.load(runDone, k) === 0) {
      runHere(k);
      Atomics.store(runDone, k, 1);
    }
  }
}

/**
 * Waits until counters[1] is no longer `seen`, at most STALL_MS; false when it timed out. Where a
 * host forbids blocking its main thread (Atomics.wait throws), it polls instead: by then this thread
 * has taken every run left, so the wait is for the runs in progress elsewhere, a few milliseconds.
 */
function waitForChange(counters: Int32Array, seen: number): boolean {
  if (canBlock) {
    try {
      return Atomics.wait(counters, 1, seen, STALL_MS) !== 'timed-out';
    } catch {
      canBlock = false;
    }
  }
  const until = Date.now() + STALL_MS;
  while (Date.now() < until) if (Atomics.load(counters, 1) !== seen) return true;
  return false;
}

let canBlock = true;
