/**
 * The panel's summary line after a load: "23,981 events · 6,496 duplicates merged · 17 files
 * skipped · 0 problems · 6.5 s". Until now these numbers were only in the Output log. No VS Code
 * here (unit-tested under node); the words through @vscode/l10n, translated in the host and the webview alike.
 */
import * as l10n from '@vscode/l10n';
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

export type SummaryPart = { key: 'events' | 'duplicates' | 'skipped' | 'problems' | 'time'; text: string };

/** The line's parts, so the webview can make "N problems" the button that opens the list. */
export function summaryParts(s: Pick<LoadSummary, 'events' | 'duplicates' | 'skipped' | 'problems' | 'ms'>): SummaryPart[] {
  const parts: SummaryPart[] = [
    { key: 'events', text: s.events === 1 ? l10n.t('1 event') : l10n.t('{0} events', fmt(s.events)) },
    { key: 'duplicates', text: s.duplicates === 1 ? l10n.t('1 duplicate merged') : l10n.t('{0} duplicates merged', fmt(s.duplicates)) },
    { key: 'skipped', text: s.skipped === 1 ? l10n.t('1 file skipped') : l10n.t('{0} files skipped', fmt(s.skipped)) },
    { key: 'problems', text: s.problems === 1 ? l10n.t('1 problem') : l10n.t('{0} problems', fmt(s.problems)) },
  ];
  if (s.ms !== undefined) parts.push({ key: 'time', text: formatSeconds(s.ms) });
  return parts;
}

/** The whole line as text. */
export function summaryText(s: LoadSummary): string {
  return summaryParts(s).map((p) => p.text).join(' · ') + (s.cancelled ? l10n.t(' (cancelled)') : '');
}

/** 6,512 ms → "6.5 s"; under a tenth of a second still says "0.1 s" rather than "0.0 s". */
export function formatSeconds(ms: number): string {
  return l10n.t('{0} s', (Math.max(ms, 100) / 1000).toFixed(1));
}
