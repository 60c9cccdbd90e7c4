/**
 * What a panel session reads and writes through, given by whoever runs it: under node (the
 * extension host, the CLI, the tests) nodeIo.ts reads files with worker threads, streams S3 and
 * writes exports; the webview's dev harness gives in-page loaders. So the session itself imports no
 * node module and bundles for a browser.
 */
import type { EventStore } from '../core/store';
import type { ResultView } from '../core/view';
import type { DetectOptions, Detections } from '../core/sigma/match';
import type { CompiledRule, RuleProblem } from '../core/sigma/types';
import type { LoadOptions, LoadReport } from '../providers/logFiles/files';
import type { S3LoadOptions, S3LoadReport, S3Selection, S3TrailSession } from '../providers/s3Trail/index';

export type ExportFormat = 'csv' | 'json' | 'jsonl';

export interface SourceLoaders {
  /** Reads files and folders into the store; resolves when done or cancelled, never rejects on bad input. */
  loadFiles(paths: readonly string[], store: EventStore, opts: LoadOptions): Promise<LoadReport>;
  /** Streams a trail bucket's log objects into the store, like loadFiles. */
  loadS3(session: S3TrailSession, selection: S3Selection, store: EventStore, opts: S3LoadOptions): Promise<S3LoadReport>;
  /** The name a file or folder is listed under (its last segment). */
  label(path: string): string;
}

/**
 * Runs Sigma rules over a store (session/nodeDetector.ts under node: the engine needs node:v8 and
 * node:zlib, so a browser harness gives none and the panel shows no Detections section).
 */
export interface Detector {
  /** The rules as they are now (loaded once, again after reload()), with the files that did not compile. */
  rules(): Promise<{ rules: readonly CompiledRule[]; problems: readonly RuleProblem[] }>;
  /**
   * Every rule over the store (or over `opts.rows`), giving the event loop back between slices of
   * work and stopping between them once `opts.signal` aborts (rejecting with DetectionCancelled).
   * Rows may be appended meanwhile; the rows it was given must stay (the store is append-only).
   */
  detect(store: EventStore, rules: readonly CompiledRule[], opts?: DetectOptions): Promise<Detections>;
}

export interface SessionIo extends SourceLoaders {
  /** Sigma detections, when this environment can run them. */
  detector?: Detector;
  /** Writes a result to `file` in `format`; resolves with the number of events written. */
  exportView(view: ResultView, format: ExportFormat, file: string, columns: readonly string[]): Promise<number>;
}
