/**
 * Loader worker: reads, gunzips, splits and normalizes files on another core, and posts each run
 * of files' batches back with their buffers transferred (no copy, no per-event clone).
 */
import * as threads from 'node:worker_threads';
import { batchMatches } from '../../core/batchMatches';
import { readLogFile, RunBatch } from './fileReader';
import { InflateBudget, type InflateBudgetData } from './inflateBudget';
import type { WorkerOutcome, WorkerRequest, WorkerResponse } from './workerProtocol';

if (!threads.parentPort) throw new Error('cloudtrailWorker must run as a worker thread');
const port = threads.parentPort;
const shared = (threads.workerData as { inflateBudget?: InflateBudgetData } | undefined)?.inflateBudget;
const budget = shared ? new InflateBudget(shared) : undefined;

// Newer node marks some of its own buffers (pooled or internal) as untransferable, and one such
// buffer in a transfer list fails the whole message: those are copied instead of moved.
const isUntransferable: (ab: ArrayBuffer) => boolean =
  typeof (threads as { isMarkedAsUntransferable?: unknown }).isMarkedAsUntransferable === 'function'
    ? (threads as unknown as { isMarkedAsUntransferable: (ab: ArrayBuffer) => boolean }).isMarkedAsUntransferable
    : () => false;

async function handle(msg: WorkerRequest): Promise<void> {
  const outcomes: WorkerOutcome[] = [];
  const transfer = new Set<ArrayBuffer>();
  const options = { ...msg.options, ...(budget ? { budget } : {}) };
  // Every file of the run reads into one batch (the loader plans runs of one source).
  const run = msg.tasks.length > 0 ? new RunBatch(msg.tasks[0].source) : undefined;
  for (const task of msg.tasks) {
    const before = run?.builder.size ?? 0;
    try {
      // This thread does nothing but read files: blocking reads cost it nothing and save the
      // several thread-pool round trips per file of the promise API (most of a small file's cost).
      const result = await readLogFile(task.path, task.source, options, 'blocking', run);
      outcomes.push({ result });
      // Large inflated buffers are freed by moving them into a closed port (inflate.ts#releaseNow),
      // which takes effect on a turn of this thread's event loop; blocking reads and a synchronous
      // gunzip would otherwise go on to the next file first and hold two files' worth at once.
      if (result.bytes >= YIELD_AFTER_BYTES) await new Promise((r) => setImmediate(r));
    } catch (err) {
      // readLogFile reports problems itself; this is a bug or an out-of-memory, still per file
      // (and none of the file's events stay in the run's batch).
      run?.builder.truncate(before);
      outcomes.push({ error: err instanceof Error ? `${err.message}` : String(err) });
    }
  }
  let batch: WorkerResponse['batch'];
  let matches: WorkerResponse['matches'];
  if (run && run.builder.size > 0) {
    try {
      const built = run.builder.build();
      if (msg.count) {
        // Only the ids and a bit per event go back: no columns, no raw bytes.
        const m = batchMatches(built.batch, msg.count);
        matches = { idDict: m.idDict, idOf: m.idOf.slice(), match: m.match };
        transfer.add(matches.idOf.buffer as ArrayBuffer);
        transfer.add(matches.match.buffer as ArrayBuffer);
      } else {
        batch = built.batch;
        for (const ab of built.transfer) if (!isUntransferable(ab)) transfer.add(ab);
      }
    } catch (err) {
      // Out of memory making the batch: every file with events in it failed, each said so.
      const message = err instanceof Error ? err.message : String(err);
      for (let k = 0; k < outcomes.length; k++) {
        const o = outcomes[k];
        if ('result' in o && o.result.rows) outcomes[k] = { error: message };
      }
    }
  }
  const reply: WorkerResponse = { id: msg.id, outcomes, ...(batch ? { batch } : {}), ...(matches ? { matches } : {}) };
  port.postMessage(reply, [...transfer]);
  await new Promise((r) => setImmediate(r));
}

/** inflate.ts frees buffers from 1 MB on at once; a file that big is worth one turn of the loop. */
const YIELD_AFTER_BYTES = 1 << 20;

// One run at a time, one file at a time: the loader keeps two requests queued here, and reading
// two at once would hold two files' inflated bytes (up to the per-file limit each) instead of one.
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(() => handle(msg));
});
