/**
 * Event ids, for recognising the same event delivered twice and for showing the id column.
 *
 * A million ids as JavaScript strings in a Map cost ~90 MB; CloudTrail's are UUIDs, which fit in
 * 16 bytes, so canonical lower-case UUIDs live in typed arrays with an open-addressing hash table
 * (~24 MB per million) and are turned back into the identical string when shown. Any other id
 * (other providers, odd exports) goes to a StringMap (Maps, sharded past V8's 2^24-entry cap) and
 * a list, its row pointing into the list.
 *
 * Keys are typed: an eventID written as the number 12345 is not the same event as one written as
 * the string "12345" (only the same JSON value is a duplicate). `idKey` encodes which it was.
 */
import { grow } from './growable';
import { StringMap } from './stringMap';

/** Starts the key of an id that was not a JSON string; a string starting with it gets it doubled. */
const NON_STRING = '\u0000';

/**
 * The key a record's id is recognised by: a string as itself, any other JSON scalar (a number,
 * true/false) as its text behind a marker, so `12345` and `"12345"` stay two events. '' for none.
 */
export function idKey(value: unknown): string {
  if (typeof value === 'string') return value.startsWith(NON_STRING) ? NON_STRING + value : value;
  if (typeof value === 'number' || typeof value === 'boolean') return NON_STRING + String(value);
  return '';
}

/** The id as shown (the text of the value, whatever its JSON type). */
export function idText(key: string): string {
  return key.startsWith(NON_STRING) ? key.slice(1) : key;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;
const DIGITS = '0123456789abcdef';

export class IdIndex {
  /** 4 words per row: the UUID where kind[row] === 1, words[4 * row] = index into otherKeys where 2. */
  private words = new Uint32Array(4 * 1024);
  private kind = new Uint8Array(1024);
  /** Slot → row + 1 (0 = empty). */
  private table = new Int32Array(2048);
  private used = 0;
  private readonly others = new StringMap();
  private readonly otherKeys: string[] = [];
  private readonly scratch = new Uint32Array(4);

  /** Records `id` (an idKey) for `row`; false when an event with that id is already there (a duplicate). */
  add(row: number, id: string): boolean {
    if (id === '') return true;
    if (row >= this.kind.length) {
      this.kind = grow(Uint8Array, this.kind, row + 1);
      this.words = grow(Uint32Array, this.words, 4 * this.kind.length);
    }
    const w = this.scratch;
    if (!parseUuid(id, w)) {
      if (this.others.has(id)) return false;
      const at = this.otherKeys.length;
      this.others.addNew(id, at);
      this.otherKeys.push(id);
      this.words[row * 4] = at;
      this.kind[row] = 2;
      return true;
    }
    if ((this.used + 1) * 2 > this.table.length) this.rehash();
    const mask = this.table.length - 1;
    let slot = hash(w[0], w[1], w[2], w[3]) & mask;
    for (;;) {
      const at = this.table[slot];
      if (at === 0) break;
      const r = (at - 1) * 4;
      if (this.words[r] === w[0] && this.words[r + 1] === w[1] && this.words[r + 2] === w[2] && this.words[r + 3] === w[3]) return false;
      slot = (slot + 1) & mask;
    }
    this.table[slot] = row + 1;
    this.used++;
    this.words.set(w, row * 4);
    this.kind[row] = 1;
    return true;
  }

  /** The id of `row` exactly as it arrived ('' when the event had none). */
  get(row: number): string {
    const k = row < this.kind.length ? this.kind[row] : 0;
    if (k === 0) return '';
    if (k === 2) return idText(this.otherKeys[this.words[row * 4]]);
    return formatUuid(this.words, row * 4);
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    const mask = this.table.length - 1;
    for (const at of old) {
      if (at === 0) continue;
      const r = (at - 1) * 4;
      let slot = hash(this.words[r], this.words[r + 1], this.words[r + 2], this.words[r + 3]) & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = at;
    }
  }
}

function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ c ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ d ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Lower-case 8-4-4-4-12 only: anything else must round-trip as text, so it is not a "UUID" here. */
export function parseUuid(s: string, out: Uint32Array): boolean {
  if (s.length !== 36 || s.charCodeAt(8) !== 45 || s.charCodeAt(13) !== 45 || s.charCodeAt(18) !== 45 || s.charCodeAt(23) !== 45) return false;
  let word = 0;
  let nibbles = 0;
  let w = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const c = s.charCodeAt(i);
    const v = c < 128 ? HEX[c] : -1;
    if (v < 0) return false;
    word = (word << 4) | v;
    if (++nibbles === 8) {
      out[w++] = word >>> 0;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

function formatUuid(words: Uint32Array, at: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) {
    const v = words[at + k];
    for (let sh = 28; sh >= 0; sh -= 4) {
      s += DIGITS[(v >>> sh) & 15];
      const pos = s.length;
      if (pos === 8 || pos === 13 || pos === 18 || pos === 23) s += '-';
    }
  }
  return s;
}
