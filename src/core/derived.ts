/**
 * Derived fields: columns computed from other columns rather than read from the events, so the
 * filter language, facets, sorting and the grid treat them like any field (`principal:alice*`,
 * `country:RU`) while the loader pays nothing for them until someone asks.
 *
 * A derived column is filled lazily, like a raw path nobody extracted yet: the store hands the
 * field the row ranges whose values are missing, and the field writes them. Two scopes:
 * - `rows`: a row's value depends on that row alone (its principal, its IP's country), so an
 *   append only leaves the new rows to fill;
 * - `store`: a row's value can change when any other event arrives (a session chain whose
 *   AssumeRole lives in a file loaded later), so an append leaves every row to fill again.
 */
import type { ColumnKind } from './batch';
import type { EventStore, StoreColumn } from './store';

export interface DerivedField {
  /** The field name users type; matched case-insensitively, never shadowing a normalized field. */
  readonly name: string;
  readonly scope: 'rows' | 'store';
  /** 'list' when a row can have several values (a filter then matches any of them). */
  readonly kind: ColumnKind;
  /**
   * Writes the values of rows [start, end) of every range into `col` (intern with
   * `col.dict.intern`, call `col.fitIds()` before writing ids). Must write every row of the ranges,
   * including empty values (id 0): a `store` field refills rows that held an older value.
   */
  fill(store: EventStore, col: StoreColumn, ranges: ReadonlyArray<readonly [number, number]>): void;
}

/** Looks a typed field name up among derived fields, case-insensitively. */
export function findDerived(fields: readonly DerivedField[], name: string): DerivedField | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower);
}
