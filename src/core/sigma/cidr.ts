/**
 * Sigma's `cidr` modifier: is an address inside a network? IPv4 and IPv6 (with `::` and an
 * embedded IPv4 tail), compared as bytes, no regexes. CloudTrail's sourceIPAddress also holds
 * service names (`ec2.amazonaws.com`, `AWS Internal`): those are simply not inside any network.
 */

/** The address as 4 or 16 bytes, or undefined when it is not an address. */
export function parseIp(text: string): Uint8Array | undefined {
  const t = text.trim();
  if (t.includes(':')) return parseV6(t);
  return parseV4(t);
}

function parseV4(t: string): Uint8Array | undefined {
  const parts = t.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i])) return undefined;
    const n = Number(parts[i]);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseV6(t: string): Uint8Array | undefined {
  const zone = t.indexOf('%');
  const s = zone >= 0 ? t.slice(0, zone) : t;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseV4(g);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = all[i] >> 8;
    out[2 * i + 1] = all[i] & 0xff;
  }
  return out;
}

/** A test for "inside this network", or undefined when `cidr` is not a network. */
export function cidrTest(cidr: string): ((v: string) => boolean) | undefined {
  const slash = cidr.indexOf('/');
  const net = parseIp(slash >= 0 ? cidr.slice(0, slash) : cidr);
  if (!net) return undefined;
  const bits = slash >= 0 ? cidr.slice(slash + 1) : String(net.length * 8);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > net.length * 8) return undefined;
  const prefix = Number(bits);
  return (v) => {
    const ip = parseIp(v);
    if (!ip || ip.length !== net.length) return false;
    const full = prefix >> 3;
    for (let i = 0; i < full; i++) if (ip[i] !== net[i]) return false;
    const rest = prefix & 7;
    if (rest === 0) return true;
    const mask = (0xff << (8 - rest)) & 0xff;
    return (ip[full] & mask) === (net[full] & mask);
  };
}
