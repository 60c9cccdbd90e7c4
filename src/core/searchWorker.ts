/**
 * Search worker: takes runs of a free-text search (see searchPool.ts) from the shared counter,
 * inflates their raw blocks and marks the candidates that match. It holds the store's segments as
 * views of the same SharedArrayBuffers, sent once each.
 */
import * as threads from 'node:worker_threads';
import { RawReader } from './rawReader';
import type { RawSegment } from './rawSegment';
import { RUN_FIELDS, type SharedSearch, type ToSearchWorker } from './searchPool';
import { RunSearch, searchSharedRun } from './textSearch';

if (!threads.parentPort) throw new Error('searchWorker must run as a worker thread');
const port = threads.parentPort;

let store = -1;
let segments: RawSegment[] = [];
let reader = new RawReader(segments, 0);

function work(job: SharedSearch): void {
  const search = new RunSearch(job.needle);
  const runCount = job.runs.length / RUN_FIELDS;
  for (;;) {
    const k = Atomics.add(job.counters, 0, 1);
    if (k >= runCount) return;
    try {
      searchSharedRun(job, k, reader, search);
      Atomics.store(job.runDone, k, 1);
    } catch {
      // Left undone: the store's thread searches it again and reports what goes wrong.
    }
    Atomics.add(job.counters, 1, 1);
    Atomics.notify(job.counters, 1);
  }
}

port.on('message', (msg: ToSearchWorker) => {
  if (msg.type === 'drop' && msg.store !== store) return;
  if (msg.store !== store || msg.type === 'drop') {
    // Another store, or this one is gone: the last one's segments are let go.
    store = msg.type === 'drop' ? -1 : msg.store;
    segments = [];
    reader = new RawReader(segments, 0);
  }
  if (msg.type === 'segments') {
    segments.length = msg.from;
    segments.push(...msg.segments);
  } else if (msg.type === 'search') {
    work(msg.job);
  }
});
