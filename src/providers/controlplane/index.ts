// The Control Plane (cpln) audit trail as a live source. AccountConfig.scope is the org;
// AccountConfig.endpoint overrides https://audit.cpln.io. The secret is a service-account key or a
// user token (`cpln profile token`), sent as `Authorization: Bearer …`.
// LiveQuery.params: `pageSize` (default 100) and any documented query parameter (location,
// gvcAlias, podId, actionType, resourceType, fromEvent, toEvent, contextName, subjectName), which
// wins over what the filter pushed down. providers/ never imports vscode.
import type { Dispatcher } from 'undici';
import type { HttpClientOptions } from '../../core/http';
import { limiterPerAccount, pageBatch } from '../fetchSupport';
import { drivePages } from '../paging';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery } from '../provider';
import {
  createCplnHttpClient,
  DEFAULT_PAGE_SIZE,
  DEFAULT_RATE_PER_SECOND,
  firstRequest,
  isCplnParam,
  nextRequest,
  PROVIDER_NAME,
  type CplnParams,
} from './client';
import { extraFields, normalizeEvent } from './normalize';
import { pushDown } from './pushdown';
import { CplnAuditEvent, CplnQueryPage } from './schema';

export interface ControlPlaneProviderOptions {
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  timeouts?: HttpClientOptions['timeouts'];
  retries?: HttpClientOptions['retries'];
  /** Requests per second per account (default 5). */
  perSecond?: number;
  now?: () => number;
}

function accountLabel(account: AccountConfig): string {
  return account.label || account.scope || account.id;
}

export function createControlPlaneProvider(opts: ControlPlaneProviderOptions = {}): LiveProvider {
  const limiterFor = limiterPerAccount(opts.perSecond ?? DEFAULT_RATE_PER_SECOND, 2);
  const client = (account: AccountConfig, secret: string) =>
    createCplnHttpClient({
      endpoint: account.endpoint,
      account: accountLabel(account),
      secret,
      limiter: limiterFor(account),
      log: opts.log,
      dispatcher: opts.dispatcher,
      timeouts: opts.timeouts,
      retries: opts.retries,
    });

  return {
    id: 'controlplane',
    displayName: PROVIDER_NAME,

    async validate(account, secret, signal) {
      const org = account.scope ?? '';
      const http = client(account, secret);
      try {
        const page = await http.getJson(firstRequest(org, {}).path, { pageSize: 1 }, CplnQueryPage, { signal });
        return `Control Plane org ${org}: the key can read its audit trail (${page.items.length ? 'events found' : 'no events in the default window'}).`;
      } finally {
        await http.close();
      }
    },

    async fetch(account, secret, query: LiveQuery, sink, signal) {
      const pd = pushDown(query.filter, { from: query.from, to: query.to }, opts.now?.() ?? Date.now());
      const params: CplnParams = { ...pd.params, pageSize: String(DEFAULT_PAGE_SIZE) };
      for (const [k, v] of Object.entries(query.params ?? {})) if (isCplnParam(k) && k !== 'page') params[k] = v;
      const report: FetchReport = { pages: 0, events: 0, pushDown: { sentToApi: pd.sentToApi, localFilter: pd.localFilter }, cancelled: false };
      const org = account.scope ?? '';
      const source = accountLabel(account);
      const http = client(account, secret);
      try {
        const first = firstRequest(org, params);
        const pages = http.paginate(first, CplnQueryPage, (p, info) => nextRequest(p, info.request), { signal, maxPages: query.maxPages });
        await drivePages(pages, report, sink, {
          signal,
          provider: PROVIDER_NAME,
          redact: (t) => http.redact(t),
          toEvents: (page, n) => {
            const { batch, skipped } = pageBatch('controlplane', source, page.items, CplnAuditEvent, normalizeEvent, extraFields);
            if (skipped) opts.log?.(`Control Plane: skipped ${skipped} item(s) on page ${n} that are not audit events`);
            return batch;
          },
        });
      } finally {
        await http.close();
      }
      return report;
    },
  };
}

export const controlPlaneProvider: LiveProvider = createControlPlaneProvider();
