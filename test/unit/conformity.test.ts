import assert from 'node:assert/strict';
import type { EventBatch } from '../../src/core/batch';
import { ApiError } from '../../src/core/errors';
import { EventStore } from '../../src/core/store';
import { RateLimiter } from '../../src/core/rateLimit';
import type { AccountConfig, FetchReport, LiveQuery } from '../../src/providers/provider';
import { ConformityClient, conformityBaseUrl, eventsQuery, limiterForKey } from '../../src/providers/conformity/client';
import { conformityProvider, createConformityProvider } from '../../src/providers/conformity/index';
import { extraFields, normalizeEvent } from '../../src/providers/conformity/normalize';
import { pushDownText } from '../../src/providers/conformity/pushdown';
import { ConformityErrorBody, ConformityEvent, ConformityEventsPage } from '../../src/providers/conformity/schema';
import { ACCOUNTS, BASE_TIME, eventKind, startFakeConformity, type FakeConformity } from '../support/fakes/conformity';

const KEY = 'S1Ynrb/QuW+agQS0=Mv&b x';
const LIMITED = 'limited-key-0123';
const keyForms = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString('base64'), new URLSearchParams({ k: KEY }).toString().slice(2)];

const T = (iso: string): number => Date.parse(iso);

describe('providers/conformity', function () {
  this.timeout(20_000);
  let fake: FakeConformity;
  let logs: string[] = [];
  let messages: string[] = [];
  let account: AccountConfig;

  const provider = createConformityProvider({
    limiter: () => new RateLimiter({ perSecond: 2000, burst: 50 }),
    retries: { max: 2, baseMs: 1, maxMs: 5 },
    timeouts: { connectMs: 2000, readMs: 600 },
    log: (l) => logs.push(l),
  });

  interface Fetched {
    report: FetchReport;
    batches: EventBatch[];
    store: EventStore;
    ids: string[];
  }

  async function fetchAll(filter: string, params?: Record<string, string>, opts: { secret?: string; signal?: AbortSignal; onBatch?: () => void; query?: Partial<LiveQuery> } = {}): Promise<Fetched> {
    const batches: EventBatch[] = [];
    const store = new EventStore();
    const report = await provider.fetch(
      account,
      opts.secret ?? KEY,
      { filter, params, ...opts.query },
      {
        onBatch: (b) => {
          batches.push(b);
          store.appendBatch(b);
          opts.onBatch?.();
        },
      },
      opts.signal,
    );
    if (report.stoppedBy) messages.push(report.stoppedBy.message, report.stoppedBy.url);
    const ids: string[] = [];
    for (let r = 0; r < store.size; r++) ids.push(store.idOf(r));
    return { report, batches, store, ids };
  }

  function idsOf(store: EventStore, filter: string): string[] {
    const view = store.query(filter);
    return [...view.order].map((r) => store.idOf(r)).sort();
  }

  before(async () => {
    fake = await startFakeConformity({ count: 1000, keys: { [KEY]: ACCOUNTS, [LIMITED]: ['acc-A', 'acc-B'] } });
    account = { id: 'a1', provider: 'conformity', label: 'test', endpoint: fake.url };
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    logs = [];
    messages = [];
  });
  afterEach(() => {
    for (const l of [...logs, ...messages]) for (const f of keyForms) assert.ok(!l.includes(f), `a log line or error leaks the key: ${l}`);
  });

  describe('client', () => {
    it('builds the base URL per region (Cloud One codes, legacy regions, default, endpoint override)', () => {
      const table: [string | undefined, string | undefined, string][] = [
        ['us-1', undefined, 'https://conformity.us-1.cloudone.trendmicro.com/api'],
        ['DE-1', undefined, 'https://conformity.de-1.cloudone.trendmicro.com/api'],
        ['eu-west-1', undefined, 'https://eu-west-1-api.cloudconformity.com/v1'],
        ['ap-southeast-2', undefined, 'https://ap-southeast-2-api.cloudconformity.com/v1'],
        [undefined, undefined, 'https://us-west-2-api.cloudconformity.com/v1'],
        ['eu-west-1', 'http://proxy.local/cc/v1', 'http://proxy.local/cc/v1'],
      ];
      for (const [region, endpoint, want] of table) assert.equal(conformityBaseUrl(region, endpoint), want, `${region} ${endpoint}`);
      assert.throws(() => conformityBaseUrl('mars-1'), /Unknown Conformity region "mars-1"/);
    });

    it('sends every documented filter with its documented name', () => {
      const q = eventsQuery(
        {
          accountIds: ['a', 'b'],
          aws: true,
          azure: false,
          gcp: false,
          cc: false,
          regions: ['us-east-1', 'us-east-2'],
          services: ['EC2'],
          userIds: ['u1'],
          name: 'account.*.update*',
          identities: ['static-deployer'],
          since: 1519919272016,
          until: 1519932055819,
        },
        2,
        500,
      );
      assert.deepEqual(q, {
        accountIds: 'a,b',
        aws: 'true',
        azure: 'false',
        gcp: 'false',
        cc: 'false',
        'filter[regions]': 'us-east-1,us-east-2',
        'filter[services]': 'EC2',
        'filter[userIds]': 'u1',
        'filter[name]': 'account.*.update*',
        'filter[identities]': 'static-deployer',
        'filter[since]': 1519919272016,
        'filter[until]': 1519932055819,
        'page[size]': 500,
        'page[number]': 2,
      });
    });

    it('shares one 1 request/second limiter per key', () => {
      const a = limiterForKey('key-one');
      assert.equal(a, limiterForKey('key-one'));
      assert.notEqual(a, limiterForKey('key-two'));
      assert.equal(a.perSecond, 1);
    });

    it('clamps page[size] to 1000; the fake answers 400 with the error object above 1000', async () => {
      const c = new ConformityClient({ apiKey: KEY, baseUrl: fake.url, limiter: new RateLimiter({ perSecond: 1000 }) });
      try {
        const pages = [];
        for await (const p of c.listEvents({}, { pageSize: 5000 })) pages.push(p);
        assert.equal(pages.length, 1);
        assert.equal(fake.requests[0].query.get('page[size]'), '1000');
        assert.equal(fake.requests[0].headers.authorization, `ApiKey ${KEY}`);
        assert.equal(fake.requests[0].headers['content-type'], 'application/vnd.api+json');
      } finally {
        await c.close();
      }
      const res = await fetch(`${fake.url}/events?page%5Bsize%5D=1001`, { headers: { authorization: `ApiKey ${KEY}` } });
      assert.equal(res.status, 400);
      const body = ConformityErrorBody.parse(await res.json());
      assert.match(body.errors[0].detail, /page\[size\]/);
    });
  });

  describe('fetch', () => {
    it('fetches all pages (page[number] from 0 until meta total-pages) as batches with progress', async () => {
      const progress: number[] = [];
      const batches: EventBatch[] = [];
      const report = await provider.fetch(account, KEY, { filter: '', params: { pageSize: '200' } }, {
        onBatch: (b, p) => {
          batches.push(b);
          progress.push(p.events);
        },
      });
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.cancelled, false);
      assert.equal(report.pages, 5);
      assert.equal(report.events, 1000);
      assert.deepEqual(progress, [200, 400, 600, 800, 1000]);
      assert.deepEqual(
        fake.requests.map((r) => r.query.get('page[number]')),
        ['0', '1', '2', '3', '4'],
      );
      const store = new EventStore();
      for (const b of batches) store.appendBatch(b);
      assert.deepEqual(idsOf(store, ''), fake.events.map((e) => e.id).sort());
      assert.deepEqual(report.pushDown, { sentToApi: [], localFilter: '' });
    });

    it('stops after LiveQuery.maxPages', async () => {
      const { report } = await fetchAll('', { pageSize: '100' }, { query: { maxPages: 2 } });
      assert.equal(report.pages, 2);
      assert.equal(report.events, 200);
      assert.equal(fake.requests.length, 2);
    });

    describe('every pushed-down filter gives the same events as filtering locally', () => {
      let all: EventStore;
      before(async () => {
        fake.reset();
        all = (await fetchAll('')).store;
        assert.equal(all.size, 1000);
      });
      const cases: [string, Record<string, string>][] = [
        ['region:eu-west-1', { 'filter[regions]': 'eu-west-1' }],
        ['region:EU-WEST-1', { 'filter[regions]': 'eu-west-1' }],
        ['service:ec2', { 'filter[services]': 'EC2' }],
        ['service:EC2 OR service:S3', { 'filter[services]': 'EC2,S3' }],
        ['account:acc-B', { accountIds: 'acc-B' }],
        ['account:acc-A OR account:acc-D', { accountIds: 'acc-A,acc-D' }],
        ['actor:static-deployer', { 'filter[identities]': 'static-deployer' }],
        ['identity:"ci-bot"', { 'filter[identities]': 'ci-bot' }],
        ['action:account.rule.update.*', { 'filter[name]': 'account.rule.update.*' }],
        ['name:a??.check.created', { 'filter[name]': 'a??.check.created' }],
        ['eventName:user.login*', { 'filter[name]': 'user.login*' }],
        ['time:>2026-01-01T05:00Z time:<2026-01-01T10:00Z', { 'filter[since]': String(T('2026-01-01T05:00Z') + 1), 'filter[until]': String(T('2026-01-01T10:00Z') - 1) }],
        ['time:>=2026-01-01T05:00Z time:<=2026-01-01T06:00Z', { 'filter[since]': String(T('2026-01-01T05:00Z')), 'filter[until]': String(T('2026-01-01T06:01Z') - 1) }],
        ['time:2026-01-01T07:00Z', { 'filter[since]': String(T('2026-01-01T07:00Z')), 'filter[until]': String(T('2026-01-01T07:01Z') - 1) }],
        ['region:us-east-1 service:EC2 actor:ci-bot time:>2026-01-01T03:00Z', { 'filter[regions]': 'us-east-1', 'filter[services]': 'EC2', 'filter[identities]': 'ci-bot' }],
        ['region:us-east-1 -service:EC2', { 'filter[regions]': 'us-east-1' }],
        ['region:us-* service:S3', { 'filter[services]': 'S3' }],
        ['region:us-east-1 region:eu-west-1', { 'filter[regions]': 'us-east-1' }],
        ['"description of event 12"', {}],
        ['account:acc-A OR region:eu-west-1', {}],
        ['hasChildren:true action:azure.activity.logs', { 'filter[name]': 'azure.activity.logs' }],
        ['action:user.login OR action:api.check.created', {}],
      ];
      for (const [filter, sent] of cases) {
        it(filter, async () => {
          const { store, report } = await fetchAll(filter);
          assert.equal(report.stoppedBy, undefined);
          const want = idsOf(all, filter);
          assert.ok(want.length > 0 || filter.includes('region:us-east-1 region:eu-west-1'), 'the case should select something');
          assert.deepEqual(idsOf(store, report.pushDown.localFilter), want);
          const q = fake.requests[0].query;
          for (const [k, v] of Object.entries(sent)) assert.equal(q.get(k), v, k);
          if (Object.keys(sent).length) assert.ok(store.size < 1000, 'the API did the narrowing');
        });
      }
    });

    it('passes accountIds, userIds and the aws/azure/gcp/cc flags from LiveQuery.params', async () => {
      const aws = await fetchAll('', { aws: 'true', azure: 'false', gcp: 'false', cc: 'false' });
      assert.deepEqual(aws.ids.sort(), fake.events.filter((e) => eventKind(e) === 'aws').map((e) => e.id).sort());
      const cc = await fetchAll('', { aws: 'false', azure: 'false', gcp: 'false', userIds: 'u-1' });
      assert.deepEqual(cc.ids.sort(), fake.events.filter((e) => e.relationships.user?.data.id === 'u-1').map((e) => e.id).sort());
      const accts = await fetchAll('account:acc-A OR account:acc-B', { accountIds: 'acc-B,acc-C' });
      assert.equal(fake.requests.at(-1)!.query.get('accountIds'), 'acc-B');
      assert.deepEqual(accts.ids.sort(), fake.events.filter((e) => e.relationships.account.data.id === 'acc-B').map((e) => e.id).sort());
    });

    it('a wrong key → a clear auth error, nothing kept; validate rejects it', async () => {
      const { report, batches } = await fetchAll('', undefined, { secret: 'wrong-key-xyz' });
      assert.equal(batches.length, 0);
      assert.equal(report.events, 0);
      assert.equal(report.stoppedBy?.kind, 'auth');
      assert.equal(report.stoppedBy?.status, 401);
      assert.match(report.stoppedBy!.message, /API key was rejected \(401\)/);
      assert.ok(!report.stoppedBy!.message.includes('wrong-key-xyz'));
      assert.equal(fake.requests.length, 1, 'no retry on 401');
      await assert.rejects(provider.validate(account, 'wrong-key-xyz'), (e: unknown) => e instanceof ApiError && e.kind === 'auth');
    });

    it('validate → the number of accounts the key can read', async () => {
      assert.equal(await provider.validate(account, KEY), '4 accounts');
      assert.equal(await provider.validate(account, LIMITED), '2 accounts');
      assert.equal(fake.requests[0].path, '/accounts');
    });

    it('an accountId the key cannot read → 403 forbidden with the server detail', async () => {
      const { report } = await fetchAll('account:acc-C', undefined, { secret: LIMITED });
      assert.equal(report.stoppedBy?.kind, 'forbidden');
      assert.match(report.stoppedBy!.message, /403.*acc-C/);
    });

    it('429 with Retry-After is waited for, then the fetch completes', async () => {
      fake.fail({ path: '/events', page: 1, status: 429, retryAfter: '1' });
      const t0 = performance.now();
      const { report } = await fetchAll('', { pageSize: '250' });
      assert.ok(performance.now() - t0 >= 900, 'waited for Retry-After');
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.events, 1000);
      assert.equal(fake.requests.length, 5);
      assert.ok(logs.some((l) => / → 429 .*retrying in 1000 ms/.test(l)), logs.join('\n'));
    });

    it('a 500 once is retried', async () => {
      fake.fail({ path: '/events', page: 0, status: 500 });
      const { report } = await fetchAll('', { pageSize: '500' });
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.events, 1000);
      assert.equal(fake.requests.length, 3);
    });

    it('a truncated body once is retried', async () => {
      fake.fail({ path: '/events', page: 1, truncate: true });
      const { report } = await fetchAll('', { pageSize: '500' });
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.equal(report.events, 1000);
      assert.equal(fake.requests.length, 3);
    });

    it('a 500 on page 3 that persists → earlier pages kept, stoppedBy says where', async () => {
      fake.fail({ path: '/events', page: 2, status: 500, times: 10 });
      const { report, batches, ids } = await fetchAll('', { pageSize: '200' });
      assert.equal(report.pages, 2);
      assert.equal(report.events, 400);
      assert.equal(batches.length, 2);
      assert.deepEqual(ids, fake.events.slice(0, 400).map((e) => e.id));
      assert.equal(report.stoppedBy?.kind, 'server');
      assert.equal(report.stoppedBy?.page, 3);
      assert.match(report.stoppedBy!.message, /server error \(500\).*page 3.*3 tries/);
      assert.equal(report.cancelled, false);
    });

    it('a slow response → timeout, reported, nothing kept', async () => {
      fake.fail({ path: '/events', page: 0, delayMs: 1500 });
      const { report } = await fetchAll('');
      assert.equal(report.stoppedBy?.kind, 'timeout');
      assert.equal(report.events, 0);
    });

    it('cancel between pages keeps what was fetched', async () => {
      const ac = new AbortController();
      const { report } = await fetchAll('', { pageSize: '100' }, { signal: ac.signal, onBatch: () => ac.abort() });
      assert.equal(report.cancelled, true);
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.pages, 1);
      assert.equal(report.events, 100);
    });

    it('cancel during a slow request', async () => {
      fake.fail({ path: '/events', page: 1, delayMs: 400 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 150);
      const { report } = await fetchAll('', { pageSize: '100' }, { signal: ac.signal });
      assert.equal(report.cancelled, true);
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.pages, 1);
    });

    it('the exported provider is wired with the real defaults', () => {
      assert.equal(conformityProvider.id, 'conformity');
      assert.match(conformityProvider.displayName, /Conformity/);
    });
  });

  describe('normalize', () => {
    const sample = {
      type: 'events',
      id: 'rkTkAsr_GSJlpyCoB_M',
      attributes: {
        name: 'account.monitoring.activity',
        time: 1519922649000,
        service: '',
        identity: 'static-deployer',
        region: 'us-east-1',
        description: '',
        hasChildren: true,
        extraThing: { x: 1 },
      },
      relationships: { account: { data: { type: 'account', id: 'ryi9NPivK' } } },
    };

    it('maps the documented example', () => {
      const ev = ConformityEvent.parse(sample);
      assert.deepEqual(ev, sample, 'extra fields are kept');
      const n = normalizeEvent(ev);
      assert.deepEqual(n, {
        id: 'rkTkAsr_GSJlpyCoB_M',
        time: 1519922649000,
        provider: 'conformity',
        account: 'ryi9NPivK',
        action: 'account.monitoring.activity',
        actor: 'static-deployer',
        service: undefined,
        region: 'us-east-1',
        outcome: 'unknown',
        error: undefined,
        raw: sample,
      });
      assert.deepEqual(extraFields(ev), { type: 'events', name: 'account.monitoring.activity', identity: 'static-deployer', description: undefined, hasChildren: 'true' });
    });

    it('service, description, missing identity/account, failure names', () => {
      const ev = ConformityEvent.parse({
        type: 'events',
        id: 'x',
        attributes: { name: 'user.login.error', time: 5, service: 'CloudConformity', description: 'bad password' },
      });
      const n = normalizeEvent(ev);
      assert.equal(n.actor, '');
      assert.equal(n.account, '');
      assert.equal(n.service, 'CloudConformity');
      assert.equal(n.region, undefined);
      assert.equal(n.outcome, 'failure');
      assert.equal(n.error, 'user.login.error');
      assert.equal(extraFields(ev).description, 'bad password');
      assert.equal(extraFields(ev).hasChildren, undefined);
    });

    it('the schema is strict on what we use', () => {
      assert.equal(ConformityEvent.safeParse({ ...sample, attributes: { ...sample.attributes, time: '2018-03-01' } }).success, false);
      assert.equal(ConformityEvent.safeParse({ ...sample, id: undefined }).success, false);
      assert.equal(ConformityEventsPage.safeParse({ data: [sample], meta: { 'total-pages': 1 }, links: { self: 'x' } }).success, true);
      assert.equal(ConformityEventsPage.safeParse({ meta: { 'total-pages': 1 } }).success, false);
    });

    it('fetched events are searchable by their columns', async () => {
      const { store } = await fetchAll('', undefined);
      const first = fake.events[0];
      assert.equal(store.value(0, 'action'), first.attributes.name);
      assert.equal(store.value(0, 'account'), first.relationships.account.data.id);
      assert.equal(store.value(0, 'provider'), 'conformity');
      assert.equal(store.value(0, 'source'), 'test');
      assert.equal(idsOf(store, 'hasChildren:true').length, fake.events.filter((e) => e.attributes.hasChildren).length);
      assert.equal(idsOf(store, 'attributes.hasChildren:true').length, fake.events.filter((e) => e.attributes.hasChildren).length);
    });
  });

  describe('pushdown table', () => {
    const now = T('2026-06-01T00:00Z');
    const table: { q: string; sent: string[]; local: string; window?: { from?: number; to?: number } }[] = [
      { q: '', sent: [], local: '' },
      { q: 'region:eu-west-1', sent: ['region: eu-west-1'], local: '' },
      { q: 'region:eu-west-1 OR region:us-east-1', sent: ['region: eu-west-1, us-east-1'], local: '' },
      { q: 'region:eu-* ', sent: [], local: 'region:eu-*' },
      { q: '-region:eu-west-1', sent: [], local: '-region:eu-west-1' },
      { q: 'service:iam', sent: ['service: IAM'], local: '' },
      { q: 'service:MyCustom', sent: ['service: MyCustom'], local: '' },
      { q: 'account:a1 OR region:x', sent: [], local: 'account:a1 OR region:x' },
      { q: 'account:a1 OR account:a,b', sent: [], local: 'account:a1 OR account:a,b' },
      { q: 'actor:"alice" identity:bob', sent: ['identity: alice'], local: 'identity:bob' },
      { q: 'action:Delete*', sent: ['name: Delete*'], local: '' },
      { q: 'action:a\\*b', sent: [], local: 'action:a\\*b' },
      { q: 'action:x name:y', sent: ['name: x'], local: 'name:y' },
      { q: 'time:>=2026-05-01 time:<2026-05-02', sent: ['time range from 2026-05-01T00:00:00.000Z until 2026-05-01T23:59:59.999Z'], local: '' },
      { q: 'time:>-24h', sent: ['time range from 2026-05-31T00:00:00.001Z'], local: '' },
      { q: 'time:<2026-05-02', sent: ['time range from 2026-05-01T00:00:00.000Z until 2026-05-01T23:59:59.999Z'], local: '', window: { from: T('2026-05-01') } },
      { q: 'time:<2026-05-02', sent: ['time range until 2026-04-30T00:00:00.000Z'], local: '', window: { to: T('2026-04-30') } },
      { q: 'error:* foo "bar baz" userAgent:x', sent: [], local: 'error:* foo "bar baz" userAgent:x' },
      { q: '(region:a OR region:b) service:S3 -actor:root', sent: ['region: a, b', 'service: S3'], local: '-actor:root' },
      { q: 'readOnly:>3', sent: [], local: 'readOnly:>3' },
    ];
    for (const row of table) {
      it(`${JSON.stringify(row.q)}${row.window ? ' with a window' : ''}`, () => {
        const pd = pushDownText(row.q, row.window, now);
        assert.deepEqual(pd.sentToApi, row.sent);
        assert.equal(pd.localFilter, row.local);
      });
    }

    it('returns the query params to send', () => {
      const pd = pushDownText('action:api.* region:eu-west-1 service:ec2 account:x OR account:y actor:me time:>=2026-05-01', {}, now);
      assert.deepEqual(pd.filter, {
        name: 'api.*',
        regions: ['eu-west-1'],
        services: ['EC2'],
        accountIds: ['x', 'y'],
        identities: ['me'],
        since: T('2026-05-01'),
      });
    });

    it('time pushed down with the generated data starts at BASE_TIME', () => {
      assert.equal(BASE_TIME, T('2026-01-01'));
    });
  });
});
