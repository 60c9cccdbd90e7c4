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
const VERSION = 1;

const sectionSchema = z.object({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });
const headerSchema = z.object({
  dataDate: z.string(),
  sources: z.array(z.object({ package: z.string(), version: z.string(), date: z.string(), use: z.string(), licence: z.string(), attribution: z.string() })),
  // The long lists (about 100,000 ASNs and names) are checked by hand below: a schema walk over them
  // would cost more than decoding the whole table.
  countries: z.array(z.string()),
  asns: z.array(z.unknown()),
  orgs: z.array(z.unknown()),
  sections: z.object({ v4country: sectionSchema, v6country: sectionSchema, v4asn: sectionSchema, v6asn: sectionSchema }),
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
function decodeRanges(bytes: Uint8Array, start: number, length: number, v6: boolean, valueCount: number): Ranges {
  const end = start + length;
  let varints = 0;
  for (let i = start; i < end; i++) if (bytes[i] < 0x80) varints++;
  const perEntry = v6 ? 3 : 2;
  if (varints % perEntry !== 0 || (length > 0 && bytes[end - 1] >= 0x80)) throw new Error('The IP table is truncated.');
  const count = varints / perEntry;
  const hi = new Uint32Array(count);
  const lo = v6 ? new Uint32Array(count) : undefined;
  const values = valueCount < 0xff ? new Uint8Array(count) : valueCount < 0xffff ? new Uint16Array(count) : new Uint32Array(count);
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
    hi[e] = h;
    if (lo) lo[e] = l;
    values[e] = v;
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

export class IpTable {
  /** The oldest date of the data the table was made from (YYYY-MM-DD). */
  readonly dataDate: string;
  readonly sources: readonly IpTableSource[];
  private readonly countries: readonly string[];
  private readonly asns: readonly number[];
  private readonly orgs: readonly string[];
  private readonly v4country: Ranges;
  private readonly v6country: Ranges;
  private readonly v4asn: Ranges;
  private readonly v6asn: Ranges;

  /** Decodes the table; throws on bytes that are not one. */
  constructor(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error('Not an IP table.');
    if (view.getUint32(4, true) !== VERSION) throw new Error(`The IP table has version ${view.getUint32(4, true)}, not ${VERSION}.`);
    const headerLength = view.getUint32(8, true);
    if (12 + headerLength > bytes.length) throw new Error('The IP table is truncated.');
    const header = headerSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))));
    if (header.orgs.length !== header.asns.length) throw new Error('The IP table has an organization list of the wrong length.');
    for (let i = 0; i < header.asns.length; i++) {
      const asn = header.asns[i];
      if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 0 || asn > 0xffffffff || typeof header.orgs[i] !== 'string') throw new Error('The IP table holds a bad AS entry.');
    }
    const body = 12 + headerLength;
    const s = header.sections;
    for (const sec of Object.values(s)) if (body + sec.offset + sec.length > bytes.length) throw new Error('The IP table is truncated.');
    this.dataDate = header.dataDate;
    this.sources = header.sources;
    this.countries = header.countries;
    this.asns = header.asns as number[];
    this.orgs = header.orgs as string[];
    this.v4country = decodeRanges(bytes, body + s.v4country.offset, s.v4country.length, false, header.countries.length);
    this.v6country = decodeRanges(bytes, body + s.v6country.offset, s.v6country.length, true, header.countries.length);
    this.v4asn = decodeRanges(bytes, body + s.v4asn.offset, s.v4asn.length, false, header.asns.length);
    this.v6asn = decodeRanges(bytes, body + s.v6asn.offset, s.v6asn.length, true, header.asns.length);
  }

  /** Entries in each section, for tests and the bench. */
  get entryCounts(): { v4country: number; v6country: number; v4asn: number; v6asn: number } {
    return { v4country: this.v4country.hi.length, v6country: this.v6country.hi.length, v4asn: this.v4asn.hi.length, v6asn: this.v6asn.hi.length };
  }

  lookup(ip: IpAddress): IpGeo {
    const [hi, lo] = ip.v === 4 ? [ip.n, 0] : [ip.w[0], ip.w[1]];
    const c = find(ip.v === 4 ? this.v4country : this.v6country, hi, lo);
    const a = find(ip.v === 4 ? this.v4asn : this.v6asn, hi, lo);
    return { country: c === 0 ? '' : this.countries[c - 1], asn: a === 0 ? 0 : this.asns[a - 1], org: a === 0 ? '' : this.orgs[a - 1] };
  }
}
