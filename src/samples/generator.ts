/**
 * Deterministic sample CloudTrail logs for demos, tests and benchmarks: a week of three accounts in
 * three regions, with an incident story, hostile strings and a folder of awkward edge-case files.
 * The same options give the same files: all randomness comes from one seed, times are UTC, sorting
 * is by code unit, and gzip runs at a fixed level with a pinned header (see util.gzip). Compressed
 * bytes can only differ where node's bundled zlib itself differs.
 *
 * Layout (paths relative to the output folder):
 *   AWSLogs/111122223333/CloudTrail/<region>/YYYY/MM/DD/…json.gz           prod, its own trail
 *   AWSLogs/o-a1b2c3d4e5/<staging|security>/CloudTrail/…                   the organization trail
 *   AWSLogs/…/CloudTrail-Insight/…                                         the Insights start/end pair
 *   AWSLogs/…/CloudTrail-Digest/<region>/YYYY/MM/DD/…json.gz               hourly digests
 *   edge-cases/                                                            other shapes; see its README
 * The defaults write ~6,500 files (~5,000 logs, ~1,500 digests), ~20,700 events, ~9.9 MB.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeActors } from './actors';
import { backgroundDay } from './background';
import { deliver, SampleFile } from './delivery';
import { makeDigests } from './digest';
import { makeEdgeCases } from './edgeCases';
import { makeHostile } from './hostile';
import { Rng } from './prng';
import { Rec } from './records';
import { makeStory } from './story';
import { byText, DAY, parseDay } from './util';
import { makeAccounts } from './world';

export type { SampleFile } from './delivery';

export interface SampleOptions {
  seed?: number;
  days?: number;
  eventsPerDay?: number;
  /** ISO date of the first day (UTC). */
  start?: string;
}

export const DEFAULTS = { seed: 20261116, days: 7, eventsPerDay: 3000, start: '2026-11-16' } as const;

/** Weekdays carry more than weekends so that a week averages eventsPerDay. */
function dayVolume(rng: Rng, day: number, perDay: number): number {
  const wd = new Date(day).getUTCDay();
  const factor = wd === 0 || wd === 6 ? 0.5 : 1.2;
  return Math.round(perDay * factor * (0.92 + rng.float() * 0.16));
}

function checked(opts: SampleOptions): Required<SampleOptions> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as Required<SampleOptions>;
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer, not ${o.seed}`);
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 366) throw new Error(`days must be 1..366, not ${o.days}`);
  if (!Number.isInteger(o.eventsPerDay) || o.eventsPerDay < 0 || o.eventsPerDay > 1_000_000) throw new Error(`eventsPerDay must be 0..1000000, not ${o.eventsPerDay}`);
  parseDay(o.start);
  return o;
}

export interface GeneratedSamples {
  files: SampleFile[];
  /** Event records in the log tree (AWSLogs/), edge cases not counted. */
  events: number;
}

export function generate(opts: SampleOptions = {}): GeneratedSamples {
  const o = checked(opts);
  const root = new Rng(o.seed);
  const from = parseDay(o.start);
  const accounts = makeAccounts(root.fork('accounts'));
  const actors = makeActors(root.fork('actors'), accounts);
  const story = makeStory(root.fork('story'), accounts, actors, from, o.days);
  const records: Rec[] = [];
  for (let d = 0; d < o.days; d++) {
    const day = from + d * DAY;
    const r = root.fork(`day/${d}`);
    records.push(...backgroundDay(r, actors, { day, events: dayVolume(r, day, o.eventsPerDay), keep: story.keep }));
  }
  records.push(...story.records, ...makeHostile(root.fork('hostile'), accounts, actors, from));
  const logs = deliver(root.fork('deliver'), accounts, records, 'CloudTrail');
  const insights = deliver(root.fork('deliver-insights'), accounts, story.insights, 'CloudTrail-Insight');
  const digests = makeDigests(root.fork('digests'), accounts, logs.delivered, from, o.days);
  // Edge-case events are drawn apart from the main tree so they never share an event id with it.
  const fresh = backgroundDay(root.fork('edge-events'), actors, { day: from, events: 80 });
  const edges = makeEdgeCases({ rng: root.fork('edge'), fresh, duplicateOf: story.records[0] });
  const files = [...logs.files, ...insights.files, ...digests, ...edges].sort((a, b) => byText(a.path, b.path));
  return { files, events: records.length + story.insights.length };
}

export function generateSampleFiles(opts: SampleOptions = {}): SampleFile[] {
  return generate(opts).files;
}

/** Writes the samples under `dir` (created if missing; existing files of the same name are replaced). */
export async function writeSamples(dir: string, opts: SampleOptions = {}): Promise<{ files: number; events: number; bytes: number }> {
  const { files, events } = generate(opts);
  const targets = files.map((f) => ({ full: path.join(dir, ...f.path.split('/')), data: f.data }));
  for (const parent of new Set(targets.map((t) => path.dirname(t.full)))) await mkdir(parent, { recursive: true });
  // Thousands of small files: a few writes in flight at once, not one at a time nor all at once.
  for (let i = 0; i < targets.length; i += 64) {
    await Promise.all(targets.slice(i, i + 64).map((t) => writeFile(t.full, t.data)));
  }
  return { files: files.length, events, bytes: files.reduce((n, f) => n + f.data.length, 0) };
}
