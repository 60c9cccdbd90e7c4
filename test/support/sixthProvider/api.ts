/**
 * The sixth provider's API, in memory, on 127.0.0.1: tenants' events paged 20 at a time, filtered
 * by time and verb, behind a bearer token. Every request is recorded (fakeServer.ts).
 */
import { json, startFakeServer, type FakeServer } from '../fakeServer';
import type { SixthEvent } from './descriptor';

export const SIXTH_TOKEN = 'sixth-token-0123456789';
export const SIXTH_TENANT = 'acme';
const PAGE = 20;
const VERBS = ['login', 'export', 'delete', 'login', 'logout'];
const SITES = ['north', 'south', 'east'];

/** `count` events spread over the `spanMs` before `end`, deterministic (no randomness). */
export function generateSixthEvents(count: number, end: number, spanMs = 12 * 3_600_000): SixthEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    uid: `sx-${String(i).padStart(5, '0')}`,
    at: new Date(end - spanMs + Math.floor(((i + 1) * spanMs) / (count + 1))).toISOString(),
    verb: VERBS[i % VERBS.length],
    who: `user${i % 7}@acme.example`,
    site: SITES[(i * 7) % SITES.length],
    ok: i % 9 !== 0,
    ip: `203.0.113.${i % 250}`,
  }));
}

export async function startSixthApi(events: readonly SixthEvent[]): Promise<FakeServer> {
  return startFakeServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${SIXTH_TOKEN}`) return json(res, 401, { error: 'bad token' });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/v1\/tenants\/([^/]+)(\/events)?$/.exec(url.pathname);
    if (!m || decodeURIComponent(m[1]) !== SIXTH_TENANT) return json(res, 404, { error: 'no such tenant' });
    if (!m[2]) return json(res, 200, { tenant: SIXTH_TENANT, events: events.length });
    const since = Number(url.searchParams.get('since') ?? -Infinity);
    const until = Number(url.searchParams.get('until') ?? Infinity);
    const verb = url.searchParams.get('verb');
    const matching = events.filter((e) => Date.parse(e.at) >= since && Date.parse(e.at) <= until && (!verb || e.verb === verb));
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const next = start + PAGE < matching.length ? String(start + PAGE) : null;
    json(res, 200, { items: matching.slice(start, start + PAGE), next });
  });
}
