/**
 * CloudTrail record → normalized columns. Runs once per event at load time, in the loader's worker
 * threads, straight into a BatchBuilder: no AuditEvent object is ever made for a file event.
 */
import type { BatchBuilder } from '../../core/batch';
import type { AuditEvent, Outcome } from '../../core/event';
import { idKey } from '../../core/idIndex';
import { parseIsoTime } from '../../core/time';

/**
 * Raw paths copied into columns at load, because people filter and facet on them all the time;
 * any other raw path is read from the raw bytes the first time someone asks for it.
 */
export const EXTRACTED_PATHS = [
  'eventType',
  'eventCategory',
  'readOnly',
  'eventVersion',
  'managementEvent',
  'errorMessage',
  'userIdentity.type',
  'userIdentity.arn',
  'userIdentity.accessKeyId',
  'userIdentity.userName',
  'userIdentity.sessionContext.sessionIssuer.userName',
  'userIdentity.accountId',
  // What credential-minting events minted (core/credentialMints.ts, session chains): read at load,
  // because reading them later means inflating every file again to find a few thousand events.
  'userIdentity.sessionContext.sourceIdentity',
  'responseElements.credentials.accessKeyId',
  'responseElements.assumedRoleUser.arn',
  'responseElements.federatedUser.arn',
  'responseElements.accessKey.accessKeyId',
  'responseElements.accessKey.userName',
  // Sigma's "AssumeRole misuse" rule tests it on every assumed-role event: as a column that is one
  // pass over a byte per event, instead of re-reading a large share of all records.
  'userIdentity.sessionContext.sessionIssuer.type',
] as const;

type Rec = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function obj(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

/** True when the object carries at least one field every CloudTrail event has. */
export function looksLikeEvent(r: Rec): boolean {
  return (
    'eventName' in r || 'eventTime' in r || 'eventID' in r || 'eventSource' in r || 'insightDetails' in r
  );
}

/** Who did it, in the most specific form the record offers. */
export function actorOf(r: Rec): string {
  const ui = obj(r.userIdentity);
  if (!ui) return '';
  if (ui.type === 'AWSService') return str(ui.invokedBy) ?? str(ui.principalId) ?? 'AWSService';
  const issuer = obj(obj(ui.sessionContext)?.sessionIssuer);
  return (
    str(ui.arn) ??
    str(ui.userName) ??
    str(ui.invokedBy) ??
    str(obj(ui.onBehalfOf)?.userId) ??
    str(issuer?.arn) ??
    str(ui.principalId) ??
    str(ui.type) ??
    ''
  );
}

export function outcomeOf(r: Rec): { outcome: Outcome; error?: string } {
  const code = str(r.errorCode);
  if (code) return { outcome: 'failure', error: code };
  const login = obj(r.responseElements)?.ConsoleLogin;
  if (login === 'Failure') return { outcome: 'failure', error: str(r.errorMessage) ?? 'ConsoleLogin failure' };
  if (r.eventCategory === 'Insight' || r.eventType === 'AwsCloudTrailInsight') return { outcome: 'unknown' };
  return { outcome: 'success' };
}

export function resourcesOf(r: Rec): string[] | undefined {
  if (!Array.isArray(r.resources)) return undefined;
  const out: string[] = [];
  for (const res of r.resources) {
    const o = obj(res);
    const arn = o ? (str(o.ARN) ?? str(o.arn)) : undefined;
    if (arn) out.push(arn);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Where an event's time is read from, first readable wins: CloudTrail's `eventTime`, then
 * `@timestamp`, which exports through Elastic/OpenSearch/Logstash carry (some without eventTime).
 * Both must be ISO 8601 / RFC 3339 (core/time.ts); anything else leaves the event untimed.
 */
export const TIME_FIELDS = ['eventTime', '@timestamp'] as const;

/** The event's time (NaN when none is readable) and, when a time field was there but unreadable, its text. */
export function timeOf(r: Rec): { time: number; unreadable?: string } {
  let unreadable: string | undefined;
  for (const f of TIME_FIELDS) {
    const v = r[f];
    if (v === undefined || v === null || v === '') continue;
    const t = typeof v === 'string' ? parseIsoTime(v) : NaN;
    if (!Number.isNaN(t)) return { time: t };
    unreadable ??= typeof v === 'string' ? v : JSON.stringify(v);
  }
  return unreadable === undefined ? { time: NaN } : { time: NaN, unreadable };
}

/** Where the S3 key says an event came from, for records that do not say it themselves. */
export interface PathHints {
  account?: string;
  region?: string;
}

const S3_KEY = /AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/CloudTrail(?:-Insight)?\/([a-z0-9-]+)\//;

export function hintsFromPath(path: string): PathHints {
  const m = S3_KEY.exec(path.replace(/\\/g, '/'));
  return m ? { account: m[1], region: m[2] } : {};
}

/** The normalized event (for callers that want the object, e.g. live results and tests). */
export function normalizeCloudTrail(r: Rec, hints: PathHints = {}): AuditEvent {
  const insight = obj(r.insightDetails);
  const { outcome, error } = outcomeOf(r);
  const ev: AuditEvent = {
    id: str(r.eventID) ?? '',
    time: timeOf(r).time,
    provider: 'cloudtrail',
    account: str(r.recipientAccountId) ?? str(obj(r.userIdentity)?.accountId) ?? hints.account ?? '',
    action: str(r.eventName) ?? str(insight?.eventName) ?? '',
    actor: actorOf(r),
    outcome,
    raw: r,
  };
  const service = str(r.eventSource) ?? str(insight?.eventSource);
  if (service) ev.service = service;
  const region = str(r.awsRegion) ?? hints.region;
  if (region) ev.region = region;
  const ip = str(r.sourceIPAddress);
  if (ip) ev.sourceIp = ip;
  const ua = str(r.userAgent);
  if (ua) ev.userAgent = ua;
  if (error) ev.error = error;
  const resources = resourcesOf(r);
  if (resources) ev.resources = resources;
  return ev;
}

/** Column indices of a CloudTrail batch, resolved once per batch. */
export class CloudTrailColumns {
  readonly id: number;
  readonly account: number;
  readonly action: number;
  readonly actor: number;
  readonly service: number;
  readonly region: number;
  readonly sourceIp: number;
  readonly userAgent: number;
  readonly outcome: number;
  readonly error: number;
  readonly resources: number;
  readonly extracted: number[];
  /** Events whose time field was there but not a timestamp (kept, untimed): for the file's problems. */
  unreadableTimes = 0;
  firstUnreadableTime: string | undefined;

  constructor(
    readonly builder: BatchBuilder,
    source: string,
  ) {
    builder.constant('provider', 'cloudtrail');
    builder.constant('source', source);
    this.id = builder.column('id');
    this.account = builder.column('account');
    this.action = builder.column('action');
    this.actor = builder.column('actor');
    this.service = builder.column('service');
    this.region = builder.column('region');
    this.sourceIp = builder.column('sourceIp');
    this.userAgent = builder.column('userAgent');
    this.outcome = builder.column('outcome');
    this.error = builder.column('error');
    this.resources = builder.column('resources', 'list');
    this.extracted = EXTRACTED_PATHS.map((p) => builder.column(p));
  }

  /** Adds one record whose raw bytes are already in the batch at (seg, start, end). */
  add(r: Rec, seg: number, start: number, end: number, hints: PathHints): void {
    const b = this.builder;
    const ev = normalizeCloudTrail(r, hints);
    if (Number.isNaN(ev.time)) {
      const bad = timeOf(r).unreadable;
      if (bad !== undefined) {
        this.unreadableTimes++;
        this.firstUnreadableTime ??= bad;
      }
    }
    b.begin(seg, start, end, ev.time);
    // The typed key, not ev.id: the number 12345 and the string "12345" are different events.
    b.set(this.id, idKey(r.eventID));
    b.set(this.account, ev.account);
    b.set(this.action, ev.action);
    b.set(this.actor, ev.actor);
    b.set(this.service, ev.service);
    b.set(this.region, ev.region);
    b.set(this.sourceIp, ev.sourceIp);
    b.set(this.userAgent, ev.userAgent);
    b.set(this.outcome, ev.outcome);
    b.set(this.error, ev.error);
    b.setList(this.resources, ev.resources);
    const ui = obj(r.userIdentity);
    const ex = this.extracted;
    b.set(ex[0], str(r.eventType));
    b.set(ex[1], str(r.eventCategory));
    b.set(ex[2], str(r.readOnly));
    b.set(ex[3], str(r.eventVersion));
    b.set(ex[4], str(r.managementEvent));
    b.set(ex[5], str(r.errorMessage));
    if (ui) {
      b.set(ex[6], str(ui.type));
      b.set(ex[7], str(ui.arn));
      b.set(ex[8], str(ui.accessKeyId));
      b.set(ex[9], str(ui.userName));
      const issuer = obj(obj(ui.sessionContext)?.sessionIssuer);
      b.set(ex[10], str(issuer?.userName));
      b.set(ex[18], str(issuer?.type));
      b.set(ex[11], str(ui.accountId));
      const ctx = obj(ui.sessionContext);
      if (ctx) b.set(ex[12], str(ctx.sourceIdentity));
    }
    const resp = obj(r.responseElements);
    if (resp) {
      const creds = obj(resp.credentials);
      if (creds) b.set(ex[13], str(creds.accessKeyId));
      const role = obj(resp.assumedRoleUser);
      if (role) b.set(ex[14], str(role.arn));
      const fed = obj(resp.federatedUser);
      if (fed) b.set(ex[15], str(fed.arn));
      const key = obj(resp.accessKey);
      if (key) {
        b.set(ex[16], str(key.accessKeyId));
        b.set(ex[17], str(key.userName));
      }
    }
  }
}
