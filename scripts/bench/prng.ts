/**
 * A small seeded PRNG (sfc32, seeded through splitmix32). Math.random cannot be seeded, and the
 * benchmark data set must come out byte-identical for a given seed so cached runs compare fairly.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over all four words; sfc32 behaves badly from
    // near-zero state.
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    // Discard the first outputs: they still correlate with the seed.
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi], both ends included. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(n: number): string {
  return HEX[n >>> 24] + HEX[(n >>> 16) & 0xff] + HEX[(n >>> 8) & 0xff] + HEX[n & 0xff];
}

/** A random RFC 4122 version-4 UUID, the format CloudTrail uses for eventID. */
export function uuidV4(rng: Prng): string {
  const a = hex32(rng.u32());
  // Version nibble 4 (hex digit 12) and variant bits 10xx (hex digit 16), as RFC 4122 requires.
  const b = hex32(((rng.u32() & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex32(((rng.u32() & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex32(rng.u32());
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random [A-Za-z0-9] string, like the 16-character tail of a CloudTrail log file name. */
export function alnum(rng: Prng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[rng.int(ALNUM.length)];
  return s;
}
