// A local fake of the Conformity API (`GET /events`, `GET /accounts`) on 127.0.0.1, implementing the
// behaviour Events.md documents over a deterministic generated set of events:
// - `Authorization: ApiKey <key>`; a wrong or missing key → 401 with `{errors:[{status, detail}]}`.
// - `accountIds` the key cannot read → 403; without accountIds, all readable accounts.
// - `aws`/`azure`/`gcp`/`cc` (default true), filter[regions|services|userIds|identities] (comma
//   lists, exact), filter[name] (`*` any run, `?` one character), filter[since|until] (epoch ms,
//   inclusive).
// - `page[size]` (default 100, max 1000: larger → 400, the documented client-error status for this
//   endpoint), `page[number]` from 0, `meta["total-pages"]`.
// - Injected failures per test: a status (429 with Retry-After, 500…) a number of times, a truncated
//   body, a slow response.
// Assumptions (UNVERIFIED): the GCP event name (the seed's table lost it; 'gcp.activity.logs' here),
// where Conformity activity-events carry their user id (relationships.user.data.id here), case-
// sensitive matching, newest events first.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const AWS_NAME = 'account.monitoring.activity';
export const AZURE_NAME = 'azure.activity.logs';
export const GCP_NAME = 'gcp.activity.logs';
export const CC_NAMES = [
  'user.login',
  'user.login.error',
  'user.login.mfa',
  'user.created',
  'user.updated',
  'account.created',
  'account.rule.update.enabled',
  'account.rule.update.disabled',
  'account.rule.update.riskLevel',
  'account.check.update.suppressed',
  'account.check.update.suppressed.until',
  'api.check.created',
  'api.account.created',
  'apiKey.created',
  'organisation.acl.updated',
  'setting.updated.communication',
] as const;
export const ACCOUNTS = ['acc-A', 'acc-B', 'acc-C', 'acc-D'] as const;
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'] as const;
export const AWS_SERVICES = ['EC2', 'S3', 'IAM', 'CloudTrail', 'RDS', 'Lambda'] as const;
export const AZURE_SERVICES = ['ActivityLog', 'Subscriptions', 'Network'] as const;
export const IDENTITIES = ['static-deployer', 'arn:aws:iam::123456789012:user/alice', 'bob@example.com', 'ci-bot'] as const;
export const USER_IDS = ['u-1', 'u-2', 'u-3'] as const;
export const BASE_TIME = Date.UTC(2026, 0, 1);

export interface FakeEvent {
  type: 'events';
  id: string;
  attributes: {
    name: string;
    time: number;
    service: string;
    identity: string;
    region: string;
    description: string;
    hasChildren: boolean;
  };
  relationships: {
    account: { data: { type: 'account'; id: string } };
    user?: { data: { type: 'users'; id: string } };
  };
}

/** A deterministic pick from `n` values for event `i`, independent per `salt`. */
function pick(i: number, salt: number, n: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  return ((h ^ (h >>> 13)) >>> 0) % n;
}

/** Deterministic events, newest first: i-th event at BASE_TIME + i minutes. */
export function generateEvents(count: number): FakeEvent[] {
  const out: FakeEvent[] = [];
  for (let i = 0; i < count; i++) {
    const k = pick(i, 0, 10);
    const kind = k < 5 ? 'aws' : k < 7 ? 'cc' : k < 9 ? 'azure' : 'gcp';
    const account = ACCOUNTS[pick(i, 1, ACCOUNTS.length)];
    let name: string;
    let service = '';
    let region = 'global';
    let identity = '';
    if (kind === 'aws') {
      name = AWS_NAME;
      service = AWS_SERVICES[pick(i, 2, AWS_SERVICES.length)];
      region = REGIONS[pick(i, 3, REGIONS.length)];
      identity = IDENTITIES[pick(i, 4, IDENTITIES.length)];
    } else if (kind === 'azure') {
      name = AZURE_NAME;
      service = AZURE_SERVICES[pick(i, 5, AZURE_SERVICES.length)];
      identity = IDENTITIES[pick(i, 6, IDENTITIES.length)];
    } else if (kind === 'gcp') {
      name = GCP_NAME;
      identity = IDENTITIES[pick(i, 7, IDENTITIES.length)];
    } else {
      name = CC_NAMES[pick(i, 8, CC_NAMES.length)];
      service = 'CloudConformity';
    }
    const ev: FakeEvent = {
      type: 'events',
      id: `ev-${String(i).padStart(6, '0')}`,
      attributes: {
        name,
        time: BASE_TIME + i * 60_000,
        service,
        identity,
        region,
        description: pick(i, 10, 4) === 0 ? `description of event ${i}` : '',
        hasChildren: pick(i, 11, 3) === 0,
      },
      relationships: { account: { data: { type: 'account', id: account } } },
    };
    if (kind === 'cc') ev.relationships.user = { data: { type: 'users', id: USER_IDS[pick(i, 9, USER_IDS.length)] } };
    out.push(ev);
  }
  return out.reverse();
}

export function eventKind(ev: FakeEvent): 'aws' | 'azure' | 'gcp' | 'cc' {
  const n = ev.attributes.name;
  return n === AWS_NAME ? 'aws' : n === AZURE_NAME ? 'azure' : n === GCP_NAME ? 'gcp' : 'cc';
}

/** The Conformity name wildcard: `*` any run, `?` exactly one character. */
export function nameGlob(pattern: string): RegExp {
  let re = '^';
  for (const ch of pattern) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  return new RegExp(`${re}$`, 's');
}

export interface Failure {
  /** Which requests: by path ('/events', '/accounts') and/or 0-based page[number]; all when omitted. */
  path?: string;
  page?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  status?: number;
  retryAfter?: string;
  /** Send a body cut in the middle (with a Content-Length announcing all of it). */
  truncate?: boolean;
  /** Wait this long before answering (normally). */
  delayMs?: number;
}

export interface SeenRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface FakeConformity {
  url: string;
  events: FakeEvent[];
  requests: SeenRequest[];
  /** key → readable account ids. */
  keys: Map<string, readonly string[]>;
  fail(f: Failure): void;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeConformityOptions {
  count?: number;
  keys?: Record<string, readonly string[]>;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, truncate = false): void {
  const text = JSON.stringify(body);
  const bytes = Buffer.from(text);
  res.writeHead(status, { 'content-type': 'application/vnd.api+json', 'content-length': bytes.length, ...headers });
  if (truncate) {
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    res.socket?.destroy();
    return;
  }
  res.end(bytes);
}

function error(res: http.ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  send(res, status, { errors: [{ status, detail }] }, headers);
}

export async function startFakeConformity(opts: FakeConformityOptions = {}): Promise<FakeConformity> {
  const events = generateEvents(opts.count ?? 1000);
  const keys = new Map<string, readonly string[]>(Object.entries(opts.keys ?? { 'good-key': ACCOUNTS }));
  const requests: SeenRequest[] = [];
  let failures: Failure[] = [];

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const q = url.searchParams;
    const path = url.pathname.replace(/^\/v1/, '').replace(/\/+$/, '');
    requests.push({ method: req.method ?? '', url: req.url ?? '', path, query: q, headers: req.headers });

    const pageNumber = Number(q.get('page[number]') ?? '0');
    const f = failures.find((x) => (x.path === undefined || x.path === path) && (x.page === undefined || x.page === pageNumber) && (x.times ?? 1) > 0);
    if (f) f.times = (f.times ?? 1) - 1;
    const answer = (): void => {
      if (f?.status !== undefined) {
        error(res, f.status, f.status === 429 ? 'Too many requests' : 'Injected failure', f.retryAfter ? { 'retry-after': f.retryAfter } : {});
        return;
      }
      route(req, res, path, q, f?.truncate ?? false);
    };
    if (f?.delayMs) setTimeout(answer, f.delayMs);
    else answer();
  };

  const route = (req: http.IncomingMessage, res: http.ServerResponse, path: string, q: URLSearchParams, truncate: boolean): void => {
    const auth = req.headers.authorization ?? '';
    const m = /^ApiKey (.+)$/.exec(auth);
    const readable = m ? keys.get(m[1]) : undefined;
    if (!readable) return error(res, 401, 'The API key is invalid or missing.');
    if (req.method !== 'GET') return error(res, 400, 'Only GET is supported here.');

    if (path === '/accounts') {
      return send(
        res,
        200,
        {
          data: readable.map((id) => ({
            type: 'accounts',
            id,
            attributes: { name: `Account ${id}`, environment: 'test', 'cloud-type': 'aws', 'awsaccount-id': '123456789012' },
            relationships: { organisation: { data: { type: 'organisations', id: 'org-1' } } },
          })),
        },
        {},
        truncate,
      );
    }
    if (path !== '/events') return error(res, 404, `No route ${path}`);

    const list = (k: string): string[] | undefined => {
      const v = q.get(k);
      return v === null || v === '' ? undefined : v.split(',');
    };
    const flag = (k: string): boolean | undefined => {
      const v = q.get(k);
      if (v === null) return undefined;
      if (v !== 'true' && v !== 'false') throw new RangeError(`${k} must be true or false`);
      return v === 'true';
    };
    const num = (k: string): number | undefined => {
      const v = q.get(k);
      if (v === null) return undefined;
      if (!/^\d+$/.test(v)) throw new RangeError(`${k} must be a non-negative integer`);
      return Number(v);
    };

    let size: number, number: number, since: number | undefined, until: number | undefined;
    let kinds: Record<string, boolean>;
    try {
      size = num('page[size]') ?? 100;
      number = num('page[number]') ?? 0;
      since = num('filter[since]');
      until = num('filter[until]');
      kinds = { aws: flag('aws') ?? true, azure: flag('azure') ?? true, gcp: flag('gcp') ?? true, cc: flag('cc') ?? true };
    } catch (e) {
      return error(res, 400, (e as Error).message);
    }
    if (size < 1 || size > 1000) return error(res, 400, 'page[size] must be between 1 and 1000.');

    const accountIds = list('accountIds');
    if (accountIds) {
      const denied = accountIds.filter((a) => !readable.includes(a));
      if (denied.length) return error(res, 403, `You do not have access to account ${denied.join(', ')}.`);
    }
    const accounts = accountIds ?? readable;
    const regions = list('filter[regions]');
    const services = list('filter[services]');
    const userIds = list('filter[userIds]');
    const identities = list('filter[identities]');
    const name = q.get('filter[name]');
    const nameRe = name ? nameGlob(name) : undefined;

    const matched = events.filter((ev) => {
      const a = ev.attributes;
      if (!accounts.includes(ev.relationships.account.data.id)) return false;
      if (!kinds[eventKind(ev)]) return false;
      if (regions && !regions.includes(a.region)) return false;
      if (services && !services.includes(a.service)) return false;
      if (userIds && !(ev.relationships.user && userIds.includes(ev.relationships.user.data.id))) return false;
      if (identities && !identities.includes(a.identity)) return false;
      if (nameRe && !nameRe.test(a.name)) return false;
      if (since !== undefined && a.time < since) return false;
      if (until !== undefined && a.time > until) return false;
      return true;
    });
    const totalPages = Math.ceil(matched.length / size);
    const data = matched.slice(number * size, (number + 1) * size);
    send(res, 200, { data, meta: { 'total-pages': totalPages }, links: { self: `/v1/events?page[number]=${number}` } }, {}, truncate);
  };

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      error(res, 500, String(e));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    events,
    requests,
    keys,
    fail: (f) => {
      failures.push({ ...f });
    },
    reset: () => {
      failures = [];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
