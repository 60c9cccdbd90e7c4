/**
 * `npm run bench -- --panel`: the lines scripts/bench/panel.mjs prints (a panel open timed in the
 * real webview, and our CLI's `stats` of the same folder, round by round) as the bench's table rows:
 * first rows in seconds, and the final count against the CLI's load. Pure: parsing and arithmetic.
 */
import { type Row, seconds, times } from './table';

export interface PanelRun {
  name: 'panel';
  set: string;
  round: number;
  firstRowsMs: number | null;
  finalMs: number;
  total: number;
  /** Marks of the panel's start and of the load's end (scripts/bench/panel.mjs readMarks), ms since the click. */
  phases?: Record<string, number>;
  /** How many times the webview fetched its bundle. */
  bundleLoads?: number;
  /** Recurring host work (the reruns while loading, `load-ticks`): how often, ms in all. */
  spent?: Record<string, { count: number; ms: number }>;
}

export interface CliRun {
  name: 'cli-stats';
  set: string;
  round: number;
  ms: number;
  events: number;
}

export type PanelLine = PanelRun | CliRun;

/** The targets: first rows within a second, the final count within 1.2× the CLI's load. */
export const FIRST_ROWS_TARGET_MS = 1000;
export const FINAL_TARGET_RATIO = 1.2;

export function parsePanelLines(out: string): PanelLine[] {
  const lines: PanelLine[] = [];
  for (const text of out.split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      const v = JSON.parse(text) as Partial<PanelLine>;
      if ((v.name === 'panel' || v.name === 'cli-stats') && typeof v.set === 'string') lines.push(v as PanelLine);
    } catch {
      // not one of ours
    }
  }
  return lines;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1]! + s[m]!) / 2;
}

export interface PanelSummary {
  set: string;
  firstRowsMs?: number;
  finalMs?: number;
  cliMs?: number;
  /** Every mismatch between the panel's count, the CLI's and the data set's. */
  mismatches: string[];
}

/** Medians per set, with every count checked against `expected` (the manifest) and each other. */
export function summarize(lines: readonly PanelLine[], set: string, expected: number | undefined): PanelSummary {
  const panel = lines.filter((l): l is PanelRun => l.name === 'panel' && l.set === set);
  const cli = lines.filter((l): l is CliRun => l.name === 'cli-stats' && l.set === set);
  const mismatches: string[] = [];
  const want = expected ?? cli[0]?.events;
  for (const p of panel) if (p.total !== want) mismatches.push(`${set} round ${p.round}: the panel counted ${p.total} events, expected ${String(want)}`);
  for (const c of cli) if (c.events !== want) mismatches.push(`${set} round ${c.round}: the CLI counted ${c.events} events, expected ${String(want)}`);
  const firstRows = median(panel.map((p) => p.firstRowsMs).filter((x): x is number => x !== null));
  const final = median(panel.map((p) => p.finalMs));
  const cliMs = median(cli.map((c) => c.ms));
  return { set, mismatches, ...(firstRows !== undefined ? { firstRowsMs: firstRows } : {}), ...(final !== undefined ? { finalMs: final } : {}), ...(cliMs !== undefined ? { cliMs } : {}) };
}

/** Two rows per set, in the bench's table style. */
export function panelRows(s: PanelSummary): Row[] {
  const rows: Row[] = [];
  const first = s.firstRowsMs;
  rows.push({
    set: s.set,
    measurement: 'panel: open command → first rows in the grid',
    value: seconds(first),
    ratio: first === undefined ? 'not measured' : `${(first / 1000).toFixed(2)} s`,
    target: `≤ ${FIRST_ROWS_TARGET_MS / 1000} s`,
    measured: first !== undefined,
    ...(first !== undefined ? { met: first <= FIRST_ROWS_TARGET_MS } : {}),
  });
  const r = s.finalMs !== undefined && s.cliMs !== undefined ? s.finalMs / s.cliMs : undefined;
  rows.push({
    set: s.set,
    measurement: 'panel: open command → final count',
    value: seconds(s.finalMs),
    ratio: r === undefined ? 'not measured' : `${times(r)} CLI \`stats\`, whole process (${seconds(s.cliMs)})`,
    target: `≤ ${FINAL_TARGET_RATIO}×`,
    measured: r !== undefined,
    ...(r !== undefined ? { met: r <= FINAL_TARGET_RATIO } : {}),
  });
  return rows;
}

/**
 * Where the time goes, in the order things happen: the marks the host sends the webview
 * (`host:*`, src/session/panelTimings.ts), the webview's own (`ale:*`, webview/marks.ts), the
 * document's start and the bundle's fetch, then what the bench itself saw.
 */
export const FIRST_ROWS_PHASES: ReadonlyArray<readonly [string, string]> = [
  ['host:open', 'the open command has its folder (host)'],
  ['host:panel', 'panel and session created (host)'],
  ['host:html', 'webview HTML set (host)'],
  ['doc-start', 'webview document starts'],
  ['bundle-fetch', 'bundle requested'],
  ['bundle-fetched', 'bundle fetched'],
  ['ale:bundle-start', 'bundle evaluation starts'],
  ['ale:main', 'bundle evaluated'],
  ['ale:ready-sent', 'ready sent'],
  ['ale:first-render', 'first render'],
  ['host:ready', 'ready received (host)'],
  ['host:first-result', 'first result sent (host)'],
  ['ale:state', 'state received'],
  ['ale:result', 'first result received'],
  ['ale:rows', 'first rows drawn'],
  ['firstRows', 'first rows seen (bench)'],
];

export const FINAL_PHASES: ReadonlyArray<readonly [string, string]> = [
  ['host:open', 'the open command starts the load (host)'],
  ['host:last-batch', 'last batch merged (host)'],
  ['host:load-end', 'load ended (host)'],
  ['host:final-query', 'final query rerun (host)'],
  ['host:final-state', 'final state posted (host)'],
  ['host:final-delivered', 'the host learns it was delivered (host)'],
  ['ale:final-state', 'final state received'],
  ['ale:final-drawn', 'final state drawn'],
  ['final', 'final count seen (bench)'],
];

export interface PhaseRow {
  set: string;
  phase: string;
  /** Median ms since the click. */
  at: number;
  /** Median ms since the phase listed before it (per round, where both were seen). */
  step?: number;
  rounds: number;
}

function phaseTimes(p: PanelRun): Record<string, number> {
  const t: Record<string, number> = { ...(p.phases ?? {}) };
  if (p.firstRowsMs !== null) t.firstRows = p.firstRowsMs;
  t.final = p.finalMs;
  return t;
}

/** The medians of each phase of `phases` over a set's rounds (phases no round saw are left out). */
export function phaseBreakdown(lines: readonly PanelLine[], set: string, phases: ReadonlyArray<readonly [string, string]>): PhaseRow[] {
  const runs = lines.filter((l): l is PanelRun => l.name === 'panel' && l.set === set).map(phaseTimes);
  const rows: PhaseRow[] = [];
  let prev: string | undefined;
  for (const [key, label] of phases) {
    const at = runs.map((r) => r[key]).filter((x): x is number => typeof x === 'number');
    const m = median(at);
    if (m === undefined) continue;
    const before = prev;
    const steps = before === undefined ? [] : runs.filter((r) => typeof r[key] === 'number' && typeof r[before] === 'number').map((r) => r[key]! - r[before]!);
    const step = median(steps);
    rows.push({ set, phase: label, at: m, ...(step !== undefined ? { step } : {}), rounds: at.length });
    prev = key;
  }
  return rows;
}

/** A Markdown table of phaseBreakdown rows. */
export function phaseTable(rows: readonly PhaseRow[]): string {
  const out = ['| set | phase | ms since the click (median) | ms since the phase above (median) | rounds |', '| --- | --- | ---: | ---: | ---: |'];
  for (const r of rows) out.push(`| ${r.set} | ${r.phase} | ${Math.round(r.at)} | ${r.step === undefined ? '' : Math.round(r.step)} | ${r.rounds} |`);
  return out.join('\n');
}

/** One line per set: the host's reruns while loading (snapshots and their ms, medians) and the bundle's fetches. */
export function spentLines(lines: readonly PanelLine[], set: string): string[] {
  const runs = lines.filter((l): l is PanelRun => l.name === 'panel' && l.set === set);
  const ticks = runs.map((r) => r.spent?.['load-ticks']).filter((x): x is { count: number; ms: number } => x !== undefined);
  const out: string[] = [];
  if (ticks.length > 0) {
    out.push(`- ${set}: the host reran the query for ${median(ticks.map((t) => t.count))} snapshots while loading, ${median(ticks.map((t) => t.ms))} ms in all (medians of ${ticks.length})`);
  }
  const loads = runs.map((r) => r.bundleLoads).filter((x): x is number => typeof x === 'number');
  if (loads.length > 0) out.push(`- ${set}: the webview fetched its bundle ${[...new Set(loads)].join(' or ')} time(s) per panel`);
  return out;
}
