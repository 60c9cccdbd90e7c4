/**
 * Loader worker: reads, gunzips, splits and normalizes files on another core, and posts each
 * file's batch back with its buffers transferred (no copy, no per-event clone).
 */
import { parentPort } from 'node:worker_threads';
import { readLogFile } from './fileReader';
import { WorkerRequest, WorkerResponse } from './workerProtocol';

if (!parentPort) throw new Error('cloudtrailWorker must run as a worker thread');
const port = parentPort;

port.on('message', (msg: WorkerRequest) => {
  let reply: WorkerResponse;
  try {
    const result = readLogFile(msg.path, msg.source);
    reply = { id: msg.id, result };
    port.postMessage(reply, result.transfer);
  } catch (err) {
    // readLogFile reports problems itself; this is a bug or an out-of-memory, still per file.
    reply = { id: msg.id, error: err instanceof Error ? `${err.message}` : String(err) };
    port.postMessage(reply);
  }
});
