/**
 * A stand-in for the extension host, for running the events panel in a plain browser: it defines
 * `acquireVsCodeApi()` and answers every message of src/protocol over a generated dataset. Up to
 * SESSION_ROWS_MAX rows the answers come from the real panel session over a real EventStore
 * (sessionHarness.ts); above, for the million-row scrolling test, from the synthetic host below
 * (rows computed on the fly from the row index, the real query parser, its own matching).
 *
 * The dataset is hostile on purpose: actors, user agents, problems and raw JSON carry strings like
 * `<img src=x onerror=window.__pwned=1>` and `</script>`, and one event has a 10,000-character
 * value. Filters go through the real parser (src/core/query.ts), so errors point at the same
 * tokens as in VS Code (a query containing `((` is one).
 *
 * URL parameters: rows=N (default 200000), latency=ms (rows answers, default 8), load=1 (simulate
 * a streaming load with progress and cancel), theme=dark|light|hc|hcLight, fresh=1 (forget saved state),
 * live=1 (the source is a live API query: its API's counts, query and event actions, and "Load
 * from API" sections with hostile text), fixed=1 (with live=1: fixed SQL, not refetchable),
 * expandError=1 (with live=1: "Load from API" fails).
 *
 * Test hooks on `window.__fakeHost`: log (every message from the webview), setTheme(), savedView(),
 * state() (the panel state sent last), rows, failNext(method, code, message): the next request of that method is answered with that error
 * instead of its result, as the host answers a request it refused or that failed.
 */
// First: zod without `new Function` (the panel's CSP forbids eval), before the session's schemas are built.
import '../../src/zodSetup';
import { matcherTest, parseQuery, QueryError, type QueryNode } from '../../src/core/query';
import { facetPage } from '../../src/core/facetPage';
import { missingFields } from '../../src/core/fieldSuggest';
import { DEFAULT_COLUMNS } from '../../src/protocol';
import { createHarnessSession, type HarnessEvent, type HarnessSession } from './sessionHarness';
import type {
  DetailExpandResult,
  DetailResult,
  FacetParams,
  FacetResult,
  FacetValue,
  HistogramDto,
  IpcMessage,
  LoadState,
  ReplyError,
  ReplyErrorCode,
  PanelState,
  QueryResult,
  QuerySpec,
  RowDto,
  RowsParams,
  RowsResult,
  SourceSummary,
  ViewState,
} from '../../src/protocol';

// ---- dataset -------------------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
const N = Math.max(0, Math.min(20_000_000, Number(params.get('rows') ?? 200_000) || 0));
const LATENCY = Math.max(0, Number(params.get('latency') ?? 8) || 0);
const SIMULATE_LOAD = params.get('load') === '1';
/** `live=1`: one of the sources is a live API query, as a panel opened by "Query Account…" has. */
const LIVE = params.get('live') === '1';
/** Sources added through "Add Source" (panel/addSource). */
let extraSources = 0;
let liveFilter = 'action:delete actor:"<b>alice</b>"';
const EXPAND_ERROR = params.get('expandError') === '1';
const STATE_KEY = 'ale-dev-state';
if (params.get('fresh') === '1') sessionStorage.removeItem(STATE_KEY);

const START = Date.UTC(2024, 4, 1, 0, 0, 0);
const SPAN = 7 * 86_400_000;

export const HOSTILE_ACTOR = '<img src=x onerror=window.__pwned=1>';
/** Hidden characters (core/invisible.ts): they must show as escapes, never act. */
export const SPOOF_ACTOR = 'ad\u200bmin';
export const SPOOF_FILE = 'invoice-\u202egpj.exe';
export const SPOOF_ANSI = '\u001b[31mred\u001b[0m and a NUL: \u0000.';
export const HOSTILE_AGENT = '</script><script>window.__pwned=2</script>';
/** In the API's answers (detail sections, server counts): shown as text like everything else. */
export const HOSTILE_API = '<img src=x onerror=window.__pwned=7>';
const HOSTILE_NOTE = '"><svg onload=window.__pwned=3> {{constructor.constructor(\'window.__pwned=4\')()}} \\ "quoted" \u202e';

function hash(i: number, salt: number): number {
  let h = (i ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const ACTIONS = [
  ['GetObject', 's3.amazonaws.com'],
  ['ListBuckets', 's3.amazonaws.com'],
  ['DescribeInstances', 'ec2.amazonaws.com'],
  ['AssumeRole', 'sts.amazonaws.com'],
  ['PutObject', 's3.amazonaws.com'],
  ['GetCallerIdentity', 'sts.amazonaws.com'],
  ['Decrypt', 'kms.amazonaws.com'],
  ['ConsoleLogin', 'signin.amazonaws.com'],
  ['GenerateDataKey', 'kms.amazonaws.com'],
  ['RunInstances', 'ec2.amazonaws.com'],
  ['StopInstances', 'ec2.amazonaws.com'],
  ['UpdateFunctionCode20150331v2', 'lambda.amazonaws.com'],
  ['CreateUser', 'iam.amazonaws.com'],
  ['AttachRolePolicy', 'iam.amazonaws.com'],
  ['DeleteObject', 's3.amazonaws.com'],
  ['DeleteBucket', 's3.amazonaws.com'],
  ['DeleteTrail', 'cloudtrail.amazonaws.com'],
] as const;
const ACTORS = [
  'arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com',
  'arn:aws:iam::123456789012:user/ci-deployer',
  'arn:aws:sts::210987654321:assumed-role/ReadOnly/bob',
  'arn:aws:iam::123456789012:root',
  'ec2.amazonaws.com',
  'arn:aws:sts::555555555555:assumed-role/AWSReservedSSO_PowerUser_1a2b/carol',
  HOSTILE_ACTOR,
  'arn:aws:iam::123456789012:user/svc "quoted\\name"',
  '',
  // Only on SPOOF_ROW: a zero-width space inside "admin".
  SPOOF_ACTOR,
];
/** A session chain in the middle of the data (CHAIN_ROWS): Identity Center user → SSO role → a role in another account. */
export const CHAIN_SSO_ARN = 'arn:aws:sts::555555555555:assumed-role/AWSReservedSSO_PowerUser_0123456789abcdef/carol@corp';
export const CHAIN_ORG_ARN = 'arn:aws:sts::210987654321:assumed-role/OrgAdmin/carol-session';
const CHAIN_SSO_KEY = 'ASIACAROLSSO00000001';
const CHAIN_ORG_KEY = 'ASIAORGADMIN00000001';
/** Only ever on CHAIN_ROWS: the picks above never reach past ACTIONS and ACTORS. */
const ALL_ACTIONS: ReadonlyArray<readonly [string, string]> = [...ACTIONS, ['GetRoleCredentials', 'sso.amazonaws.com']];
const ALL_ACTORS: readonly string[] = [...ACTORS, 'carol@corp', CHAIN_SSO_ARN, CHAIN_ORG_ARN];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'us-west-2', 'ap-southeast-2', 'sa-east-1'];
const ACCOUNTS = ['123456789012', '210987654321', '555555555555'];
const AGENTS = ['aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64', 'console.amazonaws.com', 'Boto3/1.34.0 md/Botocore#1.34.0', 'terraform-provider-aws/5.40.0', HOSTILE_AGENT];
const ERRORS = ['AccessDenied', 'NoSuchBucket', 'ThrottlingException', 'UnauthorizedOperation', 'InvalidClientTokenId'];

/** A generated event as the session harness stores it, plus where the synthetic host puts it. */
export interface FakeEvent extends HarnessEvent {
  readonly row: number;
  readonly provider: string;
  readonly source: string;
}

/** Time grows with the row index, with a daily rhythm so the timeline has shape. */
function timeAt(i: number): number {
  const x = N <= 1 ? 0 : i / (N - 1);
  const f = x - (0.8 / (2 * Math.PI * 7)) * Math.sin(2 * Math.PI * 7 * x);
  return START + Math.floor(f * SPAN);
}

/** A skewed pick: the first items are much more common, like real audit logs. */
function pickIndex(len: number, i: number, salt: number, skew: number): number {
  const u = hash(i, salt) / 4294967296;
  return Math.min(len - 1, Math.floor(len * Math.pow(u, skew)));
}

/** The small dictionary columns, computed once, so filters and facets over a million rows stay quick. */
const COL = {
  action: new Uint8Array(N),
  actor: new Uint8Array(N),
  agent: new Uint8Array(N),
  account: new Uint8Array(N),
  region: new Uint8Array(N),
  /** 0 success, 1 failure, 2 unknown. */
  outcome: new Uint8Array(N),
  /** 0 none, else ERRORS[k - 1]. */
  error: new Uint8Array(N),
};
const OUTCOMES = ['success', 'failure', 'unknown'];
/** The fifth newest event carries the hidden characters (grid index 4 in the default sort). */
const SPOOF_ROW = N - 5;
for (let i = 0; i < N; i++) {
  const a = pickIndex(ACTIONS.length, i, 1, 2);
  COL.action[i] = a;
  // The newest events (top of the default sort) are hostile, so every test sees them.
  COL.actor[i] =
    i === N - 1 || i === N - 4 ? ACTORS.indexOf(HOSTILE_ACTOR) : i === SPOOF_ROW ? ACTORS.indexOf(SPOOF_ACTOR) : pickIndex(ACTORS.length - 1, i, 2, 1.6);
  COL.agent[i] = i === N - 1 || i === N - 2 ? AGENTS.indexOf(HOSTILE_AGENT) : pickIndex(AGENTS.length, i, 5, 1.5);
  COL.account[i] = pickIndex(ACCOUNTS.length, i, 4, 1.3);
  COL.region[i] = pickIndex(REGIONS.length, i, 6, 1.8);
  const h = hash(i, 3);
  const failed = h % 13 === 0 || (ACTIONS[a][0].startsWith('Delete') && h % 3 === 0);
  COL.outcome[i] = h % 211 === 0 ? 2 : failed ? 1 : 0;
  COL.error[i] = failed ? 1 + pickIndex(ERRORS.length, i, 12, 1.5) : 0;
}

/** GetRoleCredentials, the AssumeRole its SSO session made, and work in the other account: mid-data, so no test of the newest rows moves. */
export const CHAIN_ROWS: readonly number[] = N >= 1000 ? [Math.floor(N / 2), Math.floor(N / 2) + 1, Math.floor(N / 2) + 2] : [];
CHAIN_ROWS.forEach((row, k) => {
  COL.action[row] = [ALL_ACTIONS.length - 1, ACTIONS.findIndex((a) => a[0] === 'AssumeRole'), ACTIONS.findIndex((a) => a[0] === 'DeleteTrail')][k];
  COL.actor[row] = ALL_ACTORS.length - 3 + k;
  COL.account[row] = ACCOUNTS.indexOf(k === 2 ? '210987654321' : '555555555555');
  COL.outcome[row] = 0;
  COL.error[row] = 0;
});

function sourceIpAt(i: number): string {
  const actor = ALL_ACTORS[COL.actor[i]];
  if (actor.endsWith('amazonaws.com')) return actor;
  const h = hash(i, 3);
  return `${10 + (h % 3) * 80}.${(h >>> 8) & 255}.${(h >>> 16) & 15}.${(h >>> 20) & 255}`;
}

/** One event, every field computed on first read from the row index. */
class Ev implements FakeEvent {
  constructor(readonly row: number) {}
  get time(): number {
    return timeAt(this.row);
  }
  get id(): string {
    const i = this.row;
    const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
    return `${hex(hash(i, 7), 8)}-${hex(hash(i, 8) & 0xffff, 4)}-4${hex(hash(i, 9) & 0xfff, 3)}-a${hex(hash(i, 10) & 0xfff, 3)}-${hex(hash(i, 11), 8)}${hex(i & 0xffff, 4)}`;
  }
  get provider(): string {
    return 'cloudtrail';
  }
  get account(): string {
    return ACCOUNTS[COL.account[this.row]];
  }
  get action(): string {
    return ALL_ACTIONS[COL.action[this.row]][0];
  }
  get actor(): string {
    return ALL_ACTORS[COL.actor[this.row]];
  }
  get service(): string {
    return ALL_ACTIONS[COL.action[this.row]][1];
  }
  get region(): string {
    return REGIONS[COL.region[this.row]];
  }
  get sourceIp(): string {
    return sourceIpAt(this.row);
  }
  get userAgent(): string {
    return AGENTS[COL.agent[this.row]];
  }
  get outcome(): string {
    return OUTCOMES[COL.outcome[this.row]];
  }
  get error(): string {
    const e = COL.error[this.row];
    return e === 0 ? '' : ERRORS[e - 1];
  }
  get source(): string {
    const day = 1 + Math.floor((this.time - START) / 86_400_000);
    return `AWSLogs/${this.account}/CloudTrail/${this.region}/2024/05/0${Math.min(9, day)}/trail_${Math.floor(this.row / 500)}.json.gz`;
  }
  get resources(): string[] {
    return this.service === 's3.amazonaws.com' ? [`arn:aws:s3:::logs-${this.account.slice(-4)}-${REGIONS[hash(this.row, 3) % 3]}`] : [];
  }
}

export function eventAt(i: number): FakeEvent {
  return new Ev(i);
}

export function rawObject(e: FakeEvent): Record<string, unknown> {
  const i = e.row;
  const role = e.actor.includes('assumed-role/') ? e.actor.split('/')[1] : undefined;
  const rec: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: {
      type: e.actor === '' ? 'Unknown' : e.actor.endsWith('amazonaws.com') ? 'AWSService' : role ? 'AssumedRole' : e.actor.endsWith(':root') ? 'Root' : 'IAMUser',
      principalId: `AROA${hash(i, 13).toString(36).toUpperCase()}:${i}`,
      arn: e.actor,
      accountId: e.account,
      accessKeyId: `ASIA${hash(i, 14).toString(36).toUpperCase().padEnd(16, 'X')}`,
      sessionContext: role
        ? {
            sessionIssuer: { type: 'Role', principalId: `AROA${hash(i, 15).toString(36).toUpperCase()}`, arn: `arn:aws:iam::${e.account}:role/${role}`, accountId: e.account, userName: role },
            attributes: { creationDate: new Date(e.time - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'), mfaAuthenticated: String(i % 2 === 0) },
          }
        : undefined,
    },
    eventTime: new Date(e.time).toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: e.service,
    eventName: e.action,
    awsRegion: e.region,
    sourceIPAddress: e.sourceIp,
    userAgent: e.userAgent,
    requestParameters:
      e.service === 's3.amazonaws.com'
        ? { bucketName: e.resources[0]?.slice(13) ?? 'x', key: `reports/${i}.csv`, Host: 's3.amazonaws.com', tags: ['team:security', 'env:prod'] }
        : { instancesSet: { items: [{ instanceId: `i-${hash(i, 16).toString(16)}` }] }, dryRun: false, maxResults: 50 },
    responseElements: null,
    requestID: `${hash(i, 17).toString(16).toUpperCase()}`,
    eventID: e.id,
    readOnly: /^(Get|List|Describe)/.test(e.action),
    resources: e.resources.map((ARN) => ({ accountId: e.account, type: 'AWS::S3::Bucket', ARN })),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: e.account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${e.service.split('.')[0]}.${e.region}.amazonaws.com` },
  };
  if (e.error) {
    rec.errorCode = e.error;
    rec.errorMessage = `User: ${e.actor} is not authorized to perform: ${e.service.split('.')[0]}:${e.action} <b>${HOSTILE_NOTE}</b>`;
  }
  if (i % 997 === 3 || i === N - 3) rec.requestParameters = { policy: `{"Statement":[${'{"Effect":"Allow","Action":"s3:*","Resource":"*"},'.repeat(200)}]}`.slice(0, 10_000), note: HOSTILE_NOTE };
  if (i === SPOOF_ROW) {
    rec.requestParameters = { fileName: SPOOF_FILE, [`key\u202e`]: 'value' };
    rec.responseElements = { message: SPOOF_ANSI };
  }
  if (i === N - 1) rec.annotation = `</script><img src=x onerror=window.__pwned=5>${HOSTILE_NOTE}`;
  const k = CHAIN_ROWS.indexOf(i);
  if (k === 0) {
    rec.userIdentity = { type: 'Unknown', principalId: '555555555555:carol@corp', accountId: '555555555555', userName: 'carol@corp' };
    rec.requestParameters = { roleName: 'PowerUser', accountId: '555555555555' };
  } else if (k === 1) {
    (rec.userIdentity as Record<string, unknown>).accessKeyId = CHAIN_SSO_KEY;
    rec.requestParameters = { roleArn: 'arn:aws:iam::210987654321:role/OrgAdmin', roleSessionName: 'carol-session' };
    rec.responseElements = { credentials: { accessKeyId: CHAIN_ORG_KEY }, assumedRoleUser: { arn: CHAIN_ORG_ARN } };
  } else if (k === 2) {
    (rec.userIdentity as Record<string, unknown>).accessKeyId = CHAIN_ORG_KEY;
  }
  return rec;
}

/** Identity and minting paths the file loader extracts (logFiles/normalize.ts EXTRACTED_PATHS), for the session harness's store. */
export function identityFields(i: number): Record<string, string | undefined> {
  const rec = rawObject(eventAt(i));
  const ui = rec.userIdentity as Record<string, unknown>;
  const resp = rec.responseElements as { credentials?: { accessKeyId?: string }; assumedRoleUser?: { arn?: string } } | null;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const issuer = (ui.sessionContext as { sessionIssuer?: { userName?: string } } | undefined)?.sessionIssuer;
  return {
    'userIdentity.type': text(ui.type),
    'userIdentity.arn': text(ui.arn),
    'userIdentity.accessKeyId': text(ui.accessKeyId),
    'userIdentity.userName': text(ui.userName),
    'userIdentity.sessionContext.sessionIssuer.userName': text(issuer?.userName),
    'userIdentity.accountId': text(ui.accountId),
    'responseElements.credentials.accessKeyId': text(resp?.credentials?.accessKeyId),
    'responseElements.assumedRoleUser.arn': text(resp?.assumedRoleUser?.arn),
  };
}

export function rawText(i: number): string {
  return JSON.stringify(rawObject(eventAt(i)));
}

// ---- queries ---------------------------------------------------------------------------------------

const NORMALIZED: Record<string, keyof FakeEvent> = {
  time: 'time', id: 'id', provider: 'provider', account: 'account', action: 'action', actor: 'actor', service: 'service', region: 'region',
  sourceip: 'sourceIp', useragent: 'userAgent', outcome: 'outcome', error: 'error', source: 'source', resources: 'resources',
  eventid: 'id', eventtime: 'time', eventname: 'action', eventsource: 'service', awsregion: 'region', sourceipaddress: 'sourceIp',
  errorcode: 'error', recipientaccountid: 'account', 'resources.arn': 'resources',
};

function extract(value: unknown, segs: string[], k: number, out: string[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) extract(v, segs, k, out);
    return;
  }
  if (k === segs.length) {
    out.push(typeof value === 'object' ? JSON.stringify(value) : String(value));
    return;
  }
  if (typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  const key = Object.keys(obj).find((x) => x === segs[k]) ?? Object.keys(obj).find((x) => x.toLowerCase() === segs[k].toLowerCase());
  if (key !== undefined) extract(obj[key], segs, k + 1, out);
}

type Getter = (e: FakeEvent) => string[];

function getter(field: string): Getter {
  const raw = field.startsWith('raw.');
  const n = raw ? undefined : NORMALIZED[field.toLowerCase()];
  if (n) {
    return (e) => {
      const v = e[n];
      return Array.isArray(v) ? v : [typeof v === 'number' ? String(v) : v];
    };
  }
  const segs = (raw ? field.slice(4) : field).split('.');
  return (e) => {
    const out: string[] = [];
    extract(rawObject(e), segs, 0, out);
    return out;
  };
}

type Pred = (e: FakeEvent) => boolean;

function compile(node: QueryNode): Pred {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'and': {
      const cs = node.children.map(compile);
      return (e) => cs.every((c) => c(e));
    }
    case 'or': {
      const cs = node.children.map(compile);
      return (e) => cs.some((c) => c(e));
    }
    case 'not': {
      const c = compile(node.child);
      return (e) => !c(e);
    }
    case 'match': {
      const get = getter(node.field);
      const m = node.matcher;
      const test = matcherTest(m);
      return (e) => get(e).some(test);
    }
    case 'exists': {
      if (NORMALIZED[node.field.toLowerCase()] === 'time') return () => true;
      const get = getter(node.field);
      return (e) => get(e).some((v) => v !== '');
    }
    case 'compare': {
      const get = getter(node.field);
      const { op, value } = node;
      return (e) =>
        get(e).some((v) => {
          const x = Number(v);
          if (v === '' || !Number.isFinite(x)) return false;
          return op === '>' ? x > value : op === '<' ? x < value : op === '>=' ? x >= value : x <= value;
        });
    }
    case 'time': {
      const { op, ms } = node;
      return (e) => (op === '>' ? e.time > ms : op === '<' ? e.time < ms : op === '>=' ? e.time >= ms : e.time <= ms);
    }
    case 'text': {
      const needle = node.value.toLowerCase();
      return (e) => rawText(e.row).toLowerCase().includes(needle);
    }
  }
}

const NICE_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
  10_800_000, 21_600_000, 43_200_000, 86_400_000, 2 * 86_400_000, 7 * 86_400_000, 14 * 86_400_000, 30 * 86_400_000,
];

function niceBucket(min: number, max: number, maxBuckets: number): number {
  const count = (b: number) => Math.floor(max / b) - Math.floor(min / b) + 1;
  for (const b of NICE_MS) if (count(b) <= maxBuckets) return b;
  let b = NICE_MS[NICE_MS.length - 1];
  while (count(b) > maxBuckets) b *= 2;
  return b;
}

const FACET_FIELDS = ['action', 'actor', 'sourceIp', 'region', 'service', 'error', 'account'] as const;

interface View {
  queryId: number;
  order: Int32Array;
  /** Value counts per facet field, for the facet/more requests. */
  tallies: Map<string, Map<string, number>>;
}

const views = new Map<number, View>();
let loaded = SIMULATE_LOAD ? 0 : N;

function runQuery(spec: QuerySpec): QueryResult {
  const t0 = performance.now();
  const previous = [...views.values()].pop();
  let pred: Pred;
  try {
    pred = compile(parseQuery(spec.filter));
  } catch (e) {
    const err = e instanceof QueryError ? e : new QueryError(String(e), { start: 0, end: spec.filter.length }, spec.filter);
    const prev = previous ? { count: previous.order.length } : { count: 0 };
    return {
      queryId: spec.queryId,
      count: prev.count,
      total: loaded,
      histogram: { start: 0, bucketMs: 60_000, counts: [], untimed: 0 },
      facets: {},
      error: { message: err.message, start: err.span.start, end: err.span.end, token: err.token },
      ms: performance.now() - t0,
    };
  }
  const from = spec.timeRange?.from ?? -Infinity;
  const to = spec.timeRange?.to ?? Infinity;
  const trivial = spec.filter.trim() === '';
  const hits: number[] = [];
  for (let i = 0; i < loaded; i++) {
    const t = timeAt(i);
    if (t < from || t >= to) continue;
    if (trivial || pred(eventAt(i))) hits.push(i);
  }
  let order = Int32Array.from(hits);
  const field = spec.sort.field;
  const n = NORMALIZED[field.toLowerCase()];
  if (n !== 'time') {
    const get = getter(field);
    const keys = new Map<number, string>();
    for (const i of order) keys.set(i, get(eventAt(i))[0] ?? '');
    order = Int32Array.from([...order].sort((a, b) => {
      const ka = keys.get(a) ?? '';
      const kb = keys.get(b) ?? '';
      return ka < kb ? -1 : ka > kb ? 1 : a - b;
    }));
  }
  if (spec.sort.dir === 'desc') order.reverse();
  const tallies = new Map<string, Map<string, number>>();
  views.set(spec.queryId, { queryId: spec.queryId, order, tallies });
  while (views.size > 3) views.delete(views.keys().next().value as number);

  // Histogram and facets over the matching rows.
  let min = Infinity;
  let max = -Infinity;
  for (const i of hits) {
    const t = timeAt(i);
    if (t < min) min = t;
    if (t > max) max = t;
  }
  let histogram: HistogramDto = { start: 0, bucketMs: 60_000, counts: [], untimed: 0 };
  if (hits.length > 0) {
    const b = niceBucket(min, max, 120);
    const start = Math.floor(min / b) * b;
    const counts = new Array<number>(Math.floor((max - start) / b) + 1).fill(0);
    for (const i of hits) counts[Math.floor((timeAt(i) - start) / b)]++;
    histogram = { start, bucketMs: b, counts, untimed: 0 };
  }
  const facets: Record<string, FacetValue[]> = {};
  const facetDistinct: Record<string, number> = {};
  const column: Record<(typeof FACET_FIELDS)[number], (i: number) => string> = {
    action: (i) => ALL_ACTIONS[COL.action[i]][0],
    actor: (i) => ALL_ACTORS[COL.actor[i]],
    sourceIp: sourceIpAt,
    region: (i) => REGIONS[COL.region[i]],
    service: (i) => ALL_ACTIONS[COL.action[i]][1],
    error: (i) => (COL.error[i] === 0 ? '' : ERRORS[COL.error[i] - 1]),
    account: (i) => ACCOUNTS[COL.account[i]],
  };
  for (const f of FACET_FIELDS) {
    const tally = new Map<string, number>();
    const get = column[f];
    for (const i of hits) {
      const v = get(i);
      tally.set(v, (tally.get(v) ?? 0) + 1);
    }
    tallies.set(f, tally);
    const top = facetPage(pairsOf(tally), { offset: 0, limit: 10, order: 'desc' });
    facets[f] = top.values;
    facetDistinct[f] = top.distinct;
  }
  const result: QueryResult = { queryId: spec.queryId, count: order.length, total: loaded, histogram, facets, facetDistinct, ms: performance.now() - t0 };
  if (spec.selectedRow !== undefined) result.selectedIndex = order.indexOf(spec.selectedRow);
  const missing = missingFields(parseQuery(spec.filter), hasField, [...AVAILABLE, ...Object.keys(NORMALIZED)]);
  if (missing.length > 0) result.missingFields = missing;
  return result;
}

/** Whether some event has the field (the fake looks at a sample; its rare paths are on known rows). */
function hasField(field: string): boolean {
  if (!field.startsWith('raw.') && NORMALIZED[field.toLowerCase()]) return true;
  const get = getter(field);
  for (let i = 0; i < Math.min(loaded, 3000); i++) if (get(eventAt(i)).length > 0 || get(eventAt(loaded - 1 - i)).length > 0) return true;
  return false;
}

function* pairsOf(tally: Map<string, number>): Generator<FacetValue> {
  for (const [value, count] of tally) yield { value, count };
}

function facetAnswer(p: FacetParams): FacetResult {
  const tally = views.get(p.queryId)?.tallies.get(p.field);
  const page = tally ? facetPage(pairsOf(tally), p) : { values: [], distinct: 0, matched: 0 };
  return { queryId: p.queryId, field: p.field, offset: p.offset, ...page };
}

function cellOf(e: FakeEvent, column: string): string | number {
  const n = column.startsWith('raw.') ? undefined : NORMALIZED[column.toLowerCase()];
  if (n === 'time') return e.time;
  if (n === 'resources') return e.resources.join(', ');
  if (n) return e[n] as string;
  return getter(column)(e)[0] ?? '';
}

function rows(p: RowsParams): RowsResult {
  const v = views.get(p.queryId);
  if (!v) return { queryId: p.queryId, offset: p.offset, rows: [] };
  const out: RowDto[] = [];
  const end = Math.min(v.order.length, p.offset + p.limit);
  for (let k = p.offset; k < end; k++) {
    const e = eventAt(v.order[k]);
    out.push({ row: e.row, cells: p.columns.map((c) => cellOf(e, c)) });
  }
  return { queryId: p.queryId, offset: p.offset, rows: out };
}

// ---- the host --------------------------------------------------------------------------------------

const AVAILABLE = [
  'time', 'action', 'actor', 'sourceIp', 'region', 'service', 'outcome', 'error', 'account', 'userAgent', 'id', 'provider', 'source', 'resources',
  'userIdentity.type', 'userIdentity.arn', 'userIdentity.accessKeyId', 'userIdentity.sessionContext.sessionIssuer.userName',
  'userIdentity.sessionContext.attributes.mfaAuthenticated', 'requestParameters.bucketName', 'requestParameters.key', 'readOnly',
  'eventType', 'eventCategory', 'requestID', 'tlsDetails.tlsVersion', 'errorMessage', 'annotation',
];

let savedView: ViewState | undefined;
const load: LoadState = SIMULATE_LOAD
  ? { files: 0, filesTotal: 905, events: 0, done: false, cancelled: false }
  : { files: 905, filesTotal: 905, events: N, done: true, cancelled: false };

function panelState(): PanelState {
  return {
    title: `CloudTrail: fake trail (${N.toLocaleString('en-US')} events)`,
    sources: [
      { label: 'AWSLogs/123456789012 (fake)', path: '/data/AWSLogs/123456789012', events: Math.floor(N * 0.6), duplicates: 12, errors: 2, skipped: 1 },
      { label: 'AWSLogs/210987654321 (fake)', path: '/data/AWSLogs/210987654321', events: N - Math.floor(N * 0.6), duplicates: 0, errors: 1, skipped: 0 },
    ],
    ...(LIVE ? { sources: [liveSource(), ...addedSources()] } : {}),
    load: { ...load },
    availableColumns: AVAILABLE,
    view: savedView ?? { filter: LIVE ? liveFilter : '', sort: { field: 'time', dir: 'desc' }, columns: [...DEFAULT_COLUMNS] },
    restore: { paths: ['/data/AWSLogs/123456789012', '/data/AWSLogs/210987654321'] },
    // As the host counts them: the sources' duplicates and skipped files, every problem, the load's time.
    skippedFiles: [{ path: '/data/AWSLogs/210987654321/CloudTrail-Digest/us-east-1/2024/05/01/<b>digest</b>.json.gz', reason: 'CloudTrail digest file (holds no events)' }],
    summary: { events: loaded, duplicates: 12, skipped: 1, problems: 3, cancelled: load.cancelled, ...(load.done || load.cancelled ? { ms: 6512 } : {}) },
    problems: [
      { path: '/data/AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/truncated.json.gz', message: 'Unexpected end of data (gzip stream truncated); 41 events before it were kept', line: 1, column: 18231 },
      { path: '/data/AWSLogs/123456789012/CloudTrail/eu-west-1/2024/05/02/<img src=x onerror=window.__pwned=6>.json', message: `Unexpected token < in JSON at position 0: ${HOSTILE_ACTOR}` },
      { path: '/data/AWSLogs/210987654321/CloudTrail-Digest/us-east-1/2024/05/01/digest.json.gz', message: 'CloudTrail digest file: skipped' },
    ],
  };
}

function addedSources(): SourceSummary[] {
  return Array.from({ length: extraSources }, (_, i) => ({ label: `added-${i + 1}`, path: `/data/added-${i + 1}`, events: 10, duplicates: 0, errors: 0, skipped: 0 }));
}

function liveSource(): SourceSummary {
  return {
    label: 'acme <i>(prod)</i>',
    path: 'controlplane:acct-1',
    events: N,
    duplicates: 0,
    errors: 0,
    skipped: 0,
    live: {
      provider: 'Control Plane',
      filter: liveFilter,
      pages: 3,
      events: N,
      sentToApi: ['time range', 'actionType = delete'],
      localFilter: 'actor:"<b>alice</b>"',
      cancelled: false,
      fetching: false,
      // `fixed=1`: a Lake/Athena panel, whose SQL a new filter does not change.
      refetchable: params.get('fixed') !== '1',
      actions: [{ id: 'fake.saveQuery', title: 'Save Query in the API…' }],
      server: serverAggregate(),
    },
  };
}

/** What the fake API counts: far more than was fetched, over a wider range, with markup in a value. */
function serverAggregate(): NonNullable<NonNullable<SourceSummary['live']>['server']> {
  const day = 86_400_000;
  const buckets = Array.from({ length: 14 }, (_, i) => ({ time: START - 7 * day + i * day, count: 40_000 + ((i * 7919) % 23) * 1000 }));
  return {
    note: `Counted by the fake API over every event of the last 14 days ${HOSTILE_API}; the other filter terms are not applied.`,
    total: buckets.reduce((n, b) => n + b.count, 0),
    facets: {
      action: [
        { value: 'DeleteObject', count: 412_345 },
        { value: 'DeleteBucket', count: 98_765 },
        { value: HOSTILE_API, count: 7 },
      ],
      region: [
        { value: 'us-east-1', count: 300_000 },
        { value: 'eu-west-1', count: 111_111 },
      ],
    },
    histogram: { bucketMs: day, buckets },
  };
}

function expandAnswer(row: number): DetailExpandResult {
  if (EXPAND_ERROR) return { row, error: `The API said no (HTTP 403) ${HOSTILE_API}` };
  const e = eventAt(row);
  return {
    row,
    sections: [
      { title: 'Event (read by id)', text: JSON.stringify({ ...rawObject(e), tags: ['reviewed', HOSTILE_API] }, null, 2) },
      { title: 'Related events', text: JSON.stringify([{ id: `${e.id}-parent`, relation: 'parent', note: HOSTILE_API }], null, 2) },
    ],
  };
}

export interface FakeHostHooks {
  log: IpcMessage[];
  setTheme(theme: ThemeName): void;
  post(msg: IpcMessage): void;
  savedView(): ViewState | undefined;
  /** The panel state the host sent last. */
  state(): PanelState | undefined;
  rows: number;
  failNext(method: string, code: ReplyErrorCode, message: string): void;
}

declare global {
  interface Window {
    __fakeHost: FakeHostHooks;
    __cspViolations: string[];
    __pwned?: unknown;
  }
}

let seq = 0;
function toWebview(method: string, params: unknown, completionId?: string, delay = 0): void {
  const msg: IpcMessage = { id: `host-${++seq}`, method, params };
  if (completionId !== undefined) msg.completionId = completionId;
  const send = () => window.dispatchEvent(new MessageEvent('message', { data: msg }));
  if (delay > 0) setTimeout(send, delay);
  else queueMicrotask(send);
}

/** Errors to answer requests with instead of their result (failNext), by method, oldest first. */
const failures = new Map<string, ReplyError[]>();

/** A request's reply, as the host sends it: `{ result }`, or `{ error }` when a test asked for one. */
function answer(msg: IpcMessage, result: unknown, delay: number): void {
  const error = failures.get(msg.method)?.shift();
  toWebview(`${msg.method}/completion`, error ? { error } : { result }, msg.completionId ?? msg.id, delay);
}

/** The query the panel shows (the last one it asked for): rerun with every load tick, as the host does. */
let lastSpec: QuerySpec | undefined;

let loadTimer: ReturnType<typeof setInterval> | undefined;
function startLoad(): void {
  if (!SIMULATE_LOAD || loadTimer) return;
  // As the host's LoadTicker: each tick sends the progress snapshot, then the shown query rerun
  // over what is loaded so far (same queryId); the last tick sends the final state instead.
  loadTimer = setInterval(() => {
    load.files = Math.min(load.filesTotal, load.files + 23);
    loaded = Math.min(N, Math.round((N * load.files) / load.filesTotal));
    load.events = loaded;
    load.done = load.files >= load.filesTotal;
    if (!load.done) toWebview('load/progress', { ...load });
    if (lastSpec) toWebview('query/didRun', runQuery(lastSpec));
    if (load.done) {
      toWebview('state/didChange', panelState());
      clearInterval(loadTimer);
      loadTimer = undefined;
    }
  }, 150);
}

function handle(msg: IpcMessage): void {
  hooks.log.push(msg);
  const p = msg.params as Record<string, unknown>;
  if (harness) {
    if (msg.method === 'view/save') savedView = p as unknown as ViewState;
    void harness.session.receive(msg);
    return;
  }
  switch (msg.method) {
    case 'ready': {
      const state = panelState();
      toWebview('state/didChange', state);
      // As the host: a ready message naming its query gets that query's result (the grid then asks for rows).
      if (typeof p.queryId === 'number') {
        const v = (p.view as Partial<QuerySpec> | undefined) ?? state.view;
        lastSpec = { queryId: p.queryId, filter: v.filter ?? '', sort: v.sort ?? { field: 'time', dir: 'desc' }, ...(v.timeRange ? { timeRange: v.timeRange } : {}) };
        toWebview('query/didRun', runQuery(lastSpec), undefined, 5);
      }
      startLoad();
      return;
    }
    case 'query': {
      lastSpec = p as unknown as QuerySpec;
      const r = runQuery(lastSpec);
      toWebview('query/didRun', r, undefined, 5);
      return;
    }
    case 'facet':
      answer(msg, facetAnswer(p as unknown as FacetParams), LATENCY);
      return;
    case 'rows':
      answer(msg, rows(p as unknown as RowsParams), LATENCY + Math.random() * LATENCY);
      return;
    case 'detail': {
      const row = Number(p.row);
      const e = eventAt(row);
      const d: DetailResult = { row, raw: rawText(row), source: `/data/${e.source}` };
      if (LIVE) d.live = { expandable: true, actions: [{ id: 'fake.addTags', title: 'Add Tags…' }] };
      answer(msg, d, LATENCY);
      return;
    }
    case 'detail/expand':
      // Slower than a window of rows, as an API is: long enough to see the loading state.
      answer(msg, expandAnswer(Number(p.row)), LATENCY + 250);
      return;
    case 'detail/action':
    case 'live/action':
      return; // the real host asks for input and a modal confirmation; the log is what tests read
    case 'panel/addSource':
      // As the host does once the person picked something: a second source joins the panel.
      extraSources++;
      toWebview('state/didChange', panelState());
      return;
    case 'live/refetch':
      liveFilter = String(p.filter);
      toWebview('state/didChange', panelState());
      return;
    case 'view/save':
      savedView = p as unknown as ViewState;
      return;
    case 'cancel':
      if (p.queryId === undefined && loadTimer) {
        clearInterval(loadTimer);
        loadTimer = undefined;
        load.cancelled = true;
        toWebview('load/progress', { ...load });
        if (lastSpec) toWebview('query/didRun', runQuery(lastSpec));
        toWebview('state/didChange', panelState());
      }
      return;
    case 'copy':
      void navigator.clipboard?.writeText(String(p.text)).catch(() => undefined);
      return;
    case 'export':
      return;
    default:
      console.warn('[fakeHost] unknown message', msg.method);
      if (msg.completionId !== undefined) toWebview(`${msg.method}/completion`, { error: { code: 'unknown', message: `The extension does not know the request ${msg.method}.` } }, msg.completionId);
  }
}

// ---- themes ----------------------------------------------------------------------------------------

const COMMON: Record<string, string> = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  '--vscode-editor-font-size': '13px',
  '--vscode-editor-font-weight': 'normal',
};

type ThemeName = 'dark' | 'light' | 'hc' | 'hcLight';

const THEMES: Record<ThemeName, Record<string, string>> = {
  dark: {
    '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-errorForeground': '#f85149', '--vscode-disabledForeground': '#cccccc80',
    '--vscode-editor-background': '#1f1f1f', '--vscode-editor-foreground': '#cccccc', '--vscode-sideBar-background': '#181818', '--vscode-panel-background': '#181818',
    '--vscode-panel-border': '#2b2b2b', '--vscode-editorGroup-border': '#ffffff17', '--vscode-editorGroupHeader-tabsBackground': '#181818', '--vscode-focusBorder': '#0078d4',
    '--vscode-input-background': '#313131', '--vscode-input-border': '#3c3c3c', '--vscode-input-foreground': '#cccccc', '--vscode-input-placeholderForeground': '#989898',
    '--vscode-settings-textInputBackground': '#313131', '--vscode-settings-textInputBorder': '#3c3c3c', '--vscode-settings-textInputForeground': '#cccccc',
    '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-list-activeSelectionBackground': '#04395e', '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-list-inactiveSelectionBackground': '#37373d', '--vscode-list-focusOutline': '#0078d4', '--vscode-toolbar-hoverBackground': '#5a5d5e50',
    '--vscode-toolbar-activeBackground': '#63666750', '--vscode-icon-foreground': '#cccccc', '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#026ec1', '--vscode-button-border': '#ffffff12',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc', '--vscode-button-secondaryHoverBackground': '#3c3c3c',
    '--vscode-menu-background': '#1f1f1f', '--vscode-menu-foreground': '#cccccc', '--vscode-menu-border': '#454545', '--vscode-menu-selectionBackground': '#0078d4',
    '--vscode-menu-selectionForeground': '#ffffff', '--vscode-menu-separatorBackground': '#454545', '--vscode-widget-shadow': '#0000005c', '--vscode-widget-border': '#313131',
    '--vscode-progressBar-background': '#0078d4', '--vscode-inputValidation-errorBackground': '#5a1d1d', '--vscode-inputValidation-errorBorder': '#be1100',
    '--vscode-editorError-foreground': '#f14c4c', '--vscode-editorWarning-foreground': '#cca700', '--vscode-charts-blue': '#3794ff', '--vscode-testing-iconPassed': '#73c991',
    '--vscode-testing-iconFailed': '#f14c4c', '--vscode-debugTokenExpression-name': '#c586c0', '--vscode-debugTokenExpression-value': '#cccccc99',
    '--vscode-debugTokenExpression-string': '#ce9178', '--vscode-debugTokenExpression-boolean': '#4e94ce', '--vscode-debugTokenExpression-number': '#b5cea8',
    '--vscode-keybindingTable-headerBackground': '#cccccc0a', '--vscode-keybindingTable-rowsBackground': '#cccccc0a', '--vscode-tree-tableColumnsBorder': '#cccccc20',
    '--vscode-sash-hoverBorder': '#0078d4', '--vscode-editor-selectionBackground': '#264f78', '--vscode-panelTitle-activeBorder': '#0078d4',
    '--vscode-panelTitle-activeForeground': '#cccccc', '--vscode-panelTitle-inactiveForeground': '#9d9d9d', '--vscode-settings-headerBorder': '#2b2b2b',
    '--vscode-scrollbarSlider-background': '#79797966', '--vscode-scrollbarSlider-hoverBackground': '#646464b3', '--vscode-scrollbarSlider-activeBackground': '#bfbfbf66',
    '--vscode-sideBarSectionHeader-border': '#2b2b2b', '--vscode-editorWidget-border': '#454545', '--vscode-editorWidget-background': '#202020',
    '--vscode-inputOption-activeBackground': '#2489db82', '--vscode-inputOption-activeBorder': '#2488db', '--vscode-inputOption-activeForeground': '#ffffff',
  },
  light: {
    '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171', '--vscode-errorForeground': '#f85149', '--vscode-disabledForeground': '#61616180',
    '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#3b3b3b', '--vscode-sideBar-background': '#f8f8f8', '--vscode-panel-background': '#f8f8f8',
    '--vscode-panel-border': '#e5e5e5', '--vscode-editorGroup-border': '#e5e5e5', '--vscode-editorGroupHeader-tabsBackground': '#f8f8f8', '--vscode-focusBorder': '#005fb8',
    '--vscode-input-background': '#ffffff', '--vscode-input-border': '#cecece', '--vscode-input-foreground': '#3b3b3b', '--vscode-input-placeholderForeground': '#767676',
    '--vscode-settings-textInputBackground': '#ffffff', '--vscode-settings-textInputBorder': '#cecece', '--vscode-settings-textInputForeground': '#3b3b3b',
    '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-list-activeSelectionBackground': '#e8e8e8', '--vscode-list-activeSelectionForeground': '#000000',
    '--vscode-list-inactiveSelectionBackground': '#e4e6f1', '--vscode-list-focusOutline': '#005fb8', '--vscode-toolbar-hoverBackground': '#b8b8b850',
    '--vscode-toolbar-activeBackground': '#a6a6a650', '--vscode-icon-foreground': '#3b3b3b', '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#0258a8', '--vscode-button-border': '#0000001a',
    '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b', '--vscode-button-secondaryHoverBackground': '#cccccc',
    '--vscode-menu-background': '#ffffff', '--vscode-menu-foreground': '#3b3b3b', '--vscode-menu-border': '#cecece', '--vscode-menu-selectionBackground': '#005fb8',
    '--vscode-menu-selectionForeground': '#ffffff', '--vscode-menu-separatorBackground': '#d4d4d4', '--vscode-widget-shadow': '#00000029', '--vscode-widget-border': '#e5e5e5',
    '--vscode-progressBar-background': '#005fb8', '--vscode-inputValidation-errorBackground': '#f2dede', '--vscode-inputValidation-errorBorder': '#be1100',
    '--vscode-editorError-foreground': '#e51400', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-charts-blue': '#1a85ff', '--vscode-testing-iconPassed': '#388a34',
    '--vscode-testing-iconFailed': '#f14c4c', '--vscode-debugTokenExpression-name': '#9b46b0', '--vscode-debugTokenExpression-value': '#6c6c6ce6',
    '--vscode-debugTokenExpression-string': '#a31515', '--vscode-debugTokenExpression-boolean': '#0000ff', '--vscode-debugTokenExpression-number': '#098658',
    '--vscode-keybindingTable-headerBackground': '#3b3b3b0a', '--vscode-keybindingTable-rowsBackground': '#3b3b3b0a', '--vscode-tree-tableColumnsBorder': '#61616120',
    '--vscode-sash-hoverBorder': '#005fb8', '--vscode-editor-selectionBackground': '#add6ff', '--vscode-panelTitle-activeBorder': '#005fb8',
    '--vscode-panelTitle-activeForeground': '#3b3b3b', '--vscode-panelTitle-inactiveForeground': '#3b3b3b', '--vscode-settings-headerBorder': '#e5e5e5',
    '--vscode-scrollbarSlider-background': '#64646466', '--vscode-scrollbarSlider-hoverBackground': '#646464b3', '--vscode-scrollbarSlider-activeBackground': '#00000099',
    '--vscode-sideBarSectionHeader-border': '#e5e5e5', '--vscode-editorWidget-border': '#c8c8c8', '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-inputOption-activeBackground': '#bed6ed', '--vscode-inputOption-activeBorder': '#005fb8', '--vscode-inputOption-activeForeground': '#000000',
  },
  hc: {
    '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffffb3', '--vscode-errorForeground': '#f48771', '--vscode-disabledForeground': '#a5a5a5',
    '--vscode-editor-background': '#000000', '--vscode-editor-foreground': '#ffffff', '--vscode-sideBar-background': '#000000', '--vscode-panel-background': '#000000',
    '--vscode-panel-border': '#6fc3df', '--vscode-editorGroup-border': '#6fc3df', '--vscode-focusBorder': '#f38518', '--vscode-contrastBorder': '#6fc3df',
    '--vscode-contrastActiveBorder': '#f38518', '--vscode-input-background': '#000000', '--vscode-input-border': '#6fc3df', '--vscode-input-foreground': '#ffffff',
    '--vscode-settings-textInputBackground': '#000000', '--vscode-settings-textInputBorder': '#6fc3df', '--vscode-settings-textInputForeground': '#ffffff',
    '--vscode-list-hoverBackground': '#000000', '--vscode-list-activeSelectionBackground': '#000000', '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-list-focusOutline': '#f38518', '--vscode-icon-foreground': '#ffffff', '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff',
    '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df', '--vscode-menu-background': '#000000',
    '--vscode-menu-foreground': '#ffffff', '--vscode-menu-border': '#6fc3df', '--vscode-menu-selectionBackground': '#000000', '--vscode-menu-selectionForeground': '#ffffff',
    '--vscode-charts-blue': '#3794ff', '--vscode-testing-iconPassed': '#73c991', '--vscode-testing-iconFailed': '#f48771', '--vscode-editorError-foreground': '#f48771',
    '--vscode-editorWarning-foreground': '#ffd370', '--vscode-inputValidation-errorBackground': '#000000', '--vscode-inputValidation-errorBorder': '#f48771',
    '--vscode-debugTokenExpression-name': '#ffffff', '--vscode-debugTokenExpression-string': '#f48771', '--vscode-debugTokenExpression-boolean': '#75bdfe',
    '--vscode-debugTokenExpression-number': '#89d185', '--vscode-debugTokenExpression-value': '#ffffff', '--vscode-tree-tableColumnsBorder': '#6fc3df66',
    '--vscode-scrollbarSlider-background': '#6fc3df99', '--vscode-editor-selectionBackground': '#ffffff', '--vscode-sash-hoverBorder': '#f38518',
    '--vscode-inputOption-activeBackground': '#00000000', '--vscode-inputOption-activeBorder': '#6fc3df', '--vscode-inputOption-activeForeground': '#ffffff',
  },
  // High Contrast Light: as in VS Code, the colors without an hcLight default (keybindingTable's
  // header and rows, editorGroupHeader's tabs, list hover and selection) are not defined at all.
  hcLight: {
    '--vscode-foreground': '#292929', '--vscode-descriptionForeground': '#292929', '--vscode-errorForeground': '#b5200d', '--vscode-disabledForeground': '#7f7f7f',
    '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#292929', '--vscode-sideBar-background': '#ffffff', '--vscode-panel-background': '#ffffff',
    '--vscode-panel-border': '#0f4a85', '--vscode-editorGroup-border': '#0f4a85', '--vscode-focusBorder': '#006bbd', '--vscode-contrastBorder': '#0f4a85',
    '--vscode-contrastActiveBorder': '#006bbd', '--vscode-input-background': '#ffffff', '--vscode-input-border': '#0f4a85', '--vscode-input-foreground': '#292929',
    '--vscode-settings-textInputBackground': '#ffffff', '--vscode-settings-textInputBorder': '#0f4a85', '--vscode-settings-textInputForeground': '#292929',
    '--vscode-list-focusOutline': '#006bbd', '--vscode-icon-foreground': '#292929', '--vscode-badge-background': '#0f4a85', '--vscode-badge-foreground': '#ffffff',
    '--vscode-button-background': '#0f4a85', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#0f4a85', '--vscode-menu-background': '#ffffff',
    '--vscode-menu-foreground': '#292929', '--vscode-menu-border': '#0f4a85', '--vscode-menu-selectionBackground': '#0f4a85', '--vscode-menu-selectionForeground': '#ffffff',
    '--vscode-charts-blue': '#0f4a85', '--vscode-charts-purple': '#652d90', '--vscode-testing-iconPassed': '#388a34', '--vscode-testing-iconFailed': '#b5200d',
    '--vscode-editorError-foreground': '#b5200d', '--vscode-editorWarning-foreground': '#895503', '--vscode-inputValidation-errorBackground': '#ffffff',
    '--vscode-inputValidation-errorBorder': '#b5200d', '--vscode-debugTokenExpression-name': '#264f78', '--vscode-debugTokenExpression-string': '#a31515',
    '--vscode-debugTokenExpression-boolean': '#0000ff', '--vscode-debugTokenExpression-number': '#098658', '--vscode-debugTokenExpression-value': '#292929',
    '--vscode-scrollbarSlider-background': '#0f4a8566', '--vscode-editor-selectionBackground': '#0f4a85', '--vscode-sash-hoverBorder': '#006bbd',
    '--vscode-inputOption-activeBackground': '#00000000', '--vscode-inputOption-activeBorder': '#006bbd', '--vscode-inputOption-activeForeground': '#292929',
  },
};

function setTheme(theme: ThemeName): void {
  const root = document.documentElement;
  for (const t of Object.values(THEMES)) for (const k of Object.keys(t)) root.style.removeProperty(k);
  for (const [k, v] of Object.entries({ ...COMMON, ...THEMES[theme] })) root.style.setProperty(k, v);
  const body = document.body;
  body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light');
  const kind = theme === 'dark' ? 'vscode-dark' : theme === 'light' ? 'vscode-light' : theme === 'hc' ? 'vscode-high-contrast' : 'vscode-high-contrast-light';
  body.classList.add(kind);
  // VS Code adds vscode-high-contrast to High Contrast Light too, for webviews written before it existed.
  if (theme === 'hcLight') body.classList.add('vscode-high-contrast');
  body.dataset.vscodeThemeKind = kind;
}

// ---- the real session, when the dataset fits a real store ----------------------------------------------

/**
 * Up to this many rows the harness answers through the real panel session over a real EventStore
 * (sessionHarness.ts); a store holds every event's raw JSON (about 1.3 kB here), so the grid's
 * million-row scrolling test (rows=1000000, some 1.3 GB) keeps the synthetic host above.
 */
const SESSION_ROWS_MAX = 300_000;

/** What the session sends, as the real panel's postMessage delivers it: cloned, after the harness's latency. */
/** The session's last state/didChange. */
let sessionState: PanelState | undefined;

function fromSession(method: string, params: unknown, completionId?: string): void {
  const data = structuredClone(params);
  if (method === 'state/didChange') sessionState = data as PanelState;
  if (completionId === undefined) {
    toWebview(method, data, undefined, method === 'query/didRun' ? 5 : 0);
    return;
  }
  const request = method.replace(/\/completion$/, '');
  const error = failures.get(request)?.shift();
  const delay = request === 'rows' ? LATENCY + Math.random() * LATENCY : request === 'detail/expand' ? LATENCY + 250 : LATENCY;
  toWebview(method, error ? { error } : data, completionId, delay);
}

const harness: HarnessSession | undefined =
  N <= SESSION_ROWS_MAX
    ? createHarnessSession({
        data: {
          rows: N,
          event: eventAt,
          raw: rawText,
          fields: identityFields,
          serverAggregate,
          expand: (row) => {
            if (EXPAND_ERROR) throw new Error(`The API said no (HTTP 403) ${HOSTILE_API}`);
            const e = eventAt(row);
            return [
              { title: 'Event (read by id)', json: { ...rawObject(e), tags: ['reviewed', HOSTILE_API] } },
              { title: 'Related events', json: [{ id: `${e.id}-parent`, relation: 'parent', note: HOSTILE_API }] },
            ];
          },
        },
        slowLoad: SIMULATE_LOAD,
        live: LIVE,
        fixedQuery: params.get('fixed') === '1',
        liveFilter,
        post: fromSession,
      })
    : undefined;
if (harness) void harness.start();

// ---- install -------------------------------------------------------------------------------------------

const hooks: FakeHostHooks = {
  log: [],
  setTheme,
  post: (msg) => window.dispatchEvent(new MessageEvent('message', { data: msg })),
  savedView: () => savedView,
  state: () => (harness ? sessionState : panelState()),
  rows: N,
  failNext: (method, code, message) => {
    const queue = failures.get(method) ?? [];
    queue.push({ code, message });
    failures.set(method, queue);
  },
};
window.__fakeHost = hooks;
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});

let acquired = false;
(window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => {
  if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
  acquired = true;
  return {
    postMessage: (msg: unknown) => {
      // Structured clone, like the real postMessage: no shared objects between the two sides.
      const copy = structuredClone(msg) as IpcMessage;
      setTimeout(() => handle(copy), 0);
    },
    getState: () => {
      const s = sessionStorage.getItem(STATE_KEY);
      return s ? (JSON.parse(s) as unknown) : undefined;
    },
    setState: <T>(s: T): T => {
      sessionStorage.setItem(STATE_KEY, JSON.stringify(s));
      return s;
    },
  };
};

const theme = params.get('theme');
setTheme(theme === 'light' || theme === 'hc' || theme === 'hcLight' ? theme : 'dark');
