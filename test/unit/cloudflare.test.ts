import assert from 'node:assert/strict';
import type { EventBatch } from '../../src/core/batch';
import { ApiError, secretForms } from '../../src/core/errors';
import { RateLimiter } from '../../src/core/rateLimit';
import { EventStore } from '../../src/core/store';
import type { AccountConfig, FetchProgress, FetchReport, LiveQuery } from '../../src/providers/provider';
import {
  aggregateEvents,
  aggregateFacets,
  aggregateHistogram,
  addEventTags,
  authorizationHeader,
  createCloudflareApi,
  createCloudflareProvider,
  createEvent,
  createQueryAlert,
  createSavedQuery,
  deleteQueryAlert,
  deleteSavedQuery,
  getQueryAlert,
  getSavedQuery,
  listDatasets,
  listEventPages,
  listEvents,
  listQueryAlerts,
  listRelationships,
  listRequest,
  listSavedQueries,
  moveEvents,
  nextListParams,
  OFFSET_LIMIT,
  paramsFromQuery,
  readEvent,
  readRawEvent,
  removeEventTags,
  updateEvent,
  updateQueryAlert,
  updateSavedQuery,
  type CfApi,
  type ListMethod,
} from '../../src/providers/cloudflare/index';
import { errorDetail, formatCfErrors, unwrap } from '../../src/providers/cloudflare/envelope';
import { extraFields, normalizeEvent } from '../../src/providers/cloudflare/normalize';
import { pushDownText } from '../../src/providers/cloudflare/pushdown';
import { CfEventList, CfThreatEvent } from '../../src/providers/cloudflare/schema';
import { json, startFakeServer } from '../support/fakeServer';
import {
  BIDI_EVENT,
  DATASETS,
  DEFAULT_DATASET,
  FAKE_ACCOUNT,
  FAKE_TOKEN,
  FORMULA_INDICATOR,
  OTHER_ACCOUNT,
  READ_ONLY_TOKEN,
  START,
  eventUuid,
  startCloudflareFake,
  type CfFake,
} from '../support/fakes/cloudflare';

const tokenForms = [...secretForms(FAKE_TOKEN), ...secretForms(READ_ONLY_TOKEN)];
const PARTNER = DATASETS[1].uuid;
const ANALYTICS = DATASETS[2].uuid;

interface Run {
  report: FetchReport;
  batches: EventBatch[];
  progress: FetchProgress[];
  store: EventStore;
}

describe('providers/cloudflare', function () {
  this.timeout(20_000);
  let fake: CfFake;
  let logs: string[] = [];
  const options = {
    log: (l: string) => logs.push(l),
    retries: { max: 2, baseMs: 1, maxMs: 5 },
    timeouts: { connectMs: 2000, readMs: 3000 },
    perSecond: 1000,
  };
  const provider = createCloudflareProvider(options);
  const account = (extra: Partial<AccountConfig> = {}): AccountConfig => ({
    id: 'cf1',
    provider: 'cloudflare',
    label: 'acme cf',
    endpoint: fake.base,
    scope: FAKE_ACCOUNT,
    ...extra,
  });
  const apis: CfApi[] = [];
  const api = (secret = FAKE_TOKEN, listMethod?: ListMethod, extra: { readMs?: number } = {}): CfApi => {
    const a = createCloudflareApi({
      accountId: FAKE_ACCOUNT,
      secret,
      endpoint: fake.base,
      account: 'acme cf',
      log: options.log,
      retries: options.retries,
      timeouts: { connectMs: 2000, readMs: extra.readMs ?? 3000 },
      limiter: new RateLimiter({ perSecond: 1000, burst: 10 }),
      listMethod,
    });
    apis.push(a);
    return a;
  };

  async function run(query: Partial<LiveQuery> = {}, opts: { secret?: string; acct?: Partial<AccountConfig>; signal?: AbortSignal; onBatch?: () => void } = {}): Promise<Run> {
    const batches: EventBatch[] = [];
    const progress: FetchProgress[] = [];
    const store = new EventStore();
    const report = await provider.fetch(
      account(opts.acct),
      opts.secret ?? FAKE_TOKEN,
      { filter: '', ...query },
      {
        onBatch(b, p) {
          batches.push(b);
          progress.push(p);
          store.appendBatch(b);
          opts.onBatch?.();
        },
      },
      opts.signal,
    );
    return { report, batches, progress, store };
  }

  const ids = (store: EventStore, filter = ''): string[] => {
    const v = store.query(filter);
    return v.rows(0, v.count, ['id']).map((r) => String(r.id)).sort();
  };
  const path = (n: number): string => new URL(fake.requests[n].url, 'http://x').pathname;
  const query = (n: number): URLSearchParams => new URL(fake.requests[n].url, 'http://x').searchParams;
  const eventsPath = `/client/v4/accounts/${FAKE_ACCOUNT}/cloudforce-one/events`;

  before(async () => {
    fake = await startCloudflareFake();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    logs = [];
  });
  afterEach(async () => {
    for (const a of apis.splice(0)) await a.close();
    for (const l of logs) for (const f of tokenForms) assert.ok(!l.includes(f), `log line leaks the token: ${l}`);
  });

  describe('fetch and paging', () => {
    it('lists the default dataset with GET, Bearer auth and the default page size', async () => {
      const { report, batches, store } = await run();
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.cancelled, false);
      assert.equal(report.pages, 1);
      assert.equal(report.events, 175);
      assert.equal(batches.length, 1);
      assert.equal(store.size, 175);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].method, 'GET');
      assert.equal(fake.requests[0].url, `${eventsPath}?page=1&pageSize=1000`);
      assert.equal(fake.requests[0].headers.authorization, `Bearer ${FAKE_TOKEN}`);
      assert.deepEqual(report.pushDown, { sentToApi: [], localFilter: '' });
    });

    it('pages by page number until a short page; an exact multiple ends on an empty page without an empty batch', async () => {
      const short = await run({ params: { pageSize: '50' } });
      assert.equal(short.report.pages, 4);
      assert.deepEqual(short.batches.map((b) => b.count), [50, 50, 50, 25]);
      assert.deepEqual(fake.lists.map((l) => l.page), [1, 2, 3, 4]);
      assert.deepEqual(short.progress.at(-1), { pages: 4, events: 175 });

      fake.reset();
      const exact = await run({ params: { pageSize: '50', datasetId: 'all' } });
      assert.equal(exact.report.events, 250);
      assert.equal(exact.report.pages, 6);
      assert.equal(exact.batches.length, 5);
      assert.equal(exact.report.stoppedBy, undefined);
    });

    it('switches to the cursor when result_info.cursor is present, sending only cursor and pageSize', async () => {
      fake.knobs.cursor = true;
      const { report, store } = await run({ params: { pageSize: '60', datasetId: `${DEFAULT_DATASET},${PARTNER}`, orderBy: 'date', order: 'desc' } });
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.events, 225);
      assert.equal(store.size, 225);
      assert.equal(fake.lists.length, 4);
      assert.deepEqual(fake.lists[0].datasetId, [DEFAULT_DATASET, PARTNER]);
      for (const l of fake.lists.slice(1)) {
        assert.ok(l.cursor, 'cursor sent');
        assert.equal(l.pageSize, 60);
        assert.equal(l.page, undefined);
        assert.equal(l.datasetId, undefined);
        assert.equal(l.orderBy, undefined);
      }
    });

    it('a cursor that repeats and maxPages stop with the pages kept (paging-loop)', async () => {
      fake.knobs.cursor = true;
      fake.knobs.repeatCursorOnPage = 3;
      const loop = await run({ params: { pageSize: '20' } });
      assert.equal(loop.report.stoppedBy?.kind, 'paging-loop');
      assert.equal(loop.report.pages, 3);
      assert.equal(loop.store.size, 60);

      fake.reset();
      const limited = await run({ params: { pageSize: '20' }, maxPages: 2 });
      assert.equal(limited.report.stoppedBy?.kind, 'paging-loop');
      assert.match(limited.report.stoppedBy.message, /Stopped after 2 pages from Cloudflare/);
      assert.equal(limited.report.pages, 2);
      assert.equal(limited.store.size, 40);
    });

    it('stops at the 100,000 offset limit with a clear message', async () => {
      assert.deepEqual(nextListParams({ page: 3, pageSize: 25_000 }, 25_000, undefined), { end: 'more', next: { page: 4, pageSize: 25_000 } });
      assert.deepEqual(nextListParams({ page: 4, pageSize: 25_000 }, 25_000, undefined), { end: 'offset-limit' });
      assert.deepEqual(nextListParams({ page: 4, pageSize: 25_000 }, 25_000, 'abc'), { end: 'more', next: { cursor: 'abc', pageSize: 25_000 } });
      assert.deepEqual(nextListParams({ page: 1, pageSize: 10 }, 9, undefined), { end: 'end' });
      assert.deepEqual(nextListParams({ cursor: 'a', pageSize: 10 }, 10, undefined), { end: 'end' });
      assert.deepEqual(nextListParams({ page: 1, pageSize: 10 }, 0, 'x'), { end: 'end' });
      assert.equal(OFFSET_LIMIT, 100_000);

      // A fake of 100,001 events would be slow: a server that always sends a full page of 1, from page 99,999.
      const full = await startFakeServer((_q, res) => json(res, 200, { success: true, errors: [], messages: [], result: [{ uuid: 'x' }] }));
      const a = createCloudflareApi({ accountId: FAKE_ACCOUNT, secret: FAKE_TOKEN, endpoint: full.url, retries: { max: 0 } });
      const seen: number[] = [];
      try {
        await assert.rejects(
          (async () => {
            for await (const p of listEventPages(a, { page: 99_999, pageSize: 1 })) seen.push(p.page);
          })(),
          (e: ApiError) => e.kind === 'paging-loop' && /limit of 100,000 events for page-numbered paging/.test(e.message) && /kept/.test(e.message),
        );
        assert.deepEqual(seen, [1, 2]);
        assert.equal(full.requests.length, 2);
      } finally {
        await a.close();
        await full.close();
      }
    });

    it('sends LiveQuery params (datasetId list, pageSize, orderBy, order) and rejects bad ones', async () => {
      const { report, store } = await run({ params: { datasetId: ` ${PARTNER} , ${ANALYTICS} `, pageSize: '30', orderBy: 'date', order: 'DESC', bogus: 'x' } });
      assert.equal(report.stoppedBy, undefined);
      assert.equal(store.size, 75);
      const q = query(0);
      assert.deepEqual(q.getAll('datasetId'), [PARTNER, ANALYTICS]);
      assert.equal(q.get('pageSize'), '30');
      assert.equal(q.get('orderBy'), 'date');
      assert.equal(q.get('order'), 'desc');
      assert.equal(q.get('bogus'), null);
      const first = JSON.parse(store.rawText(store.query('').rows(0, 1, ['id'])[0].row as number)) as { date: string };
      assert.ok(first.date);
      assert.equal(String(fake.lists[0].order), 'desc');

      const bad = await run({ params: { pageSize: '30000' } });
      assert.equal(bad.report.stoppedBy?.kind, 'bad-request');
      assert.match(bad.report.stoppedBy.message, /pageSize must be a whole number from 1 to 25000/);
      assert.throws(() => paramsFromQuery({ order: 'sideways' }), /asc.*desc/);
      assert.deepEqual(paramsFromQuery(undefined), { pageSize: 1000 });
    });

    it('a failure after some pages keeps them (500 persisting on page 3); a single 500 is retried', async () => {
      fake.knobs.failures = [{ from: 2, status: 500 }];
      const once = await run({ params: { pageSize: '50' } });
      assert.equal(once.report.stoppedBy, undefined);
      assert.equal(once.report.events, 175);

      fake.reset();
      fake.knobs.failures = [{ from: 3, times: Infinity, status: 500, errors: [{ code: 10500, message: 'internal' }] }];
      const { report, store } = await run({ params: { pageSize: '50' } });
      assert.equal(report.pages, 2);
      assert.equal(store.size, 100);
      assert.equal(report.stoppedBy?.kind, 'server');
      assert.equal(report.stoppedBy.page, 3);
      assert.match(report.stoppedBy.message, /server error \(500\): Cloudflare error 10500: internal at page 3, after 3 tries/);
    });

    it('a truncated body and a non-JSON body are invalid-response, earlier pages kept', async () => {
      fake.knobs.failures = [{ from: 2, truncate: true }];
      const cut = await run({ params: { pageSize: '50' } });
      assert.equal(cut.report.pages, 1);
      assert.equal(cut.report.events, 50);
      assert.equal(cut.report.stoppedBy?.kind, 'invalid-response');
      assert.match(cut.report.stoppedBy.message, /not JSON at page 2/);

      fake.reset();
      fake.knobs.failures = [{ from: 1, nonJson: true }];
      const html = await run();
      assert.equal(html.report.pages, 0);
      assert.equal(html.report.stoppedBy?.kind, 'invalid-response');
      assert.match(html.report.stoppedBy.message, /text\/html/);
    });

    it('success:false inside a 200 stops with each Cloudflare code and message', async () => {
      fake.knobs.failures = [{ from: 2, successFalse: true, errors: [{ code: 1003, message: 'Invalid or missing account' }, { code: 10000, message: 'Authentication error' }] }];
      const { report } = await run({ params: { pageSize: '50' } });
      assert.equal(report.pages, 1);
      assert.equal(report.stoppedBy?.kind, 'auth');
      assert.match(report.stoppedBy.message, /Cloudflare error 1003: Invalid or missing account; Cloudflare error 10000: Authentication error/);
    });

    it('a slow response times out; cancel ends with cancelled and the pages so far', async () => {
      const slowProvider = createCloudflareProvider({ ...options, timeouts: { connectMs: 1000, readMs: 200 }, retries: { max: 0 } });
      fake.knobs.slowMs = 600;
      const r = await slowProvider.fetch(account(), FAKE_TOKEN, { filter: '' }, { onBatch() {} });
      assert.equal(r.stoppedBy?.kind, 'timeout');
      assert.match(r.stoppedBy.message, /Timed out after 0.2 s/);

      fake.reset();
      fake.knobs.slowMs = 300;
      const ac = new AbortController();
      const first = await run({ params: { pageSize: '50' } }, { signal: ac.signal, onBatch: () => ac.abort() });
      assert.equal(first.report.cancelled, true);
      assert.equal(first.report.stoppedBy, undefined);
      assert.equal(first.batches.length, 1);

      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(), 100);
      const t0 = performance.now();
      const mid = await run({}, { signal: ac2.signal });
      assert.equal(mid.report.cancelled, true);
      assert.equal(mid.report.pages, 0);
      assert.ok(performance.now() - t0 < 290, 'did not wait for the slow response');
    });
  });

  describe('errors', () => {
    it('401: a wrong token names the Cloudflare error and the permission to grant, for fetch and validate', async () => {
      const { report, batches } = await run({}, { secret: 'wrong-token' });
      assert.equal(batches.length, 0);
      assert.equal(report.stoppedBy?.kind, 'auth');
      assert.equal(report.stoppedBy.status, 401);
      assert.match(report.stoppedBy.message, /Cloudflare rejected the API token \(401\): Cloudflare error 10000: Authentication error/);
      assert.match(report.stoppedBy.message, /"Cloudforce One Read"/);
      assert.match(report.stoppedBy.message, /acme cf/);
      await assert.rejects(provider.validate(account(), 'wrong-token'), (e: ApiError) => e.kind === 'auth' && /10000/.test(e.message));
    });

    it('403: another account → forbidden with the code and what to do; a read-only token may not write', async () => {
      const { report } = await run({}, { acct: { scope: OTHER_ACCOUNT } });
      assert.equal(report.stoppedBy?.kind, 'forbidden');
      assert.match(report.stoppedBy.message, new RegExp(`account ${OTHER_ACCOUNT} \\(403\\): Cloudflare error 10000: Authentication error`));
      assert.match(report.stoppedBy.message, /Cloudforce One Read/);
      await assert.rejects(addEventTags(api(READ_ONLY_TOKEN), eventUuid(0), ['x']), (e: ApiError) => e.kind === 'forbidden' && /10001: This token needs the Cloudforce One Write permission/.test(e.message));
    });

    it('404: an unknown dataset names Cloudflare’s error; 400 shows the API’s message', async () => {
      const { report } = await run({ params: { datasetId: '99999999-9999-4999-8999-999999999999' } });
      assert.equal(report.stoppedBy?.kind, 'not-found');
      assert.match(report.stoppedBy.message, /Not found \(404\) at Cloudflare: Cloudflare error 10030: dataset 99999999-9999-4999-8999-999999999999 not found\. Check the account id/);

      fake.reset();
      fake.knobs.failures = [{ from: 1, status: 400, errors: [{ code: 10022, message: 'unknown search field "x"' }] }];
      const bad = await run();
      assert.equal(bad.report.stoppedBy?.kind, 'bad-request');
      assert.match(bad.report.stoppedBy.message, /Cloudflare rejected the request \(400\): Cloudflare error 10022: unknown search field "x"/);
    });

    it('429 honours Retry-After then succeeds; a persisting 429 says the Cloudflare code and the 5-minute block', async () => {
      fake.knobs.failures = [{ from: 1, status: 429, retryAfter: '0.2' }];
      const t0 = performance.now();
      const { report } = await run();
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.events, 175);
      assert.equal(fake.requests.length, 2);
      assert.ok(performance.now() - t0 >= 190, 'waited for Retry-After');
      assert.ok(logs.some((l) => /429.*retrying/.test(l)));

      fake.reset();
      fake.knobs.failures = [{ from: 1, times: Infinity, status: 429, retryAfter: '0' }];
      const limited = await run();
      assert.equal(limited.report.stoppedBy?.kind, 'rate-limited');
      assert.match(limited.report.stoppedBy.message, /Rate limited \(429\) by Cloudflare after 3 tries/);
      assert.match(limited.report.stoppedBy.message, /1200 API requests per 5 minutes.*Cloudflare error 971: Please wait/);
    });

    it('a missing account id is said plainly', async () => {
      const { report } = await run({}, { acct: { scope: '' } });
      assert.equal(report.stoppedBy?.kind, 'bad-request');
      assert.match(report.stoppedBy.message, /No Cloudflare account id/);
      assert.equal(fake.requests.length, 0);
      await assert.rejects(provider.validate(account({ scope: ' ' }), FAKE_TOKEN), /account id/);
    });

    it('the token never appears in any error message, url or log line', async () => {
      const errors: string[] = [];
      const collect = (r: FetchReport) => {
        if (r.stoppedBy) errors.push(r.stoppedBy.message, r.stoppedBy.url, String(r.stoppedBy.stack));
      };
      const wrong = `${FAKE_TOKEN}x`;
      collect((await run({}, { secret: wrong })).report);
      collect((await run({}, { secret: `Bearer ${FAKE_TOKEN}`, acct: { scope: OTHER_ACCOUNT } })).report);
      for (const f of [{ status: 500 }, { status: 400 }, { status: 429, retryAfter: '0' }, { truncate: true }, { nonJson: true }, { successFalse: true }]) {
        fake.reset();
        fake.knobs.failures = [{ from: 1, times: Infinity, ...f }];
        collect((await run()).report);
      }
      fake.reset();
      try {
        await provider.validate(account(), wrong);
      } catch (e) {
        errors.push(String(e), (e as Error).message);
      }
      assert.ok(errors.length >= 10);
      for (const text of [...errors, ...logs]) {
        for (const f of [...tokenForms, ...secretForms(wrong)]) assert.ok(!text.includes(f), `leaks the token: ${text}`);
      }
    });
  });

  describe('envelope', () => {
    const ctx = { url: 'u', what: 'the thing', redact: (t: string) => t };
    it('unwraps result and result_info, or takes a bare array/object as it is', () => {
      const env = unwrap({ success: true, errors: [], messages: [], result: [1, 2], result_info: { page: 1, per_page: 2, cursor: 'c1' } }, CfEventList, ctx);
      assert.deepEqual(env.result, [1, 2]);
      assert.equal(env.resultInfo?.cursor, 'c1');
      assert.deepEqual(unwrap([{ uuid: 'a' }], CfEventList, ctx), { result: [{ uuid: 'a' }], resultInfo: undefined });
      assert.equal(unwrap({ uuid: 'x', event: 'e' }, CfThreatEvent, ctx).result.uuid, 'x');
      // A bare `{success: true}` is itself the result of the tag endpoints.
      assert.deepEqual(unwrap({ success: true }, CfThreatEvent.pick({}).loose(), ctx).result, { success: true });
    });

    it('success:false and errors without a result are ApiErrors with every code and message', () => {
      assert.throws(
        () => unwrap({ success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null }, CfEventList, ctx),
        (e: ApiError) => e.kind === 'auth' && e.message === 'Cloudflare refused the thing (success: false): Cloudflare error 10000: Authentication error.',
      );
      assert.throws(() => unwrap({ success: false, errors: [{ message: 'only a message' }], result: {} }, CfEventList, ctx), (e: ApiError) => e.kind === 'bad-request' && /Cloudflare error: only a message/.test(e.message));
      assert.throws(() => unwrap({ result: 'nope' }, CfEventList, ctx), (e: ApiError) => e.kind === 'invalid-response' && /not the expected JSON: \(root\)/.test(e.message));
      assert.throws(() => unwrap({ success: false }, CfEventList, ctx), (e: ApiError) => e.kind === 'bad-request');
    });

    it('formats errors and error bodies', () => {
      assert.equal(formatCfErrors([{ code: 7003, message: 'Could not route' }, 'plain', { code: 9 }]), 'Cloudflare error 7003: Could not route; Cloudflare error: plain; Cloudflare error 9');
      assert.equal(errorDetail('{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}'), 'Cloudflare error 10000: Authentication error');
      assert.equal(errorDetail('<html>oops</html>'), '');
      assert.equal(errorDetail('{"message":"plain  text"}'), 'plain text');
      assert.equal(errorDetail(''), '');
      assert.equal(authorizationHeader('  bearer abc '), 'Bearer abc');
    });

    it('bare responses from the fake work end to end (list, read, datasets)', async () => {
      fake.knobs.bare = true;
      const { report } = await run({ params: { pageSize: '100' } });
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.events, 175);
      assert.equal(report.pages, 2);
      const a = api();
      assert.equal((await readEvent(a, DEFAULT_DATASET, eventUuid(0))).uuid, eventUuid(0));
      assert.equal((await listDatasets(a)).length, 3);
    });
  });

  describe('list parameters and search encoding', () => {
    const search = [
      { field: 'attacker' as const, op: 'equals' as const, value: 'APT28' },
      { field: 'date' as const, op: 'gte' as const, value: new Date(START + 24 * 3_600_000).toISOString() },
    ];
    const branches = [[{ field: 'tlp' as const, op: 'equals' as const, value: 'amber' }], [{ field: 'tlp' as const, op: 'equals' as const, value: 'green' }]];
    const all = {
      page: 1,
      pageSize: 7,
      orderBy: 'date',
      order: 'desc' as const,
      datasetId: [DEFAULT_DATASET, PARTNER],
      forceRefresh: true,
      format: 'json' as const,
      cache: 'from-graph' as const,
      search,
      searchBranches: branches,
    };

    it('GET encodes every parameter (search JSON-encoded, datasetId repeated) and the fake honours them', async () => {
      const page = await listEvents(api(FAKE_TOKEN, 'get'), all);
      const seen = fake.lists[0];
      assert.equal(seen.method, 'GET');
      assert.deepEqual(
        { page: seen.page, pageSize: seen.pageSize, orderBy: seen.orderBy, order: seen.order, datasetId: seen.datasetId, forceRefresh: seen.forceRefresh, format: seen.format, cache: seen.cache },
        { page: 1, pageSize: 7, orderBy: 'date', order: 'desc', datasetId: [DEFAULT_DATASET, PARTNER], forceRefresh: 'true', format: 'json', cache: 'from-graph' },
      );
      assert.deepEqual(seen.search, search);
      assert.deepEqual(seen.searchBranches, branches);
      assert.equal(fake.bodies[0], '');
      assert.equal(page.items.length, 7);
      const items = page.items.map((i) => CfThreatEvent.parse(i));
      for (const e of items) {
        assert.equal(e.attacker, 'APT28');
        assert.ok(e.tlp === 'amber' || e.tlp === 'green');
        assert.ok(Date.parse(e.date ?? '') >= START + 24 * 3_600_000);
      }
      const dates = items.map((e) => e.date ?? '');
      assert.deepEqual(dates, [...dates].sort().reverse(), 'ordered by date, descending');
    });

    it('POST (the default when there are conditions) sends the list parameters as a JSON body, the rest in the query', async () => {
      await listEvents(api(), all);
      assert.equal(fake.requests[0].method, 'POST');
      assert.equal(path(0), eventsPath);
      const q = query(0);
      assert.equal(q.get('forceRefresh'), 'true');
      assert.equal(q.get('format'), 'json');
      assert.equal(q.get('cache'), 'from-graph');
      assert.equal(q.get('searchBranches'), null, 'post_EventList takes searchBranches in the body');
      assert.equal(q.get('search'), null);
      assert.deepEqual(JSON.parse(fake.bodies[0]), { page: 1, pageSize: 7, orderBy: 'date', order: 'desc', datasetId: [DEFAULT_DATASET, PARTNER], search, searchBranches: branches });
      assert.deepEqual(fake.lists[0].searchBranches, branches, 'and the fake applied them');
      assert.equal(fake.requests[0].headers['content-type'], 'application/json');
      // Without conditions the list stays a GET.
      assert.equal(listRequest(FAKE_ACCOUNT, { page: 1 }).method, 'GET');
      assert.equal(listRequest(FAKE_ACCOUNT, { page: 1 }, 'post').method, 'POST');
    });

    it('the fake implements every op over the documented fields', async () => {
      const a = api();
      const count = async (field: string, op: string, value: string | string[]) =>
        (await listEvents(a, { pageSize: 1000, datasetId: ['all'], search: [{ field: field as 'event', op: op as 'equals', value }] })).items.length;
      assert.equal(await count('attacker', 'equals', 'APT28'), 50);
      assert.equal(await count('attacker', 'not', 'APT28'), 200);
      assert.equal(await count('killChain', 'gt', '5'), 35);
      assert.equal(await count('killChain', 'gte', '6'), 35);
      assert.equal(await count('killChain', 'lt', '1'), 36);
      assert.equal(await count('killChain', 'lte', '0'), 36);
      assert.equal(await count('attacker', 'like', 'apt%'), 50);
      assert.equal(await count('attacker', 'like', 'apt28'), 50);
      assert.equal(await count('attacker', 'contains', 'SPIDER'), 50);
      assert.equal(await count('attacker', 'startsWith', 'laz'), 50);
      assert.equal(await count('attacker', 'endsWith', 'group'), 50);
      assert.equal(await count('tlp', 'in', ['red', 'clear']), 125);
      assert.equal(await count('tags', 'equals', 'phishing'), 63);
      assert.equal(await count('tags', 'equals', 'botnet'), 63);
      await assert.rejects(count('nope', 'equals', 'x'), (e: ApiError) => e.kind === 'bad-request' && /unknown search field/.test(e.message));
    });
  });

  describe('each pushed-down filter gives the same events as filtering locally', () => {
    const filters = [
      'actor:"APT28"',
      'actor:apt28',
      'actor:laz*',
      'attacker:*spider',
      'action:*activity*',
      'region:KP',
      'targetCountry:"DE" tlp:amber',
      'service:"Phishing" targetIndustry:Healthcare',
      'indicatorType:domain indicator:bad1*',
      'tags:phishing',
      'id:e0000000-0000-4000-8000-000000000010',
      'tlp:"red" OR tlp:"green"',
      'time:>=2026-01-02 time:<2026-01-03T12:00Z',
      'time:>2026-01-02T05:00Z actor:FIN7',
      'actor:a?t28',
      '-actor:"APT28" region:US',
      'actor:"APT28" OR region:DE',
      'account:11111111-1111-4111-8111-111111111111 tlp:red',
      'raw.attackerCountry:br raw.category:ddos',
      'mitreAttack:T1566',
    ];
    let all: EventStore;
    before(async () => {
      fake.reset();
      all = (await run({ params: { datasetId: 'all' } })).store;
      assert.equal(all.size, 250);
    });
    for (const filter of filters) {
      it(filter, async () => {
        const { report, store } = await run({ filter, params: { datasetId: 'all' } });
        assert.equal(report.stoppedBy, undefined);
        const expected = ids(all, filter);
        assert.ok(expected.length > 0, 'the filter should match something');
        assert.deepEqual(ids(store, report.pushDown.localFilter), expected);
        if (report.pushDown.sentToApi.length) assert.ok(store.size < 250, 'the API narrowed the fetch');
      });
    }

    it('API-only names (country, industry, dataset) are sent and never filtered locally', async () => {
      const { report, store } = await run({ filter: `dataset:${PARTNER} country:KP industry:"Healthcare"` });
      assert.equal(report.pushDown.localFilter, '');
      assert.deepEqual(fake.lists[0].datasetId, [PARTNER]);
      assert.equal(store.size, ids(all, `account:${PARTNER} region:KP targetIndustry:Healthcare`).length);
      assert.ok(store.size > 0);
    });
  });

  describe('pushdown table', () => {
    const T1 = '2026-01-02T00:00:00.000Z';
    const table: [string, Record<string, unknown>[], string[], string][] = [
      ['', [], [], ''],
      ['actor:"APT28"', [{ field: 'attacker', op: 'equals', value: 'APT28' }], ['attacker = "APT28"'], ''],
      ['action:Login', [{ field: 'event', op: 'like', value: 'Login' }], ['event like "Login"'], 'action:Login'],
      ['actor:laz*', [{ field: 'attacker', op: 'startsWith', value: 'laz' }], ['attacker starts with "laz"'], 'actor:laz*'],
      ['actor:*group', [{ field: 'attacker', op: 'endsWith', value: 'group' }], ['attacker ends with "group"'], 'actor:*group'],
      ['event:*bad\\*x*', [{ field: 'event', op: 'contains', value: 'bad*x' }], ['event contains "bad*x"'], 'event:*bad\\*x*'],
      ['actor:a*b', [], [], 'actor:a*b'],
      ['actor:a?b', [], [], 'actor:a?b'],
      ['tlp:"red" OR tlp:"amber"', [{ field: 'tlp', op: 'in', value: ['red', 'amber'] }], ['tlp in ["red", "amber"]'], ''],
      ['tlp:red OR tlp:"amber"', [], [], 'tlp:red OR tlp:"amber"'],
      ['country:KP industry:Finance', [{ field: 'attackerCountry', op: 'like', value: 'KP' }, { field: 'targetIndustry', op: 'like', value: 'Finance' }], ['attackerCountry like "KP"', 'targetIndustry like "Finance"'], ''],
      ['id:"abc" uuid:"def"', [{ field: 'uuid', op: 'equals', value: 'abc' }, { field: 'uuid', op: 'equals', value: 'def' }], ['uuid = "abc"', 'uuid = "def"'], ''],
      ['raw.tags:"x" raw.mitreCapec:"y"', [{ field: 'tags', op: 'equals', value: 'x' }, { field: 'mitreCapec', op: 'equals', value: 'y' }], ['tags = "x"', 'mitreCapec = "y"'], ''],
      ['raw.action:x', [], [], 'raw.action:x'],
      ['-actor:"x" delete sourceIp:1.2.3.4', [], [], '-actor:"x" delete sourceIp:1.2.3.4'],
      ['killChain:>3', [], [], 'killChain:>3'],
      [`time:>=${T1}`, [{ field: 'date', op: 'gte', value: T1 }], [`time range from ${T1}`], 'time:>=2026-01-02'],
      ['time:>2026-01-02 time:<2026-01-03', [{ field: 'date', op: 'gt', value: T1 }, { field: 'date', op: 'lt', value: '2026-01-03T00:00:00.000Z' }], [`time range from ${T1} until 2026-01-03T00:00:00.000Z`], 'time:>2026-01-02 time:<2026-01-03'],
      ['actor:""', [], [], 'actor:""'],
    ];
    for (const [filter, search, sent, local] of table) {
      it(JSON.stringify(filter), () => {
        const pd = pushDownText(filter);
        assert.deepEqual(pd.search, search);
        assert.deepEqual(pd.sentToApi, sent);
        assert.equal(pd.localFilter, local);
      });
    }

    it('datasets: from account/dataset terms unless the params fix them; an OR of datasets is a list', () => {
      const a = pushDownText('account:AAA OR account:bbb');
      assert.deepEqual(a.datasetId, ['aaa', 'bbb']);
      assert.deepEqual(a.sentToApi, ['dataset: aaa, bbb']);
      assert.equal(a.localFilter, 'account:AAA OR account:bbb');
      const q = pushDownText('dataset:"X1"');
      assert.deepEqual(q.datasetId, ['x1']);
      assert.equal(q.localFilter, '');
      const fixed = pushDownText('account:aaa', { datasetFixed: true });
      assert.equal(fixed.datasetId, undefined);
      assert.equal(fixed.localFilter, 'account:aaa');
      assert.equal(pushDownText('account:a* tlp:"red"').datasetId, undefined);
    });

    it('LiveQuery from/to merge with time terms (tightest wins) and at most 10 conditions are sent', () => {
      const pd = pushDownText('time:>2026-01-01T01:00Z time:<2026-01-01T05:00Z', { from: Date.UTC(2026, 0, 1, 2), to: Date.UTC(2026, 0, 1, 9) });
      assert.deepEqual(pd.search, [
        { field: 'date', op: 'gte', value: '2026-01-01T02:00:00.000Z' },
        { field: 'date', op: 'lt', value: '2026-01-01T05:00:00.000Z' },
      ]);
      const many = pushDownText('time:>2026-01-01 ' + Array.from({ length: 11 }, (_, i) => `tags:"t${i}"`).join(' '));
      assert.equal(many.search.length, 10);
      assert.equal(many.localFilter, 'time:>2026-01-01 tags:"t9" tags:"t10"');
    });
  });

  describe('datasets, reads and aggregates', () => {
    it('validate lists the datasets once; listScopes gives every dataset with its description', async () => {
      const msg = await provider.validate(account(), FAKE_TOKEN);
      assert.equal(msg, `Cloudflare account ${FAKE_ACCOUNT}: the token can read Cloudforce One threat events (3 datasets).`);
      assert.equal(fake.requests.length, 1);
      assert.equal(path(0), `${eventsPath}/dataset`);
      const scopes = await provider.listScopes!(account(), FAKE_TOKEN);
      assert.equal(query(1).get('includeDeleted'), 'true');
      assert.deepEqual(
        scopes.map((s) => [s.label, s.description, s.params.datasetId]),
        [
          ['Analytics', 'private, analytics, indicators create only', ANALYTICS],
          ['Cloudforce One Threat Events', 'public, indicators read only', DEFAULT_DATASET],
          ['Partner feed', 'private, indicators full', PARTNER],
          ['Old feed', 'deleted 2025-12-01, private, indicators full', DATASETS[3].uuid],
        ],
      );
      assert.equal(scopes[0].id, ANALYTICS);
    });

    it('reads an event by the dataset path, falls back to the deprecated path on 404 when asked, and reads raw data', async () => {
      const a = api();
      const ev = await readEvent(a, PARTNER, eventUuid(7));
      assert.equal(ev.attacker, 'FIN7');
      assert.equal(path(0), `${eventsPath}/dataset/${PARTNER}/events/${eventUuid(7)}`);
      await assert.rejects(readEvent(a, DEFAULT_DATASET, eventUuid(7)), (e: ApiError) => e.kind === 'not-found' && /10050: event not found/.test(e.message));
      const viaOld = await readEvent(a, DEFAULT_DATASET, eventUuid(7), { fallbackToDeprecated: true });
      assert.equal(viaOld.uuid, eventUuid(7));
      assert.equal(path(fake.requests.length - 1), `${eventsPath}/${eventUuid(7)}`);
      const raw = await readRawEvent(a, PARTNER, eventUuid(7));
      assert.equal(raw.id, 'raw-7');
      assert.deepEqual(raw.data, { note: `raw of ${eventUuid(7)}` });
      assert.equal(path(fake.requests.length - 1), `${eventsPath}/raw/${PARTNER}/${eventUuid(7)}`);
    });

    it('lists the relationships of an event with its query parameters', async () => {
      const a = api();
      const rel = await listRelationships(a, eventUuid(5), { datasetId: DEFAULT_DATASET, direction: 'both', includeParent: true, maxDepth: 2, relationshipTypes: ['related'] });
      assert.deepEqual(rel.map((e) => e.uuid), [eventUuid(5), eventUuid(4), eventUuid(6)]);
      const q = query(0);
      assert.equal(q.get('datasetId'), DEFAULT_DATASET);
      assert.equal(q.get('maxDepth'), '2');
      assert.equal(q.get('includeParent'), 'true');
      assert.deepEqual(q.getAll('relationshipTypes'), ['related']);
      assert.equal(path(0), `${eventsPath}/by-id/${eventUuid(5)}/relationships`, 'the path of get_EventRelationships');
      const down = await listRelationships(a, eventUuid(5), { datasetId: DEFAULT_DATASET, direction: 'descendants', includeParent: false });
      assert.deepEqual(down.map((e) => e.uuid), [eventUuid(4)]);
    });

    it("relationships fall back to the seed's path when the by-id path is not there", async () => {
      fake.knobs.legacyRelationshipsOnly = true;
      const rel = await listRelationships(api(), eventUuid(5), { datasetId: DEFAULT_DATASET });
      assert.deepEqual(rel.map((e) => e.uuid), [eventUuid(5), eventUuid(4), eventUuid(6)]);
      assert.deepEqual([path(0), path(1)], [`${eventsPath}/by-id/${eventUuid(5)}/relationships`, `${eventsPath}/${eventUuid(5)}/relationships`]);
    });

    it('aggregates: the raw endpoint, facets per column and a daily histogram', async () => {
      const a = api();
      const r = await aggregateEvents(a, { aggregateBy: ['attacker', 'tlp'], datasetId: [DEFAULT_DATASET], startDate: '2026-01-02', endDate: '2026-01-03', groupByDate: false, limit: 3 });
      assert.equal(r.aggregations.length, 3);
      assert.equal(r.aggregateBy, 'attacker,tlp');
      assert.deepEqual(r.dateRange, { startDate: '2026-01-02', endDate: '2026-01-03' });
      const q = query(0);
      assert.equal(q.get('aggregateBy'), 'attacker,tlp');
      assert.equal(q.get('groupByDate'), 'false');
      assert.equal(q.get('limit'), '3');

      const facets = await aggregateFacets(a, ['attacker', 'attackerCountry'], { datasetId: [DEFAULT_DATASET, PARTNER], limit: 10 });
      const total = (xs: { count: number }[]) => xs.reduce((s, x) => s + x.count, 0);
      assert.equal(total(facets.attacker), 225);
      assert.equal(facets.attacker.length, 5);
      assert.ok(facets.attacker[0].count >= facets.attacker[4].count);
      assert.ok(facets.attackerCountry.some((f) => f.value === 'KP'));

      const hist = await aggregateHistogram(a, { datasetId: [DEFAULT_DATASET], from: START, to: START + 2 * 86_400_000 });
      assert.deepEqual(hist.map((b) => b.date), ['2026-01-01', '2026-01-02', '2026-01-03']);
      assert.equal(total(hist), 51);
      assert.equal(query(fake.requests.length - 1).get('groupByDate'), 'true');
      await assert.rejects(aggregateEvents(a, { aggregateBy: 'nope' }), (e: ApiError) => e.kind === 'bad-request' && /10041/.test(e.message));
    });
  });

  describe('writes', () => {
    it('creates an event (validated before sending), then updates it', async () => {
      const a = api();
      await assert.rejects(createEvent(a, { category: 'x' } as never), (e: ApiError) => e.kind === 'bad-request' && /Not sent to Cloudflare/.test(e.message));
      assert.equal(fake.requests.length, 0);
      const created = await createEvent(a, {
        category: 'Domain Resolution',
        date: '2026-01-20T00:00:00Z',
        event: 'An attacker registered the domain domain.com',
        indicatorType: 'domain',
        indicator: 'domain.com',
        raw: { data: { foo: 'bar' } },
        tlp: 'amber',
        datasetId: PARTNER,
        tags: ['new'],
      });
      assert.equal(fake.requests[0].method, 'POST');
      assert.equal(path(0), `${eventsPath}/create`);
      assert.equal(JSON.parse(fake.bodies[0]).raw.data.foo, 'bar');
      assert.ok(created.uuid);
      const read = await readEvent(a, PARTNER, created.uuid ?? '');
      assert.equal(read.indicator, 'domain.com');
      assert.deepEqual((await readRawEvent(a, PARTNER, created.uuid ?? '')).data, { foo: 'bar' });
      const upd = await updateEvent(a, created.uuid ?? '', { attacker: 'FIN7', tlp: 'red' });
      assert.equal(upd.attacker, 'FIN7');
      assert.equal(upd.tlp, 'red');
      assert.equal(fake.requests.at(-1)?.method, 'POST');
      // post_EventCreate requires date, category, event, tlp and raw; indicatorType is optional.
      const bare = await createEvent(a, { category: 'Malware', date: '2026-01-21T00:00:00Z', event: 'no indicator yet', raw: { data: null }, tlp: 'green' });
      assert.ok(bare.uuid);
      assert.equal(JSON.parse(fake.bodies.at(-1) ?? '{}').indicatorType, undefined);
    });

    it('adds and removes tags', async () => {
      const a = api();
      const id = eventUuid(2);
      assert.equal(await addEventTags(a, id, ['triaged', 'botnet']), true);
      assert.equal(path(0), `${eventsPath}/event_tag/${id}/create`);
      assert.deepEqual(JSON.parse(fake.bodies[0]), { tags: ['triaged', 'botnet'] });
      assert.deepEqual(fake.events[2].tags, ['triaged', 'botnet']);
      assert.equal(await removeEventTags(a, id, ['botnet']), true);
      assert.equal(fake.requests[1].method, 'DELETE');
      assert.equal(path(1), `${eventsPath}/event_tag/${id}`);
      assert.deepEqual(JSON.parse(fake.bodies[1]), { tags: ['botnet'] });
      assert.deepEqual(fake.events[2].tags, ['triaged']);
      await assert.rejects(addEventTags(a, id, []), /Not sent/);
      await assert.rejects(addEventTags(a, 'no-such-event', ['x']), (e: ApiError) => e.kind === 'not-found');
    });

    it('moves events between datasets (bare number and detailed result)', async () => {
      const a = api();
      const ids = [eventUuid(9), eventUuid(19)];
      const r = await moveEvents(a, ANALYTICS, { destDatasetId: PARTNER, eventIds: ids }, { keepRawData: true });
      assert.deepEqual(r, { moved: 2 });
      assert.equal(path(0), `${eventsPath}/dataset/${ANALYTICS}/move`);
      assert.equal(query(0).get('keepRawData'), 'true');
      assert.deepEqual(JSON.parse(fake.bodies[0]), { destDatasetId: PARTNER, eventIds: ids });
      assert.equal(fake.events[9].datasetId, PARTNER);
      fake.knobs.moveResult = 'object';
      const back = await moveEvents(a, PARTNER, { destDatasetId: ANALYTICS, eventIds: ids });
      assert.equal(back.moved, 2);
      assert.equal(back.details?.indicatorsCopied, 2);
      assert.equal(fake.events[9].datasetId, ANALYTICS);
    });

    it('saved queries and their alerts: create, list, read, update, delete', async () => {
      const a = api();
      const sq = await createSavedQuery(a, { name: 'apt28', query_json: JSON.stringify({ search: [{ field: 'attacker', op: 'equals', value: 'APT28' }] }), alert_enabled: false, alert_rollup_enabled: false, rule_enabled: false });
      assert.equal(path(0), `${eventsPath}/queries/create`);
      assert.equal(sq.name, 'apt28');
      await assert.rejects(
        createSavedQuery(a, { name: 'apt28', query_json: '{}', alert_enabled: false, alert_rollup_enabled: false, rule_enabled: false }),
        (e: ApiError) => e.kind === 'bad-request' && /10101: a saved query named apt28 exists/.test(e.message),
      );
      assert.deepEqual((await listSavedQueries(a)).map((q) => q.id), [sq.id]);
      assert.equal((await getSavedQuery(a, sq.id)).query_json, sq.query_json);
      const upd = await updateSavedQuery(a, sq.id, { alert_enabled: true });
      assert.equal(upd.alert_enabled, true);

      const alert = await createQueryAlert(a, { query_id: sq.id, frequency: 'daily', enabled: true });
      assert.equal(fake.requests.at(-1)?.url, `${eventsPath}/queries/alerts/create`);
      assert.equal(alert.frequency, 'daily');
      await assert.rejects(createQueryAlert(a, { query_id: sq.id, frequency: 'hourly' as 'daily' }), /Not sent/);
      assert.equal((await listQueryAlerts(a)).length, 1);
      assert.equal((await getQueryAlert(a, alert.id)).query_id, sq.id);
      assert.equal((await updateQueryAlert(a, alert.id, { enabled: false })).enabled, false);
      await deleteQueryAlert(a, alert.id);
      assert.equal(fake.requests.at(-1)?.method, 'DELETE');
      assert.equal(fake.alerts.length, 0);
      await assert.rejects(getQueryAlert(a, alert.id), (e: ApiError) => e.kind === 'not-found');
      await deleteSavedQuery(a, sq.id);
      assert.equal(fake.queries.length, 0);
      await assert.rejects(getSavedQuery(a, sq.id), (e: ApiError) => e.kind === 'not-found' && /10102/.test(e.message));
    });
  });

  describe('normalization', () => {
    it('maps a threat event onto the normalized fields and keeps the record as raw', () => {
      const item = { uuid: 'u1', date: '2022-04-01T00:00:00Z', event: 'An attacker registered the domain domain.com', category: 'Domain Resolution', attacker: 'APT28', attackerCountry: 'RU', targetCountry: 'US', targetIndustry: 'Finance', indicator: 'domain.com', indicatorType: 'domain', killChain: 0, mitreAttack: ['T1583'], tags: ['a', 'b'], tlp: 'amber', datasetId: 'ds1', extra: { kept: true } };
      const parsed = CfThreatEvent.parse(item);
      const ev = normalizeEvent(parsed);
      assert.deepEqual(
        { ...ev, raw: undefined },
        { id: 'u1', time: Date.parse('2022-04-01T00:00:00Z'), provider: 'cloudflare', account: 'ds1', action: item.event, actor: 'APT28', service: 'Domain Resolution', region: 'RU', outcome: 'unknown', resources: ['domain.com'], raw: undefined },
      );
      assert.deepEqual(ev.raw, item);
      assert.deepEqual(extraFields(parsed), { category: 'Domain Resolution', attackerCountry: 'RU', targetCountry: 'US', targetIndustry: 'Finance', indicator: 'domain.com', indicatorType: 'domain', tlp: 'amber', killChain: '0' });
      const bare = normalizeEvent(CfThreatEvent.parse({ attacker: null }));
      assert.equal(bare.id, '');
      assert.equal(bare.actor, '');
      assert.ok(Number.isNaN(bare.time));
      assert.deepEqual(bare.resources, []);
    });

    it('fetched events filter on the extra columns and on tags as a list; hostile strings stay as they came', async () => {
      const { store } = await run({ params: { datasetId: 'all' } });
      assert.equal(store.query('tags:phishing').count, 63);
      assert.equal(store.query('tags:botnet').count, 63);
      const kpRed = fake.events.filter((e) => e.targetCountry === 'KP' && e.tlp === 'red').length;
      assert.ok(kpRed > 0);
      assert.equal(store.query('targetCountry:KP tlp:red').count, kpRed);
      assert.equal(store.query('killChain:>5').count, 35);
      const script = store.query('actor:"<script>alert(1)</script>"');
      assert.equal(script.count, 50);
      const bidi = store.query(`action:"${BIDI_EVENT}"`);
      assert.ok(bidi.count > 0);
      const formula = store.query('indicator:"=cmd|\' /C calc\'!A0"');
      assert.ok(formula.count > 0);
      const row = formula.rows(0, 1, ['id'])[0].row as number;
      assert.equal((JSON.parse(store.rawText(row)) as { indicator: string }).indicator, FORMULA_INDICATOR);
      const first = store.query(`id:${eventUuid(3)}`).rows(0, 1, ['id'])[0].row as number;
      assert.deepEqual(JSON.parse(store.rawText(first)), fake.events[3]);
    });
  });
});
