/**
 * What a `sourceIPAddress` value is: an IPv4 or IPv6 address (and which kind: public, private,
 * loopback…), AWS's "AWS Internal", a service name such as `s3.amazonaws.com`, or something else.
 *
 * Parsing is strict and linear in the input: the values come from log files anyone can write, so
 * an address that a lenient parser would read two ways (leading zeros, which some read as octal;
 * `1.2.3`; a trailing dot) is not an address here, and anything longer than an address can be is
 * rejected before it is looked at.
 */

/** An address as 32-bit words, most significant first; IPv4 (and IPv4-mapped IPv6) has one. */
export type IpAddress = { readonly v: 4; readonly n: number } | { readonly v: 6; readonly w: readonly [number, number, number, number] };

/** The label every value gets; only `public` addresses are looked up for a country and an AS. */
export type IpClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'cgnat'
  | 'documentation'
  | 'multicast'
  | 'reserved'
  | 'aws-internal'
  | 'service'
  | 'invalid';

/** What each class means, for the field's documentation and the detail pane. */
export const IP_CLASS_TEXT: Readonly<Record<IpClass, string>> = {
  public: 'public address',
  private: 'private address (RFC 1918, IPv6 unique local)',
  loopback: 'loopback address',
  'link-local': 'link-local address',
  cgnat: 'carrier-grade NAT shared address (100.64.0.0/10)',
  documentation: 'documentation address (e.g. 203.0.113.0/24, 2001:db8::/32)',
  multicast: 'multicast address',
  reserved: 'reserved or unspecified address',
  'aws-internal': 'AWS Internal (a call AWS made for itself)',
  service: 'service name (a call an AWS service made for you, e.g. s3.amazonaws.com)',
  invalid: 'not an address',
};

/** `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%` plus a zone id of at most 32 characters. */
const MAX_ADDRESS_LENGTH = 45 + 1 + 32;
const MAX_HOSTNAME_LENGTH = 253;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Dotted-quad IPv4 from s[start, end) as an unsigned 32-bit number, or -1. */
function parseV4(s: string, start: number, end: number): number {
  let n = 0;
  let parts = 0;
  let i = start;
  while (parts < 4) {
    const first = i;
    let octet = 0;
    while (i < end && isDigit(s.charCodeAt(i)) && i - first < 3) octet = octet * 10 + s.charCodeAt(i++) - 48;
    const len = i - first;
    if (len === 0 || octet > 255 || (len > 1 && s.charCodeAt(first) === 48)) return -1;
    n = n * 256 + octet;
    parts++;
    if (parts < 4) {
      if (i >= end || s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === end ? n : -1;
}

/** IPv6 from s[0, end) (zone already cut) as eight 16-bit groups, or undefined. */
function parseV6Groups(s: string, end: number): number[] | undefined {
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let compressed = false;
  let i = 0;
  if (s.startsWith('::')) {
    compressed = true;
    groups = tail;
    i = 2;
    if (i === end) return new Array<number>(8).fill(0);
  }
  for (;;) {
    // An IPv4 tail (`::ffff:1.2.3.4`): only as the last 32 bits.
    let j = i;
    while (j < end && j - i < 4 && hexValue(s.charCodeAt(j)) >= 0) j++;
    if (j < end && s.charCodeAt(j) === 46) {
      const v4 = parseV4(s, i, end);
      if (v4 < 0) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      break;
    }
    if (j === i || (j < end && j - i === 4 && hexValue(s.charCodeAt(j)) >= 0)) return undefined;
    let g = 0;
    for (let k = i; k < j; k++) g = g * 16 + hexValue(s.charCodeAt(k));
    groups.push(g);
    if (head.length + tail.length > 8) return undefined;
    if (j === end) break;
    if (s.charCodeAt(j) !== 58) return undefined;
    if (j + 1 < end && s.charCodeAt(j + 1) === 58) {
      if (compressed) return undefined;
      compressed = true;
      groups = tail;
      i = j + 2;
      if (i === end) break;
    } else {
      i = j + 1;
      if (i === end) return undefined;
    }
  }
  const total = head.length + tail.length;
  if (compressed ? total > 7 : total !== 8) return undefined;
  return [...head, ...new Array<number>(8 - total).fill(0), ...tail];
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes the IPv4 address. */
export function parseIp(s: string): IpAddress | undefined {
  if (s.length === 0 || s.length > MAX_ADDRESS_LENGTH) return undefined;
  if (s.indexOf(':') < 0) {
    const n = parseV4(s, 0, s.length);
    return n < 0 ? undefined : { v: 4, n };
  }
  let end = s.length;
  const zone = s.indexOf('%');
  if (zone >= 0) {
    // A zone id names an interface of the host that logged it (`fe80::1%eth0`): the address is the part before.
    if (zone === s.length - 1 || !/^[0-9A-Za-z._~-]+$/.test(s.slice(zone + 1))) return undefined;
    end = zone;
  }
  const g = parseV6Groups(s, end);
  if (!g) return undefined;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return { v: 4, n: g[6] * 65536 + g[7] };
  return { v: 6, w: [g[0] * 65536 + g[1], g[2] * 65536 + g[3], g[4] * 65536 + g[5], g[6] * 65536 + g[7]] };
}

function inV4(n: number, base: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return n >= base && n < base + size;
}

function v4(a: number, b: number, c: number, d: number): number {
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

function classifyV4(n: number): IpClass {
  if (inV4(n, v4(10, 0, 0, 0), 8) || inV4(n, v4(172, 16, 0, 0), 12) || inV4(n, v4(192, 168, 0, 0), 16)) return 'private';
  if (inV4(n, v4(127, 0, 0, 0), 8)) return 'loopback';
  if (inV4(n, v4(169, 254, 0, 0), 16)) return 'link-local';
  if (inV4(n, v4(100, 64, 0, 0), 10)) return 'cgnat';
  if (inV4(n, v4(192, 0, 2, 0), 24) || inV4(n, v4(198, 51, 100, 0), 24) || inV4(n, v4(203, 0, 113, 0), 24)) return 'documentation';
  if (inV4(n, v4(224, 0, 0, 0), 4)) return 'multicast';
  // This network (0/8), IETF protocol assignments (192.0.0/24), benchmarking (198.18/15), future use and broadcast (240/4).
  if (inV4(n, 0, 8) || inV4(n, v4(192, 0, 0, 0), 24) || inV4(n, v4(198, 18, 0, 0), 15) || n >= v4(240, 0, 0, 0)) return 'reserved';
  return 'public';
}

function classifyV6(w: readonly [number, number, number, number]): IpClass {
  const [a, b, c, d] = w;
  if (a === 0 && b === 0 && c === 0) {
    if (d === 1) return 'loopback';
    // The unspecified address, and the deprecated IPv4-compatible ::a.b.c.d.
    return 'reserved';
  }
  const top16 = Math.floor(a / 65536);
  if (top16 >= 0xfe80 && top16 <= 0xfebf) return 'link-local';
  if (top16 >= 0xfc00 && top16 <= 0xfdff) return 'private';
  if (top16 >= 0xff00) return 'multicast';
  // 2001:db8::/32 and 3fff::/20 (RFC 9637).
  if (a === 0x20010db8 || (a >>> 12) === 0x3fff0) return 'documentation';
  // The discard prefix 100::/64.
  if (a === 0x01000000 && b === 0) return 'reserved';
  return 'public';
}

/** The class of a parsed address. */
export function classifyIp(ip: IpAddress): IpClass {
  return ip.v === 4 ? classifyV4(ip.n) : classifyV6(ip.w);
}

/** A DNS name such as `s3.amazonaws.com`: letters, digits and hyphens in dot-separated labels, a letter-only top label. */
function isHostname(s: string): boolean {
  if (s.length > MAX_HOSTNAME_LENGTH) return false;
  const labels = s.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) if (l.length === 0 || l.length > 63 || !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l)) return false;
  return /^[A-Za-z]{2,}$/.test(labels[labels.length - 1]);
}

/** The class of any `sourceIPAddress` value; '' for an empty one. */
export function classifySource(s: string): IpClass | '' {
  if (s.length === 0) return '';
  const ip = parseIp(s);
  if (ip) return classifyIp(ip);
  if (s.toLowerCase() === 'aws internal') return 'aws-internal';
  return isHostname(s) ? 'service' : 'invalid';
}
