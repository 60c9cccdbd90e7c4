/** Messages between the loader and its worker threads (both ends are our own code). */
import type { FileResult, ReadOptions } from './fileReader';

export interface WorkerRequest {
  id: number;
  path: string;
  source: string;
  /** Plain options only: the budget is shared once, in workerData. */
  options?: Omit<ReadOptions, 'budget'>;
}

export type WorkerResponse = { id: number; result: FileResult } | { id: number; error: string };
