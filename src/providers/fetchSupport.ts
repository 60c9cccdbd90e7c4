/**
 * What the HTTP providers' fetches share besides the paging loop (paging.ts): a rate limiter per
 * account entry, and one page of API items checked and normalized into a batch. providers/ never
 * imports vscode.
 */
import type { ZodType } from 'zod';
import type { AuditEvent } from '../core/event';
import { AuditEventBatch } from '../core/eventBatch';
import { RateLimiter } from '../core/rateLimit';
import type { AccountConfig } from './provider';

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
 * One page of API items as a batch: each item checked with `schema` (one that is not an event is
 * counted, not shown: the caller logs how many), normalized, its raw JSON kept as it came.
 */
export function pageBatch<T>(
  provider: string,
  source: string,
  items: readonly unknown[],
  schema: ZodType<T>,
  normalize: (ev: T) => AuditEvent,
  extra: (ev: T) => Record<string, string | undefined>,
): { batch: AuditEventBatch; skipped: number } {
  const batch = new AuditEventBatch(provider, source);
  const { kept, skipped } = parseItems(items, schema);
  for (const { item, data } of kept) batch.add(normalize(data), JSON.stringify(item), extra(data));
  return { batch, skipped };
}

/** The items `schema` accepts, each with the item as it came; the others are only counted. */
export function parseItems<T>(items: readonly unknown[], schema: ZodType<T>): { kept: Array<{ item: unknown; data: T }>; skipped: number } {
  const kept: Array<{ item: unknown; data: T }> = [];
  let skipped = 0;
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) kept.push({ item, data: parsed.data });
    else skipped++;
  }
  return { kept, skipped };
}
