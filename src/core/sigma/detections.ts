/**
 * A detection run's result (per rule its rows, per row its rules) and what works on results without
 * the engine: merging a run over appended rows into the one before, and the error a cancelled run
 * rejects with. Kept apart from match.ts (which reads records with node:zlib) so the panel session,
 * which must bundle for a browser, can merge and recognise cancelled runs.
 */
import type { CompiledRule } from './types';

/** Thrown by detect() when its signal aborts (between two slices of work). */
export class DetectionCancelled extends Error {
  constructor() {
    super('the detection run was cancelled');
    this.name = 'DetectionCancelled';
  }
}

export interface Detections {
  rules: readonly CompiledRule[];
  /** rows[i]: the rows rule i matched, ascending. */
  rows: Uint32Array[];
  /** Every row with at least one hit, ascending. */
  hitRows: Uint32Array;
  /** The rules a row hit (empty when none). */
  rulesOf(row: number): CompiledRule[];
  /** Rows the rules were evaluated over (CloudTrail records). */
  evaluated: number;
}

/** The rows in `a` or `b`, both ascending, ascending and without repeats. */
export function unionSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++];
  while (j < b.length) out[n++] = b[j++];
  return out.subarray(0, n);
}

/**
 * Per rule its rows (ascending) → the result, with per row its rules as offsets into one flat list.
 * Every (row, rule) pair is one number in one typed array, sorted once: no Map per hit row, so a
 * million events' hits assemble in one short synchronous step (a run's last slice).
 */
export function assemble(rules: readonly CompiledRule[], rows: Uint32Array[], evaluated: number): Detections {
  let pairs = 0;
  for (const rs of rows) pairs += rs.length;
  // row * R + rule stays below 2^53 for any row (< 2^32) and rule count (< 2^21).
  const R = Math.max(1, rules.length);
  const keys = new Float64Array(pairs);
  let k = 0;
  rows.forEach((rs, ruleIdx) => {
    for (let i = 0; i < rs.length; i++) keys[k++] = rs[i] * R + ruleIdx;
  });
  keys.sort();
  const flat = new Uint32Array(pairs);
  const hitList = new Uint32Array(pairs);
  const startList = new Uint32Array(pairs + 1);
  let hits = 0;
  for (let p = 0; p < pairs; p++) {
    const key = keys[p];
    const ruleIdx = key % R;
    const row = (key - ruleIdx) / R;
    flat[p] = ruleIdx;
    if (hits === 0 || hitList[hits - 1] !== row) {
      hitList[hits] = row;
      startList[hits] = p;
      hits++;
    }
  }
  startList[hits] = pairs;
  const hitRows = hitList.slice(0, hits);
  const start = startList.slice(0, hits + 1);
  /** Where `row` is in hitRows (binary search), -1 when it has no hit. */
  const indexOf = (row: number): number => {
    let lo = 0;
    let hi = hitRows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = hitRows[mid];
      if (r < row) lo = mid + 1;
      else if (r > row) hi = mid - 1;
      else return mid;
    }
    return -1;
  };
  return {
    rules,
    rows,
    hitRows,
    evaluated,
    rulesOf(row: number): CompiledRule[] {
      const i = indexOf(row);
      if (i < 0) return [];
      return Array.from(flat.subarray(start[i], start[i + 1]), (x) => rules[x]);
    },
  };
}

/**
 * Two runs of the same rules over different rows as one (an earlier run and the run over the rows
 * appended since): what a run over both would have found, since a Sigma rule looks at one event.
 */
export function mergeDetections(a: Detections, b: Detections): Detections {
  if (a.rules !== b.rules) throw new Error('mergeDetections: the two runs used different rules');
  return assemble(
    a.rules,
    a.rows.map((rs, i) => unionSorted(rs, b.rows[i])),
    a.evaluated + b.evaluated,
  );
}
