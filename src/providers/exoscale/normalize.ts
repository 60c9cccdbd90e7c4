// An Exoscale `GET /v2/event` record → the normalized AuditEvent. providers/ never imports vscode.
//
// - action: handler (the operation, e.g. "create-instance", "authenticate").
// - actor: iam-user.email, else iam-api-key.name, else iam-api-key.key, else iam-role.name, else ''.
// - outcome from status (the HTTP status the operation answered): 2xx success, ≥ 400 failure,
//   anything else (1xx, 3xx, 0, missing) unknown. error: message (or "HTTP <status>") on failure only,
//   since on success message is just a description ("User x: authenticate").
// - service: the first path segment of uri after the version (`/v2/sks-cluster/…` → sks-cluster).
// - region: zone; sourceIp: source-ip; id: request-id ('' when absent).
// - resources: the values of path-params (the ids the operation acted on).
// - account: the events carry no organization, so it is the account's org (AccountConfig.scope)
//   or label, given by the caller.
import { parseIsoTime } from '../../core/time';
import type { AuditEvent, Outcome } from '../../core/event';
import type { ExoEvent } from './schema';

export function outcomeOf(status: number | null | undefined): Outcome {
  if (typeof status !== 'number' || !Number.isFinite(status)) return 'unknown';
  if (status >= 200 && status < 300) return 'success';
  if (status >= 400) return 'failure';
  return 'unknown';
}

function str(v: string | null | undefined): string | undefined {
  return v === null || v === undefined || v === '' ? undefined : v;
}

/** `/v2/instance/123?x=1` → `instance`; also without the version segment. */
export function serviceOf(uri: string | null | undefined): string | undefined {
  if (!uri) return undefined;
  const path = uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0];
  const segs = path.split('/').filter((s) => s !== '');
  const first = segs[0] !== undefined && /^v\d+$/.test(segs[0]) ? segs[1] : segs[0];
  return str(first);
}

function scalarValues(o: Record<string, unknown> | null | undefined): string[] {
  const out: string[] = [];
  for (const v of Object.values(o ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      const s = String(v);
      if (s !== '' && !out.includes(s)) out.push(s);
    }
  }
  return out;
}

export function actorOf(item: ExoEvent): string {
  return str(item['iam-user']?.email) ?? str(item['iam-api-key']?.name) ?? str(item['iam-api-key']?.key) ?? str(item['iam-role']?.name) ?? '';
}

export function normalizeEvent(item: ExoEvent, account: string): AuditEvent {
  const outcome = outcomeOf(item.status);
  const t = item.timestamp ? parseIsoTime(item.timestamp) : NaN;
  return {
    id: item['request-id'] ?? '',
    time: Number.isFinite(t) ? t : NaN,
    provider: 'exoscale',
    account,
    action: item.handler ?? '',
    actor: actorOf(item),
    service: serviceOf(item.uri),
    region: str(item.zone),
    sourceIp: str(item['source-ip']),
    outcome,
    error: outcome === 'failure' ? (str(item.message) ?? `HTTP ${item.status}`) : undefined,
    resources: scalarValues(item['path-params']),
    raw: item,
  };
}

/** Raw paths worth their own column (names are raw paths, so `uri:/v2/instance*` hits the column). */
export function extraFields(item: ExoEvent): Record<string, string | undefined> {
  const num = (n: number | null | undefined) => (typeof n === 'number' ? String(n) : undefined);
  return {
    message: str(item.message),
    status: num(item.status),
    uri: str(item.uri),
    'elapsed-ms': num(item['elapsed-ms']),
    'iam-role.name': str(item['iam-role']?.name),
    'iam-api-key.key': str(item['iam-api-key']?.key),
  };
}
