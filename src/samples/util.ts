/** Small shared pieces of the sample generator: JSON values, UTC time text, gzip. */
import * as zlib from 'node:zlib';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Milliseconds since the epoch for a 'YYYY-MM-DD' (UTC midnight); throws on anything else. */
export function parseDay(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new Error(`start must be an ISO date like 2026-11-16, not '${text}'`);
  }
  return ms;
}

/** CloudTrail's eventTime shape: seconds, 'Z', no milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** 'YYYY/MM/DD' of the S3 key. */
export function dayPath(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
}

/** 'YYYYMMDDTHHMMZ' of a log file name. */
export function compactMinute(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}Z`;
}

/** 'YYYYMMDDTHHMMSSZ' of a digest file name. */
export function compactSecond(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${compactMinute(ms).slice(0, -1)}${s.slice(17, 19)}Z`;
}

/**
 * gzip with a fixed level. Node's gzip header carries no mtime or name, but its OS byte is whatever
 * zlib was built for; pinning it to 3 (Unix) keeps the bytes the same on Windows too.
 */
export function gzip(data: Buffer | string): Buffer {
  const out = zlib.gzipSync(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { level: 6 });
  out[9] = 3;
  return out;
}

/** Code-unit order: unlike localeCompare, the same on every machine. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
