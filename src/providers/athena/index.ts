// Amazon Athena over a trail's S3 logs: the table DDL (ddl.ts), the panel's filter as SQL
// (translate.ts), and the query lifecycle whose rows become the same events as the log files
// (run.ts, records.ts). It uses the AWS account entries of the CloudTrail provider (the same stored
// secret, `region`, `endpoint`), so it is not a LiveProvider of its own: the caller wraps
// `runFilter` as one, the way the Lake command wraps Lake queries. providers/ never imports vscode.
import type { AccountConfig } from '../provider';
import { athenaSessionFactory, type AthenaClientOptions } from './client';
import type { TableSpec } from './ddl';
import {
  createTable,
  runFilter,
  runQuery,
  runStatement,
  type AthenaFilterQuery,
  type AthenaFilterReport,
  type AthenaQuery,
  type AthenaReport,
  type AthenaRunOptions,
  type AthenaSink,
  type AthenaTarget,
  type CreateTableReport,
} from './run';

export { AthenaNameError, checkBucket, checkIdentifier, checkPrefix, CLOUDTRAIL_COLUMNS, cloudTrailTableDdl, DEFAULT_REGIONS, SELECT_COLUMNS, tableReference, type TableSpec } from './ddl';
export { ATHENA_PROVIDER_NAME } from './errors';
export { athenaRowToRecord } from './records';
export { tableSetupStatements } from './run';
export type { AthenaFilterQuery, AthenaFilterReport, AthenaQuery, AthenaReport, AthenaRunOptions, AthenaSink, AthenaStats, AthenaTarget, CreateTableReport } from './run';
export { filterToSql, likePattern, sqlString, SqlTranslationError, type SqlOptions, type SqlTranslation } from './translate';

export interface AthenaOptions extends AthenaClientOptions, AthenaRunOptions {}

export interface Athena {
  /** Any SQL; rows are read as CloudTrail events (SELECT the table's columns). */
  runQuery(account: AccountConfig, secret: string, query: AthenaQuery, sink: AthenaSink, signal?: AbortSignal): Promise<AthenaReport>;
  /** The panel's filter translated to SQL over `table`, run, and the rest left in pushDown.localFilter. */
  runFilter(account: AccountConfig, secret: string, query: AthenaFilterQuery, sink: AthenaSink, signal?: AbortSignal): Promise<AthenaFilterReport>;
  /** One statement run to its end (no results read). */
  runStatement(account: AccountConfig, secret: string, target: AthenaTarget, sql: string, signal?: AbortSignal): Promise<AthenaReport>;
  /** CREATE DATABASE IF NOT EXISTS, then the table DDL (tableSetupStatements shows them first). */
  createTable(account: AccountConfig, secret: string, spec: TableSpec & Omit<AthenaTarget, 'database'>, signal?: AbortSignal): Promise<CreateTableReport>;
}

export function createAthena(opts: AthenaOptions = {}): Athena {
  const sessions = athenaSessionFactory(opts);
  return {
    runQuery: (account, secret, query, sink, signal) => runQuery(sessions, opts, account, secret, query, sink, signal),
    runFilter: (account, secret, query, sink, signal) => runFilter(sessions, opts, account, secret, query, sink, signal),
    runStatement: (account, secret, target, sql, signal) => runStatement(sessions, opts, account, secret, target, sql, signal),
    createTable: (account, secret, spec, signal) => createTable(sessions, opts, account, secret, spec, signal),
  };
}

const defaultAthena = createAthena();

/** Runs a query with the default options (for a logging instance use `createAthena({ log })`). */
export function runAthenaQuery(account: AccountConfig, secret: string, query: AthenaQuery, sink: AthenaSink, signal?: AbortSignal): Promise<AthenaReport> {
  return defaultAthena.runQuery(account, secret, query, sink, signal);
}
