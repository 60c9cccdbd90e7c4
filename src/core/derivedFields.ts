/**
 * The derived fields every store offers (see derived.ts). One list, so a new one is a module and a
 * line here.
 */
import type { DerivedField } from './derived';

export const DERIVED_FIELDS: readonly DerivedField[] = [];
