/** Exporting a panel's current result: where to (the host asks), how many went, and the writing itself. */
import * as l10n from '@vscode/l10n';
import { formatTime } from '../core/store';
import type { ResultView } from '../core/view';
import type { ViewState } from '../protocol';
import { baseName, fmt } from './display';
import type { ExportFormat, SessionIo } from './io';
import type { SessionUi } from './ports';
import type { SourceSet } from './sourceSet';

/**
 * Asks where, then writes there what `write` writes then (the result shown when the dialog
 * closes); says how many events went. `result`: the result shown now, if a query ran.
 */
export async function askAndExport(ui: SessionUi, result: ResultView | undefined, format: ExportFormat, near: string | undefined, write: (file: string) => Promise<number>): Promise<void> {
  if (!result) {
    ui.info(l10n.t('Audit Logs: run a query first; the export writes its matching events.'));
    return;
  }
  const stamp = formatTime(Date.now()).replace(/[:.]/g, '-');
  const target = await ui.exportTarget({ format, count: result.count, fileName: `audit-events-${stamp}.${format}`, ...(near !== undefined ? { near } : {}) });
  if (!target) return;
  const n = await write(target);
  ui.info(n === 1 ? l10n.t('Audit Logs: exported 1 event to {0}.', baseName(target)) : l10n.t('Audit Logs: exported {0} events to {1}.', fmt(n), baseName(target)));
}

/** Writes the current result (or every event, before any query) to `file`; returns the number written. */
export function exportResult(io: SessionIo, sources: SourceSet, result: ResultView | undefined, view: ViewState, format: ExportFormat, file: string): Promise<number> {
  const shown = result ?? sources.store.query('', { sort: view.sort });
  return io.exportView(shown, format, file, view.columns);
}
