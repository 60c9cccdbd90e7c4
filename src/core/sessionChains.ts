/**
 * Session chains: which credentials each event used, and where they came from inside the loaded
 * data. An event's access key (or assumed-role ARN, or Identity Center role session) leads to the
 * event that minted it (credentialMints.ts); that event used credentials of its own, and so on up to
 * an identity that needs no minting event: a person (IAM user, root, SSO user, SAML or web identity
 * user) or credentials minted before the loaded data, said as such rather than guessed.
 *
 * A parent always comes strictly before its child in (time, row) order, so the links form no cycle
 * whatever the data says (a key minted by its own use, a key minted twice, a chain of 10k roles), and
 * one memoized pass gives every row its origin.
 *
 * Fields: `origin` (store scope: a file loaded later can extend any chain) and `session` (rows scope:
 * the access key the event used, plus the one it minted).
 */
import type { DerivedField } from './derived';
import { isAccessKeyId, mintsOf, ssoRoleOf, type Mint } from './credentialMints';
import { IDENTITY_PATHS, MAX_LABEL, parseArn, reader, ssoUserLabel } from './principal';
import type { EventStore, StoreColumn } from './store';

/** How a chain ends. */
export type ChainEnd =
  /** At a person or long-lived identity in the data (IAM user, root, SSO user, service): complete. */
  | 'origin'
  /** At credentials minted before (or outside) the loaded data: the origin is unknown. */
  | 'outside';

/** Shown after an origin whose credentials were minted outside the loaded data. */
export const OUTSIDE = ' (minted outside the loaded data)';

export interface SessionLinks {
  version: number;
  /** The row that minted each row's credentials, -1 for none. */
  parent: Int32Array;
  /** Each row's origin label (an index into `labels`). */
  origin: Uint32Array;
  labels: string[];
  ends: ChainEnd[];
  mints: Map<number, Mint>;
}

const KEY_PATH = 'userIdentity.accessKeyId';
const SOURCE_IDENTITY_PATH = 'userIdentity.sessionContext.sourceIdentity';
const cut = (s: string): string => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);
const links = new WeakMap<EventStore, SessionLinks>();

interface Order {
  time: Float64Array;
}
/** (time, row) order; an event with no readable time sorts after every timed one. */
function before(o: Order, a: number, b: number): boolean {
  const ta = Number.isNaN(o.time[a]) ? Infinity : o.time[a];
  const tb = Number.isNaN(o.time[b]) ? Infinity : o.time[b];
  return ta < tb || (ta === tb && a < b);
}

/** The last of `rows` (sorted in (time,row) order) strictly before `row`, or -1: a binary search. */
function latestBefore(o: Order, rows: readonly number[], row: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(o, rows[mid], row)) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : rows[lo - 1];
}

function push<K>(m: Map<K, number[]>, k: K, row: number): void {
  const list = m.get(k);
  if (list) list.push(row);
  else m.set(k, [row]);
}

/** Links every row of the store (again when it grew), cached until the next append. */
export function sessionLinks(store: EventStore): SessionLinks {
  const cached = links.get(store);
  if (cached && cached.version === store.version) return cached;
  const n = store.size;
  const mints = mintsOf(store);
  const byKey = new Map<string, number[]>();
  const byArn = new Map<string, number[]>();
  const bySso = new Map<string, number[]>();
  const mintMap = new Map<number, Mint>();
  for (const m of mints) {
    mintMap.set(m.row, m);
    if (m.key) push(byKey, m.key, m.row);
    if (m.arn) push(byArn, m.arn, m.row);
    if (m.kind === 'GetRoleCredentials' || m.kind === 'Federate') push(bySso, `${m.account}|${m.name}`, m.row);
  }
  const key = reader(store, KEY_PATH, true);
  const arn = reader(store, IDENTITY_PATHS.arn, true);
  const type = reader(store, IDENTITY_PATHS.type, true);
  const issuer = reader(store, IDENTITY_PATHS.issuerUserName, true);
  const sourceIdentity = reader(store, SOURCE_IDENTITY_PATH, true);
  const principalCol = store.resolveColumn('principal');
  if (principalCol === 'time') throw new Error('principal is a text column');

  const order = { time: store.time };
  for (const list of [...byKey.values(), ...byArn.values(), ...bySso.values()]) list.sort((a, b) => (before(order, a, b) ? -1 : before(order, b, a) ? 1 : 0));
  // Candidate minting rows per dictionary id, so a row costs a lookup, not a string hash.
  const validKey = key.values.map((k) => isAccessKeyId(k));
  const keyCands = key.values.map((k) => (isAccessKeyId(k) ? byKey.get(k) : undefined));
  // Without a key, the assumed-role ARN the minting event named; never over a key it did not mint.
  const arnCands = arn.values.map((a) => byArn.get(a));
  const ssoCands = arn.values.map((a) => {
    const sso = ssoRoleOf(a);
    if (!sso) return undefined;
    // GetRoleCredentials names the user only through its caller: keep those by this user.
    const rows = bySso.get(`${sso.account}|${sso.permissionSet}`)?.filter((r) => principalCol.dict.values[principalCol.ids[r]] === ssoUserLabel(sso.user));
    return rows && rows.length > 0 ? rows : undefined;
  });

  const parent = new Int32Array(n).fill(-1);
  for (let row = 0; row < n; row++) {
    const k = key.ids[row];
    const cands = keyCands[k] ?? (validKey[k] ? undefined : arnCands[arn.ids[row]]) ?? ssoCands[arn.ids[row]];
    if (cands) parent[row] = latestBefore(order, cands, row);
  }

  // Each root's label, interned; every row takes its root's.
  const labels: string[] = [];
  const ends: ChainEnd[] = [];
  const labelIds = new Map<string, number>();
  const intern = (label: string, end: ChainEnd): number => {
    let id = labelIds.get(label);
    if (id === undefined) {
      id = labels.length;
      labels.push(label);
      ends.push(end);
      labelIds.set(label, id);
    }
    return id;
  };
  // A root's label depends on its identity: one computation per distinct ARN (or, without one, per
  // distinct principal), checked against the other ids it was computed with; a string key otherwise.
  const arnMemo = new Int32Array(arn.values.length).fill(-1);
  const principalMemo = new Int32Array(principalCol.dict.size + 1).fill(-1);
  const memoType = [new Int32Array(arn.values.length), new Int32Array(principalCol.dict.size + 1)];
  const memoOther = [new Int32Array(arn.values.length), new Int32Array(principalCol.dict.size + 1)];
  const rootCache = new Map<string, number>();
  const rootLabel = (row: number): number => {
    const a = arn.ids[row];
    const t = type.ids[row];
    const p = principalCol.ids[row];
    const si = sourceIdentity.ids[row];
    const k = key.ids[row];
    const hasKey = validKey[k];
    // What else the label depends on: the principal (with an ARN), or the issuer and the key (without).
    const other = a !== 0 ? p : issuer.ids[row] * 2 + (hasKey ? 1 : 0);
    const memo = a !== 0 ? arnMemo : principalMemo;
    const at = a !== 0 ? a : p;
    const w = a !== 0 ? 0 : 1;
    if (si === 0 && p < principalMemo.length && memo[at] !== -1 && memoType[w][at] === t && memoOther[w][at] === other) return memo[at];
    const ck = `${t}:${a}:${hasKey ? 1 : 0}:${issuer.ids[row]}:${p}:${si}`;
    let id = rootCache.get(ck);
    if (id === undefined) {
      const r = rootOf(type.values[t], arn.values[a], key.values[k], issuer.values[issuer.ids[row]], principalCol.dict.values[p]);
      // The source identity a chain's first session was given is set by whoever started it and
      // cannot be changed down the chain: it names who, though the chain leaves the data.
      const label = r.end === 'outside' && si !== 0 ? `${cut(sourceIdentity.values[si])} (source identity)` : r.label;
      id = intern(label, r.end);
      rootCache.set(ck, id);
    }
    if (si === 0 && p < principalMemo.length && type.values[t] !== 'FederatedUser') {
      memo[at] = id;
      memoType[w][at] = t;
      memoOther[w][at] = other;
    }
    return id;
  };

  const origin = new Uint32Array(n);
  const done = new Uint8Array(n);
  const path: number[] = [];
  for (let row = 0; row < n; row++) {
    if (done[row]) continue;
    let r = row;
    while (!done[r] && parent[r] !== -1) {
      path.push(r);
      r = parent[r];
    }
    const id = done[r] ? origin[r] : rootLabel(r);
    origin[r] = id;
    done[r] = 1;
    for (const p of path) {
      origin[p] = id;
      done[p] = 1;
    }
    path.length = 0;
  }
  const result: SessionLinks = { version: store.version, parent, origin, labels, ends, mints: mintMap };
  links.set(store, result);
  return result;
}

/**
 * Who is behind credentials no loaded event minted. A person's own credentials (an IAM user's key,
 * root, an SSO user's role session, a federated user's issuing IAM user) are their origin; a role
 * session's origin is unknown, and said so.
 */
export function rootOf(type: string, arn: string, key: string, issuerUserName: string, principal: string): { label: string; end: ChainEnd } {
  const sso = ssoRoleOf(arn);
  if (sso) return { label: ssoUserLabel(sso.user), end: 'origin' };
  // A service-linked role is assumed by its service and nobody else.
  const role = parseArn(arn);
  if (role?.resourceType === 'assumed-role' && role.names[0]?.startsWith('AWSServiceRoleFor')) return { label: `${role.names[0]} (AWS service)`, end: 'origin' };
  switch (type) {
    case 'AssumedRole':
    case 'Unknown':
      if (parseArn(arn)?.resourceType === 'assumed-role' || (type === 'AssumedRole' && key)) return { label: principal + OUTSIDE, end: 'outside' };
      return { label: principal, end: 'origin' };
    case 'FederatedUser':
      // GetFederationToken's caller is the issuer: an IAM user (or root), named in the session.
      return issuerUserName ? { label: issuerUserName, end: 'origin' } : { label: principal + OUTSIDE, end: 'outside' };
    default:
      return { label: principal, end: 'origin' };
  }
}

function fillOrigin(store: EventStore, col: StoreColumn, ranges: ReadonlyArray<readonly [number, number]>): void {
  const l = sessionLinks(store);
  const ids = l.labels.map((label) => col.dict.intern(label));
  col.fitIds();
  for (const [start, end] of ranges) for (let row = start; row < end; row++) col.ids[row] = ids[l.origin[row]];
}

/** The key an event used, plus the key it minted: `session:<key>` finds the minting event too. */
function fillSession(store: EventStore, col: StoreColumn, ranges: ReadonlyArray<readonly [number, number]>): void {
  const key = reader(store, KEY_PATH, true);
  const minted = new Map<number, string>();
  for (const m of mintsOf(store)) if (m.key) minted.set(m.row, m.key);
  const single = key.values.map((k) => (isAccessKeyId(k) ? col.dict.intern(JSON.stringify([k])) : 0));
  col.fitIds();
  for (const [start, end] of ranges) {
    for (let row = start; row < end; row++) {
      const own = key.values[key.ids[row]];
      const m = minted.get(row);
      if (m === undefined || m === own) col.ids[row] = single[key.ids[row]];
      else {
        col.ids[row] = col.dict.intern(JSON.stringify(isAccessKeyId(own) ? [own, m] : [m]));
        col.fitIds();
      }
    }
  }
}

export const ORIGIN_FIELD: DerivedField = { name: 'origin', scope: 'store', kind: 'string', fill: fillOrigin };
export const SESSION_FIELD: DerivedField = { name: 'session', scope: 'rows', kind: 'list', fill: fillSession };

// ---- the chain the detail pane draws ----------------------------------------------------------------

export interface ChainStep {
  /** What a person reads: `alice@corp (SSO)`, `AdminAccess in 111122223333`, `AssumeRole OrgAdmin in 444455556666`. */
  label: string;
  /** The event this step links to, -1 when the step has no event in the data. */
  row: number;
  kind: 'origin' | 'session' | 'mint' | 'event';
}

export interface Chain {
  end: ChainEnd;
  origin: string;
  steps: ChainStep[];
  /** Steps left out of the middle of a very long chain. */
  omitted: number;
  /** The access key the chain's first session used, when it was minted outside the loaded data. */
  outsideKey?: string;
}

/** Longest chain drawn in full; a longer one keeps its ends. */
export const MAX_STEPS = 24;

function mintLabel(m: Mint): string {
  const where = m.account ? ` in ${m.account}` : '';
  switch (m.kind) {
    case 'GetRoleCredentials':
    case 'Federate':
      return `${m.name}${where}`;
    case 'CreateAccessKey':
      return `CreateAccessKey for ${m.name || '?'}${where}`;
    case 'GetSessionToken':
      return `GetSessionToken${where}`;
    default:
      return `${m.kind} ${m.name || '?'}${where}`;
  }
}

/** The earliest row that used this row's access key: where a role session first shows. */
function firstOfSession(store: EventStore, row: number): number {
  const key = reader(store, KEY_PATH, true);
  const id = key.ids[row];
  if (id === 0) return row;
  let best = row;
  const o = { time: store.time };
  for (let r = 0; r < store.size; r++) if (key.ids[r] === id && before(o, r, best)) best = r;
  return best;
}

/** The chain behind one event, from its origin down to it. */
export function chainOf(store: EventStore, row: number): Chain {
  const l = sessionLinks(store);
  const up: number[] = [];
  for (let r = l.parent[row]; r !== -1; r = l.parent[r]) up.push(r);
  const root = up.length > 0 ? up[up.length - 1] : row;
  const origin = l.labels[l.origin[row]];
  const end = l.ends[l.origin[row]];
  const type = store.value(root, IDENTITY_PATHS.type);
  const arn = store.value(root, IDENTITY_PATHS.arn);
  const steps: ChainStep[] = [];
  const sso = ssoRoleOf(arn);
  const isSession = sso !== undefined || parseArn(arn)?.resourceType === 'assumed-role' || type === 'FederatedUser';
  // A person acting links to their own event; a session of theirs links to where it first shows.
  steps.push({ label: origin, row: isSession ? -1 : root, kind: 'origin' });
  if (isSession) {
    const p = parseArn(arn);
    const role = sso ? sso.permissionSet : p?.resourceType === 'assumed-role' ? (p.names[0] ?? '') : store.value(root, 'principal');
    steps.push({ label: p?.account ? `${role} in ${p.account}` : role, row: firstOfSession(store, root), kind: 'session' });
  }
  const chainMints = up.reverse().map((r) => ({ label: l.mints.has(r) ? mintLabel(l.mints.get(r) as Mint) : store.value(r, 'action'), row: r, kind: 'mint' as const }));
  let omitted = 0;
  if (chainMints.length > MAX_STEPS) {
    omitted = chainMints.length - MAX_STEPS;
    chainMints.splice(MAX_STEPS / 2, omitted);
  }
  steps.push(...chainMints);
  steps.push({ label: 'this event', row, kind: 'event' });
  const chain: Chain = { end, origin, steps, omitted };
  if (end === 'outside') chain.outsideKey = store.value(root, KEY_PATH) || undefined;
  return chain;
}
