/**
 * The IP → country / autonomous system table (data/geo/, made by scripts/geo/build-ip-table.mjs),
 * decoded from its bytes (already decompressed: whoever reads the file does that, so this module
 * stays free of node and bundles for a browser) into sorted range starts searched by bisection.
 *
 * An entry covers [its start, the next start); IPv6 keys are the upper 64 bits of the address.
 */
import { z } from 'zod';
import type { IpAddress } from './address';

const MAGIC = 'ALXG';
const VERSION = 2;

const sectionSchema = z.object({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });
const headerSchema = z.object({
  dataDate: z.string(),
  sources: z.array(z.object({ package: z.string(), version: z.string(), date: z.string(), use: z.string(), licence: z.string(), attribution: z.string() })),
  countries: z.array(z.string()),
  asnCount: z.number().int().nonnegative(),
  sections: z.object({ v4country: sectionSchema, v6country: sectionSchema, v4asn: sectionSchema, v6asn: sectionSchema, asns: sectionSchema, orgs: sectionSchema }),
});

export type IpTableSource = z.infer<typeof headerSchema>['sources'][number];

/** What the table knows of one address; '' and 0 where it knows nothing. */
export interface IpGeo {
  readonly country: string;
  readonly asn: number;
  readonly org: string;
}

interface Ranges {
  /** IPv4: the start; IPv6: the upper 32 bits of the start. */
  readonly hi: Uint32Array;
  /** IPv6 only: bits 32-63 of the start. */
  readonly lo: Uint32Array | undefined;
  /** 0 for none, else index + 1 into the table's values. */
  readonly values: Uint8Array | Uint16Array | Uint32Array;
}

/**
 * Decodes a section straight into typed arrays sized by counting the varints first (each ends in a
 * byte below 0x80): the decoded table is all the memory it costs, no temporary arrays of numbers.
 */
function decodeRanges(bytes: Uint8Array, start: number, length: number, v6: boolean, valueCount: number, keep = true): Ranges {
  const end = start + length;
  let varints = 0;
  for (let i = start; i < end; i++) if (bytes[i] < 0x80) varints++;
  const perEntry = v6 ? 3 : 2;
  if (varints % perEntry !== 0 || (length > 0 && bytes[end - 1] >= 0x80)) throw new Error('The IP table is truncated.');
  const count = varints / perEntry;
  // Without `keep` the section is only checked: nothing is allocated.
  const size = keep ? count : 0;
  const hi = new Uint32Array(size);
  const lo = v6 ? new Uint32Array(size) : undefined;
  const values = valueCount < 0xff ? new Uint8Array(size) : valueCount < 0xffff ? new Uint16Array(size) : new Uint32Array(size);
  let pos = start;
  const next = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
      if (scale > 2 ** 28) throw new Error('The IP table holds an oversized number.');
    }
  };
  let prevHi = 0;
  let prevLo = 0;
  for (let e = 0; e < count; e++) {
    const h = prevHi + next();
    const l = lo ? (h === prevHi ? prevLo + next() : next()) : 0;
    const v = next();
    if (h > 0xffffffff || l > 0xffffffff || v > valueCount) throw new Error('The IP table holds a value out of range.');
    if (e > 0 && !(h > prevHi || (h === prevHi && l > prevLo))) throw new Error('The IP table is not sorted.');
    if (keep) {
      hi[e] = h;
      if (lo) lo[e] = l;
      values[e] = v;
    }
    prevHi = h;
    prevLo = l;
  }
  return { hi, lo, values };
}

/** The value (0 for none) of the last entry starting at or before (hi, lo). */
function find(r: Ranges, hi: number, lo: number): number {
  let a = 0;
  let b = r.hi.length - 1;
  let found = -1;
  while (a <= b) {
    const m = (a + b) >>> 1;
    const before = r.hi[m] < hi || (r.hi[m] === hi && (r.lo === undefined || r.lo[m] <= lo));
    if (before) {
      found = m;
      a = m + 1;
    } else b = m - 1;
  }
  return found < 0 ? 0 : r.values[found];
}

/** Reads `count` varints (each below 2^32) from bytes[start, start + length), all of them. */
function decodeList(bytes: Uint8Array, start: number, length: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let pos = start;
  const end = start + length;
  for (let i = 0; i < count; i++) {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (pos >= end) throw new Error('The IP table is truncated.');
      const b = bytes[pos++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 128;
      if (scale > 2 ** 28) throw new Error('The IP table holds an oversized number.');
    }
    if (n > 0xffffffff) throw new Error('The IP table holds a value out of range.');
    out[i] = n;
  }
  if (pos !== end) throw new Error('The IP table has a list of the wrong length.');
  return out;
}

export class IpTable {
  /** The oldest date of the data the table was made from (YYYY-MM-DD). */
  readonly dataDate: string;
  readonly sources: readonly IpTableSource[];
  private readonly countries: readonly string[];
  private readonly asns: Uint32Array;
  /** The organization names, UTF-8, each ended by a line feed; decoded one at a time when asked. */
  private readonly orgBytes: Uint8Array;
  private readonly orgStarts: Uint32Array;
  private readonly v4country: Ranges;
  private readonly v4asn: Ranges;
  /**
   * IPv6 is decoded on the first IPv6 lookup: most trails have none, and its ranges cost more
   * memory decoded (12 bytes an entry) than encoded (about 4).
   */
  private v6: { country: Ranges; asn: Ranges } | undefined;
  private v6bytes: { country: Uint8Array; asn: Uint8Array } | undefined;

  /** Decodes the table; throws on bytes that are not one. Keeps no reference to `bytes`. */
  constructor(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error('Not an IP table.');
    if (view.getUint32(4, true) !== VERSION) throw new Error(`The IP table has version ${view.getUint32(4, true)}, not ${VERSION}.`);
    const headerLength = view.getUint32(8, true);
    if (12 + headerLength > bytes.length) throw new Error('The IP table is truncated.');
    const header = headerSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))));
    const body = 12 + headerLength;
    const s = header.sections;
    for (const sec of Object.values(s)) if (body + sec.offset + sec.length > bytes.length) throw new Error('The IP table is truncated.');
    // A copy, never a view: a node Buffer's slice() is one, and would keep all the bytes alive.
    const section = (k: keyof typeof s) => Uint8Array.prototype.slice.call(bytes, body + s[k].offset, body + s[k].offset + s[k].length);
    this.dataDate = header.dataDate;
    this.sources = header.sources;
    this.countries = header.countries;
    this.asns = decodeList(bytes, body + s.asns.offset, s.asns.length, header.asnCount);
    this.orgBytes = section('orgs');
    const starts = new Uint32Array(header.asnCount + 1);
    let n = 0;
    for (let i = 0; i < this.orgBytes.length && n < header.asnCount; i++) if (this.orgBytes[i] === 10) starts[++n] = i + 1;
    if (n !== header.asnCount || starts[n] !== this.orgBytes.length) throw new Error('The IP table has an organization list of the wrong length.');
    this.orgStarts = starts;
    this.v4country = decodeRanges(bytes, body + s.v4country.offset, s.v4country.length, false, header.countries.length);
    this.v4asn = decodeRanges(bytes, body + s.v4asn.offset, s.v4asn.length, false, header.asnCount);
    const v6country = section('v6country');
    const v6asn = section('v6asn');
    this.v6bytes = { country: v6country, asn: v6asn };
    // Checked now, so damage shows when the table is read rather than at the first IPv6 address.
    decodeRanges(v6country, 0, v6country.length, true, this.countries.length, false);
    decodeRanges(v6asn, 0, v6asn.length, true, this.asns.length, false);
  }

  private v6Ranges(): { country: Ranges; asn: Ranges } {
    if (this.v6) return this.v6;
    const b = this.v6bytes;
    if (!b) throw new Error('unreachable: IPv6 ranges without their bytes');
    const v6 = { country: decodeRanges(b.country, 0, b.country.length, true, this.countries.length), asn: decodeRanges(b.asn, 0, b.asn.length, true, this.asns.length) };
    return v6;
  }

  /** Entries in each section, for tests and the bench. */
  get entryCounts(): { v4country: number; v6country: number; v4asn: number; v6asn: number } {
    const v6 = this.v6Ranges();
    return { v4country: this.v4country.hi.length, v6country: v6.country.hi.length, v4asn: this.v4asn.hi.length, v6asn: v6.asn.hi.length };
  }

  private org(index: number): string {
    return new TextDecoder().decode(this.orgBytes.subarray(this.orgStarts[index], this.orgStarts[index + 1] - 1));
  }

  lookup(ip: IpAddress): IpGeo {
    let c: number;
    let a: number;
    if (ip.v === 4) {
      c = find(this.v4country, ip.n, 0);
      a = find(this.v4asn, ip.n, 0);
    } else {
      if (!this.v6) {
        this.v6 = this.v6Ranges();
        this.v6bytes = undefined;
      }
      c = find(this.v6.country, ip.w[0], ip.w[1]);
      a = find(this.v6.asn, ip.w[0], ip.w[1]);
    }
    return { country: c === 0 ? '' : this.countries[c - 1], asn: a === 0 ? 0 : this.asns[a - 1], org: a === 0 ? '' : this.org(a - 1) };
  }
}
