import assert from 'node:assert/strict';
import type { EventBatch } from '../../src/core/batch';
import { ApiError } from '../../src/core/errors';
import { AuditEventBatch } from '../../src/core/eventBatch';
import { drivePages, tokenPages, type PagingOptions } from '../../src/providers/paging';
import type { FetchProgress, FetchReport } from '../../src/providers/provider';

/** A page of `n` events, numbered so a test can tell which page a batch came from. */
interface Page {
  no: number;
  n: number;
}

function emptyReport(): FetchReport {
  return { pages: 0, events: 0, pushDown: { sentToApi: [], localFilter: '' }, cancelled: false };
}

function recorder(): { batches: Array<{ size: number; progress: FetchProgress }>; onBatch(b: EventBatch, p: FetchProgress): void } {
  const batches: Array<{ size: number; progress: FetchProgress }> = [];
  return { batches, onBatch: (b, p) => batches.push({ size: b.count, progress: { ...p } }) };
}

function toEvents(page: Page): AuditEventBatch {
  const b = new AuditEventBatch('controlplane', 'test');
  for (let i = 0; i < page.n; i++) {
    const id = `p${page.no}-${i}`;
    b.add({ id, time: Date.UTC(2026, 0, 1, 0, page.no, i), provider: 'controlplane', account: 'a', action: 'x', actor: 'bob', outcome: 'success', raw: { id } }, JSON.stringify({ id }));
  }
  return b;
}

function options(extra: Partial<PagingOptions<Page>> = {}): PagingOptions<Page> {
  return { provider: 'Test', redact: (t) => t.replaceAll('s3cret', '[redacted]'), toEvents, ...extra };
}

/** Pages 1..count of `n` events; page `failAt` throws `error` instead. Counts how many were asked for. */
function source(count: number, n: number, failAt?: number, error: unknown = new ApiError({ kind: 'server', provider: 'Test', url: 'http://x/', status: 500, message: 'boom' })) {
  const asked = { pages: 0 };
  async function* pages(): AsyncGenerator<Page, void, undefined> {
    for (let no = 1; no <= count; no++) {
      asked.pages++;
      await Promise.resolve();
      if (no === failAt) throw error;
      yield { no, n };
    }
  }
  return { asked, pages: pages() };
}

describe('paging: the one fetch loop (drivePages)', () => {
  it('pushes every page as it comes, counting pages and events, and ends complete', async () => {
    const report = emptyReport();
    const sink = recorder();
    const end = await drivePages(source(3, 4).pages, report, sink, options());
    assert.equal(end, 'complete');
    assert.deepEqual([report.pages, report.events, report.cancelled, report.stoppedBy], [3, 12, false, undefined]);
    assert.deepEqual(
      sink.batches.map((b) => [b.size, b.progress.pages, b.progress.events]),
      [
        [4, 1, 4],
        [4, 2, 8],
        [4, 3, 12],
      ],
    );
  });

  it('an error on page N keeps pages 1..N-1 and is the report\'s stoppedBy', async () => {
    const report = emptyReport();
    const sink = recorder();
    const end = await drivePages(source(5, 2, 3).pages, report, sink, options());
    assert.equal(end, 'threw');
    assert.equal(report.pages, 2);
    assert.equal(report.events, 4);
    assert.equal(sink.batches.length, 2);
    assert.equal(report.stoppedBy?.kind, 'server');
    assert.equal(report.cancelled, false);
  });

  it('an error that is not an ApiError becomes a network error with the secret redacted', async () => {
    const report = emptyReport();
    const end = await drivePages(source(2, 1, 2, new Error('socket hang up near s3cret')).pages, report, recorder(), options());
    assert.equal(end, 'threw');
    assert.equal(report.pages, 1);
    assert.equal(report.stoppedBy?.kind, 'network');
    assert.equal(report.stoppedBy?.message, 'socket hang up near [redacted]');
  });

  it('explain rewords an ApiError in the provider\'s terms', async () => {
    const report = emptyReport();
    const explain = (e: ApiError) => new ApiError({ kind: e.kind, provider: 'Test', url: e.url, message: `explained: ${e.message}` });
    await drivePages(source(2, 1, 1).pages, report, recorder(), options({ explain }));
    assert.equal(report.stoppedBy?.message, 'explained: boom');
  });

  it('a cancel during a page keeps that page, asks for no further page and ends cancelled', async () => {
    const report = emptyReport();
    const sink = recorder();
    const ac = new AbortController();
    const src = source(10, 3);
    const end = await drivePages(src.pages, report, sink, options({ signal: ac.signal, toEvents: (p) => (p.no === 2 && ac.abort(), toEvents(p)) }));
    assert.equal(end, 'cancelled');
    assert.deepEqual([report.pages, report.events, report.cancelled, report.stoppedBy], [2, 6, true, undefined]);
    assert.equal(sink.batches.length, 2);
    assert.equal(src.asked.pages, 2, 'no request for page 3 after the cancel');
  });

  it('a cancel the source throws (an aborted request) is a cancel in the report, not an error, keeping the pages before', async () => {
    const report = emptyReport();
    const cancelled = new ApiError({ kind: 'cancelled', provider: 'Test', url: 'http://x/', message: 'Cancelled the request to Test.' });
    const end = await drivePages(source(4, 1, 3, cancelled).pages, report, recorder(), options());
    assert.equal(end, 'threw');
    assert.deepEqual([report.pages, report.cancelled, report.stoppedBy], [2, true, undefined]);
  });

  it('stopAfter reads no page past the limit, without an error', async () => {
    const report = emptyReport();
    const src = source(10, 1);
    const end = await drivePages(src.pages, report, recorder(), options({ stopAfter: 3 }));
    assert.equal(end, 'complete');
    assert.deepEqual([report.pages, report.stoppedBy, src.asked.pages], [3, undefined, 3]);
  });

  it('with pushEmptyPages false, empty pages after the first are counted but not pushed', async () => {
    async function* pages(): AsyncGenerator<Page, void, undefined> {
      yield { no: 1, n: 0 };
      yield { no: 2, n: 2 };
      yield { no: 3, n: 0 };
    }
    const report = emptyReport();
    const sink = recorder();
    await drivePages(pages(), report, sink, options({ pushEmptyPages: false }));
    assert.equal(report.pages, 3);
    assert.deepEqual(
      sink.batches.map((b) => b.size),
      [0, 2],
    );
  });
});

describe('paging: AWS NextToken pages (tokenPages)', () => {
  /** A token API: page i answers token `t<i>` for the next one; `tokens` overrides what a page sends. */
  function tokenApi(count: number, tokens: Record<number, string> = {}) {
    const calls: Array<{ token: string | undefined; page: number; inSequence: number }> = [];
    return {
      calls,
      fetch: (token: string | undefined, page: number, inSequence: number) => {
        calls.push({ token, page, inSequence });
        const i = token === undefined ? 1 : Number(token.slice(1));
        return Promise.resolve({ no: i, n: 1, next: tokens[i] ?? (i < count ? `t${i + 1}` : undefined) });
      },
    };
  }
  const limitError = (page: number) => new ApiError({ kind: 'paging-loop', provider: 'Test', url: '', page, message: `limit at ${page}` });
  const loopError = (page: number, n: number) => new ApiError({ kind: 'paging-loop', provider: 'Test', url: '', page, message: `loop at ${page}/${n}` });

  it('follows the tokens to the end, numbering pages over the whole fetch', async () => {
    const report = emptyReport();
    const api = tokenApi(3);
    const pages = tokenPages({ pagesSoFar: () => report.pages, maxPages: 100, fetch: api.fetch, nextToken: (o) => o.next, limitError, loopError });
    assert.equal(await drivePages(pages, report, recorder(), options()), 'complete');
    assert.equal(report.pages, 3);
    assert.deepEqual(
      api.calls.map((c) => [c.token, c.page, c.inSequence]),
      [
        [undefined, 1, 1],
        ['t2', 2, 2],
        ['t3', 3, 3],
      ],
    );
  });

  it('maxPages: a further page past the limit stops with the limit error; the pages read stay', async () => {
    const report = emptyReport();
    const api = tokenApi(10);
    const pages = tokenPages({ pagesSoFar: () => report.pages, maxPages: 4, fetch: api.fetch, nextToken: (o) => o.next, limitError, loopError });
    assert.equal(await drivePages(pages, report, recorder(), options()), 'threw');
    assert.equal(report.pages, 4);
    assert.equal(api.calls.length, 4, 'page 5 is never requested');
    assert.equal(report.stoppedBy?.message, 'limit at 5');
  });

  it('maxPages reached exactly at the last page is no error', async () => {
    const report = emptyReport();
    const api = tokenApi(4);
    const pages = tokenPages({ pagesSoFar: () => report.pages, maxPages: 4, fetch: api.fetch, nextToken: (o) => o.next, limitError, loopError });
    assert.equal(await drivePages(pages, report, recorder(), options()), 'complete');
    assert.equal(report.stoppedBy, undefined);
  });

  it('a token that repeats an earlier one stops with the loop error after the pages read', async () => {
    const report = emptyReport();
    const api = tokenApi(10, { 3: 't2' });
    const pages = tokenPages({ pagesSoFar: () => report.pages, maxPages: 100, fetch: api.fetch, nextToken: (o) => o.next, limitError, loopError });
    assert.equal(await drivePages(pages, report, recorder(), options()), 'threw');
    assert.equal(report.pages, 3);
    assert.equal(report.stoppedBy?.message, 'loop at 4/4');
  });
});
