// Listing a trail's bucket: one ListObjectsV2 prefix with every page (continuation tokens), the
// layout's folders level by level, and the account's trails (DescribeTrails) to know where to look.
// providers/ never imports vscode.
import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { HeadBucketCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { ApiError } from '../../core/errors';
import { toApiError } from '../awsCloudtrail/errors';
import { bucketRegionOf, S3_PROVIDER_NAME, s3Url } from './errors';
import {
  ACCOUNT_RE,
  INSIGHT_FOLDER,
  LOGS_FOLDER,
  ORG_RE,
  lastSegment,
  parsePath,
  pathOf,
  prefixOf,
  type LevelChild,
  type LevelKind,
  type ParsedPath,
  type TrailLocation,
} from './layout';
import type { S3TrailSession } from './session';

export interface ListOptions {
  signal?: AbortSignal;
  /** Keys per page (S3 caps it at 1000, its default); tests use tiny pages to exercise paging. */
  maxKeys?: number;
}

export interface ListedObject {
  key: string;
  size: number;
}

export interface Listing {
  objects: ListedObject[];
  /** Folder prefixes (with a delimiter), in S3's order. */
  folders: string[];
  pages: number;
}

/** Every page of one prefix. A continuation token seen twice stops paging with a paging-loop error. */
export async function listAll(
  session: S3TrailSession,
  target: { bucket: string; prefix: string; bucketRegion?: string; delimiter?: string },
  opts: ListOptions = {},
): Promise<Listing> {
  const out: Listing = { objects: [], folders: [], pages: 0 };
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const input = {
      Bucket: target.bucket,
      Prefix: target.prefix,
      ...(target.delimiter ? { Delimiter: target.delimiter } : {}),
      ...(opts.maxKeys ? { MaxKeys: opts.maxKeys } : {}),
      ...(token ? { ContinuationToken: token } : {}),
    };
    const page: ListObjectsV2CommandOutput = await session.send(
      'ListObjectsV2',
      { bucket: target.bucket, key: target.prefix, region: target.bucketRegion },
      (c) => c.send(new ListObjectsV2Command(input), { abortSignal: opts.signal }),
      (o) => `${o.KeyCount ?? 0} keys${o.IsTruncated ? ', more' : ''}`,
    );
    out.pages++;
    for (const o of page.Contents ?? []) if (o.Key !== undefined) out.objects.push({ key: o.Key, size: o.Size ?? 0 });
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) out.folders.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken || undefined : undefined;
    if (page.IsTruncated && token === undefined) {
      throw new ApiError({
        kind: 'invalid-response',
        provider: S3_PROVIDER_NAME,
        url: s3Url({ bucket: target.bucket, key: target.prefix }),
        page: out.pages,
        message: `S3 said the listing of ${s3Url({ bucket: target.bucket, key: target.prefix })} continues but sent no continuation token (page ${out.pages}).`,
      });
    }
    if (token !== undefined) {
      if (seen.has(token)) {
        throw new ApiError({
          kind: 'paging-loop',
          provider: S3_PROVIDER_NAME,
          url: s3Url({ bucket: target.bucket, key: target.prefix }),
          page: out.pages + 1,
          message: `S3 repeated a continuation token while listing ${s3Url({ bucket: target.bucket, key: target.prefix })} (page ${out.pages + 1}); stopped to avoid a loop.`,
        });
      }
      seen.add(token);
    }
  } while (token !== undefined);
  return out;
}

function badPath(location: TrailLocation, path: readonly string[], why: string): ApiError {
  return new ApiError({
    kind: 'bad-request',
    provider: S3_PROVIDER_NAME,
    url: `s3://${location.bucket}/`,
    message: `Not a folder of the CloudTrail layout: AWSLogs/${path.join('/')} (${why}). The layout is AWSLogs/[o-org id/]<12-digit account>/CloudTrail/<region>/YYYY/MM/DD/.`,
  });
}

/**
 * The folders one level below `path` (segments below AWSLogs/: [org?, account, region, year, month]),
 * kinds read from the layout. Below the root: organization ids (org trails) and accounts; below an
 * account: its regions under CloudTrail/ and, marked `insights`, under CloudTrail-Insight/;
 * then years, months, days. Digest folders and anything outside the layout are left out. A day
 * folder holds files, not folders: [] .
 */
export async function listLevel(session: S3TrailSession, location: TrailLocation, path: readonly string[], opts: ListOptions = {}): Promise<LevelChild[]> {
  const parsed = parsePath(path);
  if (typeof parsed === 'string') throw badPath(location, path, parsed);
  if (parsed.day !== undefined) return [];
  const list = (prefix: string) => listAll(session, { bucket: location.bucket, prefix, bucketRegion: location.bucketRegion, delimiter: '/' }, opts);
  const children: LevelChild[] = [];
  const add = (next: ParsedPath, kind: LevelKind, name: string, insights?: boolean) => {
    children.push({ name, kind, prefix: prefixOf(location, next), path: pathOf(next), ...(insights ? { insights: true } : {}) });
  };

  if (parsed.account === undefined) {
    const listing = await list(prefixOf(location, parsed));
    for (const f of listing.folders) {
      const name = lastSegment(f);
      if (!parsed.org && ORG_RE.test(name)) add({ org: name }, 'org', name);
      else if (ACCOUNT_RE.test(name)) add({ ...parsed, account: name }, 'account', name);
    }
    return children;
  }
  if (parsed.region === undefined) {
    const folders = parsed.folder ? [parsed.folder] : [LOGS_FOLDER, INSIGHT_FOLDER];
    for (const folder of folders) {
      const listing = await list(prefixOf(location, { ...parsed, folder }));
      for (const f of listing.folders) {
        const region = lastSegment(f);
        add({ ...parsed, folder, region }, 'region', region, folder === INSIGHT_FOLDER);
      }
    }
    return children;
  }
  const listing = await list(prefixOf(location, parsed));
  const insights = parsed.folder === INSIGHT_FOLDER;
  for (const f of listing.folders) {
    const name = lastSegment(f);
    if (parsed.year === undefined) {
      if (/^\d{4}$/.test(name)) add({ ...parsed, year: name }, 'year', name, insights);
    } else if (parsed.month === undefined) {
      if (/^(0[1-9]|1[0-2])$/.test(name)) add({ ...parsed, month: name }, 'month', name, insights);
    } else if (/^(0[1-9]|[12]\d|3[01])$/.test(name)) {
      add({ ...parsed, day: name }, 'day', name, insights);
    }
  }
  return children;
}

/** A trail as DescribeTrails tells it: where its logs go. */
export interface TrailInfo {
  name: string;
  arn?: string;
  bucket: string;
  /** The S3KeyPrefix ('' when none). */
  prefix: string;
  isOrganizationTrail: boolean;
  isMultiRegionTrail: boolean;
  homeRegion?: string;
  /** Set when logs are encrypted with SSE-KMS: reading them also needs kms:Decrypt on it. */
  kmsKeyId?: string;
}

/**
 * The trails visible from `region` (DescribeTrails, shadow trails of multi-region and organization
 * trails included: they name the same bucket). Trails without a bucket are left out.
 */
export async function discoverTrails(session: S3TrailSession, region: string = session.defaultRegion, signal?: AbortSignal): Promise<TrailInfo[]> {
  const started = performance.now();
  const ctx = { operation: 'DescribeTrails', region, url: session.cloudTrailUrl(region), credentials: session.creds, redact: session.redact };
  let out;
  try {
    out = await session.cloudTrail(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal: signal });
  } catch (e) {
    const err = toApiError(e, ctx);
    session.log(`DescribeTrails ${region} → ${err.status ?? err.kind} in ${Math.round(performance.now() - started)} ms: ${err.message}`);
    throw err;
  }
  session.log(`DescribeTrails ${region} → ${out.$metadata.httpStatusCode ?? '?'} in ${Math.round(performance.now() - started)} ms (${out.trailList?.length ?? 0} trails)`);
  const seen = new Set<string>();
  const trails: TrailInfo[] = [];
  for (const t of out.trailList ?? []) {
    if (!t.S3BucketName) continue;
    const id = t.TrailARN ?? `${t.Name}\u0000${t.S3BucketName}`;
    if (seen.has(id)) continue;
    seen.add(id);
    trails.push({
      name: t.Name ?? t.TrailARN ?? '(unnamed trail)',
      ...(t.TrailARN ? { arn: t.TrailARN } : {}),
      bucket: t.S3BucketName,
      prefix: t.S3KeyPrefix ?? '',
      isOrganizationTrail: t.IsOrganizationTrail === true,
      isMultiRegionTrail: t.IsMultiRegionTrail === true,
      ...(t.HomeRegion ? { homeRegion: t.HomeRegion } : {}),
      ...(t.KmsKeyId ? { kmsKeyId: t.KmsKeyId } : {}),
    });
  }
  return trails;
}

/**
 * The region a bucket lives in (HeadBucket answers it, and S3 names it in a wrong-region error), so
 * a bucket can be added without knowing it; undefined when S3 will not say (no access, no bucket).
 */
export async function findBucketRegion(session: S3TrailSession, bucket: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const r = await session.s3().send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
    return r.BucketRegion ?? session.defaultRegion;
  } catch (e) {
    return bucketRegionOf(e);
  }
}
