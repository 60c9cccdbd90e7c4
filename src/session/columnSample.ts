/**
 * Which events the column list is read from. Every event while there are few; past that, runs of
 * consecutive rows spread evenly over the store. Events are stored compressed in blocks, so a lone
 * row costs a block's inflate (~1 ms): 2,000 rows picked one by one across 1M events inflated
 * 2,000 blocks (2 s on the extension host, right when a load ends), runs of neighbours share theirs.
 */

/** Rows of a store of `size` events to sample, at most `sample` of them, ascending. */
export function columnSampleRows(size: number, sample = 2000, run = 50): Uint32Array {
  if (size <= sample) return Uint32Array.from({ length: size }, (_, i) => i);
  const runs = Math.max(1, Math.floor(sample / run));
  const out = new Uint32Array(runs * run);
  const stride = size / runs;
  let w = 0;
  for (let r = 0; r < runs; r++) {
    // stride ≥ run (size > sample), so runs never overlap; min() only guards the rounding.
    const start = Math.min(Math.floor(r * stride), size - run);
    for (let i = 0; i < run; i++) out[w++] = start + i;
  }
  return out;
}
