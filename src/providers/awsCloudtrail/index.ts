// Live AWS CloudTrail: the event history (LookupEvents) of one account, in one or more regions, and
// CloudTrail Lake SQL queries (lake.ts). providers/ never imports vscode.
//
// AccountConfig: `region` is one region or a comma list (every query covers each of them, one after
// another); `endpoint` overrides the SDK's endpoint (proxies, VPC endpoints, tests); `scope`, when a
// 12-digit AWS account id, is the account for records that do not name one.
// Secret: see credentials.ts (a profile name, the default chain, or access keys, as JSON).
// LiveQuery.params: `regions` (comma list) overrides the account's regions.
//
// Results are the same records as CloudTrail log files (records.ts), so everything the panel does
// with files works on them. A `CloudTrailEvent` string that is not valid JSON is skipped: each page
// logs which ones and why, and the report's `problems` lists them (see AwsFetchReport).
import { LookupEventsCommand, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { ApiError } from '../../core/errors';
import { drivePages, openForFetch, tokenPages, type PagingEnd } from '../paging';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery, Scope } from '../provider';
import { isRegionName, regionsOf, sessionFactory, type AwsClientOptions, type AwsSession } from './client';
import { describeCredentials, PROVIDER_NAME } from './credentials';
import { toApiError } from './errors';
import { runLake, type LakeOptions, type LakeQuery, type LakeReport, type LakeSink } from './lake';
import { pushDown } from './pushdown';
import { LiveCloudTrailBatch, notePageProblems } from './records';

export { awsSecretFromEnv, credentialsFor, decodeAwsCredentials, encodeAwsCredentials, PROVIDER_NAME, type AwsCredentials } from './credentials';
export { DEFAULT_RATE_PER_SECOND, DEFAULT_REGION, regionsOf } from './client';
export type { LakeQuery, LakeReport, LakeSink } from './lake';
export { pushDown as lookupPushDown } from './pushdown';

/** LookupEvents' largest page. */
export const PAGE_SIZE = 50;

export interface AwsCloudTrailProviderOptions extends AwsClientOptions, LakeOptions {}

/** FetchReport plus what was skipped: records the API sent that could not be read. */
export interface AwsFetchReport extends FetchReport {
  /** Events left out because their CloudTrailEvent is not valid JSON or not a record. */
  skipped: number;
  /** One line per page that skipped something (first MAX_PROBLEMS). */
  problems: string[];
  /** The regions queried, in order. */
  regions: string[];
}

export interface AwsCloudTrailProvider extends LiveProvider {
  fetch(
    account: AccountConfig,
    secret: string,
    query: LiveQuery,
    sink: Parameters<LiveProvider['fetch']>[3],
    signal?: AbortSignal,
  ): Promise<AwsFetchReport>;
  /** A CloudTrail Lake SQL query (StartQuery → poll → GetQueryResults pages). */
  runLakeQuery(account: AccountConfig, secret: string, query: LakeQuery, sink: LakeSink, signal?: AbortSignal): Promise<LakeReport>;
}

function accountLabel(account: AccountConfig): string {
  return account.label || account.scope || account.id;
}

function hintsFor(account: AccountConfig, region: string): { account?: string; region: string } {
  return account.scope && /^\d{12}$/.test(account.scope) ? { account: account.scope, region } : { region };
}

function badRegions(regions: string[]): ApiError | undefined {
  const bad = regions.filter((r) => !isRegionName(r));
  if (bad.length === 0) return undefined;
  return new ApiError({
    kind: 'bad-request',
    provider: PROVIDER_NAME,
    url: '',
    message: `Not an AWS region name: ${bad.map((r) => JSON.stringify(r.slice(0, 40))).join(', ')}. Use names like us-east-1 or eu-west-1, separated by commas.`,
  });
}

function pagingLimit(maxPages: number, region: string, url: string, page: number): ApiError {
  return new ApiError({
    kind: 'paging-loop',
    provider: PROVIDER_NAME,
    url,
    page,
    message: `Stopped after ${maxPages} pages from ${PROVIDER_NAME} (the page limit), while reading ${region}; the pages loaded so far are kept. Narrow the time range or filters to load less.`,
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function createAwsCloudTrailProvider(opts: AwsCloudTrailProviderOptions = {}): AwsCloudTrailProvider {
  const session = sessionFactory(opts);
  const now = () => opts.now?.() ?? Date.now();

  /** Opens a session, turning an unusable secret into the ApiError it throws. */
  function open(account: AccountConfig, secret: string): AwsSession {
    return session(account, secret);
  }

  return {
    id: 'cloudtrail',
    displayName: PROVIDER_NAME,

    async listScopes(account): Promise<Scope[]> {
      return regionsOf(account).map((r) => ({ id: r, label: r, description: 'event history (LookupEvents)', params: { regions: r } }));
    },

    async validate(account, secret, signal) {
      const regions = regionsOf(account);
      const bad = badRegions(regions);
      if (bad) throw bad;
      const s = open(account, secret);
      const region = regions[0];
      try {
        let keyId: string;
        try {
          keyId = await s.identity();
        } catch (e) {
          throw toApiError(e, { operation: 'LookupEvents', region, url: s.url(region), credentials: s.creds, redact: s.redact });
        }
        const out = await s.send(region, 'LookupEvents', (c, sig) => c.send(new LookupEventsCommand({ MaxResults: 1 }), { abortSignal: sig }), signal);
        const who = s.creds.type === 'keys' ? `access key ${keyId}` : `${describeCredentials(s.creds)} (access key ${keyId})`;
        const seen = (out.Events?.length ?? 0) > 0 ? 'events found' : 'no events in the last 90 days';
        return `${PROVIDER_NAME}: ${who} can read the event history in ${region} (${seen}).`;
      } finally {
        s.close();
      }
    },

    async fetch(account, secret, query, sink, signal): Promise<AwsFetchReport> {
      const t0 = now();
      const pd = pushDown(query.filter, { from: query.from, to: query.to }, t0);
      const regions = regionsOf(account, query.params);
      const report: AwsFetchReport = {
        pages: 0,
        events: 0,
        pushDown: { sentToApi: pd.sentToApi, localFilter: pd.localFilter },
        cancelled: false,
        skipped: 0,
        problems: [],
        regions,
      };
      const bad = badRegions(regions);
      if (bad) {
        report.stoppedBy = bad;
        return report;
      }
      if (pd.outsideRetention) {
        report.stoppedBy = new ApiError({
          kind: 'bad-request',
          provider: PROVIDER_NAME,
          url: '',
          message: `The time range ends ${iso(pd.endTime)}, before the 90 days LookupEvents keeps. For older events query the trail's log files in S3 (Open CloudTrail Logs…) or CloudTrail Lake.`,
        });
        return report;
      }
      const s = openForFetch(() => open(account, secret), report, signal, PROVIDER_NAME);
      if (!s) return report;
      if (pd.clampedFrom !== undefined) {
        s.log(`${PROVIDER_NAME}: LookupEvents keeps only the last 90 days: the start ${iso(pd.clampedFrom)} was moved to ${iso(pd.startTime)}`);
      }
      const maxPages = query.maxPages ?? 10_000;
      const source = accountLabel(account);
      // One sequence of pages per region, counted and limited over the whole fetch.
      const allRegions = async function* (): AsyncGenerator<{ region: string; inRegion: number; out: LookupEventsCommandOutput }, void, undefined> {
        for (const region of regions) {
          const input = {
            StartTime: new Date(pd.startTime),
            EndTime: new Date(pd.endTime),
            MaxResults: PAGE_SIZE,
            ...(pd.attribute ? { LookupAttributes: [pd.attribute] } : {}),
          };
          let inRegion = 0;
          const pages = tokenPages<LookupEventsCommandOutput>({
            pagesSoFar: () => report.pages,
            maxPages,
            fetch: (token, page, n) => {
              inRegion = n;
              const withToken = token ? { ...input, NextToken: token } : input;
              return s.send(region, 'LookupEvents', (c, sig) => c.send(new LookupEventsCommand(withToken), { abortSignal: sig }), signal, page, (o) => `${o.Events?.length ?? 0} events${o.NextToken ? ', more' : ''}`);
            },
            nextToken: (o) => o.NextToken,
            limitError: (page) => pagingLimit(maxPages, region, s.url(region), page),
            loopError: (page, n) =>
              new ApiError({
                kind: 'paging-loop',
                provider: PROVIDER_NAME,
                url: s.url(region),
                page,
                message: `${PROVIDER_NAME} sent a NextToken in ${region} that repeats an earlier one (page ${n}); stopped paging to avoid a loop. The pages loaded so far are kept.`,
              }),
          });
          for await (const out of pages) yield { region, inRegion, out };
        }
      };
      let end: PagingEnd;
      try {
        end = await drivePages(allRegions(), report, sink, {
          signal,
          provider: PROVIDER_NAME,
          redact: s.redact,
          toEvents: ({ region, inRegion, out }) => {
            const batch = new LiveCloudTrailBatch(source, hintsFor(account, region));
            for (const ev of out.Events ?? []) batch.addEventJson(ev.CloudTrailEvent, ev.EventId ?? '(no EventId)');
            notePageProblems(report, batch, `${PROVIDER_NAME} ${region} page ${inRegion}`, (l) => s.log(l));
            return batch;
          },
        });
      } finally {
        s.close();
      }
      if (report.skipped > 0 && end !== 'cancelled') s.log(`${PROVIDER_NAME}: ${report.skipped} event(s) in total were skipped because their CloudTrailEvent could not be read`);
      return report;
    },

    runLakeQuery(account, secret, query, sink, signal) {
      return runLake(session, opts, account, secret, query, sink, signal);
    },
  };
}

export const awsCloudTrailProvider: AwsCloudTrailProvider = createAwsCloudTrailProvider();

/**
 * Runs a CloudTrail Lake query with the default provider's limiter and options. For a logging
 * provider use `createAwsCloudTrailProvider({ log }).runLakeQuery`.
 */
export function runLakeQuery(account: AccountConfig, secret: string, query: LakeQuery, sink: LakeSink, signal?: AbortSignal): Promise<LakeReport> {
  return awsCloudTrailProvider.runLakeQuery(account, secret, query, sink, signal);
}
