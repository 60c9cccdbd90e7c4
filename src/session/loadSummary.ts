/**
 * The panel's summary line after a load: "23,981 events · 6,496 duplicates merged · 17 files
 * skipped · 0 problems · 6.5 s". Until now these numbers were only in the Output log. No VS Code
 * here (unit-tested under node).
 */
import type { LoadStatus, SourceInfo } from './sourceSet';
import type { LoadSummary } from '../protocol';

/** Counts of the whole panel: `events` is the store's size, the rest add up over its sources. */
export function loadSummary(sources: readonly SourceInfo[], events: number, problems: number, status: LoadStatus): LoadSummary {
  let duplicates = 0;
  let skipped = 0;
  for (const s of sources) {
    duplicates += s.report?.duplicates ?? s.live?.duplicates ?? 0;
    skipped += s.report?.skipped.length ?? 0;
  }
  const summary: LoadSummary = { events, duplicates, skipped, problems, cancelled: status.cancelled };
  if (status.ms !== undefined) summary.ms = status.ms;
  return summary;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string) => `${fmt(n)} ${n === 1 ? one : many}`;

export type SummaryPart = { key: 'events' | 'duplicates' | 'skipped' | 'problems' | 'time'; text: string };

/** The line's parts, so the webview can make "N problems" the button that opens the list. */
export function summaryParts(s: Pick<LoadSummary, 'events' | 'duplicates' | 'skipped' | 'problems' | 'ms'>): SummaryPart[] {
  const parts: SummaryPart[] = [
    { key: 'events', text: plural(s.events, 'event', 'events') },
    { key: 'duplicates', text: `${plural(s.duplicates, 'duplicate', 'duplicates')} merged` },
    { key: 'skipped', text: `${plural(s.skipped, 'file', 'files')} skipped` },
    { key: 'problems', text: plural(s.problems, 'problem', 'problems') },
  ];
  if (s.ms !== undefined) parts.push({ key: 'time', text: formatSeconds(s.ms) });
  return parts;
}

/** The whole line as text. */
export function summaryText(s: LoadSummary): string {
  return summaryParts(s).map((p) => p.text).join(' · ') + (s.cancelled ? ' (cancelled)' : '');
}

/** 6,512 ms → "6.5 s"; under a tenth of a second still says "0.1 s" rather than "0.0 s". */
export function formatSeconds(ms: number): string {
  return `${(Math.max(ms, 100) / 1000).toFixed(1)} s`;
}
