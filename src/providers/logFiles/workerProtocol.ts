/** Messages between the loader and its worker threads (both ends are our own code). */
import type { EventBatch } from '../../core/batch';
import type { BatchMatches } from '../../core/batchMatches';
import type { QueryNode } from '../../core/query';
import type { FileResult, ReadOptions } from './fileReader';

export interface WorkerTask {
  path: string;
  source: string;
}

/**
 * A run of consecutive files of one source: many small files go in one message (a trail of thousands of
 * few-KB files would otherwise pay a message each way per file), a large file goes alone.
 */
export interface WorkerRequest {
  id: number;
  tasks: WorkerTask[];
  /** Plain options only: the budget is shared once, in workerData. */
  options?: Omit<ReadOptions, 'budget'>;
  /** Count only: run this filter on the run's batch and send `matches` instead of the batch. */
  count?: QueryNode;
}

/** One outcome per task, in the request's order. */
export type WorkerOutcome = { result: FileResult } | { error: string };

export interface WorkerResponse {
  id: number;
  outcomes: WorkerOutcome[];
  /** The run's events, one batch for all its files; each result's `rows` says which are its. */
  batch?: EventBatch;
  /** With `count`: the run's event ids and which events match. */
  matches?: BatchMatches;
}
