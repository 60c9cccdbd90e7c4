// Estimating and loading a selection of a trail's bucket (days × regions of one account, or raw
// prefixes) into the store. Objects are read whole into memory (no temp files) by a few parallel
// GetObjects, read by the same reader as local files, and merged in key order whatever order they
// arrive in, so a load gives exactly the events (and duplicate winners) of loading the same files
// from disk. A failed object costs only itself; cancel keeps what was read. providers/ never imports vscode.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { ApiError } from '../../core/errors';
import type { EventStore } from '../../core/store';
import { mergeResult, type LoadReport } from '../logFiles/files';
import { isDigestFileName, readLogBytes } from '../logFiles/fileReader';
import { S3_PROVIDER_NAME, s3Url } from './errors';
import { ACCOUNT_RE, cleanPrefix, DAY_MS, dayPrefixes, INSIGHT_FOLDER, LOGS_FOLDER, MAX_DAYS, ORG_RE, parseDay, prefixOf, type TrailLocation } from './layout';
import { listAll, type ListedObject, type ListOptions } from './list';
import type { S3TrailSession } from './session';
import { requestTimedOut } from '../awsCloudtrail/httpHandler';

/** Days × regions of one account in a trail's bucket. */
export interface DaySelection extends TrailLocation {
  /** The organization id, for an organization trail (AWSLogs/<org>/<account>/…). */
  org?: string;
  account: string;
  /** The regions whose logs to read (folder names under CloudTrail/). */
  regions: string[];
  /** First and last day, inclusive, 'YYYY-MM-DD' (UTC, as CloudTrail names its folders). */
  from: string;
  to: string;
  /** Also read CloudTrail-Insight/ for the same regions and days. */
  insights?: boolean;
}

/** Any prefixes of a bucket (each read recursively), e.g. from the layout browser. */
export interface PrefixSelection {
  bucket: string;
  bucketRegion?: string;
  prefixes: string[];
}

export type S3Selection = DaySelection | PrefixSelection;

export interface Estimate {
  /** Log objects a load would read. */
  objects: number;
  /** Their bytes as stored (compressed). */
  bytes: number;
  /** Digest objects under the prefixes (never read). */
  digestsSkipped: number;
  /** Other objects that are not log files (never read). */
  otherSkipped: number;
  /** The prefixes listed. */
  prefixes: string[];
}

export interface S3LoadProgress {
  /** Objects done (read, failed or skipped after download), in key order. */
  files: number;
  filesTotal: number;
  /** Compressed bytes downloaded so far. */
  bytes: number;
  bytesTotal: number;
  events: number;
  duplicates: number;
}

export interface S3LoadOptions extends ListOptions {
  /** Parallel GetObjects; default 6. */
  concurrency?: number;
  onProgress?: (p: S3LoadProgress) => void;
  /** Label for the `source` column; default s3://bucket[/trail prefix]. */
  source?: string;
  /** Extra attempts for an object whose body was cut off mid-download; default 2. */
  bodyRetries?: number;
  /** Most bytes one compressed object may inflate to (see logFiles/fileReader ReadOptions). */
  maxInflatedBytes?: number;
}

export interface S3LoadReport extends LoadReport {
  /** Compressed bytes downloaded (LoadReport.bytes counts the uncompressed text read). */
  downloadedBytes: number;
  /** Log objects listed for reading. */
  objects: number;
  /** Set when loading stopped early for everything (listing failed, credentials expired, …). */
  stoppedBy?: ApiError;
}

export const DEFAULT_CONCURRENCY = 6;
const DIGEST_REASON = 'CloudTrail digest file (holds no events)';
const NOT_LOG_REASON = 'not a log file: folders are read for .json, .jsonl, .ndjson, .cloudtrail, .csv and .gz files';
// The same names a local folder walk reads (logFiles/files.ts).
const LOG_FILE = /\.(json|jsonl|ndjson|cloudtrail|csv)(\.gz)?$|\.gz$/i;

function isDaySelection(s: S3Selection): s is DaySelection {
  return 'account' in s;
}

function badSelection(bucket: string, why: string): ApiError {
  return new ApiError({ kind: 'bad-request', provider: S3_PROVIDER_NAME, url: `s3://${bucket}/`, message: `Cannot read this selection of s3://${bucket}: ${why}.` });
}

/** The prefixes a selection covers (whole months as one prefix). Throws a bad-request ApiError. */
export function selectionPrefixes(sel: S3Selection): string[] {
  if (!sel.bucket || /[/\s]/.test(sel.bucket)) throw badSelection(sel.bucket || '(none)', 'give the bucket name alone (no s3:// or slashes)');
  if (!isDaySelection(sel)) {
    const list = [...new Set(sel.prefixes.map((p) => p.replace(/^\/+/, '')))];
    if (list.length === 0) throw badSelection(sel.bucket, 'no prefix was given');
    return list;
  }
  if (!ACCOUNT_RE.test(sel.account)) throw badSelection(sel.bucket, `"${sel.account}" is not a 12-digit AWS account id`);
  if (sel.org !== undefined && sel.org !== '' && !ORG_RE.test(sel.org)) throw badSelection(sel.bucket, `"${sel.org}" is not an organization id (o-…)`);
  const regions = [...new Set(sel.regions.map((r) => r.trim()).filter((r) => r !== ''))];
  if (regions.length === 0) throw badSelection(sel.bucket, 'no region was chosen');
  const bad = regions.find((r) => r.includes('/'));
  if (bad) throw badSelection(sel.bucket, `"${bad}" is not a region folder name`);
  const from = parseDay(sel.from);
  const to = parseDay(sel.to);
  if (from === undefined) throw badSelection(sel.bucket, `the first day "${sel.from}" is not a date (YYYY-MM-DD)`);
  if (to === undefined) throw badSelection(sel.bucket, `the last day "${sel.to}" is not a date (YYYY-MM-DD)`);
  if (from > to) throw badSelection(sel.bucket, `the first day ${sel.from} is after the last day ${sel.to}`);
  const days = (to - from) / DAY_MS + 1;
  if (days > MAX_DAYS) throw badSelection(sel.bucket, `${days} days is more than ${MAX_DAYS}; choose a shorter range`);
  const folders = sel.insights ? [LOGS_FOLDER, INSIGHT_FOLDER] : [LOGS_FOLDER];
  const out: string[] = [];
  for (const folder of folders) {
    for (const region of regions) {
      const regionPrefix = prefixOf(sel, { ...(sel.org ? { org: sel.org } : {}), account: sel.account, folder, region });
      out.push(...dayPrefixes(regionPrefix, from, to));
    }
  }
  return out;
}

interface Plan {
  prefixes: string[];
  objects: ListedObject[];
  digests: ListedObject[];
  others: Array<ListedObject & { reason: string }>;
}

// AWSLogs/[org/]<account>/<service folder>/: Config, flow logs and others can share a trail's bucket.
const SERVICE_FOLDER = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]+\/)?\d{12}\/([^/]+)\//;
const TRAIL_FOLDERS = new Set<string>([LOGS_FOLDER, INSIGHT_FOLDER]);

/** Lists every prefix (a few at a time), then sorts and de-duplicates the keys. */
async function plan(session: S3TrailSession, sel: S3Selection, opts: ListOptions & { concurrency?: number }): Promise<Plan> {
  const prefixes = selectionPrefixes(sel);
  const byKey = new Map<string, ListedObject>();
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < prefixes.length) {
      const prefix = prefixes[next++];
      try {
        const l = await listAll(session, { bucket: sel.bucket, prefix, bucketRegion: sel.bucketRegion }, opts);
        for (const o of l.objects) byKey.set(o.key, o);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, prefixes.length)) }, worker));
  if (failed !== undefined) throw failed;
  const all = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const p: Plan = { prefixes, objects: [], digests: [], others: [] };
  for (const o of all) {
    // Folder placeholders ("…/", size 0) made by consoles and sync tools.
    if (o.key.endsWith('/')) continue;
    const service = SERVICE_FOLDER.exec(o.key)?.[1];
    if (isDigestFileName(o.key)) p.digests.push(o);
    else if (service !== undefined && !TRAIL_FOLDERS.has(service)) p.others.push({ ...o, reason: `not CloudTrail logs: the ${service} folder of AWSLogs/ belongs to another service` });
    else if (!LOG_FILE.test(o.key)) p.others.push({ ...o, reason: NOT_LOG_REASON });
    else p.objects.push(o);
  }
  return p;
}

/** What a load of the selection would read, from listings alone. Throws ApiError. */
export async function estimate(session: S3TrailSession, selection: S3Selection, opts: ListOptions & { concurrency?: number } = {}): Promise<Estimate> {
  const p = await plan(session, selection, opts);
  return {
    objects: p.objects.length,
    bytes: p.objects.reduce((s, o) => s + o.size, 0),
    digestsSkipped: p.digests.length,
    otherSkipped: p.others.length,
    prefixes: p.prefixes,
  };
}

type Outcome = { ok: true; data: Buffer } | { ok: false; error: ApiError };

function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

/** Reads a body stream whole, counting bytes as they come; a cancel destroys the stream. */
async function readBody(body: unknown, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<Buffer> {
  if (body instanceof Readable) {
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onAbort = () => body.destroy(abortError());
      if (signal?.aborted) return reject(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (err?: Error) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(Buffer.concat(chunks));
      };
      body.on('data', (c: Buffer) => {
        chunks.push(c);
        onBytes(c.length);
      });
      body.once('error', (e) => done(e));
      body.once('end', () => done());
      // A socket closed mid-body ends some streams without an error: `aborted` tells them apart.
      body.once('aborted', () => done(Object.assign(new Error('the connection closed before the whole object arrived'), { code: 'ECONNRESET' })));
    });
  }
  const withMixin = body as { transformToByteArray?: () => Promise<Uint8Array> } | undefined;
  if (!withMixin?.transformToByteArray) throw new Error('GetObject returned no body');
  const arr = await withMixin.transformToByteArray();
  onBytes(arr.length);
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
}

/**
 * Loads the selection into the store. Digest and non-log objects are reported in `skipped` with a
 * reason; an object that cannot be read (403, 404, a cut download) is one `errors` entry with its
 * s3:// address while the rest loads; a cut gzip object keeps the events it holds (like a local
 * file). Credentials failing (expired, rejected) stop the load (`stoppedBy`): every object would fail.
 */
export async function loadFromS3(session: S3TrailSession, selection: S3Selection, store: EventStore, opts: S3LoadOptions = {}): Promise<S3LoadReport> {
  const report: S3LoadReport = { files: 0, events: 0, duplicates: 0, skipped: [], errors: [], bytes: 0, cancelled: false, downloadedBytes: 0, objects: 0 };
  const { bucket } = selection;
  const signal = opts.signal;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
  const source = opts.source ?? (isDaySelection(selection) && cleanPrefix(selection.prefix) ? `s3://${bucket}/${cleanPrefix(selection.prefix)}` : `s3://${bucket}`);

  let p: Plan;
  try {
    p = await plan(session, selection, { ...opts, concurrency });
  } catch (e) {
    const err = e instanceof ApiError ? e : session.error(e, 'ListObjectsV2', { bucket, key: '', region: selection.bucketRegion });
    if (err.kind === 'cancelled' || signal?.aborted) report.cancelled = true;
    else {
      report.stoppedBy = err;
      report.errors.push({ path: err.url || `s3://${bucket}/`, message: err.message });
    }
    return report;
  }
  for (const o of p.digests) report.skipped.push({ path: s3Url({ bucket, key: o.key }), reason: DIGEST_REASON });
  for (const o of p.others) report.skipped.push({ path: s3Url({ bucket, key: o.key }), reason: o.reason });
  const tasks = p.objects;
  report.objects = tasks.length;
  const progress: S3LoadProgress = { files: 0, filesTotal: tasks.length, bytes: 0, bytesTotal: tasks.reduce((s, o) => s + o.size, 0), events: 0, duplicates: 0 };
  const emit = () => opts.onProgress?.({ ...progress, bytes: report.downloadedBytes, events: report.events, duplicates: report.duplicates });
  emit();

  // Results wait here until every earlier key is merged; the window keeps a slow object from
  // letting thousands of later ones pile up in memory.
  const window = concurrency * 4;
  const done = new Map<number, Outcome>();
  let next = 0;
  let merged = 0;
  let stopped = false;
  const waiters: Array<() => void> = [];
  const wakeAll = () => {
    for (const w of waiters.splice(0)) w();
  };
  const stop = (why?: ApiError) => {
    if (why && !report.stoppedBy) report.stoppedBy = why;
    stopped = true;
    wakeAll();
  };
  const onAbort = () => stop();
  signal?.addEventListener('abort', onAbort, { once: true });

  const readOpts = opts.maxInflatedBytes === undefined ? {} : { maxInflatedBytes: opts.maxInflatedBytes };
  const mergeOne = async (i: number, o: Outcome) => {
    const path = s3Url({ bucket, key: tasks[i].key });
    if (o.ok) {
      try {
        mergeResult(await readLogBytes(path, o.data, source, readOpts), store, report);
      } catch (e) {
        // The reader reports problems itself; this is a bug or an out-of-memory, still per object.
        report.errors.push({ path, message: `could not be read: ${e instanceof Error ? e.message : String(e)}` });
      }
    } else report.errors.push({ path, message: o.error.message });
    progress.files++;
    emit();
  };
  // One object is read (inflated, parsed) at a time, in key order: the window holds compressed
  // bodies only, and memory holds at most one object's inflated bytes.
  let draining = false;
  let drained: Promise<void> = Promise.resolve();
  const drain = (): void => {
    if (draining) return;
    draining = true;
    drained = (async () => {
      try {
        while (!stopped && done.has(merged)) {
          const o = done.get(merged) as Outcome;
          done.delete(merged);
          await mergeOne(merged, o);
          merged++;
          wakeAll();
        }
      } finally {
        draining = false;
        wakeAll();
      }
    })();
  };

  const fetchOne = async (i: number): Promise<Outcome> => {
    const { key } = tasks[i];
    const target = { bucket, key, region: selection.bucketRegion };
    const retries = opts.bodyRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      let counted = 0;
      try {
        const out = await session.send('GetObject', target, (c) => c.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }));
        const data = await readBody(out.Body, signal, (n) => {
          counted += n;
          report.downloadedBytes += n;
        });
        if (out.ContentLength !== undefined && data.length !== out.ContentLength) {
          throw Object.assign(new Error(`the download ended after ${data.length} of ${out.ContentLength} bytes`), { code: 'ECONNRESET' });
        }
        return { ok: true, data };
      } catch (e) {
        // A failed try's bytes are not part of the object.
        report.downloadedBytes -= counted;
        const err = e instanceof ApiError ? e : session.error(e, 'GetObject', target);
        // A try that used up its whole deadline is not tried again: that would multiply the bound.
        const retryable = err.kind === 'network' || (err.kind === 'timeout' && requestTimedOut(e)?.limit !== 'deadline');
        if (retryable && attempt < retries && !signal?.aborted) {
          session.log(`GetObject ${s3Url(target)}: ${err.message}; trying again (${attempt + 2} of ${retries + 1})`);
          continue;
        }
        return { ok: false, error: err };
      }
    }
  };

  const worker = async () => {
    while (!stopped && next < tasks.length) {
      if (next >= merged + window) {
        await new Promise<void>((r) => waiters.push(r));
        continue;
      }
      const i = next++;
      const o = await fetchOne(i);
      if (!o.ok && (o.error.kind === 'cancelled' || signal?.aborted)) {
        stop();
        continue;
      }
      if (!o.ok && o.error.kind === 'auth') {
        done.set(i, o);
        stop(o.error);
        continue;
      }
      done.set(i, o);
      drain();
    }
  };

  try {
    if (!signal?.aborted) await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  await drained;
  // Stopped early: what arrived is kept, still in key order (gaps are the objects never read).
  for (const i of [...done.keys()].sort((a, b) => a - b)) await mergeOne(i, done.get(i) as Outcome);
  done.clear();
  if (signal?.aborted) report.cancelled = true;
  return report;
}
