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

/** Per rule its rows (ascending) → the result, with per row its rules as offsets into one flat list. */
export function assemble(rules: readonly CompiledRule[], rows: Uint32Array[], evaluated: number): Detections {
  // Per row: its rules, as offsets into one flat list (no object per hit row).
  const count = new Map<number, number>();
  for (const rs of rows) for (const r of rs) count.set(r, (count.get(r) ?? 0) + 1);
  const hitRows = Uint32Array.from(count.keys()).sort();
  const start = new Uint32Array(hitRows.length + 1);
  for (let i = 0; i < hitRows.length; i++) start[i + 1] = start[i] + (count.get(hitRows[i]) as number);
  const fill = start.slice(0, hitRows.length);
  const flat = new Uint32Array(start[hitRows.length]);
  const indexOf = new Map<number, number>();
  hitRows.forEach((r, i) => indexOf.set(r, i));
  rows.forEach((rs, ruleIdx) => {
    for (const r of rs) flat[fill[indexOf.get(r) as number]++] = ruleIdx;
  });
  return {
    rules,
    rows,
    hitRows,
    evaluated,
    rulesOf(row: number): CompiledRule[] {
      const i = indexOf.get(row);
      if (i === undefined) return [];
      return Array.from(flat.subarray(start[i], start[i + 1]), (k) => rules[k]);
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
