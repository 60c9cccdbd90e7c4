/**
 * EventStore: every loaded event, held as columns rather than objects so a million events fit in
 * little more memory than their raw bytes and a filter is a pass over small integers.
 *
 * - time: Float64Array of epoch ms
 * - string columns (the normalized fields, raw paths extracted at load time, raw paths built on
 *   first use): one array of dictionary ids each, as narrow as the dictionary allows — most
 *   columns have under 256 distinct values, so one byte per event
 * - ids: an IdIndex (UUIDs as 16 bytes), which also recognises duplicates
 * - raw: the bytes each event arrived in, as compressed segments (one per file, usually: a gzipped
 *   file keeps its own gzip bytes, other text is deflated in blocks; see rawSegment.ts) plus
 *   offsets into the decompressed text; inflated (through a small cache) and parsed again only when
 *   someone asks for the event's bytes or JSON or a raw path nobody extracted yet.
 */
import { EventBatch, ColumnKind } from './batch';
import { Dictionary } from './dictionary';
import { findDerived, type DerivedField } from './derived';
import { DERIVED_FIELDS } from './derivedFields';
import { NORMALIZED_FIELDS, aliasedPath, resolveField } from './event';
import { grow } from './growable';
import { IdIndex } from './idIndex';
import { extractPath, parseRecordExact } from './rawPath';
import { QueryNode, parseQuery } from './query';
import { RawReader, type RawWindow } from './rawReader';
import { storedBytes, type RawSegment } from './rawSegment';
import { shareSegment } from './searchPool';
import { evaluate } from './evaluate';
import { ResultView, SortSpec, sortRows } from './view';

export type IdArray = Uint8Array | Uint16Array | Uint32Array;

export class StoreColumn {
  ids: IdArray;
  readonly dict = new Dictionary();
  /** Row ranges [start, end) whose values were never extracted (raw-path columns only). */
  missing: Array<[number, number]> = [];
  private parts: string[][] | undefined;

  constructor(
    readonly name: string,
    readonly kind: ColumnKind,
    capacity: number,
  ) {
    this.ids = new Uint8Array(capacity);
  }

  /** Widens the id array once the dictionary outgrows it (1 → 2 → 4 bytes per event). */
  fitIds(): void {
    const max = this.dict.size - 1;
    const need = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
    if (need <= this.ids.BYTES_PER_ELEMENT) return;
    const next = need === 2 ? new Uint16Array(this.ids.length) : new Uint32Array(this.ids.length);
    next.set(this.ids);
    this.ids = next;
  }

  /** Makes room for `capacity` rows, keeping the width. */
  reserve(capacity: number): void {
    if (capacity <= this.ids.length) return;
    const next = this.ids instanceof Uint8Array ? new Uint8Array(capacity) : this.ids instanceof Uint16Array ? new Uint16Array(capacity) : new Uint32Array(capacity);
    next.set(this.ids);
    this.ids = next;
  }

  /** The values a dictionary entry stands for: one for string columns, the elements for lists. */
  valuesOf(id: number): string[] {
    if (this.kind === 'string') return id === 0 ? [] : [this.dict.values[id]];
    if (!this.parts || this.parts.length < this.dict.size) {
      const parts = this.parts ?? [];
      for (let i = parts.length; i < this.dict.size; i++) parts.push(i === 0 ? [] : (JSON.parse(this.dict.values[i]) as string[]));
      this.parts = parts;
    }
    return this.parts[id];
  }

  /** What a person sees in a cell. */
  display(id: number): string {
    return this.kind === 'string' ? this.dict.values[id] : this.valuesOf(id).join(', ');
  }
}

export interface AppendResult {
  added: number;
  duplicates: number;
}

export interface StoreOptions {
  /**
   * Raw bytes in shared memory, for the search workers (default). A store that lives only for one
   * batch's query (batchMatches.ts) skips the copy.
   */
  shareRaw?: boolean;
  /** The derived fields this store offers (default: all of derivedFields.ts). */
  derivedFields?: readonly DerivedField[];
}

const NORMALIZED = new Set<string>(NORMALIZED_FIELDS);

let nextStoreId = 1;

export class EventStore {
  /** Names this store to search workers (which hold its segments between searches). */
  readonly id = nextStoreId++;
  size = 0;
  /** Bumped on every append: views compare it to know they are stale. */
  version = 0;
  time = new Float64Array(1024);
  rawSeg = new Uint32Array(1024);
  rawStart = new Uint32Array(1024);
  rawEnd = new Uint32Array(1024);
  readonly segments: RawSegment[] = [];
  /** Decompresses raw bytes on demand; its cache is the only inflated text the store holds. */
  readonly rawReader = new RawReader(this.segments);
  private readonly cols = new Map<string, StoreColumn>();
  /** Derived columns by field name, apart from `cols` so `raw.<name>` still means the raw path. */
  private readonly derivedCols = new Map<string, StoreColumn>();
  /** Every event's id: how duplicates are recognised, and where the id column comes from. */
  private readonly ids = new IdIndex();
  private capacity = 1024;

  private readonly share: (s: RawSegment) => RawSegment;
  readonly derivedFields: readonly DerivedField[];

  constructor(opts: StoreOptions = {}) {
    this.share = opts.shareRaw === false ? (s) => s : shareSegment;
    this.derivedFields = opts.derivedFields ?? DERIVED_FIELDS;
    // The id column is built from the IdIndex only when someone asks for it (see resolveColumn).
    for (const f of NORMALIZED_FIELDS) if (f !== 'time' && f !== 'id') this.ensureColumn(f, f === 'resources' ? 'list' : 'string');
  }

  /** Column names in the store: normalized fields first, then raw paths. */
  columnNames(): string[] {
    const normalized = [...this.cols.keys()].filter((c) => c !== 'id' && NORMALIZED.has(c));
    const raw = [...this.cols.keys()].filter((c) => c !== 'id' && !NORMALIZED.has(c));
    return ['time', 'id', ...normalized, ...this.derivedFields.map((f) => f.name), ...raw];
  }

  /** The id of an event exactly as it arrived ('' if it had none). */
  idOf(row: number): string {
    return this.ids.get(row);
  }

  /**
   * How to read one field cell by cell, for windows of rows: time as epoch ms, ids straight from
   * the id index (no million-entry dictionary for a column of unique values), the rest as text.
   */
  cellReader(name: string): (row: number) => string | number {
    const field = aliasedPath(name);
    const normalized = resolveField(field);
    if (normalized === 'id' && !this.cols.has('id')) return (row) => this.ids.get(row);
    if (!normalized && !this.derivedFor(field) && !this.findColumn(field)) {
      // A raw path nobody filtered or sorted on yet: read just the rows in view, not all of them.
      const path = field.startsWith('raw.') ? field.slice(4) : field;
      return (row) => {
        try {
          return extractPath(parseRecordExact(this.rawText(row)), path).join(', ');
        } catch {
          return '';
        }
      };
    }
    const col = this.resolveColumn(field);
    if (col === 'time') return (row) => this.time[row];
    return (row) => col.display(col.ids[row]);
  }

  /** An existing column for a raw path, matched case-insensitively. */
  private findColumn(field: string): StoreColumn | undefined {
    const path = field.startsWith('raw.') ? field.slice(4) : field;
    const exact = this.cols.get(path);
    if (exact) return exact;
    for (const [name, c] of this.cols) if (name.toLowerCase() === path.toLowerCase()) return c;
    return undefined;
  }

  /** A column already built: normalized, derived (by its exact name) or raw path. */
  getColumn(name: string): StoreColumn | undefined {
    return this.cols.get(name) ?? this.derivedCols.get(name);
  }

  /**
   * Marks derived columns to be filled again on next use: for fields whose values come from outside
   * the events (a detection run, see sigma/detectionFields.ts) when that outside changes.
   */
  refillDerived(names: readonly string[]): void {
    for (const name of names) {
      const col = this.derivedCols.get(name);
      if (col) col.missing = this.size > 0 ? [[0, this.size]] : [];
    }
  }

  /** The derived field a typed name means; never for `raw.<name>`, which names the raw path. */
  private derivedFor(field: string): DerivedField | undefined {
    return field.startsWith('raw.') ? undefined : findDerived(this.derivedFields, field);
  }

  /**
   * Adds a batch, dropping events whose id is already in the store (the same event delivered
   * twice: regional and global files, overlapping downloads). `keptRows` is told which of the
   * batch's rows were kept (store rows from the current size on, in this order).
   */
  appendBatch(batch: EventBatch, keptRows?: (rows: Uint32Array) => void): AppendResult {
    const n = batch.count;
    this.reserve(this.size + n);
    const idCol = batch.columns.find((c) => c.name === 'id');
    const keep = new Uint32Array(n);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (idCol && !this.ids.add(this.size + kept, idCol.dict[idCol.ids[i]])) continue;
      keep[kept++] = i;
    }
    keptRows?.(keep.subarray(0, kept));
    if (kept === 0) return { added: 0, duplicates: n };

    const segBase = this.segments.length;
    // Shared memory: search workers read the compressed bytes without a copy of their own.
    for (const s of batch.segments) this.segments.push(this.share(s));
    const base = this.size;
    for (let k = 0; k < kept; k++) {
      const i = keep[k];
      const row = base + k;
      this.time[row] = batch.time[i];
      this.rawSeg[row] = segBase + batch.seg[i];
      this.rawStart[row] = batch.start[i];
      this.rawEnd[row] = batch.end[i];
    }
    const present = new Set<string>();
    for (const bc of batch.columns) {
      if (bc.name === 'id') continue;
      present.add(bc.name);
      const col = this.ensureColumn(bc.name, bc.kind);
      const map = bc.dict.map((v) => col.dict.intern(v));
      col.fitIds();
      const dst = col.ids;
      const src = bc.ids;
      for (let k = 0; k < kept; k++) dst[base + k] = map[src[keep[k]]];
    }
    for (const col of this.cols.values()) {
      if (col.name === 'id' || (!present.has(col.name) && !NORMALIZED.has(col.name))) col.missing.push([base, base + kept]);
    }
    this.size += kept;
    this.derivedAppended(base);
    this.version++;
    return { added: kept, duplicates: n - kept };
  }

  /** Rows from `base` were appended: derived columns already built fill them (a `store` field every row) on next use. */
  private derivedAppended(base: number): void {
    if (base === this.size) return;
    for (const [name, col] of this.derivedCols) {
      const field = findDerived(this.derivedFields, name) as DerivedField;
      col.missing = field.scope === 'store' ? [[0, this.size]] : [...col.missing, [base, this.size]];
    }
  }

  /**
   * Adds rows [from, to) of a batch that holds several files (a loader worker's run), one file at a
   * time, exactly as if that file had come as a batch of its own: the same duplicates dropped, its
   * values interned in the order they first appear in its rows, only the raw segments its kept events
   * use. Work shared by the ranges (the batch's own bookkeeping) is done once per batch.
   */
  appendRows(batch: EventBatch, from: number, to: number): AppendResult {
    if (from === 0 && to === batch.count) return this.appendBatch(batch);
    const n = to - from;
    this.reserve(this.size + n);
    const m = this.mergeStateOf(batch);
    const idCol = m.idCol;
    const keep = new Uint32Array(n);
    let kept = 0;
    for (let i = from; i < to; i++) {
      if (idCol && !this.ids.add(this.size + kept, idCol.dict[idCol.ids[i]])) continue;
      keep[kept++] = i;
    }
    if (kept === 0) return { added: 0, duplicates: n };

    const base = this.size;
    for (let k = 0; k < kept; k++) {
      const i = keep[k];
      const row = base + k;
      let seg = m.segAt[batch.seg[i]];
      if (seg < 0) {
        seg = m.segAt[batch.seg[i]] = this.segments.length;
        this.segments.push(this.share(batch.segments[batch.seg[i]]));
      }
      this.time[row] = batch.time[i];
      this.rawSeg[row] = seg;
      this.rawStart[row] = batch.start[i];
      this.rawEnd[row] = batch.end[i];
    }
    const present = new Set<string>();
    for (let c = 0; c < batch.columns.length; c++) {
      const bc = batch.columns[c];
      if (bc.name === 'id') continue;
      present.add(bc.name);
      const col = this.ensureColumn(bc.name, bc.kind);
      const map = m.dictMaps[c];
      const src = bc.ids;
      // Interned in the order of first appearance in the range, dropped rows included: the order
      // (and the values) a batch of this file's own would have interned.
      for (let i = from; i < to; i++) {
        const v = src[i];
        if (map[v] === UNMAPPED) map[v] = col.dict.intern(bc.dict[v]);
      }
      col.fitIds();
      const dst = col.ids;
      for (let k = 0; k < kept; k++) dst[base + k] = map[src[keep[k]]];
    }
    for (const col of this.cols.values()) {
      if (col.name === 'id' || (!present.has(col.name) && !NORMALIZED.has(col.name))) col.missing.push([base, base + kept]);
    }
    this.size += kept;
    this.derivedAppended(base);
    this.version++;
    return { added: kept, duplicates: n - kept };
  }

  /** What appendRows keeps per batch: where its segments went and its dictionaries' store ids. */
  private readonly mergeStates = new WeakMap<EventBatch, MergeState>();

  private mergeStateOf(batch: EventBatch): MergeState {
    let m = this.mergeStates.get(batch);
    if (!m) {
      m = {
        idCol: batch.columns.find((c) => c.name === 'id'),
        segAt: new Int32Array(batch.segments.length).fill(-1),
        dictMaps: batch.columns.map((c) => new Uint32Array(c.dict.length).fill(UNMAPPED)),
      };
      this.mergeStates.set(batch, m);
    }
    return m;
  }

  /**
   * The bytes an event arrived in (a view: do not write to it). Throws RawDataError if the stored
   * bytes cannot be decompressed.
   */
  rawBytes(row: number): Uint8Array {
    return this.rawReader.bytes(this.rawSeg[row], this.rawStart[row], this.rawEnd[row]);
  }

  /**
   * The bytes of many events, in the order asked, each a copy of its own. Read in segment order, so
   * every block is inflated once per call whatever the order (an export sorted by any column).
   */
  rawBytesOf(rows: Uint32Array): Uint8Array[] {
    const { rawSeg, rawStart, rawEnd } = this;
    const byPlace = Array.from(rows.keys()).sort((a, b) => rawSeg[rows[a]] - rawSeg[rows[b]] || rawStart[rows[a]] - rawStart[rows[b]]);
    const out = new Array<Uint8Array>(rows.length);
    let w: RawWindow | undefined;
    for (const i of byPlace) {
      const r = rows[i];
      const seg = rawSeg[r];
      if (!w || w.seg !== seg || rawStart[r] < w.base || rawEnd[r] > w.base + w.buf.length) w = this.rawReader.window(seg, rawStart[r], rawEnd[r]);
      // A copy (Buffer's slice would be a view keeping the whole inflated window alive).
      out[i] = Uint8Array.prototype.slice.call(w.buf, rawStart[r] - w.base, rawEnd[r] - w.base) as Uint8Array;
    }
    return out;
  }

  rawText(row: number): string {
    const b = this.rawBytes(row);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  }

  /** Bytes the raw segments occupy as stored (compressed). */
  rawStoredBytes(): number {
    let n = 0;
    for (const s of this.segments) n += storedBytes(s);
    return n;
  }

  /** The event as received, parsed again on demand (the store keeps no per-event objects). */
  raw(row: number): unknown {
    return JSON.parse(this.rawText(row));
  }

  /** A cell's text: normalized field, raw path extracted earlier, or a raw path read now. */
  value(row: number, field: string): string {
    const v = this.cellReader(field)(row);
    return typeof v === 'number' ? formatTime(v) : v;
  }

  /**
   * Finds the column a user-typed field means: a normalized field or its CloudTrail alias, an
   * extracted raw path, or a raw path extracted now for every row (then kept for next time).
   */
  resolveColumn(name: string): StoreColumn | 'time' {
    const field = aliasedPath(name);
    const normalized = resolveField(field);
    if (normalized === 'time') return 'time';
    if (normalized === 'id' && !this.cols.has('id')) this.ensureColumn('id', 'string').missing.push([0, this.size]);
    if (normalized) {
      const col = this.cols.get(normalized) as StoreColumn;
      this.fill(col);
      return col;
    }
    const derived = this.derivedFor(field);
    if (derived) {
      let col = this.derivedCols.get(derived.name);
      if (!col) {
        col = new StoreColumn(derived.name, derived.kind, this.capacity);
        if (this.size > 0) col.missing.push([0, this.size]);
        this.derivedCols.set(derived.name, col);
      }
      if (col.missing.length > 0) {
        derived.fill(this, col, col.missing);
        col.missing = [];
      }
      return col;
    }
    const path = field.startsWith('raw.') ? field.slice(4) : field;
    let col = this.findColumn(field);
    if (!col) {
      col = this.ensureColumn(path, 'list');
      if (this.size > 0) col.missing.push([0, this.size]);
    }
    this.fill(col);
    return col;
  }

  /**
   * True when at least one event has a value for the field. Normalized fields always count (every
   * event has them, maybe empty); a raw path is looked up in every event once (as a filter on it
   * would) and kept as a column.
   */
  hasField(name: string): boolean {
    const field = aliasedPath(name);
    // Normalized and derived fields are defined for every event, maybe empty: never a typo.
    if (resolveField(field) || this.derivedFor(field)) return true;
    const col = this.resolveColumn(field);
    if (col === 'time') return true;
    if (col.dict.size <= 1) return false;
    const ids = col.ids;
    for (let row = 0; row < this.size; row++) if (ids[row] !== 0) return true;
    return false;
  }

  /** `rows` limits the query to rows [start, end): the events one page of a live fetch added. */
  query(filter: string | QueryNode = '', opts: { sort?: SortSpec; now?: number; rows?: { start: number; end: number } } = {}): ResultView {
    const node = typeof filter === 'string' ? parseQuery(filter, opts.now) : filter;
    const start = Math.max(0, Math.min(this.size, opts.rows?.start ?? 0));
    const end = Math.max(start, Math.min(this.size, opts.rows?.end ?? this.size));
    const all = new Uint32Array(end - start);
    for (let i = 0; i < all.length; i++) all[i] = start + i;
    const matched = evaluate(this, node, all);
    const sort = opts.sort ?? { field: 'time', dir: 'asc' };
    return new ResultView(this, sortRows(this, matched, sort), sort, this.version);
  }

  private ensureColumn(name: string, kind: ColumnKind): StoreColumn {
    let col = this.cols.get(name);
    if (!col) {
      col = new StoreColumn(name, kind, this.capacity);
      this.cols.set(name, col);
    }
    return col;
  }

  private fill(col: StoreColumn): void {
    if (col.missing.length === 0) return;
    const read = col.name === 'id' ? (row: number) => [this.ids.get(row)].filter(Boolean) : (row: number) => extractPath(parseRecordExact(this.rawText(row)), col.name);
    for (const [start, end] of col.missing) {
      for (let row = start; row < end; row++) {
        let values: string[];
        try {
          values = read(row);
        } catch {
          values = [];
        }
        if (values.length === 0) continue;
        const id =
          col.kind === 'list'
            ? col.dict.intern(JSON.stringify(values))
            : col.dict.intern(values.length === 1 ? values[0] : JSON.stringify(values));
        col.fitIds();
        col.ids[row] = id;
      }
    }
    col.missing = [];
  }

  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = this.capacity;
    while (cap < rows) cap *= 2;
    this.time = grow(Float64Array, this.time, cap);
    this.rawSeg = grow(Uint32Array, this.rawSeg, cap);
    this.rawStart = grow(Uint32Array, this.rawStart, cap);
    this.rawEnd = grow(Uint32Array, this.rawEnd, cap);
    for (const col of this.cols.values()) col.reserve(cap);
    for (const col of this.derivedCols.values()) col.reserve(cap);
    this.capacity = cap;
  }
}

interface MergeState {
  idCol: EventBatch['columns'][number] | undefined;
  segAt: Int32Array;
  dictMaps: Uint32Array[];
}

const UNMAPPED = 0xffffffff;

export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}
