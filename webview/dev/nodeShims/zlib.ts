/**
 * node:zlib for the dev harness's browser bundle. The store deflates raw text in blocks and keeps a
 * block plain when deflating does not shrink it: returning the input unchanged makes every block
 * plain, so nothing in the page ever needs inflating. The inflate calls say so if they are reached.
 */
export function deflateRawSync(bytes: Uint8Array): Uint8Array {
  return bytes;
}

function unavailable(): never {
  throw new Error('the dev harness keeps raw bytes plain: there is nothing to inflate in the browser');
}

export const gunzipSync = unavailable;
export const inflateRawSync = unavailable;
