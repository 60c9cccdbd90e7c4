/**
 * Runs compiled Sigma rules over the store the way the filter language runs a query
 * (core/evaluate.ts): each node narrows a list of candidate rows, cheapest nodes first; a field
 * test is decided once per distinct dictionary value (a mask), then one pass over the id column.
 * Only what no column holds (a raw path nobody extracted, a fieldref, a keyword) is read from the
 * event itself, and only for rows every cheaper node kept.
 *
 * Sigma field names are CloudTrail's own keys. Five of them have a normalized column filled from
 * the same key (FIELD_ALIASES), which is the fast path, but only where the column is a copy of the
 * key: on a CloudTrail record of a known event type that is not an Insight (whose `eventName` lives
 * under insightDetails), and for errorCode not on a console sign-in failure (whose error column may
 * hold the errorMessage). Any other row (a CSV export row, an Insight) is read from its raw JSON, so
 * `eventName` always means the record's eventName exactly as stored.
 */
import { keepByMask, keepWhere, predicateMask } from '../evaluate';
import { blocksOf } from '../rawSegment';
import { inflateBlockAsync, readParallelism } from './inflateAsync';
import { resolveField } from '../event';
import { extractPath, parseRecordExact } from '../rawPath';
import type { EventStore, StoreColumn } from '../store';
import { withJsonLeaves } from './leaves';
import type { CompiledRule, SigmaNode, ValueTest } from './types';

const ALIASED: Readonly<Record<string, string>> = {
  eventName: 'action',
  eventSource: 'service',
  sourceIPAddress: 'sourceIp',
  userAgent: 'userAgent',
  errorCode: 'error',
};
const TRUSTED_EVENT_TYPES = new Set(['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleSignIn', 'AwsConsoleAction', 'AwsVpceEvent']);
/** Rows whose fields are kept while one detection runs; past this the cache starts again. */
const EXTRACT_CACHE = 250_000;
const PREFETCH_CHUNK = 16_384;

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

type Access = { kind: 'column'; col: StoreColumn; trusted?: Uint8Array } | { kind: 'raw'; path: string };

class Context {
  /** Per row read from its raw JSON: the values of every field the rules name (index in `fields`). */
  private readonly extracted = new Map<number, string[][]>();
  private readonly fieldIndex = new Map<string, number>();
  private readonly access = new Map<string, Access>();
  private readonly masks = new WeakMap<SigmaNode, Uint8Array>();
  private readonly tests = new WeakMap<SigmaNode, ValueTest>();
  private trustBase: Uint8Array | undefined;
  private trustError: Uint8Array | undefined;

  private readonly memo = new WeakMap<SigmaNode, { cand: Uint32Array; out: Uint32Array }>();
  private readonly counts = new Map<StoreColumn, Uint32Array>();

  constructor(
    readonly store: EventStore,
    /** Every field any rule names: a record read once yields them all. */
    readonly fields: readonly string[],
    /** The rows every rule starts from. */
    readonly base: Uint32Array,
  ) {
    fields.forEach((f, i) => this.fieldIndex.set(f, i));
  }

  /** True when some base row is not covered by `trust` (so the column alone is not exact). */
  private partial(trust: Uint8Array): boolean {
    const b = this.base;
    for (let i = 0; i < b.length; i++) if (trust[b[i]] === 0) return true;
    return false;
  }

  /** How many base rows hold each dictionary entry: what a value node's row count is estimated from. */
  private countsOf(col: StoreColumn): Uint32Array {
    let c = this.counts.get(col);
    if (!c || c.length !== col.dict.size) {
      c = new Uint32Array(col.dict.size);
      const ids = col.ids;
      const b = this.base;
      for (let i = 0; i < b.length; i++) c[ids[b[i]]]++;
      this.counts.set(col, c);
    }
    return c;
  }

  /** Estimated rows a node keeps of the base rows: the and-order runs the narrowest first. */
  private estimate(node: SigmaNode): number {
    switch (node.type) {
      case 'const':
        return node.value ? this.base.length : 0;
      case 'and':
        return Math.min(...node.children.map((c) => this.estimate(c)));
      case 'or':
        return Math.min(this.base.length, node.children.reduce((s, c) => s + this.estimate(c), 0));
      case 'value':
      case 'absent': {
        const a = this.fieldAccess(node.field);
        if (a.kind === 'raw') return this.base.length;
        const mask = this.mask(node, a.col, node.type === 'absent' ? 'absent' : this.testOf(node));
        const counts = this.countsOf(a.col);
        let n = 0;
        for (let id = 0; id < mask.length; id++) if (mask[id] === 1) n += counts[id];
        return n;
      }
      default:
        return this.base.length;
    }
  }

  /** Children in evaluation order: those that read no record first, then the narrowest. */
  private ordered(children: readonly SigmaNode[]): SigmaNode[] {
    const key = new Map(children.map((c) => [c, [this.readsRaw(c) ? 1 : 0, this.cost(c), this.estimate(c)] as const]));
    return [...children].sort((a, b) => {
      const x = key.get(a) as readonly [number, number, number];
      const y = key.get(b) as readonly [number, number, number];
      return x[0] - y[0] || x[2] - y[2] || x[1] - y[1];
    });
  }

  fieldAccess(field: string): Access {
    let a = this.access.get(field);
    if (a) return a;
    const alias = ALIASED[field];
    if (alias) {
      const col = this.store.resolveColumn(alias) as StoreColumn;
      const trusted = field === 'errorCode' ? this.errorTrust() : this.baseTrust();
      // Where every row is a plain CloudTrail record (the usual case), the column alone is exact.
      a = this.partial(trusted) ? { kind: 'column', col, trusted } : { kind: 'column', col };
    } else if (resolveField(field) === undefined && this.store.getColumn(field)) {
      // A raw path extracted at load (userIdentity.arn, eventType…) or built by an earlier filter.
      a = { kind: 'column', col: this.store.resolveColumn('raw.' + field) as StoreColumn };
    } else {
      a = { kind: 'raw', path: field };
    }
    this.access.set(field, a);
    return a;
  }

  private baseTrust(): Uint8Array {
    if (this.trustBase) return this.trustBase;
    const t = new Uint8Array(this.store.size);
    const col = this.store.getColumn('eventType');
    if (col) {
      const ok = new Uint8Array(col.dict.size);
      for (let id = 1; id < ok.length; id++) {
        const v = col.valuesOf(id);
        ok[id] = v.length === 1 && TRUSTED_EVENT_TYPES.has(v[0]) ? 1 : 0;
      }
      const ids = col.ids;
      const provider = this.store.resolveColumn('provider') as StoreColumn;
      const ct = provider.dict.lookup('cloudtrail') ?? -1;
      // Rows never extracted for eventType read as id 0 there: untrusted, so read raw. Correct, if slow.
      for (let r = 0; r < t.length; r++) t[r] = ok[ids[r]] === 1 && provider.ids[r] === ct ? 1 : 0;
    }
    this.trustBase = t;
    return t;
  }

  private errorTrust(): Uint8Array {
    if (this.trustError) return this.trustError;
    const base = this.baseTrust();
    const t = base.slice();
    const action = this.store.resolveColumn('action') as StoreColumn;
    const login = action.dict.lookup('ConsoleLogin');
    if (login !== undefined) for (let r = 0; r < t.length; r++) if (action.ids[r] === login) t[r] = 0;
    this.trustError = t;
    return t;
  }

  /**
   * Reads the records of `rows` not read yet, in storage order (each compressed block inflated
   * once per call, whatever the rows' order), and keeps every named field's values.
   */
  prefetch(rows: Uint32Array): void {
    const missing = keepWhere(rows, (r) => !this.extracted.has(r));
    if (missing.length === 0) return;
    if (this.extracted.size + missing.length > EXTRACT_CACHE) this.extracted.clear();
    for (let off = 0; off < missing.length; off += PREFETCH_CHUNK) {
      const chunk = missing.subarray(off, off + PREFETCH_CHUNK);
      let bytes: Uint8Array[];
      try {
        bytes = this.store.rawBytesOf(chunk);
      } catch {
        bytes = Array.from(chunk, () => new Uint8Array(0));
      }
      for (let i = 0; i < chunk.length; i++) {
        let rec: unknown = null;
        try {
          rec = parseRecordExact(Buffer.from(bytes[i].buffer, bytes[i].byteOffset, bytes[i].byteLength).toString('utf8'));
        } catch {
          rec = null;
        }
        this.extracted.set(
          chunk[i],
          this.fields.map((f) => extractPath(rec, f)),
        );
      }
    }
  }

  /**
   * prefetch() for many rows: records grouped by segment, and `parallel` segments' blocks inflated
   * at once on zlib's thread pool. A damaged block leaves its rows without values (as unreadable
   * records are everywhere else), never stops the detection.
   */
  async prefetchParallel(rows: Uint32Array, parallel: number): Promise<void> {
    const missing = keepWhere(rows, (r) => !this.extracted.has(r));
    if (missing.length === 0) return;
    if (this.extracted.size + missing.length > EXTRACT_CACHE) {
      // More than the cache holds: row by row, later, as evaluate() asks.
      return;
    }
    const bySeg = new Map<number, number[]>();
    const { rawSeg } = this.store;
    for (const r of missing) {
      const list = bySeg.get(rawSeg[r]);
      if (list) list.push(r);
      else bySeg.set(rawSeg[r], [r]);
    }
    const jobs = [...bySeg];
    let next = 0;
    const work = async (): Promise<void> => {
      while (next < jobs.length) {
        const [seg, segRows] = jobs[next++];
        await this.readSegmentRows(seg, segRows);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, work));
  }

  private async readSegmentRows(seg: number, rows: number[]): Promise<void> {
    const s = this.store.segments[seg];
    const { rawStart, rawEnd } = this.store;
    const blocks = new Map<number, Buffer | null>();
    for (const r of rows) {
      const [first, last] = blocksOf(s, rawStart[r], rawEnd[r]);
      for (let b = first; b <= last; b++) {
        if (blocks.has(b)) continue;
        try {
          blocks.set(b, await inflateBlockAsync(s.blocks[b]));
        } catch {
          blocks.set(b, null);
        }
      }
    }
    for (const r of rows) {
      const [first, last] = blocksOf(s, rawStart[r], rawEnd[r]);
      const parts: Buffer[] = [];
      for (let b = first; b <= last; b++) {
        const buf = blocks.get(b);
        if (buf) parts.push(buf);
      }
      let rec: unknown = null;
      if (parts.length === last - first + 1) {
        const base = first * s.blockSize;
        const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
        try {
          rec = parseRecordExact(buf.toString('utf8', rawStart[r] - base, rawEnd[r] - base));
        } catch {
          rec = null;
        }
      }
      this.extracted.set(
        r,
        this.fields.map((f) => extractPath(rec, f)),
      );
    }
  }

  /** A field's values in one row from its record (prefetch first). */
  private rawValues(field: string, row: number): string[] {
    const i = this.fieldIndex.get(field);
    let vals = this.extracted.get(row);
    if (!vals) {
      this.prefetch(Uint32Array.of(row));
      vals = this.extracted.get(row) as string[][];
    }
    return i === undefined ? [] : vals[i];
  }

  /** A field's values in one row: from its column when the column is exact there, else raw. */
  values(field: string, row: number): string[] {
    const a = this.fieldAccess(field);
    if (a.kind === 'column' && (!a.trusted || a.trusted[row] === 1)) return a.col.valuesOf(a.col.ids[row]);
    return this.rawValues(field, row);
  }

  rawText(row: number): string {
    try {
      return this.store.rawText(row);
    } catch {
      return '';
    }
  }

  /** A value node's test, JSON values matching through their leaves too (leaves.ts). */
  testOf(node: Extract<SigmaNode, { type: 'value' }>): ValueTest {
    let t = this.tests.get(node);
    if (!t) {
      t = withJsonLeaves(node.test);
      this.tests.set(node, t);
    }
    return t;
  }

  mask(node: SigmaNode, col: StoreColumn, test: ValueTest | 'absent'): Uint8Array {
    let m = this.masks.get(node);
    if (!m || m.length !== col.dict.size) {
      m = predicateMask(col, test);
      this.masks.set(node, m);
    }
    return m;
  }

  cost(node: SigmaNode): number {
    switch (node.type) {
      case 'const':
        return 0;
      case 'and':
      case 'or':
        return node.children.reduce((s, c) => s + this.cost(c), 0);
      case 'not':
        return this.cost(node.child);
      case 'value':
      case 'absent': {
        const a = this.fieldAccess(node.field);
        return a.kind === 'raw' ? 20 : a.trusted ? 2 : 1;
      }
      case 'fieldref':
        return 40;
      case 'keyword':
        return 100;
    }
  }

  /**
   * A dry run: returns a superset of the rows `node` matches, marking in `need` every row whose
   * record evaluate() will read. Reading all of them in one storage-order pass first inflates each
   * compressed block once for the whole rule set, instead of once per rule that needs it.
   */
  plan(node: SigmaNode, cand: Uint32Array, need: Uint8Array): Uint32Array {
    if (cand.length === 0) return cand;
    const mark = (rows: Uint32Array): void => {
      for (let i = 0; i < rows.length; i++) need[rows[i]] = 1;
    };
    switch (node.type) {
      case 'const':
      case 'keyword':
        return this.evaluate(node, cand);
      case 'and': {
        let cur = cand;
        for (const child of this.ordered(node.children)) {
          if (cur.length === 0) break;
          cur = this.plan(child, cur, need);
        }
        return cur;
      }
      case 'or': {
        // Every alternative sees every row: which rows an earlier one takes is not known yet.
        const hit = new Uint8Array(this.store.size);
        for (const child of node.children) {
          const h = this.plan(child, cand, need);
          for (let i = 0; i < h.length; i++) hit[h[i]] = 1;
        }
        return keepWhere(cand, (r) => hit[r] === 1);
      }
      case 'not':
        this.plan(node.child, cand, need);
        return this.readsRaw(node.child) ? cand : this.evaluate(node, cand);
      case 'value':
      case 'absent': {
        const a = this.fieldAccess(node.field);
        if (a.kind === 'raw') {
          mark(cand);
          return cand;
        }
        if (!a.trusted) return this.evaluate(node, cand);
        const trusted = a.trusted;
        const mask = this.mask(node, a.col, node.type === 'absent' ? 'absent' : this.testOf(node));
        const ids = a.col.ids;
        mark(keepWhere(cand, (r) => trusted[r] === 0));
        return keepWhere(cand, (r) => trusted[r] === 0 || mask[ids[r]] === 1);
      }
      case 'fieldref':
        if ([node.field, node.other].some((f) => this.fieldAccess(f).kind === 'raw')) mark(cand);
        return cand;
    }
  }

  /** True when evaluating `node` may read records (its result is then unknown to plan()). */
  private readsRaw(node: SigmaNode): boolean {
    switch (node.type) {
      case 'const':
      case 'keyword':
        return false;
      case 'and':
      case 'or':
        return node.children.some((c) => this.readsRaw(c));
      case 'not':
        return this.readsRaw(node.child);
      case 'value':
      case 'absent': {
        const a = this.fieldAccess(node.field);
        return a.kind === 'raw' || a.trusted !== undefined;
      }
      case 'fieldref':
        return true;
    }
  }

  /**
   * plan() and evaluate() walk the same trees over the same arrays: a node that reads no record
   * gives the same rows both times, so the second walk takes the first one's answer.
   */
  evaluate(node: SigmaNode, cand: Uint32Array): Uint32Array {
    if (cand.length === 0) return cand;
    const m = this.memo.get(node);
    if (m && m.cand === cand) return m.out;
    const out = this.evaluateNow(node, cand);
    if (!this.readsRaw(node)) this.memo.set(node, { cand, out });
    return out;
  }

  private evaluateNow(node: SigmaNode, cand: Uint32Array): Uint32Array {
    switch (node.type) {
      case 'const':
        return node.value ? cand : new Uint32Array(0);
      case 'and': {
        let cur = cand;
        for (const child of this.ordered(node.children)) {
          if (cur.length === 0) break;
          cur = this.evaluate(child, cur);
        }
        return cur;
      }
      case 'or': {
        const mark = new Uint8Array(this.store.size);
        let rest = cand;
        for (const child of this.ordered(node.children)) {
          if (rest.length === 0) break;
          const hit = this.evaluate(child, rest);
          for (let i = 0; i < hit.length; i++) mark[hit[i]] = 1;
          rest = keepWhere(rest, (r) => mark[r] === 0);
        }
        return keepWhere(cand, (r) => mark[r] === 1);
      }
      case 'not': {
        const mark = new Uint8Array(this.store.size);
        const hit = this.evaluate(node.child, cand);
        for (let i = 0; i < hit.length; i++) mark[hit[i]] = 1;
        return keepWhere(cand, (r) => mark[r] === 0);
      }
      case 'value':
      case 'absent': {
        const a = this.fieldAccess(node.field);
        const test = node.type === 'absent' ? 'absent' : this.testOf(node);
        const rowTest = (values: string[]): boolean => (test === 'absent' ? values.length === 0 : values.some(test));
        if (a.kind === 'raw') {
          this.prefetch(cand);
          return keepWhere(cand, (r) => rowTest(this.rawValues(a.path, r)));
        }
        const mask = this.mask(node, a.col, test);
        if (!a.trusted) return keepByMask(a.col, cand, mask);
        const trusted = a.trusted;
        const ids = a.col.ids;
        this.prefetch(keepWhere(cand, (r) => trusted[r] === 0));
        return keepWhere(cand, (r) => (trusted[r] === 1 ? mask[ids[r]] === 1 : rowTest(this.rawValues(node.field, r))));
      }
      case 'fieldref':
        if ([node.field, node.other].some((f) => this.fieldAccess(f).kind === 'raw')) this.prefetch(cand);
        return keepWhere(cand, (r) => fieldrefHolds(this.values(node.field, r), this.values(node.other, r), node.mode, node.cased));
      case 'keyword': {
        const test = node.test;
        return keepWhere(cand, (r) => test(this.rawText(r)));
      }
    }
  }
}

function fieldrefHolds(a: string[], b: string[], mode: 'equals' | 'contains' | 'startswith' | 'endswith', cased: boolean): boolean {
  for (let x of a) {
    if (!cased) x = x.toLowerCase();
    for (let y of b) {
      if (!cased) y = y.toLowerCase();
      if (mode === 'equals' ? x === y : mode === 'contains' ? x.includes(y) : mode === 'startswith' ? x.startsWith(y) : x.endsWith(y)) return true;
    }
  }
  return false;
}

/** The CloudTrail rows of the store (or of `rows`): what AWS rules are evaluated over. */
function cloudTrailRows(store: EventStore, rows?: Uint32Array): Uint32Array {
  const provider = store.resolveColumn('provider') as StoreColumn;
  const ct = provider.dict.lookup('cloudtrail');
  if (ct === undefined) return new Uint32Array(0);
  const ids = provider.ids;
  if (rows) return keepWhere(rows, (r) => ids[r] === ct);
  const out = new Uint32Array(store.size);
  let n = 0;
  for (let r = 0; r < store.size; r++) if (ids[r] === ct) out[n++] = r;
  return out.subarray(0, n);
}

/**
 * Every rule over the store (or over `rows`, e.g. the rows one append added): per rule its rows,
 * per row its rules. Asynchronous only while it reads the records its rules name (plan(), then
 * one parallel read); the store must not change until it resolves.
 */
export async function detect(store: EventStore, rules: readonly CompiledRule[], opts: { rows?: Uint32Array; parallel?: number } = {}): Promise<Detections> {
  const cand = cloudTrailRows(store, opts.rows);
  const fields = new Set<string>();
  const walk = (n: SigmaNode): void => {
    if (n.type === 'and' || n.type === 'or') n.children.forEach(walk);
    else if (n.type === 'not') walk(n.child);
    else if (n.type === 'value' || n.type === 'absent') fields.add(n.field);
    else if (n.type === 'fieldref') fields.add(n.field).add(n.other);
  };
  rules.forEach((r) => walk(r.node));
  const ctx = new Context(store, [...fields], cand);
  const need = new Uint8Array(store.size);
  for (const rule of rules) ctx.plan(rule.node, cand, need);
  await ctx.prefetchParallel(keepWhere(cand, (r) => need[r] === 1), opts.parallel ?? readParallelism());
  const rows = rules.map((rule) => ctx.evaluate(rule.node, cand));
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
    evaluated: cand.length,
    rulesOf(row: number): CompiledRule[] {
      const i = indexOf.get(row);
      if (i === undefined) return [];
      return Array.from(flat.subarray(start[i], start[i + 1]), (k) => rules[k]);
    },
  };
}
