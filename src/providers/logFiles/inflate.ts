/**
 * Gunzip with a ceiling: a decompression bomb (a few MB that inflate to many GB) costs at most the
 * per-file limit in memory, once, and the events in the part read are kept.
 *
 * The output is written straight into one buffer of its final size, so a file never needs its
 * inflated size twice (collected chunks plus their concatenation). The size comes from the gzip
 * trailer when that is plausible; when the stream outgrows it (a lying trailer, several gzip members,
 * a cut file whose last bytes are not a trailer) the stream is inflated once to count, then again
 * into a buffer of the counted size: more CPU for odd files, never more memory.
 */
import { constants as bufferConstants } from 'node:buffer';
import { MessageChannel } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import type { InflateBudget } from './inflateBudget';

/** The production limit on what one compressed file may inflate to. */
export const DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 ** 3;

/** Deflate expands at most about 1032:1; a trailer that claims more is not telling the truth. */
const MAX_DEFLATE_RATIO = 1032;

/** Inflate output per step; a stream that fails mid-step loses that step's output. */
const CHUNK = 64 * 1024;

/**
 * Files whose trailer says they inflate to at most this are first inflated in one synchronous call
 * (it briefly holds the output twice, chunks and their concatenation: bounded by this).
 */
const SYNC_FAST_PATH_LIMIT = 64 * 1024 * 1024;

/**
 * Damaged streams this small are inflated again synchronously to recover the bytes right up to
 * the damage (the stream loses the step that failed); this bounds that second copy.
 */
const PRECISE_RECOVERY_LIMIT = 64 * 1024 * 1024;

export interface Inflated {
  bytes: Buffer;
  problem?: string;
  /** Gives the budget reservation for `bytes` back; call it once the bytes are read. */
  release: () => void;
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** "2 GB", "64 MB", "512 KB": how the limit is named in messages. */
export function formatLimit(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

interface Pass {
  /** Bytes written into the target (or counted, without one). */
  n: number;
  /** The target was too small: the pass stopped early. */
  overflow: boolean;
  /** The limit was reached: the pass stopped there. */
  capped: boolean;
  error?: NodeJS.ErrnoException;
}

/** One streaming pass over `data`: into `target` when given, else only counting. */
function pass(data: Buffer, limit: number, target: Buffer | undefined): Promise<Pass> {
  return new Promise((resolve) => {
    const gunzip = zlib.createGunzip({ chunkSize: CHUNK });
    const result: Pass = { n: 0, overflow: false, capped: false };
    let settled = false;
    const settle = (error?: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (error) result.error = error;
      gunzip.removeAllListeners('data');
      gunzip.destroy();
      resolve(result);
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      let take = chunk.length;
      if (result.n + take > limit) {
        take = limit - result.n;
        result.capped = true;
      }
      if (target) {
        if (result.n + take > target.length) {
          result.overflow = true;
          settle();
          return;
        }
        chunk.copy(target, result.n, 0, take);
      }
      result.n += take;
      if (result.capped) settle();
    });
    gunzip.on('error', (err: NodeJS.ErrnoException) => settle(err));
    gunzip.on('end', () => settle());
    gunzip.end(data);
  });
}

/** What the gzip trailer says the (last member's) inflated size is, if that is believable. */
function sizeHint(data: Buffer): number | undefined {
  if (data.length < 18) return undefined;
  const isize = data.readUInt32LE(data.length - 4);
  if (isize === 0 || isize > data.length * MAX_DEFLATE_RATIO) return undefined;
  return isize;
}

/**
 * Inflates `data` (gzip, one or more members) up to `limit` bytes. A cut, corrupt or tampered
 * stream keeps what inflated before the damage; past the limit, the first `limit` bytes are kept.
 */
export async function gunzipBounded(data: Buffer, limit: number = DEFAULT_MAX_INFLATED_BYTES, budget?: InflateBudget): Promise<Inflated> {
  // Record offsets are 32-bit and one Buffer has a maximum size: no limit goes past either.
  const cap = Math.max(0, Math.min(Math.floor(limit), bufferConstants.MAX_LENGTH, 0xffffffff));
  const held = { release: (): void => {} };
  try {
    return await inflateWithin(data, cap, budget, held);
  } catch (err) {
    held.release();
    throw err;
  }
}

/** `held.release` always gives back what is reserved right now (for the caller's error path). */
async function inflateWithin(data: Buffer, cap: number, budget: InflateBudget | undefined, held: { release: () => void }): Promise<Inflated> {
  const reserve = (bytes: number): void => {
    held.release = budget?.reserve(bytes) ?? (() => {});
  };
  const hint = sizeHint(data);
  let target: Buffer | undefined;
  let r: Pass | undefined;
  if (hint !== undefined && hint <= Math.min(cap, SYNC_FAST_PATH_LIMIT)) {
    // The common case, a whole single-member file of ordinary size: one native call, several
    // times faster than streaming it in steps. maxOutputLength holds it to what the trailer says,
    // so a lying trailer, a multi-member file or damage throws and takes the bounded path below.
    reserve(hint);
    try {
      return { bytes: zlib.gunzipSync(data, { maxOutputLength: hint }), release: held.release };
    } catch {
      held.release();
    }
  }
  if (hint !== undefined) {
    reserve(Math.min(hint, cap));
    target = Buffer.allocUnsafe(Math.min(hint, cap));
    r = await pass(data, cap, target);
    if (r.overflow) {
      // Freed before the next buffer is made, so the two are never held together.
      releaseNow(target);
      held.release();
      target = undefined;
      r = undefined;
    }
  }
  if (!r) {
    const counted = await pass(data, cap, undefined);
    reserve(counted.n);
    target = Buffer.allocUnsafe(counted.n);
    r = await pass(data, cap, target);
    if (r.overflow) r = { ...counted, n: target.length, overflow: false };
  }
  const out = target as Buffer;
  // A hint larger than the truth (a cut file): keep an exact copy, let the big buffer go.
  let bytes = out;
  if (r.n !== out.length) {
    bytes = Buffer.from(out.subarray(0, r.n));
    releaseNow(out);
  }

  if (r.capped) {
    return { bytes, release: held.release, problem: `inflates past the ${formatLimit(cap)} per-file limit: read the first ${formatLimit(cap)}` };
  }
  const err = r.error;
  if (!err) return { bytes, release: held.release };
  const why = err.message;
  if (err.code === 'Z_BUF_ERROR') {
    // A cut stream: everything it held came out before the end was missed.
    return { bytes, release: held.release, problem: `gzip data is incomplete (${why}): read the ${bytes.length} bytes it holds` };
  }
  if (bytes.length <= PRECISE_RECOVERY_LIMIT) {
    const precise = inflateUntilError(data, Math.min(cap, PRECISE_RECOVERY_LIMIT + CHUNK));
    if (precise.length > bytes.length) bytes = precise;
  }
  if (/incorrect data check|incorrect length check/.test(why)) {
    // Everything inflated, but the checksum says some of it is not what was written.
    return { bytes, release: held.release, problem: `gzip checksum mismatch (${why}): the file is damaged and its events may be altered` };
  }
  return { bytes, release: held.release, problem: `gzip data is corrupt (${why}): read what came before the damage` };
}

/** Below this, a buffer is left to the garbage collector like any other. */
const RELEASE_AT = 1024 * 1024;

/**
 * Frees a large buffer's memory now; the buffer must not be used afterwards. Left to the garbage
 * collector, a worker that has gone idle can keep a gigabyte of inflated padding alive while the
 * next worker inflates its own. Moving the memory into a message that is never received frees it at
 * once (ArrayBuffer.prototype.transfer is not in every supported Node).
 */
export function releaseNow(buf: Buffer): void {
  const ab = buf.buffer as ArrayBuffer;
  // Only a buffer that owns all of its memory: small Buffers share Node's pool.
  if (buf.length < RELEASE_AT || buf.byteOffset !== 0 || ab.byteLength !== buf.length) return;
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(null, [ab]);
  } catch {
    // Not transferable after all: the garbage collector will have it.
  } finally {
    port1.close();
    port2.close();
  }
}

/** The output of the longest prefix of `data` that inflates without an error (binary search). */
function inflateUntilError(data: Buffer, maxOutputLength: number): Buffer {
  const opts = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength };
  let lo = 0;
  let hi = data.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      zlib.gunzipSync(data.subarray(0, mid), opts);
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  if (lo === 0) return Buffer.alloc(0);
  try {
    return zlib.gunzipSync(data.subarray(0, lo), opts);
  } catch {
    return Buffer.alloc(0);
  }
}
