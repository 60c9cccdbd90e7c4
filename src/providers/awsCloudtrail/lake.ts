// CloudTrail Lake: StartQuery, poll DescribeQuery with backoff while the query is QUEUED or RUNNING,
// then page GetQueryResults. Rows become events the way the file reader reads saved Lake results
// (tabular.ts lakeRowToRecord): a row with an `eventJson` (or CloudTrailEvent) column is that record;
// any other row is built into a CloudTrail-shaped record from the columns it has. A query that ends
// FAILED / TIMED_OUT / CANCELLED stops with an ApiError carrying AWS's ErrorMessage; cancelling
// (the signal) sends CancelQuery. providers/ never imports vscode.
import {
  CancelQueryCommand,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  type DescribeQueryCommandOutput,
  type GetQueryResultsCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { ApiError, isApiError } from '../../core/errors';
import type { EventBatch } from '../../core/batch';
import { drivePages, openForFetch, recordFetchEnd, tokenPages } from '../paging';
import type { AccountConfig, FetchProgress, FetchReport } from '../provider';
import { isRegionName, regionsOf, type AwsSession } from './client';
import { PROVIDER_NAME } from './credentials';
import { LiveCloudTrailBatch, notePageProblems } from './records';
import { sleep } from '../../core/sleep';

export interface LakeQuery {
  /** The SQL, e.g. `SELECT eventJson FROM <event data store id> WHERE eventTime > '2026-11-01 00:00:00'`. */
  sql: string;
  /** Event data store ARN or id (deprecated by AWS when the SQL names the store; sent when given). */
  eventDataStore?: string;
  /** The region of the event data store; default: the account's first region. */
  region?: string;
  /** Rows per GetQueryResults page (1–1000; default AWS's). */
  pageSize?: number;
  maxPages?: number;
}

export interface LakeSink {
  onBatch(batch: EventBatch, progress: FetchProgress): void;
  /** Status changes while waiting (QUEUED, RUNNING, …), for a progress line. */
  onStatus?(status: string, queryId: string): void;
}

export interface LakeStatistics {
  resultsCount?: number;
  totalResultsCount?: number;
  bytesScanned?: number;
  eventsMatched?: number;
  eventsScanned?: number;
  executionTimeMs?: number;
}

export interface LakeReport extends FetchReport {
  queryId?: string;
  /** The last status AWS reported. */
  status?: string;
  statistics: LakeStatistics;
  /** Rows that are not events (an aggregate query's rows) and were left out. */
  skipped: number;
  problems: string[];
}

export interface LakeOptions {
  /** First wait between status polls, ms (default 1000); it grows ×1.5 up to `lakePollMaxMs`. */
  lakePollMs?: number;
  lakePollMaxMs?: number;
  /** Give up waiting (and cancel the query) after this long, ms (default 30 min). */
  lakeMaxWaitMs?: number;
}

const WAITING = new Set(['QUEUED', 'RUNNING']);


function lakeFailure(status: string, message: string | undefined, queryId: string, url: string): ApiError {
  const why = message ? `: ${message}` : '';
  if (status === 'TIMED_OUT') {
    return new ApiError({ kind: 'timeout', provider: PROVIDER_NAME, url, message: `The CloudTrail Lake query ${queryId} timed out on the AWS side${why}. Narrow the time range in the SQL (WHERE eventTime > …) or select fewer columns.` });
  }
  if (status === 'CANCELLED') {
    return new ApiError({ kind: 'server', provider: PROVIDER_NAME, url, message: `The CloudTrail Lake query ${queryId} was cancelled on the AWS side${why}.` });
  }
  return new ApiError({ kind: 'bad-request', provider: PROVIDER_NAME, url, message: `The CloudTrail Lake query ${queryId} failed${why}.` });
}

function statsFrom(out: GetQueryResultsCommandOutput, into: LakeStatistics): void {
  const q = out.QueryStatistics;
  if (!q) return;
  if (q.ResultsCount !== undefined) into.resultsCount = (into.resultsCount ?? 0) + q.ResultsCount;
  if (q.TotalResultsCount !== undefined) into.totalResultsCount = q.TotalResultsCount;
  if (q.BytesScanned !== undefined) into.bytesScanned = q.BytesScanned;
}

function describeStats(out: DescribeQueryCommandOutput, into: LakeStatistics): void {
  const q = out.QueryStatistics;
  if (!q) return;
  if (q.EventsMatched !== undefined) into.eventsMatched = q.EventsMatched;
  if (q.EventsScanned !== undefined) into.eventsScanned = q.EventsScanned;
  if (q.BytesScanned !== undefined) into.bytesScanned = q.BytesScanned;
  if (q.ExecutionTimeInMillis !== undefined) into.executionTimeMs = q.ExecutionTimeInMillis;
}

export async function runLake(
  session: (account: AccountConfig, secret: string) => AwsSession,
  opts: LakeOptions,
  account: AccountConfig,
  secret: string,
  query: LakeQuery,
  sink: LakeSink,
  signal?: AbortSignal,
): Promise<LakeReport> {
  const report: LakeReport = {
    pages: 0,
    events: 0,
    pushDown: { sentToApi: ['SQL query'], localFilter: '' },
    cancelled: false,
    statistics: {},
    skipped: 0,
    problems: [],
  };
  const region = (query.region ?? regionsOf(account)[0]).trim().toLowerCase();
  if (!isRegionName(region)) {
    report.stoppedBy = new ApiError({ kind: 'bad-request', provider: PROVIDER_NAME, url: '', message: `Not an AWS region name: ${JSON.stringify(region.slice(0, 40))}.` });
    return report;
  }
  if (!query.sql || query.sql.trim() === '') {
    report.stoppedBy = new ApiError({ kind: 'bad-request', provider: PROVIDER_NAME, url: '', message: 'The CloudTrail Lake query is empty: give a SQL statement such as SELECT eventJson FROM <event data store id> WHERE …' });
    return report;
  }
  const s = openForFetch(() => session(account, secret), report, signal, PROVIDER_NAME);
  if (!s) return report;
  const url = s.url(region);
  const eds = query.eventDataStore ? { EventDataStore: query.eventDataStore } : {};
  let queryId: string | undefined;
  let finished = false;
  try {
    const started = await s.send(
      region,
      'StartQuery',
      (c, sig) => c.send(new StartQueryCommand({ QueryStatement: query.sql }), { abortSignal: sig }),
      signal,
      undefined,
      (o) => `query ${o.QueryId ?? '?'}`,
    );
    queryId = started.QueryId;
    if (!queryId) throw new ApiError({ kind: 'invalid-response', provider: PROVIDER_NAME, url, message: 'StartQuery answered without a QueryId.' });
    const id = queryId;

    // Wait for a terminal status.
    let wait = opts.lakePollMs ?? 1000;
    const maxWait = opts.lakePollMaxMs ?? 10_000;
    const deadline = performance.now() + (opts.lakeMaxWaitMs ?? 30 * 60_000);
    let status = 'QUEUED';
    let lastReported = '';
    while (true) {
      const d = await s.send(
        region,
        'DescribeQuery',
        (c, sig) => c.send(new DescribeQueryCommand({ QueryId: id, ...eds }), { abortSignal: sig }),
        signal,
        undefined,
        (o) => `status ${o.QueryStatus ?? '?'}`,
      );
      status = d.QueryStatus ?? 'UNKNOWN';
      report.status = status;
      describeStats(d, report.statistics);
      if (status !== lastReported) {
        sink.onStatus?.(status, id);
        lastReported = status;
      }
      if (!WAITING.has(status)) {
        if (status !== 'FINISHED') {
          finished = true; // nothing to cancel
          throw lakeFailure(status, d.ErrorMessage ? s.redact(d.ErrorMessage) : undefined, id, url);
        }
        break;
      }
      if (performance.now() + wait > deadline) {
        throw new ApiError({ kind: 'timeout', provider: PROVIDER_NAME, url, message: `The CloudTrail Lake query ${id} was still ${status} after waiting ${Math.round((opts.lakeMaxWaitMs ?? 1_800_000) / 1000)} s; it was cancelled.` });
      }
      await sleep(wait, signal);
      wait = Math.min(maxWait, Math.round(wait * 1.5));
    }
    finished = true;

    // Page the results.
    const maxPages = query.maxPages ?? 10_000;
    const source = account.label || account.scope || account.id;
    let row = 0;
    const pages = tokenPages<GetQueryResultsCommandOutput>({
      pagesSoFar: () => report.pages,
      maxPages,
      fetch: (token, page) => {
        const input = { QueryId: id, ...eds, ...(query.pageSize ? { MaxQueryResults: query.pageSize } : {}), ...(token ? { NextToken: token } : {}) };
        return s.send(region, 'GetQueryResults', (c, sig) => c.send(new GetQueryResultsCommand(input), { abortSignal: sig }), signal, page, (o) => `${o.QueryResultRows?.length ?? 0} rows${o.NextToken ? ', more' : ''}`);
      },
      nextToken: (o) => o.NextToken,
      limitError: (page) =>
        new ApiError({
          kind: 'paging-loop',
          provider: PROVIDER_NAME,
          url,
          page,
          message: `Stopped after ${maxPages} pages of CloudTrail Lake results (the page limit); the pages loaded so far are kept. Narrow the query (WHERE, LIMIT) to load less.`,
        }),
      loopError: (page) =>
        new ApiError({ kind: 'paging-loop', provider: PROVIDER_NAME, url, page, message: `CloudTrail Lake sent a NextToken that repeats an earlier one; stopped paging to avoid a loop. The pages loaded so far are kept.` }),
    });
    const end = await drivePages(pages, report, sink, {
      signal,
      provider: PROVIDER_NAME,
      redact: s.redact,
      toEvents: (out, n) => {
        statsFrom(out, report.statistics);
        const batch = new LiveCloudTrailBatch(source, { region });
        for (const r of out.QueryResultRows ?? []) batch.addLakeRow(r, row++);
        notePageProblems(report, batch, `CloudTrail Lake query ${id} page ${n}`, (l) => s.log(l));
        return batch;
      },
    });
    const st = report.statistics;
    if (end !== 'threw') {
      s.log(
        `CloudTrail Lake query ${id}: ${report.events} events from ${st.totalResultsCount ?? st.resultsCount ?? '?'} rows, ${st.bytesScanned ?? '?'} bytes scanned${report.skipped ? `, ${report.skipped} rows not events` : ''}`,
      );
    }
  } catch (e) {
    recordFetchEnd(report, e, signal, PROVIDER_NAME, s.redact);
    const timedOutWaiting = isApiError(e) && e.kind === 'timeout' && !finished;
    if (queryId && !finished && (report.cancelled || timedOutWaiting)) await cancel(s, region, queryId, report);
  } finally {
    s.close();
  }
  report.queryId = queryId;
  return report;
}

/** Best effort: a query left running keeps scanning (and costing) on the AWS side. */
async function cancel(s: AwsSession, region: string, queryId: string, report: LakeReport): Promise<void> {
  try {
    const out = await s.send(region, 'CancelQuery', (c, sig) => c.send(new CancelQueryCommand({ QueryId: queryId }), { abortSignal: sig }), AbortSignal.timeout(10_000));
    report.status = out.QueryStatus ?? 'CANCELLED';
  } catch (e) {
    s.log(`CloudTrail Lake: could not cancel query ${queryId}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
