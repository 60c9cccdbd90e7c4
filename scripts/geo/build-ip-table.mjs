// Regenerates data/geo/ (the IP → country / autonomous system table the extension ships) from the
// ip-location-db npm packages named in PACKAGES. Run by hand when the data should be refreshed:
//   node scripts/geo/build-ip-table.mjs            fetches the pinned packages with `npm pack`
//   node scripts/geo/build-ip-table.mjs DIR        uses packages already unpacked under DIR/<name>/package
// The result is committed rather than built by esbuild.mjs: the packages are 30 MB of tarballs (114 MB of CSV
// unpacked), which every build and every clone would otherwise have to fetch, and the table they
// become is a few MB. Nothing reads the network at run time.
//
// Table layout (src/core/ipGeo/table.ts reads it), brotli-compressed as a whole:
//   'ALXG' | u32 LE version | u32 LE header length | header JSON (UTF-8) | sections
// A range section is a run of entries sorted by start; an entry covers [start, next start), so a
// gap in the data is an entry of value 0. Value v > 0 is index v - 1 into the header's `countries`
// or the `asns` section. Entries are varints: IPv4 `startDelta value`; IPv6 keys are the address's
// upper 64 bits as two 32-bit halves, `hiDelta lo value` with lo a delta from the previous lo when
// hi did not move. `asns` is one varint per AS; `orgs` their names in the same order, UTF-8, each
// ended by a line feed. Both are binary rather than JSON so the reader keeps them as a few typed
// arrays instead of 90,000 strings (the names are decoded when one is shown).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { brotliCompressSync, constants } from 'node:zlib';

const PACKAGES = {
  country: { name: '@ip-location-db/geo-whois-asn-country', version: '2.3.2026061719' },
  asn: { name: '@ip-location-db/asn', version: '2.3.2026061719' },
};
const OUT = 'data/geo';
const VERSION = 2;

function unpack(dir) {
  const where = {};
  for (const [key, p] of Object.entries(PACKAGES)) {
    if (dir) {
      where[key] = join(dir, `${p.name.replace('@', '').replace('/', '-')}-${p.version}`, 'package');
      continue;
    }
    const tmp = mkdtempSync(join(tmpdir(), 'ipgeo-'));
    const tgz = execFileSync('npm', ['pack', `${p.name}@${p.version}`, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', tgz], { cwd: tmp });
    where[key] = join(tmp, 'package');
  }
  return where;
}

/** One CSV line into fields: quoted fields may hold commas and doubled quotes. */
function csvFields(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote: ${line}`);
        s += line.slice(i, q);
        if (line[q + 1] === '"') { s += '"'; i = q + 2; } else { i = q + 1; break; }
      }
      out.push(s);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

function rows(file) {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map(csvFields);
}

const U64 = (1n << 64n) - 1n;

/**
 * Ranges [start, end] (inclusive, BigInt) with a value into entries keyed by start, gaps as value
 * null, neighbours with equal values merged. IPv6 keys are cut to /64 (`shift` 64): a /64 split
 * between networks keeps the value of its first part.
 */
function entries(ranges, shift) {
  const out = [];
  let nextFree = 0n; // first key not yet covered
  for (const [s0, e0, v] of ranges) {
    const s = s0 >> shift;
    const e = e0 >> shift;
    if (e < nextFree) continue;
    const start = s < nextFree ? nextFree : s;
    if (start > nextFree) out.push([nextFree, null]);
    if (out.length === 0 || out[out.length - 1][1] !== v) out.push([start, v]);
    nextFree = e + 1n;
  }
  out.push([nextFree, null]);
  if (out[0][0] !== 0n) out.unshift([0n, null]);
  return out.filter((en, i) => i === 0 || out[i - 1][1] !== en[1]);
}

class Writer {
  bytes = [];
  varint(n) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`varint out of range: ${n}`);
    while (n >= 0x80) { this.bytes.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
    this.bytes.push(n);
  }
}

function encodeV4(list, index) {
  const w = new Writer();
  let prev = 0n;
  for (const [start, v] of list) {
    if (start > 0xffffffffn) break; // the closing gap past 255.255.255.255
    w.varint(Number(start - prev));
    w.varint(v === null ? 0 : index.get(v) + 1);
    prev = start;
  }
  return { bytes: Uint8Array.from(w.bytes) };
}

function encodeV6(list, index) {
  const w = new Writer();
  let prevHi = 0;
  let prevLo = 0;
  for (const [start, v] of list) {
    if (start > U64) break;
    const hi = Number(start >> 32n);
    const lo = Number(start & 0xffffffffn);
    w.varint(hi - prevHi);
    w.varint(hi === prevHi ? lo - prevLo : lo);
    w.varint(v === null ? 0 : index.get(v) + 1);
    prevHi = hi;
    prevLo = lo;
  }
  return { bytes: Uint8Array.from(w.bytes) };
}

/** Values ordered by how many entries use them, so the common ones get the short varints. */
function byUse(lists) {
  const counts = new Map();
  for (const list of lists) for (const [, v] of list) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  const order = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1));
  return { order, index: new Map(order.map((v, i) => [v, i])) };
}

function main() {
  const dirs = unpack(process.argv[2]);
  const pkgJson = (k) => JSON.parse(readFileSync(join(dirs[k], 'package.json'), 'utf8'));
  const country = pkgJson('country');
  const asn = pkgJson('asn');

  const cRanges = (file) => rows(join(dirs.country, file)).map(([s, e, cc]) => [BigInt(s), BigInt(e), cc]);
  const c4 = entries(cRanges('geo-whois-asn-country-ipv4-num.csv'), 0n);
  const c6 = entries(cRanges('geo-whois-asn-country-ipv6-num.csv'), 64n);

  // The organization of an AS: the name most of its ranges give.
  const orgVotes = new Map();
  const aRanges = (file) =>
    rows(join(dirs.asn, file)).map(([s, e, num, org]) => {
      const votes = orgVotes.get(num) ?? new Map();
      votes.set(org ?? '', (votes.get(org ?? '') ?? 0) + 1);
      orgVotes.set(num, votes);
      return [BigInt(s), BigInt(e), num];
    });
  const a4 = entries(aRanges('asn-ipv4-num.csv'), 0n);
  const a6 = entries(aRanges('asn-ipv6-num.csv'), 64n);

  const cc = byUse([c4, c6]);
  const as = byUse([a4, a6]);
  // Control characters (a line feed would end the name early) become spaces.
  // eslint-disable-next-line no-control-regex
  const orgs = as.order.map((n) => [...orgVotes.get(n).entries()].sort((x, y) => y[1] - x[1])[0][0].replace(/[\u0000-\u001f\u007f]/g, ' '));
  const asnList = new Writer();
  for (const n of as.order) asnList.varint(Number(n));
  const sections = {
    v4country: encodeV4(c4, cc.index),
    v6country: encodeV6(c6, cc.index),
    v4asn: encodeV4(a4, as.index),
    v6asn: encodeV6(a6, as.index),
    asns: { bytes: Uint8Array.from(asnList.bytes) },
    orgs: { bytes: new Uint8Array(Buffer.from(orgs.map((o) => `${o}\n`).join(''), 'utf8')) },
  };

  const dataDate = (v) => {
    const m = /\.(\d{4})(\d{2})(\d{2})\d{2}$/.exec(v);
    if (!m) throw new Error(`no date in version ${v}`);
    return `${m[1]}-${m[2]}-${m[3]}`;
  };
  const layout = {};
  let offset = 0;
  for (const [k, s] of Object.entries(sections)) {
    layout[k] = { offset, length: s.bytes.length };
    offset += s.bytes.length;
  }
  const header = {
    dataDate: [dataDate(country.version), dataDate(asn.version)].sort()[0],
    sources: [
      { package: country.name, version: country.version, date: dataDate(country.version), use: 'country', licence: 'CC BY 4.0', attribution: 'NRO (nro.net), regional Internet registries, OpenGeoFeed' },
      { package: asn.name, version: asn.version, date: dataDate(asn.version), use: 'asn', licence: 'CC BY 4.0', attribution: 'RouteViews (routeviews.org), DB-IP (db-ip.com), NRO (nro.net)' },
    ],
    countries: cc.order,
    asnCount: as.order.length,
    sections: layout,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(12);
  fixed.write('ALXG', 0, 'latin1');
  fixed.writeUInt32LE(VERSION, 4);
  fixed.writeUInt32LE(headerBytes.length, 8);
  const raw = Buffer.concat([fixed, headerBytes, ...Object.values(sections).map((s) => Buffer.from(s.bytes))]);
  const packed = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'ip-table.bin.br'), packed);
  copyFileSync(join(dirs.country, 'NRO_LICENSE'), join(OUT, 'NRO-LICENSE'));
  copyFileSync(join(dirs.asn, 'DBIP-LICENSE'), join(OUT, 'DBIP-LICENSE'));
  copyFileSync(join(dirs.asn, 'ROUTEVIEWS-LICENSE'), join(OUT, 'ROUTEVIEWS-LICENSE'));
  copyFileSync(join(dirs.asn, 'MODIFICATIONS'), join(OUT, 'ASN-MODIFICATIONS'));
  const today = new Date().toISOString().slice(0, 10);
  writeFileSync(
    join(OUT, 'SOURCE.md'),
    `# IP country and autonomous system table

\`ip-table.bin.br\` is generated by \`scripts/geo/build-ip-table.mjs\` (on ${today}) from:

| Package | Version | Data date | Used for | Licence |
|---|---|---|---|---|
| [${country.name}](https://www.npmjs.com/package/${country.name}) (repository: https://github.com/sapics/ip-location-db) | ${country.version} | ${dataDate(country.version)} | country (files \`geo-whois-asn-country-ipv4-num.csv\`, \`-ipv6-num.csv\`) | CC BY 4.0 by the NRO (see NRO-LICENSE; the package.json field says CC0-1.0, its README says CC BY 4.0 by the NRO, so we follow the stricter) |
| [${asn.name}](https://www.npmjs.com/package/${asn.name}) (repository: https://github.com/sapics/ip-location-db) | ${asn.version} | ${dataDate(asn.version)} | autonomous system number and organization (files \`asn-ipv4-num.csv\`, \`asn-ipv6-num.csv\`) | CC BY 4.0 by RouteViews, DB-IP and the NRO (see ROUTEVIEWS-LICENSE, DBIP-LICENSE, NRO-LICENSE, ASN-MODIFICATIONS) |

Attribution, as the licences ask: country data by the NRO (https://www.nro.net) and the regional
Internet registries, merged with OpenGeoFeed by ip-location-db; AS data by RouteViews
(https://www.routeviews.org), DB-IP (IP Geolocation by DB-IP, https://db-ip.com) and the NRO.
Licence text: https://creativecommons.org/licenses/by/4.0/

Changes made here (CC BY 4.0 asks that they be indicated): ranges were re-encoded into a compact
binary table; neighbouring ranges with the same value were merged; IPv6 ranges were cut to /64
prefixes (a /64 split between networks keeps the value of its first part); an AS's organization is
the name most of its ranges give.
`,
  );
  const size = (k) => `${k} ${sections[k].bytes.length}`;
  console.log(`entries: v4country ${c4.length}, v6country ${c6.length}, v4asn ${a4.length}, v6asn ${a6.length}; countries ${cc.order.length}, ASNs ${as.order.length}`);
  console.log(`bytes: header ${headerBytes.length}, ${Object.keys(sections).map(size).join(', ')}; raw ${raw.length}, brotli ${packed.length}`);
}

main();
