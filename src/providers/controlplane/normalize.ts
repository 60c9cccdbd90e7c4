// A Control Plane audit event → the normalized AuditEvent. providers/ never imports vscode.
//
// Outcome from result.status (its value set is UNVERIFIED; the docs only show "OK"):
// - success: "OK", "success", "succeeded", "ok", "200"–"299" (case-insensitive)
// - failure: "error", "failed", "failure", "fail", "denied", "forbidden", "unauthorized",
//   "rejected", "invalid", "notfound"/"not found", "conflict", "timeout", or a 4xx/5xx code, or
//   any status containing "error"/"fail"/"denied"
// - unknown: anything else, or no status at all
// `error` is result.message only when the outcome is failure (for success it is just a message like
// "Object created successfully").
import { parseIsoTime } from '../../core/time';
import type { AuditEvent, Outcome } from '../../core/event';
import type { CplnAuditEvent } from './schema';

const SUCCESS = new Set(['ok', 'success', 'succeeded', 'successful']);
const FAILURE = new Set(['error', 'failed', 'failure', 'fail', 'denied', 'forbidden', 'unauthorized', 'rejected', 'invalid', 'notfound', 'not found', 'conflict', 'timeout']);

export function outcomeOf(status: string | null | undefined): Outcome {
  if (status === undefined || status === null) return 'unknown';
  const s = status.trim().toLowerCase();
  if (s === '') return 'unknown';
  if (SUCCESS.has(s)) return 'success';
  if (FAILURE.has(s)) return 'failure';
  if (/^\d{3}$/.test(s)) {
    const n = Number(s);
    if (n >= 200 && n < 300) return 'success';
    if (n >= 400 && n < 600) return 'failure';
    return 'unknown';
  }
  if (/error|fail|denied/.test(s)) return 'failure';
  return 'unknown';
}

function str(v: string | null | undefined): string | undefined {
  return v === null || v === undefined || v === '' ? undefined : v;
}

export function normalizeEvent(item: CplnAuditEvent): AuditEvent {
  const outcome = outcomeOf(item.result?.status);
  const t = item.eventTime ? parseIsoTime(item.eventTime) : NaN;
  const resources: string[] = [];
  for (const r of [item.resource?.id, item.resource?.name]) if (r && !resources.includes(r)) resources.push(r);
  return {
    id: item.id ?? '',
    time: Number.isFinite(t) ? t : NaN,
    provider: 'controlplane',
    account: item.context?.org ?? '',
    action: item.action?.type ?? '',
    actor: str(item.subject?.email) ?? str(item.subject?.name) ?? '',
    service: str(item.resource?.type),
    region: str(item.context?.location),
    sourceIp: str(item.context?.remoteIp),
    outcome,
    error: outcome === 'failure' ? (str(item.result?.message) ?? str(item.result?.status)) : undefined,
    resources,
    raw: item,
  };
}

/** Raw paths worth their own column (names are raw paths, so `resource.name:x` hits the column). */
export function extraFields(item: CplnAuditEvent): Record<string, string | undefined> {
  return {
    'resource.name': str(item.resource?.name),
    'resource.type': str(item.resource?.type),
    'context.gvcAlias': str(item.context?.gvcAlias),
    'context.podId': str(item.context?.podId),
    requestId: str(item.requestId),
  };
}
