// Conformity event → AuditEvent. providers/ never imports vscode.
//
// outcome: Conformity events carry no success/failure field (Events.md), so it is 'unknown', except
// for the documented failure event names (`user.login.error`, `user.login.mfa.error`,
// `user.login.saml.error`, `organisation.user.invite.failed`, `account.inventory.aborted`), which are
// 'failure' with the name as `error`. Nothing marks success, so 'success' is never inferred.
import type { AuditEvent } from '../../core/event';
import type { ConformityEvent } from './schema';

const FAILURE_NAMES = new Set([
  'user.login.error',
  'user.login.mfa.error',
  'user.login.saml.error',
  'organisation.user.invite.failed',
  'account.inventory.aborted',
]);

/**
 * Extra columns: the attributes under their short names, so `name:`, `identity:`, `description:` and
 * `hasChildren:` filter locally exactly as they are pushed down (the raw paths `attributes.*` work too).
 */
export const EXTRA_FIELDS = ['type', 'name', 'identity', 'description', 'hasChildren'] as const;

/** Values for the extra columns; booleans as 'true'/'false'. */
export function extraFields(ev: ConformityEvent): Record<(typeof EXTRA_FIELDS)[number], string | undefined> {
  const a = ev.attributes;
  return {
    type: ev.type,
    name: a.name,
    identity: a.identity || undefined,
    description: a.description || undefined,
    hasChildren: a.hasChildren === undefined || a.hasChildren === null ? undefined : String(a.hasChildren),
  };
}

export function normalizeEvent(ev: ConformityEvent): AuditEvent {
  const a = ev.attributes;
  const failed = FAILURE_NAMES.has(a.name);
  return {
    id: ev.id,
    time: Number.isFinite(a.time) ? a.time : NaN,
    provider: 'conformity',
    account: ev.relationships?.account?.data?.id ?? '',
    action: a.name,
    actor: a.identity ?? '',
    service: a.service || undefined,
    region: a.region || undefined,
    outcome: failed ? 'failure' : 'unknown',
    error: failed ? a.name : undefined,
    raw: ev,
  };
}
