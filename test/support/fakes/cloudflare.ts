// A local fake of Cloudflare Cloudforce One threat events (`/client/v4/accounts/{id}/cloudforce-one/
// events…`) on 127.0.0.1, over deterministic generated events. Documented behaviour (API-NOTES §3,
// seed cloudflare-cloudforce-one-events.txt): Bearer tokens, the v4 envelope, the list with
// page/pageSize/cursor/orderBy/order/datasetId/search/searchBranches on GET (both JSON-encoded)
// and POST (JSON body; only forceRefresh/format/cache in its query, as post_EventList declares), datasets, read (dataset path and the deprecated one), raw, relationships,
// aggregate, and the writes (create, update, tags, move, saved queries, alerts) on in-memory state.
// Fake-only choices (not documented): events in date order unless orderBy is given, `like` is SQL
// LIKE (case-insensitive, % and _), contains/startsWith/endsWith case-insensitive, equals exact,
// the cursor is base64url JSON of the offset and filters, error codes other than 10000 invented.
import type * as http from 'node:http';
import { json, startFakeServer, type FakeServer, type SeenRequest } from '../fakeServer';

export const FAKE_TOKEN = 'cfTok3n/with+special=chars_0123456789abcdef';
export const READ_ONLY_TOKEN = 'cf-read-only-token-9876543210';
export const FAKE_ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
/** An account the tokens may not use (403). */
export const OTHER_ACCOUNT = 'ffffffffffffffffffffffffffffffff';
export const BASE_PATH = '/client/v4';
export const START = Date.UTC(2026, 0, 1, 0, 0, 0);

export interface FakeDataset {
  uuid: string;
  name: string;
  isPublic: boolean;
  isAnalytics: boolean;
  indicatorWriteMode: 'read_only' | 'create_only' | 'full';
  deletedAt?: string;
}

export const DATASETS: readonly FakeDataset[] = [
  { uuid: '11111111-1111-4111-8111-111111111111', name: 'Cloudforce One Threat Events', isPublic: true, isAnalytics: false, indicatorWriteMode: 'read_only' },
  { uuid: '22222222-2222-4222-8222-222222222222', name: 'Partner feed', isPublic: false, isAnalytics: false, indicatorWriteMode: 'full' },
  { uuid: '33333333-3333-4333-8333-333333333333', name: 'Analytics', isPublic: false, isAnalytics: true, indicatorWriteMode: 'create_only' },
  { uuid: '44444444-4444-4444-8444-444444444444', name: 'Old feed', isPublic: false, isAnalytics: false, indicatorWriteMode: 'full', deletedAt: '2025-12-01T00:00:00Z' },
];
export const DEFAULT_DATASET = DATASETS[0].uuid;

export const ATTACKERS = ['Lazarus Group', 'APT28', 'FIN7', 'Scattered Spider', '<script>alert(1)</script>'] as const;
export const CATEGORIES = ['Domain Resolution', 'Phishing', 'Malware', 'DDoS'] as const;
export const COUNTRIES = ['US', 'DE', 'KP', 'RU', 'BR'] as const;
export const INDUSTRIES = ['Finance', 'Healthcare', 'Government', 'Retail'] as const;
export const TLPS = ['clear', 'green', 'amber', 'red'] as const;
export const INDICATOR_TYPES = ['domain', 'ipv4', 'sha256'] as const;
/** Hostile strings that must stay text: bidi override, spreadsheet formula. */
export const BIDI_EVENT = 'Login from \u202Egnp.exe\u202C detected';
export const FORMULA_INDICATOR = "=cmd|' /C calc'!A0";

export function eventUuid(i: number): string {
  return `e0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

/** Deterministic events: 70% default dataset, 20% partner, 10% analytics; hostile values on some. */
export function generateThreatEvents(count = 250, start = START): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const ds = i % 10 < 7 ? DATASETS[0] : i % 10 < 9 ? DATASETS[1] : DATASETS[2];
    const type = INDICATOR_TYPES[i % INDICATOR_TYPES.length];
    const indicator = i % 50 === 13 ? FORMULA_INDICATOR : type === 'domain' ? `bad${i % 17}.example.com` : type === 'ipv4' ? `198.51.100.${i % 200}` : `${'ab'.repeat(31)}${String(i % 100).padStart(2, '0')}`;
    const ev: Record<string, unknown> = {
      uuid: eventUuid(i),
      date: new Date(start + i * 3_600_000).toISOString(),
      event: i % 40 === 7 ? BIDI_EVENT : `${CATEGORIES[i % CATEGORIES.length]} activity #${i % 12}`,
      category: CATEGORIES[i % CATEGORIES.length],
      attacker: ATTACKERS[i % ATTACKERS.length],
      attackerCountry: COUNTRIES[i % COUNTRIES.length],
      attackerCountryAlpha3: ['USA', 'DEU', 'PRK', 'RUS', 'BRA'][i % 5],
      targetCountry: COUNTRIES[(i + 2) % COUNTRIES.length],
      targetCountryAlpha3: ['USA', 'DEU', 'PRK', 'RUS', 'BRA'][(i + 2) % 5],
      targetIndustry: INDUSTRIES[i % INDUSTRIES.length],
      indicator,
      indicatorType: type,
      indicatorTypeId: (i % INDICATOR_TYPES.length) + 1,
      killChain: i % 7,
      mitreAttack: i % 3 === 0 ? ['T1566', 'T1071'] : ['T1190'],
      mitreCapec: [],
      tags: i % 4 === 0 ? ['phishing', 'hostile-fixture'] : i % 4 === 1 ? ['botnet'] : [],
      tlp: TLPS[i % TLPS.length],
      datasetId: ds.uuid,
      rawId: `raw-${i}`,
      hasChildren: i > 0 && i % 9 === 0,
      numReferenced: 0,
      numReferences: i > 0 ? 1 : 0,
      referenced: [],
      referencedIds: [],
      references: i > 0 ? [eventUuid(i - 1)] : [],
      referencesIds: i > 0 ? [i - 1] : [],
      insight: i % 6 === 0 ? 'Seen before' : undefined,
      releasabilityId: undefined,
    };
    for (const k of Object.keys(ev)) if (ev[k] === undefined) delete ev[k];
    out.push(ev);
  }
  return out;
}

export interface CfFakeOptions {
  events?: Record<string, unknown>[];
  /** Tokens that may read (and write, unless in readOnlyTokens). */
  tokens?: string[];
  readOnlyTokens?: string[];
  /** Accounts the tokens may use (others → 403). */
  accounts?: string[];
}

export interface CfFailure {
  /** 1-based request number (since the last reset) the failure starts at. */
  from: number;
  /** How many requests in a row (default 1; Infinity = all from then on). */
  times?: number;
  status?: number;
  retryAfter?: string;
  errors?: { code: number; message: string }[];
  /** 200 whose body is cut in half (valid length, not valid JSON). */
  truncate?: boolean;
  /** 200 with an HTML page. */
  nonJson?: boolean;
  /** 200 `{success:false, errors}`. */
  successFalse?: boolean;
  /** Wait this long first. */
  slowMs?: number;
}

export interface CfKnobs {
  /** Bare arrays/objects instead of the envelope (the OpenAPI's declared shape). */
  bare?: boolean;
  /** Lists send `result_info.cursor` while more remain. */
  cursor?: boolean;
  /** This page's cursor repeats the previous one. */
  repeatCursorOnPage?: number;
  /** The move result as the seed's bare number or the newer object. */
  moveResult?: 'number' | 'object';
  /** Every response waits this long first. */
  slowMs?: number;
  /** Only the seed's `/events/{id}/relationships`, not the newer `/events/by-id/{id}/relationships`. */
  legacyRelationshipsOnly?: boolean;
  failures?: CfFailure[];
}

/** A list request as the fake understood it (after decoding GET or POST). */
export interface SeenList {
  method: string;
  page?: number;
  pageSize?: number;
  cursor?: string;
  orderBy?: string;
  order?: string;
  datasetId?: string[];
  search?: Condition[];
  searchBranches?: Condition[][];
  forceRefresh?: string;
  format?: string;
  cache?: string;
}

interface Condition {
  field: string;
  op: string;
  value: unknown;
}

export interface SavedQuery {
  id: number;
  account_id: number;
  name: string;
  query_json: string;
  alert_enabled: boolean;
  alert_rollup_enabled: boolean;
  rule_enabled: boolean;
  rule_scope?: string;
  created_at: string;
  updated_at: string;
  user_email: string;
}

export interface QueryAlert {
  id: number;
  account_id: number;
  query_id: number;
  enabled: boolean;
  frequency: string;
  notification_type: string;
  last_sent_at: string | null;
  created_at: string;
  updated_at: string;
  user_email: string;
}

export interface CfFake {
  url: string;
  /** The base URL to configure (`…/client/v4`). */
  base: string;
  requests: SeenRequest[];
  /** Request bodies, by request number - 1 ('' when none). */
  bodies: string[];
  lists: SeenList[];
  events: Record<string, unknown>[];
  queries: SavedQuery[];
  alerts: QueryAlert[];
  knobs: CfKnobs;
  reset(): void;
  close(): Promise<void>;
}

export const SEARCH_FIELDS = new Set([
  'attacker', 'attackerCountry', 'category', 'createdAt', 'date', 'event', 'indicator', 'indicatorType', 'killChain', 'hasChildren',
  'mitreAttack', 'mitreCapec', 'tags', 'targetCountry', 'targetIndustry', 'tlp', 'uuid',
]);
const OPS = new Set(['equals', 'not', 'gt', 'gte', 'lt', 'lte', 'like', 'contains', 'startsWith', 'endsWith', 'find', 'in']);

function envelope(result: unknown, resultInfo?: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { success: true, errors: [], messages: [], result };
  if (resultInfo) body.result_info = resultInfo;
  return body;
}

function cfError(res: http.ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  json(res, status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);
}

function valuesOf(ev: Record<string, unknown>, field: string): string[] {
  const v = field === 'createdAt' ? ev.date : ev[field];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

function likeRegex(pattern: string): RegExp {
  let re = '^';
  for (const ch of pattern) re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`${re}$`, 'is');
}

function compare(a: string, b: string, field: string): number {
  if (field === 'date' || field === 'createdAt') return Date.parse(a) - Date.parse(b);
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function conditionMatches(ev: Record<string, unknown>, c: Condition): boolean {
  const vals = valuesOf(ev, c.field);
  const want = Array.isArray(c.value) ? c.value.map(String) : String(c.value);
  const w = typeof want === 'string' ? want : '';
  const lw = w.toLowerCase();
  switch (c.op) {
    case 'equals':
      return vals.some((v) => v === w);
    case 'not':
      return !vals.some((v) => v === w);
    case 'gt':
      return vals.some((v) => compare(v, w, c.field) > 0);
    case 'gte':
      return vals.some((v) => compare(v, w, c.field) >= 0);
    case 'lt':
      return vals.some((v) => compare(v, w, c.field) < 0);
    case 'lte':
      return vals.some((v) => compare(v, w, c.field) <= 0);
    case 'like':
      return vals.some((v) => likeRegex(w).test(v));
    case 'contains':
    case 'find':
      return vals.some((v) => v.toLowerCase().includes(lw));
    case 'startsWith':
      return vals.some((v) => v.toLowerCase().startsWith(lw));
    case 'endsWith':
      return vals.some((v) => v.toLowerCase().endsWith(lw));
    case 'in':
      return Array.isArray(want) && vals.some((v) => want.includes(v));
    default:
      return false;
  }
}

/** A problem with the conditions, or undefined. */
function checkConditions(conds: unknown, max: number): string | undefined {
  if (!Array.isArray(conds)) return 'search must be a JSON array of {field, op, value}';
  if (conds.length > max) return `search takes at most ${max} conditions`;
  for (const c of conds as Condition[]) {
    if (!c || typeof c !== 'object' || !SEARCH_FIELDS.has(c.field)) return `unknown search field ${JSON.stringify(c?.field)}`;
    if (!OPS.has(c.op)) return `unknown search op ${JSON.stringify(c.op)}`;
    if (c.op === 'in' ? !Array.isArray(c.value) || c.value.length > 100 : String(c.value).length < 1 || String(c.value).length > 512)
      return `bad value for ${c.field} ${c.op}`;
  }
  return undefined;
}

interface Cursor {
  offset: number;
  list: Omit<SeenList, 'method' | 'page' | 'cursor' | 'pageSize'>;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor | undefined {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
  } catch {
    return undefined;
  }
}

const NOW_ISO = '2026-02-01T00:00:00.000Z';

export async function startCloudflareFake(opts: CfFakeOptions = {}): Promise<CfFake> {
  const events = opts.events ?? generateThreatEvents();
  const tokens = new Set(opts.tokens ?? [FAKE_TOKEN, READ_ONLY_TOKEN]);
  const readOnly = new Set(opts.readOnlyTokens ?? [READ_ONLY_TOKEN]);
  const accounts = new Set(opts.accounts ?? [FAKE_ACCOUNT]);
  const raws = new Map<string, Record<string, unknown>>();
  for (const e of events) raws.set(String(e.uuid), { id: e.rawId, accountId: 1234, created: e.date, source: 'fake-feed', tlp: e.tlp, data: { note: `raw of ${String(e.uuid)}` } });
  const knobs: CfKnobs = {};
  const bodies: string[] = [];
  const lists: SeenList[] = [];
  const queries: SavedQuery[] = [];
  const alerts: QueryAlert[] = [];
  let nextQueryId = 1;
  let nextAlertId = 1;
  let created = 0;
  let seen = 0;

  const ok = (res: http.ServerResponse, result: unknown, info?: Record<string, unknown>): void => json(res, 200, knobs.bare ? result : envelope(result, info), { 'cf-ray': `fake-${seen}` });
  const find = (id: string) => events.find((e) => e.uuid === id);

  function list(res: http.ServerResponse, method: string, q: URLSearchParams, body: Record<string, unknown>): void {
    const seenList: SeenList = { method };
    const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));
    let search: unknown;
    let branches: unknown;
    if (method === 'GET') {
      seenList.page = num(q.get('page'));
      seenList.pageSize = num(q.get('pageSize'));
      seenList.cursor = q.get('cursor') ?? undefined;
      seenList.orderBy = q.get('orderBy') ?? undefined;
      seenList.order = q.get('order') ?? undefined;
      const ds = q.getAll('datasetId');
      if (ds.length) seenList.datasetId = ds;
      try {
        search = q.has('search') ? JSON.parse(q.get('search') ?? '') : undefined;
      } catch {
        return cfError(res, 400, 10021, 'search must be JSON');
      }
    } else {
      seenList.page = num(body.page);
      seenList.pageSize = num(body.pageSize);
      seenList.cursor = typeof body.cursor === 'string' ? body.cursor : undefined;
      seenList.orderBy = typeof body.orderBy === 'string' ? body.orderBy : undefined;
      seenList.order = typeof body.order === 'string' ? body.order : undefined;
      if (Array.isArray(body.datasetId)) seenList.datasetId = body.datasetId.map(String);
      search = body.search;
    }
    if (method === 'GET') {
      try {
        branches = q.has('searchBranches') ? JSON.parse(q.get('searchBranches') ?? '') : undefined;
      } catch {
        return cfError(res, 400, 10021, 'searchBranches must be JSON');
      }
    } else {
      // post_EventList takes searchBranches in the body only; the query would be ignored upstream.
      if (q.has('searchBranches')) return cfError(res, 400, 10021, 'searchBranches goes in the JSON body of a POST');
      branches = body.searchBranches;
    }
    seenList.forceRefresh = q.get('forceRefresh') ?? undefined;
    seenList.format = q.get('format') ?? undefined;
    seenList.cache = q.get('cache') ?? undefined;
    if (search !== undefined) {
      const problem = checkConditions(search, 10);
      if (problem) return cfError(res, 400, 10022, problem);
      seenList.search = search as Condition[];
    }
    if (branches !== undefined) {
      if (!Array.isArray(branches) || branches.length > 8) return cfError(res, 400, 10023, 'searchBranches takes at most 8 branches');
      for (const b of branches) {
        const problem = checkConditions(b, 10);
        if (problem) return cfError(res, 400, 10023, problem);
      }
      seenList.searchBranches = branches as Condition[][];
    }
    lists.push(seenList);
    if (seenList.format !== undefined && seenList.format !== 'json') return cfError(res, 400, 10024, 'the fake only speaks json');
    const pageSize = seenList.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 25_000) return cfError(res, 400, 10025, 'pageSize must be between 1 and 25000');
    let offset: number;
    let filters: Cursor['list'];
    if (seenList.cursor) {
      const c = decodeCursor(seenList.cursor);
      if (!c) return cfError(res, 400, 10026, 'invalid cursor');
      offset = c.offset;
      filters = c.list;
    } else {
      const page = seenList.page ?? 1;
      if (!Number.isInteger(page) || page < 1) return cfError(res, 400, 10027, 'page must be >= 1');
      offset = (page - 1) * pageSize;
      if (offset >= 100_000) return cfError(res, 400, 10028, 'offset paging is limited to the first 100000 records; use the cursor');
      filters = { orderBy: seenList.orderBy, order: seenList.order, datasetId: seenList.datasetId, search: seenList.search, searchBranches: seenList.searchBranches };
    }
    const ds = filters.datasetId ?? [DEFAULT_DATASET];
    const all = ds.some((d) => d === 'all' || d === '*');
    for (const d of ds) if (!all && !DATASETS.some((x) => x.uuid === d)) return cfError(res, 404, 10030, `dataset ${d} not found`);
    let matching = events.filter((e) => (all || ds.includes(String(e.datasetId))) && (filters.search ?? []).every((c) => conditionMatches(e, c)));
    if (filters.searchBranches?.length) matching = matching.filter((e) => filters.searchBranches!.some((b) => b.every((c) => conditionMatches(e, c))));
    if (filters.orderBy) {
      const f = filters.orderBy;
      matching = [...matching].sort((a, b) => compare(valuesOf(a, f)[0] ?? '', valuesOf(b, f)[0] ?? '', f));
    }
    if (filters.order === 'desc') matching = [...matching].reverse();
    const items = matching.slice(offset, offset + pageSize);
    const info: Record<string, unknown> = { page: seenList.page ?? 1, per_page: pageSize, count: items.length, total_count: matching.length };
    if (knobs.cursor && offset + pageSize < matching.length) {
      const pageNo = lists.length;
      info.cursor = knobs.repeatCursorOnPage === pageNo && seenList.cursor ? seenList.cursor : encodeCursor({ offset: offset + pageSize, list: filters });
    }
    ok(res, items, info);
  }

  function aggregate(res: http.ServerResponse, q: URLSearchParams): void {
    const by = q.get('aggregateBy');
    if (!by) return cfError(res, 400, 10040, 'aggregateBy is required');
    const cols = by.split(',').map((s) => s.trim());
    for (const c of cols) if (!SEARCH_FIELDS.has(c)) return cfError(res, 400, 10041, `cannot aggregate by ${c}`);
    const ds = q.getAll('datasetId');
    const sets = ds.length ? ds : [DEFAULT_DATASET];
    const start = q.get('startDate');
    const end = q.get('endDate');
    const byDate = q.get('groupByDate') === 'true';
    const limit = q.has('limit') ? Number(q.get('limit')) : undefined;
    const groups = new Map<string, Record<string, unknown> & { count: number }>();
    let total = 0;
    for (const e of events) {
      if (!sets.includes(String(e.datasetId))) continue;
      const day = String(e.date).slice(0, 10);
      if ((start && day < start) || (end && day > end)) continue;
      total++;
      const key = JSON.stringify([...cols.map((c) => e[c]), byDate ? day : '']);
      let g = groups.get(key);
      if (!g) {
        g = { count: 0 };
        for (const c of cols) g[c] = e[c];
        if (byDate) g.date = day;
        groups.set(key, g);
      }
      g.count++;
    }
    let aggregations = [...groups.values()].sort((a, b) => b.count - a.count);
    if (limit !== undefined) aggregations = aggregations.slice(0, limit);
    const result: Record<string, unknown> = { aggregateBy: by, aggregations, total };
    if (start || end) result.dateRange = { startDate: start, endDate: end };
    ok(res, result);
  }

  function route(req: http.IncomingMessage, res: http.ServerResponse, bodyText: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const m = new RegExp(`^${BASE_PATH}/accounts/([^/]+)/cloudforce-one/events(/.*)?$`).exec(url.pathname);
    if (!m) return cfError(res, 404, 7000, `No route for that URI: ${url.pathname}`);
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!tokens.has(token)) return cfError(res, 401, 10000, 'Authentication error');
    const account = decodeURIComponent(m[1]);
    if (!accounts.has(account)) return cfError(res, 403, 10000, 'Authentication error');
    if (method !== 'GET' && readOnly.has(token) && !(method === 'POST' && (m[2] ?? '') === '')) return cfError(res, 403, 10001, 'This token needs the Cloudforce One Write permission');
    let body: Record<string, unknown> = {};
    if (bodyText) {
      try {
        body = JSON.parse(bodyText) as Record<string, unknown>;
      } catch {
        return cfError(res, 400, 10002, 'request body is not JSON');
      }
    }
    const sub = (m[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    const q = url.searchParams;
    const path = sub.join('/');

    if (sub.length === 0 && (method === 'GET' || method === 'POST')) return list(res, method, q, body);
    if (path === 'aggregate' && method === 'GET') return aggregate(res, q);
    if (path === 'dataset' && method === 'GET') {
      const inc = q.get('includeDeleted') === 'true';
      return ok(res, DATASETS.filter((d) => inc || !d.deletedAt));
    }
    if (sub[0] === 'dataset' && sub[2] === 'events' && sub.length === 4 && method === 'GET') {
      const ev = find(sub[3]);
      if (!ev || ev.datasetId !== sub[1]) return cfError(res, 404, 10050, 'event not found');
      return ok(res, ev);
    }
    if (sub[0] === 'dataset' && sub[2] === 'move' && sub.length === 3 && method === 'POST') {
      const dest = String(body.destDatasetId ?? '');
      const ids = body.eventIds;
      if (!dest || !Array.isArray(ids)) return cfError(res, 400, 10060, 'destDatasetId and eventIds are required');
      if (!DATASETS.some((d) => d.uuid === dest)) return cfError(res, 404, 10030, `dataset ${dest} not found`);
      let moved = 0;
      for (const id of ids) {
        const ev = find(String(id));
        if (ev && ev.datasetId === sub[1]) {
          ev.datasetId = dest;
          moved++;
        }
      }
      return ok(res, knobs.moveResult === 'object' ? { moved, indicatorsCopied: moved, relationshipsCopied: 0, insertFailures: [], deletionFailures: [] } : moved);
    }
    if (sub[0] === 'raw' && sub.length === 3 && method === 'GET') {
      const ev = find(sub[2]);
      if (!ev || ev.datasetId !== sub[1]) return cfError(res, 404, 10050, 'event not found');
      return ok(res, raws.get(sub[2]) ?? { id: ev.rawId, data: {} });
    }
    if (path === 'create' && method === 'POST') {
      for (const k of ['category', 'date', 'event', 'raw', 'tlp']) if (body[k] === undefined) return cfError(res, 400, 10070, `${k} is required`);
      const uuid = `c0000000-0000-4000-8000-${String(++created).padStart(12, '0')}`;
      const { raw, ...fields } = body;
      const ev: Record<string, unknown> = { uuid, attacker: '', tags: [], mitreAttack: [], datasetId: DEFAULT_DATASET, rawId: `raw-c${created}`, ...fields };
      events.push(ev);
      raws.set(uuid, { id: ev.rawId, accountId: 1234, created: NOW_ISO, ...(raw as object) });
      return ok(res, ev);
    }
    if (sub[0] === 'event_tag' && sub.length >= 2) {
      const ev = find(sub[1]);
      if (!ev) return cfError(res, 404, 10050, 'event not found');
      if (!Array.isArray(body.tags) || body.tags.length === 0) return cfError(res, 400, 10080, 'tags is required');
      const tags = Array.isArray(ev.tags) ? (ev.tags as string[]) : [];
      if (sub[2] === 'create' && method === 'POST') {
        for (const t of body.tags) if (!tags.includes(String(t))) tags.push(String(t));
        ev.tags = tags;
        return ok(res, { success: true });
      }
      if (sub.length === 2 && method === 'DELETE') {
        ev.tags = tags.filter((t) => !(body.tags as unknown[]).includes(t));
        return ok(res, { success: true });
      }
    }
    if (sub[0] === 'queries') return queriesRoute(res, method, sub.slice(1), body);
    // The seed's `/events/{id}/relationships` and the spec's newer `/events/by-id/{id}/relationships`.
    const byId = sub.length === 3 && sub[0] === 'by-id' && !knobs.legacyRelationshipsOnly;
    if (((sub.length === 2 && sub[1] === 'relationships') || (byId && sub[2] === 'relationships')) && method === 'GET') {
      const ev = find(byId ? sub[1] : sub[0]);
      if (!q.get('datasetId')) return cfError(res, 400, 10090, 'datasetId is required');
      if (!ev) return cfError(res, 404, 10050, 'event not found');
      const dir = q.get('direction') ?? 'both';
      const out: Record<string, unknown>[] = q.get('includeParent') === 'false' ? [] : [ev];
      if (dir !== 'ancestors') for (const r of (ev.references as string[]) ?? []) out.push(find(r)!);
      if (dir !== 'descendants') for (const e of events) if (((e.references as string[]) ?? []).includes(String(ev.uuid))) out.push(e);
      return ok(res, out.filter(Boolean));
    }
    if (sub.length === 1 && method === 'GET') {
      const ev = find(sub[0]);
      return ev ? ok(res, ev) : cfError(res, 404, 10050, 'event not found');
    }
    if (sub.length === 1 && (method === 'POST' || method === 'PATCH')) {
      const ev = find(sub[0]);
      if (!ev) return cfError(res, 404, 10050, 'event not found');
      const { raw: _raw, ...fields } = body;
      Object.assign(ev, fields);
      return ok(res, ev);
    }
    cfError(res, 404, 7000, `No route for that URI: ${method} ${url.pathname}`);
  }

  function queriesRoute(res: http.ServerResponse, method: string, sub: string[], body: Record<string, unknown>): void {
    const stamp = NOW_ISO;
    if (sub[0] === 'alerts') {
      if (sub.length === 1 && method === 'GET') return ok(res, alerts);
      if (sub[1] === 'create' && method === 'POST') {
        const qid = Number(body.query_id);
        if (!queries.some((x) => x.id === qid)) return cfError(res, 400, 10110, `no saved query ${String(body.query_id)}`);
        const a: QueryAlert = {
          id: nextAlertId++, account_id: 1234, query_id: qid, enabled: body.enabled !== false, frequency: String(body.frequency ?? 'immediate'),
          notification_type: String(body.notification_type ?? 'ans'), last_sent_at: null, created_at: stamp, updated_at: stamp, user_email: 'analyst@example.com',
        };
        alerts.push(a);
        return ok(res, a);
      }
      const a = alerts.find((x) => x.id === Number(sub[1]));
      if (!a) return cfError(res, 404, 10111, `no alert ${sub[1]}`);
      if (method === 'GET') return ok(res, a);
      if (method === 'POST' || method === 'PATCH') {
        Object.assign(a, body, { updated_at: stamp });
        return ok(res, a);
      }
      if (method === 'DELETE') {
        alerts.splice(alerts.indexOf(a), 1);
        return ok(res, null);
      }
    }
    if (sub.length === 0 && method === 'GET') return ok(res, queries);
    if (sub[0] === 'create' && method === 'POST') {
      if (typeof body.name !== 'string' || typeof body.query_json !== 'string') return cfError(res, 400, 10100, 'name and query_json are required');
      if (queries.some((x) => x.name === body.name)) return cfError(res, 400, 10101, `a saved query named ${body.name} exists`);
      const sq: SavedQuery = {
        id: nextQueryId++, account_id: 1234, name: body.name, query_json: body.query_json, alert_enabled: Boolean(body.alert_enabled),
        alert_rollup_enabled: Boolean(body.alert_rollup_enabled), rule_enabled: Boolean(body.rule_enabled), created_at: stamp, updated_at: stamp, user_email: 'analyst@example.com',
      };
      if (typeof body.rule_scope === 'string') sq.rule_scope = body.rule_scope;
      queries.push(sq);
      return ok(res, sq);
    }
    const sq = queries.find((x) => x.id === Number(sub[0]));
    if (!sq) return cfError(res, 404, 10102, `no saved query ${sub[0]}`);
    if (method === 'GET') return ok(res, sq);
    if (method === 'POST' || method === 'PATCH') {
      Object.assign(sq, body, { updated_at: stamp });
      return ok(res, sq);
    }
    if (method === 'DELETE') {
      queries.splice(queries.indexOf(sq), 1);
      for (let i = alerts.length - 1; i >= 0; i--) if (alerts[i].query_id === sq.id) alerts.splice(i, 1);
      return ok(res, null);
    }
    cfError(res, 404, 7000, 'No route for that URI');
  }

  function answer(req: http.IncomingMessage, res: http.ServerResponse, n: number, bodyText: string): void {
    const f = (knobs.failures ?? []).find((x) => n >= x.from && n < x.from + (x.times ?? 1));
    if (f?.status) {
      const headers: Record<string, string> = f.retryAfter ? { 'retry-after': f.retryAfter } : {};
      const errors = f.errors ?? [{ code: f.status === 429 ? 971 : f.status >= 500 ? 10500 : 10400, message: f.status === 429 ? 'Please wait and consider throttling your request speed' : `fake ${f.status}` }];
      return json(res, f.status, { success: false, errors, messages: [], result: null }, headers);
    }
    if (f?.successFalse) return json(res, 200, { success: false, errors: f.errors ?? [{ code: 1003, message: 'Invalid or missing account' }], messages: [], result: null });
    if (f?.nonJson) {
      const html = '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
      return void res.end(html);
    }
    if (f?.truncate) {
      // Answer for real, then cut the body in half.
      const realEnd = res.end.bind(res);
      const realHead = res.writeHead.bind(res);
      res.writeHead = (() => res) as typeof res.writeHead;
      res.end = ((chunk: string) => {
        const cut = String(chunk).slice(0, Math.floor(String(chunk).length / 2));
        realHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
        return realEnd(cut);
      }) as typeof res.end;
    }
    route(req, res, bodyText);
  }

  const server: FakeServer = await startFakeServer((req, res, n) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = n;
      const bodyText = Buffer.concat(chunks).toString('utf8');
      bodies[n - 1] = bodyText;
      const f = (knobs.failures ?? []).find((x) => n >= x.from && n < x.from + (x.times ?? 1));
      const wait = (f?.slowMs ?? 0) + (knobs.slowMs ?? 0);
      if (wait > 0) {
        const timer = setTimeout(() => answer(req, res, n, bodyText), wait);
        res.on('close', () => clearTimeout(timer));
      } else answer(req, res, n, bodyText);
    });
  });

  const fake: CfFake = {
    url: server.url,
    base: `${server.url}${BASE_PATH}`,
    requests: server.requests,
    bodies,
    lists,
    events,
    queries,
    alerts,
    knobs,
    reset() {
      server.requests.length = 0;
      bodies.length = 0;
      lists.length = 0;
      for (const k of Object.keys(knobs) as (keyof CfKnobs)[]) delete knobs[k];
    },
    close: () => server.close(),
  };
  return fake;
}
