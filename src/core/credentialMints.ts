/**
 * Events that mint credentials (STS AssumeRole*, GetSessionToken, GetFederationToken, Identity
 * Center GetRoleCredentials/Federate, IAM CreateAccessKey), read from the event's own bytes: the
 * minted key and who it was minted as live in `responseElements`, which the loader does not extract.
 *
 * Only successful minting events are read, and each once per store (a row's bytes never change), so
 * the cost is one JSON parse per minting event however often the chains are linked again.
 */
import { IDENTITY_PATHS, parseArn, reader, ssoPermissionSet, type Reader } from './principal';
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
  switch (kind) {
    case 'AssumeRole':
    case 'AssumeRoleWithSAML':
    case 'AssumeRoleWithWebIdentity': {
      const arn = str(obj(resp?.assumedRoleUser)?.arn);
      const parts = parseArn(arn);
      const key = keyOf(obj(resp?.credentials)?.accessKeyId);
      if (!key && !arn) return undefined;
      const roleArn = parseArn(str(req?.roleArn));
      return { row, kind, key, arn, account: parts?.account ?? roleArn?.account ?? '', name: parts?.names[0] ?? roleArn?.names.at(-1) ?? '' };
    }
    case 'GetSessionToken':
    case 'GetFederationToken': {
      const key = keyOf(obj(resp?.credentials)?.accessKeyId);
      const arn = str(obj(resp?.federatedUser)?.arn);
      if (!key) return undefined;
      const who = kind === 'GetFederationToken' ? (parseArn(arn)?.names.at(-1) ?? str(req?.name)) : str(ui?.userName);
      return { row, kind, key, arn, account: parseArn(arn)?.account ?? str(ui?.accountId), name: who };
    }
    case 'GetRoleCredentials':
    case 'Federate': {
      // Identity Center does not log the keys; the role, the account and the user name the session.
      const roleName = str(req?.roleName) || str(obj(r.serviceEventDetails)?.role_name);
      const account = str(req?.accountId) || str(obj(r.serviceEventDetails)?.account_id);
      if (!roleName || !account) return undefined;
      return { row, kind, key: keyOf(obj(resp?.roleCredentials)?.accessKeyId), arn: '', account, name: roleName };
    }
    case 'CreateAccessKey': {
      const ak = obj(resp?.accessKey);
      const key = keyOf(ak?.accessKeyId);
      if (!key) return undefined;
      return { row, kind, key, arn: '', account: str(ui?.accountId) || str(r.recipientAccountId), name: str(ak?.userName) || str(req?.userName) };
    }
  }
}

/** The raw paths the loader extracts for minting events (logFiles/normalize.ts EXTRACTED_PATHS). */
export const MINT_PATHS = {
  key: 'responseElements.credentials.accessKeyId',
  roleArn: 'responseElements.assumedRoleUser.arn',
  federatedArn: 'responseElements.federatedUser.arn',
  newKey: 'responseElements.accessKey.accessKeyId',
  newKeyUser: 'responseElements.accessKey.userName',
} as const;

/** Per store: the rows whose own bytes were read, with what they minted (undefined: nothing). */
const cache = new WeakMap<EventStore, Map<number, Mint | undefined>>();

/**
 * The successful minting events of the store. What they minted comes from the columns the loader
 * extracted; only Identity Center's events (rare: they say the role and account in their request)
 * and stores without those columns (events from other loaders) are read from their bytes, once.
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
  const extracted = store.getColumn(MINT_PATHS.key) !== undefined;
  const col = (path: string) => reader(store, path, true);
  const [key, roleArn, federatedArn, newKey, newKeyUser, userName, accountId] = extracted
    ? [col(MINT_PATHS.key), col(MINT_PATHS.roleArn), col(MINT_PATHS.federatedArn), col(MINT_PATHS.newKey), col(MINT_PATHS.newKeyUser), col(IDENTITY_PATHS.userName), col(IDENTITY_PATHS.accountId)]
    : [];
  const account = store.resolveColumn('account');
  const todo: number[] = [];
  const kinds: MintKind[] = [];
  const out: Array<Mint | number> = [];
  for (let row = 0; row < store.size; row++) {
    const kind = kindById[action.ids[row]];
    if (kind === undefined || outcome.ids[row] === failure) continue;
    if (key && roleArn && federatedArn && newKey && newKeyUser && userName && accountId && account !== 'time' && kind !== 'GetRoleCredentials' && kind !== 'Federate') {
      const v = (r: Reader) => r.values[r.ids[row]];
      const m = mintOf(row, kind, {
        responseElements: {
          credentials: { accessKeyId: v(key) },
          assumedRoleUser: { arn: v(roleArn) },
          federatedUser: { arn: v(federatedArn) },
          accessKey: { accessKeyId: v(newKey), userName: v(newKeyUser) },
        },
        userIdentity: { userName: v(userName), accountId: v(accountId) },
        recipientAccountId: account.dict.values[account.ids[row]],
      });
      if (m) out.push(m);
      continue;
    }
    out.push(row);
    if (!seen.has(row)) {
      todo.push(row);
      kinds.push(kind);
    }
  }
  if (todo.length > 0) {
    let bytes: Uint8Array[] = [];
    try {
      // In file order, so each compressed block is inflated once.
      bytes = store.rawBytesOf(Uint32Array.from(todo));
    } catch {
      // Bytes that do not inflate mint nothing we can read.
    }
    const decoder = new TextDecoder();
    todo.forEach((row, i) => {
      let m: Mint | undefined;
      try {
        const r = bytes[i] ? obj(JSON.parse(decoder.decode(bytes[i]))) : undefined;
        m = r ? mintOf(row, kinds[i], r) : undefined;
      } catch {
        m = undefined;
      }
      seen.set(row, m);
    });
  }
  const mints: Mint[] = [];
  for (const m of out) {
    const read = typeof m === 'number' ? seen.get(m) : m;
    if (read) mints.push(read);
  }
  return mints;
}

/** The permission set of an Identity Center role ARN's role name, if it is one. */
export function ssoRoleOf(arn: string): { permissionSet: string; account: string; user: string } | undefined {
  const p = parseArn(arn);
  if (p?.resourceType !== 'assumed-role' || p.names.length < 2) return undefined;
  const ps = ssoPermissionSet(p.names[0]);
  return ps === undefined ? undefined : { permissionSet: ps, account: p.account, user: p.names[p.names.length - 1] };
}
