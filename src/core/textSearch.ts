/**
 * Free-text search over the raw bytes of events, case-insensitive for ASCII.
 *
 * Rather than a byte loop in JavaScript, each run of candidate rows that share a raw segment is
 * viewed as one latin1 string (a memcpy, one byte per char) and searched with a compiled regular
 * expression, which V8 runs as native code; a match position maps back to its row, and the search
 * resumes at that row's end. Latin1 keeps byte offsets equal to string offsets, so UTF-8 needles
 * match as their byte sequence.
 */
import type { EventStore } from './store';

export function searchText(store: EventStore, needle: string, cand: Uint32Array): Uint32Array {
  if (needle.length === 0) return cand;
  // eslint-disable-next-line no-control-regex -- any 7-bit char, controls included
  if (!/^[\x00-\x7f]*$/.test(needle)) return searchUnicode(store, needle, cand);
  const re = needleRegExp(needle);
  const out = new Uint32Array(cand.length);
  let n = 0;
  const { rawSeg, rawStart, rawEnd, segments } = store;
  let i = 0;
  while (i < cand.length) {
    const seg = rawSeg[cand[i]];
    let j = i + 1;
    let lo = rawStart[cand[i]];
    let hi = rawEnd[cand[i]];
    let ordered = true;
    while (j < cand.length && rawSeg[cand[j]] === seg) {
      const r = cand[j];
      if (rawStart[r] < rawEnd[cand[j - 1]]) ordered = false;
      if (rawStart[r] < lo) lo = rawStart[r];
      if (rawEnd[r] > hi) hi = rawEnd[r];
      j++;
    }
    const bytes = segments[seg];
    if (ordered && (hi - lo) < 4 * sumLengths(store, cand, i, j) + 65536) {
      // One string for the whole run; rows are in byte order, so one forward pass maps matches to rows.
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', lo, hi);
      let k = i;
      re.lastIndex = 0;
      while (k < j) {
        const r = cand[k];
        const from = rawStart[r] - lo;
        if (re.lastIndex < from) re.lastIndex = from;
        const m = re.exec(text);
        if (!m) break;
        const at = m.index;
        while (k < j && rawEnd[cand[k]] - lo <= at) k++;
        if (k < j && rawStart[cand[k]] - lo <= at && at + m[0].length <= rawEnd[cand[k]] - lo) {
          out[n++] = cand[k];
          re.lastIndex = rawEnd[cand[k]] - lo;
          k++;
        } else {
          re.lastIndex = at + 1;
        }
      }
    } else {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let k = i; k < j; k++) {
        const r = cand[k];
        re.lastIndex = 0;
        if (re.test(buf.toString('latin1', rawStart[r], rawEnd[r]))) out[n++] = r;
      }
    }
    i = j;
  }
  return out.subarray(0, n);
}

function sumLengths(store: EventStore, cand: Uint32Array, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += store.rawEnd[cand[k]] - store.rawStart[cand[k]];
  return s;
}

/** An ASCII needle as a case-insensitive pattern over latin1-decoded bytes. */
export function needleRegExp(needle: string): RegExp {
  return new RegExp(escapeRegExp(needle), 'gi');
}

/**
 * Needles beyond ASCII need real Unicode case folding (`zürich` finds `Zürich`), which byte-wise
 * matching cannot do: each candidate is decoded as UTF-8 and searched with a Unicode-aware
 * pattern. Slower per byte, and only ever used for such needles.
 */
function searchUnicode(store: EventStore, needle: string, cand: Uint32Array): Uint32Array {
  const re = new RegExp(escapeRegExp(needle), 'iu');
  const out = new Uint32Array(cand.length);
  let n = 0;
  for (let k = 0; k < cand.length; k++) if (re.test(store.rawText(cand[k]))) out[n++] = cand[k];
  return out.subarray(0, n);
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
