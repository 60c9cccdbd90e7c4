import assert from 'node:assert/strict';
import type { EventBatch } from '../../src/core/batch';
import { ApiError, secretForms } from '../../src/core/errors';
import { EventStore } from '../../src/core/store';
import type { AccountConfig, FetchProgress, FetchReport, LiveQuery } from '../../src/providers/provider';
import { eventRequest, exoscaleBaseUrl, EXOSCALE_ZONES, rfc3339, timeWindows } from '../../src/providers/exoscale/client';
import { credentialSecrets, decodeExoscaleCredentials, encodeExoscaleCredentials } from '../../src/providers/exoscale/credentials';
import { createExoscaleProvider, type ExoscaleProviderOptions } from '../../src/providers/exoscale/index';
import { extraFields, normalizeEvent, outcomeOf, serviceOf } from '../../src/providers/exoscale/normalize';
import { pushDown } from '../../src/providers/exoscale/pushdown';
import { ExoEvent } from '../../src/providers/exoscale/schema';
import { exoscaleAuthorizer, signRequest, signedQuery } from '../../src/providers/exoscale/signer';
import { takeContractViolations } from '../support/contract/hook';
import {
  FAKE_KEY,
  FAKE_SECRET,
  HOSTILE_MESSAGE,
  START,
  STEP_MS,
  WEEK_EVENTS,
  startExoscaleFake,
  verifySignature,
  type ExoFake,
} from '../support/fakes/exoscale';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const STORED = encodeExoscaleCredentials(FAKE_KEY, FAKE_SECRET);

// The response example of the API document (seeds/exoscale-list-events.txt), with real-looking values.
const DOC_EVENT = {
  'iam-user': {
    sso: true,
    'two-factor-authentication': true,
    email: 'alice@example.com',
    id: '11111111-2222-4333-8444-555555555555',
    role: {
      id: '66666666-7777-4888-9999-000000000000',
      name: 'admin',
      description: 'Full access',
      permissions: ['bypass-governance-retention'],
      labels: { additionalProperty1: 'string' },
      editable: true,
      policy: { 'default-service-strategy': 'allow', services: { compute: { type: 'rules', rules: [{ action: 'allow', expression: 'true', resources: ['string'] }] } } },
    },
    pending: false,
  },
  'request-id': 'req-0001',
  'iam-role': { id: '66666666-7777-4888-9999-000000000000', name: 'admin' },
  zone: 'de-fra-1',
  'get-params': { verbose: 'true' },
  'body-params': { name: 'web-1' },
  status: 201,
  'source-ip': '203.0.113.7',
  'iam-api-key': { name: 'ci', key: 'EXOfeedfacefeedfacefeedface', 'role-id': '66666666-7777-4888-9999-000000000000' },
  uri: '/v2/instance/0b2c6d1e-aaaa-4bbb-8ccc-123456789abc',
  'elapsed-ms': 42,
  timestamp: '2025-05-04T09:42:00.123Z',
  'path-params': { id: '0b2c6d1e-aaaa-4bbb-8ccc-123456789abc' },
  handler: 'create-instance',
  message: 'create-instance 0b2c6d1e',
  futureField: { kept: true },
};

describe('providers/exoscale', function () {
  this.timeout(20_000);

  describe('signer: EXO2-HMAC-SHA256', () => {
    // Upstream test vectors, verbatim: egoscale v2/api/security_test.go
    // TestSecurityProviderExoscale_SignRequest, and the same values in exoscale/requests-exoscale-auth
    // tests/test_exoscale_auth.py (API-NOTES §2).
    const key = 'EXOxxxxxxxxxxxxxxxxxxxxxxxx';
    const secret = 'X'.repeat(43);
    const expires = Date.UTC(2077, 0, 1) / 1000;

    it('expires for 2077-01-01T00:00:00Z is 3376684800', () => assert.equal(expires, 3376684800));

    it('vector 1 (egoscale, requests-exoscale-auth): GET /v2/zone, no params', () => {
      const s = signRequest({ method: 'GET', url: 'https://api.exoscale.com/v2/zone', key, secret, expires });
      assert.equal(s.message, 'GET /v2/zone\n\n\n\n3376684800');
      assert.equal(s.header, 'EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,expires=3376684800,signature=Ntbq/p0HVmA3Zg1HHY+Lq1vjFGi7HeMrrgXDS5jRNlY=');
    });

    it('vector 2 (egoscale, requests-exoscale-auth): GET /v2/zone?k1=v1&k2=v2', () => {
      const s = signRequest({ method: 'GET', url: 'https://api.exoscale.com/v2/zone?k1=v1&k2=v2', key, secret, expires });
      assert.equal(s.message, 'GET /v2/zone\n\nv1v2\n\n3376684800');
      assert.equal(
        s.header,
        'EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,signed-query-args=k1;k2,expires=3376684800,signature=iqOBz13+44L5j0uJclE8hmUhQQcvtCSoPEOXYK6liqY=',
      );
    });

    it('vector 3 (requests-exoscale-auth only): POST /v2/load-balancer with a body', () => {
      const s = signRequest({ method: 'POST', url: 'https://api.exoscale.com/v2/load-balancer', body: '{"name": "foo"}', key, secret, expires });
      assert.equal(s.message, 'POST /v2/load-balancer\n{"name": "foo"}\n\n\n3376684800');
      assert.equal(s.header, 'EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,expires=3376684800,signature=duldkM0+pgWRtUznj0rMrZauzsYOtSVLn1LCGcs7CcE=');
    });

    it('derived events vector (API-NOTES §2, computed with the same algorithm, not upstream)', () => {
      const url = 'https://api-ch-gva-2.exoscale.com/v2/event?from=2025-03-01T00%3A00%3A00Z&to=2025-03-02T00%3A00%3A00Z';
      const s = signRequest({ method: 'GET', url, key, secret, expires });
      assert.equal(s.message, 'GET /v2/event\n\n2025-03-01T00:00:00Z2025-03-02T00:00:00Z\n\n3376684800');
      assert.equal(
        s.header,
        'EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,signed-query-args=from;to,expires=3376684800,signature=H/ooI92fAbGMMY9r0a/33PtEDsdn7G75jduFdN5VvJY=',
      );
      // The request HttpClient builds for a window is exactly that URL.
      const req = eventRequest({ from: Date.UTC(2025, 2, 1), to: Date.UTC(2025, 2, 2) });
      const u = new URL(req.path, 'https://api-ch-gva-2.exoscale.com/v2/');
      for (const [k, v] of Object.entries(req.query ?? {})) u.searchParams.append(k, String(v));
      assert.equal(u.toString(), url);
    });

    it('multi-valued params are left out of both the values and signed-query-args; names sort, values decode', () => {
      const q = signedQuery(new URLSearchParams('z=%3A+x&b=2&a=1&b=3&B=up'));
      assert.deepEqual(q, { names: ['B', 'a', 'z'], values: 'up1: x' });
      const s = signRequest({ method: 'get', url: 'https://h/v2/x?b=2&a=1&b=3', key, secret, expires: 5 });
      assert.equal(s.message, 'GET /v2/x\n\n1\n\n5');
      assert.match(s.header, /,signed-query-args=a,expires=5,/);
      assert.deepEqual(s.signedQueryArgs, ['a']);
    });

    it('signs the escaped path as sent, including a proxy prefix', () => {
      const s = signRequest({ method: 'GET', url: 'https://proxy.example/exo%20api/v2/event', key, secret, expires: 1 });
      assert.ok(s.message.startsWith('GET /exo%20api/v2/event\n'));
    });

    it('the authorize callback signs each attempt with a fresh expires = now + 600 s', () => {
      let now = 1_000_000;
      const auth = exoscaleAuthorizer({ key, secret, now: () => now });
      const url = new URL('https://api-ch-gva-2.exoscale.com/v2/event?from=a&to=b');
      const h1 = auth({ method: 'GET', url, headers: {} }).authorization;
      now += 30_000;
      const h2 = auth({ method: 'GET', url, headers: {} }).authorization;
      assert.match(h1, /,expires=1600,/);
      assert.match(h2, /,expires=1630,/);
      assert.equal(h1, signRequest({ method: 'GET', url, key, secret, expires: 1600 }).header);
    });

    it("the fake's own verifier accepts our signatures and says why it refuses others", () => {
      const nowMs = Date.UTC(2030, 0, 1);
      const exp = nowMs / 1000 + 600;
      const rawUrl = '/v2/event?from=2025-03-01T00%3A00%3A00Z&to=2025-03-02T00%3A00%3A00Z';
      const good = signRequest({ method: 'GET', url: `http://127.0.0.1${rawUrl}`, key: FAKE_KEY, secret: FAKE_SECRET, expires: exp }).header;
      const v = (authorization: string | undefined, url = rawUrl) => verifySignature({ method: 'GET', rawUrl: url, body: '', authorization }, FAKE_KEY, FAKE_SECRET, nowMs);
      assert.equal(v(good), undefined);
      assert.deepEqual(v(undefined), { status: 401, message: 'Missing or malformed Authorization header' });
      assert.deepEqual(v(good, '/v2/event?from=2025-03-01T00%3A00%3A01Z&to=2025-03-02T00%3A00%3A00Z'), { status: 403, message: 'Invalid request signature' });
      assert.deepEqual(v(good, `/proxy${rawUrl}`), { status: 403, message: 'Invalid request signature' });
      const old = signRequest({ method: 'GET', url: `http://127.0.0.1${rawUrl}`, key: FAKE_KEY, secret: FAKE_SECRET, expires: nowMs / 1000 - 1 }).header;
      assert.deepEqual(v(old), { status: 403, message: 'Request expired' });
      const otherKey = signRequest({ method: 'GET', url: `http://127.0.0.1${rawUrl}`, key: 'EXOother', secret: FAKE_SECRET, expires: exp }).header;
      assert.equal(v(otherKey)?.status, 403);
    });
  });

  describe('credentials', () => {
    it('round-trips the stored JSON and accepts the pasted KEY:SECRET and two-line forms', () => {
      assert.equal(STORED, `{"key":"${FAKE_KEY}","secret":"${FAKE_SECRET}"}`);
      const want = { key: FAKE_KEY, secret: FAKE_SECRET };
      assert.deepEqual(decodeExoscaleCredentials(STORED), want);
      assert.deepEqual(decodeExoscaleCredentials(encodeExoscaleCredentials(` ${FAKE_KEY}\n`, `${FAKE_SECRET} `)), want);
      assert.deepEqual(decodeExoscaleCredentials(`${FAKE_KEY}:${FAKE_SECRET}`), want);
      assert.deepEqual(decodeExoscaleCredentials(`  ${FAKE_KEY} : ${FAKE_SECRET}\n`), want);
      assert.deepEqual(decodeExoscaleCredentials(`${FAKE_KEY}\n${FAKE_SECRET}`), want);
      assert.deepEqual(decodeExoscaleCredentials(JSON.stringify({ apiKey: FAKE_KEY, apiSecret: FAKE_SECRET })), want);
    });

    const bad: [string, RegExp][] = [
      ['', /nothing was given/],
      [FAKE_SECRET, /only one value/],
      [`${FAKE_KEY}:`, /secret is missing/],
      [`:${FAKE_SECRET}`, /key is missing/],
      ['{"key":"EXOabc"', /does not parse/],
      ['{"key":"EXOabc"}', /secret is missing/],
      [`{"key":"EXO a","secret":"${FAKE_SECRET}"}`, /key contains spaces/],
      ['[1,2]', /not usable/],
    ];
    for (const [input, why] of bad) {
      it(`refuses ${JSON.stringify(input.slice(0, 20))} with a helpful auth error that does not echo it`, () => {
        assert.throws(
          () => decodeExoscaleCredentials(input),
          (e: unknown) => {
            assert.ok(e instanceof ApiError);
            assert.equal(e.kind, 'auth');
            assert.match(e.message, why);
            assert.match(e.message, /KEY:SECRET/);
            for (const f of [FAKE_SECRET, FAKE_KEY, 'EXOabc']) assert.ok(!e.message.includes(f), e.message);
            return true;
          },
        );
      });
    }

    it('redacts the whole stored string, the key and the secret', () => {
      assert.deepEqual(new Set(credentialSecrets(STORED)), new Set([STORED, FAKE_KEY, FAKE_SECRET]));
      assert.deepEqual(credentialSecrets('garbage'), ['garbage']);
    });
  });

  describe('client helpers', () => {
    it('base URL per zone, default ch-gva-2, endpoint override with or without /v2', () => {
      assert.ok((EXOSCALE_ZONES as readonly string[]).includes('hr-zag-1'));
      assert.equal(EXOSCALE_ZONES.length, 8);
      assert.equal(exoscaleBaseUrl(), 'https://api-ch-gva-2.exoscale.com/v2');
      assert.equal(exoscaleBaseUrl('HR-ZAG-1'), 'https://api-hr-zag-1.exoscale.com/v2');
      for (const z of EXOSCALE_ZONES) assert.equal(exoscaleBaseUrl(z), `https://api-${z}.exoscale.com/v2`);
      assert.equal(exoscaleBaseUrl('de-fra-1', 'http://127.0.0.1:9/exo/v2/'), 'http://127.0.0.1:9/exo/v2');
      assert.equal(exoscaleBaseUrl(undefined, 'https://api-at-vie-1.exoscale.com'), 'https://api-at-vie-1.exoscale.com/v2');
      assert.throws(() => exoscaleBaseUrl('evil.com/x'), (e: ApiError) => e.kind === 'bad-request' && /not an Exoscale zone/.test(e.message));
      assert.throws(() => exoscaleBaseUrl(undefined, 'not a url'), /not a URL/);
    });

    it('time windows are half-open, oldest first, and sent as RFC 3339 in whole seconds', () => {
      assert.deepEqual(timeWindows(0, 10 * HOUR, 6 * HOUR), [
        { from: 0, to: 6 * HOUR },
        { from: 6 * HOUR, to: 10 * HOUR },
      ]);
      assert.deepEqual(timeWindows(5, 5), []);
      assert.equal(timeWindows(START, START + WEEK).length, 28);
      assert.equal(rfc3339(Date.UTC(2026, 0, 5, 1, 2, 3, 999)), '2026-01-05T01:02:03Z');
      assert.deepEqual(eventRequest({ from: 1500, to: 2500 }).query, { from: '1970-01-01T00:00:01Z', to: '1970-01-01T00:00:03Z' });
    });
  });

  describe('against the fake API', () => {
    let fake: ExoFake;
    let logs: string[] = [];
    const NOW = START + WEEK;
    const baseOpts: ExoscaleProviderOptions = {
      log: (l) => logs.push(l),
      retries: { max: 2, baseMs: 1, maxMs: 5 },
      timeouts: { connectMs: 2000, readMs: 3000 },
      perSecond: 1000,
      now: () => NOW,
    };
    const provider = createExoscaleProvider(baseOpts);
    const account = (extra: Partial<AccountConfig> = {}): AccountConfig => ({ id: 'exo1', provider: 'exoscale', label: 'acme exo', endpoint: fake.endpoint, region: 'de-fra-1', ...extra });
    const secretTexts = [STORED, FAKE_KEY, FAKE_SECRET].flatMap((s) => secretForms(s));

    interface Run {
      report: FetchReport;
      batches: EventBatch[];
      progress: FetchProgress[];
      store: EventStore;
    }

    async function run(
      query: Partial<LiveQuery> = {},
      opts: { secret?: string; acct?: Partial<AccountConfig>; signal?: AbortSignal; onBatch?: () => void; provider?: ReturnType<typeof createExoscaleProvider> } = {},
    ): Promise<Run> {
      const batches: EventBatch[] = [];
      const progress: FetchProgress[] = [];
      const store = new EventStore();
      const report = await (opts.provider ?? provider).fetch(
        account(opts.acct),
        opts.secret ?? STORED,
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
    const week = { from: START, to: START + WEEK };

    before(async () => {
      fake = await startExoscaleFake();
    });
    after(async () => {
      await fake.close();
    });
    const reset = (): void => {
      fake.requests.length = 0;
      fake.failures.length = 0;
      fake.verdicts.length = 0;
    };
    beforeEach(() => {
      reset();
      logs = [];
    });
    afterEach(() => {
      for (const l of logs) for (const f of secretTexts) assert.ok(!l.includes(f), `log line leaks a credential: ${l}`);
    });

    it('a week loads window by window (6 h each), signed, with progress, in time order, each event once', async () => {
      const { report, batches, progress, store } = await run(week);
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.cancelled, false);
      assert.equal(report.pages, 28);
      assert.equal(report.events, WEEK_EVENTS);
      assert.equal(store.size, WEEK_EVENTS);
      assert.equal(batches.length, 28);
      assert.deepEqual(
        progress.map((p) => p.pages),
        Array.from({ length: 28 }, (_, i) => i + 1),
      );
      assert.deepEqual(progress.at(-1), { pages: 28, events: WEEK_EVENTS });
      // 24 events per window: the one on each boundary (the fake's `to` is inclusive) is kept once.
      assert.ok(batches.every((b) => b.count === 24));
      const times = batches.flatMap((b) => [...b.time]);
      assert.equal(times.length, WEEK_EVENTS);
      for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] < times[i], `time order at ${i}`);
      assert.equal(times[0], START);
      assert.equal(times.at(-1), START + (WEEK_EVENTS - 1) * STEP_MS);
      // Every request passed the fake's signature check, and has the documented shape.
      assert.equal(fake.requests.length, 28);
      assert.deepEqual(fake.verdicts, Array(28).fill(''));
      assert.equal(fake.requests[0].url, '/v2/event?from=2026-01-05T00%3A00%3A00Z&to=2026-01-05T06%3A00%3A00Z');
      assert.equal(fake.requests[27].url, '/v2/event?from=2026-01-11T18%3A00%3A00Z&to=2026-01-12T00%3A00%3A00Z');
      for (const r of fake.requests)
        assert.match(String(r.headers.authorization), new RegExp(`^EXO2-HMAC-SHA256 credential=${FAKE_KEY},signed-query-args=from;to,expires=\\d+,signature=[A-Za-z0-9+/]+=*$`));
      assert.deepEqual(report.pushDown, { sentToApi: ['time range'], localFilter: '' });
    });

    it('without a range: the past 24 h before now, in 4 windows; windowMs is an option', async () => {
      const { report } = await run();
      assert.equal(report.pages, 4);
      assert.equal(report.events, 96);
      assert.deepEqual(report.pushDown.sentToApi, []);
      assert.equal(fake.requests[0].url, `/v2/event?from=${encodeURIComponent(rfc3339(NOW - DAY))}&to=${encodeURIComponent(rfc3339(NOW - 18 * HOUR))}`);
      reset();
      const hourly = createExoscaleProvider({ ...baseOpts, windowMs: HOUR });
      const r = await run({}, { provider: hourly });
      assert.equal(r.report.pages, 24);
      assert.equal(r.report.events, 96);
    });

    it('a proxy prefix in the endpoint is signed as sent', async () => {
      const proxied = await startExoscaleFake({ basePath: '/exo/v2' });
      try {
        const { report } = await run({ from: START, to: START + 6 * HOUR }, { acct: { endpoint: proxied.endpoint } });
        assert.equal(report.stoppedBy, undefined);
        assert.equal(report.events, 24);
        assert.ok(proxied.requests[0].url.startsWith('/exo/v2/event?'));
        assert.deepEqual(proxied.verdicts, ['']);
      } finally {
        await proxied.close();
      }
    });

    it('validate: one signed call over the last minute', async () => {
      const msg = await provider.validate(account(), STORED);
      assert.match(msg, /the key can read/);
      assert.match(msg, /0 in the last minute/);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].url, `/v2/event?from=${encodeURIComponent(rfc3339(NOW - 60_000))}&to=${encodeURIComponent(rfc3339(NOW))}`);
      assert.deepEqual(fake.verdicts, ['']);
    });

    it('a wrong secret → a clear auth error about the signature, without the secret', async () => {
      const wrong = encodeExoscaleCredentials(FAKE_KEY, `${FAKE_SECRET.slice(0, -1)}Q`);
      const { report, batches } = await run(week, { secret: wrong });
      assert.equal(batches.length, 0);
      assert.equal(report.stoppedBy?.kind, 'auth');
      assert.equal(report.stoppedBy.status, 403);
      assert.match(report.stoppedBy.message, /rejected the request signature \(403\) for account acme exo/);
      assert.match(report.stoppedBy.message, /secret belongs to the API key/);
      assert.equal(fake.requests.length, 1, 'auth failures are not retried');
      assert.deepEqual(fake.verdicts, ['Invalid request signature']);
      await assert.rejects(provider.validate(account(), wrong), (e: ApiError) => {
        assert.equal(e.kind, 'auth');
        assert.match(e.message, /signature/);
        for (const f of [...secretTexts, ...secretForms(wrong)]) assert.ok(!e.message.includes(f));
        return true;
      });
    });

    it('an expired signature (a clock 11 minutes slow) → auth error that points at the clock', async () => {
      const slowClock = createExoscaleProvider({ ...baseOpts, signClock: () => Date.now() - 11 * 60_000 });
      const { report } = await run(week, { provider: slowClock });
      assert.equal(report.stoppedBy?.kind, 'auth');
      assert.match(report.stoppedBy.message, /expired/);
      assert.match(report.stoppedBy.message, /clock/);
      assert.deepEqual(fake.verdicts, ['Request expired']);
    });

    it('malformed credentials → stoppedBy auth before any request; validate throws it', async () => {
      const { report } = await run(week, { secret: 'just-one-value' });
      assert.equal(report.stoppedBy?.kind, 'auth');
      assert.match(report.stoppedBy.message, /KEY:SECRET/);
      assert.equal(fake.requests.length, 0);
      await assert.rejects(provider.validate(account(), 'just-one-value'), /KEY:SECRET/);
    });

    it('maxPages stops with "Stopped after N pages" and keeps those windows', async () => {
      const { report, store } = await run({ ...week, maxPages: 3 });
      assert.equal(report.pages, 3);
      assert.equal(store.size, 72);
      assert.equal(report.stoppedBy?.kind, 'paging-loop');
      assert.match(report.stoppedBy.message, /^Stopped after 3 pages from Exoscale \(the page limit\); the pages loaded so far are kept/);
      assert.equal(fake.requests.length, 3);
    });

    it('429 with Retry-After is waited for and retried, with a fresh valid signature', async () => {
      fake.failures.push({ at: 2, kind: 'status', status: 429, retryAfter: '0.3' });
      const t0 = performance.now();
      const { report } = await run({ from: START, to: START + DAY });
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.events, 96);
      assert.equal(fake.requests.length, 5);
      assert.equal(fake.requests[1].url, fake.requests[2].url);
      assert.ok(fake.requests[2].at - fake.requests[1].at >= 290, 'waited for Retry-After');
      assert.ok(performance.now() - t0 >= 290);
      assert.deepEqual(fake.verdicts, Array(5).fill(''));
      assert.ok(logs.some((l) => /→ 429 .*retrying in 300 ms/.test(l)), logs.join('\n'));
    });

    it('a 500 that persists after some windows → stoppedBy with the fetched events kept; a single 500 is retried', async () => {
      fake.failures.push({ at: 2, kind: 'status', status: 500 });
      const once = await run({ from: START, to: START + DAY });
      assert.equal(once.report.stoppedBy, undefined);
      assert.equal(once.report.events, 96);

      reset();
      fake.failures.push({ at: 4, kind: 'status', status: 500, times: Infinity });
      const { report, store, batches } = await run(week);
      assert.equal(report.pages, 3);
      assert.equal(batches.length, 3);
      assert.equal(store.size, 72);
      assert.equal(report.stoppedBy?.kind, 'server');
      assert.equal(report.stoppedBy.page, 4);
      assert.equal(report.stoppedBy.attempts, 3);
      assert.match(report.stoppedBy.message, /Exoscale had a server error \(500\): Internal Server Error at page 4, after 3 tries/);
      assert.match(report.stoppedBy.message, /page 4 is 2026-01-05T18:00Z to 2026-01-06T00:00Z/);
    });

    it('a truncated body or a non-JSON body → invalid-response, earlier windows kept', async () => {
      fake.failures.push({ at: 2, kind: 'truncate' });
      const cut = await run(week);
      assert.equal(cut.report.pages, 1);
      assert.equal(cut.report.events, 24);
      assert.equal(cut.report.stoppedBy?.kind, 'invalid-response');
      assert.match(cut.report.stoppedBy.message, /not JSON at page 2/);

      reset();
      fake.failures.push({ at: 1, kind: 'non-json' });
      const html = await run(week);
      assert.equal(html.report.pages, 0);
      assert.equal(html.report.stoppedBy?.kind, 'invalid-response');
      assert.match(html.report.stoppedBy.message, /not JSON .*text\/html.*502 Bad Gateway/);
    });

    const statuses: [number, string, RegExp][] = [
      [400, 'bad-request', /rejected the request \(400\): from: expected an RFC 3339 date-time/],
      [401, 'auth', /rejected \(401\).*acme exo/],
      [403, 'forbidden', /not allowed to do this \(403\): Forbidden: operation list-events is not allowed by the IAM role.*must allow the list-events operation/],
      [404, 'not-found', /Not found \(404\).*base URL/],
    ];
    for (const [status, kind, message] of statuses) {
      it(`${status} → ${kind} with the API's message, not retried`, async () => {
        fake.failures.push({ at: 1, kind: 'status', status });
        const { report } = await run(week);
        assert.equal(report.stoppedBy?.kind, kind);
        assert.match(report.stoppedBy.message, message);
        assert.equal(fake.requests.length, 1);
      });
    }

    it('a response slower than the read timeout → timeout', async () => {
      const impatient = createExoscaleProvider({ ...baseOpts, timeouts: { connectMs: 1000, readMs: 300 } });
      fake.failures.push({ at: 1, kind: 'slow', ms: 2000 });
      const t0 = performance.now();
      const { report } = await run(week, { provider: impatient });
      assert.equal(report.stoppedBy?.kind, 'timeout');
      assert.match(report.stoppedBy.message, /Timed out after 0.3 s/);
      assert.ok(performance.now() - t0 < 1500);
    });

    it('cancel: after a window, or during a slow response', async () => {
      const ac = new AbortController();
      const { report, batches } = await run(week, { signal: ac.signal, onBatch: () => ac.abort() });
      assert.equal(report.cancelled, true);
      assert.equal(report.stoppedBy, undefined);
      assert.equal(batches.length, 1);

      reset();
      fake.failures.push({ at: 1, kind: 'slow', ms: 1000 });
      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(), 100);
      const t0 = performance.now();
      const mid = await run(week, { signal: ac2.signal });
      assert.equal(mid.report.cancelled, true);
      assert.equal(mid.report.pages, 0);
      assert.ok(performance.now() - t0 < 900, 'did not wait for the slow response');
    });

    it('the filter: time range to the API, the rest local, same result as filtering everything locally', async () => {
      const all = (await run(week)).store;
      reset();
      const filter = 'time:>=2026-01-06T00:00Z time:<2026-01-07T00:00Z action:delete-instance outcome:failure';
      const { report, store } = await run({ filter, from: START, to: START + WEEK });
      assert.deepEqual(report.pushDown.sentToApi, ['time range']);
      assert.equal(report.pages, 4);
      const times = (s: EventStore, f: string) => s.query(f).rows(0, 1e6, ['time']).map((r) => Number(r.time)).sort();
      const expected = times(all, filter);
      assert.ok(expected.length > 0);
      assert.deepEqual(times(store, report.pushDown.localFilter), expected);
    });

    it('fetched events keep the record as received as raw (hostile strings too), and the extra columns filter', async () => {
      const { store } = await run(week);
      assert.equal(store.query('status:500').count, fake.events.filter((e) => e.status === 500).length);
      assert.ok(store.query('status:500').count > 0);
      assert.equal(store.query('iam-role.name:deployer').count, WEEK_EVENTS / 3);
      assert.equal(store.query('outcome:failure').count, fake.events.filter((e) => Number(e.status) >= 400).length);
      assert.ok(store.query('uri:/v2/sks-cluster/*').count > 0);
      const v = store.query('actor:"user0@example.com" action:create-instance');
      assert.ok(v.count > 0);
      const hostile = store.query('message:*onerror*');
      assert.ok(hostile.count > 0);
      const row = hostile.rows(0, 1, ['message'])[0];
      assert.equal(row.message, HOSTILE_MESSAGE);
      const raw = JSON.parse(store.rawText(row.row as number)) as Record<string, unknown>;
      assert.deepEqual(raw, fake.events.find((e) => e.message === HOSTILE_MESSAGE && e.timestamp === raw.timestamp));
      assert.equal(store.query('source:"acme exo"').count, WEEK_EVENTS);
    });

    it('no key, secret or Authorization header in any error message, url, stack or log line', async () => {
      const errors: string[] = [];
      const sentHeaders: string[] = [];
      const collect = (r: FetchReport) => {
        if (r.stoppedBy) errors.push(r.stoppedBy.message, r.stoppedBy.url, String(r.stoppedBy.stack));
        for (const q of fake.requests) if (q.headers.authorization) sentHeaders.push(String(q.headers.authorization));
      };
      const wrong = encodeExoscaleCredentials(FAKE_KEY, 'AnotherSecretAnotherSecretAnotherSecret1234');
      collect((await run(week, { secret: wrong })).report);
      collect((await run(week, { secret: `${FAKE_KEY}:${FAKE_SECRET}`, acct: { endpoint: `${fake.url}/nope/v2` } })).report);
      // A wrong endpoint on purpose: the contract hook names it, and only it.
      const offPath = takeContractViolations();
      assert.ok(offPath.length > 0 && offPath.every((p) => /GET \/nope\/v2\/event is not under the API's base path/.test(p)), offPath.join('\n'));
      for (const f of [
        { at: 1, kind: 'status', status: 500, times: Infinity },
        { at: 1, kind: 'status', status: 403 },
        { at: 1, kind: 'status', status: 429, retryAfter: '120' },
        { at: 1, kind: 'truncate' },
        { at: 1, kind: 'non-json' },
      ] as const) {
        reset();
        fake.failures.push({ ...f });
        collect((await run(week)).report);
      }
      collect((await run({}, { secret: 'EXOonly' })).report);
      try {
        await provider.validate(account(), wrong);
      } catch (e) {
        errors.push(String(e), (e as Error).message, String((e as Error).stack));
      }
      assert.ok(errors.length >= 24);
      assert.ok(sentHeaders.length > 0);
      const forbidden = [...secretTexts, ...secretForms(wrong), 'AnotherSecretAnotherSecretAnotherSecret1234', 'EXOonly', ...sentHeaders];
      for (const text of [...errors, ...logs]) for (const f of forbidden) assert.ok(!text.includes(f), `leaks a credential: ${text}`);
    });
  });

  describe('normalization', () => {
    it('maps every documented field', () => {
      const item = ExoEvent.parse(DOC_EVENT);
      const ev = normalizeEvent(item, 'acme');
      assert.deepEqual(
        { ...ev, raw: undefined },
        {
          id: 'req-0001',
          time: Date.parse('2025-05-04T09:42:00.123Z'),
          provider: 'exoscale',
          account: 'acme',
          action: 'create-instance',
          actor: 'alice@example.com',
          service: 'instance',
          region: 'de-fra-1',
          sourceIp: '203.0.113.7',
          outcome: 'success',
          error: undefined,
          resources: ['0b2c6d1e-aaaa-4bbb-8ccc-123456789abc'],
          raw: undefined,
        },
      );
      assert.deepEqual(ev.raw, DOC_EVENT);
      assert.deepEqual(extraFields(item), {
        message: 'create-instance 0b2c6d1e',
        status: '201',
        uri: '/v2/instance/0b2c6d1e-aaaa-4bbb-8ccc-123456789abc',
        'elapsed-ms': '42',
        'iam-role.name': 'admin',
        'iam-api-key.key': 'EXOfeedfacefeedfacefeedface',
      });
    });

    it('actor falls back to the API key name, its key, then the role name; failures carry the message', () => {
      const { 'iam-user': _u, ...noUser } = DOC_EVENT;
      assert.equal(normalizeEvent(ExoEvent.parse(noUser), 'a').actor, 'ci');
      assert.equal(normalizeEvent(ExoEvent.parse({ ...noUser, 'iam-api-key': { key: 'EXOk' } }), 'a').actor, 'EXOk');
      const { 'iam-api-key': _k, ...roleOnly } = noUser;
      assert.equal(normalizeEvent(ExoEvent.parse(roleOnly), 'a').actor, 'admin');
      const failed = normalizeEvent(ExoEvent.parse({ ...DOC_EVENT, status: 403, message: 'Forbidden' }), 'a');
      assert.equal(failed.outcome, 'failure');
      assert.equal(failed.error, 'Forbidden');
      assert.equal(normalizeEvent(ExoEvent.parse({ status: 500 }), 'a').error, 'HTTP 500');
    });

    it('the python-exoscale example row and an empty record are tolerated', () => {
      const row = { handler: 'authenticate', 'source-ip': 'x.x.x.x', message: 'User user@exoscale.com: authenticate', status: 200, timestamp: '2025-03-10T14:52:34Z' };
      const ev = normalizeEvent(ExoEvent.parse(row), 'org');
      assert.equal(ev.id, '');
      assert.equal(ev.action, 'authenticate');
      assert.equal(ev.actor, '');
      assert.equal(ev.time, Date.UTC(2025, 2, 10, 14, 52, 34));
      assert.equal(ev.service, undefined);
      assert.deepEqual(ev.resources, []);
      const bare = normalizeEvent(ExoEvent.parse({}), 'org');
      assert.ok(Number.isNaN(bare.time));
      assert.equal(bare.outcome, 'unknown');
      assert.equal(bare.action, '');
      assert.ok(!ExoEvent.safeParse({ status: 'two hundred' }).success);
    });

    const outcomes: [number | undefined | null, string][] = [
      [200, 'success'],
      [204, 'success'],
      [299, 'success'],
      [302, 'unknown'],
      [100, 'unknown'],
      [0, 'unknown'],
      [400, 'failure'],
      [403, 'failure'],
      [503, 'failure'],
      [undefined, 'unknown'],
      [null, 'unknown'],
    ];
    for (const [status, want] of outcomes) it(`outcome of ${String(status)} is ${want}`, () => assert.equal(outcomeOf(status), want));

    it('service from the uri', () => {
      assert.equal(serviceOf('/v2/sks-cluster/abc/nodepool/def:scale'), 'sks-cluster');
      assert.equal(serviceOf('/v2/instance?x=1'), 'instance');
      assert.equal(serviceOf('https://api-ch-gva-2.exoscale.com/v2/dns-domain/1'), 'dns-domain');
      assert.equal(serviceOf('/zone'), 'zone');
      assert.equal(serviceOf('/v2'), undefined);
      assert.equal(serviceOf(''), undefined);
    });
  });

  describe('pushdown', () => {
    const NOW = Date.UTC(2026, 0, 10, 12);
    const table: [string, { from?: number; to?: number }, number, number, string[], string][] = [
      ['', {}, NOW - DAY, NOW, [], ''],
      ['action:create-instance', {}, NOW - DAY, NOW, [], 'action:create-instance'],
      ['time:>=2026-01-08', {}, Date.UTC(2026, 0, 8), NOW, ['time range'], 'time:>=2026-01-08'],
      ['time:<2026-01-08T06:00Z', {}, Date.UTC(2026, 0, 7, 6), Date.UTC(2026, 0, 8, 6), ['time range'], 'time:<2026-01-08T06:00Z'],
      // A minute-precision `<=` means "up to the end of that minute".
      ['time:<=2026-01-08T06:00Z', {}, Date.UTC(2026, 0, 7, 6, 1), Date.UTC(2026, 0, 8, 6, 1), ['time range'], 'time:<2026-01-08T06:01Z'],
      ['time:<=2026-01-08T06:00:00.000Z', {}, Date.UTC(2026, 0, 7, 6, 0, 0, 1), Date.UTC(2026, 0, 8, 6, 0, 0, 1), ['time range'], 'time:<=2026-01-08T06:00:00.000Z'],
      ['time:-6h actor:bob*', {}, NOW - 6 * HOUR, NOW, ['time range'], 'time:>=2026-01-10T06:00Z actor:bob*'],
      ['', { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) }, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2), ['time range'], ''],
      [
        'time:>2026-01-01T05:00Z time:<2026-01-01T09:00Z',
        { from: Date.UTC(2026, 0, 1, 6), to: Date.UTC(2026, 0, 1, 12) },
        Date.UTC(2026, 0, 1, 6),
        Date.UTC(2026, 0, 1, 9),
        ['time range'],
        'time:>2026-01-01T05:00Z time:<2026-01-01T09:00Z',
      ],
      // Inside an OR the time terms cannot narrow the fetch: they stay local only.
      ['time:<2026-01-01 OR action:x', {}, NOW - DAY, NOW, [], 'time:<2026-01-01 OR action:x'],
    ];
    for (const [filter, range, from, to, sent, local] of table) {
      it(`${JSON.stringify(filter)} ${JSON.stringify(range)}`, () => {
        const pd = pushDown(filter, range, NOW);
        assert.equal(pd.from, from);
        assert.equal(pd.to, to);
        assert.deepEqual(pd.sentToApi, sent);
        assert.equal(pd.localFilter, local);
      });
    }

    it('a bad filter throws the query error', () => {
      assert.throws(() => pushDown('time:>nonsense', {}, NOW), /time/);
    });
  });
});
