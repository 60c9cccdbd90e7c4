/**
 * The live sources a panel session fetches from, as one discriminated union: an API account (any
 * LiveProvider), a CloudTrail Lake SQL query and an Athena SQL query. Lake and Athena are kinds of
 * their own rather than providers in disguise: they have no `validate`, no expand or actions, and
 * their SQL is fixed (a new filter only applies to what was fetched).
 *
 * One key function (`liveSourceKey`) names a source in the session's registry, in the SourceSet's
 * source list (`SourceInfo.path`) and in the webview's `LiveActionParams.sourcePath`.
 */
import { formatBytes } from '../core/bytes';
import type { AccountConfig, FetchProgress, FetchReport, LiveProvider, LiveQuery } from '../providers/provider';
import type { EventBatch } from '../core/batch';
import type { AwsCloudTrailProvider, LakeQuery, LakeReport } from '../providers/awsCloudtrail/index';
import type { Athena, AthenaQuery, AthenaReport, AthenaStats } from '../providers/athena/index';

interface Credentials {
  account: AccountConfig;
  /** Never shown: errors that may hold it are redacted with it. */
  secret: string;
  /** What was asked; for Lake and Athena only `filter` (applied here) and `maxPages` mean something. */
  query: LiveQuery;
}

export interface ApiSource extends Credentials {
  kind: 'api';
  provider: LiveProvider;
}

export interface LakeSource extends Credentials {
  kind: 'lake';
  lake: Pick<AwsCloudTrailProvider, 'runLakeQuery'>;
  sql: Omit<LakeQuery, 'maxPages'>;
}

export interface AthenaSource extends Credentials {
  kind: 'athena';
  athena: Pick<Athena, 'runQuery'>;
  sql: AthenaQuery;
  /** Each poll that changes Athena's state or the bytes scanned (before there are pages to count). */
  onStatus?(state: string, stats: AthenaStats): void;
}

export type LiveSource = ApiSource | LakeSource | AthenaSource;

/** A live source's name in the session: `<provider id>:<account id>`, `lake:<account id>` or `athena:<account id>`. */
export type LiveSourceKey = `${string}:${string}`;

export function liveSourceKey(s: Pick<ApiSource, 'kind' | 'provider' | 'account'> | Pick<LakeSource | AthenaSource, 'kind' | 'account'>): LiveSourceKey {
  return s.kind === 'api' ? `${s.provider.id}:${s.account.id}` : `${s.kind}:${s.account.id}`;
}

/** The name the live strip, the log and the tree give it. */
export function liveSourceName(s: LiveSource): string {
  return s.kind === 'api' ? s.provider.displayName : s.kind === 'lake' ? 'CloudTrail Lake' : 'Amazon Athena';
}

/** False when the query is fixed SQL: fetching again with a new filter would only rerun (and pay for) it. */
export function refetchable(s: LiveSource): boolean {
  return s.kind === 'api' && s.provider.fixedQuery !== true;
}

export interface LiveSink {
  onBatch(batch: EventBatch, progress: FetchProgress): void;
}

/** Runs a source's fetch; the kind's own report comes back (Lake: query id and bytes scanned; Athena: its state). */
export type LiveRunner<R extends FetchReport> = (sink: LiveSink, signal: AbortSignal) => Promise<R>;

export function apiRunner(s: ApiSource): LiveRunner<FetchReport> {
  return (sink, signal) => s.provider.fetch(s.account, s.secret, s.query, sink, signal);
}

export function lakeRunner(s: LakeSource): LiveRunner<LakeReport> {
  return async (sink, signal) => {
    const report = await s.lake.runLakeQuery(s.account, s.secret, { ...s.sql, maxPages: s.query.maxPages }, sink, signal);
    const scanned = report.statistics.bytesScanned;
    report.pushDown = { sentToApi: [scanned === undefined ? 'SQL query' : `SQL query (${formatBytes(scanned)} scanned)`], localFilter: s.query.filter };
    return report;
  };
}

export function athenaRunner(s: AthenaSource): LiveRunner<AthenaReport> {
  return async (sink, signal) => {
    const report = await s.athena.runQuery(s.account, s.secret, s.sql, { onBatch: (b, p) => sink.onBatch(b, p), ...(s.onStatus ? { onStatus: s.onStatus } : {}) }, signal);
    const scanned = report.dataScannedBytes === undefined ? '?' : formatBytes(report.dataScannedBytes);
    report.pushDown = { sentToApi: [`Athena SQL (${scanned} scanned)`, ...report.pushDown.sentToApi.filter((x) => !/^(Athena SQL|SQL query)/.test(x))], localFilter: s.query.filter };
    return report;
  };
}

export function runnerOf(s: LiveSource): LiveRunner<FetchReport> {
  switch (s.kind) {
    case 'api':
      return apiRunner(s);
    case 'lake':
      return lakeRunner(s);
    case 'athena':
      return athenaRunner(s);
  }
}
