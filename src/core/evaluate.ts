/**
 * Runs a parsed filter over the store. Each node narrows a sorted list of candidate rows, cheapest
 * terms first, so a free-text scan of raw bytes only ever visits rows every other term kept.
 * Field terms test each distinct value once (a wildcard on `action` checks a few hundred names,
 * not a million strings), then pass over the id column.
 */
import { resolveField } from './event';
import { type Comparison, type QueryNode, matcherTest } from './query';
import type { EventStore, StoreColumn } from './store';
import { searchText } from './textSearch';

export function evaluate(store: EventStore, node: QueryNode, cand: Uint32Array): Uint32Array {
  switch (node.type) {
    case 'all':
      return cand;
    case 'and': {
      let cur = cand;
      for (const child of [...node.children].sort((a, b) => cost(store, a) - cost(store, b))) {
        if (cur.length === 0) break;
        cur = evaluate(store, child, cur);
      }
      return cur;
    }
    case 'or': {
      const mark = new Uint8Array(store.size);
      let rest = cand;
      for (const child of node.children) {
        if (rest.length === 0) break;
        const hit = evaluate(store, child, rest);
        for (let i = 0; i < hit.length; i++) mark[hit[i]] = 1;
        // Rows already matched need no further alternative tested.
        rest = keepWhere(rest, (r) => mark[r] === 0);
      }
      return keepWhere(cand, (r) => mark[r] === 1);
    }
    case 'not': {
      const mark = new Uint8Array(store.size);
      const hit = evaluate(store, node.child, cand);
      for (let i = 0; i < hit.length; i++) mark[hit[i]] = 1;
      return keepWhere(cand, (r) => mark[r] === 0);
    }
    case 'time':
      return keepByTime(store.time, cand, node.op, node.ms);
    case 'text':
      return searchText(store, node.value, cand);
    case 'match':
    case 'exists':
    case 'compare': {
      const col = store.resolveColumn(node.field);
      if (col === 'time') return evaluateOnTime(store, node, cand);
      return keepByMask(col, cand, valueMask(col, node));
    }
  }
}

function cost(store: EventStore, node: QueryNode): number {
  switch (node.type) {
    case 'text':
      return 100;
    case 'and':
    case 'or':
      return node.children.reduce((s, c) => s + cost(store, c), 0);
    case 'not':
      return cost(store, node.child);
    case 'match':
    case 'exists':
    case 'compare':
      // A column already built is cheap; a raw path read from every event for the first time is not.
      return store.getColumn(resolveField(node.field) ?? node.field) ? 1 : 10;
    default:
      return 1;
  }
}

type FieldNode = Extract<QueryNode, { type: 'match' | 'exists' | 'compare' }>;

/** mask[id] = 1 when dictionary entry `id` satisfies the term. */
function valueMask(col: StoreColumn, node: FieldNode): Uint8Array {
  const size = col.dict.size;
  const mask = new Uint8Array(size);
  if (node.type === 'exists') {
    for (let id = 1; id < size; id++) mask[id] = 1;
    return mask;
  }
  const test = node.type === 'compare' ? numberTest(node.op, node.value, node.text) : matcherTest(node.matcher);
  if (col.kind === 'string' && node.type === 'match' && node.matcher.kind === 'glob' && node.matcher.literal !== null) {
    const lower = col.dict.lower();
    const lit = node.matcher.literal;
    for (let id = 1; id < size; id++) if (lower[id] === lit) mask[id] = 1;
    return mask;
  }
  // Id 0 is the absent value: only an exact `field:""` can match it.
  if (col.kind === 'string' && test('')) mask[0] = 1;
  return markValues(col, mask, test);
}

function numberTest(op: Comparison, n: number, typed: string | undefined): (v: string) => boolean {
  // Integers beyond 2^53 are distinct as text but equal as doubles: compare those as BigInt.
  const exact = typed !== undefined && INTEGER_RE.test(typed) ? BigInt(typed) : undefined;
  const typedLong = (typed?.length ?? 0) > 15;
  return (v) => {
    const t = v.trim();
    if (t === '') return false;
    if (exact !== undefined && INTEGER_RE.test(t) && (t.length > 15 || typedLong)) return compare(BigInt(t), op, exact);
    const x = Number(t);
    return !Number.isNaN(x) && compare(x, op, n);
  };
}

const INTEGER_RE = /^[+-]?\d+$/;

function compare<T extends number | bigint>(x: T, op: Comparison, n: T): boolean {
  switch (op) {
    case '>':
      return x > n;
    case '>=':
      return x >= n;
    case '<':
      return x < n;
    case '<=':
      return x <= n;
  }
}

function evaluateOnTime(store: EventStore, node: FieldNode, cand: Uint32Array): Uint32Array {
  const t = store.time;
  if (node.type === 'exists') return keepWhere(cand, (r) => Number.isFinite(t[r]));
  if (node.type === 'compare') return keepByTime(t, cand, node.op, node.value);
  const test = matcherTest(node.matcher);
  return keepWhere(cand, (r) => Number.isFinite(t[r]) && test(new Date(t[r]).toISOString()));
}

function keepByTime(t: Float64Array, cand: Uint32Array, op: Comparison, ms: number): Uint32Array {
  const out = new Uint32Array(cand.length);
  let n = 0;
  for (let i = 0; i < cand.length; i++) {
    const r = cand[i];
    const x = t[r];
    if (op === '>' ? x > ms : op === '>=' ? x >= ms : op === '<' ? x < ms : x <= ms) out[n++] = r;
  }
  return out.subarray(0, n);
}

/**
 * mask[id] = 1 when some value of dictionary entry `id` passes `test` (any element, for lists), or,
 * with `absent`, exactly when the entry is the absent value. For engines built on this one (Sigma
 * detections) that bring their own per-value tests.
 */
export function predicateMask(col: StoreColumn, test: ((v: string) => boolean) | 'absent'): Uint8Array {
  const size = col.dict.size;
  const mask = new Uint8Array(size);
  if (test === 'absent') {
    mask[0] = 1;
    return mask;
  }
  return markValues(col, mask, test);
}

/** Marks every present value (id ≥ 1) of which one element passes `test`: each distinct value tested once. */
function markValues(col: StoreColumn, mask: Uint8Array, test: (v: string) => boolean): Uint8Array {
  const size = col.dict.size;
  for (let id = 1; id < size; id++) {
    for (const v of col.valuesOf(id)) {
      if (test(v)) {
        mask[id] = 1;
        break;
      }
    }
  }
  return mask;
}

export function keepByMask(col: StoreColumn, cand: Uint32Array, mask: Uint8Array): Uint32Array {
  const ids = col.ids;
  const out = new Uint32Array(cand.length);
  let n = 0;
  for (let i = 0; i < cand.length; i++) {
    const r = cand[i];
    if (mask[ids[r]] === 1) out[n++] = r;
  }
  return out.subarray(0, n);
}

export function keepWhere(cand: Uint32Array, pred: (row: number) => boolean): Uint32Array {
  const out = new Uint32Array(cand.length);
  let n = 0;
  for (let i = 0; i < cand.length; i++) if (pred(cand[i])) out[n++] = cand[i];
  return out.subarray(0, n);
}
