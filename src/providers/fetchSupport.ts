/**
 * What every live provider's fetch does the same way: a rate limiter per account entry, and
 * turning whatever ended the paging into the report (cancelled, or stopped by an error that keeps
 * what was fetched). providers/ never imports vscode.
 */
import type { ZodType } from 'zod';
import type { AuditEvent, ProviderId } from '../core/event';
import { ApiError, isApiError } from '../core/errors';
import { AuditEventBatch } from '../core/eventBatch';
import { RateLimiter } from '../core/rateLimit';
import type { AccountConfig, FetchReport } from './provider';

/** One limiter per account entry, kept across calls, so validate, scopes and fetch share the budget. */
export function limiterPerAccount(perSecond: number, burst: number): (account: AccountConfig) => RateLimiter {
  const limiters = new Map<string, RateLimiter>();
  return (account) => {
    let l = limiters.get(account.id);
    if (!l) {
      l = new RateLimiter({ perSecond, burst });
      limiters.set(account.id, l);
    }
    return l;
  };
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
 * One page of API items as a batch: each item checked with `schema` (one that is not an event is
 * counted, not shown: the caller logs how many), normalized, its raw JSON kept as it came.
 */
export function pageBatch<T>(
  provider: ProviderId,
  source: string,
  items: readonly unknown[],
  schema: ZodType<T>,
  normalize: (ev: T) => AuditEvent,
  extra: (ev: T) => Record<string, string | undefined>,
): { batch: AuditEventBatch; skipped: number } {
  const batch = new AuditEventBatch(provider, source);
  let skipped = 0;
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      skipped++;
      continue;
    }
    batch.add(normalize(parsed.data), JSON.stringify(item), extra(parsed.data));
  }
  return { batch, skipped };
}
