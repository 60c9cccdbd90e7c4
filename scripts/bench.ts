/**
 * `npm run bench`: how the loader and the store compare with the floor (node alone reading,
 * gunzipping and parsing the same files) and with jq, on a generated million-event CloudTrail
 * data set. Results are JSON lines on stdout, progress is on stderr.
 *
 * Without --phase this process only orchestrates: every measurement runs in a child process of
 * this same script, so one phase's peak RSS, heap and JIT state never leak into another's numbers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchArgs, parseArgs, type Phase, USAGE } from './bench/args';
import { type Dataset, ensureDataset, LOGS_DIR, type Manifest, readManifest } from './bench/generate';
import { floorPhase, JQ_FILTER, jqPhase, jqVersion, OUR_FILTER, type Result } from './bench/phases';
import { loadPhase, queryPhase } from './bench/storePhases';

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

async function runPhase(phase: Phase, dir: string, repeat: number): Promise<Result[]> {
  const logsDir = join(dir, LOGS_DIR);
  switch (phase) {
    case 'floor':
      return [floorPhase(logsDir)];
    case 'jq':
      return [jqPhase(logsDir)];
    case 'load':
      return [await loadPhase(logsDir)];
    case 'ours-filter':
      // Queries take milliseconds, so more runs than the process-level repeats cost nothing.
      return queryPhase(logsDir, Math.max(5, repeat));
  }
}

// ---- parent side --------------------------------------------------------------------------------

interface ChildOutcome {
  results: Result[];
  error?: string;
}

function runChild(phase: Phase, dir: string, repeat: number, nodeFlags: string[]): Promise<ChildOutcome> {
  return new Promise((resolveOutcome) => {
    const child = spawn(
      process.execPath,
      [...nodeFlags, process.argv[1], '--phase', phase, '--dir', dir, '--repeat', String(repeat)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', (e) => resolveOutcome({ results: [], error: e.message }));
    child.on('close', (code, signal) => {
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
      if (code !== 0) resolveOutcome({ results, error: `phase ${phase} exited with ${code ?? signal}` });
      else resolveOutcome({ results });
    });
  });
}

/** Runs a phase in `repeat` fresh processes; undefined (after saying why) when any run failed. */
async function repeated(phase: Phase, ds: Dataset, args: BenchArgs, nodeFlags: string[] = []): Promise<Result[] | undefined> {
  const runs: Result[] = [];
  for (let i = 1; i <= args.repeat; i++) {
    const { results, error } = await runChild(phase, ds.dir, args.repeat, nodeFlags);
    const r = results.find((x) => x.name === phase);
    if (error !== undefined || r === undefined) {
      loud(`${phase} FAILED: ${error ?? 'no result'}`);
      emit({ name: phase, error: error ?? 'no result' });
      return undefined;
    }
    log(`${phase} run ${i}/${args.repeat}: ${String(r.ms)} ms`);
    runs.push(r);
  }
  return runs;
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

function ratio(name: string, value: number | undefined, op: '<=' | '>=', target: number, why: string): boolean {
  if (value === undefined || !Number.isFinite(value)) {
    emit({ ratio: name, value: null, target: `${op}${target}`, holds: false, measured: false, note: `not measured: ${why}` });
    return false;
  }
  const holds = op === '<=' ? value <= target : value >= target;
  emit({ ratio: name, value: round(value), target: `${op}${target}`, holds });
  return holds;
}

async function orchestrate(args: BenchArgs): Promise<number> {
  let failed = false;
  const fail = (message: string): void => {
    loud(message);
    failed = true;
  };

  const dataDir = resolve(process.cwd(), args.data);
  const t0 = performance.now();
  const ds = await ensureDataset({ dataDir, events: args.events, seed: args.seed, cacheRoot: args.cacheRoot, onProgress: log });
  const m: Manifest = ds.manifest;
  log(
    `${ds.reused ? 'reusing' : 'generated'} ${ds.dir}: ${m.files} files, ${m.records} events, ` +
      `${(m.uncompressedBytes / 1e6).toFixed(1)} MB JSON, ${(m.compressedBytes / 1e6).toFixed(1)} MB gzipped`,
  );
  emit({
    name: 'generate',
    ms: ds.reused ? m.generateMs : Math.round(performance.now() - t0),
    cached: ds.reused,
    dir: ds.dir,
    files: m.files,
    events: m.records,
    uncompressedBytes: m.uncompressedBytes,
    compressedBytes: m.compressedBytes,
    expectedDeleteInUsEast1: m.expectedDeleteInUsEast1,
  });

  // floor: plain node, as anyone would run it.
  log(`floor: node readFileSync + gunzipSync + JSON.parse, ${args.repeat} runs`);
  const floorRuns = await repeated('floor', ds, args);
  let floor: Result | undefined;
  if (floorRuns === undefined) failed = true;
  else {
    const ms = median(floorRuns.map((r) => num(r, 'ms') ?? NaN));
    const records = num(floorRuns[0], 'records');
    floor = { name: 'floor', ms, mbPerSec: round(m.uncompressedBytes / 1e6 / (ms / 1000), 1), files: num(floorRuns[0], 'files'), records, uncompressedBytes: m.uncompressedBytes, runsMs: floorRuns.map((r) => r.ms) };
    emit(floor);
    if (records !== m.records) fail(`MISMATCH: floor parsed ${String(records)} records, the manifest says ${m.records}`);
  }

  log(`load: our loader into the store, ${args.repeat} runs`);
  const loadRuns = await repeated('load', ds, args, ['--expose-gc']);
  let load: Result | undefined;
  if (loadRuns === undefined) failed = true;
  else {
    const first = loadRuns[0];
    load = {
      name: 'load',
      ms: median(loadRuns.map((r) => num(r, 'ms') ?? NaN)),
      events: num(first, 'events'),
      duplicates: num(first, 'duplicates'),
      errors: num(first, 'errors'),
      skipped: num(first, 'skipped'),
      bytes: num(first, 'bytes'),
      // The worst run is what the machine has to be able to give.
      peakRssBytes: Math.max(...loadRuns.map((r) => num(r, 'peakRssBytes') ?? NaN)),
      rssAfterLoadBytes: median(loadRuns.map((r) => num(r, 'rssAfterLoadBytes') ?? NaN)),
      runsMs: loadRuns.map((r) => r.ms),
    };
    emit(load);
    if (load.events !== m.records) fail(`MISMATCH: load reported ${String(load.events)} events, the data set has ${m.records}`);
    if (load.duplicates !== 0) fail(`MISMATCH: load reported ${String(load.duplicates)} duplicates; every generated eventID is unique`);
    if (load.errors !== 0 || load.skipped !== 0) fail(`load reported ${String(load.errors)} errors and ${String(load.skipped)} skipped files on well-formed data`);
  }

  let jq: Result | undefined;
  if (ensureJq()) {
    log(`jq: gzip -dc <files> | jq '${JQ_FILTER}' | wc -l, ${args.repeat} runs`);
    const jqRuns = await repeated('jq', ds, args);
    if (jqRuns === undefined) failed = true;
    else {
      const matches = num(jqRuns[0], 'matches');
      jq = { name: 'jq', ms: median(jqRuns.map((r) => num(r, 'ms') ?? NaN)), matches, jq: jqRuns[0].jq, runsMs: jqRuns.map((r) => r.ms) };
      emit(jq);
      if (matches !== m.expectedDeleteInUsEast1) {
        fail(`MISMATCH: jq counted ${String(matches)} matches, the generator wrote ${m.expectedDeleteInUsEast1}`);
      }
    }
  }

  log(`ours-filter, text, facets, histogram: one load (untimed), then each query timed`);
  const q = await runChild('ours-filter', ds.dir, args.repeat, ['--expose-gc']);
  if (q.error !== undefined) {
    loud(`ours-filter FAILED: ${q.error}`);
    failed = true;
  }
  const byName = new Map(q.results.map((r) => [r.name, r]));
  const ours = byName.get('ours-filter');
  if (ours !== undefined) {
    const count = num(ours, 'count');
    const reference = num(jq, 'matches') ?? m.expectedDeleteInUsEast1;
    const ok = count === reference;
    emit({ ...ours, expected: reference, expectedFrom: jq !== undefined ? 'jq' : 'generator', ok });
    if (!ok) fail(`MISMATCH: ours-filter (${OUR_FILTER}) counted ${String(count)}, ${jq !== undefined ? 'jq' : 'the generator'} counted ${reference}`);
  } else if (q.error === undefined) {
    fail('ours-filter printed no result');
  }
  for (const name of ['text', 'facets', 'histogram']) {
    const r = byName.get(name);
    if (r === undefined) continue;
    if (name === 'histogram') {
      const ok = num(r, 'total') === m.records;
      emit({ ...r, ok });
      if (!ok) fail(`MISMATCH: the histogram holds ${String(r.total)} events, the data set has ${m.records}`);
    } else {
      emit(r);
    }
  }

  const floorMs = num(floor, 'ms');
  const loadMs = num(load, 'ms');
  const jqMs = num(jq, 'ms');
  const oursMs = num(ours, 'ms');
  const peak = num(load, 'peakRssBytes');
  ratio('load/floor', loadMs !== undefined && floorMs !== undefined ? loadMs / floorMs : undefined, '<=', 1.5, 'load or floor failed');
  ratio(
    'jq/ours-filter',
    // A sub-0.01 ms filter would otherwise divide by zero.
    jqMs !== undefined && oursMs !== undefined ? jqMs / Math.max(oursMs, 0.01) : undefined,
    '>=',
    50,
    jq === undefined ? 'jq is missing or failed' : 'ours-filter failed',
  );
  ratio('peakRss/uncompressedBytes', peak !== undefined ? peak / m.uncompressedBytes : undefined, '<=', 0.5, 'load failed');

  const cpu = cpus();
  emit({
    machine: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  });
  if (failed) loud('the benchmark found errors or mismatches (see above): exiting with 1');
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stderr.write(USAGE + '\n');
    return 0;
  }
  if (args.phase !== undefined && args.dir !== undefined) {
    if (readManifest(args.dir) === undefined) throw new Error(`${args.dir} is not a complete bench data set (no manifest.json)`);
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
