// The key layout CloudTrail writes into its bucket, as pure functions (no network):
//   [<trail prefix>/]AWSLogs/[<o-org id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz
//   …/<account>/CloudTrail-Insight/<region>/YYYY/MM/DD/…   Insights events (same record format)
//   …/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/…    digests: hashes, never events
// Other services (Config, VPC flow logs, ELB) may share AWSLogs/<account>/ in the same bucket, so
// only the folders above are followed. providers/ never imports vscode.

export type LevelKind = 'org' | 'account' | 'region' | 'year' | 'month' | 'day';

/** Where a trail delivers: the bucket and the trail's S3KeyPrefix ('' or undefined when none). */
export interface TrailLocation {
  bucket: string;
  prefix?: string;
  /** The bucket's region when known (else the session's default region signs the requests). */
  bucketRegion?: string;
}

/** One folder of the layout. */
export interface LevelChild {
  /** The folder's own name (an org id, an account, a region, "2025", "03", "06"). */
  name: string;
  kind: LevelKind;
  /** The full key prefix, ending in '/'. */
  prefix: string;
  /** The segments below AWSLogs/ to pass to listLevel for this folder's children. */
  path: string[];
  /** A region folder of CloudTrail-Insight/ (Insights events) rather than CloudTrail/. */
  insights?: boolean;
}

export const ORG_RE = /^o-[a-z0-9]{4,32}$/;
export const ACCOUNT_RE = /^\d{12}$/;
const YEAR_RE = /^\d{4}$/;
const MONTH_RE = /^(0[1-9]|1[0-2])$/;
const DAY_RE = /^(0[1-9]|[12]\d|3[01])$/;
export const LOGS_FOLDER = 'CloudTrail' as const;
export const INSIGHT_FOLDER = 'CloudTrail-Insight' as const;
export const DIGEST_FOLDER = 'CloudTrail-Digest';

/** The trail prefix without leading/trailing slashes ('' when none). */
export function cleanPrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/^\/+|\/+$/g, '');
}

/** `<prefix>/AWSLogs/` (or `AWSLogs/`). */
export function awsLogsRoot(location: TrailLocation): string {
  const p = cleanPrefix(location.prefix);
  return `${p ? `${p}/` : ''}AWSLogs/`;
}

/**
 * What a path (segments below AWSLogs/) points at, read by the layout. `path` may name the
 * 'CloudTrail' / 'CloudTrail-Insight' segment or leave it out after the account.
 */
export interface ParsedPath {
  org?: string;
  account?: string;
  folder?: typeof LOGS_FOLDER | typeof INSIGHT_FOLDER;
  region?: string;
  year?: string;
  month?: string;
  day?: string;
}

export function parsePath(path: readonly string[]): ParsedPath | string {
  const segs = path.map((s) => s.replace(/^\/+|\/+$/g, '')).filter((s) => s !== '');
  const out: ParsedPath = {};
  let i = 0;
  if (i < segs.length && ORG_RE.test(segs[i])) out.org = segs[i++];
  if (i < segs.length) {
    if (!ACCOUNT_RE.test(segs[i])) return `"${segs[i]}" is not a 12-digit AWS account id${out.org ? '' : ' or an organization id (o-…)'}`;
    out.account = segs[i++];
  }
  if (i < segs.length && (segs[i] === LOGS_FOLDER || segs[i] === INSIGHT_FOLDER)) out.folder = segs[i++] as ParsedPath['folder'];
  if (i < segs.length) {
    if (segs[i] === DIGEST_FOLDER) return 'CloudTrail-Digest folders hold digests (hashes of log files), not events';
    out.region = segs[i++];
  }
  const parts: Array<['year' | 'month' | 'day', RegExp]> = [
    ['year', YEAR_RE],
    ['month', MONTH_RE],
    ['day', DAY_RE],
  ];
  for (const [field, re] of parts) {
    if (i >= segs.length) break;
    if (!re.test(segs[i])) return `"${segs[i]}" is not a ${field} folder (${field === 'year' ? 'YYYY' : field === 'month' ? 'MM' : 'DD'})`;
    out[field] = segs[i++];
  }
  if (i < segs.length) return `the layout ends at the day folder; "${segs.slice(i).join('/')}" is below it`;
  return out;
}

/** The key prefix for a parsed path (up to the deepest level it names). */
export function prefixOf(location: TrailLocation, p: ParsedPath): string {
  let key = awsLogsRoot(location);
  if (p.org) key += `${p.org}/`;
  if (!p.account) return key;
  key += `${p.account}/`;
  if (!p.region) return p.folder ? `${key}${p.folder}/` : key;
  key += `${p.folder ?? LOGS_FOLDER}/${p.region}/`;
  for (const part of [p.year, p.month, p.day]) {
    if (part === undefined) break;
    key += `${part}/`;
  }
  return key;
}

/** The path segments (for LevelChild.path) of a parsed path. */
export function pathOf(p: ParsedPath): string[] {
  const out: string[] = [];
  if (p.org) out.push(p.org);
  if (p.account) out.push(p.account);
  if (p.region) out.push(p.folder ?? LOGS_FOLDER, p.region);
  for (const part of [p.year, p.month, p.day]) if (part !== undefined) out.push(part);
  return out;
}

/** The folder name of a common prefix ("a/b/c/" → "c"). */
export function lastSegment(prefix: string): string {
  const t = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return t.slice(t.lastIndexOf('/') + 1);
}

// ---- days ----

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** A longer range is almost certainly a typo (and would mean tens of thousands of listings). */
export const MAX_DAYS = 3660;

/** Epoch ms of a 'YYYY-MM-DD' (UTC), or undefined when it is not a real date. */
export function parseDay(text: string): number | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2025-02-30 over to March; a real date survives the round trip.
  return new Date(t).toISOString().slice(0, 10) === text.trim() ? t : undefined;
}

function ymd(t: number): [string, string, string] {
  const s = new Date(t).toISOString();
  return [s.slice(0, 4), s.slice(5, 7), s.slice(8, 10)];
}

/**
 * The prefixes below `regionPrefix` (…/CloudTrail/<region>/) covering the inclusive UTC days
 * from..to: whole months as one month prefix (one listing instead of up to 31), the rest as days.
 */
export function dayPrefixes(regionPrefix: string, from: number, to: number): string[] {
  const out: string[] = [];
  let t = from;
  while (t <= to) {
    const d = new Date(t);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY_MS;
    const [y, m, dd] = ymd(t);
    if (t === monthStart && monthEnd <= to) {
      out.push(`${regionPrefix}${y}/${m}/`);
      t = monthEnd + DAY_MS;
    } else {
      out.push(`${regionPrefix}${y}/${m}/${dd}/`);
      t += DAY_MS;
    }
  }
  return out;
}

export { DAY_MS };
