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
import { assemble, DetectionCancelled, unionSorted, type Detections } from './detections';
import type { CompiledRule, SigmaNode, ValueTest } from './types';

export { DetectionCancelled, mergeDetections, type Detections } from './detections';

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
/**
 * Rows one rule is evaluated over before the run gives the event loop back: a run is a sequence of
 * (chunk, rule) slices, so a query from the panel waits for one slice, never for the whole run.
 */
export const DETECT_CHUNK = 32_768;
/** Records parsed in one go while a chunk's records are read. */
const PARSE_PIECE = 4_096;

export interface DetectOptions {
  /** Only these rows (ascending), e.g. the rows an append added; default every row. */
  rows?: Uint32Array;
  /** How many segments' blocks are inflated at once while reading records. */
  parallel?: number;
  /** Checked between slices: once aborted, detect() rejects with DetectionCancelled. */
  signal?: AbortSignal;
  /** After every slice: how many of `total` slices are done. */
  onProgress?: (done: number, total: number) => void;
  /** Rows per chunk (default DETECT_CHUNK). */
  chunkRows?: number;
  /** How a slice gives the event loop back (default: setImmediate, so I/O and messages run first). */
  yieldNow?: () => Promise<void>;
}

const setImmediateYield = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
  /** An and/or node's children in evaluation order: estimated over the base rows, so once per run. */
  private readonly order = new WeakMap<SigmaNode, SigmaNode[]>();

  constructor(
    readonly store: EventStore,
    /** Every field any rule names: a record read once yields them all. */
    readonly fields: readonly string[],
    /** The rows every rule starts from. */
    readonly base: Uint32Array,
    /** Gives the event loop back while many records are parsed (detect()'s yield). */
    private readonly pause: () => Promise<void> = async () => undefined,
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
  private ordered(node: Extract<SigmaNode, { type: 'and' | 'or' }>): SigmaNode[] {
    const known = this.order.get(node);
    if (known) return known;
    const children = node.children;
    const key = new Map(children.map((c) => [c, [this.readsRaw(c) ? 1 : 0, this.cost(c), this.estimate(c)] as const]));
    const sorted = [...children].sort((a, b) => {
      const x = key.get(a) as readonly [number, number, number];
      const y = key.get(b) as readonly [number, number, number];
      return x[0] - y[0] || x[2] - y[2] || x[1] - y[1];
    });
    this.order.set(node, sorted);
    return sorted;
  }

  /** Forgets the records read so far: a run's later chunks never ask for an earlier chunk's rows. */
  forgetRecords(): void {
    this.extracted.clear();
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
    for (let k = 0; k < rows.length; k++) {
      // Parsing is the synchronous part of reading: a chunk's records of one segment come in pieces.
      if (k > 0 && k % PARSE_PIECE === 0) await this.pause();
      const r = rows[k];
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
        for (const child of this.ordered(node)) {
          if (cur.length === 0) break;
          cur = this.plan(child, cur, need);
        }
        return cur;
      }
      case 'or': {
        // Every alternative sees every row: which rows an earlier one takes is not known yet.
        let hit: Uint32Array = new Uint32Array(0);
        for (const child of node.children) hit = unionSorted(hit, this.plan(child, cand, need));
        return hit;
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
        for (const child of this.ordered(node)) {
          if (cur.length === 0) break;
          cur = this.evaluate(child, cur);
        }
        return cur;
      }
      case 'or': {
        // Each alternative sees only the rows no earlier one took: the hits are disjoint.
        let rest = cand;
        let out: Uint32Array = new Uint32Array(0);
        for (const child of this.ordered(node)) {
          if (rest.length === 0) break;
          const hit = this.evaluate(child, rest);
          if (hit.length === 0) continue;
          out = unionSorted(out, hit);
          rest = minusSorted(rest, hit);
        }
        return out;
      }
      case 'not':
        return minusSorted(cand, this.evaluate(node.child, cand));
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

/**
 * Rows of `a` not in `b`; both ascending, `b` a subset of `a` (what a node kept of its candidates):
 * one pass, with no array the size of the store (a run calls this per chunk of rows).
 */
function minusSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const r = a[i];
    while (j < b.length && b[j] < r) j++;
    if (j < b.length && b[j] === r) continue;
    out[n++] = r;
  }
  return out.subarray(0, n);
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
 * per row its rules. The run is cut into slices, each one rule over one chunk of rows (and the
 * chunk's records read asynchronously), and gives the event loop back after every slice, so the
 * panel's queries are answered while it runs; an aborted `signal` stops it between two slices.
 * Rows are only ever appended to a store, so rows that existed when the run began keep their
 * values however the store grows meanwhile; a store rebuilt (a new EventStore) is another store.
 */
export async function detect(store: EventStore, rules: readonly CompiledRule[], opts: DetectOptions = {}): Promise<Detections> {
  const rows = opts.rows && !isAscending(opts.rows) ? opts.rows.slice().sort() : opts.rows;
  const cand = cloudTrailRows(store, rows);
  const fields = new Set<string>();
  const walk = (n: SigmaNode): void => {
    if (n.type === 'and' || n.type === 'or') n.children.forEach(walk);
    else if (n.type === 'not') walk(n.child);
    else if (n.type === 'value' || n.type === 'absent') fields.add(n.field);
    else if (n.type === 'fieldref') fields.add(n.field).add(n.other);
  };
  rules.forEach((r) => walk(r.node));
  const chunkRows = Math.max(1, opts.chunkRows ?? DETECT_CHUNK);
  const yieldNow = opts.yieldNow ?? setImmediateYield;
  const ctx = new Context(store, [...fields], cand, setImmediateYield);
  const chunks = Math.ceil(cand.length / chunkRows);
  const total = chunks * rules.length * 2;
  let done = 0;
  const slice = async (): Promise<void> => {
    opts.onProgress?.(++done, total);
    await yieldNow();
    if (opts.signal?.aborted) throw new DetectionCancelled();
  };
  if (opts.signal?.aborted) throw new DetectionCancelled();
  const parts: Uint32Array[][] = rules.map(() => []);
  // Rows whose record some rule will read, for the chunk at hand (cleared after each chunk).
  const need = new Uint8Array(store.size);
  for (let off = 0; off < cand.length; off += chunkRows) {
    const chunk = cand.subarray(off, off + chunkRows);
    for (const rule of rules) {
      ctx.plan(rule.node, chunk, need);
      await slice();
    }
    const wanted = keepWhere(chunk, (r) => need[r] === 1);
    for (const r of wanted) need[r] = 0;
    await ctx.prefetchParallel(wanted, opts.parallel ?? readParallelism());
    for (let i = 0; i < rules.length; i++) {
      parts[i].push(ctx.evaluate(rules[i].node, chunk));
      await slice();
    }
    ctx.forgetRecords();
  }
  return assemble(rules, parts.map(concatRows), cand.length);
}

function isAscending(rows: Uint32Array): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i] <= rows[i - 1]) return false;
  return true;
}

function concatRows(parts: readonly Uint32Array[]): Uint32Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
