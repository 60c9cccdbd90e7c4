// Client-side throttle, one instance per provider account (Conformity about 1 req/s, CloudTrail
// LookupEvents 2 req/s, Cloudflare well under 1200 / 5 min, others 2–5 req/s).
// A token bucket with reservations: each caller takes a token now (the count may go negative) and
// waits until its token has been refilled, so concurrent callers are served in arrival order and
// spaced 1/perSecond apart once the burst is used up. An aborted wait gives its token back.
// core/ never imports vscode.

export interface RateLimiterOptions {
  /** Sustained rate, requests per second (> 0). */
  perSecond: number;
  /** Requests allowed back to back before spacing starts (default 1, i.e. strict spacing). */
  burst?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

export class RateLimiter {
  readonly perSecond: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  constructor(opts: RateLimiterOptions) {
    if (!(opts.perSecond > 0) || !Number.isFinite(opts.perSecond)) throw new RangeError('RateLimiter: perSecond must be a positive number');
    this.perSecond = opts.perSecond;
    this.burst = Math.max(1, Math.floor(opts.burst ?? 1));
    this.now = opts.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Milliseconds the next `acquire()` would wait (0 when a token is free). */
  get waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.perSecond) * 1000;
  }

  /**
   * Resolves when the caller may send one request. Rejects with `signal.reason` (or an
   * AbortError) if the signal aborts first; the token is then returned.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return Promise.resolve();
    const waitMs = (-this.tokens / this.perSecond) * 1000;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        this.refill();
        this.tokens = Math.min(this.burst, this.tokens + 1);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.ceil(waitMs));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.perSecond);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
