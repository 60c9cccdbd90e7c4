/**
 * node:fs, node:os, node:path and node:worker_threads as far as src/core/searchPool.ts reaches them,
 * for the dev harness's browser bundle: no worker file exists there, so free-text search runs on the
 * page's own thread (the same code path the host takes for searches under its size threshold).
 */
export function existsSync(): boolean {
  return false;
}

export function availableParallelism(): number {
  return 1;
}

export function cpus(): unknown[] {
  return [];
}

export function join(...parts: string[]): string {
  return parts.join('/');
}

export class Worker {
  constructor() {
    throw new Error('no worker threads in the dev harness');
  }
}
