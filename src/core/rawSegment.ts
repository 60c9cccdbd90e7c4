/**
 * How the store keeps the bytes events arrived in: compressed, decompressed on demand.
 *
 * A segment is the text one file (or one batch of made-up records) arrived in, cut into blocks that
 * each decompress on their own, so reading one event costs one block, not the file. A gzipped log
 * file of ordinary size keeps its own gzip bytes as its single block (no compression work at load,
 * and gzip -6 is smaller than a fast re-compression); other text is deflated in blocks of
 * DEFLATE_BLOCK bytes at level 1; text too small to be worth it is kept as it is.
 *
 * Offsets are into the decompressed text, exactly as before, so what an event's bytes are never
 * depends on how they are kept. Decompressing checks the size every block must come out at: a
 * damaged block is an error naming the damage, never other bytes.
 */
import * as zlib from 'node:zlib';

export type RawCodec = 'none' | 'gzip' | 'deflate-raw';

export interface RawBlock {
  codec: RawCodec;
  /** The stored bytes (compressed unless codec is 'none'). */
  data: Uint8Array;
  /** Bytes the block decompresses to. */
  size: number;
}

export interface RawSegment {
  /** Decompressed bytes of the whole segment. */
  size: number;
  /** Decompressed bytes of every block but the last (the last may be shorter). */
  blockSize: number;
  blocks: RawBlock[];
}

/** Uncompressed text is cut into blocks of this size: one event read costs at most ~1 ms of inflate. */
export const DEFLATE_BLOCK = 256 * 1024;

/** Text below this stays uncompressed: the saving would not pay for a block's bookkeeping. */
export const MIN_COMPRESSED_SEGMENT = 4 * 1024;

/**
 * A gzipped file that inflates to more than this is re-compressed in blocks rather than kept as
 * one gzip stream: reading one of its events must not inflate the whole file.
 */
export const MAX_WHOLE_GZIP = 16 * 1024 * 1024;

export class RawDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RawDataError';
  }
}

/** Text kept as it is (one block, no codec). */
export function plainSegment(bytes: Uint8Array): RawSegment {
  return { size: bytes.length, blockSize: Math.max(1, bytes.length), blocks: [{ codec: 'none', data: exactCopy(bytes), size: bytes.length }] };
}

/** A whole gzip stream known to inflate to exactly `size` bytes (the text the records were read from). */
export function gzipSegment(gz: Uint8Array, size: number): RawSegment {
  return { size, blockSize: Math.max(1, size), blocks: [{ codec: 'gzip', data: exactCopy(gz), size }] };
}

/**
 * Whether memory is shared between threads. A browser page that is not cross-origin isolated has no
 * SharedArrayBuffer at all (the webview's dev harness runs this store there).
 */
export function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

/** Text deflated in independent blocks (or kept plain when small or incompressible). */
export function compressSegment(bytes: Uint8Array, blockSize = DEFLATE_BLOCK): RawSegment {
  if (bytes.length < MIN_COMPRESSED_SEGMENT) return plainSegment(bytes);
  const blocks: RawBlock[] = [];
  for (let at = 0; at < bytes.length; at += blockSize) {
    const part = bytes.subarray(at, Math.min(bytes.length, at + blockSize));
    const packed = zlib.deflateRawSync(part, { level: 1 });
    blocks.push(packed.length < part.length ? { codec: 'deflate-raw', data: exactCopy(packed), size: part.length } : { codec: 'none', data: exactCopy(part), size: part.length });
  }
  return { size: bytes.length, blockSize, blocks };
}

/** Bytes a segment occupies as stored. */
export function storedBytes(seg: RawSegment): number {
  let n = 0;
  for (const b of seg.blocks) n += b.data.byteLength;
  return n;
}

/** The ArrayBuffers to transfer with a segment (each once). */
export function segmentBuffers(seg: RawSegment, into: Set<ArrayBuffer>): void {
  for (const b of seg.blocks) if (!isShared(b.data.buffer)) into.add(b.data.buffer as ArrayBuffer);
}

/** Decompresses one block; throws RawDataError when its stored bytes are damaged. */
export function inflateBlock(block: RawBlock): Buffer {
  const data = Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength);
  if (block.codec === 'none') return data;
  let out: Buffer;
  try {
    // maxOutputLength: a damaged or tampered block can never make more than it should. One chunk
    // of the known size: the output is made once, not gathered from 16 KB chunks and copied.
    const opts = { maxOutputLength: Math.max(1, block.size), chunkSize: Math.max(64 * 1024, block.size + 64) };
    out = block.codec === 'gzip' ? zlib.gunzipSync(data, opts) : zlib.inflateRawSync(data, opts);
  } catch (err) {
    throw new RawDataError(`the stored raw bytes are damaged (${block.codec}: ${err instanceof Error ? err.message : String(err)})`);
  }
  if (out.length !== block.size) throw new RawDataError(`the stored raw bytes are damaged (${block.codec} gave ${out.length} bytes, expected ${block.size})`);
  return out;
}

/** Block indexes [first, last] holding bytes [start, end) of the segment. */
export function blocksOf(seg: RawSegment, start: number, end: number): [number, number] {
  const first = Math.min(seg.blocks.length - 1, Math.floor(start / seg.blockSize));
  const last = Math.min(seg.blocks.length - 1, Math.max(first, Math.floor((Math.max(start + 1, end) - 1) / seg.blockSize)));
  return [first, last];
}

/** A copy that owns its whole buffer (a view into a larger one would be transferred or kept whole). */
function exactCopy(b: Uint8Array): Uint8Array {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !isShared(b.buffer)) return b;
  return Uint8Array.prototype.slice.call(b) as Uint8Array;
}
