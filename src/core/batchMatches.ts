/**
 * Which events of one batch a filter matches, with no store of the whole load: a one-shot count
 * (`query … --format count`) runs the filter where the batch was read (a loader worker) and sends
 * back a bit per event and the event ids, never the columns or the raw bytes.
 *
 * The batch becomes a store of its own (its duplicates dropped as any store drops them) and the
 * filter runs there, so every term means exactly what it means on the loaded store: a filter
 * looks at one event at a time. A row the batch drops as a duplicate is a duplicate in the whole
 * load too (an earlier row has its id), so its bit is never used. Free text is left to the store
 * (see matchesInBatches): it searches with threads of its own.
 */
import type { EventBatch } from './batch';
import { findDerived } from './derived';
import { DERIVED_FIELDS } from './derivedFields';
import { aliasedPath, resolveField } from './event';
import { evaluate } from './evaluate';
import type { QueryNode } from './query';
import { EventStore } from './store';

export interface BatchMatches {
  /** The id column of the batch: dictionary, and an index into it per row ('' = no id). */
  idDict: string[];
  idOf: Uint32Array;
  /** 1 where the row matches the filter (rows dropped as duplicates within the batch: 0). */
  match: Uint8Array;
}

/**
 * Whether a filter can run batch by batch: everything but free text and derived fields. A derived
 * field reads columns the batch's store leaves out, may need data only the host holds (the IP
 * table), or, like a session chain, depends on events in other batches.
 */
export function matchesInBatches(node: QueryNode): boolean {
  switch (node.type) {
    case 'text':
      return false;
    case 'match':
    case 'exists':
    case 'compare':
      return node.field.startsWith('raw.') || findDerived(DERIVED_FIELDS, node.field) === undefined;
    case 'and':
    case 'or':
      return node.children.every(matchesInBatches);
    case 'not':
      return matchesInBatches(node.child);
    default:
      return true;
  }
}

/** The fields a filter names (each as typed). */
function fieldsOf(node: QueryNode, into: string[] = []): string[] {
  if (node.type === 'and' || node.type === 'or') for (const c of node.children) fieldsOf(c, into);
  else if (node.type === 'not') fieldsOf(node.child, into);
  else if (node.type === 'match' || node.type === 'exists' || node.type === 'compare') into.push(node.field);
  return into;
}

/**
 * Whether the filter can look at a column of this name: as a normalized field (or its alias), or
 * as a raw path the store finds exactly or case-insensitively (EventStore#findColumn). Only those
 * columns (and the ids) go into the batch's store: interning the rest would be work for nothing.
 */
function columnUse(node: QueryNode): (name: string) => boolean {
  const fields = fieldsOf(node);
  const normalized = new Set(fields.map((f) => resolveField(f)).filter((f) => f !== undefined));
  const paths = new Set(fields.map((f) => (f.startsWith('raw.') ? f.slice(4) : aliasedPath(f)).toLowerCase()));
  return (name) => name === 'id' || normalized.has(name as never) || paths.has(name.toLowerCase());
}

export function batchMatches(batch: EventBatch, node: QueryNode): BatchMatches {
  const match = new Uint8Array(batch.count);
  const idCol = batch.columns.find((c) => c.name === 'id');
  const idDict = idCol ? idCol.dict : [''];
  const idOf = idCol ? idCol.ids : new Uint32Array(batch.count);
  const store = new EventStore({ shareRaw: false });
  const used = columnUse(node);
  let kept: Uint32Array = new Uint32Array(0);
  store.appendBatch({ ...batch, columns: batch.columns.filter((c) => used(c.name)) }, (rows) => (kept = rows.slice()));
  if (store.size === 0) return { idDict, idOf, match };
  const all = new Uint32Array(store.size);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const hit = evaluate(store, node, all);
  for (let k = 0; k < hit.length; k++) match[kept[hit[k]]] = 1;
  return { idDict, idOf, match };
}
