import { StringMap } from './stringMap';

/**
 * Interned strings for one column. Id 0 is always '' and stands for "absent", so a freshly
 * zeroed id column means "no value" without any extra bookkeeping.
 */
export class Dictionary {
  readonly values: string[] = [''];
  /** Not a Map: a column may hold more distinct values than one Map can (2^24). */
  private readonly index = new StringMap();
  private lowered: string[] | undefined;
  private sortRank: Uint32Array | undefined;

  constructor() {
    this.index.addNew('', 0);
  }

  get size(): number {
    return this.values.length;
  }

  intern(value: string): number {
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.index.addNew(value, id);
      this.lowered = undefined;
      this.sortRank = undefined;
    }
    return id;
  }

  lookup(value: string): number | undefined {
    return this.index.get(value);
  }

  /** Lower-cased values, built once per growth: case-insensitive matching runs over these. */
  lower(): string[] {
    if (!this.lowered || this.lowered.length !== this.values.length) this.lowered = this.values.map((v) => v.toLowerCase());
    return this.lowered;
  }

  /**
   * rank[id] orders values case-insensitively (ties by code units), so sorting rows by a column is
   * one radix pass over small integers instead of a million string comparisons. '' sorts last.
   */
  rank(): Uint32Array {
    if (this.sortRank && this.sortRank.length === this.values.length) return this.sortRank;
    const lower = this.lower();
    const ids = Array.from({ length: this.values.length }, (_, i) => i);
    const values = this.values;
    ids.sort((a, b) => {
      if (a === 0 || b === 0) return a === b ? 0 : a === 0 ? 1 : -1;
      const la = lower[a];
      const lb = lower[b];
      if (la !== lb) return la < lb ? -1 : 1;
      const va = values[a];
      const vb = values[b];
      return va < vb ? -1 : va > vb ? 1 : 0;
    });
    const rank = new Uint32Array(ids.length);
    for (let r = 0; r < ids.length; r++) rank[ids[r]] = r;
    this.sortRank = rank;
    return rank;
  }
}
