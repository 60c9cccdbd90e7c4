// An Athena query's lifecycle, modelled on CloudTrail Lake's (awsCloudtrail/lake.ts):
// StartQueryExecution → poll GetQueryExecution with backoff while QUEUED/RUNNING (reporting the data
// scanned so far) → SUCCEEDED: page GetQueryResults (the first row of the first page is the header)
// into event batches; FAILED/CANCELLED: an ApiError carrying Athena's StateChangeReason. Cancelling
// (the signal) or giving up waiting sends StopQueryExecution: a query left running keeps scanning S3,
// and Athena bills by bytes scanned. providers/ never imports vscode.
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  type GetQueryResultsCommandOutput,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import type { EventBatch } from '../../core/batch';
import { ApiError } from '../../core/errors';
import { describeQueryError, QueryError } from '../../core/query';
import { notePageProblems } from '../awsCloudtrail/records';
import { isRegionName, regionsOf } from '../awsCloudtrail/client';
import { drivePages, openForFetch, recordFetchEnd, tokenPages } from '../paging';
import type { AccountConfig, FetchProgress, FetchReport } from '../provider';
import type { AthenaSession } from './client';
import { AthenaNameError, checkIdentifier, cloudTrailTableDdl, type TableSpec } from './ddl';
import { ATHENA_PROVIDER_NAME, queryEndedError } from './errors';
import { AthenaRowBatch } from './records';
import { filterToSql, SqlTranslationError, type SqlTranslation } from './translate';
import { sleep } from '../../core/sleep';
import { formatBytes } from '../../core/formats';

export interface AthenaTarget {
  /** The database the query runs in (QueryExecutionContext). */
  database: string;
  /** Default: the workgroup's (usually `primary`). */
  workgroup?: string;
  /** s3://… for the results; default: the workgroup's configured location. */
  outputLocation?: string;
  /** Default: AwsDataCatalog. */
  catalog?: string;
  /** Default: the account's first Region. */
  region?: string;
  /** Endpoint override; default: the account's endpoint override, else Athena's public endpoint. */
  endpoint?: string;
}

export interface AthenaQuery extends AthenaTarget {
  sql: string;
  /** Rows per GetQueryResults page (1–1000; default 1000). */
  pageSize?: number;
  maxPages?: number;
}

export interface AthenaStats {
  dataScannedBytes: number;
  engineMs: number;
}

export interface AthenaSink {
  onBatch(batch: EventBatch, progress: FetchProgress): void;
  /** Each poll that changes the state or the bytes scanned. */
  onStatus?(state: string, stats: AthenaStats): void;
}

export interface AthenaReport extends FetchReport {
  queryExecutionId?: string;
  /** The last state Athena reported (SUCCEEDED, FAILED, CANCELLED, …). */
  state?: string;
  stateChangeReason?: string;
  dataScannedBytes?: number;
  engineMs?: number;
  /** Rows that are not events and were left out. */
  skipped: number;
  problems: string[];
}

export interface AthenaRunOptions {
  /** First wait between polls, ms (default 500); it grows ×1.5 up to `pollMaxMs` (default 5000). */
  pollMs?: number;
  pollMaxMs?: number;
  /** Give up waiting (and stop the query) after this long, ms (default 30 min, Athena's own DML timeout). */
  maxWaitMs?: number;
}

export type SessionFor = (account: AccountConfig, secret: string, region: string, endpoint?: string) => AthenaSession;

const WAITING = new Set(['QUEUED', 'RUNNING']);


function badRequest(message: string): ApiError {
  return new ApiError({ kind: 'bad-request', provider: ATHENA_PROVIDER_NAME, url: '', message });
}

function emptyReport(): AthenaReport {
  return { pages: 0, events: 0, pushDown: { sentToApi: ['SQL query'], localFilter: '' }, cancelled: false, skipped: 0, problems: [] };
}

/** The Region and a checked target, or the ApiError that says what is wrong with them. */
function checkTarget(account: AccountConfig, t: AthenaTarget): { region: string } | ApiError {
  const region = (t.region ?? regionsOf(account)[0]).trim().toLowerCase();
  if (!isRegionName(region)) return badRequest(`Not an AWS region name: ${JSON.stringify(region.slice(0, 40))}.`);
  try {
    checkIdentifier(t.database, 'database');
    if (t.catalog !== undefined) checkIdentifier(t.catalog.toLowerCase(), 'catalog');
  } catch (e) {
    return badRequest(e instanceof Error ? e.message : String(e));
  }
  if (t.workgroup !== undefined && !/^[a-zA-Z0-9._-]{1,128}$/.test(t.workgroup)) return badRequest(`The workgroup name ${JSON.stringify(t.workgroup.slice(0, 60))} is not valid (letters, digits, . _ -).`);
  if (t.outputLocation !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(t.outputLocation)) {
    return badRequest('The query results location should be an S3 URL such as s3://my-athena-results/cloudtrail/.');
  }
  return { region };
}

function statsOf(q: GetQueryExecutionCommandOutput['QueryExecution']): AthenaStats {
  return { dataScannedBytes: q?.Statistics?.DataScannedInBytes ?? 0, engineMs: q?.Statistics?.EngineExecutionTimeInMillis ?? 0 };
}

/**
 * Starts the statement and waits for a terminal state; returns the query id once SUCCEEDED, throws
 * ApiError otherwise (the report holds the id and last state either way).
 */
async function execute(
  s: AthenaSession,
  t: AthenaTarget,
  sql: string,
  opts: AthenaRunOptions,
  report: AthenaReport,
  onStatus: AthenaSink['onStatus'],
  signal: AbortSignal | undefined,
): Promise<string> {
  const input: StartQueryExecutionCommandInput = {
    QueryString: sql,
    QueryExecutionContext: { Database: t.database, ...(t.catalog ? { Catalog: t.catalog } : {}) },
    ...(t.workgroup ? { WorkGroup: t.workgroup } : {}),
    ...(t.outputLocation ? { ResultConfiguration: { OutputLocation: t.outputLocation } } : {}),
  };
  // The SDK fills ClientRequestToken once per call, so its retries cannot start the query twice.
  const started = await s.send('StartQueryExecution', (c, sig) => c.send(new StartQueryExecutionCommand(input), { abortSignal: sig }), signal, undefined, (o) => `query ${o.QueryExecutionId ?? '?'}`);
  const id = started.QueryExecutionId;
  if (!id) throw new ApiError({ kind: 'invalid-response', provider: ATHENA_PROVIDER_NAME, url: s.url, message: 'StartQueryExecution answered without a QueryExecutionId.' });
  report.queryExecutionId = id;
  report.state = 'QUEUED';

  let wait = opts.pollMs ?? 500;
  const maxWait = opts.pollMaxMs ?? 5000;
  const limit = opts.maxWaitMs ?? 30 * 60_000;
  const deadline = performance.now() + limit;
  let last = '';
  while (true) {
    const out = await s.send('GetQueryExecution', (c, sig) => c.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: sig }), signal, undefined, (o) => `state ${o.QueryExecution?.Status?.State ?? '?'}`);
    const q = out.QueryExecution;
    const state = q?.Status?.State ?? 'UNKNOWN';
    const stats = statsOf(q);
    report.state = state;
    report.dataScannedBytes = stats.dataScannedBytes;
    report.engineMs = stats.engineMs;
    const seen = `${state}/${stats.dataScannedBytes}`;
    if (seen !== last) {
      onStatus?.(state, stats);
      last = seen;
    }
    if (state === 'SUCCEEDED') return id;
    if (!WAITING.has(state)) {
      const reason = q?.Status?.StateChangeReason ?? q?.Status?.AthenaError?.ErrorMessage;
      if (reason) report.stateChangeReason = s.redact(reason);
      throw queryEndedError(state, report.stateChangeReason, id, s.url);
    }
    if (performance.now() + wait > deadline) {
      throw new ApiError({
        kind: 'timeout',
        provider: ATHENA_PROVIDER_NAME,
        url: s.url,
        message: `The Athena query ${id} was still ${state} after ${Math.round(limit / 1000)} s; it was stopped. Narrow the time range so fewer days of logs are scanned.`,
      });
    }
    await sleep(wait, signal);
    wait = Math.min(maxWait, Math.round(wait * 1.5));
  }
}

/** Best effort, with its own short deadline (the caller's signal is usually the aborted one). */
async function stop(s: AthenaSession, id: string, report: AthenaReport): Promise<void> {
  try {
    await s.send('StopQueryExecution', (c, sig) => c.send(new StopQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: sig }), AbortSignal.timeout(10_000));
    report.state = 'CANCELLED';
  } catch (e) {
    s.log(`Athena: could not stop query ${id}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** After an error or a cancel: stop the query if it may still be running on the AWS side. */
async function stopIfRunning(s: AthenaSession, report: AthenaReport): Promise<void> {
  const id = report.queryExecutionId;
  if (id && report.state !== undefined && WAITING.has(report.state)) await stop(s, id, report);
}

export async function runQuery(
  sessionFor: SessionFor,
  opts: AthenaRunOptions,
  account: AccountConfig,
  secret: string,
  query: AthenaQuery,
  sink: AthenaSink,
  signal?: AbortSignal,
): Promise<AthenaReport> {
  const report = emptyReport();
  const target = checkTarget(account, query);
  if (target instanceof ApiError) {
    report.stoppedBy = target;
    return report;
  }
  if (!query.sql || query.sql.trim() === '') {
    report.stoppedBy = badRequest('The Athena query is empty.');
    return report;
  }
  const pageSize = query.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    report.stoppedBy = badRequest('The Athena page size should be from 1 to 1000 rows.');
    return report;
  }
  const s = openForFetch(() => sessionFor(account, secret, target.region, query.endpoint ?? account.endpoint), report, signal, ATHENA_PROVIDER_NAME);
  if (!s) return report;
  try {
    const id = await execute(s, query, query.sql, opts, report, sink.onStatus, signal);
    const maxPages = query.maxPages ?? 10_000;
    const source = account.label || account.scope || account.id;
    let names: string[] | undefined;
    let row = 0;
    const pages = tokenPages<GetQueryResultsCommandOutput>({
      pagesSoFar: () => report.pages,
      maxPages,
      fetch: (token, page) => {
        const input = { QueryExecutionId: id, MaxResults: pageSize, ...(token ? { NextToken: token } : {}) };
        return s.send('GetQueryResults', (c, sig) => c.send(new GetQueryResultsCommand(input), { abortSignal: sig }), signal, page, (o) => `${o.ResultSet?.Rows?.length ?? 0} rows${o.NextToken ? ', more' : ''}`);
      },
      nextToken: (o) => o.NextToken,
      limitError: (page) =>
        new ApiError({
          kind: 'paging-loop',
          provider: ATHENA_PROVIDER_NAME,
          url: s.url,
          page,
          message: `Stopped after ${maxPages} pages of Athena results (the page limit); the pages loaded so far are kept. Lower the LIMIT or narrow the filter.`,
        }),
      loopError: (page) =>
        new ApiError({ kind: 'paging-loop', provider: ATHENA_PROVIDER_NAME, url: s.url, page, message: 'Athena sent a NextToken that repeats an earlier one; stopped paging to avoid a loop. The pages loaded so far are kept.' }),
    });
    const end = await drivePages(pages, report, sink, {
      signal,
      provider: ATHENA_PROVIDER_NAME,
      redact: s.redact,
      toEvents: (out, n) => {
        const rows = out.ResultSet?.Rows ?? [];
        let first = 0;
        if (names === undefined) {
          const info = out.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
          names = info.map((c) => c.Name ?? c.Label ?? '');
          const head = rows[0]?.Data?.map((d) => d.VarCharValue ?? '') ?? [];
          if (names.length === 0) names = head;
          // The header row comes first on the first page only; compared, not assumed, so a result
          // without it loses no event.
          if (head.length === names.length && head.every((h, i) => h.toLowerCase() === (names as string[])[i].toLowerCase())) first = 1;
        }
        const batch = new AthenaRowBatch(source);
        for (let i = first; i < rows.length; i++) {
          const cells = (rows[i].Data ?? []).map((d) => d.VarCharValue);
          batch.add(names, cells, row++);
        }
        notePageProblems(report, batch, `Athena query ${id} page ${n}`, (l) => s.log(l));
        return batch;
      },
    });
    if (end !== 'threw') s.log(`Athena query ${id}: ${report.events} events, ${report.dataScannedBytes ?? '?'} bytes scanned in ${report.engineMs ?? '?'} ms${report.skipped ? `, ${report.skipped} rows not events` : ''}`);
  } catch (e) {
    recordFetchEnd(report, e, signal, ATHENA_PROVIDER_NAME, s.redact);
    await stopIfRunning(s, report);
  } finally {
    s.close();
  }
  return report;
}

/** Runs one statement (DDL) to its end; no results are read. */
export async function runStatement(
  sessionFor: SessionFor,
  opts: AthenaRunOptions,
  account: AccountConfig,
  secret: string,
  target: AthenaTarget,
  sql: string,
  signal?: AbortSignal,
  onStatus?: AthenaSink['onStatus'],
): Promise<AthenaReport> {
  const report = emptyReport();
  const t = checkTarget(account, target);
  if (t instanceof ApiError) {
    report.stoppedBy = t;
    return report;
  }
  const s = openForFetch(() => sessionFor(account, secret, t.region, target.endpoint ?? account.endpoint), report, signal, ATHENA_PROVIDER_NAME);
  if (!s) return report;
  try {
    await execute(s, target, sql, opts, report, onStatus, signal);
  } catch (e) {
    recordFetchEnd(report, e, signal, ATHENA_PROVIDER_NAME, s.redact);
    await stopIfRunning(s, report);
  } finally {
    s.close();
  }
  return report;
}

/** The statements that set up the table, in order (shown to the user before they run). */
export function tableSetupStatements(spec: TableSpec): string[] {
  const db = checkIdentifier(spec.database, 'database');
  return [`CREATE DATABASE IF NOT EXISTS \`${db}\``, cloudTrailTableDdl(spec)];
}

export interface CreateTableReport {
  statements: string[];
  /** One report per statement run (stops at the first that fails). */
  runs: AthenaReport[];
  stoppedBy?: ApiError;
  cancelled: boolean;
}

export async function createTable(
  sessionFor: SessionFor,
  opts: AthenaRunOptions,
  account: AccountConfig,
  secret: string,
  spec: TableSpec & Omit<AthenaTarget, 'database'>,
  signal?: AbortSignal,
): Promise<CreateTableReport> {
  let statements: string[];
  try {
    statements = tableSetupStatements(spec);
  } catch (e) {
    return { statements: [], runs: [], cancelled: false, stoppedBy: badRequest(e instanceof Error ? e.message : String(e)) };
  }
  const out: CreateTableReport = { statements, runs: [], cancelled: false };
  for (const sql of statements) {
    const r = await runStatement(sessionFor, opts, account, secret, { ...spec, database: spec.database }, sql, signal);
    out.runs.push(r);
    if (r.stoppedBy || r.cancelled) {
      out.stoppedBy = r.stoppedBy;
      out.cancelled = r.cancelled;
      break;
    }
  }
  return out;
}

export interface AthenaFilterQuery extends AthenaTarget {
  /** The panel's filter text. */
  filter: string;
  /** `table` or `database.table`. */
  table: string;
  from?: number;
  to?: number;
  /** Default 10,000 rows. */
  limit?: number;
  maxPages?: number;
  now?: number;
}

export interface AthenaFilterReport extends AthenaReport {
  translation?: SqlTranslation;
}


/** The filter translated (filterToSql) and run; pushDown says what SQL did and what is left to filter here. */
export async function runFilter(
  sessionFor: SessionFor,
  opts: AthenaRunOptions,
  account: AccountConfig,
  secret: string,
  q: AthenaFilterQuery,
  sink: AthenaSink,
  signal?: AbortSignal,
): Promise<AthenaFilterReport> {
  let translation: SqlTranslation;
  try {
    translation = filterToSql(q.filter, { table: q.table, from: q.from, to: q.to, limit: q.limit ?? 10_000, now: q.now });
  } catch (e) {
    const report: AthenaFilterReport = emptyReport();
    const message =
      e instanceof QueryError ? describeQueryError(q.filter, e) : e instanceof AthenaNameError || e instanceof SqlTranslationError ? e.message : `The filter could not be translated to SQL (${String(e)}).`;
    report.stoppedBy = badRequest(message);
    return report;
  }
  const report: AthenaFilterReport = await runQuery(sessionFor, opts, account, secret, { ...q, sql: translation.sql }, sink, signal);
  report.translation = translation;
  const scanned = report.dataScannedBytes !== undefined ? ` (${formatBytes(report.dataScannedBytes)} scanned)` : '';
  report.pushDown = { sentToApi: [`Athena SQL${scanned}`, ...translation.translated], localFilter: translation.localFilter };
  return report;
}
