/**
 * A batch of normalized events on its way into the store: the raw bytes they arrived in (compressed
 * here, on the worker: see rawSegment.ts), where each record sits in them, and every column
 * dictionary-encoded locally. Built in a worker thread and
 * posted to the store's thread with its buffers transferred, so a million events cost no per-event
 * objects and no per-event structured clone.
 */
import { grow } from './growable';
import { compressSegment, gzipSegment, MAX_WHOLE_GZIP, segmentBuffers, type RawSegment } from './rawSegment';
import { StringMap } from './stringMap';

export type ColumnKind = 'string' | 'list';

export interface BatchColumn {
  name: string;
  kind: ColumnKind;
  /** Local dictionary; index 0 is '' (absent). List columns hold JSON arrays of strings. */
  dict: string[];
  ids: Uint32Array;
}

export interface EventBatch {
  count: number;
  /** The raw text records were read from, compressed (see rawSegment.ts); offsets are into the decompressed text. */
  segments: RawSegment[];
  seg: Uint8Array;
  start: Uint32Array;
  end: Uint32Array;
  time: Float64Array;
  columns: BatchColumn[];
}

/** Shared by every column not set yet: most files leave several columns empty. */
const NO_IDS = new Uint32Array(0);
const EMPTY = new Uint8Array(0);

class LocalColumn {
  dict: string[] = [''];
  /** One file's batch can hold more distinct values than one Map can (2^24). */
  map = new StringMap();
  /** Grown on the first value (set), never written while it is NO_IDS. */
  ids: Uint32Array = NO_IDS;
  constructor(
    readonly name: string,
    readonly kind: ColumnKind,
  ) {
    this.map.addNew('', 0);
  }
}

/** Accumulates records, then hands over an EventBatch (and the list of buffers to transfer). */
export class BatchBuilder {
  private count = 0;
  private readonly segments: Uint8Array[] = [];
  /** A gzip stream that inflates to exactly segments[i], kept instead of re-compressing it. */
  private readonly gzipOf: Array<Uint8Array | undefined> = [];
  /** Segments already compressed (see seal), by index; their text is no longer held. */
  private readonly sealed: Array<RawSegment | undefined> = [];
  /** The buffers sealed segments point into. */
  private readonly held = new Set<ArrayBufferLike>();
  private seg = new Uint8Array(64);
  private start = new Uint32Array(64);
  private end = new Uint32Array(64);
  private time = new Float64Array(64);
  private readonly columns: LocalColumn[] = [];
  private readonly byName = new Map<string, LocalColumn>();
  private readonly constants = new Map<string, string>();
  private synth: Uint8Array | undefined;
  private synthLen = 0;
  private synthSeg = -1;

  get size(): number {
    return this.count;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Adds text records are read from. `gzip`, when given, is a complete gzip stream that inflates to
   * exactly these bytes: kept as they are, they cost no compression work.
   */
  addSegment(bytes: Uint8Array, gzip?: Uint8Array): number {
    if (this.segments.length >= 255) throw new Error('a batch holds at most 255 raw segments');
    this.segments.push(bytes);
    this.gzipOf.push(gzip);
    this.sealed.push(undefined);
    return this.segments.length - 1;
  }

  /**
   * Stores text that did not arrive as bytes of its own (an event that came as a JSON string, a CSV
   * row) and returns where it lives.
   */
  addSynthetic(text: string): { seg: number; start: number; end: number } {
    const bytes = Buffer.from(text, 'utf8');
    if (!this.synth) {
      this.synth = new Uint8Array(Math.max(4096, bytes.length * 2));
      this.synthSeg = this.addSegment(this.synth);
    }
    if (this.synthLen + bytes.length > this.synth.length) {
      let cap = this.synth.length * 2;
      while (cap < this.synthLen + bytes.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.synth.subarray(0, this.synthLen));
      this.synth = next;
      this.segments[this.synthSeg] = next;
    }
    this.synth.set(bytes, this.synthLen);
    const start = this.synthLen;
    this.synthLen += bytes.length;
    return { seg: this.synthSeg, start, end: this.synthLen };
  }

  column(name: string, kind: ColumnKind = 'string'): number {
    const existing = this.byName.get(name);
    if (existing) return this.columns.indexOf(existing);
    const col = new LocalColumn(name, kind);
    this.columns.push(col);
    this.byName.set(name, col);
    return this.columns.length - 1;
  }

  /** A column with the same value on every record of the batch (e.g. the provider): no per-record work. */
  constant(name: string, value: string): void {
    this.constants.set(name, value);
  }

  /** Starts a record; then `set` its column values. Returns the record's index in the batch. */
  begin(seg: number, start: number, end: number, time: number): number {
    const i = this.count++;
    if (i >= this.seg.length) {
      this.seg = grow(Uint8Array, this.seg, i + 1);
      this.start = grow(Uint32Array, this.start, i + 1);
      this.end = grow(Uint32Array, this.end, i + 1);
      this.time = grow(Float64Array, this.time, i + 1);
    }
    this.seg[i] = seg;
    this.start[i] = start;
    this.end[i] = end;
    this.time[i] = time;
    return i;
  }

  set(column: number, value: string | undefined): void {
    if (!value) return;
    const col = this.columns[column];
    let id = col.map.get(value);
    if (id === undefined) {
      id = col.dict.length;
      col.dict.push(value);
      col.map.addNew(value, id);
    }
    const row = this.count - 1;
    if (row >= col.ids.length) col.ids = grow(Uint32Array, col.ids, this.seg.length);
    col.ids[row] = id;
  }

  setList(column: number, values: readonly string[] | undefined): void {
    if (values && values.length > 0) this.set(column, JSON.stringify(values));
  }

  /** Drops the last record begun (it turned out not to be an event). */
  rollback(): void {
    this.truncate(this.count - 1);
  }

  /** Drops every record from `size` on (a file that failed half-way through a shared batch). */
  truncate(size: number): void {
    for (; this.count > size; ) {
      const row = --this.count;
      for (const col of this.columns) if (row < col.ids.length) col.ids[row] = 0;
    }
  }

  /**
   * Compresses every segment added so far (but the synthetic one, which later records extend) and
   * lets go of its text: a batch shared by a run of files then holds each file's inflated text only
   * while that file is read, as a batch of its own would.
   */
  seal(): void {
    for (let i = 0; i < this.segments.length; i++) {
      if (i === this.synthSeg || this.sealed[i]) continue;
      const seg = this.finalSegment(i);
      this.sealed[i] = seg;
      for (const b of seg.blocks) this.held.add(b.data.buffer);
      this.segments[i] = EMPTY;
      this.gzipOf[i] = undefined;
    }
  }

  /** Whether a segment still points into `buffer` (then it must not be freed yet). */
  keeps(buffer: ArrayBufferLike): boolean {
    return this.held.has(buffer) || this.segments.some((s) => s.buffer === buffer);
  }

  private finalSegment(i: number): RawSegment {
    if (i !== this.synthSeg && this.compact(i)) this.gzipOf[i] = undefined;
    const s = this.segments[i];
    const gz = this.gzipOf[i];
    return gz && s.length <= MAX_WHOLE_GZIP ? gzipSegment(gz, s.length) : compressSegment(s);
  }

  build(): { batch: EventBatch; transfer: ArrayBuffer[] } {
    const n = this.count;
    if (this.synth) this.segments[this.synthSeg] = this.synth.subarray(0, this.synthLen);
    const segments = this.segments.map((_, i) => this.sealed[i] ?? this.finalSegment(i));
    // Every fixed-width array of the batch in one allocation, one transfer: a trail of thousands
    // of few-event files would otherwise allocate and move some thirty small buffers per file.
    const constants = [...this.constants];
    const nCols = this.columns.length + constants.length;
    const packed = new ArrayBuffer(n * (8 + 4 + 4 + 4 * nCols + 1));
    let at = 0;
    const f64 = (src: Float64Array): Float64Array => {
      const v = new Float64Array(packed, at, n);
      v.set(src.subarray(0, n));
      at += 8 * n;
      return v;
    };
    const u32 = (src: Uint32Array | undefined): Uint32Array => {
      const v = new Uint32Array(packed, at, n);
      if (src) v.set(src.length >= n ? src.subarray(0, n) : src);
      at += 4 * n;
      return v;
    };
    const time = f64(this.time);
    const start = u32(this.start);
    const end = u32(this.end);
    const columns: BatchColumn[] = this.columns.map((c) => ({ name: c.name, kind: c.kind, dict: c.dict, ids: u32(c.ids) }));
    for (const [name, value] of constants) columns.push({ name, kind: 'string', dict: ['', value], ids: u32(undefined).fill(1) });
    const seg = new Uint8Array(packed, at, n);
    seg.set(this.seg.subarray(0, n));
    const batch: EventBatch = { count: n, segments, seg, start, end, time, columns };
    const transfer: ArrayBuffer[] = [packed];
    const raw = new Set<ArrayBuffer>();
    for (const s of segments) segmentBuffers(s, raw);
    transfer.push(...raw);
    return { batch, transfer };
  }

  /**
   * A segment is the whole text a file arrived in; the store keeps it as long as one of its events
   * lives. When most of it is not record bytes (whitespace padding, a wrapper around few events,
   * records that were not events), only the records' bytes are kept, so a file of 2 events in 1 GB
   * of padding costs the 2 events, not the gigabyte (compressed or not: inflating it would still cost
   * the gigabyte). True when the segment was replaced.
   */
  private compact(segIndex: number): boolean {
    const seg = this.segments[segIndex];
    if (seg.length < COMPACT_MIN_WASTE) return false;
    const rows: number[] = [];
    let sorted = true;
    for (let i = 0; i < this.count; i++) {
      if (this.seg[i] !== segIndex) continue;
      if (rows.length > 0 && this.start[i] < this.start[rows[rows.length - 1]]) sorted = false;
      rows.push(i);
    }
    if (!sorted) rows.sort((a, b) => this.start[a] - this.start[b] || this.end[a] - this.end[b]);
    // Bytes covered by records (records of one file do not overlap, but nothing here relies on it).
    let used = 0;
    let reach = 0;
    for (const r of rows) {
      const s = Math.max(this.start[r], reach);
      if (this.end[r] > s) used += this.end[r] - s;
      reach = Math.max(reach, this.end[r]);
    }
    const waste = seg.length - used;
    if (waste < COMPACT_MIN_WASTE || waste < seg.length / 4) return false;
    const out = new Uint8Array(used);
    let at = 0;
    let srcEnd = 0; // end of the last source range copied
    let dstEnd = 0; // where that range ends in `out`
    for (const r of rows) {
      const s = this.start[r];
      const e = this.end[r];
      if (e <= srcEnd) {
        // Inside bytes already copied.
        this.start[r] = dstEnd - (srcEnd - s);
        this.end[r] = dstEnd - (srcEnd - e);
        continue;
      }
      const from = Math.max(s, srcEnd);
      const newStart = s < srcEnd ? dstEnd - (srcEnd - s) : at;
      out.set(seg.subarray(from, e), at);
      at += e - from;
      srcEnd = e;
      dstEnd = at;
      this.start[r] = newStart;
      this.end[r] = at;
    }
    this.segments[segIndex] = out;
    return true;
  }
}

/** Below this much non-record text a segment is kept as it is: copying would cost more than it frees. */
const COMPACT_MIN_WASTE = 64 * 1024;
