// A local fake of the Control Plane audit API (`GET /audit/org/{org}`) on 127.0.0.1, over
// deterministic generated events. Documented behaviour (API-NOTES §4): Authorization header with
// the key or token (with or without `Bearer `), the query parameters location, gvcAlias, podId,
// actionType, resourceType, fromEvent, toEvent, page, pageSize (plus contextName, subjectName),
// and paging by a `links` entry with rel `next`. Fake-only choices (the real API does not document
// them): fromEvent inclusive, toEvent inclusive, pages 1-based, default pageSize 50, error body
// `{status, message}`, events in eventTime order.
import type * as http from 'node:http';
import { json, startFakeServer, trickle, type FakeServer, type SeenRequest } from '../fakeServer';

export const FAKE_TOKEN = 'cpln_sa_Tok3n/with+special=chars';
export const FAKE_ORG = 'acme';

export interface FakeEventOptions {
  count?: number;
  org?: string;
  /** Epoch ms of the first event; events are 1 minute apart. */
  start?: number;
}

export const ACTIONS = ['create', 'edit', 'delete', 'get', 'patch'] as const;
export const RESOURCE_TYPES = ['workload', 'gvc', 'secret', 'identity'] as const;
export const LOCATIONS = ['aws-us-west-2', 'gcp-us-east1', 'azure-eastus2'] as const;
export const START = Date.UTC(2026, 0, 1, 0, 0, 0);

/** Deterministic events: every field combination shows up, some fields are missing on purpose. */
export function generateEvents(opts: FakeEventOptions = {}): Record<string, unknown>[] {
  const count = opts.count ?? 250;
  const org = opts.org ?? FAKE_ORG;
  const start = opts.start ?? START;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const t = new Date(start + i * 60_000);
    const type = RESOURCE_TYPES[i % RESOURCE_TYPES.length];
    const failed = i % 7 === 3;
    const ev: Record<string, unknown> = {
      resource: { id: `res-${i % 20}`, name: `${type}-${i % 10}`, type, data: { n: i } },
      id: `ev-${String(i).padStart(5, '0')}`,
      eventTime: t.toISOString(),
      postedTime: new Date(t.getTime() + 500).toISOString(),
      receivedTime: new Date(t.getTime() + 700).toISOString(),
      requestId: `req-${i}`,
      context: {
        org,
        name: i % 5 === 0 ? 'ci' : 'cpln',
        remoteIp: `10.0.${i % 4}.${i % 250}`,
        eventSource: i % 3 === 0 ? 'system' : 'user',
        location: LOCATIONS[i % LOCATIONS.length],
        gvcAlias: `gvc${i % 4}`,
        podId: `workload-${i % 6}-pod`,
        data: {},
      },
      subject: i % 9 === 4 ? { name: 'robot-sa', claims: {}, data: {} } : { email: `user${i % 3}@example.com`, name: `User ${i % 3}`, claims: {}, data: {} },
      action: { type: ACTIONS[i % ACTIONS.length], data: {} },
      result: failed ? { status: 'Error', message: `denied ${i}` } : { status: 'OK', message: 'Object created successfully' },
      extraTopLevel: { kept: true },
    };
    if (i % 11 === 10) delete (ev.context as Record<string, unknown>).gvcAlias;
    out.push(ev);
  }
  return out;
}

export interface CplnFakeOptions {
  events?: Record<string, unknown>[];
  token?: string;
  /** Orgs the token may read (others → 403). */
  allowedOrgs?: string[];
  defaultPageSize?: number;
}

export interface CplnFailures {
  /** The next N requests answer 429 with this Retry-After (seconds). */
  rateLimit?: { times: number; retryAfter: string };
  /** Requests for this page answer 500 `times` times (Infinity = always). */
  serverError?: { page: number; times: number };
  /** This page's body is cut off (valid status and length, not valid JSON). */
  truncate?: { page: number };
  /** Every response waits this long first. */
  slowMs?: number;
  /** This page's next link points at the page itself. */
  repeatNextOnPage?: number;
  /** Next links without the `/audit` prefix (`/org/...`), or absolute URLs. */
  nextLinkStyle?: 'audit' | 'no-prefix' | 'absolute';
  /** A careless server: error bodies repeat the Authorization header they got. */
  echoAuth?: boolean;
  /** This page's body is sent one byte every `everyMs` (headers at once). */
  trickle?: { page: number; everyMs: number };
}

export interface CplnFake {
  url: string;
  requests: SeenRequest[];
  events: Record<string, unknown>[];
  failures: CplnFailures;
  close(): Promise<void>;
}

const FILTER_PARAMS: Record<string, (ev: Record<string, unknown>) => unknown> = {
  location: (e) => sub(e, 'context', 'location'),
  gvcAlias: (e) => sub(e, 'context', 'gvcAlias'),
  podId: (e) => sub(e, 'context', 'podId'),
  actionType: (e) => sub(e, 'action', 'type'),
  resourceType: (e) => sub(e, 'resource', 'type'),
  contextName: (e) => sub(e, 'context', 'name'),
};

function sub(e: Record<string, unknown>, a: string, b: string): unknown {
  const o = e[a];
  return o && typeof o === 'object' ? (o as Record<string, unknown>)[b] : undefined;
}

export async function startCplnFake(opts: CplnFakeOptions = {}): Promise<CplnFake> {
  const events = opts.events ?? generateEvents();
  const token = opts.token ?? FAKE_TOKEN;
  const allowed = new Set(opts.allowedOrgs ?? [FAKE_ORG]);
  const defaultPageSize = opts.defaultPageSize ?? 50;
  const failures: CplnFailures = {};
  const perPageErrors = new Map<number, number>();

  const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const m = /^\/audit\/org\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return json(res, 404, { status: 404, message: `no route ${url.pathname}` });
    const auth = req.headers.authorization ?? '';
    const echo = failures.echoAuth ? ` (you sent ${auth})` : '';
    if (auth !== `Bearer ${token}` && auth !== token) return json(res, 401, { status: 401, message: `Unauthorized${echo}` });
    const org = decodeURIComponent(m[1]);
    if (!allowed.has(org)) return json(res, 403, { status: 403, message: `not allowed to read the audit trail of org ${org}` });
    if (failures.rateLimit && failures.rateLimit.times > 0) {
      failures.rateLimit.times--;
      return json(res, 429, { status: 429, message: 'Too many requests' }, { 'retry-after': failures.rateLimit.retryAfter });
    }
    const q = url.searchParams;
    const page = q.has('page') ? Number(q.get('page')) : 1;
    const pageSize = q.has('pageSize') ? Number(q.get('pageSize')) : defaultPageSize;
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
      return json(res, 400, { status: 400, message: 'page must be >= 1 and pageSize 1..1000' });
    const se = failures.serverError;
    if (se && se.page === page && (perPageErrors.get(page) ?? 0) < se.times) {
      perPageErrors.set(page, (perPageErrors.get(page) ?? 0) + 1);
      return json(res, 500, { status: 500, message: `internal error${echo}` });
    }
    const from = q.get('fromEvent');
    const to = q.get('toEvent');
    const fromMs = from === null ? -Infinity : Date.parse(from);
    const toMs = to === null ? Infinity : Date.parse(to);
    if (Number.isNaN(fromMs) || Number.isNaN(toMs)) return json(res, 400, { status: 400, message: 'fromEvent/toEvent must be ISO 8601' });
    const subjectName = q.get('subjectName');
    const matching = events.filter((e) => {
      const t = Date.parse(String(e.eventTime));
      if (t < fromMs || t > toMs) return false;
      for (const [param, get] of Object.entries(FILTER_PARAMS)) {
        const want = q.get(param);
        if (want !== null && get(e) !== want) return false;
      }
      if (subjectName !== null && sub(e, 'subject', 'email') !== subjectName && sub(e, 'subject', 'name') !== subjectName) return false;
      return true;
    });
    const items = matching.slice((page - 1) * pageSize, page * pageSize);
    const self = new URL(url.toString());
    const links: { rel: string; href: string }[] = [{ rel: 'self', href: self.pathname + self.search }];
    const more = page * pageSize < matching.length;
    if (more) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(failures.repeatNextOnPage === page ? page : page + 1));
      next.searchParams.set('pageSize', String(pageSize));
      const style = failures.nextLinkStyle ?? 'audit';
      const path = next.pathname + next.search;
      links.push({ rel: 'next', href: style === 'absolute' ? next.toString() : style === 'no-prefix' ? path.replace(/^\/audit/, '') : path });
    }
    const body = { kind: 'queryresult', itemKind: 'auditevent', items, query: Object.fromEntries(q), links };
    if (failures.truncate && failures.truncate.page === page) {
      const text = JSON.stringify(body);
      const cut = text.slice(0, Math.floor(text.length / 2));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
      res.end(cut);
      return;
    }
    if (failures.trickle && failures.trickle.page === page) return trickle(res, 200, JSON.stringify(body), failures.trickle.everyMs, { 'x-request-id': `fake-${page}` });
    json(res, 200, body, { 'x-request-id': `fake-${page}` });
  };

  const server: FakeServer = await startFakeServer((req, res) => {
    if (failures.slowMs) {
      const timer = setTimeout(() => answer(req, res), failures.slowMs);
      res.on('close', () => clearTimeout(timer));
    } else answer(req, res);
  });

  return { url: server.url, requests: server.requests, events, failures, close: () => server.close() };
}
