/**
 * Stable LSD radix sorts over row indices: a million rows sort in a few linear passes, where a
 * comparator sort would make twenty million calls.
 */

/** Rows ordered by time ascending; rows without a time go last. */
export function radixSortByTime(rows: Uint32Array, time: Float64Array): Uint32Array {
  const n = rows.length;
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  let sorted = true;
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = time[rows[i]];
    if (Number.isFinite(t)) {
      if (t < min) min = t;
      if (t > max) max = t;
      if (t !== Math.floor(t)) integral = false;
    }
    const key = Number.isNaN(t) ? Infinity : t;
    if (key < prev) sorted = false;
    prev = key;
  }
  if (sorted) return rows.slice();
  if (integral && max - min < 0xffffffff) {
    // Common case: whole milliseconds within ~49 days of each other fit one 32-bit key.
    const keys = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const t = time[rows[i]];
      keys[i] = Number.isFinite(t) ? t - min : t === -Infinity ? 0 : 0xffffffff;
    }
    return gather(rows, sortPerm([keys]));
  }
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = time[rows[i]];
    f[i] = Number.isNaN(t) ? Infinity : t;
  }
  const u = new Uint32Array(f.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let i = 0; i < n; i++) {
    let h = little ? u[2 * i + 1] : u[2 * i];
    let l = little ? u[2 * i] : u[2 * i + 1];
    // Flip so unsigned integer order equals float order (negatives reversed, sign bit on top).
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
  }
  return gather(rows, sortPerm([lo, hi]));
}

/** Rows ordered by a 32-bit key per row, stable. */
export function radixSortByKey(rows: Uint32Array, key: (row: number) => number): Uint32Array {
  const n = rows.length;
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = key(rows[i]);
  return gather(rows, sortPerm([keys]));
}

/** Permutation of 0..n-1 sorted by the keys, least significant key word first. */
function sortPerm(keyWords: Uint32Array[]): Uint32Array {
  const n = keyWords[0].length;
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const keys of keyWords) {
    for (const shift of [0, 16]) {
      count.fill(0);
      for (let i = 0; i < n; i++) count[((keys[i] >>> shift) & 0xffff) + 1]++;
      if (count.some((c) => c === n)) continue; // every row has the same digit: nothing to do
      for (let d = 1; d < 65537; d++) count[d] += count[d - 1];
      for (let i = 0; i < n; i++) {
        const p = src[i];
        dst[count[(keys[p] >>> shift) & 0xffff]++] = p;
      }
      const t = src;
      src = dst;
      dst = t;
    }
  }
  return src;
}

function gather(rows: Uint32Array, perm: Uint32Array): Uint32Array {
  const out = new Uint32Array(rows.length);
  for (let i = 0; i < perm.length; i++) out[i] = rows[perm[i]];
  return out;
}
