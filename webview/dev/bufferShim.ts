/**
 * The part of node's Buffer that src/core uses (raw bytes ↔ text, a byte search), for the dev
 * harness, which runs the real panel session and store in a browser. esbuild injects it as the
 * global `Buffer` of the harness bundle only (webview/dev/build.mjs); the webview bundle has none.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** A Buffer's bytes: a Uint8Array that also decodes itself and searches for byte strings. */
class Bytes extends Uint8Array {
  override toString(encoding = 'utf8', start = 0, end = this.length): string {
    const view = Uint8Array.prototype.subarray.call(this, start, end);
    switch (encoding) {
      case 'latin1':
      case 'binary':
        return latin1(view);
      case 'base64':
        return btoa(latin1(view));
      case 'base64url':
        return btoa(latin1(view)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      case 'hex':
        return Array.from(view, (b) => b.toString(16).padStart(2, '0')).join('');
      default:
        return decoder.decode(view);
    }
  }

  override indexOf(needle: number | string | Uint8Array, from = 0): number {
    if (typeof needle === 'number') return Uint8Array.prototype.indexOf.call(this, needle, from);
    const n = typeof needle === 'string' ? encoder.encode(needle) : needle;
    if (n.length === 0) return Math.min(from, this.length);
    for (let i = Uint8Array.prototype.indexOf.call(this, n[0]!, from); i >= 0 && i + n.length <= this.length; i = Uint8Array.prototype.indexOf.call(this, n[0]!, i + 1)) {
      let k = 1;
      while (k < n.length && this[i + k] === n[k]) k++;
      if (k === n.length) return i;
    }
    return -1;
  }
}

/** node's `Buffer` as far as src/core calls it: from, concat, isBuffer, byteLength. */
export const Buffer = {
  from(value: string | ArrayBufferLike | Uint8Array, encodingOrOffset?: string | number, length?: number): Bytes {
    if (typeof value === 'string') {
      if (encodingOrOffset === 'latin1' || encodingOrOffset === 'binary') {
        const b = new Bytes(value.length);
        for (let i = 0; i < value.length; i++) b[i] = value.charCodeAt(i) & 0xff;
        return b;
      }
      const bytes = encoder.encode(value);
      return new Bytes(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    if (value instanceof Uint8Array) {
      const b = new Bytes(value.length);
      b.set(value);
      return b;
    }
    const offset = typeof encodingOrOffset === 'number' ? encodingOrOffset : 0;
    return new Bytes(value as ArrayBuffer, offset, length ?? value.byteLength - offset);
  },
  concat(list: readonly Uint8Array[]): Bytes {
    const out = new Bytes(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  },
  isBuffer(v: unknown): v is Bytes {
    return v instanceof Bytes;
  },
  byteLength(s: string): number {
    return encoder.encode(s).length;
  },
};
