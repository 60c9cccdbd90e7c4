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
/** Parsed records kept while one detection runs (rows read for raw paths, fieldrefs, keywords). */
const PARSE_CACHE = 4_096;

export interface Detections {
  rules: readonly CompiledRule[];
  /** rows[i]: the rows rule i matched, ascending. */
  rows: Uint32Array[];
  /** Every row with at least one hit, ascending. */
  hitRows: Uint32Array;
  /** Indices into `rules` of the rules a row hit (empty when none). */
  rulesOf(row: number): CompiledRule[];
  /** Rows the rules were evaluated over (CloudTrail records). */
  evaluated: number;
}

type Access = { kind: 'column'; col: StoreColumn; trusted?: Uint8Array } | { kind: 'raw'; path: string };

class Context {
  private readonly parsed = new Map<number, unknown>();
  private readonly access = new Map<string, Access>();
  private readonly masks = new WeakMap<SigmaNode, Uint8Array>();
  private readonly tests = new WeakMap<SigmaNode, ValueTest>();
  private trustBase: Uint8Array | undefined;
  private trustError: Uint8Array | undefined;

  constructor(readonly store: EventStore) {}

  fieldAccess(field: string): Access {
    let a = this.access.get(field);
    if (a) return a;
    const alias = ALIASED[field];
    if (alias) {
      a = { kind: 'column', col: this.store.resolveColumn(alias) as StoreColumn, trusted: field === 'errorCode' ? this.errorTrust() : this.baseTrust() };
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

  private record(row: number): unknown {
    let rec = this.parsed.get(row);
    if (rec === undefined && !this.parsed.has(row)) {
      try {
        rec = parseRecordExact(this.store.rawText(row));
      } catch {
        rec = null;
      }
      if (this.parsed.size >= PARSE_CACHE) this.parsed.clear();
      this.parsed.set(row, rec);
    }
    return rec;
  }

  /** A field's values in one row: from its column when the column is exact there, else raw. */
  values(field: string, row: number): string[] {
    const a = this.fieldAccess(field);
    if (a.kind === 'column' && (!a.trusted || a.trusted[row] === 1)) return a.col.valuesOf(a.col.ids[row]);
    return extractPath(this.record(row), field);
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

  evaluate(node: SigmaNode, cand: Uint32Array): Uint32Array {
    if (cand.length === 0) return cand;
    switch (node.type) {
      case 'const':
        return node.value ? cand : new Uint32Array(0);
      case 'and': {
        let cur = cand;
        for (const child of [...node.children].sort((a, b) => this.cost(a) - this.cost(b))) {
          if (cur.length === 0) break;
          cur = this.evaluate(child, cur);
        }
        return cur;
      }
      case 'or': {
        const mark = new Uint8Array(this.store.size);
        let rest = cand;
        for (const child of [...node.children].sort((a, b) => this.cost(a) - this.cost(b))) {
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
        if (a.kind === 'raw') return keepWhere(cand, (r) => rowTest(extractPath(this.record(r), a.path)));
        const mask = this.mask(node, a.col, test);
        if (!a.trusted) return keepByMask(a.col, cand, mask);
        const trusted = a.trusted;
        const ids = a.col.ids;
        return keepWhere(cand, (r) => (trusted[r] === 1 ? mask[ids[r]] === 1 : rowTest(extractPath(this.record(r), node.field))));
      }
      case 'fieldref':
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
 * per row its rules.
 */
export function detect(store: EventStore, rules: readonly CompiledRule[], opts: { rows?: Uint32Array } = {}): Detections {
  const ctx = new Context(store);
  const cand = cloudTrailRows(store, opts.rows);
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
