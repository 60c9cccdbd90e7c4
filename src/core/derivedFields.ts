/**
 * The derived fields every store offers (see derived.ts). One list, so a new one is a module and a
 * line here.
 */
import type { DerivedField } from './derived';
import { GEO_FIELDS } from './ipGeo/fields';
import { DETECTION_FIELDS } from './sigma/detectionFields';

export const DERIVED_FIELDS: readonly DerivedField[] = [
  ...GEO_FIELDS, // country, asn, asOrg, ipClass of the sourceIp
  ...DETECTION_FIELDS, // rule, level: the Sigma rules a row hit (filled after a session's detection run)
];
