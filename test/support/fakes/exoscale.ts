// A local fake of the Exoscale API v2 `GET /v2/event` on 127.0.0.1, over deterministic generated
// events. It checks every request's EXO2-HMAC-SHA256 signature by recomputing it from the request
// as received, with its own code (not the provider's signer), following API-NOTES §2: message =
// "METHOD escaped-path", body, the decoded values of the single-valued query parameters in sorted
// name order, "", expires; base64(HMAC-SHA256(secret, message)); `signed-query-args` must list
// exactly those names.
//
// Fake-only choices (the real API does not document them):
// - missing or unparsable Authorization header → 401 {"message":"Missing or malformed Authorization header"}
// - unknown key or wrong signature → 403 {"message":"Invalid request signature"}
// - `expires` in the past → 403 {"message":"Request expired"}; more than 1 h ahead → 403 too
// - `from` and `to` both inclusive (the worst case for a client that splits windows); without them
//   the past 24 h; an unreadable date → 400 with an RFC 9457-style `errors[]` body
// - events are answered newest first (the real order is undocumented)
// - the base path is `/v2` unless `basePath` says otherwise (a proxy prefix, e.g. `/exo/v2`)
import { createHmac, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import { offContract } from '../contract/hook';
import { exoscaleContract } from '../contract/vendors';
import { json, startFakeServer, type FakeServer, type SeenRequest } from '../fakeServer';

export const FAKE_KEY = 'EXO0123456789abcdef01234567';
/** 43 characters like a real secret, with the URL-safe base64 characters. */
export const FAKE_SECRET = 'Xy-9_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab';
/** 2026-01-05T00:00:00Z, a Monday; events are 15 minutes apart from here. */
export const START = Date.UTC(2026, 0, 5, 0, 0, 0);
export const STEP_MS = 15 * 60_000;
export const WEEK_EVENTS = 7 * 24 * 4;

export const HOSTILE_MESSAGE = '<img src=x onerror=alert(1)><script>alert("x")</script>\u001b[31mred\u001b[0m \u202Etxt.exe\u202C';
export const HOSTILE_NAME = '"><svg onload=alert(1)>\u200F\u0000';

const HANDLERS = ['create-instance', 'delete-instance', 'scale-sks-nodepool', 'create-api-key', 'authenticate', 'update-security-group'] as const;
const PATHS: Record<(typeof HANDLERS)[number], string | undefined> = {
  'create-instance': '/v2/instance',
  'delete-instance': '/v2/instance/{id}',
  'scale-sks-nodepool': '/v2/sks-cluster/{id}/nodepool/{nodepool-id}:scale',
  'create-api-key': '/v2/api-key',
  authenticate: undefined,
  'update-security-group': '/v2/security-group/{id}',
};
const ZONES = ['ch-gva-2', 'de-fra-1', 'at-vie-1', 'hr-zag-1'] as const;
const STATUSES = [200, 202, 200, 403, 200, 404, 200, 500, 200, 302] as const;

function uuid(i: number, salt: number): string {
  const h = createHmac('sha256', 'fake').update(`${salt}:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function timestamp(ms: number): string {
  // Both shapes the docs show: whole seconds ("2025-05-04T09:42:00Z") and milliseconds.
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace(/\.000Z$/, 'Z') : iso;
}

const ROLE_POLICY = {
  'default-service-strategy': 'deny',
  services: { compute: { type: 'rules', rules: [{ action: 'allow', expression: "operation in ['list-events']", resources: [] }] } },
};

/**
 * Deterministic events, one every 15 minutes from `start` (so one falls on every 6 h window
 * boundary), covering every documented field; some fields missing on purpose, hostile strings in
 * message, body-params and iam-api-key.name.
 */
export function generateEvents(count = WEEK_EVENTS, start = START): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const handler = HANDLERS[i % HANDLERS.length];
    const hostile = i % 50 === 7;
    const t = start + i * STEP_MS + (i % 3 === 1 ? 250 : 0);
    const id = uuid(i, 1);
    const ev: Record<string, unknown> = {};
    const who = i % 3;
    if (who === 0) {
      ev['iam-user'] = {
        sso: i % 2 === 0,
        'two-factor-authentication': true,
        email: `user${i % 4}@example.com`,
        id: uuid(i % 4, 2),
        role: { id: uuid(0, 3), name: 'admin', description: 'Full access', permissions: ['bypass-governance-retention'], labels: { team: 'ops' }, editable: false, policy: { 'default-service-strategy': 'allow', services: {} } },
        pending: false,
      };
    }
    ev['request-id'] = i % 10 === 9 ? undefined : uuid(i, 4);
    if (who === 1 || who === 2) {
      ev['iam-role'] = { id: uuid(who, 5), name: who === 1 ? 'deployer' : 'sks-operator', description: 'CI role', permissions: [], labels: {}, editable: true, policy: ROLE_POLICY };
    }
    ev.zone = ZONES[i % ZONES.length];
    ev['get-params'] = i % 4 === 0 ? { limit: '10' } : {};
    ev['body-params'] = handler === 'create-instance' ? { name: hostile ? HOSTILE_NAME : `web-${i}`, 'instance-type': { id: uuid(1, 6) } } : {};
    ev.status = STATUSES[i % STATUSES.length];
    ev['source-ip'] = i % 5 === 4 ? `2001:db8::${(i % 255).toString(16)}` : `198.51.100.${i % 200}`;
    if (who === 1) ev['iam-api-key'] = { name: hostile ? HOSTILE_NAME : 'ci-deployer', key: 'EXOaaaabbbbccccddddeeeeffff', 'role-id': uuid(1, 5) };
    const path = PATHS[handler];
    if (path) {
      ev.uri = path.replace('{id}', id).replace('{nodepool-id}', uuid(i, 7));
      ev['path-params'] = path.includes('{id}') ? (path.includes('{nodepool-id}') ? { id, 'nodepool-id': uuid(i, 7) } : { id }) : {};
    }
    // At least 1: the spec declares elapsed-ms with `minimum: 0, exclusiveMinimum: true`.
    ev['elapsed-ms'] = 1 + ((i * 37) % 900);
    ev.timestamp = timestamp(t);
    ev.handler = handler;
    ev.message = hostile ? HOSTILE_MESSAGE : handler === 'authenticate' ? `User user${i % 4}@example.com: authenticate` : `${handler} ${id}`;
    if (ev['request-id'] === undefined) delete ev['request-id'];
    out.push(ev);
  }
  return out;
}

export type ExoFailureKind = 'status' | 'truncate' | 'non-json' | 'slow';

export interface ExoFailure {
  /** 1-based number of the request (as counted by the fake, all requests) it starts at. */
  at: number;
  /** How many requests in a row it hits (default 1; Infinity = every one from `at`). */
  times?: number;
  kind: ExoFailureKind;
  /** For 'status': 400, 401, 403, 404, 429, 500, … */
  status?: number;
  /** For 429/503: the Retry-After header. */
  retryAfter?: string;
  /** For 'status': the body (default: a JSON message per status). */
  body?: unknown;
  /** For 'slow': how long to wait before answering normally. */
  ms?: number;
}

export interface ExoFakeOptions {
  events?: Record<string, unknown>[];
  key?: string;
  secret?: string;
  /** Path the API lives under (default '/v2'). */
  basePath?: string;
  /** Server clock (epoch ms) for `expires` and the default 24 h range. */
  now?: () => number;
}

export interface ExoFake {
  url: string;
  /** The base URL to give the provider as `endpoint` (url + basePath). */
  endpoint: string;
  requests: SeenRequest[];
  events: Record<string, unknown>[];
  failures: ExoFailure[];
  /** Why each request was refused by the signature check ('' when it passed), by request number - 1. */
  verdicts: string[];
  close(): Promise<void>;
}

const DEFAULT_BODIES: Record<number, unknown> = {
  400: { errors: [{ detail: 'from: expected an RFC 3339 date-time', location: 'query.from' }] },
  401: { message: 'Missing or malformed Authorization header' },
  403: { message: 'Forbidden: operation list-events is not allowed by the IAM role' },
  404: { message: 'Not Found' },
  429: { message: 'Too Many Requests' },
  500: { message: 'Internal Server Error' },
  503: { message: 'Service Unavailable' },
};

const HEADER_RE = /^EXO2-HMAC-SHA256 credential=([^,]+)(?:,signed-query-args=([^,]*))?,expires=(\d+),signature=([A-Za-z0-9+/]+={0,2})$/;

/** Recomputes the signature of a received request: undefined when it is valid, else the status and message to answer. */
export function verifySignature(req: { method: string; rawUrl: string; body: string; authorization: string | undefined }, key: string, secret: string, nowMs: number): { status: number; message: string } | undefined {
  const m = HEADER_RE.exec(req.authorization ?? '');
  if (!m) return { status: 401, message: 'Missing or malformed Authorization header' };
  const [, credential, argsList, expires, signature] = m;
  const q = req.rawUrl.indexOf('?');
  const path = q < 0 ? req.rawUrl : req.rawUrl.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : req.rawUrl.slice(q + 1));
  const names = [...new Set(params.keys())].filter((n) => params.getAll(n).length === 1).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if ((argsList ?? '') !== names.join(';')) return { status: 403, message: 'Invalid request signature' };
  const message = `${req.method} ${path}\n${req.body}\n${names.map((n) => params.get(n)).join('')}\n\n${expires}`;
  const want = createHmac('sha256', secret).update(message).digest();
  const got = Buffer.from(signature, 'base64');
  if (credential !== key || got.length !== want.length || !timingSafeEqual(got, want)) return { status: 403, message: 'Invalid request signature' };
  const exp = Number(expires) * 1000;
  if (exp < nowMs) return { status: 403, message: 'Request expired' };
  if (exp > nowMs + 3600_000) return { status: 403, message: 'Request expiration too far in the future' };
  return undefined;
}

function parseTime(v: string | null): number | undefined | null {
  if (v === null) return undefined;
  // RFC 3339 only: a full date-time with Z or an offset.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export async function startExoscaleFake(opts: ExoFakeOptions = {}): Promise<ExoFake> {
  const events = opts.events ?? generateEvents();
  const key = opts.key ?? FAKE_KEY;
  const secret = opts.secret ?? FAKE_SECRET;
  const basePath = (opts.basePath ?? '/v2').replace(/\/+$/, '');
  const clock = opts.now ?? Date.now;
  const failures: ExoFailure[] = [];
  const verdicts: string[] = [];
  const sorted = [...events].sort((a, b) => Date.parse(String(b.timestamp)) - Date.parse(String(a.timestamp)));

  const failureFor = (n: number): ExoFailure | undefined => failures.find((f) => n >= f.at && n < f.at + (f.times ?? 1));

  const answer = (req: http.IncomingMessage, res: http.ServerResponse, n: number, body: string, failure: ExoFailure | undefined): void => {
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?')[0];
    const verdict = verifySignature({ method: req.method ?? '', rawUrl, body, authorization: req.headers.authorization }, key, secret, clock());
    verdicts[n - 1] = verdict?.message ?? '';
    if (verdict) return json(res, verdict.status, { message: verdict.message });
    if (failure && failure.kind === 'status') {
      const status = failure.status ?? 500;
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {};
      return json(res, status, failure.body ?? DEFAULT_BODIES[status] ?? { message: `status ${status}` }, headers);
    }
    if (req.method !== 'GET' || path !== `${basePath}/event`) return json(res, 404, { message: `no route ${req.method} ${path}` });
    const q = new URLSearchParams(rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '');
    const from = parseTime(q.get('from'));
    const to = parseTime(q.get('to'));
    if (from === null || to === null) return json(res, 400, DEFAULT_BODIES[400]);
    const toMs = to ?? clock();
    const fromMs = from ?? toMs - 24 * 3600_000;
    const items = sorted.filter((e) => {
      const t = Date.parse(String(e.timestamp));
      return t >= fromMs && t <= toMs;
    });
    const text = JSON.stringify(items);
    if (failure?.kind === 'truncate') {
      offContract(res, 'a body cut in half, to test the client');
      const cut = text.slice(0, Math.floor(text.length / 2));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
      return void res.end(cut);
    }
    if (failure?.kind === 'non-json') {
      offContract(res, 'an HTML page with status 200, as a broken proxy sends it');
      const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
      return void res.end(html);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': `fake-${n}` });
    res.end(text);
  };

  const server: FakeServer = await startFakeServer((req, res, n) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const failure = failureFor(n);
      if (failure?.kind === 'slow') {
        const timer = setTimeout(() => answer(req, res, n, body, undefined), failure.ms ?? 1000);
        res.on('close', () => clearTimeout(timer));
      } else answer(req, res, n, body, failure);
    });
  }, { contract: exoscaleContract(basePath) });

  return { url: server.url, endpoint: server.url + basePath, requests: server.requests, events, failures, verdicts, close: () => server.close() };
}
