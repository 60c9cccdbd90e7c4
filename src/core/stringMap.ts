/**
 * A string → number map without V8's cap on one Map (2^24 entries: "Map maximum size exceeded"),
 * which a load of more than 16.7M distinct ids or values would hit after minutes of work, losing
 * everything read so far.
 *
 * Entries go into one ordinary Map until it holds `shardLimit`, then into a fresh one. Below the
 * limit this is exactly one Map (the same speed and memory as before); beyond it a lookup of a
 * missing key costs one probe per shard, which only a store of tens of millions of distinct
 * values ever pays.
 */

/** A million under V8's 2^24-entry maximum, so a shard never grows into it. */
export const SHARD_LIMIT = (1 << 24) - (1 << 20);

export class StringMap {
  private readonly shards: Array<Map<string, number>>;
  private last: Map<string, number>;
  private count = 0;

  constructor(private readonly shardLimit = SHARD_LIMIT) {
    this.last = new Map();
    this.shards = [this.last];
  }

  get size(): number {
    return this.count;
  }

  get(key: string): number | undefined {
    const v = this.last.get(key);
    if (v !== undefined || this.shards.length === 1) return v;
    for (let i = this.shards.length - 2; i >= 0; i--) {
      const w = this.shards[i].get(key);
      if (w !== undefined) return w;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Adds a key the map does not hold yet (callers always look up first, so no second probe here). */
  addNew(key: string, value: number): void {
    if (this.last.size >= this.shardLimit) {
      this.last = new Map();
      this.shards.push(this.last);
    }
    this.last.set(key, value);
    this.count++;
  }
}
