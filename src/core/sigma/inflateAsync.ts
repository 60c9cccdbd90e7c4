/**
 * Inflating a store's compressed blocks off this thread, for Sigma detection reading the records its
 * rules name: several blocks at once on zlib's thread pool instead of one after another here. Apart
 * from rawSegment.ts because the store's codec also runs in a browser (the dev harness), where only
 * the synchronous codec exists; detection runs under node.
 */
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { RawDataError, type RawBlock } from '../rawSegment';

/** How many blocks to inflate at once: the machine's threads, at least two. */
export function readParallelism(): number {
  return Math.max(2, availableParallelism());
}

const gunzipAsync = promisify(zlib.gunzip);
const inflateRawAsync = promisify(zlib.inflateRaw);

/** rawSegment.ts's inflateBlock on zlib's thread pool, with the same size checks. */
export async function inflateBlockAsync(block: RawBlock): Promise<Buffer> {
  const data = Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength);
  if (block.codec === 'none') return data;
  let out: Buffer;
  try {
    const opts = { maxOutputLength: Math.max(1, block.size), chunkSize: Math.max(64 * 1024, block.size + 64) };
    out = block.codec === 'gzip' ? await gunzipAsync(data, opts) : await inflateRawAsync(data, opts);
  } catch (err) {
    throw new RawDataError(`the stored raw bytes are damaged (${block.codec}: ${err instanceof Error ? err.message : String(err)})`);
  }
  if (out.length !== block.size) throw new RawDataError(`the stored raw bytes are damaged (${block.codec} gave ${out.length} bytes, expected ${block.size})`);
  return out;
}
