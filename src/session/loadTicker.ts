/**
 * The panel's one clock while sources load. A SourceSet reports progress once per file merged (a
 * folder of thousands of small files: thousands of times a second); sending each to the webview,
 * the status bar, the tree and the notification flooded the workbench and left each showing a
 * different count. The ticker turns that into one snapshot every `intervalMs` (and a last one when
 * the load ends): everything the person sees while loading is drawn from the same snapshot.
 *
 * It also keeps the work bounded: what a tick costs (the query, facets and histogram rerun over
 * what is loaded so far) stretches the interval, so refreshing never takes more than about a
 * `1 / costFactor` share of the extension host's time, however large the store grows.
 *
 * No VS Code here (unit-tested under node).
 */
import type { LoadStatus, SourceSet } from './sourceSet';

export interface TickerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: TickerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface TickerOptions {
  /** Least time between two snapshots while loading (default 250 ms). */
  intervalMs?: number;
  /**
   * A tick that took t ms waits at least costFactor × t before the next (default 20). Ticks run on
   * the thread that merges the loader's batches, so their time is added to the load's: at 1M
   * events a rerun costs 60–100 ms, and with 4 the reruns held the load back by ~15% (the panel's
   * final count came at 1.4× the CLI's load, issue 14); with 10 the bench still counted ~16 reruns,
   * ~1.1 s of the host's 8 s load; with 20 they take at most ~5%.
   */
  costFactor?: number;
  /**
   * The longest wait between two snapshots (default 2,000 ms): a tick measured in wall time looks
   * costly on a machine that starves the host, and the rows of a panel that showed none yet would
   * wait costFactor times that.
   */
  maxWaitMs?: number;
  clock?: TickerClock;
}

/** `final` is true for the snapshot taken when the load ended (done or cancelled). */
export type TickHandler = (snapshot: LoadStatus, final: boolean) => void;

export class LoadTicker {
  private readonly interval: number;
  private readonly costFactor: number;
  private readonly maxWait: number;
  private readonly clock: TickerClock;
  private timer: unknown;
  private last = -Infinity;
  private wait: number;
  private disposed = false;
  private readonly onProgress = () => this.schedule();
  private readonly onLoaded = () => this.tick(true);

  constructor(
    private readonly sources: SourceSet,
    private readonly handler: TickHandler,
    opts: TickerOptions = {},
  ) {
    this.interval = opts.intervalMs ?? 250;
    this.costFactor = opts.costFactor ?? 20;
    this.maxWait = Math.max(this.interval, opts.maxWaitMs ?? 2000);
    this.clock = opts.clock ?? realClock;
    this.wait = this.interval;
    sources.on('progress', this.onProgress);
    sources.on('loaded', this.onLoaded);
  }

  /** The snapshot every view shows: the store's size now, with the load's files and bytes. */
  snapshot(): LoadStatus {
    return { ...this.sources.status, events: this.sources.store.size };
  }

  dispose(): void {
    this.disposed = true;
    this.sources.off('progress', this.onProgress);
    this.sources.off('loaded', this.onLoaded);
    this.cancelTimer();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    // The first progress of a load shows at once (the first rows); later ones wait their turn.
    const due = Math.max(0, this.last + this.wait - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.sources.loading) this.tick(false);
    }, due);
  }

  private tick(final: boolean): void {
    if (this.disposed) return;
    this.cancelTimer();
    const t0 = this.clock.now();
    this.handler(this.snapshot(), final);
    const t1 = this.clock.now();
    this.last = t1;
    this.wait = final ? this.interval : Math.min(this.maxWait, Math.max(this.interval, this.costFactor * (t1 - t0)));
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
