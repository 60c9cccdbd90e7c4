/**
 * The derived fields every store offers (see derived.ts). One list, so a new one is a module and a
 * line here.
 */
import type { DerivedField } from './derived';
import { GEO_FIELDS } from './ipGeo/fields';
import { PRINCIPAL_FIELD } from './principal';
import { ORIGIN_FIELD, SESSION_FIELD } from './sessionChains';
import { DETECTION_FIELDS } from './sigma/detectionFields';

export const DERIVED_FIELDS: readonly DerivedField[] = [
  PRINCIPAL_FIELD,
  ORIGIN_FIELD,
  SESSION_FIELD,
  ...GEO_FIELDS, // country, asn, asOrg, ipClass of the sourceIp
  ...DETECTION_FIELDS, // rule, level: the Sigma rules a row hit (filled after a session's detection run)
];
