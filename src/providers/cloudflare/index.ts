// Cloudflare Cloudforce One threat events as a live source. AccountConfig.scope is the Cloudflare
// account id; AccountConfig.endpoint overrides https://api.cloudflare.com/client/v4. The secret is
// an API token with "Cloudforce One Read", sent as `Authorization: Bearer …`.
// LiveQuery.params:
//   datasetId  comma-separated dataset UUIDs (or `all`, `analytics`, `operational`); without it the
//              filter's `dataset:`/`account:` terms pick datasets, else the API's default dataset
//   pageSize   1–25,000 (default 1000)
//   orderBy    an event field, e.g. `date`;  order  `asc` | `desc`
// providers/ never imports vscode.
import * as l10n from '@vscode/l10n';
import type { Dispatcher } from 'undici';
import { ApiError, isApiError, redact } from '../../core/errors';
import type { HttpClientOptions } from '../../core/http';
import { limiterPerAccount, pageBatch } from '../fetchSupport';
import { drivePages, recordFetchEnd } from '../paging';
import type { AccountConfig, DetailSection, FetchReport, LiveProvider, LiveQuery, Scope, ServerAggregate } from '../provider';
import {
  bareToken,
  createCloudflareApi,
  DEFAULT_PAGE_SIZE,
  DEFAULT_RATE_PER_SECOND,
  listDatasets,
  listEventPages,
  listRelationships,
  readEvent,
  readRawEvent,
  MAX_PAGE_SIZE,
  PROVIDER_NAME,
  type CfApi,
  type ListMethod,
  type ListParams,
} from './client';
import { aggregateFacets, aggregateHistogram } from './aggregate';
import { extraFields, normalizeEvent } from './normalize';
import { addEventTags, createSavedQuery, removeEventTags } from './writes';
import { pushDownText } from './pushdown';
import { CfThreatEvent, type CfDataset } from './schema';

export const DISPLAY_NAME = 'Cloudflare Cloudforce One';

export interface CloudflareProviderOptions {
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  timeouts?: HttpClientOptions['timeouts'];
  retries?: HttpClientOptions['retries'];
  /** Requests per second per account (default 2; Cloudflare allows 1200 / 5 min per user). */
  perSecond?: number;
  now?: () => number;
  /** How lists are sent (see client.ts); default 'auto'. */
  listMethod?: ListMethod;
}

function accountLabel(account: AccountConfig): string {
  return account.label || account.scope || account.id;
}

/** LiveQuery.params → list parameters; unknown names are ignored, bad values said plainly. */
export function paramsFromQuery(params: Record<string, string> | undefined): Pick<ListParams, 'datasetId' | 'pageSize' | 'orderBy' | 'order'> {
  const out: Pick<ListParams, 'datasetId' | 'pageSize' | 'orderBy' | 'order'> = { pageSize: DEFAULT_PAGE_SIZE };
  const p = params ?? {};
  if (p.datasetId !== undefined) {
    const ids = p.datasetId.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length) out.datasetId = ids;
  }
  if (p.pageSize !== undefined && p.pageSize.trim() !== '') {
    const n = Number(p.pageSize);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw badParam(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, not "${p.pageSize}".`);
    out.pageSize = n;
  }
  if (p.orderBy !== undefined && p.orderBy.trim() !== '') out.orderBy = p.orderBy.trim();
  if (p.order !== undefined && p.order.trim() !== '') {
    const o = p.order.trim().toLowerCase();
    if (o !== 'asc' && o !== 'desc') throw badParam(`order must be "asc" or "desc", not "${p.order}".`);
    out.order = o;
  }
  return out;
}

function badParam(message: string): ApiError {
  return new ApiError({ kind: 'bad-request', provider: PROVIDER_NAME, url: '', message });
}

/** A dataset as a scope: "public, analytics" / "deleted 2025-01-02" and so on. */
export function datasetScope(d: CfDataset): Scope {
  const notes: string[] = [];
  if (d.deletedAt) notes.push(`deleted ${d.deletedAt.slice(0, 10)}`);
  notes.push(d.isPublic ? 'public' : 'private');
  if (d.isAnalytics) notes.push('analytics');
  if (d.indicatorWriteMode) notes.push(`indicators ${d.indicatorWriteMode.replace(/_/g, ' ')}`);
  return { id: d.uuid, label: d.name || d.uuid, description: notes.join(', '), params: { datasetId: d.uuid } };
}

export function createCloudflareProvider(opts: CloudflareProviderOptions = {}): LiveProvider {
  const limiterFor = limiterPerAccount(opts.perSecond ?? DEFAULT_RATE_PER_SECOND, 4);
  const apiFor = (account: AccountConfig, secret: string): CfApi =>
    createCloudflareApi({
      accountId: account.scope ?? '',
      secret,
      endpoint: account.endpoint,
      account: accountLabel(account),
      limiter: limiterFor(account),
      log: opts.log,
      dispatcher: opts.dispatcher,
      timeouts: opts.timeouts,
      retries: opts.retries,
      listMethod: opts.listMethod,
    });

  return {
    id: 'cloudflare',
    displayName: DISPLAY_NAME,

    async validate(account, secret, signal) {
      const api = apiFor(account, secret);
      try {
        const datasets = await listDatasets(api, {}, { signal });
        const n = datasets.length;
        return `Cloudflare account ${api.accountId}: the token can read Cloudforce One threat events (${n} dataset${n === 1 ? '' : 's'}).`;
      } finally {
        await api.close();
      }
    },

    async listScopes(account, secret, signal) {
      const api = apiFor(account, secret);
      try {
        const datasets = await listDatasets(api, { includeDeleted: true }, { signal });
        // Live datasets first: a deleted one is listed so its events can still be recognised.
        const sorted = [...datasets].sort((a, b) => Number(Boolean(a.deletedAt)) - Number(Boolean(b.deletedAt)) || (a.name ?? '').localeCompare(b.name ?? ''));
        return sorted.map(datasetScope);
      } finally {
        await api.close();
      }
    },

    async fetch(account, secret, query: LiveQuery, sink, signal) {
      // A filter that does not parse throws QueryError before anything is sent, as for the other providers.
      const fixed = (query.params?.datasetId ?? '').trim() !== '';
      const pd = pushDownText(query.filter, { from: query.from, to: query.to, now: opts.now?.() ?? Date.now(), datasetFixed: fixed });
      const report: FetchReport = { pages: 0, events: 0, pushDown: { sentToApi: pd.sentToApi, localFilter: pd.localFilter }, cancelled: false };
      let api: CfApi | undefined;
      try {
        const base = paramsFromQuery(query.params);
        const params: ListParams = { ...base, page: 1, datasetId: base.datasetId ?? pd.datasetId, search: pd.search.length ? pd.search : undefined };
        api = apiFor(account, secret);
        const source = accountLabel(account);
        await drivePages(listEventPages(api, params, { signal, maxPages: query.maxPages }), report, sink, {
          signal,
          provider: PROVIDER_NAME,
          redact: (t) => redact(t, [secret, bareToken(secret)]),
          // The empty page that ends a list of exactly N full pages adds nothing to show.
          pushEmptyPages: false,
          toEvents: (page, n) => {
            const { batch, skipped } = pageBatch('cloudflare', source, page.items, CfThreatEvent, normalizeEvent, extraFields);
            if (skipped) opts.log?.(`Cloudflare: skipped ${skipped} item(s) on page ${n} that are not threat events`);
            return batch;
          },
        });
      } catch (e) {
        recordFetchEnd(report, e, signal, PROVIDER_NAME, (t) => redact(t, [secret, bareToken(secret)]));
      } finally {
        await api?.close();
      }
      return report;
    },

    async expandEvent(account, secret, event, signal) {
      const { datasetId, eventId } = eventRef(event);
      const api = apiFor(account, secret);
      // Each view is asked on its own: one the token may not read does not hide the others.
      const section = async (title: string, get: () => Promise<unknown>): Promise<DetailSection> => {
        try {
          return { title, json: await get() };
        } catch (e) {
          if (isApiError(e) && e.kind === 'cancelled') throw e;
          return { title: `${title} (not available)`, json: isApiError(e) ? e.message : redact(String(e), [secret, bareToken(secret)]) };
        }
      };
      try {
        return [
          await section('Event (read by id)', () => readEvent(api, datasetId, eventId, { signal, fallbackToDeprecated: true })),
          await section('Raw data', () => readRawEvent(api, datasetId, eventId, { signal })),
          await section('Related events', () => listRelationships(api, eventId, { datasetId, direction: 'both', pageSize: 50 }, { signal })),
        ];
      } finally {
        await api.close();
      }
    },

    async aggregate(account, secret, query, signal) {
      const fixed = (query.params?.datasetId ?? '').trim() !== '';
      const pd = pushDownText(query.filter, { from: query.from, to: query.to, now: opts.now?.() ?? Date.now(), datasetFixed: fixed });
      const datasetId = paramsFromQuery(query.params).datasetId ?? pd.datasetId;
      const scope = { datasetId, from: query.from, to: query.to };
      const api = apiFor(account, secret);
      try {
        const byColumn = await aggregateFacets(api, Object.values(AGGREGATE_FACETS), { ...scope, limit: 20 }, { signal });
        const facets: ServerAggregate['facets'] = {};
        for (const [field, column] of Object.entries(AGGREGATE_FACETS)) facets[field] = byColumn[column] ?? [];
        const days = await aggregateHistogram(api, scope, { signal });
        const buckets = days.map((d) => ({ time: Date.parse(`${d.date.slice(0, 10)}T00:00:00Z`), count: d.count })).filter((b) => Number.isFinite(b.time));
        const range = [query.from, query.to].map((t) => (t === undefined ? '…' : new Date(t).toISOString().slice(0, 10))).join(' to ');
        const where = datasetId?.length ? (datasetId.length === 1 ? l10n.t('dataset {0}', datasetId.join(', ')) : l10n.t('datasets {0}', datasetId.join(', '))) : l10n.t('the default dataset');
        return {
          note: l10n.t('Counted by Cloudflare over every event in {0}, {1} (whole days). The API counts by dataset and date only: the other filter terms are not applied to these counts.', where, range),
          total: buckets.reduce((n, b) => n + b.count, 0),
          facets,
          histogram: { bucketMs: 86_400_000, buckets },
        };
      } finally {
        await api.close();
      }
    },

    eventActions: [
      {
        id: 'cloudflare.addTags',
        title: l10n.t('Add Tags…'),
        input: { prompt: l10n.t('Tags to add to this event, separated by commas'), placeholder: l10n.t('campaign-x, reviewed') },
        confirm: l10n.t('Add the tags "{input}" to this event in Cloudflare? Everyone who can read the dataset will see them.'),
        async run(account, secret, event, input, signal) {
          const { eventId } = eventRef(event);
          const tags = tagList(input);
          const api = apiFor(account, secret);
          try {
            await addEventTags(api, eventId, tags, { signal });
            return l10n.t('Tagged event {0} with {1}.', eventId, tags.join(', '));
          } finally {
            await api.close();
          }
        },
      },
      {
        id: 'cloudflare.removeTags',
        title: l10n.t('Remove Tags…'),
        input: { prompt: l10n.t('Tags to remove from this event, separated by commas') },
        confirm: l10n.t('Remove the tags "{input}" from this event in Cloudflare?'),
        async run(account, secret, event, input, signal) {
          const { eventId } = eventRef(event);
          const tags = tagList(input);
          const api = apiFor(account, secret);
          try {
            await removeEventTags(api, eventId, tags, { signal });
            return l10n.t('Removed {0} from event {1}.', tags.join(', '), eventId);
          } finally {
            await api.close();
          }
        },
      },
    ],

    queryActions: [
      {
        id: 'cloudflare.saveQuery',
        title: l10n.t('Save Query in Cloudflare…'),
        input: { prompt: l10n.t('Name of the saved query in Cloudflare') },
        confirm: l10n.t('Save this filter as the Cloudflare saved query "{input}"? It is stored in the Cloudflare account, with alerts off.'),
        async run(account, secret, query, input, signal) {
          const name = input.trim();
          if (!name) throw badParam('Give the saved query a name.');
          const fixed = (query.params?.datasetId ?? '').trim() !== '';
          const pd = pushDownText(query.filter, { from: query.from, to: query.to, now: opts.now?.() ?? Date.now(), datasetFixed: fixed });
          const datasetId = paramsFromQuery(query.params).datasetId ?? pd.datasetId;
          // What Cloudflare itself can run: the conditions that went to the API (the rest is ours).
          const queryJson = JSON.stringify({ search: pd.search, ...(datasetId?.length ? { datasetId } : {}) });
          const api = apiFor(account, secret);
          try {
            const saved = await createSavedQuery(api, { name, query_json: queryJson, alert_enabled: false, alert_rollup_enabled: false, rule_enabled: false }, { signal });
            const local = pd.localFilter ? ` ${l10n.t('Applied only here, not saved: {0}', pd.localFilter)}` : '';
            return `${l10n.t('Saved "{0}" in Cloudflare (id {1}).', name, saved.id)}${local}`;
          } finally {
            await api.close();
          }
        },
      },
    ],
  };
}

export const cloudflareProvider: LiveProvider = createCloudflareProvider();

/** The dataset and id of a fetched event, from its raw JSON (the only place they are). */
function eventRef(event: { id: string; raw: unknown }): { datasetId: string; eventId: string } {
  const raw = event.raw && typeof event.raw === 'object' ? (event.raw as Record<string, unknown>) : {};
  const datasetId = typeof raw.datasetId === 'string' ? raw.datasetId : '';
  const eventId = typeof raw.uuid === 'string' && raw.uuid ? raw.uuid : event.id;
  if (!datasetId || !eventId) throw badParam('This event has no dataset id or uuid, so Cloudflare cannot be asked about it.');
  return { datasetId, eventId };
}

/** The panel's facet fields and the event columns Cloudflare counts them by. */
export const AGGREGATE_FACETS: Readonly<Record<string, string>> = { action: 'event', actor: 'attacker', region: 'attackerCountry', service: 'category' };

function tagList(input: string): string[] {
  const tags = [...new Set(input.split(',').map((t) => t.trim()).filter(Boolean))];
  if (tags.length === 0) throw badParam('Type at least one tag (several separated by commas).');
  return tags;
}


export { aggregateFacets, aggregateHistogram, type DateBucket, type FacetValue } from './aggregate';
export * from './client';
export * from './writes';
