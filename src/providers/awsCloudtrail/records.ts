// Live CloudTrail results → EventBatches built exactly the way the file reader builds them
// (providers/logFiles/fileReader.ts), so a live event and the same event read from a log file or
// a `lookup-events` / Lake export are indistinguishable in the panel: the same columns
// (CloudTrailColumns: normalized fields + EXTRACTED_PATHS), and as raw bytes the record's JSON text
// as AWS sent it (the `CloudTrailEvent` string's content; for Lake, the embedded event JSON or the
// row). providers/ never imports vscode.
import { BatchBuilder, type EventBatch } from '../../core/batch';
import { CloudTrailColumns, looksLikeEvent, type PathHints } from '../logFiles/normalize';
import { lakeRowToRecord } from '../logFiles/tabular';

export interface SkippedRecord {
  /** The LookupEvents EventId (outside the broken string), or the Lake row number. */
  id: string;
  reason: string;
}

/** One page of results on its way into a batch. */
export class LiveCloudTrailBatch {
  private readonly builder = new BatchBuilder();
  private readonly cols: CloudTrailColumns;
  readonly skipped: SkippedRecord[] = [];
  /** Rows read, but with something left out or kept as text (a value nested too deep). */
  readonly problems: SkippedRecord[] = [];

  constructor(
    source: string,
    private readonly hints: PathHints,
  ) {
    this.cols = new CloudTrailColumns(this.builder, source);
  }

  get size(): number {
    return this.builder.size;
  }

  /**
   * A LookupEvents `CloudTrailEvent` string: the record is its JSON content, kept byte for byte as
   * the raw text (as the file reader does for `lookup-events` output).
   */
  addEventJson(json: string | undefined, id: string): void {
    if (typeof json !== 'string' || json === '') {
      this.skipped.push({ id, reason: 'it has no CloudTrailEvent' });
      return;
    }
    let inner: unknown;
    try {
      inner = JSON.parse(json);
    } catch (err) {
      // V8 quotes part of the text in its message; keep it short, the log is not the place for records.
      const why = (err instanceof Error ? err.message : String(err)).slice(0, 160);
      this.skipped.push({ id, reason: `its CloudTrailEvent is not valid JSON (${why})` });
      return;
    }
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner) || !looksLikeEvent(inner as Record<string, unknown>)) {
      this.skipped.push({ id, reason: 'its CloudTrailEvent is not a CloudTrail record (no eventName, eventTime or eventID)' });
      return;
    }
    const span = this.builder.addSynthetic(json);
    this.cols.add(inner as Record<string, unknown>, span.seg, span.start, span.end, this.hints);
  }

  /** A CloudTrail Lake `QueryResultRows` row (one single-key object per column), as the file reader reads Lake results. */
  addLakeRow(row: ReadonlyArray<Record<string, unknown>>, index: number): void {
    const rec = lakeRowToRecord(row, index);
    for (const reason of rec.problems ?? []) this.problems.push({ id: `row ${index + 1}`, reason });
    if (!looksLikeEvent(rec.record)) {
      this.skipped.push({ id: `row ${index + 1}`, reason: 'the row has no eventName, eventTime or eventID column (not an event: an aggregate?)' });
      return;
    }
    const at = this.builder.addSynthetic(rec.embeddedJson ?? JSON.stringify(rec.raw));
    this.cols.add(rec.record, at.seg, at.start, at.end, this.hints);
  }

  build(): EventBatch {
    return this.builder.build().batch;
  }
}

/** One line for the log about what a page skipped (the first few ids named, never the content). */
export function describeSkipped(skipped: readonly SkippedRecord[], where: string): string {
  return `${where}: skipped ${skipped.length} event(s) that could not be read (${firstFew(skipped)})`;
}

/** One line for the log about rows read with a problem (the first few named, never the content). */
export function describeRowProblems(problems: readonly SkippedRecord[], where: string): string {
  return `${where}: ${problems.length} row problem(s), the rows were read (${firstFew(problems)})`;
}

function firstFew(list: readonly SkippedRecord[]): string {
  const shown = list.slice(0, 3).map((s) => `${s.id}: ${s.reason}`);
  const more = list.length > 3 ? `; and ${list.length - 3} more` : '';
  return `${shown.join('; ')}${more}`;
}

/** At most this many problem lines are kept in a report (the log has all of them). */
export const MAX_PROBLEMS = 20;

/**
 * Notes in `report` and the log what one page of AWS results left out (skipped) or read with a
 * problem, one line each: LookupEvents, Lake and Athena pages all say it the same way.
 */
export function notePageProblems(
  report: { skipped: number; problems: string[] },
  batch: { readonly skipped: readonly SkippedRecord[]; readonly problems: readonly SkippedRecord[] },
  where: string,
  log: (line: string) => void,
): void {
  const lines: string[] = [];
  if (batch.skipped.length > 0) {
    report.skipped += batch.skipped.length;
    lines.push(describeSkipped(batch.skipped, where));
  }
  if (batch.problems.length > 0) lines.push(describeRowProblems(batch.problems, where));
  for (const line of lines) {
    log(line);
    if (report.problems.length < MAX_PROBLEMS) report.problems.push(line);
  }
}
