/**
 * The derived fields every store offers (see derived.ts). One list, so a new one is a module and a
 * line here.
 */
import type { DerivedField } from './derived';
import { GEO_FIELDS } from './ipGeo/fields';
import { PRINCIPAL_FIELD } from './principal';
import { ORIGIN_FIELD, SESSION_FIELD } from './sessionChains';

export const DERIVED_FIELDS: readonly DerivedField[] = [
  PRINCIPAL_FIELD,
  ORIGIN_FIELD,
  SESSION_FIELD,
  ...GEO_FIELDS, // country, asn, asOrg, ipClass of the sourceIp
];
