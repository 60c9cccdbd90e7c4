/**
 * AuditEvent objects (live API results, which arrive parsed) into an EventBatch: the normalized
 * fields as columns, the record's JSON as its raw bytes.
 */
import { BatchBuilder, EventBatch } from './batch';
import type { AuditEvent } from './event';
import { idKey } from './idIndex';

const STRING_COLUMNS = ['id', 'account', 'action', 'actor', 'service', 'region', 'sourceIp', 'userAgent', 'outcome', 'error'] as const;

export class AuditEventBatch {
  private readonly builder = new BatchBuilder();
  private readonly cols: number[];
  private readonly resources: number;
  private readonly extra = new Map<string, number>();

  /** `source` names where the events came from (an account label), for the `source` column. */
  constructor(provider: string, source: string) {
    this.builder.constant('provider', provider);
    this.builder.constant('source', source);
    this.cols = STRING_COLUMNS.map((c) => this.builder.column(c));
    this.resources = this.builder.column('resources', 'list');
  }

  get size(): number {
    return this.builder.size;
  }

  /**
   * Adds an event. `raw` is the record's JSON text as received (or as re-serialised from the parsed
   * response, which keeps key order and values); `fields` are extra raw paths worth a column.
   */
  add(ev: AuditEvent, raw: string, fields?: Record<string, string | undefined>): void {
    const at = this.builder.addSynthetic(raw);
    const b = this.builder;
    b.begin(at.seg, at.start, at.end, ev.time);
    const values = [idKey(ev.id), ev.account, ev.action, ev.actor, ev.service, ev.region, ev.sourceIp, ev.userAgent, ev.outcome, ev.error];
    for (let i = 0; i < values.length; i++) b.set(this.cols[i], values[i]);
    b.setList(this.resources, ev.resources);
    if (fields) {
      for (const [name, value] of Object.entries(fields)) {
        let col = this.extra.get(name);
        if (col === undefined) {
          col = b.column(name);
          this.extra.set(name, col);
        }
        b.set(col, value);
      }
    }
  }

  build(): EventBatch {
    return this.builder.build().batch;
  }
}
