/**
 * Inflated bytes held at once across the loader's worker threads. Each worker reads one file at a
 * time within the per-file limit, but without a shared budget N workers on N bombs would hold N
 * limits' worth at once. A reservation is taken before an inflate buffer is allocated and given
 * back once the file is read (its records are then copied out or kept by the store as events).
 *
 * A thread waits only while it holds no reservation itself, and a reservation goes through when
 * nothing else is held, so there is no deadlock and one file alone always proceeds. Only worker
 * threads wait (they have nothing else to do); the main thread reads without a budget.
 */

export interface InflateBudgetData {
  shared: SharedArrayBuffer;
  totalBytes: number;
}

/** How long one wait lasts before the count is read again (a missed wake-up costs only this). */
const RECHECK_MS = 1000;

export class InflateBudget {
  private readonly held: Int32Array;
  private readonly totalKiB: number;

  constructor(readonly data: InflateBudgetData) {
    this.held = new Int32Array(data.shared, 0, 1);
    this.totalKiB = Math.max(1, Math.ceil(data.totalBytes / 1024));
  }

  static create(totalBytes: number): InflateBudget {
    return new InflateBudget({ shared: new SharedArrayBuffer(4), totalBytes });
  }

  /** Blocks until `bytes` fit (counted in KiB), and returns the function that gives them back. */
  reserve(bytes: number): () => void {
    const need = Math.max(1, Math.ceil(bytes / 1024));
    for (;;) {
      const held = Atomics.load(this.held, 0);
      if (held === 0 || held + need <= this.totalKiB) {
        if (Atomics.compareExchange(this.held, 0, held, held + need) === held) break;
        continue;
      }
      Atomics.wait(this.held, 0, held, RECHECK_MS);
    }
    let given = false;
    return () => {
      if (given) return;
      given = true;
      Atomics.sub(this.held, 0, need);
      Atomics.notify(this.held, 0);
    };
  }

  /** Bytes reserved right now, across all threads (KiB granularity). */
  heldBytes(): number {
    return Atomics.load(this.held, 0) * 1024;
  }
}
