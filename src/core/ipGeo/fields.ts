/**
 * Where an event came from, as derived fields of its `sourceIp`: `country` (ISO 3166 code), `asn`
 * (the autonomous system's number), `asOrg` (its organization) and `ipClass` (public, private,
 * aws-internal, service…; see address.ts).
 *
 * Each is computed once per distinct source address (a dictionary entry), never per event: a
 * million events from ten thousand addresses cost ten thousand lookups and a pass of integer copies.
 *
 * The table is a process-wide resource read on first use through the loader the host provides
 * (provideIpTable: the node side reads dist/geo/ from disk, see providers/ipGeo/tableFile.ts), so
 * this module stays free of node. Without a loader, or if loading fails, country and AS stay empty
 * and `ipClass` still works.
 */
import type { DerivedField } from '../derived';
import type { EventStore, StoreColumn } from '../store';
import { classifyIp, classifySource, parseIp, type IpClass } from './address';
import type { IpGeo, IpTable } from './table';

type TableLoader = () => IpTable;

let loader: TableLoader | undefined;
let table: IpTable | undefined;
let loadError: string | undefined;

/** Sets where the table comes from; the next geo lookup loads it (again). */
export function provideIpTable(load: TableLoader | undefined): void {
  loader = load;
  table = undefined;
  loadError = undefined;
}

/** The table, loaded on first use; undefined without a loader or when it failed (see ipTableError). */
export function ipTable(): IpTable | undefined {
  if (table || loadError || !loader) return table;
  try {
    table = loader();
  } catch (e) {
    loadError = e instanceof Error ? e.message : String(e);
  }
  return table;
}

/** Why the table could not be loaded, if it could not. */
export function ipTableError(): string | undefined {
  return loadError;
}

/** Everything the geo fields say about one `sourceIp` value. */
export interface SourceGeo extends IpGeo {
  readonly ipClass: IpClass | '';
}

const NOTHING: SourceGeo = { ipClass: '', country: '', asn: 0, org: '' };

/** The geo fields of one `sourceIp` value: a lookup for public addresses, labels for the rest. */
export function sourceGeo(value: string): SourceGeo {
  if (value.length === 0) return NOTHING;
  const ip = parseIp(value);
  if (!ip) return { ...NOTHING, ipClass: classifySource(value) };
  const ipClass = classifyIp(ip);
  if (ipClass !== 'public') return { ...NOTHING, ipClass };
  const geo = ipTable()?.lookup(ip);
  return geo ? { ipClass, ...geo } : { ...NOTHING, ipClass };
}

/** sourceIp dictionary id → the field's dictionary id, per derived column (so per store). */
const memo = new WeakMap<StoreColumn, number[]>();

function geoField(name: string, pick: (g: SourceGeo) => string): DerivedField {
  return {
    name,
    scope: 'rows',
    kind: 'string',
    fill(store: EventStore, col: StoreColumn, ranges) {
      const source = store.resolveColumn('sourceIp');
      if (source === 'time') return;
      let map = memo.get(col);
      if (!map) memo.set(col, (map = [0]));
      const values = source.dict.values;
      for (let id = map.length; id < values.length; id++) map.push(col.dict.intern(pick(sourceGeo(values[id]))));
      col.fitIds();
      const ids = col.ids;
      const src = source.ids;
      for (const [start, end] of ranges) for (let row = start; row < end; row++) ids[row] = map[src[row]];
    },
  };
}

export const GEO_FIELDS: readonly DerivedField[] = [
  geoField('country', (g) => g.country),
  geoField('asn', (g) => (g.asn === 0 ? '' : String(g.asn))),
  geoField('asOrg', (g) => g.org),
  geoField('ipClass', (g) => g.ipClass),
];
