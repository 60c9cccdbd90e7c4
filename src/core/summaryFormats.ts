/**
 * A summary (core/summary.ts) as the command line prints it: JSON Lines (one group per line, every
 * number as computed), CSV (one row per group, facets as "value (count)" lists) or a table for
 * people. Groups are read from the Summary a page at a time, so printing every one of 100,000
 * groups holds one page of results. Event data is attacker-controlled: the table escapes hidden
 * characters (terminalSafe), CSV cells a spreadsheet would run are neutralised (csvCell).
 */
import { csvCell, terminalSafe, type OutputWriter } from './formats';
import { SUMMARY_FACETS, summaryTime, type Summary, type SummaryGroup, type SummaryOptions, type SummaryValue } from './summary';

export type SummaryFormat = 'jsonl' | 'csv' | 'table';

/** Groups read per page. */
const PAGE = 1000;

export interface SummaryWriteOptions extends Pick<SummaryOptions, 'top' | 'notableMax' | 'rules'> {
  /** Most groups printed (the ones with most events). */
  limit: number;
}

async function write(out: OutputWriter, text: string): Promise<void> {
  if (text === '') return;
  const ok = out.write(text);
  if (ok === false && out.once) await new Promise<void>((r) => out.once?.('drain', r));
}

async function eachPage(summary: Summary, o: SummaryWriteOptions, fn: (groups: SummaryGroup[]) => Promise<void>): Promise<void> {
  const end = Math.min(summary.distinct, o.limit);
  for (let offset = 0; offset < end; offset += PAGE) {
    const page = summary.page({ offset, limit: Math.min(PAGE, end - offset), top: o.top, notableMax: o.notableMax, rules: o.rules });
    await fn(page.groups);
  }
}

/** The plural names the CSV and table columns use for each facet's distinct count. */
const FACET_COLUMNS: Record<(typeof SUMMARY_FACETS)[number], string> = {
  action: 'actions',
  sourceIp: 'sourceIps',
  region: 'regions',
  accessKey: 'accessKeys',
  userAgent: 'userAgents',
};

function jsonOf(field: string, g: SummaryGroup): string {
  return JSON.stringify({
    field,
    value: g.value,
    events: g.events,
    first: g.first === null ? null : summaryTime(g.first),
    last: g.last === null ? null : summaryTime(g.last),
    errors: g.errors,
    errorRate: g.errorRate,
    facets: g.facets,
    notable: g.notable.map((n) => ({ ...n, first: summaryTime(n.first), last: summaryTime(n.last) })),
    notableCount: g.notableCount,
  });
}

export async function writeSummaryJsonl(summary: Summary, o: SummaryWriteOptions, out: OutputWriter): Promise<void> {
  await eachPage(summary, o, (groups) => write(out, groups.map((g) => jsonOf(summary.field, g) + '\n').join('')));
}

const listText = (values: readonly SummaryValue[]) => values.map((v) => `${v.value} (${v.count})`).join('; ');

function notableText(g: SummaryGroup): string {
  const kinds = (n: SummaryGroup['notable'][number]) => [n.burst ? 'burst' : '', n.new ? 'new' : ''].filter(Boolean).join('+');
  const text = g.notable.map((n) => `${n.action} (${kinds(n)}, ${n.count})`).join('; ');
  return g.notableCount > g.notable.length ? `${text}; +${g.notableCount - g.notable.length} more` : text;
}

export async function writeSummaryCsv(summary: Summary, o: SummaryWriteOptions, out: OutputWriter): Promise<void> {
  const header = [summary.field, 'events', 'first', 'last', 'errors', 'errorRate'];
  for (const f of SUMMARY_FACETS) header.push(FACET_COLUMNS[f], `top ${FACET_COLUMNS[f]}`);
  header.push('notable');
  await write(out, header.map(csvCell).join(',') + '\r\n');
  await eachPage(summary, o, (groups) =>
    write(
      out,
      groups
        .map((g) => {
          const cells = [g.value, String(g.events), summaryTime(g.first), summaryTime(g.last), String(g.errors), g.errorRate.toFixed(4)];
          for (const f of SUMMARY_FACETS) cells.push(String(g.facets[f].distinct), listText(g.facets[f].top));
          cells.push(notableText(g));
          return cells.map(csvCell).join(',') + '\r\n';
        })
        .join(''),
    ),
  );
}

const clip = (s: string, max: number) => (s.length <= max ? s : s.slice(0, max - 1) + '…');

/** Time to the second, without the date's T and Z noise a table column does not need. */
const shortTime = (ms: number | null) => summaryTime(ms).replace('T', ' ').replace(/\.\d{3}Z$/, '');

export async function writeSummaryTable(summary: Summary, o: SummaryWriteOptions, out: OutputWriter): Promise<void> {
  const header = [summary.field, 'events', 'first', 'last', 'errors', ...SUMMARY_FACETS.map((f) => FACET_COLUMNS[f]), 'notable actions'];
  const rowOf = (g: SummaryGroup) => [
    clip(terminalSafe(g.value), 60),
    String(g.events),
    shortTime(g.first),
    shortTime(g.last),
    `${(g.errorRate * 100).toFixed(1)}%`,
    ...SUMMARY_FACETS.map((f) => String(g.facets[f].distinct)),
    clip(terminalSafe(notableText(g)), 80),
  ];
  // Widths from the first page (the busiest groups); later pages are clipped to them.
  let widths: number[] | undefined;
  const line = (cells: string[], w: number[]) => cells.map((c, i) => clip(c, Math.max(w[i], 1)).padEnd(w[i])).join('  ').trimEnd() + '\n';
  await eachPage(summary, o, async (groups) => {
    const rows = groups.map(rowOf);
    let text = '';
    if (!widths) {
      const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      widths = w;
      text += line(header.map((h) => terminalSafe(h)), w) + line(w.map((x) => '-'.repeat(x)), w);
    }
    const w = widths;
    text += rows.map((r) => line(r, w)).join('');
    await write(out, text);
  });
  const shown = Math.min(summary.distinct, o.limit);
  const none = summary.missing > 0 ? `; ${summary.missing} without ${terminalSafe(summary.field)}` : '';
  await write(out, `${widths ? '\n' : ''}${shown} of ${summary.distinct} ${terminalSafe(summary.field)} values over ${summary.events} events${none}\n`);
}

export function writeSummary(format: SummaryFormat, summary: Summary, o: SummaryWriteOptions, out: OutputWriter): Promise<void> {
  if (format === 'csv') return writeSummaryCsv(summary, o, out);
  if (format === 'table') return writeSummaryTable(summary, o, out);
  return writeSummaryJsonl(summary, o, out);
}
