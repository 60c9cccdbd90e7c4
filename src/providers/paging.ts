/**
 * The one paging loop of every live fetch (the HTTP providers, CloudTrail LookupEvents, Lake and
 * Athena results): it counts pages and events, pushes each page's batch as it arrives, stops at a
 * cancel between pages, and records in the report how the fetch ended. Whatever ends it, the pages
 * already pushed stay with the caller. A provider only says where pages come from (an async iterator)
 * and what one page becomes. providers/ never imports vscode.
 */
import type { EventBatch } from '../core/batch';
import { ApiError, isApiError } from '../core/errors';
import type { FetchProgress, FetchReport } from './provider';

/** What one page became: its events, built into a batch only when pushed. */
export interface PageEvents {
  readonly size: number;
  build(): EventBatch;
}

export interface PageSink {
  onBatch(batch: EventBatch, progress: FetchProgress): void;
}

/**
 * How paging ended: every page read; a cancel seen between pages; or the page source threw (an
 * error, kept in `report.stoppedBy`, or a cancelled request, `report.cancelled`).
 */
export type PagingEnd = 'complete' | 'cancelled' | 'threw';

export interface PagingOptions<P> {
  signal?: AbortSignal;
  /** The provider's display name, for an error that is not an ApiError. */
  provider: string;
  /** Cleans such an error's message of secrets. */
  redact: (text: string) => string;
  /** A provider's own wording for an ApiError (default: as it is). */
  explain?: (e: ApiError) => ApiError;
  /** Page `n` (1-based, over the whole fetch) as events; the place to log what it left out. */
  toEvents(page: P, n: number): PageEvents;
  /** Push pages with no events after the first (default true); the first is always pushed, so a caller sees the fetch answered. */
  pushEmptyPages?: boolean;
  /** Ask for no page after this many, quietly (a source that enforces its own limit throws instead, see tokenPages). */
  stopAfter?: number;
}

/** Runs `pages` to its end into `sink`, keeping count in `report`; never throws for what a page source throws. */
export async function drivePages<P>(pages: AsyncIterable<P>, report: FetchReport, sink: PageSink, o: PagingOptions<P>): Promise<PagingEnd> {
  try {
    for await (const page of pages) {
      const events = o.toEvents(page, report.pages + 1);
      report.pages++;
      report.events += events.size;
      if (events.size > 0 || report.pages === 1 || o.pushEmptyPages !== false) sink.onBatch(events.build(), { pages: report.pages, events: report.events });
      if (o.signal?.aborted) {
        report.cancelled = true;
        return 'cancelled';
      }
      if (o.stopAfter !== undefined && report.pages >= o.stopAfter) return 'complete';
    }
    return 'complete';
  } catch (e) {
    recordFetchEnd(report, e, o.signal, o.provider, o.redact, o.explain);
    return 'threw';
  }
}

/**
 * Records in `report` why fetching stopped. API errors go through `explain` (a provider's own
 * wording); anything else becomes a network error whose message `redact` has cleaned.
 */
export function recordFetchEnd(
  report: FetchReport,
  e: unknown,
  signal: AbortSignal | undefined,
  provider: string,
  redact: (text: string) => string,
  explain: (e: ApiError) => ApiError = (x) => x,
): void {
  if (isApiError(e) && e.kind === 'cancelled') report.cancelled = true;
  else if (isApiError(e)) report.stoppedBy = explain(e);
  else if (signal?.aborted) report.cancelled = true;
  else report.stoppedBy = new ApiError({ kind: 'network', provider, url: '', message: redact(e instanceof Error ? e.message : String(e)), cause: e });
}

/**
 * Opens what a fetch needs (an SDK session, a client). When that fails (an unusable secret), the
 * failure is how the fetch ended: it is recorded in `report` and undefined returned.
 */
export function openForFetch<S>(open: () => S, report: FetchReport, signal: AbortSignal | undefined, provider: string): S | undefined {
  try {
    return open();
  } catch (e) {
    // Nothing was opened, so there is no session to redact with; the openers never echo the secret.
    recordFetchEnd(report, e, signal, provider, (t) => t);
    return undefined;
  }
}

export interface TokenPagesOptions<O> {
  /** Pages read so far in the whole fetch (a fetch over several regions counts on across them). */
  pagesSoFar(): number;
  /** The page limit over the whole fetch. */
  maxPages: number;
  /** Requests one page: `page` is its number in the whole fetch, `inSequence` in this token sequence. */
  fetch(token: string | undefined, page: number, inSequence: number): Promise<O>;
  nextToken(out: O): string | undefined;
  /** The error for a further page past the limit (numbered `page`); the pages read stay. */
  limitError(page: number): ApiError;
  /** The error for a token that repeats an earlier one (the API would loop). */
  loopError(page: number, inSequence: number): ApiError;
}

/**
 * The pages of an AWS API that pages by NextToken (LookupEvents, GetQueryResults), as an async
 * iterator for drivePages. A further page past `maxPages`, or a token seen before, throws after the
 * pages already yielded, so the caller keeps them.
 */
export async function* tokenPages<O>(o: TokenPagesOptions<O>): AsyncGenerator<O, void, undefined> {
  const seen = new Set<string>();
  let token: string | undefined;
  let inSequence = 0;
  do {
    const read = o.pagesSoFar();
    if (read >= o.maxPages) throw o.limitError(read + 1);
    inSequence++;
    const out = await o.fetch(token, read + 1, inSequence);
    yield out;
    token = o.nextToken(out) || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw o.loopError(o.pagesSoFar() + 1, inSequence + 1);
      seen.add(token);
    }
  } while (token !== undefined);
}
