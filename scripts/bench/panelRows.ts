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
