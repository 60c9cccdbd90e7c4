/** Writes the panel's current result to a file, streamed, in the formats the CLI speaks. */
import * as l10n from '@vscode/l10n';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { writeCsv, writeJsonArray, writeJsonl } from '../core/formats';
import type { ResultView } from '../core/view';

import type { ExportFormat } from './io';

export type { ExportFormat };

const formatName = (format: ExportFormat): string => (format === 'csv' ? l10n.t('CSV') : format === 'json' ? l10n.t('JSON') : l10n.t('JSON Lines'));

/** What the save dialog says (its title is all some platforms show of it) and which files it offers. */
export function exportDialogOptions(format: ExportFormat, count: number): { title: string; saveLabel: string; filters: Record<string, string[]> } {
  const name = formatName(format);
  return {
    title: count === 1 ? l10n.t('Export 1 Filtered Event as {0}', name) : l10n.t('Export {0} Filtered Events as {1}', count.toLocaleString('en-US'), name),
    saveLabel: l10n.t('Export'),
    filters: { [name]: [format] },
  };
}

export async function exportView(view: ResultView, format: ExportFormat, file: string, columns: readonly string[]): Promise<number> {
  const out = createWriteStream(file);
  const n = view.count;
  if (format === 'csv') await writeCsv(view, n, columns, out);
  else if (format === 'json') await writeJsonArray(view.store, view.order, n, out);
  else await writeJsonl(view.store, view.order, n, out);
  out.end();
  await finished(out);
  return n;
}
