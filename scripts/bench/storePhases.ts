/**
 * The measurements of our own code: loading the data set into the store, then filtering, searching,
 * faceting and bucketing it. Each phase runs in a fresh child process started with --expose-gc.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventStore } from '../../src/core/store';
import type { StringField } from '../../src/core/event';
import { provideIpTable } from '../../src/core/ipGeo/fields';
import { readIpTable } from '../../src/providers/ipGeo/tableFile';
import { loadFiles } from '../../src/providers/logFiles/files';
import { detect } from '../../src/core/sigma/match';
import { loadRuleSet } from '../../src/providers/detections/ruleFolders';
import { cpuMsSince, OUR_FILTER, type Result } from './phases';

const FACET_FIELDS: StringField[] = ['action', 'actor', 'sourceIp', 'region', 'service', 'error', 'account'];
const TEXT_QUERY = '"AccessDenied"';

// As the extension and the CLI do (session/nodeIo.ts): the IP table from dist/geo, read on first use.
provideIpTable(() => readIpTable());

// Holding the store here keeps it provably alive when RSS is sampled after the collection.
const keepAlive: EventStore[] = [];

function collect(): void {
  globalThis.gc?.();
}

async function loadInto(logsDir: string): Promise<{ store: EventStore; ms: number; result: Result }> {
  const store = new EventStore();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await loadFiles([logsDir], store, {});
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  for (const e of report.errors.slice(0, 5)) process.stderr.write(`load error: ${e.path}: ${e.message}\n`);
  // Digests are skipped by design (the small set has thousands): counted, not listed.
  const notDigests = report.skipped.filter((s) => !s.reason.startsWith('CloudTrail digest file'));
  for (const s of notDigests.slice(0, 5)) process.stderr.write(`load skipped: ${s.path}: ${s.reason}\n`);
  return {
    store,
    ms,
    result: {
      name: 'load',
      ms: Math.round(ms),
      cpuMs,
      files: report.files,
      events: report.events,
      duplicates: report.duplicates,
      errors: report.errors.length,
      skipped: report.skipped.length,
      bytes: report.bytes,
      cancelled: report.cancelled,
    },
  };
}

export async function loadPhase(logsDir: string): Promise<Result> {
  const { store, result } = await loadInto(logsDir);
  keepAlive.push(store);
  // Peak RSS is what the machine had to give; the collection first means RSS-after-load shows
  // what the store keeps, not the garbage the load left behind.
  collect();
  const rssAfterLoadBytes = process.memoryUsage().rss;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return { ...result, peakRssBytes, rssAfterLoadBytes, gcExposed: typeof globalThis.gc === 'function', ...derivedCost(store, rssAfterLoadBytes) };
}

/**
 * What `principal` and `origin` (issue 15: ≤ 15 % of the load's time, ≤ 10 % more memory) cost on
 * the loaded store, after the load's numbers were taken: the panel computes them on first use,
 * principal for the default columns and facets, origin (with every session chain) when a filter or
 * the detail pane asks.
 */
function derivedCost(store: EventStore, rssAfterLoadBytes: number): Record<string, number> {
  const t0 = performance.now();
  store.resolveColumn('principal');
  const principalMs = performance.now() - t0;
  const t1 = performance.now();
  store.resolveColumn('origin');
  const originMs = performance.now() - t1;
  collect();
  const rssAfterDerivedBytes = process.memoryUsage().rss;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { principalMs: round(principalMs), originMs: round(originMs), derivedMs: round(principalMs + originMs), rssAfterDerivedBytes, derivedRssBytes: rssAfterDerivedBytes - rssAfterLoadBytes };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times `fn` `runs` times, each after a collection so the load's garbage is not billed to it. */
function time<T>(runs: number, fn: () => T): { ms: number; runsMs: number[]; value: T } {
  const runsMs: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    collect();
    const t0 = performance.now();
    value = fn();
    runsMs.push(Math.round((performance.now() - t0) * 100) / 100);
  }
  if (value === undefined) throw new Error('no runs');
  return { ms: median(runsMs), runsMs, value };
}

async function timeAsync<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; runsMs: number[]; value: T }> {
  const runsMs: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    collect();
    const t0 = performance.now();
    value = await fn();
    runsMs.push(Math.round((performance.now() - t0) * 100) / 100);
  }
  if (value === undefined) throw new Error('no runs');
  return { ms: median(runsMs), runsMs, value };
}

/**
 * Loads once (untimed), then times each query the panel issues. Every run builds a fresh view, so
 * nothing measured is a result cached from the run before.
 */
export async function queryPhase(logsDir: string, runs: number): Promise<Result[]> {
  const { store, ms: loadMs, result } = await loadInto(logsDir);
  process.stderr.write(`ours-filter: loaded ${String(result.events)} events in ${String(result.ms)} ms (untimed)\n`);
  const out: Result[] = [];

  out.push(derivedPhase(store, loadMs));

  const filter = time(runs, () => store.query(OUR_FILTER).count);
  out.push({ name: 'ours-filter', ms: filter.ms, count: filter.value, filter: OUR_FILTER, runsMs: filter.runsMs });

  const text = time(runs, () => store.query(TEXT_QUERY).count);
  out.push({ name: 'text', ms: text.ms, count: text.value, query: TEXT_QUERY, runsMs: text.runsMs });

  // Facets and the histogram over everything: what the panel shows the moment a folder opens.
  const facets = time(runs, () => store.query('').facets(FACET_FIELDS, 10));
  const top: Record<string, string> = {};
  for (const f of FACET_FIELDS) {
    const first = facets.value[f]?.[0];
    top[f] = first === undefined ? '' : `${first.value} (${first.count})`;
  }
  out.push({ name: 'facets', ms: facets.ms, fields: FACET_FIELDS, limit: 10, top, runsMs: facets.runsMs });

  // Every bundled Sigma rule over every event: what the panel's Detections section will run after a load.
  const ruleSet = await loadRuleSet();
  const detection = await timeAsync(runs, () => detect(store, ruleSet.rules));
  const d = detection.value;
  // How long the panel could wait for an answer while a run goes on: the longest the event loop was
  // held, from node's own delay histogram over one more run (no forced collection inside it).
  const held = monitorEventLoopDelay({ resolution: 1 });
  held.enable();
  await detect(store, ruleSet.rules);
  held.disable();
  const longestSliceMs = Math.round(held.max / 1e4) / 100;
  out.push({
    name: 'detect',
    ms: detection.ms,
    rules: ruleSet.rules.length,
    ruleProblems: ruleSet.problems.length,
    events: store.size,
    eventsPerSec: Math.round(store.size / Math.max(detection.ms / 1000, 1e-6)),
    hits: d.rows.reduce((a, r) => a + r.length, 0),
    eventsWithHits: d.hitRows.length,
    longestSliceMs,
    loadMs: result.ms,
    runsMs: detection.runsMs,
  });

  const histogram = time(runs, () => store.query('').histogram());
  const h = histogram.value;
  out.push({
    name: 'histogram',
    ms: histogram.ms,
    buckets: h.counts.length,
    bucketMs: h.bucketMs,
    total: h.counts.reduce((a, b) => a + b, 0),
    events: store.query('').count,
    runsMs: histogram.runsMs,
  });
  return out;
}

/**
 * Issue 15: what the derived fields (country, asn, asOrg, ipClass of sourceIp; whatever
 * DERIVED_FIELDS lists) cost on top of the load: the time to fill each for every event (the IP
 * table's first read included) and the memory they keep, against the load's time and RSS.
 */
function derivedPhase(store: EventStore, loadMs: number): Result {
  collect();
  const before = process.memoryUsage();
  const fields: Record<string, number> = {};
  const t0 = performance.now();
  for (const f of store.derivedFields) {
    const t = performance.now();
    store.resolveColumn(f.name);
    fields[f.name] = Math.round(performance.now() - t);
  }
  const ms = performance.now() - t0;
  collect();
  const after = process.memoryUsage();
  // RSS alone under-counts: the fill reuses pages the load's garbage left, so the JS heap and the
  // typed arrays they keep count too, whichever is more.
  const keptHeap = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  const keptBytes = Math.max(after.rss - before.rss, keptHeap);
  return {
    name: 'derived',
    ms: Math.round(ms),
    fields,
    loadMs: Math.round(loadMs),
    timeOfLoad: Math.round((ms / loadMs) * 1000) / 1000,
    rssAfterLoadBytes: before.rss,
    keptRssBytes: after.rss - before.rss,
    keptHeapBytes: keptHeap,
    keptBytes,
    memoryOfLoad: Math.round((keptBytes / before.rss) * 1000) / 1000,
  };
}
