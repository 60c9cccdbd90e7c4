/**
 * `rule` and `level` as fields of the filter language (`rule:<id>`, `level:>=high`), filled from the
 * last detection run a session handed over for this store. Detection is asynchronous (match.ts), so
 * these fields cannot compute their values on demand like other derived fields: the session runs
 * detect(), then `setDetections` keeps the result here and marks the columns for refilling. Rows
 * the result does not cover (added after the run started) read as no hit until the next run.
 */
import type { DerivedField } from '../derived';
import type { EventStore, StoreColumn } from '../store';
import { LEVELS, levelRank, type CompiledRule, type SigmaLevel } from './types';

export const RULE_FIELD = 'rule';
export const LEVEL_FIELD = 'level';

/** What the fields read: the rules each row hit, for rows below `rows` (the store's size at the run). */
export interface StoreDetections {
  rows: number;
  rulesOf(row: number): readonly CompiledRule[];
}

const byStore = new WeakMap<EventStore, StoreDetections>();

/** Hands a finished detection run to the store's `rule` and `level` fields (undefined: no run). */
export function setDetections(store: EventStore, d: StoreDetections | undefined): void {
  if (d) byStore.set(store, d);
  else byStore.delete(store);
  store.refillDerived([RULE_FIELD, LEVEL_FIELD]);
}

export function detectionsOf(store: EventStore): StoreDetections | undefined {
  return byStore.get(store);
}

/** The highest level among `rules`, undefined for none. */
export function highestLevel(rules: readonly CompiledRule[]): SigmaLevel | undefined {
  let best = -1;
  for (const r of rules) best = Math.max(best, levelRank(r.level));
  return best < 0 ? undefined : LEVELS[best];
}

/** The level names at `op` `level`, for `level:>=high` (the parser turns it into an OR of these). */
export function levelsCompared(op: '>' | '>=' | '<' | '<=', level: string): SigmaLevel[] | undefined {
  const k = LEVELS.indexOf(level.toLowerCase() as SigmaLevel);
  if (k < 0) return undefined;
  return LEVELS.filter((_, i) => (op === '>' ? i > k : op === '>=' ? i >= k : op === '<' ? i < k : i <= k));
}

function detectionField(name: string, kind: 'list' | 'string', value: (rules: readonly CompiledRule[]) => string): DerivedField {
  return {
    name,
    // Refilled whole whenever the store changes: a new run replaces every row's value.
    scope: 'store',
    kind,
    fill(store: EventStore, col: StoreColumn, ranges) {
      const d = byStore.get(store);
      for (const [start, end] of ranges) {
        for (let row = start; row < end; row++) {
          const rules = d && row < d.rows ? d.rulesOf(row) : [];
          const id = rules.length === 0 ? 0 : col.dict.intern(value(rules));
          // Widened before the write: an id the array cannot hold would wrap silently.
          if (id >= 2 ** (8 * col.ids.BYTES_PER_ELEMENT)) col.fitIds();
          col.ids[row] = id;
        }
      }
    },
  };
}

export const DETECTION_FIELDS: readonly DerivedField[] = [
  detectionField(RULE_FIELD, 'list', (rules) => JSON.stringify([...new Set(rules.map((r) => r.id))].sort())),
  detectionField(LEVEL_FIELD, 'string', (rules) => highestLevel(rules) ?? ''),
];
