/** The bench's closing table: per data set, each measurement, its ratio and the target. */

export interface Row {
  set: string;
  measurement: string;
  value: string;
  ratio: string;
  target: string;
  /** undefined: no target, or not measured. */
  met?: boolean;
  measured: boolean;
}

export function markdownTable(rows: readonly Row[]): string {
  const head = ['data set', 'measurement', 'value', 'ratio', 'target', 'met?'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) {
    const met = !r.measured ? 'NOT MEASURED' : r.met === undefined ? '' : r.met ? 'met' : '**missed**';
    lines.push(`| ${[r.set, r.measurement, r.value, r.ratio, r.target, met].map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n');
}

export const seconds = (ms: number | undefined): string => (ms === undefined ? 'n/a' : ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
export const mib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${Math.round(bytes / 1048576).toLocaleString('en-US')} MiB`);
export const times = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? 'n/a' : `${r < 10 ? r.toFixed(2) : Math.round(r).toLocaleString('en-US')}×`);
