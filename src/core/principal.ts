/**
 * `principal`: who did it, as a short label a person reads at a glance that still says what kind of
 * identity it is (`alice`, `Deployer/ci-run-7`, `alice@corp (SSO)`, `root (111122223333)`), where
 * the `actor` column holds the full ARN.
 *
 * Computed from columns the loader already extracts, once per distinct combination of their
 * dictionary ids rather than once per event: a million events from a few hundred identities cost a
 * few hundred label computations and one pass of integer lookups.
 */
import type { DerivedField } from './derived';
import type { EventStore, StoreColumn } from './store';

/** The identity fields a label is built from; '' when the event has none. */
export interface IdentityInput {
  type: string;
  arn: string;
  userName: string;
  /** userIdentity.sessionContext.sessionIssuer.userName: the role (or user) a session came from. */
  issuerUserName: string;
  accountId: string;
  /** The normalized actor: the non-CloudTrail sources' only identity field. */
  actor: string;
  service: string;
}

/** Labels longer than this are cut: hostile data must not make a grid column or facet unusable. */
export const MAX_LABEL = 200;

function cut(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

/** The SSO role name prefix Identity Center gives the roles it creates in each account. */
const SSO_ROLE = /^AWSReservedSSO_(.+?)(?:_[0-9a-f]{6,})?$/;

export interface ArnParts {
  account: string;
  /** 'assumed-role', 'user', 'role', 'federated-user', 'root', … */
  resourceType: string;
  /** The path segments after the resource type (role name and session name for an assumed role). */
  names: string[];
}

/** Splits an IAM or STS ARN; undefined for anything else. */
export function parseArn(arn: string): ArnParts | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  const resource = parts.slice(5).join(':');
  if (resource === 'root') return { account: parts[4], resourceType: 'root', names: [] };
  const segs = resource.split('/');
  return { account: parts[4], resourceType: segs[0], names: segs.slice(1).filter((s) => s !== '') };
}

/** The permission set an Identity Center role stands for, or undefined when the role is not one. */
export function ssoPermissionSet(roleName: string): string | undefined {
  return SSO_ROLE.exec(roleName)?.[1];
}

/** `alice@corp (SSO)`: how an Identity Center user is labelled wherever it appears. */
export function ssoUserLabel(user: string): string {
  return cut(`${user} (SSO)`);
}

/** An assumed-role session's label: the SSO user for Identity Center roles, else role/session. */
function assumedRoleLabel(arn: ArnParts | undefined, issuer: string, actor: string): string | undefined {
  const role = arn?.resourceType === 'assumed-role' ? arn.names[0] : undefined;
  const session = arn?.resourceType === 'assumed-role' ? arn.names[arn.names.length - 1] : undefined;
  const roleName = role ?? (issuer || undefined);
  if (roleName && session && arn && arn.names.length >= 2 && ssoPermissionSet(roleName) !== undefined) return ssoUserLabel(session);
  if (roleName && session && arn && arn.names.length >= 2) return cut(`${roleName}/${session}`);
  if (roleName) return cut(roleName);
  return actor ? cut(actor) : undefined;
}

/** The last path segment of a user ARN (`arn:aws:iam::1:user/path/alice` → `alice`). */
function lastName(arn: ArnParts | undefined): string | undefined {
  return arn && arn.names.length > 0 ? arn.names[arn.names.length - 1] : undefined;
}

const SSO_SERVICES = /^(sso|identitystore|sso-directory|signin|portal\.sso)\./;

export function principalOf(i: IdentityInput): string {
  const arn = parseArn(i.arn);
  const account = i.accountId || arn?.account || '';
  switch (i.type) {
    case 'IAMUser':
      return cut(i.userName || lastName(arn) || i.actor || 'IAM user');
    case 'AssumedRole':
      return assumedRoleLabel(arn, i.issuerUserName, i.actor) ?? 'assumed role';
    case 'Root':
      return account ? `root (${cut(account)})` : 'root';
    case 'AWSService':
      return cut(i.actor || 'AWS service');
    case 'AWSAccount':
      // Another account (or a service acting in it) calling across: the account is who.
      return account ? `account ${cut(account)}` : cut(i.actor || 'AWS account');
    case 'FederatedUser': {
      const name = arn?.resourceType === 'federated-user' ? lastName(arn) : undefined;
      return cut(`${name ?? (i.userName || i.actor || '?')} (federated)`);
    }
    case 'SAMLUser':
      return cut(`${i.userName || i.actor || '?'} (SAML)`);
    case 'WebIdentityUser':
      return cut(`${i.userName || i.actor || '?'} (web identity)`);
    case 'IdentityCenterUser':
      return ssoUserLabel(i.userName || i.actor || '?');
    case 'Unknown': {
      if (arn?.resourceType === 'assumed-role') return assumedRoleLabel(arn, i.issuerUserName, i.actor) ?? 'unknown';
      // Identity Center's own events name their user but call the type Unknown.
      if (i.userName && SSO_SERVICES.test(i.service)) return ssoUserLabel(i.userName);
      if (i.userName) return cut(`${i.userName} (unknown type)`);
      return cut(i.actor || 'unknown');
    }
    case '':
      return nonCloudTrail(i.actor);
    default:
      return cut(`${i.userName || lastName(arn) || i.actor || '?'} (${i.type})`);
  }
}

/** Other sources' actor: an email, an API key's name, a user; an ARN is cut to its name. */
function nonCloudTrail(actor: string): string {
  const arn = parseArn(actor);
  if (!arn) return cut(actor);
  if (arn.resourceType === 'root') return `root (${cut(arn.account)})`;
  if (arn.resourceType === 'assumed-role') return assumedRoleLabel(arn, '', actor) ?? cut(actor);
  return cut(lastName(arn) ?? actor);
}

/** The raw paths principal reads (all extracted at load time, see logFiles/normalize.ts). */
export const IDENTITY_PATHS = {
  type: 'userIdentity.type',
  arn: 'userIdentity.arn',
  userName: 'userIdentity.userName',
  issuerUserName: 'userIdentity.sessionContext.sessionIssuer.userName',
  accountId: 'userIdentity.accountId',
} as const;

export type Reader = { ids: ArrayLike<number>; values: readonly string[] };

/**
 * A column's ids and values. A raw path only when the loader extracted it: a store of other sources
 * has none, and building it would parse every event again for nothing.
 */
export function reader(store: EventStore, field: string, rawPath = false): Reader {
  if (rawPath && !store.getColumn(field)) return { ids: new Uint8Array(store.size), values: [''] };
  const col = store.resolveColumn(field);
  if (col === 'time') throw new Error(`${field} is not a text column`);
  // A raw path extracted as a list holds JSON arrays; these are single values, read the first.
  const values = col.kind === 'list' ? col.dict.values.map((_v, id) => col.valuesOf(id)[0] ?? '') : col.dict.values;
  return { ids: col.ids, values };
}

/** Fills `col` for the ranges with one label per distinct identity combination. */
function fillPrincipal(store: EventStore, col: StoreColumn, ranges: ReadonlyArray<readonly [number, number]>): void {
  const type = reader(store, IDENTITY_PATHS.type, true);
  const arn = reader(store, IDENTITY_PATHS.arn, true);
  const userName = reader(store, IDENTITY_PATHS.userName, true);
  const issuer = reader(store, IDENTITY_PATHS.issuerUserName, true);
  const accountId = reader(store, IDENTITY_PATHS.accountId, true);
  const actor = reader(store, 'actor');
  const service = reader(store, 'service');
  const cache = new Map<string, number>();
  // Most events carry an ARN, which with the type decides the label: a lookup by ARN id (checked
  // against the other ids it was computed with) skips building a string key for them.
  const n = arn.values.length;
  const byArn = new Int32Array(n).fill(-1);
  const arnType = new Int32Array(n);
  const arnIssuer = new Int32Array(n);
  const arnUser = new Int32Array(n);
  for (const [start, end] of ranges) {
    for (let row = start; row < end; row++) {
      const t = type.ids[row];
      const a = arn.ids[row];
      const is = issuer.ids[row];
      const u = userName.ids[row];
      if (a !== 0 && byArn[a] !== -1 && arnType[a] === t && arnIssuer[a] === is && arnUser[a] === u) {
        col.ids[row] = byArn[a];
        continue;
      }
      const key =
        a !== 0 && t !== 0
          ? `${t}:${a}:${is}:${u}`
          : `${t}:${a}:${u}:${is}:${accountId.ids[row]}:${actor.ids[row]}:${service.ids[row]}`;
      let id = cache.get(key);
      if (id === undefined) {
        const label = principalOf({
          type: type.values[t],
          arn: arn.values[a],
          userName: userName.values[u],
          issuerUserName: issuer.values[is],
          accountId: accountId.values[accountId.ids[row]],
          actor: actor.values[actor.ids[row]],
          service: service.values[service.ids[row]],
        });
        id = col.dict.intern(label);
        col.fitIds();
        cache.set(key, id);
      }
      if (a !== 0 && t !== 0) {
        byArn[a] = id;
        arnType[a] = t;
        arnIssuer[a] = is;
        arnUser[a] = u;
      }
      col.ids[row] = id;
    }
  }
}

export const PRINCIPAL_FIELD: DerivedField = { name: 'principal', scope: 'rows', kind: 'string', fill: fillPrincipal };
