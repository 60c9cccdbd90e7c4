/**
 * Events that mint credentials (STS AssumeRole*, GetSessionToken, GetFederationToken, Identity
 * Center GetRoleCredentials/Federate, IAM CreateAccessKey), read from the event's own bytes: the
 * minted key and who it was minted as live in `responseElements`, which the loader does not extract.
 *
 * Only successful minting events are read, and each once per store (a row's bytes never change), so
 * the cost is one JSON parse per minting event however often the chains are linked again.
 */
import { parseArn, ssoPermissionSet } from './principal';
import type { EventStore } from './store';

export type MintKind = 'AssumeRole' | 'AssumeRoleWithSAML' | 'AssumeRoleWithWebIdentity' | 'GetSessionToken' | 'GetFederationToken' | 'GetRoleCredentials' | 'Federate' | 'CreateAccessKey';

export const MINT_ACTIONS: ReadonlySet<string> = new Set<MintKind>([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'GetSessionToken',
  'GetFederationToken',
  'GetRoleCredentials',
  'Federate',
  'CreateAccessKey',
]);

export interface Mint {
  row: number;
  kind: MintKind;
  /** The access key id handed out ('' when the event does not say: Identity Center hides them). */
  key: string;
  /** The identity the credentials act as (assumed-role or federated-user ARN), '' when none. */
  arn: string;
  /** The account the credentials act in ('' when unknown). */
  account: string;
  /** Role, federated user, permission set or the user a key was created for. */
  name: string;
  /** requestParameters.sourceIdentity: set by whoever started a role chain, carried along it. */
  sourceIdentity: string;
}

/** Real access key ids: masked (`AKIA****`) or odd values link nothing rather than everything. */
const KEY = /^[A-Z0-9]{16,128}$/;

export function isAccessKeyId(s: string): boolean {
  return KEY.test(s);
}

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** What a minting event minted, from its parsed record; undefined when it minted nothing readable. */
export function mintOf(row: number, kind: MintKind, r: Rec): Mint | undefined {
  const resp = obj(r.responseElements);
  const req = obj(r.requestParameters);
  const ui = obj(r.userIdentity);
  const keyOf = (v: unknown): string => {
    const k = str(v);
    return isAccessKeyId(k) ? k : '';
  };
  const sourceIdentity = str(req?.sourceIdentity) || str(resp?.sourceIdentity);
  switch (kind) {
    case 'AssumeRole':
    case 'AssumeRoleWithSAML':
    case 'AssumeRoleWithWebIdentity': {
      const arn = str(obj(resp?.assumedRoleUser)?.arn);
      const parts = parseArn(arn);
      const key = keyOf(obj(resp?.credentials)?.accessKeyId);
      if (!key && !arn) return undefined;
      const roleArn = parseArn(str(req?.roleArn));
      return { row, kind, key, arn, account: parts?.account ?? roleArn?.account ?? '', name: parts?.names[0] ?? roleArn?.names.at(-1) ?? '', sourceIdentity };
    }
    case 'GetSessionToken':
    case 'GetFederationToken': {
      const key = keyOf(obj(resp?.credentials)?.accessKeyId);
      const arn = str(obj(resp?.federatedUser)?.arn);
      if (!key) return undefined;
      const who = kind === 'GetFederationToken' ? (parseArn(arn)?.names.at(-1) ?? str(req?.name)) : str(ui?.userName);
      return { row, kind, key, arn, account: parseArn(arn)?.account ?? str(ui?.accountId), name: who, sourceIdentity };
    }
    case 'GetRoleCredentials':
    case 'Federate': {
      // Identity Center does not log the keys; the role, the account and the user name the session.
      const roleName = str(req?.roleName) || str(obj(r.serviceEventDetails)?.role_name);
      const account = str(req?.accountId) || str(obj(r.serviceEventDetails)?.account_id);
      if (!roleName || !account) return undefined;
      return { row, kind, key: keyOf(obj(resp?.roleCredentials)?.accessKeyId), arn: '', account, name: roleName, sourceIdentity };
    }
    case 'CreateAccessKey': {
      const ak = obj(resp?.accessKey);
      const key = keyOf(ak?.accessKeyId);
      if (!key) return undefined;
      return { row, kind, key, arn: '', account: str(ui?.accountId) || str(r.recipientAccountId), name: str(ak?.userName) || str(req?.userName), sourceIdentity };
    }
  }
}

/** Per store: every row read so far, with what it minted (undefined: read, minted nothing). */
const cache = new WeakMap<EventStore, Map<number, Mint | undefined>>();

/**
 * The successful minting events among rows [0, store.size), read once each. `action`/`outcome`
 * are the store's columns, passed in so the caller resolves them once.
 */
export function mintsOf(store: EventStore): Mint[] {
  let seen = cache.get(store);
  if (!seen) {
    seen = new Map();
    cache.set(store, seen);
  }
  const action = store.resolveColumn('action');
  const outcome = store.resolveColumn('outcome');
  if (action === 'time' || outcome === 'time') return [];
  const kindById = action.dict.values.map((v) => (MINT_ACTIONS.has(v) ? (v as MintKind) : undefined));
  const failure = outcome.dict.values.indexOf('failure');
  const out: Mint[] = [];
  for (let row = 0; row < store.size; row++) {
    const kind = kindById[action.ids[row]];
    if (kind === undefined || outcome.ids[row] === failure) continue;
    let m: Mint | undefined;
    if (seen.has(row)) m = seen.get(row);
    else {
      try {
        const r = obj(store.raw(row));
        m = r ? mintOf(row, kind, r) : undefined;
      } catch {
        m = undefined;
      }
      seen.set(row, m);
    }
    if (m) out.push(m);
  }
  return out;
}

/** The permission set of an Identity Center role ARN's role name, if it is one. */
export function ssoRoleOf(arn: string): { permissionSet: string; account: string; user: string } | undefined {
  const p = parseArn(arn);
  if (p?.resourceType !== 'assumed-role' || p.names.length < 2) return undefined;
  const ps = ssoPermissionSet(p.names[0]);
  return ps === undefined ? undefined : { permissionSet: ps, account: p.account, user: p.names[p.names.length - 1] };
}
