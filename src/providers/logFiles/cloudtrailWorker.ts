/**
 * Loader worker: reads, gunzips, splits and normalizes files on another core, and posts each
 * file's batch back with its buffers transferred (no copy, no per-event clone).
 */
import * as threads from 'node:worker_threads';
import { readLogFile } from './fileReader';
import { InflateBudget, type InflateBudgetData } from './inflateBudget';
import { WorkerRequest, WorkerResponse } from './workerProtocol';

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
  let reply: WorkerResponse;
  try {
    const result = await readLogFile(msg.path, msg.source, { ...msg.options, ...(budget ? { budget } : {}) });
    reply = { id: msg.id, result };
    port.postMessage(reply, result.transfer.filter((ab) => !isUntransferable(ab)));
  } catch (err) {
    // readLogFile reports problems itself; this is a bug or an out-of-memory, still per file.
    reply = { id: msg.id, error: err instanceof Error ? `${err.message}` : String(err) };
    port.postMessage(reply);
  }
}

// One file at a time: the loader keeps two requests queued here, and reading both at once would
// hold two files' inflated bytes (up to the per-file limit each) instead of one.
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(() => handle(msg));
});
