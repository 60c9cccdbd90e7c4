// Screenshots made small enough to ship: Chromium writes 24/32-bit PNGs; the walkthrough's pictures
// (media/walkthrough/, in the .vsix) are re-encoded here as 8-bit palette PNGs (the 256 most used
// colours at 5 bits per channel, every pixel mapped to the nearest), a third of the size or less for
// a dark workbench with text. Only what Chromium writes is read: 8-bit RGB or RGBA, not interlaced.
import { Buffer } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** { width, height, rgb: Uint8Array (3 bytes a pixel) } of an 8-bit RGB(A) PNG. */
export function decodePng(buf) {
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[i] = v & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < px.length; i += channels, j += 3) {
    rgb[j] = px[i];
    rgb[j + 1] = px[i + 1];
    rgb[j + 2] = px[i + 2];
  }
  return { width, height, rgb };
}

/** An 8-bit palette PNG of `rgb` with at most 256 colours. */
export function encodePalettePng({ width, height, rgb }) {
  const key = (r, g, b) => ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
  const counts = new Map();
  for (let i = 0; i < rgb.length; i += 3) {
    const k = key(rgb[i], rgb[i + 1], rgb[i + 2]);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  // The most used colours, each the mean of the pixels that fall in its 5-bit cell.
  const sums = new Map();
  for (let i = 0; i < rgb.length; i += 3) {
    const k = key(rgb[i], rgb[i + 1], rgb[i + 2]);
    const s = sums.get(k) ?? [0, 0, 0];
    s[0] += rgb[i];
    s[1] += rgb[i + 1];
    s[2] += rgb[i + 2];
    sums.set(k, s);
  }
  const top = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 256);
  const palette = top.map(([k, n]) => sums.get(k).map((v) => Math.round(v / n)));
  const nearest = new Map();
  const indexOf = (k, r, g, b) => {
    let i = nearest.get(k);
    if (i !== undefined) return i;
    let best = Infinity;
    for (let p = 0; p < palette.length; p++) {
      const [pr, pg, pb] = palette[p];
      const d = (pr - r) ** 2 * 3 + (pg - g) ** 2 * 4 + (pb - b) ** 2 * 2;
      if (d < best) {
        best = d;
        i = p;
      }
    }
    nearest.set(k, i);
    return i;
  };
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0, j = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++, j += 3) raw[y * (width + 1) + 1 + x] = indexOf(key(rgb[j], rgb[j + 1], rgb[j + 2]), rgb[j], rgb[j + 1], rgb[j + 2]);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // palette
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Re-encodes the PNG at `file` as a palette PNG, in place; returns [bytes before, bytes after]. */
export function shrinkPng(file) {
  const before = readFileSync(file);
  const after = encodePalettePng(decodePng(before));
  if (after.length < before.length) writeFileSync(file, after);
  return [before.length, Math.min(before.length, after.length)];
}
