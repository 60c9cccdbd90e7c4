import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ApiError, redact } from '../../src/core/errors';
import { HttpClient, parseRetryAfter, type HttpClientOptions } from '../../src/core/http';
import { RateLimiter } from '../../src/core/rateLimit';
import { json, startFakeServer, type FakeServer } from '../support/fakeServer';

const Events = z.object({
  items: z.array(z.object({ id: z.string(), eventTime: z.string() })),
  next: z.string().nullable().optional(),
});
type Events = z.infer<typeof Events>;

const KEY = 'k3y/With+Special=Chars&x y';
const keyForms = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString('base64'), new URLSearchParams({ k: KEY }).toString().slice(2)];

async function rejects(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('core/http HttpClient (real HTTP on 127.0.0.1)', function () {
  this.timeout(20_000);
  let server: FakeServer;
  let clients: HttpClient[] = [];
  let logs: string[] = [];

  function client(extra: Partial<HttpClientOptions> = {}): HttpClient {
    const c = new HttpClient({
      provider: 'TestAPI',
      account: 'prod',
      baseUrl: `${server.url}/api/`,
      secrets: [KEY],
      authorize: () => ({ authorization: `Bearer ${KEY}` }),
      timeouts: { connectMs: 2000, readMs: 2000 },
      retries: { max: 2, baseMs: 1, maxMs: 5 },
      log: (l) => logs.push(l),
      ...extra,
    });
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await startFakeServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    logs = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    // No secret in any log line of any test.
    for (const l of logs) for (const f of keyForms) assert.ok(!l.includes(f), `log line leaks a secret form: ${l}`);
  });

  it('GETs JSON, injects auth at the last moment, sends the query, parses with zod and logs the call', async () => {
    server.handle((_q, res) => json(res, 200, { items: [{ id: 'a', eventTime: '2026-01-01T00:00:00Z', extra: 1 }] }, { 'x-request-id': 'r1' }));
    const data = await client().getJson('/events', { from: '2026-01-01', tag: ['x', 'y'], skip: undefined }, Events);
    assert.deepEqual(data.items, [{ id: 'a', eventTime: '2026-01-01T00:00:00Z' }]);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].url, '/api/events?from=2026-01-01&tag=x&tag=y');
    assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(logs.length, 1);
    assert.match(logs[0], /^GET http:\/\/127\.0\.0\.1:\d+\/api\/events\?from=2026-01-01&tag=x&tag=y → 200 in \d+ ms$/);
  });

  it('maps a zod failure to invalid-response naming the path', async () => {
    server.handle((_q, res) => json(res, 200, { items: [{ id: 'a', eventTime: 'x' }, { id: 'b', eventTime: 7 }] }));
    const e = await rejects(client().getJson('/events', undefined, Events));
    assert.equal(e.kind, 'invalid-response');
    assert.match(e.message, /not the expected JSON/);
    assert.match(e.message, /items\[1\]\.eventTime: /);
    assert.equal(server.requests.length, 1, 'not retried');
  });

  it('maps a non-JSON body (an HTML error page) to invalid-response', async () => {
    server.handle((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    const e = await rejects(client().getJson('/events', undefined, Events));
    assert.equal(e.kind, 'invalid-response');
    assert.match(e.message, /not JSON.*text\/html/);
  });

  for (const [status, kind, pattern] of [
    [401, 'auth', /The API key was rejected \(401\)\. Check the key for account prod or add it again\./],
    [403, 'forbidden', /not allowed to do this \(403\)/],
    [404, 'not-found', /Not found \(404\)/],
    [400, 'bad-request', /rejected the request \(400\): bad filter/],
  ] as const) {
    it(`maps ${status} to ${kind} without retrying`, async () => {
      server.handle((_q, res) => json(res, status, { message: 'bad filter' }, { 'x-amzn-requestid': `id-${status}` }));
      const e = await rejects(client().getJson('/events', undefined, Events));
      assert.equal(e.kind, kind);
      assert.equal(e.status, status);
      assert.equal(e.requestId, `id-${status}`);
      assert.match(e.message, pattern);
      assert.equal(server.requests.length, 1, 'sent once');
    });
  }

  it('waits for Retry-After: 1 on 429, then succeeds', async () => {
    server.handle((_q, res, n) => (n === 1 ? json(res, 429, { message: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, { items: [] })));
    const t0 = performance.now();
    const data = await client({ retries: { max: 3, baseMs: 1, maxMs: 2 } }).getJson('/events', undefined, Events);
    assert.deepEqual(data.items, []);
    assert.equal(server.requests.length, 2);
    const gap = server.requests[1].at - server.requests[0].at;
    assert.ok(gap >= 900, `the retry waited for Retry-After (gap ${Math.round(gap)} ms)`);
    assert.ok(performance.now() - t0 >= 900);
    assert.ok(logs.some((l) => /→ 429 .*retrying in 1000 ms \(try 2 of 4\)/.test(l)), logs.join('\n'));
  });

  it('gives up on 429 after all tries and says when to try again', async () => {
    server.handle((_q, res) => json(res, 429, {}, { 'retry-after': '0' }));
    const e = await rejects(client({ retries: { max: 3, baseMs: 1, maxMs: 2 } }).getJson('/events', undefined, Events));
    assert.equal(e.kind, 'rate-limited');
    assert.equal(server.requests.length, 4);
    assert.match(e.message, /^Rate limited \(429\) by TestAPI after 4 tries; try again in 0 s\.$/);
  });

  it('does not sit out a Retry-After longer than the cap: fails at once with the wait in the message', async () => {
    server.handle((_q, res) => json(res, 429, {}, { 'retry-after': '30' }));
    const e = await rejects(client({ retries: { max: 3, baseMs: 1, maxMs: 2, maxRetryAfterMs: 5000 } }).getJson('/events', undefined, Events));
    assert.equal(e.kind, 'rate-limited');
    assert.equal(server.requests.length, 1);
    assert.equal(e.retryAfterMs, 30_000);
    assert.match(e.message, /after 1 try; try again in 30 s\./);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('retries 500 a few times, then fails with server and the request id', async () => {
    server.handle((_q, res, n) => json(res, 500, { error: 'boom' }, { 'x-request-id': `req-${n}` }));
    const e = await rejects(client().getJson('/events', undefined, Events));
    assert.equal(e.kind, 'server');
    assert.equal(e.status, 500);
    assert.equal(server.requests.length, 3, '1 try + 2 retries');
    assert.equal(e.attempts, 3);
    assert.equal(e.requestId, 'req-3');
    assert.match(e.message, /server error \(500\): boom, after 3 tries \(request id req-3\)\. Try again later\./);
  });

  it('recovers when a 503 is followed by a 200', async () => {
    server.handle((_q, res, n) => (n < 3 ? json(res, 503, {}, { 'cf-ray': 'ray-1' }) : json(res, 200, { items: [] })));
    await client().getJson('/events', undefined, Events);
    assert.equal(server.requests.length, 3);
  });

  it('a body cut off mid-JSON (socket destroyed) is a network error, retried, and says so', async () => {
    server.handle((_q, res) => {
      const text = JSON.stringify({ items: [{ id: 'a', eventTime: 'b' }], pad: 'x'.repeat(200) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
      res.write(text.slice(0, text.length >> 1), () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const e = await rejects(client().getJson('/events', undefined, Events));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /cut off after \d+ of \d+ bytes/);
    assert.equal(server.requests.length, 3, 'retried like a reset');
  });

  it('a body that ends early without a length (connection: close) is invalid-response', async () => {
    server.handle((req) => {
      req.socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"items":[{"id":"a",');
    });
    const e = await rejects(client().getJson('/events', undefined, Events));
    assert.equal(e.kind, 'invalid-response');
    assert.match(e.message, /not JSON.*cut off/);
  });

  it('a slow server times out after readMs, without retrying', async () => {
    server.handle((_q, res) => {
      setTimeout(() => json(res, 200, { items: [] }), 1500).unref();
    });
    const t0 = performance.now();
    const e = await rejects(client({ timeouts: { connectMs: 1000, readMs: 150 } }).getJson('/events', undefined, Events));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /^Timed out after 0\.2 s waiting for the response from 127\.0\.0\.1:\d+ \(GET \/api\/events\)\.$/);
    assert.ok(server.requests.length <= 1, "not retried"); // under load the timeout can fire before the server logs the request
    assert.ok(performance.now() - t0 < 1200, "did not wait for the server");
  });

  it('aborting mid-request cancels it', async () => {
    server.handle(() => {
      /* never answers */
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = performance.now();
    const e = await rejects(client().getJson('/events', undefined, Events, { signal: ac.signal }));
    assert.equal(e.kind, 'cancelled');
    assert.ok(performance.now() - t0 < 1500);
    assert.equal(server.requests.length, 1);
  });

  it('aborting during a retry wait cancels the wait', async () => {
    server.handle((_q, res) => json(res, 500, {}));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = performance.now();
    const c = client({ retries: { max: 3, baseMs: 10_000, maxMs: 10_000 }, random: () => 1 });
    const e = await rejects(c.getJson('/events', undefined, Events, { signal: ac.signal }));
    assert.equal(e.kind, 'cancelled');
    assert.equal(server.requests.length, 1);
    assert.ok(performance.now() - t0 < 2000);
  });

  it('a refused connection is a network error after retries', async () => {
    const tmp = http.createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
    const port = (tmp.address() as AddressInfo).port;
    await new Promise<void>((r) => tmp.close(() => r()));
    const e = await rejects(client({ baseUrl: `http://127.0.0.1:${port}/` }).getJson('/x', undefined, Events));
    assert.equal(e.kind, 'network');
    assert.equal(e.attempts, 3);
    assert.match(e.message, /Could not reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  describe('paginate', () => {
    const pageOf = (n: number, next: string | null) => ({ items: [{ id: `p${n}`, eventTime: 't' }], next });
    const nextFrom = (p: Events) => (p.next ? { path: p.next } : undefined);

    it('walks 3 pages (relative and absolute next links) and logs the page number', async () => {
      server.handle((req, res) => {
        const n = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
        json(res, 200, pageOf(n, n < 3 ? (n === 1 ? `${server.url}/api/events?page=2` : `events?page=${n + 1}`) : null));
      });
      const ids: string[] = [];
      for await (const p of client().paginate({ path: 'events' }, Events, nextFrom)) ids.push(...p.items.map((i) => i.id));
      assert.deepEqual(ids, ['p1', 'p2', 'p3']);
      assert.deepEqual(
        server.requests.map((r) => r.url),
        ['/api/events', '/api/events?page=2', '/api/events?page=3'],
      );
      assert.match(logs[2], /^GET http:\/\/127\.0\.0\.1:\d+\/api\/events\?page=3 → 200 in \d+ ms \(page 3\)$/);
    });

    it('stops with paging-loop when a next link repeats, keeping the earlier pages', async () => {
      server.handle((req, res) => {
        const n = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
        json(res, 200, pageOf(n, 'events?page=2'));
      });
      const got: string[] = [];
      let err: unknown;
      try {
        for await (const p of client().paginate({ path: 'events' }, Events, nextFrom)) got.push(p.items[0].id);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ApiError);
      assert.equal(err.kind, 'paging-loop');
      assert.equal(err.page, 3);
      assert.deepEqual(got, ['p1', 'p2']);
      assert.equal(server.requests.length, 2);
    });

    it('stops at maxPages with paging-loop', async () => {
      server.handle((req, res) => {
        const n = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
        json(res, 200, pageOf(n, `events?page=${n + 1}`));
      });
      const got: string[] = [];
      const e = await rejects(
        (async () => {
          for await (const p of client().paginate({ path: 'events' }, Events, nextFrom, { maxPages: 3 })) got.push(p.items[0].id);
        })(),
      );
      assert.equal(e.kind, 'paging-loop');
      assert.match(e.message, /Stopped after 3 pages/);
      assert.deepEqual(got, ['p1', 'p2', 'p3']);
    });

    it('a bad page 3 fails naming the page and path; pages 1–2 stay with the caller', async () => {
      server.handle((req, res) => {
        const n = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
        json(res, 200, n === 3 ? { items: [{ id: 3, eventTime: 't' }], next: null } : pageOf(n, `events?page=${n + 1}`));
      });
      const got: string[] = [];
      const e = await rejects(
        (async () => {
          for await (const p of client().paginate({ path: 'events' }, Events, nextFrom)) got.push(p.items[0].id);
        })(),
      );
      assert.equal(e.kind, 'invalid-response');
      assert.match(e.message, /not the expected JSON at page 3: items\[0\]\.id: /);
      assert.deepEqual(got, ['p1', 'p2']);
    });

    it('refuses a next link to another host (credentials stay home)', async () => {
      server.handle((_q, res) => json(res, 200, pageOf(1, 'http://evil.invalid/steal')));
      const e = await rejects(
        (async () => {
          for await (const _p of client().paginate({ path: 'events' }, Events, nextFrom)) void _p;
        })(),
      );
      assert.equal(e.kind, 'invalid-response');
      assert.match(e.message, /another host/);
      assert.equal(server.requests.length, 1);
    });
  });

  it('spaces requests with the rate limiter (5 at 20/s)', async () => {
    server.handle((_q, res) => json(res, 200, { items: [] }));
    const c = client({ limiter: new RateLimiter({ perSecond: 20 }) });
    await Promise.all([1, 2, 3, 4, 5].map((i) => c.getJson('/events', { i }, Events)));
    assert.equal(server.requests.length, 5);
    assert.deepEqual(
      server.requests.map((r) => r.url),
      [1, 2, 3, 4, 5].map((i) => `/api/events?i=${i}`),
      'served in arrival order',
    );
    const span = server.requests[4].at - server.requests[0].at;
    assert.ok(span >= 150, `4 gaps of ~50 ms (span ${Math.round(span)} ms)`);
  });

  it('never leaks the secret (raw, URL-encoded, base64) into messages, urls or logs', async () => {
    const basic = Buffer.from(`user:${KEY}`).toString('base64');
    server.handle((req, res) => {
      const u = new URL(req.url!, 'http://x');
      const status = Number(u.searchParams.get('status'));
      json(res, status, { message: `key ${KEY} / ${encodeURIComponent(KEY)} / ${basic} is bad` }, { 'x-request-id': 'leak-check' });
    });
    const c = client({ authorize: () => ({ authorization: `Basic ${basic}`, 'x-api-key': KEY }) });
    const errors: ApiError[] = [];
    for (const status of [400, 401, 403, 404, 500]) {
      errors.push(await rejects(c.getJson('/events', { status, api_key: KEY }, Events)));
    }
    errors.push(await rejects(c.getJson(`/events/${encodeURIComponent(KEY)}`, { status: 200 }, Events)));
    assert.equal(server.requests[0].headers['x-api-key'], KEY, 'the key did reach the server');
    for (const e of errors) {
      for (const text of [e.message, e.url, String(e.stack)]) {
        for (const f of [...keyForms, basic]) assert.ok(!text.includes(f), `leak of ${f} in ${text}`);
      }
      assert.ok(e.url.includes('[redacted]'), e.url);
    }
    assert.ok(logs.length >= 6);
    for (const l of logs) assert.ok(!l.includes(basic), l);
  });

  it('redact() hides every form of every secret', () => {
    const s = 'a+b/c=d e';
    const text = `raw ${s} enc ${encodeURIComponent(s)} form ${new URLSearchParams({ q: s })} b64 ${Buffer.from(s).toString('base64')} b64url ${Buffer.from(s).toString('base64url')}`;
    const out = redact(text, [s, '']);
    for (const f of [s, encodeURIComponent(s), Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url'), 'a%2Bb']) assert.ok(!out.includes(f), out);
    assert.equal(redact('nothing here', []), 'nothing here');
  });
});

describe('core/rateLimit RateLimiter', () => {
  it('lets a burst through, then spaces the rest; an aborted wait gives its token back', async () => {
    let t = 0;
    const rl = new RateLimiter({ perSecond: 10, burst: 2, now: () => t });
    await rl.acquire();
    await rl.acquire();
    assert.ok(Math.abs(rl.waitMs - 100) < 1e-6, `next waits 100 ms, got ${rl.waitMs}`);
    const ac = new AbortController();
    const p = rl.acquire(ac.signal);
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.ok(Math.abs(rl.waitMs - 100) < 1e-6, 'token returned');
    t += 100;
    assert.equal(rl.waitMs, 0);
    await rl.acquire();
  });

  it('waits in real time (3 at 50/s, burst 1, take ≥ ~40 ms)', async () => {
    const rl = new RateLimiter({ perSecond: 50 });
    const t0 = performance.now();
    await Promise.all([rl.acquire(), rl.acquire(), rl.acquire()]);
    assert.ok(performance.now() - t0 >= 35);
  });
});
