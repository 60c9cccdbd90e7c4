/**
 * A deliberately small reader of the real CloudTrail samples, private to the benchmark: the data
 * set must not depend on the loader it is used to measure, or a loader bug would shape its own
 * benchmark.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type JsonObject = { [key: string]: unknown };

export interface RealRecords {
  records: JsonObject[];
  /** Files that gave at least one record. */
  files: number;
  skipped: { path: string; reason: string }[];
}

// Files that are never CloudTrail JSON; CSV exports are out of scope for the generator.
const NOT_DATA = /(^LICENSE|^SOURCE\.txt$|^README|\.md$|\.txt$|\.csv$)/i;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(dir: string, out: string[]): void {
  // Sorted so the records, and with them the generated data set, come out in the same order on
  // every machine.
  const entries = readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && !NOT_DATA.test(e.name)) out.push(p);
  }
}

/** Collects the CloudTrail records inside one parsed JSON value, whatever wrapper they came in. */
export function extractRecords(value: unknown, out: JsonObject[], depth = 0): void {
  // Real files nest at most three levels (Events → item → CloudTrailEvent); the bound only keeps
  // a hostile file from recursing without end.
  if (depth > 8) return;
  if (Array.isArray(value)) {
    for (const v of value) extractRecords(v, out, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  if (Array.isArray(value.Records)) {
    extractRecords(value.Records, out, depth + 1);
    return;
  }
  if (Array.isArray(value.Events)) {
    extractRecords(value.Events, out, depth + 1);
    return;
  }
  const inner = value.CloudTrailEvent;
  if (typeof inner === 'string') {
    try {
      extractRecords(JSON.parse(inner) as unknown, out, depth + 1);
    } catch {
      // A lookup-events item whose payload is not JSON has nothing we could replicate.
    }
    return;
  }
  if (isObject(inner)) {
    extractRecords(inner, out, depth + 1);
    return;
  }
  if (typeof value.eventName === 'string' && typeof value.eventTime === 'string') out.push(value);
}

/**
 * Parses one file's text as a whole JSON document, else as JSON Lines. A JSONL file with any bad
 * line counts as malformed: a pretty-printed broken document would otherwise yield stray lines.
 */
export function parseText(text: string): unknown[] | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return [JSON.parse(body) as unknown];
  } catch {
    // Not one document: try JSON Lines below.
  }
  const values: unknown[] = [];
  for (const line of body.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    try {
      values.push(JSON.parse(t) as unknown);
    } catch {
      return undefined;
    }
  }
  return values.length > 0 ? values : undefined;
}

/** Every record with eventName and eventTime in the files under `dir`. */
export function readRealRecords(dir: string): RealRecords {
  const paths: string[] = [];
  walk(dir, paths);
  const records: JsonObject[] = [];
  const skipped: RealRecords['skipped'] = [];
  let files = 0;
  for (const p of paths) {
    const rel = relative(dir, p);
    let text: string;
    try {
      let buf = readFileSync(p);
      if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
      text = buf.toString('utf8');
    } catch (e) {
      skipped.push({ path: rel, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const values = parseText(text);
    if (values === undefined) {
      skipped.push({ path: rel, reason: 'not JSON or JSON Lines' });
      continue;
    }
    const before = records.length;
    for (const v of values) extractRecords(v, records);
    if (records.length > before) files++;
    else skipped.push({ path: rel, reason: 'no record with eventName and eventTime' });
  }
  return { records, files, skipped };
}
