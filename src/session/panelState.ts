/** The panel's whole state as the webview draws it (DidChangeState): sources, load, view, problems. */
import type { LoadState, PanelState, ViewState } from '../protocol';
import { liveSummary, type LiveExtras } from './liveDtos';
import { loadSummary } from './loadSummary';
import type { SourceSet } from './sourceSet';

export function panelState(o: {
  title: string;
  sources: SourceSet;
  /** What the live registry adds to a live source's strip (by SourceInfo.path). */
  liveExtras: (path: string) => LiveExtras | undefined;
  load: LoadState;
  view: ViewState;
  paths: string[];
  /** Leave out the columns only a read of sample events finds (SourceSet.columnsKnown): a state sent at once. */
  columnsKnownOnly?: boolean;
}): PanelState {
  const { sources } = o;
  const problems = sources.problems();
  return {
    title: o.title,
    sources: sources.sources.map((s) => ({
      label: s.label,
      path: s.path,
      events: s.report?.events ?? 0,
      duplicates: s.report?.duplicates ?? 0,
      errors: s.report?.errors.length ?? 0,
      skipped: s.report?.skipped.length ?? 0,
      ...(s.ms !== undefined ? { ms: s.ms } : {}),
      ...(s.liveQuery ? { live: liveSummary(s, o.liveExtras(s.path)) } : {}),
    })),
    load: o.load,
    availableColumns: sources.loading ? [] : o.columnsKnownOnly ? sources.columnsKnown() : sources.availableColumns(),
    view: o.view,
    problems: problems.slice(0, 500),
    summary: loadSummary(sources.sources, sources.store.size, problems.length, sources.status),
    skippedFiles: sources.sources.flatMap((s) => s.report?.skipped ?? []).slice(0, 500),
    restore: { paths: o.paths },
  };
}
