// Trend Micro Cloud One Conformity as a live source: `GET /events` with the filter pushed down,
// pages streamed as batches. providers/ never imports vscode.
//
// LiveQuery.params (all optional): `accountIds` (comma list of Conformity account ids), `userIds`
// (comma list), `aws`, `azure`, `gcp`, `cc` ('true' / 'false', as Events.md documents them),
// `pageSize` (1–1000, default 1000).
import type { Dispatcher } from 'undici';
import { AuditEventBatch } from '../../core/eventBatch';
import type { RateLimiter } from '../../core/rateLimit';
import { drivePages } from '../paging';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery } from '../provider';
import { ConformityClient, conformityBaseUrl, limiterForKey, MAX_PAGE_SIZE, type EventsFilter } from './client';
import { extraFields, normalizeEvent } from './normalize';
import { pushDownText } from './pushdown';

export interface ConformityProviderOptions {
  /** The limiter for a key (default: one shared 1 request/second limiter per key). */
  limiter?: (apiKey: string) => RateLimiter;
  timeouts?: { connectMs?: number; readMs?: number; totalMs?: number };
  retries?: { max?: number; baseMs?: number; maxMs?: number; maxRetryAfterMs?: number };
  dispatcher?: Dispatcher;
  log?: (line: string) => void;
}

function accountLabel(account: AccountConfig): string {
  return account.region ? `${account.label} (${account.region})` : account.label;
}

function splitList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items.length ? items : undefined;
}

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new Error(`Conformity parameter must be true or false, not "${v}".`);
}

export function createConformityProvider(opts: ConformityProviderOptions = {}): LiveProvider {
  const client = (account: AccountConfig, secret: string): ConformityClient =>
    new ConformityClient({
      apiKey: secret,
      baseUrl: conformityBaseUrl(account.region, account.endpoint),
      account: accountLabel(account),
      limiter: (opts.limiter ?? limiterForKey)(secret),
      timeouts: opts.timeouts,
      retries: opts.retries,
      dispatcher: opts.dispatcher,
      log: opts.log,
    });

  return {
    id: 'conformity',
    displayName: 'Trend Micro Cloud One Conformity',

    async validate(account, secret, signal) {
      const c = client(account, secret);
      try {
        const page = await c.listAccounts(signal);
        const n = page.data.length;
        return `${n} ${n === 1 ? 'account' : 'accounts'}`;
      } finally {
        await c.close();
      }
    },

    async listScopes(account, secret, signal) {
      const c = client(account, secret);
      try {
        const page = await c.listAccounts(signal);
        return page.data.map((a) => ({
          id: a.id,
          label: a.attributes?.name || a.id,
          description: [a.attributes?.['cloud-type'], a.attributes?.environment, a.attributes?.['awsaccount-id']].filter(Boolean).join(' · '),
          params: { accountIds: a.id },
        }));
      } finally {
        await c.close();
      }
    },

    async fetch(account, secret, query: LiveQuery, sink, signal) {
      const pd = pushDownText(query.filter, { from: query.from, to: query.to });
      const params = query.params ?? {};
      const filter: EventsFilter = {
        ...pd.filter,
        aws: bool(params.aws),
        azure: bool(params.azure),
        gcp: bool(params.gcp),
        cc: bool(params.cc),
        userIds: splitList(params.userIds),
      };
      const pushDown = { sentToApi: [...pd.sentToApi], localFilter: pd.localFilter };
      const report: FetchReport = { pages: 0, events: 0, pushDown, cancelled: false };

      const paramAccounts = splitList(params.accountIds);
      if (paramAccounts) {
        // Both restrict exactly, so the intersection is what both ask for.
        filter.accountIds = pd.filter.accountIds ? paramAccounts.filter((a) => pd.filter.accountIds!.includes(a)) : paramAccounts;
        if (filter.accountIds.length === 0) return report; // nothing can match: no call at all
      }
      if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) return report;

      const pageSize = params.pageSize === undefined ? MAX_PAGE_SIZE : Number(params.pageSize);
      const source = accountLabel(account);
      const c = client(account, secret);
      try {
        await drivePages(c.listEvents(filter, { pageSize, signal }), report, sink, {
          signal,
          provider: 'Conformity',
          redact: (t) => c.http.redact(t),
          stopAfter: query.maxPages,
          toEvents: (page) => {
            const batch = new AuditEventBatch('conformity', source);
            for (const ev of page.data) batch.add(normalizeEvent(ev), JSON.stringify(ev), extraFields(ev));
            return batch;
          },
        });
      } finally {
        await c.close();
      }
      return report;
    },
  };
}

export const conformityProvider: LiveProvider = createConformityProvider();
