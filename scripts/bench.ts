/**
 * `npm run bench`: how the loader and the store compare with DuckDB (the anchor: its `read_json`
 * one-shot filter over the same gzipped files), with the floor (node alone reading, gunzipping and
 * parsing the same files on one thread) and with jq, on a generated big-file set (about 1,100
 * events a file), on a generated many-small-files trail (thousands of files of 1–50 events, digests
 * beside them) and on a real trail folder when there is one. Results are JSON lines on stdout,
 * then a Markdown table of ratios and targets; progress is on stderr.
 *
 * Without --phase this process only orchestrates: every measurement runs in a child process, so
 * one phase's peak RSS, heap and JIT state never leak into another's numbers. The phases of one
 * data set run in interleaved rounds (floor, load, CLI, DuckDB, jq; again), so a busy stretch of
 * the machine falls on all of them rather than on one, and each ratio compares medians of the
 * same run.
 *
 * With --panel it times the panel path instead (scripts/bench/panel.mjs: the packaged extension in
 * code-server, driven like the e2e suite) against our CLI's `stats` of the same sets.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BenchArgs, parseArgs, type Phase, USAGE } from './bench/args';
import { duckdbPhase } from './bench/duckdb';
import { type Dataset, ensureDataset, LOGS_DIR, type Manifest, MANIFEST } from './bench/generate';
import { floorPhase, jqPhase, jqVersion, OUR_FILTER, type Result } from './bench/phases';
import { ensureSmallDataset } from './bench/smallTrail';
import { loadPhase, queryPhase } from './bench/storePhases';
import { FINAL_PHASES, FIRST_ROWS_PHASES, panelRows, parsePanelLines, phaseBreakdown, phaseTable, spentLines, summarize } from './bench/panelRows';
import { markdownTable, mib, type Row, seconds, times } from './bench/table';
import { findCli, runTimed } from './bench/wholeProcess';

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
const loud = (message: string): void => {
  process.stderr.write(`\n!!!!!!!! ${message}\n\n`);
};
const emit = (line: object): void => {
  process.stdout.write(JSON.stringify(line) + '\n');
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

function num(r: Result | undefined, key: string): number | undefined {
  const v = r?.[key];
  return typeof v === 'number' ? v : undefined;
}

// ---- child side ---------------------------------------------------------------------------------

/** A cache entry (manifest + AWSLogs/) or a plain trail folder. */
function logsDirOf(dir: string): string {
  return existsSync(join(dir, MANIFEST)) ? join(dir, LOGS_DIR) : dir;
}

async function runPhase(phase: Phase, dir: string, repeat: number): Promise<Result[]> {
  const logsDir = logsDirOf(dir);
  switch (phase) {
    case 'floor':
      return [floorPhase(logsDir)];
    case 'jq':
      return [jqPhase(logsDir)];
    case 'load':
      return [await loadPhase(logsDir)];
    case 'duckdb':
      return [await duckdbPhase(logsDir)];
    case 'ours-filter':
      // Queries take milliseconds, so more runs than the process-level repeats cost nothing.
      return queryPhase(logsDir, Math.max(5, repeat));
  }
}

// ---- parent side --------------------------------------------------------------------------------

interface ChildOutcome {
  results: Result[];
  error?: string;
  ms: number;
  peakRssBytes?: number;
}

function parseResults(out: string): Result[] {
  const results: Result[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (typeof v === 'object' && v !== null && typeof (v as Result).name === 'string') results.push(v as Result);
    } catch {
      // A stray line from a library is not a result.
    }
  }
  return results;
}

async function runChild(phase: Phase, dir: string, repeat: number, nodeFlags: string[] = []): Promise<ChildOutcome> {
  try {
    const run = await runTimed(process.execPath, [...nodeFlags, process.argv[1], '--phase', phase, '--dir', dir, '--repeat', String(repeat)]);
    const results = parseResults(run.stdout);
    const error = run.code !== 0 ? `phase ${phase} exited with ${run.code ?? run.signal}` : undefined;
    return { results, ms: run.ms, ...(error !== undefined ? { error } : {}), ...(run.peakRssBytes !== undefined ? { peakRssBytes: run.peakRssBytes } : {}) };
  } catch (e) {
    return { results: [], ms: NaN, error: e instanceof Error ? e.message : String(e) };
  }
}

/** jq is the baseline users have; install it when we can, otherwise say plainly it was skipped. */
function ensureJq(): boolean {
  if (jqVersion() !== undefined) return true;
  if (process.getuid?.() === 0) {
    log('jq not found: installing it with apt-get');
    spawnSync('bash', ['-c', 'apt-get update -qq && apt-get install -y -qq jq'], { stdio: ['ignore', 2, 2] });
    if (jqVersion() !== undefined) return true;
  }
  loud('jq IS MISSING (not on PATH, and it could not be installed): the jq/ours-filter ratio is NOT MEASURED');
  return false;
}

interface SetUnderTest {
  /** big, small, or trail (a real folder). */
  key: string;
  dir: string;
  logsDir: string;
  /** Generated sets only: what every count must agree with. */
  manifest?: Manifest;
  /** Where a generated set's numbers come from, as the table names it. */
  describe: string;
}

/** One measurement over the rounds: every run's result, or why it failed. */
class Series {
  runs: Result[] = [];
  wallMs: number[] = [];
  rss: number[] = [];
  error?: string;
  constructor(readonly name: string) {}
  get ok(): boolean {
    return this.error === undefined && this.runs.length > 0;
  }
  median(key: string): number | undefined {
    const v = this.runs.map((r) => num(r, key)).filter((x): x is number => x !== undefined);
    return v.length === 0 ? undefined : median(v);
  }
  wall(): number | undefined {
    return this.wallMs.length === 0 ? undefined : median(this.wallMs);
  }
  /** The worst run is what the machine has to be able to give. */
  peakRss(): number | undefined {
    return this.rss.length === 0 ? undefined : Math.max(...this.rss);
  }
  first(key: string): number | undefined {
    return num(this.runs[0], key);
  }
}

interface Checks {
  fail: (message: string) => void;
}

async function measureSet(s: SetUnderTest, args: BenchArgs, cli: string | undefined, haveJq: boolean, checks: Checks, rows: Row[]): Promise<void> {
  const m = s.manifest;
  log(`=== ${s.key}: ${s.describe}`);
  const floor = new Series('floor');
  const load = new Series('load');
  const count = new Series('cli-count');
  const duck = new Series('duckdb');
  const jq = new Series('jq');

  const step = async (series: Series, phase: Phase, flags: string[] = []): Promise<void> => {
    if (series.error !== undefined) return;
    const c = await runChild(phase, s.dir, args.repeat, flags);
    const r = c.results.find((x) => x.name === phase);
    if (c.error !== undefined || r === undefined) {
      series.error = c.error ?? 'no result';
      loud(`${s.key} ${phase} FAILED: ${series.error}`);
      return;
    }
    series.runs.push(r);
    series.wallMs.push(c.ms);
    const rss = num(r, 'peakRssBytes') ?? c.peakRssBytes;
    if (rss !== undefined) series.rss.push(rss);
    log(`${s.key} ${phase}: ${String(r.ms)} ms in-process, ${Math.round(c.ms)} ms whole process`);
  };

  for (let round = 1; round <= args.repeat; round++) {
    log(`${s.key}: round ${round}/${args.repeat}`);
    await step(floor, 'floor');
    await step(load, 'load', ['--expose-gc']);
    if (cli !== undefined && count.error === undefined) {
      // What a user runs: our CLI, one process, load + filter + count.
      try {
        const run = await runTimed(process.execPath, [cli, 'query', s.logsDir, '--filter', OUR_FILTER, '--format', 'count']);
        const n = Number(run.stdout.trim());
        // Exit 1 means some file had a problem (a real trail may): the count still stands.
        if ((run.code !== 0 && run.code !== 1) || !Number.isInteger(n)) throw new Error(`exit ${run.code ?? run.signal}, output ${JSON.stringify(run.stdout.slice(0, 200))}`);
        count.runs.push({ name: 'cli-count', ms: Math.round(run.ms), count: n });
        count.wallMs.push(run.ms);
        if (run.peakRssBytes !== undefined) count.rss.push(run.peakRssBytes);
        log(`${s.key} cli-count: ${Math.round(run.ms)} ms whole process, ${n} matches`);
      } catch (e) {
        count.error = e instanceof Error ? e.message : String(e);
        loud(`${s.key} cli-count FAILED: ${count.error}`);
      }
    }
    await step(duck, 'duckdb');
    if (haveJq) await step(jq, 'jq');
  }
  if (cli === undefined) count.error = 'dist/cli.js (or out/src/cli.js) not found next to the bench';

  log(`${s.key}: ours-filter, text, facets, histogram: one load (untimed), then each query timed`);
  const q = await runChild('ours-filter', s.dir, args.repeat, ['--expose-gc']);
  if (q.error !== undefined) checks.fail(`${s.key} ours-filter FAILED: ${q.error}`);
  const byName = new Map(q.results.map((r) => [r.name, r]));

  // ---- JSON lines, and every count checked against the others ----
  const jsonBytes = m?.uncompressedBytes ?? floor.first('uncompressedBytes');
  const records = m?.records ?? floor.first('records');
  if (floor.ok) {
    const ms = floor.median('ms') as number;
    emit({ set: s.key, name: 'floor', ms, cpuMs: floor.median('cpuMs'), mbPerSec: jsonBytes !== undefined ? round(jsonBytes / 1e6 / (ms / 1000), 1) : null, files: floor.first('files'), records: floor.first('records'), uncompressedBytes: jsonBytes, runsMs: floor.runs.map((r) => r.ms) });
    if (m !== undefined && floor.first('records') !== m.records) checks.fail(`MISMATCH (${s.key}): floor parsed ${String(floor.first('records'))} records, the manifest says ${m.records}`);
  }
  if (load.ok) {
    const l = load.runs[0];
    emit({ set: s.key, name: 'derived', principalMs: load.median('principalMs'), originMs: load.median('originMs'), derivedMs: load.median('derivedMs'), derivedRssBytes: load.median('derivedRssBytes'), runsMs: load.runs.map((r) => r.derivedMs) });
    emit({ set: s.key, name: 'load', ms: load.median('ms'), cpuMs: load.median('cpuMs'), events: l.events, duplicates: l.duplicates, errors: l.errors, skipped: l.skipped, bytes: l.bytes, peakRssBytes: load.peakRss(), rssAfterLoadBytes: load.median('rssAfterLoadBytes'), runsMs: load.runs.map((r) => r.ms) });
    if (m !== undefined) {
      if (l.events !== m.records) checks.fail(`MISMATCH (${s.key}): load reported ${String(l.events)} events, the data set has ${m.records}`);
      if (l.duplicates !== 0) checks.fail(`MISMATCH (${s.key}): load reported ${String(l.duplicates)} duplicates; every generated eventID is unique`);
      if (l.errors !== 0) checks.fail(`${s.key}: load reported ${String(l.errors)} errors on well-formed data`);
      if (l.skipped !== (m.digests ?? 0)) checks.fail(`MISMATCH (${s.key}): load skipped ${String(l.skipped)} files, the data set has ${m.digests ?? 0} digest files (and nothing else to skip)`);
    }
  }
  const expected = m?.expectedDeleteInUsEast1 ?? duck.first('matches');
  if (count.ok) {
    emit({ set: s.key, name: 'cli-count', ms: count.wall(), count: count.first('count'), peakRssBytes: count.peakRss(), runsMs: count.wallMs.map(Math.round), expected });
    if (count.first('count') !== expected) checks.fail(`MISMATCH (${s.key}): our query --format count gave ${String(count.first('count'))}, ${m ? 'the generator' : 'DuckDB'} counted ${String(expected)}`);
  }
  if (duck.ok) {
    emit({ set: s.key, name: 'duckdb', wallMs: duck.wall(), ms: duck.median('ms'), cpuMs: duck.median('cpuMs'), events: duck.first('events'), matches: duck.first('matches'), threads: duck.runs[0].threads, duckdb: duck.runs[0].duckdb, peakRssBytes: duck.peakRss(), runsMs: duck.runs.map((r) => r.ms), wallRunsMs: duck.wallMs.map(Math.round) });
    if (m !== undefined && duck.first('matches') !== m.expectedDeleteInUsEast1) checks.fail(`MISMATCH (${s.key}): DuckDB counted ${String(duck.first('matches'))} matches, the generator wrote ${m.expectedDeleteInUsEast1}`);
    if (records !== undefined && duck.first('events') !== records) checks.fail(`MISMATCH (${s.key}): DuckDB read ${String(duck.first('events'))} events, the ${m ? 'manifest' : 'floor'} says ${records}`);
  } else if (duck.error !== undefined) {
    emit({ set: s.key, name: 'duckdb', error: duck.error });
  }
  if (jq.ok) {
    emit({ set: s.key, name: 'jq', ms: jq.median('ms'), matches: jq.first('matches'), jq: jq.runs[0].jq, runsMs: jq.runs.map((r) => r.ms) });
    if (jq.first('matches') !== expected) checks.fail(`MISMATCH (${s.key}): jq counted ${String(jq.first('matches'))} matches, expected ${String(expected)}`);
  }
  const ours = byName.get('ours-filter');
  if (ours !== undefined) {
    emit({ set: s.key, ...ours, expected, ok: num(ours, 'count') === expected });
    if (num(ours, 'count') !== expected) checks.fail(`MISMATCH (${s.key}): ours-filter (${OUR_FILTER}) counted ${String(ours.count)}, expected ${String(expected)}`);
  }
  for (const name of ['text', 'facets', 'histogram', 'derived', 'detect']) {
    const r = byName.get(name);
    if (r === undefined) continue;
    emit({ set: s.key, ...r });
    if (name === 'histogram' && m !== undefined && num(r, 'total') !== m.records) checks.fail(`MISMATCH (${s.key}): the histogram holds ${String(r.total)} events, the data set has ${m.records}`);
  }

  // ---- ratios and the table ----
  const floorMs = floor.ok ? floor.median('ms') : undefined;
  const loadMs = load.ok ? load.median('ms') : undefined;
  const duckMs = duck.ok ? duck.median('ms') : undefined;
  const duckWall = duck.ok ? duck.wall() : undefined;
  const countWall = count.ok ? count.wall() : undefined;
  const peak = load.ok ? load.peakRss() : undefined;
  const textMs = num(byName.get('text'), 'ms');
  const oursMs = num(ours, 'ms');
  const jqMs = jq.ok ? jq.median('ms') : undefined;
  const at1M = records !== undefined && records >= 1_000_000;
  const ratioRow = (measurement: string, value: string, r: number | undefined, of: string, op: '<=' | '>=', target: number, why: string, targetNote = ''): void => {
    const measured = r !== undefined && Number.isFinite(r);
    const met = measured ? (op === '<=' ? r <= target : r >= target) : undefined;
    emit({ set: s.key, ratio: measurement, value: measured ? round(r) : null, target: `${op}${target}`, holds: met ?? false, measured, ...(measured ? {} : { note: `not measured: ${why}` }) });
    rows.push({ set: s.key, measurement, value, ratio: measured ? `${times(r)} ${of}` : `not measured: ${why}`, target: `${op === '<=' ? '≤' : '≥'} ${target}×${targetNote}`, measured, ...(met !== undefined ? { met } : {}) });
  };
  const duckWhy = duck.error ?? 'DuckDB failed';
  ratioRow('`query --format count`, whole process', `${seconds(countWall)}, ${mib(count.peakRss())}`, countWall !== undefined && duckWall !== undefined ? countWall / duckWall : undefined, `DuckDB (${seconds(duckWall)}, ${mib(duck.peakRss())})`, '<=', 1.0, count.error ?? duckWhy);
  ratioRow('load into the store, in-process', seconds(loadMs), loadMs !== undefined && duckMs !== undefined ? loadMs / duckMs : undefined, `DuckDB in-process (${seconds(duckMs)})`, '<=', 1.0, load.error ?? duckWhy);
  ratioRow('load into the store, in-process', seconds(loadMs), loadMs !== undefined && floorMs !== undefined ? loadMs / floorMs : undefined, `floor (${seconds(floorMs)})`, '<=', s.key === 'big' ? 1.5 : 2.0, load.error ?? floor.error ?? 'failed');
  ratioRow('peak RSS of the load', mib(peak), peak !== undefined && jsonBytes !== undefined ? peak / jsonBytes : undefined, `JSON (${mib(jsonBytes)})`, '<=', 0.5, load.error ?? 'failed', at1M ? '' : ' (at 1M events)');
  // Issue 15: principal and origin (every session chain) for every event, on top of the load.
  const derivedMs = load.ok ? load.median('derivedMs') : undefined;
  const derivedRss = load.ok ? load.median('derivedRssBytes') : undefined;
  const rssAfterLoad = load.ok ? load.median('rssAfterLoadBytes') : undefined;
  ratioRow('principal + origin for every event', `${seconds(derivedMs)} (principal ${seconds(load.median('principalMs'))}, origin ${seconds(load.median('originMs'))})`, derivedMs !== undefined && loadMs !== undefined ? derivedMs / loadMs : undefined, `the load (${seconds(loadMs)})`, '<=', 0.15, load.error ?? 'failed', at1M ? '' : ' (at 1M events)');
  ratioRow('memory of principal + origin', mib(derivedRss), derivedRss !== undefined && rssAfterLoad !== undefined ? derivedRss / rssAfterLoad : undefined, `RSS after the load (${mib(rssAfterLoad)})`, '<=', 0.1, load.error ?? 'failed', at1M ? '' : ' (at 1M events)');
  // CPU time (all threads) is steadier than wall time when other work shares the machine: no
  // target, but it shows whether a change did less work even when the wall clock cannot tell.
  const loadCpu = load.ok ? load.median('cpuMs') : undefined;
  const floorCpu = floor.ok ? floor.median('cpuMs') : undefined;
  const duckCpu = duck.ok ? duck.median('cpuMs') : undefined;
  rows.push({
    set: s.key,
    measurement: 'CPU time of the load (all threads)',
    value: seconds(loadCpu),
    ratio: loadCpu === undefined ? 'not measured' : `${times(floorCpu !== undefined ? loadCpu / floorCpu : undefined)} floor CPU (${seconds(floorCpu)}), ${times(duckCpu !== undefined ? loadCpu / duckCpu : undefined)} DuckDB CPU (${seconds(duckCpu)})`,
    target: '—',
    measured: loadCpu !== undefined,
  });
  // Issue 15: the derived fields (principal, origin, country/AS) cost ≤ 15 % of the load's time and ≤ 10 % of its memory at 1M events.
  const derived = byName.get('derived');
  const dTime = num(derived, 'timeOfLoad');
  const dMem = num(derived, 'memoryOfLoad');
  if (derived !== undefined) {
    const names = Object.keys((derived.fields as Record<string, number> | undefined) ?? {}).join(', ');
    rows.push({ set: s.key, measurement: `derived fields (${names}), filled for every event`, value: seconds(num(derived, 'ms')), ratio: `${times(dTime)} the load (${seconds(num(derived, 'loadMs'))})`, target: `≤ 0.15×${at1M ? '' : ' (at 1M events)'}`, measured: dTime !== undefined, ...(dTime !== undefined ? { met: dTime <= 0.15 } : {}) });
    rows.push({ set: s.key, measurement: 'memory the derived fields keep (RSS or heap + typed arrays, the larger)', value: mib(num(derived, 'keptBytes')), ratio: `${times(dMem)} RSS after the load (${mib(num(derived, 'rssAfterLoadBytes'))})`, target: `≤ 0.10×${at1M ? '' : ' (at 1M events)'}`, measured: dMem !== undefined, ...(dMem !== undefined ? { met: dMem <= 0.1 } : {}) });
  }
  // Detection against the load: the load's median from its own child process (the phase's own,
  // untimed load is a single run and noisier).
  const det = byName.get('detect');
  const detMs = num(det, 'ms');
  const detLoadMs = loadMs ?? num(det, 'loadMs');
  if (det !== undefined) log(`${s.key} detect: ${String(det.rules)} rules over ${String(det.events)} events in ${String(detMs)} ms (${String(det.eventsPerSec)} events/s), ${String(det.hits)} hits on ${String(det.eventsWithHits)} events; longest synchronous slice ${String(det.longestSliceMs)} ms`);
  ratioRow(`all ${String(det?.rules ?? 'bundled')} bundled Sigma rules over the store`, detMs === undefined ? 'not measured' : `${seconds(detMs)}, ${Math.round(num(det, 'eventsPerSec') ?? 0).toLocaleString('en-US')} events/s`, detMs !== undefined && detLoadMs !== undefined ? detMs / detLoadMs : undefined, `load (${seconds(detLoadMs)})`, '<=', 0.5, q.error ?? 'detect failed', at1M ? '' : ' (at 1M events)');
  // Measured, not a target: how long a query from the panel could wait while detections run.
  const slice = num(det, 'longestSliceMs');
  if (det !== undefined) rows.push({ set: s.key, measurement: 'longest synchronous slice of a detection run', value: slice === undefined ? 'not measured' : `${String(slice)} ms`, ratio: 'the longest the event loop was held (perf_hooks delay histogram)', target: '—', measured: slice !== undefined });
  const textMet = textMs === undefined ? undefined : textMs <= 2000;
  rows.push({ set: s.key, measurement: 'free-text search `"AccessDenied"`', value: seconds(textMs), ratio: textMs === undefined ? 'not measured' : `${String(num(byName.get('text'), 'count'))} matches`, target: `≤ 2 s${at1M ? '' : ' (at 1M events)'}`, measured: textMs !== undefined, ...(textMet !== undefined ? { met: textMet } : {}) });
  emit({ set: s.key, ratio: 'text ms', value: textMs ?? null, target: '<=2000', holds: textMet ?? false, measured: textMs !== undefined });
  // The big set's long-standing target; on a few thousand events jq's start-up is most of its time.
  if (haveJq && s.key === 'big') ratioRow('re-filter of the loaded store', seconds(oursMs), jqMs !== undefined && oursMs !== undefined ? jqMs / Math.max(oursMs, 0.01) : undefined, `faster than jq (${seconds(jqMs)})`, '>=', 50, jq.error ?? 'ours-filter failed');
}

/** The SANS-504 lab trail (or any real trail folder): --trail, else a *sans* folder beside --data. */
function findTrail(args: BenchArgs, dataDir: string): string | undefined {
  if (args.trail !== undefined) return resolve(process.cwd(), args.trail);
  const parent = dirname(dataDir);
  for (const base of [dataDir, parent]) {
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const p = join(base, name);
      if (/sans/i.test(name) && statSync(p).isDirectory()) return p;
    }
  }
  return undefined;
}

async function orchestrate(args: BenchArgs): Promise<number> {
  let failed = false;
  const checks: Checks = {
    fail: (message: string): void => {
      loud(message);
      failed = true;
    },
  };
  const dataDir = resolve(process.cwd(), args.data);
  const sets: SetUnderTest[] = [];
  const describe = (ds: Dataset): string => {
    const mf = ds.manifest;
    return `${mf.records.toLocaleString('en-US')} events in ${mf.files.toLocaleString('en-US')} files${mf.digests ? ` (+${mf.digests.toLocaleString('en-US')} digests)` : ''}, ${(mf.uncompressedBytes / 1e6).toFixed(1)} MB JSON, ${(mf.compressedBytes / 1e6).toFixed(1)} MB gzipped`;
  };
  const generated = (key: string, ds: Dataset, t0: number): void => {
    const mf = ds.manifest;
    log(`${ds.reused ? 'reusing' : 'generated'} ${ds.dir}: ${describe(ds)}`);
    emit({ set: key, name: 'generate', ms: ds.reused ? mf.generateMs : Math.round(performance.now() - t0), cached: ds.reused, dir: ds.dir, files: mf.files, digests: mf.digests ?? 0, events: mf.records, uncompressedBytes: mf.uncompressedBytes, compressedBytes: mf.compressedBytes, expectedDeleteInUsEast1: mf.expectedDeleteInUsEast1 });
    sets.push({ key, dir: ds.dir, logsDir: ds.logsDir, manifest: mf, describe: describe(ds) });
  };
  if (args.set !== 'small') {
    const t0 = performance.now();
    generated('big', await ensureDataset({ dataDir, events: args.events, seed: args.seed, cacheRoot: args.cacheRoot, onProgress: log }), t0);
  }
  if (args.set !== 'big') {
    const t0 = performance.now();
    generated('small', await ensureSmallDataset({ dataDir, files: args.smallFiles, seed: args.seed, cacheRoot: args.cacheRoot, onProgress: log }), t0);
  }
  const trail = findTrail(args, dataDir);
  if (trail !== undefined && existsSync(trail)) {
    sets.push({ key: 'trail', dir: trail, logsDir: trail, describe: `real trail at ${trail}` });
  } else {
    loud(`NO REAL TRAIL: ${trail ?? `no *sans* folder in ${dataDir} or ${dirname(dataDir)}`} is missing (pass --trail DIR for the SANS-504 lab trail): the real-trail rows are SKIPPED`);
    emit({ set: 'trail', skipped: true, reason: trail === undefined ? 'no real trail folder found (--trail DIR)' : `${trail} does not exist` });
  }

  const cli = findCli(process.argv[1]);
  if (args.panel) return panelBench(sets, args, cli);
  if (cli === undefined) loud('our CLI (dist/cli.js) is missing: build first (npm run bench does); the query-count rows are NOT MEASURED');
  const haveJq = ensureJq();
  const rows: Row[] = [];
  for (const s of sets) await measureSet(s, args, cli, haveJq, checks, rows);

  const cpu = cpus();
  const machine = { machine: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryBytes: totalmem(), node: process.version, platform: `${process.platform} ${process.arch}`, repeat: args.repeat };
  emit(machine);
  process.stdout.write(
    `\n${sets.map((s) => `- ${s.key}: ${s.describe}`).join('\n')}\n\n${markdownTable(rows)}\n\n` +
      `Medians of ${args.repeat} rounds (floor, load, CLI, DuckDB${haveJq ? ', jq' : ''} interleaved) on ${machine.machine}, ${machine.cores} cores, ${machine.node}. ` +
      `Whole-process times include node start-up on both sides; in-process times exclude it on both.\n`,
  );
  if (failed) loud('the benchmark found errors or mismatches (see above): exiting with 1');
  return failed ? 1 : 0;
}

/** The panel path (--panel): one code-server for every set, its lines summarized into the table. */
async function panelBench(sets: readonly SetUnderTest[], args: BenchArgs, cli: string | undefined): Promise<number> {
  if (cli === undefined) {
    loud('our CLI (dist/cli.js) is missing: build first (npm run bench does)');
    return 1;
  }
  // The driver is plain JavaScript beside the e2e helpers it shares; dist/bench.js is one level down.
  const script = resolve(dirname(process.argv[1]!), '..', 'scripts', 'bench', 'panel.mjs');
  const spec = sets.map((s) => ({ key: s.key, dir: s.logsDir, expect: s.manifest?.records }));
  log(`panel path: ${sets.map((s) => s.key).join(', ')}, ${args.repeat} rounds (code-server start-up first)`);
  const child = spawn(process.execPath, [script, '--sets', JSON.stringify(spec), '--cli', cli, '--repeat', String(args.repeat)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => {
    out += c;
    process.stdout.write(c);
  });
  const code = await new Promise<number | null>((res) => child.on('close', res));
  const lines = parsePanelLines(out);
  let failed = code !== 0;
  if (failed) loud(`scripts/bench/panel.mjs exited with ${String(code)}`);
  const rows: Row[] = [];
  for (const s of sets) {
    const sum = summarize(lines, s.key, s.manifest?.records);
    for (const m of sum.mismatches) loud(`MISMATCH: ${m}`);
    failed ||= sum.mismatches.length > 0;
    emit({ set: s.key, name: 'panel-summary', firstRowsMs: sum.firstRowsMs ?? null, finalMs: sum.finalMs ?? null, cliStatsMs: sum.cliMs ?? null });
    rows.push(...panelRows(sum));
  }
  const cpu = cpus();
  process.stdout.write(
    `\n${sets.map((s) => `- ${s.key}: ${s.describe}`).join('\n')}\n\n${markdownTable(rows)}\n\n` +
      `Medians of ${args.repeat} rounds (CLI \`stats\`, then the panel opened through "Open CloudTrail Logs…", interleaved) on ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; ` +
      `the CLI on ${process.version}, the panel in code-server's extension host. Times are from the click that gives the command its folder.\n`,
  );
  const first = sets.flatMap((s) => phaseBreakdown(lines, s.key, FIRST_ROWS_PHASES));
  const final = sets.flatMap((s) => phaseBreakdown(lines, s.key, FINAL_PHASES));
  if (first.length > 0) process.stdout.write(`\nWhere the first rows' time goes:\n\n${phaseTable(first)}\n`);
  if (final.length > 0) process.stdout.write(`\nFrom the last batch to the final count:\n\n${phaseTable(final)}\n`);
  const spent = sets.flatMap((s) => spentLines(lines, s.key));
  if (spent.length > 0) process.stdout.write(`\n${spent.join('\n')}\n`);
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stderr.write(USAGE + '\n');
    return 0;
  }
  if (args.phase !== undefined && args.dir !== undefined) {
    if (!existsSync(args.dir)) throw new Error(`${args.dir} does not exist`);
    for (const r of await runPhase(args.phase, args.dir, args.repeat)) emit(r);
    return 0;
  }
  return orchestrate(args);
}

main().then(
  (code) => {
    // Exit explicitly (after stdout drains): a phase's loader may leave worker threads running,
    // and the parent waits for this process to close.
    process.stdout.write('', () => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.stdout.write('', () => process.exit(1));
  },
);
