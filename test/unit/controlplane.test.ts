import assert from 'node:assert/strict';
import type { EventBatch } from '../../src/core/batch';
import { secretForms } from '../../src/core/errors';
import { EventStore } from '../../src/core/store';
import type { AccountConfig, FetchProgress, FetchReport, LiveQuery } from '../../src/providers/provider';
import { authorizationHeader, bareToken, nextRequest } from '../../src/providers/controlplane/client';
import { createControlPlaneProvider } from '../../src/providers/controlplane/index';
import { extraFields, normalizeEvent, outcomeOf } from '../../src/providers/controlplane/normalize';
import { pushDown } from '../../src/providers/controlplane/pushdown';
import { CplnAuditEvent } from '../../src/providers/controlplane/schema';
import { FAKE_ORG, FAKE_TOKEN, START, startCplnFake, type CplnFake } from '../support/fakes/controlplane';

// The docs example event (seed: controlplane-audit.txt).
const DOC_EVENT = {
  resource: { id: 'dfedd8b9-7737-498a-883f-0162510c0d68', name: 'my-workload', type: 'workload', data: { foo: 'bar' } },
  id: '7f2195ac-e003-42a3-8324-d4bb1f11d10e',
  eventTime: '2021-01-02T13:01:02.345Z',
  postedTime: '2021-01-02T13:01:03.123Z',
  receivedTime: '2021-01-02T13:01:03.159Z',
  requestId: 'd4e26a95-1988-4bf5-94fb-40d605cce0e9',
  context: {
    org: 'myorg',
    name: 'audit-context-1',
    remoteIp: '1.2.3.4',
    eventSource: 'system',
    location: 'aws-us-west-2',
    gvcAlias: 'gm0b1e3a1vxjj',
    podId: 'workload-00016-deployment-54b5b8f94f-jqkcn',
    data: {},
  },
  subject: { email: 'bob@example.com', name: 'Bob Johnson', claims: {}, data: {} },
  action: { type: 'delete', data: {} },
  result: { status: 'OK', message: 'Object created successfully' },
};

const tokenForms = [...secretForms(FAKE_TOKEN)];

interface Run {
  report: FetchReport;
  batches: EventBatch[];
  progress: FetchProgress[];
  store: EventStore;
}

describe('providers/controlplane', function () {
  this.timeout(15_000);
  let fake: CplnFake;
  let logs: string[] = [];
  const provider = createControlPlaneProvider({
    log: (l) => logs.push(l),
    retries: { max: 2, baseMs: 1, maxMs: 5 },
    timeouts: { connectMs: 2000, readMs: 3000 },
    perSecond: 1000,
  });
  const account = (extra: Partial<AccountConfig> = {}): AccountConfig => ({
    id: 'cp1',
    provider: 'controlplane',
    label: 'acme cpln',
    endpoint: fake.url,
    scope: FAKE_ORG,
    ...extra,
  });

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

  before(async () => {
    fake = await startCplnFake();
  });
  after(async () => {
    await fake.close();
  });
  const reset = (): void => {
    fake.requests.length = 0;
    for (const k of Object.keys(fake.failures) as (keyof typeof fake.failures)[]) delete fake.failures[k];
  };
  beforeEach(() => {
    reset();
    logs = [];
  });
  afterEach(() => {
    reset();
    for (const l of logs) for (const f of tokenForms) assert.ok(!l.includes(f), `log line leaks the token: ${l}`);
  });

  it('fetches every page by following the next links, with Bearer auth and pageSize', async () => {
    const { report, batches, progress, store } = await run();
    assert.equal(report.pages, 3);
    assert.equal(report.events, 250);
    assert.equal(report.stoppedBy, undefined);
    assert.equal(report.cancelled, false);
    assert.deepEqual(
      batches.map((b) => b.count),
      [100, 100, 50],
    );
    assert.deepEqual(progress.at(-1), { pages: 3, events: 250 });
    assert.equal(store.size, 250);
    assert.equal(fake.requests.length, 3);
    assert.equal(fake.requests[0].url, '/audit/org/acme?pageSize=100');
    assert.match(fake.requests[1].url, /page=2/);
    for (const r of fake.requests) assert.equal(r.headers.authorization, `Bearer ${FAKE_TOKEN}`);
    assert.deepEqual(report.pushDown, { sentToApi: [], localFilter: '' });
  });

  it('accepts a token pasted with its "Bearer " prefix, and follows next links with or without /audit or absolute', async () => {
    for (const style of ['no-prefix', 'absolute'] as const) {
      fake.requests.length = 0;
      fake.failures.nextLinkStyle = style;
      const { report } = await run({}, { secret: `Bearer ${FAKE_TOKEN}` });
      assert.equal(report.events, 250, style);
      assert.equal(report.pages, 3, style);
      assert.equal(fake.requests[1].headers.authorization, `Bearer ${FAKE_TOKEN}`);
      assert.ok(fake.requests[2].url.startsWith('/audit/org/acme?'), fake.requests[2].url);
    }
  });

  it('sends LiveQuery.params (pageSize, contextName, subjectName) and from/to', async () => {
    const from = START + 10 * 60_000;
    const to = START + 100 * 60_000;
    const { report, store } = await run({ from, to, params: { pageSize: '40', contextName: 'cpln', bogus: 'x' } });
    const url = new URL(fake.requests[0].url, 'http://x');
    assert.equal(url.searchParams.get('pageSize'), '40');
    assert.equal(url.searchParams.get('contextName'), 'cpln');
    assert.equal(url.searchParams.get('bogus'), null);
    assert.equal(url.searchParams.get('fromEvent'), new Date(from).toISOString());
    assert.equal(url.searchParams.get('toEvent'), new Date(to).toISOString());
    assert.equal(report.stoppedBy, undefined);
    assert.ok(store.size > 0 && store.size < 91);
    for (const id of ids(store)) assert.ok(store.size > 0 && id.startsWith('ev-'));
  });

  describe('each pushed-down filter gives the same events as filtering locally', () => {
    const filters = [
      'action:delete',
      'action:"edit"',
      'service:workload',
      'resource.type:secret action:create',
      'region:gcp-us-east1',
      'context.location:aws-us-west-2',
      'context.gvcAlias:gvc2',
      'context.podId:workload-3-pod',
      'time:>=2026-01-01T01:00Z time:<2026-01-01T02:30Z',
      'time:>2026-01-01T01:00Z time:<=2026-01-01T02:00Z action:get',
      'action:delete region:azure-eastus2 outcome:failure',
      'action:Delete', // not lowercase: stays local
      'action:del* service:gvc', // glob stays local, service goes
      'action:delete OR action:create', // OR stays local
      '-action:delete service:identity',
    ];
    let all: EventStore;
    before(async () => {
      all = (await run()).store;
      assert.equal(all.size, 250);
    });
    for (const filter of filters) {
      it(filter, async () => {
        const { report, store } = await run({ filter });
        assert.equal(report.stoppedBy, undefined);
        const expected = ids(all, filter);
        assert.ok(expected.length > 0, 'the filter should match something');
        assert.deepEqual(ids(store, report.pushDown.localFilter), expected);
        if (report.pushDown.sentToApi.length) assert.ok(store.size < 250, 'the API narrowed the fetch');
      });
    }
  });

  it('wrong token → a clear auth error, for fetch and validate; other org → forbidden', async () => {
    const { report, batches } = await run({}, { secret: 'wrong-token' });
    assert.equal(batches.length, 0);
    assert.equal(report.stoppedBy?.kind, 'auth');
    assert.match(report.stoppedBy.message, /rejected \(401\)/);
    assert.match(report.stoppedBy.message, /acme cpln/);
    await assert.rejects(provider.validate(account(), 'wrong-token'), (e: Error) => /401/.test(e.message));
    const other = await run({}, { acct: { scope: 'someone-else' } });
    assert.equal(other.report.stoppedBy?.kind, 'forbidden');
    assert.match(other.report.stoppedBy.message, /someone-else/);
  });

  it('validate makes one tiny request for the org', async () => {
    const msg = await provider.validate(account(), FAKE_TOKEN);
    assert.match(msg, /acme/);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].url, '/audit/org/acme?pageSize=1');
    await assert.rejects(provider.validate(account({ scope: '' }), FAKE_TOKEN), /org/);
  });

  it('429 with Retry-After, then success', async () => {
    fake.failures.rateLimit = { times: 1, retryAfter: '0.2' };
    const t0 = performance.now();
    const { report } = await run();
    assert.equal(report.events, 250);
    assert.equal(report.stoppedBy, undefined);
    assert.equal(fake.requests.length, 4);
    assert.ok(performance.now() - t0 >= 190, 'waited for Retry-After');
    assert.ok(logs.some((l) => /429.*retrying/.test(l)));
  });

  it('a 500 once is retried; a 500 on page 3 that persists keeps pages 1–2 with stoppedBy', async () => {
    fake.failures.serverError = { page: 2, times: 1 };
    const once = await run();
    assert.equal(once.report.events, 250);
    assert.equal(once.report.stoppedBy, undefined);

    fake.failures.serverError = { page: 3, times: Infinity };
    const { report, batches, store } = await run();
    assert.equal(report.pages, 2);
    assert.equal(batches.length, 2);
    assert.equal(store.size, 200);
    assert.equal(report.stoppedBy?.kind, 'server');
    assert.equal(report.stoppedBy.page, 3);
    assert.match(report.stoppedBy.message, /server error \(500\).*page 3/);
  });

  it('a truncated body → invalid-response, earlier pages kept', async () => {
    fake.failures.truncate = { page: 2 };
    const { report } = await run();
    assert.equal(report.pages, 1);
    assert.equal(report.events, 100);
    assert.equal(report.stoppedBy?.kind, 'invalid-response');
  });

  it('a next link that repeats → stopped with the pages kept', async () => {
    fake.failures.repeatNextOnPage = 2;
    const { report, store } = await run();
    assert.equal(report.stoppedBy?.kind, 'paging-loop');
    assert.equal(report.pages, 2);
    assert.equal(store.size, 200);
  });

  it('maxPages stops paging with the pages kept', async () => {
    const { report } = await run({ maxPages: 1 });
    assert.equal(report.pages, 1);
    assert.equal(report.stoppedBy?.kind, 'paging-loop');
  });

  it('cancel: an abort during a slow response ends with cancelled and the pages so far', async () => {
    fake.failures.slowMs = 300;
    const ac = new AbortController();
    const { report, batches } = await run({}, { signal: ac.signal, onBatch: () => ac.abort() });
    assert.equal(report.cancelled, true);
    assert.equal(report.stoppedBy, undefined);
    assert.equal(batches.length, 1);

    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    const t0 = performance.now();
    const mid = await run({}, { signal: ac2.signal });
    assert.equal(mid.report.cancelled, true);
    assert.equal(mid.report.pages, 0);
    assert.ok(performance.now() - t0 < 290, 'did not wait for the slow response');
  });

  it('the token never appears in any error message, url or log line', async () => {
    const errors: string[] = [];
    const collect = (r: FetchReport) => {
      if (r.stoppedBy) errors.push(r.stoppedBy.message, r.stoppedBy.url, String(r.stoppedBy.stack));
    };
    collect((await run({}, { secret: `${FAKE_TOKEN}x` })).report);
    fake.failures.serverError = { page: 1, times: Infinity };
    collect((await run()).report);
    fake.failures.serverError = undefined;
    fake.failures.truncate = { page: 1 };
    collect((await run()).report);
    fake.failures.truncate = undefined;
    fake.failures.repeatNextOnPage = 2;
    collect((await run()).report);
    try {
      await provider.validate(account(), `${FAKE_TOKEN}x`);
    } catch (e) {
      errors.push(String(e), (e as Error).message);
    }
    assert.ok(errors.length >= 5);
    for (const text of [...errors, ...logs]) {
      for (const f of [...tokenForms, ...secretForms(`${FAKE_TOKEN}x`)]) assert.ok(!text.includes(f), `leaks the token: ${text}`);
    }
  });

  describe('normalization', () => {
    it('maps every field of the documented event', () => {
      const item = CplnAuditEvent.parse(DOC_EVENT);
      const ev = normalizeEvent(item);
      assert.equal(ev.id, DOC_EVENT.id);
      assert.equal(ev.time, Date.parse('2021-01-02T13:01:02.345Z'));
      assert.equal(ev.provider, 'controlplane');
      assert.equal(ev.account, 'myorg');
      assert.equal(ev.action, 'delete');
      assert.equal(ev.actor, 'bob@example.com');
      assert.equal(ev.service, 'workload');
      assert.equal(ev.region, 'aws-us-west-2');
      assert.equal(ev.sourceIp, '1.2.3.4');
      assert.equal(ev.outcome, 'success');
      assert.equal(ev.error, undefined);
      assert.deepEqual(ev.resources, [DOC_EVENT.resource.id, 'my-workload']);
      assert.deepEqual(ev.raw, DOC_EVENT);
      assert.deepEqual(extraFields(item), {
        'resource.name': 'my-workload',
        'resource.type': 'workload',
        'context.gvcAlias': 'gm0b1e3a1vxjj',
        'context.podId': 'workload-00016-deployment-54b5b8f94f-jqkcn',
        requestId: DOC_EVENT.requestId,
      });
    });

    it('actor falls back to subject.name then ""; failures carry result.message; missing fields are tolerated', () => {
      const named = normalizeEvent(CplnAuditEvent.parse({ ...DOC_EVENT, subject: { name: 'robot' }, result: { status: 'Error', message: 'nope' } }));
      assert.equal(named.actor, 'robot');
      assert.equal(named.outcome, 'failure');
      assert.equal(named.error, 'nope');
      const bare = normalizeEvent(CplnAuditEvent.parse({ id: 'x', unknownField: 1 }));
      assert.equal(bare.actor, '');
      assert.equal(bare.account, '');
      assert.ok(Number.isNaN(bare.time));
      assert.equal(bare.outcome, 'unknown');
      assert.deepEqual(bare.resources, []);
      assert.deepEqual(bare.raw, { id: 'x', unknownField: 1 });
    });

    const outcomes: [string | undefined, string][] = [
      ['OK', 'success'],
      ['ok', 'success'],
      ['success', 'success'],
      ['200', 'success'],
      ['Error', 'failure'],
      ['FAILED', 'failure'],
      ['denied', 'failure'],
      ['403', 'failure'],
      ['InternalError', 'failure'],
      ['pending', 'unknown'],
      ['', 'unknown'],
      [undefined, 'unknown'],
    ];
    for (const [status, want] of outcomes) it(`outcome of ${JSON.stringify(status)} is ${want}`, () => assert.equal(outcomeOf(status), want));

    it('fetched events keep the record as received as raw, and the extra columns filter', async () => {
      const { store } = await run();
      const row = store.query('id:ev-00003').rows(0, 1, ['id', 'outcome', 'error', 'actor', 'resource.name', 'context.podId', 'requestId']);
      const { row: _row, ...cells } = row[0];
      assert.deepEqual(cells, { id: 'ev-00003', outcome: 'failure', error: 'denied 3', actor: 'user0@example.com', 'resource.name': 'identity-3', 'context.podId': 'workload-3-pod', requestId: 'req-3' });
      assert.equal(store.query('resource.name:identity-3 context.podId:workload-3-pod').count, 5);
      const raw = JSON.parse(store.rawText(store.query('id:ev-00003').rows(0, 1, ['id'])[0].row as number)) as Record<string, unknown>;
      assert.deepEqual(raw, fake.events[3]);
    });
  });

  describe('pushdown table', () => {
    const T1 = '2026-01-01T01:00:00.000Z';
    const table: [string, Record<string, string>, string[], string][] = [
      ['', {}, [], ''],
      ['action:delete', { actionType: 'delete' }, ['action: delete'], ''],
      ['action:"Delete"', { actionType: 'Delete' }, ['action: Delete'], ''],
      ['action:Delete', {}, [], 'action:Delete'],
      ['action:del*', {}, [], 'action:del*'],
      ['actionType:Delete', { actionType: 'Delete' }, ['actionType: Delete'], ''],
      ['action.type:edit raw.resource.type:gvc', { actionType: 'edit', resourceType: 'gvc' }, ['action.type: edit', 'raw.resource.type: gvc'], ''],
      ['service:workload', { resourceType: 'workload' }, ['service: workload'], ''],
      ['resourceType:secret', { resourceType: 'secret' }, ['resourceType: secret'], ''],
      ['resources:secret', {}, [], 'resources:secret'],
      ['region:aws-us-west-2', { location: 'aws-us-west-2' }, ['region: aws-us-west-2'], ''],
      ['location:aws-us-west-2', { location: 'aws-us-west-2' }, ['location: aws-us-west-2'], ''],
      ['context.gvcAlias:g1 context.podId:p1', { gvcAlias: 'g1', podId: 'p1' }, ['context.gvcAlias: g1', 'context.podId: p1'], ''],
      ['gvcAlias:G1 podId:P1', { gvcAlias: 'G1', podId: 'P1' }, ['gvcAlias: G1', 'podId: P1'], ''],
      [`time:>=${T1}`, { fromEvent: T1 }, ['time range'], 'time:>=2026-01-01T01:00Z'],
      ['time:<2026-01-02', { toEvent: '2026-01-02T00:00:00.000Z' }, ['time range'], 'time:<2026-01-02'],
      ['action:a action:b', { actionType: 'a' }, ['action: a'], 'action:b'],
      ['action:a OR action:b', {}, [], 'action:a OR action:b'],
      ['-action:a', {}, [], '-action:a'],
      ['delete service:gvc actor:bob*', { resourceType: 'gvc' }, ['service: gvc'], 'delete actor:bob*'],
      ['region:"x y"', { location: 'x y' }, ['region: x y'], ''],
    ];
    for (const [filter, params, sent, local] of table) {
      it(JSON.stringify(filter), () => {
        const pd = pushDown(filter);
        assert.deepEqual(pd.params, params);
        assert.deepEqual(pd.sentToApi, sent);
        assert.equal(pd.localFilter, local);
      });
    }

    it('merges LiveQuery from/to with time terms (tightest wins)', () => {
      const pd = pushDown('time:>2026-01-01T01:00Z time:<2026-01-01T05:00Z', { from: Date.UTC(2026, 0, 1, 2), to: Date.UTC(2026, 0, 1, 9) });
      assert.equal(pd.params.fromEvent, '2026-01-01T02:00:00.000Z');
      assert.equal(pd.params.toEvent, '2026-01-01T05:00:00.000Z');
    });
  });

  describe('client helpers', () => {
    it('authorization header and next links', () => {
      assert.equal(authorizationHeader('abc'), 'Bearer abc');
      assert.equal(authorizationHeader('Bearer abc'), 'Bearer abc');
      assert.equal(authorizationHeader('  bearer   abc '), 'Bearer abc');
      assert.equal(bareToken('Bearer x'), 'x');
      assert.equal(nextRequest({ links: [{ rel: 'self', href: '/audit/org/a' }] }), undefined);
      assert.equal(nextRequest({ links: null }), undefined);
      assert.equal(nextRequest({ links: [{ rel: 'next', href: '/audit/org/a?page=2' }] })?.path, 'audit/org/a?page=2');
      assert.equal(nextRequest({ links: [{ rel: 'next', href: '/org/a?page=2' }] })?.path, 'audit/org/a?page=2');
      assert.equal(nextRequest({ links: [{ rel: 'next', href: '?page=3' }] }, { path: 'audit/org/a?page=2' })?.path, 'audit/org/a?page=3');
      assert.equal(nextRequest({ links: [{ rel: 'next', href: 'https://audit.cpln.io/audit/org/a?page=2' }] })?.path, 'https://audit.cpln.io/audit/org/a?page=2');
    });
  });
});
