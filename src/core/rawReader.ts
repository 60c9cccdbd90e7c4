/**
 * Reads event bytes out of compressed raw segments. Recently inflated blocks are kept in a small
 * LRU cache bounded in bytes, so the rows on screen, the detail pane and a raw-path column filled
 * in row order inflate each block once; a block bigger than the whole cache is returned and not
 * kept. Scans (free-text search, export) read windows of whole blocks without filling the cache.
 */
import { blocksOf, inflateBlock, type RawSegment } from './rawSegment';

/** Inflated bytes the cache may hold. */
export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

/** Decompressed bytes [base, base + buf.length) of one segment. */
export interface RawWindow {
  seg: number;
  base: number;
  buf: Buffer;
}

export class RawReader {
  /** Insertion order is recency: a hit is deleted and set again. */
  private readonly cache = new Map<string, Buffer>();
  private cached = 0;
  /** Blocks found damaged: asked again, they fail at once instead of inflating again. */
  private readonly damaged = new Map<string, unknown>();

  constructor(
    private readonly segments: readonly RawSegment[],
    readonly cacheBytes = DEFAULT_CACHE_BYTES,
  ) {}

  /** Bytes held by the cache now (for tests and diagnostics). */
  get cachedBytes(): number {
    return this.cached;
  }

  /** Bytes [start, end) of segment `seg`, decompressed; throws RawDataError if they are damaged. */
  bytes(seg: number, start: number, end: number): Uint8Array {
    const s = this.segments[seg];
    const [first, last] = blocksOf(s, start, end);
    if (first === last) {
      const base = first * s.blockSize;
      return this.block(seg, first, true).subarray(start - base, end - base);
    }
    const w = this.window(seg, start, end, true);
    return w.buf.subarray(start - w.base, end - w.base);
  }

  /**
   * The whole blocks covering [start, end): one block as it is, several joined. `keep` puts what
   * was inflated into the cache (scans pass false: they would only churn it).
   */
  window(seg: number, start: number, end: number, keep = false): RawWindow {
    const s = this.segments[seg];
    const [first, last] = blocksOf(s, start, end);
    const base = first * s.blockSize;
    if (first === last) return { seg, base, buf: this.block(seg, first, keep) };
    const parts: Buffer[] = [];
    for (let b = first; b <= last; b++) parts.push(this.block(seg, b, keep));
    return { seg, base, buf: Buffer.concat(parts) };
  }

  /** Forgets every cached block (and which blocks were found damaged). */
  clear(): void {
    this.cache.clear();
    this.damaged.clear();
    this.cached = 0;
  }

  private block(seg: number, index: number, keep: boolean): Buffer {
    const blk = this.segments[seg].blocks[index];
    if (blk.codec === 'none') return Buffer.from(blk.data.buffer, blk.data.byteOffset, blk.data.byteLength);
    const key = `${seg}:${index}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const known = this.damaged.get(key);
    if (known) throw known;
    let out: Buffer;
    try {
      out = inflateBlock(blk);
    } catch (err) {
      this.damaged.set(key, err);
      throw err;
    }
    if (keep && out.length <= this.cacheBytes) {
      this.cache.set(key, out);
      this.cached += out.length;
      for (const [k, v] of this.cache) {
        if (this.cached <= this.cacheBytes) break;
        this.cache.delete(k);
        this.cached -= v.length;
      }
    }
    return out;
  }
}
