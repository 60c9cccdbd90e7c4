/**
 * The derived fields every store offers (see derived.ts). One list, so a new one is a module and a
 * line here.
 */
import type { DerivedField } from './derived';
import { GEO_FIELDS } from './ipGeo/fields';

export const DERIVED_FIELDS: readonly DerivedField[] = [
  ...GEO_FIELDS, // country, asn, asOrg, ipClass of the sourceIp
];
