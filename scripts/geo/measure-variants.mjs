// What leaving parts of the IP table out would save (README, "IP data"): decodes
// data/geo/ip-table.bin.br, empties the IPv6 sections and/or the AS names the way
// build-ip-table.mjs would have written them, and compresses each variant with the same brotli
// settings. Optionally writes each variant's table (--write DIR) so a .vsix can be packaged with it.
//   node scripts/geo/measure-variants.mjs [--write DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

const { values: opt } = parseArgs({ options: { write: { type: 'string' } } });
const raw = brotliDecompressSync(readFileSync('data/geo/ip-table.bin.br'));
const headerLength = raw.readUInt32LE(8);
const header = JSON.parse(raw.subarray(12, 12 + headerLength).toString('utf8'));
const body = 12 + headerLength;
const section = (k) => raw.subarray(body + header.sections[k].offset, body + header.sections[k].offset + header.sections[k].length);

function pack(drop) {
  const sections = {};
  for (const k of Object.keys(header.sections)) sections[k] = section(k);
  // No IPv6: one entry "everything from :: on is unknown" (hi 0, lo 0, value 0), as the builder writes an empty list.
  if (drop.includes('ipv6')) sections.v6country = sections.v6asn = Buffer.from([0, 0, 0]);
  // No AS names: every organization an empty line (the numbers stay).
  if (drop.includes('names')) sections.orgs = Buffer.from('\n'.repeat(header.asnCount));
  const layout = {};
  let offset = 0;
  for (const [k, s] of Object.entries(sections)) {
    layout[k] = { offset, length: s.length };
    offset += s.length;
  }
  const h = Buffer.from(JSON.stringify({ ...header, sections: layout }), 'utf8');
  const fixed = Buffer.alloc(12);
  raw.copy(fixed, 0, 0, 8);
  fixed.writeUInt32LE(h.length, 8);
  const table = Buffer.concat([fixed, h, ...Object.values(sections)]);
  return brotliCompressSync(table, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: table.length } });
}

const sizes = Object.fromEntries(Object.entries(header.sections).map(([k, s]) => [k, s.length]));
console.log(`decoded ${raw.length} bytes; sections ${JSON.stringify(sizes)}`);
for (const drop of [[], ['ipv6'], ['names'], ['ipv6', 'names']]) {
  const packed = pack(drop);
  const name = drop.length ? `without ${drop.join(' and ')}` : 'as shipped';
  console.log(`${name}: ${packed.length} bytes brotli`);
  if (opt.write) {
    const dir = join(opt.write, drop.length ? drop.join('-') : 'full');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ip-table.bin.br'), packed);
  }
}
