/**
 * The formats events leave in: the command line's output and the panel's exports. Event data is attacker-controlled: the table escapes control
 * characters so a log line can never drive the terminal, and CSV cells that a spreadsheet would
 * run as a formula are prefixed with an apostrophe.
 */
import { StringDecoder } from 'node:string_decoder';
import type { EventStore } from './store';
import { formatTime } from './store';
import type { ResultView } from './view';
import { HIDDEN_CHARS, escapeHiddenChars, hasHiddenChars, hiddenCharEscape } from './invisible';

export interface OutputWriter {
  write(chunk: string | Uint8Array): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Collects small writes into large ones and waits when the stream asks it to. */
class Buffered {
  private parts: Array<string | Uint8Array> = [];
  private size = 0;
  constructor(private readonly out: OutputWriter) {}

  async push(chunk: string | Uint8Array): Promise<void> {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const data = Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    this.parts = [];
    this.size = 0;
    const ok = this.out.write(data);
    if (ok === false && this.out.once) await new Promise<void>((r) => this.out.once?.('drain', r));
  }
}

/**
 * Raw bytes are stored compressed: rows are read a chunk at a time, so each chunk inflates every
 * block it needs once, in any order, and holds at most one chunk's copies.
 */
const RAW_CHUNK_ROWS = 16384;

async function eachRaw(store: EventStore, order: Uint32Array, n: number, fn: (bytes: Uint8Array, i: number) => Promise<void>): Promise<void> {
  for (let off = 0; off < n; off += RAW_CHUNK_ROWS) {
    const chunk = store.rawBytesOf(order.subarray(off, Math.min(n, off + RAW_CHUNK_ROWS)));
    for (let k = 0; k < chunk.length; k++) await fn(chunk[k], off + k);
  }
}

/** Each event's raw JSON exactly as it arrived, one per line (multi-line records are compacted). */
export async function writeJsonl(store: EventStore, order: Uint32Array, n: number, out: OutputWriter): Promise<void> {
  const w = new Buffered(out);
  const newline = new Uint8Array([0x0a]);
  await eachRaw(store, order, n, async (bytes) => {
    await w.push(bytes.includes(0x0a) || bytes.includes(0x0d) ? compactJson(bytes) : bytes);
    await w.push(newline);
  });
  await w.flush();
}

/**
 * Drops the whitespace between JSON tokens and nothing else: key order, number spelling and string
 * escapes stay exactly as they were, so the line is the same event, byte for byte, minus layout.
 */
export function compactJson(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  let inStr = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inStr) {
      out[n++] = c;
      if (c === 0x5c && i + 1 < bytes.length) out[n++] = bytes[++i];
      else if (c === 0x22) inStr = false;
    } else if (c === 0x22) {
      inStr = true;
      out[n++] = c;
    } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

// Only the time column reads as a number (epoch ms), whatever name asked for it (time, eventTime).
function cellText(v: string | number): string {
  if (typeof v === 'number') return formatTime(v);
  return String(v);
}

export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `header` false continues a CSV already started (a live fetch writes one page at a time). */
export async function writeCsv(view: ResultView, n: number, fields: readonly string[], out: OutputWriter, header = true): Promise<void> {
  const w = new Buffered(out);
  if (header) await w.push(fields.map(csvCell).join(',') + '\r\n');
  for (let off = 0; off < n; off += 4096) {
    for (const row of view.rows(off, Math.min(4096, n - off), fields)) {
      await w.push(fields.map((f) => csvCell(cellText(row[f]))).join(',') + '\r\n');
    }
  }
  await w.flush();
}

/**
 * What must never reach a terminal (or a notification) as is, as visible escapes: the hidden
 * characters of core/invisible.ts (C0/C1 controls and DEL, bidi controls, zero-width characters).
 */
export function terminalSafe(text: string): string {
  return escapeHiddenChars(text);
}

/** terminalSafe, keeping line breaks and tabs (and \r of a \r\n): whole lines of output. */
export function terminalSafeLines(text: string): string {
  if (!hasHiddenChars(text)) return text;
  return text.replace(HIDDEN_CHARS, (ch, at: number) =>
    ch === '\n' || ch === '\t' || (ch === '\r' && text.charCodeAt(at + 1) === 0x0a) ? ch : hiddenCharEscape(ch));
}

/**
 * A writer for a terminal: every chunk passes through terminalSafeLines, so raw events (jsonl) and
 * CSV cells cannot drive it. Inside a JSON string the escape `\\u001b` means the same character,
 * so jsonl lines stay valid JSON. Files and pipes get the bytes unchanged: only use this on a TTY.
 */
export function terminalWriter(out: OutputWriter): OutputWriter {
  const decoder = new StringDecoder('utf8');
  return {
    write: (chunk) => out.write(terminalSafeLines(typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)))),
    ...(out.once ? { once: (event: 'drain', listener: () => void) => out.once?.(event, listener) } : {}),
  };
}

/** True for a stream that is a terminal (process.stdout when not redirected). */
export function isTerminal(out: OutputWriter): boolean {
  return (out as { isTTY?: unknown }).isTTY === true;
}

export async function writeTable(view: ResultView, n: number, fields: readonly string[], out: OutputWriter): Promise<void> {
  const w = new Buffered(out);
  const maxWidth = 60;
  const rows = view.rows(0, Math.min(n, 10_000), fields).map((r) => fields.map((f) => clip(terminalSafe(cellText(r[f])), maxWidth)));
  const widths = fields.map((f, i) => Math.max(f.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n';
  await w.push(line(fields.map((f) => terminalSafe(f))));
  await w.push(line(widths.map((x) => '-'.repeat(x))));
  for (const r of rows) await w.push(line(r));
  // Past the first 10,000 rows the widths are fixed, so the rest streams.
  for (let off = rows.length; off < n; off += 4096) {
    for (const r of view.rows(off, Math.min(4096, n - off), fields)) {
      await w.push(line(fields.map((f) => clip(terminalSafe(cellText(r[f])), maxWidth))));
    }
  }
  await w.flush();
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/** A JSON array of the raw events, one per line, for tools that want a single document. */
export async function writeJsonArray(store: EventStore, order: Uint32Array, n: number, out: OutputWriter): Promise<void> {
  const w = new Buffered(out);
  await w.push('[\n');
  await eachRaw(store, order, n, async (bytes, i) => {
    await w.push(bytes.includes(0x0a) || bytes.includes(0x0d) ? compactJson(bytes) : bytes);
    await w.push(i + 1 < n ? ',\n' : '\n');
  });
  await w.push(']\n');
  await w.flush();
}

export { formatBytes } from './bytes';
