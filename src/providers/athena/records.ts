// Athena result rows (one cell per selected column of the CloudTrail table) → EventBatches built the
// way live CloudTrail results and log files are (CloudTrailColumns over a BatchBuilder), so an event
// read through Athena has the same normalized fields and columns as the same event read from its
// log file. Cells arrive as Athena prints them: structs and arrays in Hive/Trino text
// (`{type=IAMUser, arn=…, sessioncontext=null}`), JSON text columns as the JSON, booleans as
// 'true'/'false', NULL as a cell without a value. The CSV/Lake row reader (logFiles/tabular.ts)
// already turns such cells into a CloudTrail record (camelCase keys back, Athena's nulls dropped, JSON
// text parsed), so it is reused here. The event's raw text is that record as JSON: the file's bytes
// are not in the result, and the record is what filters on raw paths and free text need.
// providers/ never imports vscode.
import { BatchBuilder, type EventBatch } from '../../core/batch';
import { CloudTrailColumns, looksLikeEvent } from '../logFiles/normalize';
import { lakeRowToRecord, parseHiveStruct } from '../logFiles/tabular';
import type { SkippedRecord } from '../awsCloudtrail/records';

/** Struct fields tabular.ts does not know the CloudTrail spelling of (its FIELDS lack `addendum`). */
const ADDENDUM_KEYS: ReadonlyMap<string, string> = new Map([
  ['reason', 'reason'],
  ['updatedfields', 'updatedFields'],
  ['originalrequestid', 'originalRequestID'],
  ['originaleventid', 'originalEventID'],
]);

function fixAddendum(record: Record<string, unknown>): void {
  const v = record.addendum;
  if (typeof v !== 'string') return;
  const parsed = parseHiveStruct(v);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(parsed as Record<string, unknown>)) {
    if (val !== null) out[ADDENDUM_KEYS.get(k.toLowerCase()) ?? k] = val;
  }
  record.addendum = out;
}

/** One Athena row (column names and cell texts, undefined = NULL) → a CloudTrail-shaped record. */
export function athenaRowToRecord(
  names: readonly string[],
  cells: ReadonlyArray<string | undefined>,
  index: number,
  problems?: string[],
): Record<string, unknown> {
  const row = names.map((name, i) => ({ [name]: cells[i] ?? null }));
  const tab = lakeRowToRecord(row, index);
  if (problems && tab.problems) problems.push(...tab.problems);
  const rec = tab.record;
  fixAddendum(rec);
  return rec;
}

/** One page of Athena rows on its way into a batch. */
export class AthenaRowBatch {
  private readonly builder = new BatchBuilder();
  private readonly cols: CloudTrailColumns;
  readonly skipped: SkippedRecord[] = [];
  /** Rows read, but with something left out or kept as text (a value nested too deep). */
  readonly problems: SkippedRecord[] = [];

  constructor(source: string) {
    this.cols = new CloudTrailColumns(this.builder, source);
  }

  get size(): number {
    return this.builder.size;
  }

  /** `index` is the 0-based data row number across pages (for messages). */
  add(names: readonly string[], cells: ReadonlyArray<string | undefined>, index: number): void {
    const problems: string[] = [];
    const record = athenaRowToRecord(names, cells, index, problems);
    for (const reason of problems) this.problems.push({ id: `row ${index + 1}`, reason });
    if (!looksLikeEvent(record)) {
      this.skipped.push({ id: `row ${index + 1}`, reason: 'the row has no eventName, eventTime or eventID column (not an event: an aggregate?)' });
      return;
    }
    const at = this.builder.addSynthetic(JSON.stringify(record));
    // No path hints: the table's rows name their account and Region, and the SQL translation of
    // `account`/`region` assumes exactly what the record says.
    this.cols.add(record, at.seg, at.start, at.end, {});
  }

  build(): EventBatch {
    return this.builder.build().batch;
  }
}
