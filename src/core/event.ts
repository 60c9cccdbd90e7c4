/**
 * The one normalized shape every source maps into. Columns in the table, filters and facets are
 * paths into this shape or into `raw`, so nothing a source sends is ever out of reach.
 */

export type Outcome = 'success' | 'failure' | 'unknown';

export interface AuditEvent {
  /** The provider's event id (CloudTrail eventID, cpln id, Cloudflare uuid…); '' when the record has none. */
  id: string;
  /** Epoch milliseconds, UTC; NaN when the record carries no readable time. */
  time: number;
  /**
   * The id of the source that produced it ('cloudtrail', 'conformity', …): data, an open string,
   * since the providers are a list above core (providers/registry.ts) that core cannot see.
   */
  provider: string;
  /** AWS account, Conformity account id, Exoscale org, Cloudflare account, cpln org. */
  account: string;
  action: string;
  /** ARN / user name / email / API key name; '' when unknown. */
  actor: string;
  service?: string;
  region?: string;
  sourceIp?: string;
  userAgent?: string;
  outcome: Outcome;
  error?: string;
  resources?: string[];
  /** The record exactly as received: nothing is lost. */
  raw: unknown;
}

/**
 * Normalized string fields held as dictionary-encoded columns in the store. `source` names where the
 * event came from (a file set or a live account), so several sources can share one timeline.
 */
export const STRING_FIELDS = [
  'id',
  'provider',
  'account',
  'action',
  'actor',
  'service',
  'region',
  'sourceIp',
  'userAgent',
  'outcome',
  'error',
  'source',
] as const;
export type StringField = (typeof STRING_FIELDS)[number];

/** Multi-valued normalized fields: a filter matches when any element matches. */
export const LIST_FIELDS = ['resources'] as const;
export type ListField = (typeof LIST_FIELDS)[number];

export type NormalizedField = StringField | ListField | 'time';
export const NORMALIZED_FIELDS: readonly NormalizedField[] = ['time', ...STRING_FIELDS, ...LIST_FIELDS];

export function isNormalizedField(name: string): name is NormalizedField {
  return (NORMALIZED_FIELDS as readonly string[]).includes(name);
}

/**
 * The CloudTrail record names users already know, mapped onto the normalized fields they fill, so
 * `eventName:Delete*` is as fast as `action:Delete*` and means the same thing.
 */
export const FIELD_ALIASES: Readonly<Record<string, NormalizedField>> = {
  eventID: 'id',
  eventTime: 'time',
  eventName: 'action',
  eventSource: 'service',
  awsRegion: 'region',
  sourceIPAddress: 'sourceIp',
  errorCode: 'error',
  recipientAccountId: 'account',
  'resources.ARN': 'resources',
};

/** Resolves a user-typed field name to a normalized field, case-insensitively; undefined for raw paths. */
export function resolveField(name: string): NormalizedField | undefined {
  const path = name.startsWith('raw.') ? undefined : name;
  if (path === undefined) return undefined;
  const lower = path.toLowerCase();
  for (const f of NORMALIZED_FIELDS) if (f.toLowerCase() === lower) return f;
  for (const [alias, f] of Object.entries(FIELD_ALIASES)) if (alias.toLowerCase() === lower) return f;
  return undefined;
}

/**
 * Short names for raw paths people group and filter on often. Unlike FIELD_ALIASES these are not
 * normalized fields: the store resolves them as the raw path itself (a column extracted on first use).
 */
export const PATH_ALIASES: Readonly<Record<string, string>> = {
  accessKey: 'userIdentity.accessKeyId',
};

/** The raw path a short name stands for (case-insensitively), else the name unchanged. */
export function aliasedPath(name: string): string {
  const lower = name.toLowerCase();
  for (const [alias, path] of Object.entries(PATH_ALIASES)) if (alias.toLowerCase() === lower) return path;
  return name;
}
