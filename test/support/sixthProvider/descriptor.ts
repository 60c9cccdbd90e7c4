/**
 * A sixth live provider that exists only in the tests: one folder (this descriptor and its API,
 * api.ts) and one registry line (test/e2e/sixth/providers.ts). It proves that Add Account, the
 * Sources tree, the panel and the CLI's fetch and help pick a provider up from the list alone,
 * with no other source file changed (test/e2e/sixth.e2e.mjs, test/unit/sixthProvider.test.ts).
 *
 * Its API: GET v1/tenants/{tenant} (who the token is) and GET v1/tenants/{tenant}/events
 * ?since&until&verb&cursor → { items, next }, with `Authorization: Bearer <token>`.
 */
import { z } from 'zod';
import type { AuditEvent } from '../../../src/core/event';
import { HttpClient } from '../../../src/core/http';
import { defineProvider, type ProviderOptions } from '../../../src/providers/descriptor';
import { pageBatch } from '../../../src/providers/fetchSupport';
import { drivePages } from '../../../src/providers/paging';
import type { AccountConfig, FetchReport, LiveProvider } from '../../../src/providers/provider';

export const SIXTH_ID = 'sixth';
export const SIXTH_NAME = 'Sixth Audit API';
export const SIXTH_SITES = ['north', 'south', 'east'] as const;
export const SIXTH_TOKEN_ENV = 'SIXTH_API_TOKEN';

export const SixthEvent = z.object({
  uid: z.string(),
  at: z.string(),
  verb: z.string(),
  who: z.string(),
  site: z.string(),
  ok: z.boolean(),
  ip: z.string().optional(),
});
export type SixthEvent = z.infer<typeof SixthEvent>;

const Page = z.object({ items: z.array(z.unknown()), next: z.string().nullable() });
const Tenant = z.object({ tenant: z.string(), events: z.number() });

function normalize(tenant: string): (ev: SixthEvent) => AuditEvent {
  return (ev) => ({
    id: ev.uid,
    time: Date.parse(ev.at),
    provider: SIXTH_ID,
    account: tenant,
    action: ev.verb,
    actor: ev.who,
    region: ev.site,
    ...(ev.ip ? { sourceIp: ev.ip } : {}),
    outcome: ev.ok ? 'success' : 'failure',
    raw: ev,
  });
}

/** `action:<word>` alone goes to the API as `verb`; anything else is applied locally. */
function pushDown(filter: string): { verb?: string; sentToApi: string[]; localFilter: string } {
  const m = /^\s*action:([a-z]+)\s*$/i.exec(filter);
  return m ? { verb: m[1].toLowerCase(), sentToApi: ['time range', `action: ${m[1].toLowerCase()}`], localFilter: '' } : { sentToApi: ['time range'], localFilter: filter };
}

function createSixthProvider(opts: ProviderOptions): LiveProvider {
  const client = (account: AccountConfig, secret: string) =>
    new HttpClient({
      provider: SIXTH_NAME,
      account: account.label,
      baseUrl: account.endpoint || `https://${account.region ?? SIXTH_SITES[0]}.sixth.invalid`,
      secrets: [secret],
      authorize: () => ({ authorization: `Bearer ${secret}` }),
      log: opts.log,
      retries: { max: 0 },
    });
  return {
    id: SIXTH_ID,
    displayName: SIXTH_NAME,
    async validate(account, secret, signal) {
      const http = client(account, secret);
      try {
        const t = await http.getJson(`v1/tenants/${encodeURIComponent(account.scope ?? '')}`, undefined, Tenant, { signal });
        return `tenant ${t.tenant}: ${t.events} events`;
      } finally {
        await http.close();
      }
    },
    async fetch(account, secret, query, sink, signal) {
      const pd = pushDown(query.filter);
      const report: FetchReport = { pages: 0, events: 0, pushDown: { sentToApi: pd.sentToApi, localFilter: pd.localFilter }, cancelled: false };
      const tenant = account.scope ?? '';
      const http = client(account, secret);
      const params: Record<string, string> = {
        ...(query.from !== undefined ? { since: String(query.from) } : {}),
        ...(query.to !== undefined ? { until: String(query.to) } : {}),
        ...(pd.verb ? { verb: pd.verb } : {}),
        ...query.params,
      };
      const path = `v1/tenants/${encodeURIComponent(tenant)}/events`;
      try {
        const pages = http.paginate({ method: 'GET', path, query: params }, Page, (p) => (p.next ? { method: 'GET', path, query: { ...params, cursor: p.next } } : undefined), { signal, maxPages: query.maxPages });
        await drivePages(pages, report, sink, {
          signal,
          provider: SIXTH_NAME,
          redact: (t) => http.redact(t),
          toEvents: (page) => pageBatch(SIXTH_ID, account.label, page.items, SixthEvent, normalize(tenant), () => ({})).batch,
        });
      } finally {
        await http.close();
      }
      return report;
    },
  };
}

export const sixthDescriptor = defineProvider({
  id: SIXTH_ID,
  displayName: SIXTH_NAME,
  credentialKinds: ['API token'],
  account: {
    regionPrompt: { title: 'Sixth site the tenant lives on', items: SIXTH_SITES },
    scopePrompt: { title: 'Sixth tenant', placeholder: 'acme' },
    defaultEndpoint: (site) => `https://${site ?? SIXTH_SITES[0]}.sixth.invalid`,
    secretPrompt: 'Sixth API token (kept in VS Code secret storage)',
  },
  cli: {
    env: [SIXTH_TOKEN_ENV],
    secret: (env) => env[SIXTH_TOKEN_ENV] || undefined,
    flags: [
      { name: 'site', value: 'S', to: 'region', help: `the site (${SIXTH_SITES.join(', ')})` },
      { name: 'tenant', value: 'T', to: 'scope', help: 'the tenant' },
      { name: 'verb', value: 'V', to: { param: 'verb' }, help: 'only events with this verb (asked of the API)' },
    ],
  },
  capabilities: { pushDown: true, scopes: false, aggregates: false, writes: false, location: 'region' },
  create: (opts) => createSixthProvider(opts),
});
