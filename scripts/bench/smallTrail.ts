/**
 * The many-small-files data set: what a real multi-account, multi-region trail looks like in S3.
 * Quiet regions deliver a file every few minutes holding a handful of events, so a week of an
 * organization trail is thousands of files of 1–50 events (long-tailed: most hold a few, some
 * dozens), with a CloudTrail-Digest folder beside each account's logs that the loader must skip.
 * Per-file costs (open, stat, gunzip set-up, a worker message, a batch) dominate here, where the
 * big-file set measures throughput.
 *
 *   AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16>.json.gz
 *   AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<home>_<YYYYMMDDTHHMMSSZ>.json.gz
 *
 * Deterministic: the same file count, seed and samples give byte-identical files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Rng } from '../../src/samples/prng';
import {
  type Dataset,
  DEFAULT_SEED,
  defaultCacheRoot,
  ensureEntry,
  eventTime,
  IP_POOL_SIZE,
  ipv4,
  LOGS_DIR,
  loadSamples,
  type Manifest,
  writeManifest,
  pad2,
  type Samples,
  Slot,
  SPAN_MS,
  START_MS,
  type Template,
} from './generate';

/** Bump when the output for a given (files, seed, samples) changes. */
export const SMALL_GENERATOR_VERSION = 1;
/** About the SANS-504 lab trail's 3,872 files. */
export const DEFAULT_SMALL_FILES = 4000;
export const MAX_EVENTS_PER_FILE = 50;
/**
 * P(a file holds ≥ k events) = k^-0.8, cut at 50: half the files hold one or two events, one in
 * twenty holds 40 or more, about 7 a file on average (the SANS trail has 8).
 */
const TAIL_EXPONENT = 0.8;

const ACCOUNTS: ReadonlyArray<readonly [string, number]> = [
  ['111122223333', 6],
  ['444455556666', 3],
  ['777788889999', 1],
];
// Most calls land in the home region; every enabled region still delivers files.
const REGIONS: ReadonlyArray<readonly [string, number]> = [
  ['us-east-1', 30],
  ['eu-west-1', 10],
  ['us-west-2', 8],
  ...['us-east-2', 'us-west-1', 'eu-central-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'].map(
    (r) => [r, 2] as const,
  ),
];
const TRAIL = 'organization-trail';
const HOME_REGION = 'us-east-1';
const BUCKET = 'aws-cloudtrail-logs-111122223333-bench';

export function smallEntryName(files: number, seed: number): string {
  return `small-${files}-${seed}-v${SMALL_GENERATOR_VERSION}`;
}

export interface SmallDatasetOptions {
  dataDir: string;
  /** Log files to write (digests come on top). */
  files: number;
  seed?: number;
  cacheRoot?: string;
  onProgress?: (message: string) => void;
}

export async function ensureSmallDataset(options: SmallDatasetOptions): Promise<Dataset> {
  const seed = options.seed ?? DEFAULT_SEED;
  const { files } = options;
  if (!Number.isSafeInteger(files) || files < 1) throw new Error(`files must be a positive integer, got ${files}`);
  const progress = options.onProgress ?? ((): void => undefined);
  const samples = loadSamples(options.dataDir, true);
  return ensureEntry(
    {
      root: options.cacheRoot ?? defaultCacheRoot(),
      name: smallEntryName(files, seed),
      matches: (m) =>
        m.kind === 'small' && m.version === SMALL_GENERATOR_VERSION && m.filesRequested === files && m.seed === seed && m.samplesFingerprint === samples.fingerprint,
      write: (dir) => Promise.resolve(writeSmallTrail(dir, samples, files, seed, progress)),
    },
    progress,
    `a ${files.toLocaleString('en-US')}-file multi-account, multi-region trail`,
  );
}

interface PlannedFile {
  account: string;
  region: string;
  deliveredMs: number;
  events: number;
}

function weighted(items: ReadonlyArray<readonly [string, number]>, rng: Rng): string {
  return rng.weighted(items, (x) => x[1])[0];
}

/** 1..MAX_EVENTS_PER_FILE, long-tailed (see TAIL_EXPONENT). */
function eventsInFile(rng: Rng): number {
  const u = 1 - rng.float(); // (0, 1]
  return Math.min(MAX_EVENTS_PER_FILE, Math.floor(u ** (-1 / TAIL_EXPONENT)));
}

function stampOf(ms: number, seconds: boolean): { y: string; mo: string; d: string; stamp: string } {
  const t = new Date(ms);
  const y = String(t.getUTCFullYear());
  const mo = pad2(t.getUTCMonth() + 1);
  const d = pad2(t.getUTCDate());
  const hm = `${pad2(t.getUTCHours())}${pad2(t.getUTCMinutes())}${seconds ? pad2(t.getUTCSeconds()) : ''}`;
  return { y, mo, d, stamp: `${y}${mo}${d}T${hm}Z` };
}

const DELIVERY_LAG_MS = 60_000;
const FILE_WINDOW_MS = 5 * 60_000;
const HOUR_MS = 3600_000;

function writeSmallTrail(dir: string, samples: Samples, files: number, seed: number, progress: (m: string) => void): Manifest {
  const started = performance.now();
  const rng = new Rng(seed).fork('small-trail');
  // Records are moved to the file's account and region; one without an awsRegion would take its
  // region from the path in some readers and not in others, so those samples sit this set out.
  const templates: Template[] = samples.templates.filter((t) => t.slots.includes(Slot.Region));
  if (templates.length === 0) throw new Error('no sample record has an awsRegion');
  const ipPool: string[] = Array.from({ length: IP_POOL_SIZE }, () => ipv4(rng));

  const plan: PlannedFile[] = [];
  for (let f = 0; f < files; f++) {
    plan.push({
      account: weighted(ACCOUNTS, rng),
      region: weighted(REGIONS, rng),
      // Every event of the file lies inside the span.
      deliveredMs: START_MS + FILE_WINDOW_MS + DELIVERY_LAG_MS + Math.floor(rng.float() * (SPAN_MS - FILE_WINDOW_MS - DELIVERY_LAG_MS)),
      events: eventsInFile(rng),
    });
  }
  plan.sort((a, b) => a.deliveredMs - b.deliveredMs);

  const madeDirs = new Set<string>();
  const folder = (...parts: string[]): string => {
    const p = join(dir, LOGS_DIR, ...parts);
    if (!madeDirs.has(p)) {
      mkdirSync(p, { recursive: true });
      madeDirs.add(p);
    }
    return p;
  };
  const names = new Set<string>();
  // (account, region, hour) → the keys of its log files, for that hour's digest.
  const digestHours = new Map<string, { account: string; region: string; hourMs: number; keys: string[] }>();
  let uncompressedBytes = 0;
  let compressedBytes = 0;
  let records = 0;
  let expected = 0;

  for (let f = 0; f < plan.length; f++) {
    const p = plan[f];
    const windowEnd = p.deliveredMs - DELIVERY_LAG_MS;
    const times = new Float64Array(p.events);
    for (let i = 0; i < times.length; i++) times[i] = windowEnd - rng.float() * FILE_WINDOW_MS;
    times.sort();
    const out: string[] = new Array<string>(times.length);
    for (let i = 0; i < times.length; i++) {
      const t = templates[rng.int(templates.length)];
      if (t.deleteEvent && p.region === 'us-east-1') expected++;
      let s = t.parts[0];
      for (let k = 0; k < t.slots.length; k++) {
        const slot = t.slots[k];
        const v =
          slot === Slot.Id
            ? rng.uuid()
            : slot === Slot.Time
              ? eventTime(times[i])
              : slot === Slot.Account
                ? p.account
                : slot === Slot.Region
                  ? p.region
                  : ipPool[Math.floor(IP_POOL_SIZE * rng.float() ** 3)];
        s += '"' + v + '"' + t.parts[k + 1];
      }
      out[i] = s;
    }
    records += times.length;

    const { y, mo, d, stamp } = stampOf(p.deliveredMs, false);
    let name: string;
    do {
      name = `${p.account}_CloudTrail_${p.region}_${stamp}_${rng.alnum(16)}.json.gz`;
    } while (names.has(name));
    names.add(name);
    const body = Buffer.from('{"Records":[' + out.join(',') + ']}', 'utf8');
    const gz = gzipSync(body, { level: 6 });
    uncompressedBytes += body.length;
    compressedBytes += gz.length;
    writeFileSync(join(folder(p.account, 'CloudTrail', p.region, y, mo, d), name), gz);

    const hourMs = Math.floor(p.deliveredMs / HOUR_MS) * HOUR_MS;
    const hourKey = `${p.account}/${p.region}/${hourMs}`;
    let hour = digestHours.get(hourKey);
    if (hour === undefined) digestHours.set(hourKey, (hour = { account: p.account, region: p.region, hourMs, keys: [] }));
    hour.keys.push(`AWSLogs/${p.account}/CloudTrail/${p.region}/${y}/${mo}/${d}/${name}`);
    if ((f + 1) % 1000 === 0) progress(`generated ${f + 1} / ${files} small files (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  // One digest an hour for each account and region that delivered logs in it, as CloudTrail does.
  for (const h of digestHours.values()) {
    const end = h.hourMs + HOUR_MS;
    const { y, mo, d, stamp } = stampOf(end + 30_000 + rng.int(600_000), true);
    const name = `${h.account}_CloudTrail-Digest_${h.region}_${TRAIL}_${HOME_REGION}_${stamp}.json.gz`;
    const digest = {
      awsAccountId: h.account,
      digestStartTime: new Date(h.hourMs).toISOString().slice(0, 19) + 'Z',
      digestEndTime: new Date(end).toISOString().slice(0, 19) + 'Z',
      digestS3Bucket: BUCKET,
      digestS3Object: `AWSLogs/${h.account}/CloudTrail-Digest/${h.region}/${y}/${mo}/${d}/${name}`,
      digestPublicKeyFingerprint: rng.hex(32),
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: new Date(end - 1000).toISOString().slice(0, 19) + 'Z',
      oldestEventTime: new Date(h.hourMs).toISOString().slice(0, 19) + 'Z',
      previousDigestS3Bucket: BUCKET,
      previousDigestHashValue: rng.hex(64),
      previousDigestHashAlgorithm: 'SHA-256',
      previousDigestSignature: rng.hex(512),
      logFiles: h.keys.map((k) => ({ s3Bucket: BUCKET, s3Object: k, hashValue: rng.hex(64), hashAlgorithm: 'SHA-256' })),
    };
    writeFileSync(join(folder(h.account, 'CloudTrail-Digest', h.region, y, mo, d), name), gzipSync(JSON.stringify(digest), { level: 6 }));
  }

  const manifest: Manifest = {
    version: SMALL_GENERATOR_VERSION,
    kind: 'small',
    events: records,
    seed,
    samplesFingerprint: samples.fingerprint,
    templates: templates.length,
    files: plan.length,
    filesRequested: files,
    digests: digestHours.size,
    records,
    uncompressedBytes,
    compressedBytes,
    startMs: START_MS,
    endMs: START_MS + SPAN_MS,
    expectedDeleteInUsEast1: expected,
    generateMs: Math.round(performance.now() - started),
  };
  return writeManifest(dir, manifest);
}
