/** Writes the panel's current result to a file, streamed, in the formats the CLI speaks. */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { writeCsv, writeJsonArray, writeJsonl } from '../core/formats';
import type { ResultView } from '../core/view';

import type { ExportFormat } from './io';

export type { ExportFormat };

const FORMAT_NAMES: Record<ExportFormat, string> = { csv: 'CSV', json: 'JSON', jsonl: 'JSON Lines' };

/** What the save dialog says (its title is all some platforms show of it) and which files it offers. */
export function exportDialogOptions(format: ExportFormat, count: number): { title: string; saveLabel: string; filters: Record<string, string[]> } {
  const name = FORMAT_NAMES[format];
  return {
    title: `Export ${count.toLocaleString('en-US')} Filtered Event${count === 1 ? '' : 's'} as ${name}`,
    saveLabel: 'Export',
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
