/** The detail pane's "where from" line: the geo fields of an event's sourceIp, with the data's date and attribution. */
import { IP_CLASS_TEXT } from '../core/ipGeo/address';
import { ipTable, sourceGeo } from '../core/ipGeo/fields';
import type { EventStore } from '../core/store';
import { IP_DATA_ATTRIBUTION, type WhereDto } from '../protocol';

export function whereFrom(store: EventStore, row: number): WhereDto | undefined {
  const ip = store.value(row, 'sourceIp');
  if (ip.length === 0) return undefined;
  const g = sourceGeo(ip);
  if (g.ipClass === '') return undefined;
  return {
    ip,
    ipClass: g.ipClass,
    classText: IP_CLASS_TEXT[g.ipClass],
    country: g.country,
    asn: g.asn === 0 ? '' : String(g.asn),
    asOrg: g.org,
    dataDate: ipTable()?.dataDate ?? '',
    attribution: IP_DATA_ATTRIBUTION,
  };
}
